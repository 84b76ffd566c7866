"""No traceback, ever: a bug in our own code, wherever it strikes, reaches the
author as a message naming the register it happened on and a failed build.
The bugs are planted in a copy of the hooks of a real site project."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import FIXTURES, REPO, make_project, run_env, tree_digest

BUGS = {
    "rendering": ("notice_markdown.py", "    p = _Page(register, locale)\n",
                  "    if register.id == 'members':\n        raise KeyError('planted')\n    p = _Page(register, locale)\n",
                  "registers/members.yml: internal error while rendering the fi page notices/members.md "
                  "(KeyError: 'planted')"),
    "validation": ("rules.py", "    data = document.data if isinstance(document.data, dict) else {}\n    return (_check_legal",
                   "    raise ValueError('planted')\n    return (_check_legal",
                   "registers/members.yml: internal error while checking this file (ValueError: planted)"),
    "reading": ("yaml_source.py", "    problem = _scan(text, file)\n",
                "    problem = _scan(text, file)\n    if file.endswith('members.yml'):\n        1 / 0\n",
                "registers/members.yml: internal error while reading this file (ZeroDivisionError: division by zero)"),
}


def project_with_own_hooks(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    (site.root / "hooks").unlink()
    shutil.copytree(REPO / "hooks", site.root / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    return site


def plant(site, module: str, old: str, new: str) -> None:
    path = site.root / "hooks" / module
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the code to plant the bug in has changed: {module}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("stage", list(BUGS))
def test_a_bug_is_reported_with_the_register_not_a_traceback(tmp_path, stage):
    site = project_with_own_hooks(tmp_path)
    assert site.build().returncode == 0
    before = tree_digest(site.site)
    module, old, new, message = BUGS[stage]
    plant(site, module, old, new)
    for result in (site.build(), site.check()):
        assert result.returncode != 0
        assert "Traceback" not in result.stderr + result.stdout
        assert message in result.stderr, result.stderr
        assert "please report it" in result.stderr
    assert tree_digest(site.site) == before


def test_a_bug_in_a_later_event_is_a_message_too(tmp_path):
    site = project_with_own_hooks(tmp_path)
    plant(site, "mkdocs_hooks.py", "    for file in files.documentation_pages():\n        if file.src_uri in _state.markdown:",
          "    raise RuntimeError('planted')\n    for file in files.documentation_pages():\n"
          "        if file.src_uri in _state.markdown:")
    result = site.build()
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "internal error in the notice pages (on_nav: RuntimeError: planted)" in result.stderr


def test_developers_get_the_traceback_with_notices_debug(tmp_path):
    site = project_with_own_hooks(tmp_path)
    plant(site, *BUGS["rendering"][:3])
    env = {**run_env(), "NOTICES_DEBUG": "1"}
    for command in (["-m", "mkdocs", "build", "--strict"], ["-m", "hooks", "check"]):
        result = subprocess.run([sys.executable, *command], cwd=site.root, env=env, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode != 0
        assert "Traceback" in result.stderr and "KeyError: 'planted'" in result.stderr
