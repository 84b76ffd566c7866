"""Standard texts per language (legal bases, rights, headings, the supervisory
authority) from `locales/<language>.yml`, and dates formatted for a language.

Every locale file must have the same keys as the reference file, so a new
language is complete or it does not build."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date

from .problems import Problem, ProblemsFound, field_path
from .timings import timed
from .yaml_source import Document, decode, parse

LOCALE_DIR = Path(__file__).parent / "locales"
REFERENCE = "en"


@dataclass(frozen=True)
class Locale:
    code: str
    texts: dict
    # dotted key -> its text: a notice asks for the same few hundred keys on every page
    _found: dict = field(default_factory=dict, compare=False, repr=False)

    def __call__(self, dotted: str, **values) -> str:
        """The text at `dotted` (e.g. 'sections.controller'), with {placeholders} filled."""
        node = self._found.get(dotted)
        if node is None:
            node = self._found[dotted] = self.get(dotted)
        return node.format(**values) if values else node

    def get(self, dotted: str):
        node = self.texts
        for part in dotted.split("."):
            node = node[part]
        return node

    def date(self, iso: str) -> str:
        return _format_date(iso, self.texts["date_format"], self.texts["babel_locale"])


@lru_cache(maxsize=16384)  # Babel is slow, and a site shows the same dates many times
def _format_date(iso: str, pattern: str, babel_locale: str) -> str:
    return format_date(dt.date.fromisoformat(iso), format=pattern, locale=babel_locale)


def _read(path: Path) -> tuple[Document | None, list[Problem]]:
    shown = f"hooks/locales/{path.name}"
    if not path.is_file():
        return None, [Problem(shown, 0, "", "there are no standard texts for this language: "
                                            f"copy hooks/locales/{REFERENCE}.yml to this name and translate it")]
    text, problems = decode(path.read_bytes(), shown)
    return parse(text, shown) if text is not None else (None, problems)


def leaves(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, path + (key,))
    else:
        yield path, data


@timed("load")
def load_locales(languages: tuple, locale_dir: Path = LOCALE_DIR) -> dict:
    """Locale per language code; raises ProblemsFound if a file is missing or
    its keys differ from the reference file's."""
    reference, problems = _read(locale_dir / f"{REFERENCE}.yml")
    if reference is None:
        raise ProblemsFound(problems)
    expected = {path for path, _ in leaves(reference.data)}
    locales = {}
    for code in languages:
        document, found = (reference, []) if code == REFERENCE else _read(locale_dir / f"{code}.yml")
        problems += found
        if document is None:
            continue
        have = dict(leaves(document.data))
        for path in sorted(expected - set(have), key=str):
            problems.append(Problem(document.file, document.line_of(path), field_path(path),
                                    f"missing: every locale file needs the texts of hooks/locales/{REFERENCE}.yml"))
        for path in sorted(set(have) - expected, key=str):
            problems.append(Problem(document.file, document.line_of(path), field_path(path),
                                    f"unknown key: it is not in hooks/locales/{REFERENCE}.yml"))
        locales[code] = Locale(code, document.data)
    if problems:
        raise ProblemsFound(problems)
    return locales
