"""`mkdocs serve` while an author edits a register: a broken register shows its
problems in the terminal while the last good notice is still served, and the
fixed register is served as soon as it is saved. A rebuild while serving
renders only the pages whose text changed: after every kind of edit, every
page that depends on it is served anew, in every language, and the served site
is the one a clean build makes."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from pathlib import Path

import yaml

from conftest import FIXTURES, REPO, make_project, run_env

WAIT = 60  # seconds: bounded polling for each change to show up


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            result = condition()
        except (OSError, urllib.error.URLError):
            result = None
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"waited {WAIT} s for {what}")


def test_serve_keeps_the_last_good_notice_while_a_register_is_broken(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    register = site.registers / "members.yml"
    good = register.read_text(encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}/notices/members/"
    log_path = tmp_path / "serve.log"
    server = _start_serving(site, log_path, port)
    terminal = lambda: log_path.read_text(encoding="utf-8")  # noqa: E731
    try:
        first = wait_for(lambda: fetch(url), "the first build to be served")
        assert "Jäsenyyden hoitaminen" in first
        assert "livereload" in first  # the server injects its script: live reload is on

        register.write_text(good.replace("data_subjects:", "data_subjects: ["), encoding="utf-8")
        wait_for(lambda: "registers/members.yml:12: YAML syntax error" in terminal(), "the error in the terminal")
        wait_for(lambda: "Reloading browsers" in terminal().split("YAML syntax error")[-1], "the rebuild to finish")
        assert "Traceback" not in terminal()
        served = fetch(url)  # answered at once, not held until the register is fixed
        assert "Jäsenyyden hoitaminen" in served

        register.write_text(good.replace("Jäsenyyden hoitaminen", "Jäsenyyden ja jäsenmaksujen hoitaminen"),
                            encoding="utf-8")
        wait_for(lambda: "Jäsenyyden ja jäsenmaksujen hoitaminen" in fetch(url), "the fixed notice to be served")
        assert "Traceback" not in terminal()
    finally:
        ended_by_itself = server.poll()
        _stop(server)
    # The server ran until the test stopped it: an exit of its own would mean
    # a failed rebuild took the preview down.
    assert ended_by_itself is None, f"mkdocs serve exited by itself with {ended_by_itself}:\n{terminal()}"


NOTICES = ["customers", "newsletter", "recruitment", "website-visitors"]  # the example registers
LANGUAGES = {"fi": "", "en": "en/"}  # URL prefix of each language


def _start_serving(site, log_path: Path, port: int) -> subprocess.Popen:
    env = {**run_env(), "PYTHONUNBUFFERED": "1"}
    # --livereload explicitly: with some click versions it was off by default
    # (MkDocs issues #4032, #4055).
    command = [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"]
    with open(log_path, "w", encoding="utf-8") as log:
        return subprocess.Popen(command, cwd=site.root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=20)


def _edit(path: Path, *replacements: tuple[str, str]) -> None:
    """Save the file once with every replacement made, as an editor does."""
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, (path, old)
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def _clean_build(site, site_url: str, destination: Path) -> dict:
    """What `mkdocs build` makes of the project as it is now, with the serve
    address as site_url (the server sets it so)."""
    config = site.config()
    config["site_url"] = site_url
    (site.root / "reference.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    try:
        result = site.run("-m", "mkdocs", "build", "-q", "-f", "reference.yml", "-d", str(destination))
    finally:
        (site.root / "reference.yml").unlink()
    assert result.returncode == 0, result.stderr
    return _digest_without_policy(destination)


_POLICY = re.compile(rb'\n  <meta http-equiv="Content-Security-Policy" content="[^"]*">')


def _digest_without_policy(folder: Path) -> dict:
    """tree_digest, but for the Content-Security-Policy a built site has and a
    served one may not (it would block the live-reload script: hooks/csp.py)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(_POLICY.sub(b"", p.read_bytes())).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_serve_shows_every_edit_on_every_dependent_page_in_every_language(tmp_path):
    site = make_project(tmp_path / "p")
    # The hooks as a copy (not a link to this repository), so that the test
    # can edit the standard texts too.
    (site.root / "hooks").unlink()
    shutil.copytree(REPO / "hooks", site.root / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    log_path = tmp_path / "serve.log"
    terminal = lambda: log_path.read_text(encoding="utf-8")  # noqa: E731
    server = _start_serving(site, log_path, port)

    def page(language: str, path: str) -> str:
        return fetch(f"{base}{LANGUAGES[language]}{path}")

    def rebuilt() -> None:
        """Wait until the watcher has seen the edit and the rebuild after it is done."""
        seen = terminal().count("Detected file changes")
        wait_for(lambda: terminal().count("Detected file changes") > seen, "the edit to be noticed")
        quiet = lambda: terminal().rfind("Reloading browsers") > terminal().rfind("Detected file changes")  # noqa: E731
        wait_for(quiet, "the rebuild to finish")
        time.sleep(1.5)  # the watcher polls every 0.5 s: no further rebuild is on its way
        wait_for(quiet, "the rebuild to finish")

    def served_site_is_a_clean_build(step: str) -> None:
        served = Path(re.search(r"Building 'fi' documentation to directory: (\S+)", terminal()).group(1))
        reference = _clean_build(site, base, tmp_path / f"reference-{step}")
        served_digest = _digest_without_policy(served)
        assert not any(_POLICY.search((served / name).read_bytes()) for name in served_digest if name.endswith(".html"))
        differences = [name for name, digest in served_digest.items()
                       if not name.endswith(".gz") and reference.get(name) != digest]
        assert not differences and set(served_digest) == set(reference), (step, differences[:10])

    try:
        wait_for(lambda: "Kuusiston Kahvipaahtimo Oy" in page("fi", "notices/customers/"), "the first build")

        # A register: its notice and the index of notices, in both languages.
        _edit(site.registers / "customers.yml", ("fi: Asiakasrekisteri", "fi: Asiakas- ja tilausrekisteri"),
              ("en: Customer register", "en: Customer and order register"))
        rebuilt()
        for language, name in (("fi", "Asiakas- ja tilausrekisteri"), ("en", "Customer and order register")):
            assert name in page(language, "notices/customers/"), language
            assert name in page(language, "notices/"), language
        served_site_is_a_clean_build("register")

        # The organisation's defaults: every notice, in both languages.
        _edit(site.registers / "_organisation.yml", ("phone: +358 40 000 0100", "phone: +358 40 000 0199"))
        rebuilt()
        for language in LANGUAGES:
            for notice in NOTICES:
                assert "+358 40 000 0199" in page(language, f"notices/{notice}/"), (language, notice)
        served_site_is_a_clean_build("organisation")

        # The cookie inventory: the cookie notice, in both languages.
        _edit(site.registers / "_cookies.yml", ("Muistaa sivuston värimaailman", "Muistaa aina sivuston värimaailman"),
              ("Remembers the colour scheme", "Always remembers the colour scheme"))
        rebuilt()
        assert "Muistaa aina sivuston värimaailman" in page("fi", "cookies/")
        assert "Always remembers the colour scheme" in page("en", "cookies/")
        served_site_is_a_clean_build("cookies")

        # The standard texts of one language: every notice in that language.
        _edit(site.root / "hooks" / "locales" / "en.yml", ("drawn_up: Drawn up", "drawn_up: Written up"))
        rebuilt()
        for notice in NOTICES:
            assert "Written up" in page("en", f"notices/{notice}/"), notice
            assert "Written up" not in page("fi", f"notices/{notice}/"), notice
        served_site_is_a_clean_build("locale")
        assert "Traceback" not in terminal()
    finally:
        _stop(server)
