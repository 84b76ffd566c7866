"""Where the hooks spend their time in a build, by phase: load (read and parse
files), validate (schema and rules), history (versions from git) and render
(page Markdown), plus `hooks`, everything the MkDocs glue does once per build
or language including these, and `pages`, what it does to each page MkDocs
renders (its date, table labels, print marks, the Content-Security-Policy).

The benchmark (bench/build_scale.py) sets NOTICES_TIMINGS to a file name and
the glue writes the totals there; a timed call costs two reads of the process's CPU clock.
"""
from __future__ import annotations

import json
import os
import time
from functools import wraps
from pathlib import Path

PHASES = ("load", "validate", "history", "render")
ENV_VAR = "NOTICES_TIMINGS"

_seconds: dict = {}
_calls: dict = {}


def reset() -> None:
    _seconds.clear()
    _calls.clear()


def timed(phase: str):
    """Decorator: add the function's time to `phase`."""
    def decorate(function):
        @wraps(function)
        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                _seconds[phase] = _seconds.get(phase, 0.0) + time.process_time() - start
                _calls[phase] = _calls.get(phase, 0) + 1
        return wrapper
    return decorate


def add(phase: str, seconds: float) -> None:
    """Add time measured by the caller (e.g. including the CPU time of child processes)."""
    _seconds[phase] = _seconds.get(phase, 0.0) + seconds
    _calls[phase] = _calls.get(phase, 0) + 1


def cpu_with_children() -> float:
    """CPU seconds of this process and of the child processes it has waited for (git)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def totals() -> dict:
    """{phase: {"seconds": ..., "calls": ...}} for every phase, timed or not."""
    names = list(PHASES) + [name for name in _seconds if name not in PHASES]
    return {name: {"seconds": _seconds.get(name, 0.0), "calls": _calls.get(name, 0)} for name in names}


def write(path: Path, imports: float = 0.0) -> None:
    """The totals as JSON, with the time the glue took to import the hooks."""
    path.write_text(json.dumps({**totals(), "imports": {"seconds": imports, "calls": 1}}), encoding="utf-8")
