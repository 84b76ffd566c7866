"""Problems found in register data, reported as `file:line: field: message`."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str  # path as the author knows it, e.g. registers/customers.yml
    line: int  # 1-based; 0 when the problem concerns the file as a whole
    field: str  # e.g. legal_bases[2].basis; "" when no field applies
    message: str

    def __str__(self) -> str:
        location = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{location}:{field} {self.message}"


class ProblemsFound(Exception):
    """Raised when register data has problems; carries all of them, sorted."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in the register data:"
        return "\n".join([heading, *(str(p) for p in self.problems)])


def field_path(path: tuple) -> str:
    """Render a data path for authors: list items are counted from 1."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def internal_error(file: str, doing: str, error: Exception) -> Problem:
    """An unexpected failure while handling `file`, as a problem of that file:
    the author learns where to look and sees no traceback. With NOTICES_DEBUG=1
    set, the error is raised instead, for developers."""
    if os.environ.get("NOTICES_DEBUG"):
        raise error
    return Problem(file, 0, "", f"internal error while {doing} ({type(error).__name__}: {error}); "
                                "please report it together with this file (NOTICES_DEBUG=1 shows the details)")
