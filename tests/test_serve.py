"""`mkdocs serve` while an author edits a register: a broken register shows its
problems in the terminal while the last good notice is still served, and the
fixed register is served as soon as it is saved."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from conftest import FIXTURES, make_project, run_env

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
    env = {**run_env(), "PYTHONUNBUFFERED": "1"}
    # --livereload explicitly: with some click versions it was off by default
    # (MkDocs issues #4032, #4055).
    command = [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"]
    with open(log_path, "w", encoding="utf-8") as log:
        server = subprocess.Popen(command, cwd=site.root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
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
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)
    # The server ran until the test stopped it: an exit of its own would mean
    # a failed rebuild took the preview down.
    assert ended_by_itself is None, f"mkdocs serve exited by itself with {ended_by_itself}:\n{terminal()}"
