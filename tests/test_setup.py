"""The README's two set-up commands work in a clean copy of the repository on
a stock Debian/Ubuntu Python, where `pip install` outside a virtual
environment is refused (PEP 668), and CI runs exactly the test command."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


from conftest import REPO, git_commit_all

# Debian's own Python marks itself as externally managed; use it where it is
# there, so the commands are proved on the Python a stock machine has.
SYSTEM_PYTHON = Path("/usr/bin/python3")


def readme_commands() -> tuple[str, str]:
    """The two commands of the README's set-up section, as written there."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set-up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)\n```", section, re.S)
    assert len(blocks) == 2 and all("\n" not in b for b in blocks), blocks
    return blocks[0], blocks[1]


def clean_copy(destination: Path) -> Path:
    """What a fresh clone holds: the files git tracks (or would track), as they are now."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    # a clone is a git repository: the build reads the notices' earlier versions from it
    git_commit_all(destination, "A fresh clone")
    return destination


def stock_environment(tmp_path: Path) -> dict:
    """No virtual environment, no pytest worker state, and `python3` the system's own where it is marked
    externally managed (as on a stock Debian 12 / Ubuntu 24.04)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "COV_"))}
    path = env.get("PATH", "")
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in path.split(os.pathsep) if p != venv_bin)
    if _externally_managed():
        shim = tmp_path / "stock-bin"
        shim.mkdir()
        (shim / "python3").symlink_to(SYSTEM_PYTHON)
        path = f"{shim}{os.pathsep}{path}"
    env["PATH"] = path
    return env


def _externally_managed() -> bool:
    if not SYSTEM_PYTHON.exists():
        return False
    found = subprocess.run([str(SYSTEM_PYTHON), "-c", "import sysconfig, os; print(os.path.exists(os.path.join("
                            "sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED')))"], capture_output=True, text=True)
    return found.stdout.strip() == "True"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_page(url: str, server: subprocess.Popen, seconds: float = 240) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the site command ended with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            time.sleep(1)
    raise AssertionError(f"nothing served at {url} within {seconds} s")


def test_ci_runs_exactly_the_readme_test_command():
    _, tests_command = readme_commands()
    lines = [l for l in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
             if l.strip() and not l.startswith(("#", "set ", "cd "))]
    assert lines == [tests_command]


def test_readme_commands_work_in_a_clean_copy_on_a_stock_python(tmp_path):
    site_command, tests_command = readme_commands()
    clone = clean_copy(tmp_path / "clone")
    env = stock_environment(tmp_path)
    if (tmp_path / "stock-bin").exists():
        # The situation the commands are for: the system Python refuses a plain `pip install`.
        refused = subprocess.run(["python3", "-m", "pip", "install", "-r", "requirements.txt"], cwd=clone, env=env,
                                 capture_output=True, text=True, timeout=120)
        said = refused.stdout + refused.stderr
        assert refused.returncode != 0 and ("externally-managed-environment" in said or "No module named pip" in said)

    # The site command, with an address of its own (the machine may already serve port 8000).
    port = free_port()
    assert site_command.endswith("mkdocs serve --livereload")
    server = subprocess.Popen(["bash", "-c", f"{site_command} -a 127.0.0.1:{port}"], cwd=clone, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        page = wait_for_page(f"http://127.0.0.1:{port}/en/notices/", server, 600)
        assert "Newsletter subscriber register" in page
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=60)[0].decode("utf-8", "replace")
    assert "4 notices in 2 languages (fi, en)." in output, output[-3000:]
    version = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-c",
                              "import sys; print(sys.version_info >= (3, 10))"], capture_output=True, text=True)
    assert version.stdout.strip() == "True"

    # The test command, narrowed to one quick module (the whole suite is what is running this test).
    assert tests_command.endswith("-m pytest")
    result = subprocess.run(["bash", "-c", f"{tests_command} tests/test_units.py -q -p no:cacheprovider"],
                            cwd=clone, env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"\d+ passed", result.stdout), result.stdout[-2000:]
    # Every test module imports with what the command installed (Playwright, Hypothesis, ...).
    collected = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-m", "pytest", "--collect-only", "-q",
                                "-p", "no:cacheprovider", "-o", "addopts="], cwd=clone, env=env,
                               capture_output=True, text=True, timeout=600)
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-3000:]
    assert shutil.which("chromium", path=env["PATH"]) or Path("/usr/bin/chromium").exists()
