"""The test suite's own rules: CI is recognised in one place, property tests
are derandomized, no test reads a machine-specific path."""
from __future__ import annotations

import re

import pytest
from hypothesis import settings

from ci_env import in_ci
from conftest import REPO

TEST_FILES = sorted((REPO / "tests").glob("*.py"))


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("TRUE", True), ("True", True), ("1", True), ("yes", True), ("Yes", True), (" true\n", True),
    ("", False), ("0", False), ("false", False), ("no", False), ("2", False), ("truthy", False),
])
def test_ci_flag_values(value, expected):
    assert in_ci({"CI": value}) is expected
    assert in_ci({}) is False


def test_the_ci_flag_is_read_only_through_the_helper():
    reads = re.compile(r"""environ(?:\.get\(|\[)\s*["']CI["']|getenv\(\s*["']CI["']""")
    offenders = [p.name for p in TEST_FILES if p.name != "ci_env.py" and reads.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_hypothesis_runs_derandomized_everywhere():
    assert settings.default.derandomize is True
    assert settings.default.database is None
    # no test module switches it back
    switched_off = "derandomize=" + "False"  # not written out, or this file would match
    assert [p.name for p in TEST_FILES if switched_off in p.read_text(encoding="utf-8")] == []


def test_no_test_reads_a_machine_path():
    machine = re.compile(r"""["'](?:/work/|/home/|/root/|/Users/)""")
    assert [p.name for p in TEST_FILES if machine.search(p.read_text(encoding="utf-8"))] == []
