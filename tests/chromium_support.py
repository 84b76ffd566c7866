"""What the browser tests share: Debian's Chromium through Playwright, and the
built example site served from 127.0.0.1.

Without Chromium or Playwright a browser test is skipped; with CI=true it
fails instead, because CI must run it (setup.sh --tests installs Chromium)."""
from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ci_env import in_ci

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def squash(text: str) -> str:
    return " ".join(text.split())


def unavailable(reason: str):
    if in_ci():
        pytest.fail(f"{reason}; with CI=true the browser tests must run (setup.sh --tests installs Chromium)",
                    pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        unavailable(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def origin(browser, example_site):
    """The example site, built once for the module, at http://127.0.0.1:<port>/."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(example_site.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def outcomes_without_chromium(test_file: Path, keyword: str, tmp_path: Path) -> dict[str, tuple[int, str]]:
    """Exit code and output of the tests of `test_file` matching `keyword`, run
    in a subprocess with Chromium pointed elsewhere, with CI=true ("true") and
    without ("")."""
    import subprocess
    import sys
    from conftest import REPO, run_env
    command = [sys.executable, "-m", "pytest", "-n", "0", "-q", "-p", "no:cacheprovider", "--rootdir", str(REPO),
               "-k", keyword, str(test_file)]
    outcomes = {}
    for ci in ("true", ""):
        env = {**run_env(), "CHROMIUM": str(tmp_path / "no-chromium"), "CI": ci}
        result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        outcomes[ci] = (result.returncode, result.stdout)
    return outcomes
