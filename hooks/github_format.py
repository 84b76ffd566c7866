"""Problems as GitHub Actions annotations (`::error file=...,line=...::...`), so a
pull request shows each problem on its line of the register file.
Escaping as GitHub's runner expects it (actions/toolkit, command.ts):
`%`, CR and LF in the message; also `:` and `,` in the properties."""
from __future__ import annotations

from .problems import Problem


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem) -> str:
    properties = [f"file={escape_property(problem.file)}"]
    if problem.line:
        properties.append(f"line={problem.line}")
    # The field is the title (shown in bold above the message); a file-level problem has none.
    properties.append(f"title={escape_property(problem.field or 'register file')}")
    return f"::error {','.join(properties)}::{escape_data(problem.message)}"


def annotations(problems: list[Problem]) -> str:
    return "\n".join(annotation(problem) for problem in problems)


def internal_error_annotation(message: str) -> str:
    return f"::error title={escape_property('internal error')}::{escape_data(message)}"
