"""The benchmarks in bench/ still run, at a tiny size (the real sizes take
minutes: see bench/README.md)."""
from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO, run_env


def run_bench(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "bench" / script), *args], cwd=REPO, env=run_env(),
                          capture_output=True, text=True, timeout=600)


def test_build_benchmark_reports_the_same_site_with_and_without_hooks():
    result = run_bench("build_scale.py", "--registers", "4", "--runs", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().split("\n")
    assert "output of (a) and (b): same" in result.stdout
    last = re.fullmatch(r"overhead_ratio=(\d+\.\d+) registers=4 pages=(\d+) hooks_ms_per_page=(\d+\.\d+)", lines[-1])
    assert last, lines[-1]
    # notices, each of their 2 versions (from git) and its changes, index and front page, in fi and en
    assert int(last.group(2)) == (4 * (1 + 2 * 2) + 2) * 2
    assert float(last.group(1)) > 0.5
    # the history phase (git log and blobs) is measured, as a share of the whole build
    assert re.search(r"^history: \d+\.\d+ s CPU in the build process = \d+\.\d+% of the whole build", result.stdout, re.M)


def test_serve_benchmark_sees_an_edited_register():
    result = run_bench("serve_latency.py", "--registers", "2", "--edits", "1", "--timeout", "300")
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.strip().split("\n")[-1]
    found = re.fullmatch(r"serve_latency_s=(\d+\.\d+) full_build_s=(\d+\.\d+) ratio=(\d+\.\d+) "
                         r"registers=2 languages=2", last)
    assert found, last
    latency, full, ratio = map(float, found.groups())
    assert full > 0 and abs(ratio - latency / full) < 0.01
