"""Registers marked as partly translated for a language (`translation_pending`).

A register may lack texts in a language it marks, so that a translation can lag
behind an urgent change:

    translation_pending:
      en: source          # published with the source language's text where en is missing
      sv: not-published   # not published in sv until translated

The source language is the site's default language (its texts are always
required). A missing text is filled in with the source text as a `SourceText`,
which the renderer wraps in an element with `lang="<source>"` (screen readers
then read it in its own language); a page in a marked language says at the top
which parts are not yet translated.
"""
from __future__ import annotations

import re

from .problems import Problem, field_path

KEY = "translation_pending"
SOURCE, NOT_PUBLISHED = "source", "not-published"
_LANGUAGE = re.compile(r"[a-z]{2,3}([_-][A-Za-z0-9]{2,8})?\Z")


class SourceText(str):
    """A text shown in the source language in a page of another language."""

    lang: str = ""

    def __new__(cls, text: str, lang: str):
        made = super().__new__(cls, text)
        made.lang = lang
        return made


def pending(data) -> dict:
    """Language -> mode (`source` or `not-published`) of the register's marker."""
    marker = data.get(KEY) if isinstance(data, dict) else None
    return {k: v for k, v in marker.items() if v in (SOURCE, NOT_PUBLISHED)} if isinstance(marker, dict) else {}


def required_languages(data, built: tuple, source: str) -> tuple:
    """The languages every text of this register must have: the built ones, but
    not those the register marks as partly translated (the source always)."""
    marked = pending(data)
    return tuple(code for code in built if code == source or code not in marked)


def published(data, language: str) -> bool:
    return pending(data).get(language) != NOT_PUBLISHED


def _is_text(value, source: str) -> bool:
    return (isinstance(value, dict) and source in value and all(isinstance(v, str) for v in value.values())
            and all(isinstance(k, str) and _LANGUAGE.match(k) for k in value))


def missing(data, language: str, source: str, path: tuple = ()) -> list:
    """Paths of the texts that lack `language` (in a register as written)."""
    if _is_text(data, source):
        return [] if language in data else [path]
    found = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        if not path and key in (KEY, "changed_languages"):
            continue
        found += missing(value, language, source, path + (key,))
    return found


def fill(data, source: str):
    """`data` with every text missing in a marked language given the source
    text; new containers where something is filled, the rest shared."""
    languages = [code for code in pending(data) if code != source]
    return _fill(data, source, languages) if languages else data


def _fill(value, source: str, languages: list):
    if _is_text(value, source):
        absent = [code for code in languages if code not in value]
        return {**value, **{code: SourceText(value[source], source) for code in absent}} if absent else value
    if isinstance(value, dict):
        return {k: _fill(v, source, languages) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, source, languages) for v in value]
    return value


def check_marker(document, known: tuple, source: str) -> list[Problem]:
    """The marker names languages of the site, never the source language."""
    marker = document.data.get(KEY) if isinstance(document.data, dict) else None
    problems = []
    for code in marker if isinstance(marker, dict) else ():
        path = (KEY, code)
        line = document.key_lines.get(path, document.line_of(path))
        if code == source:
            problems.append(Problem(document.file, line, field_path(path),
                                    f"'{code}' is the source language of the site: its texts are always required; "
                                    f"remove this line"))
        elif code not in known:
            problems.append(Problem(document.file, line, field_path(path),
                                    f"'{code}' is not a language of this site (languages: {', '.join(known)}); "
                                    f"check the language code"))
    return problems


# ---- rendering ------------------------------------------------------------------

def mark(html: str, value, block: bool = False) -> str:
    """`html` made from `value`; in the source language's element if it is a source text."""
    if isinstance(value, SourceText):
        tag = "div" if block else "span"
        return f'<{tag} lang="{value.lang}">{html}</{tag}>'
    return html


def source_language(data, language: str) -> str | None:
    """The language of the source texts filled into `data` in place of
    `language`'s (None: every text is in `language`)."""
    if isinstance(data, dict) and isinstance(data.get(language), SourceText):
        return data[language].lang
    items = data.values() if isinstance(data, dict) else data if isinstance(data, list) else ()
    for value in items:
        found = source_language(value, language)
        if found:
            return found
    return None


# Top-level items of a register -> the notice section that shows them.
SECTION_OF = {"disclosures": "recipients", "processors": "recipients", "supervisory_authority": "complaint",
              "announcing_changes": "versions"}
# Items shown outside the sections: named by locale texts of their own.
OWN_PART = {"name": "translation.parts.name", "applicable_law": "translation.parts.applicable_law"}


def untranslated_keys(data, language: str) -> list:
    """The top-level items of `data` shown in the source language in `language`'s page."""
    return [key for key, value in data.items() if key != KEY and source_language(value, language)]
