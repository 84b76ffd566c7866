"""Whether the tests run in CI, read in one place: there a missing tool or
input must fail a test instead of skipping it."""
from __future__ import annotations

import os

TRUE_VALUES = ("1", "true", "yes")


def in_ci(environ=None) -> bool:
    """CI=true, 1 or yes, in any case and with surrounding blanks."""
    value = (os.environ if environ is None else environ).get("CI", "")
    return value.strip().lower() in TRUE_VALUES
