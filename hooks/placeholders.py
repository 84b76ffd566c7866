"""Placeholders such as `"TODO: a purpose of the processing"` that
`python -m hooks new` writes into a new register. The check rejects each one
as "still to be written" instead of with the schema error the placeholder
would otherwise cause (`'TODO: ...' is not allowed here; expected ...`)."""
from __future__ import annotations

import re

from .problems import Problem, field_path
from .yaml_source import Document

# Uppercase TODO as a word at the start: "Todistus" (a certificate) is a real text.
_PLACEHOLDER = re.compile(r"\s*TODO(?![A-Za-z0-9_])")
STILL_TO_WRITE = "still to be written"


def is_placeholder(value) -> bool:
    return isinstance(value, str) and _PLACEHOLDER.match(value) is not None


def find(value, path: tuple = ()) -> list[tuple]:
    """The path of every placeholder in nested data (run on every register
    of every build: leaves are tested inline, paths built only for containers)."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return [path] if is_placeholder(value) else []
    found = []
    for key, sub in items:
        if isinstance(sub, str):
            if "TODO" in sub[:64] and is_placeholder(sub):
                found.append(path + (key,))
        elif isinstance(sub, (dict, list)):
            found += find(sub, path + (key,))
    return found


def _what(value: str) -> str:
    rest = _PLACEHOLDER.sub("", value, count=1).lstrip(" :-").strip()
    return f" with {rest}" if rest else ""


def still_to_write(problems: list[Problem], documents: list[Document]) -> list[Problem]:
    """`problems` with those about a placeholder (or inside one) replaced by one
    "still to be written" problem per placeholder of each document."""
    for document in documents:
        paths = find(document.data)
        if not paths:
            continue
        fields = [field_path(path) for path in paths]
        problems = [p for p in problems if p.file != document.file or not _covered(p.field, fields)]
        for path in paths:
            value = _value_at(document.data, path)
            problems.append(Problem(document.file, document.line_of(path), field_path(path),
                                    f"{STILL_TO_WRITE}: replace the TODO placeholder{_what(value)}"))
    return problems


def _covered(field: str, fields: list[str]) -> bool:
    return any(field == f or field.startswith(f + ".") or field.startswith(f + "[") for f in fields)


def _value_at(data, path: tuple):
    for part in path:
        data = data[part]
    return data
