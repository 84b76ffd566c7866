"""Checks the schema cannot express: rules between items, dates, business IDs
and links. Each function returns problems and never raises, so that it can
run on data that failed the schema too (it skips what is not well-formed)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from . import safe_markdown
from .problems import Problem, field_path
from . import memo
from .timings import timed
from .yaml_source import Document

ALLOWED_LINK_SCHEMES = safe_markdown.ALLOWED_SCHEMES
# `<scheme:...>` written as if it were a link: the renderer shows it as text,
# but the author meant a link, so it is reported too.
_AUTOLINK = re.compile(r"<(([a-zA-Z][a-zA-Z0-9+.\-]*):[^>\s]*)>")
# Controller items a notice must give (GDPR Art. 13(1)(a) and the Finnish practice).
CONTROLLER_REQUIRED = ("name", "business_id")
# Art. 13(1)(a) asks for contact details, not any one kind: at least one of these.
CONTROLLER_CONTACT = ("address", "email", "contact_form")


def _problem(document: Document, path: tuple, message: str) -> Problem:
    return Problem(document.file, document.line_of(path), field_path(path), message)


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


# Characters that show nothing although they are not white space.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def blank(text: str) -> bool:
    """True if `text` shows nothing: only white space and invisible characters
    (format characters such as U+200B ZERO WIDTH SPACE, fillers)."""
    return all(ch.isspace() or ch in _INVISIBLE or unicodedata.category(ch) in ("Cf", "Cc") for ch in text)


def business_id_valid(value: str) -> bool:
    """Finnish business ID (Y-tunnus) check digit: weights 7,9,10,5,8,4,2, mod 11."""
    if not re.fullmatch(r"[0-9]{7}-[0-9]", value):  # Python's \d also takes other scripts' digits
        return False
    total = sum(int(d) * w for d, w in zip(value[:7], (7, 9, 10, 5, 8, 4, 2)))
    remainder = total % 11
    if remainder == 1:
        return False
    return int(value[-1]) == (0 if remainder == 0 else 11 - remainder)


@timed("validate")
def check_organisation(document: Document) -> list[Problem]:
    data = document.data if isinstance(document.data, dict) else {}
    return _check_business_id(document, data) + _check_texts(document, data)


@memo.pure  # while serving: an unchanged register is not checked again
@timed("validate")
def check_register(document: Document) -> list[Problem]:
    data = document.data if isinstance(document.data, dict) else {}
    return (_check_legal_bases(document, data) + _check_dates(document, data)
            + _check_business_id(document, data) + _check_texts(document, data))


def check_texts(document: Document) -> list[Problem]:
    """Texts in any shared file: the same bounds, characters and links as in registers."""
    return _check_texts(document, document.data)


@timed("validate")
def check_merged(data: dict, sources: dict, document: Document, organisation: Document | None) -> list[Problem]:
    """Items every notice needs, which may come from the register or the organisation defaults."""
    problems = []
    controller = data.get("controller")
    if not isinstance(controller, dict):
        problems.append(_problem(document, ("controller",), "'controller' is missing: give it in "
                                               "registers/_organisation.yml (shared by all registers) or in this file"))
    else:
        missing = [key for key in CONTROLLER_REQUIRED if key not in controller]
        if missing:
            where = organisation if sources.get("controller") != document.file and organisation else document
            problems.append(_problem(where, ("controller",), f"the controller's {', '.join(missing)} "
                                                             f"{'is' if len(missing) == 1 else 'are'} missing; "
                                                             "a notice must give the controller's name and business ID"))
        if not any(key in controller for key in CONTROLLER_CONTACT):
            where = organisation if sources.get("controller") != document.file and organisation else document
            problems.append(_problem(where, ("controller",), "the controller has no contact details: give at least one "
                                                             "of `address` (postal address), `email` or `contact_form` "
                                                             "(the address of a web form); `phone` is optional"))
    for key, what in (("data_protection_officer", "the data protection officer, or `none`"),
                      ("contacts", "the contact persons for the register")):
        if key not in data:
            problems.append(_problem(document, (key,), f"'{key}' is missing: give {what} in "
                                                   "registers/_organisation.yml or in this file"))
    return problems


def _check_legal_bases(document: Document, data: dict) -> list[Problem]:
    problems = []
    bases = data.get("legal_bases")
    if not isinstance(bases, list):
        return problems
    seen = {}
    for i, entry in enumerate(bases):
        if not isinstance(entry, dict):
            continue
        code = entry.get("basis")
        path = ("legal_bases", i)
        if not isinstance(code, str):
            continue  # the schema reports it; a list or mapping here cannot be compared
        if code == "f" and "legitimate_interest" not in entry:
            problems.append(_problem(document, path + ("legitimate_interest",),
                                     "basis f (legitimate interests) needs `legitimate_interest`: "
                                     "describe the interest the controller or a third party pursues"))
        if code != "f" and "legitimate_interest" in entry:
            problems.append(_problem(document, path + ("legitimate_interest",),
                                     f"`legitimate_interest` belongs to basis f only, not to basis {code}"))
        if "law" in entry and code not in ("c", "e"):
            problems.append(_problem(document, path + ("law",),
                                     f"`law` belongs to bases c (legal obligation) and e (public task), not to basis {code}"))
        if code in seen:
            problems.append(_problem(document, path + ("basis",),
                                     f"basis {code} is already listed as legal basis {seen[code] + 1}; "
                                     "describe both uses in one entry"))
        seen.setdefault(code, i)
    return problems


def _check_dates(document: Document, data: dict) -> list[Problem]:
    problems = []
    created = _date(data.get("created"))
    versions = data.get("versions")
    if not isinstance(versions, list):
        return problems
    dated = [(i, _date(v.get("date"))) for i, v in enumerate(versions) if isinstance(v, dict)]
    dated = [(i, d) for i, d in dated if d is not None]
    for (i, newer), (j, older) in zip(dated, dated[1:]):
        if older > newer:
            problems.append(_problem(document, ("versions", j, "date"),
                                     f"versions are out of order: {older.isoformat()} is newer than the version "
                                     f"above it ({newer.isoformat()}); list versions newest first"))
    if created is not None:
        for i, day in dated:
            if day < created:
                problems.append(_problem(document, ("versions", i, "date"),
                                         f"this version ({day.isoformat()}) is older than `created` "
                                         f"({created.isoformat()}); the notice cannot change before it was drawn up"))
    return problems


def _check_business_id(document: Document, data: dict) -> list[Problem]:
    controller = data.get("controller")
    value = controller.get("business_id") if isinstance(controller, dict) else None
    # Surrounding white space (a `|` block ends in a line break) is reported by
    # the schema; the check digit is judged on what remains, so both are said.
    value = value.strip() if isinstance(value, str) else None
    if value is not None and re.fullmatch(r"[0-9]{7}-[0-9]", value) and not business_id_valid(value):
        return [_problem(document, ("controller", "business_id"),
                         f"'{value}' is not a valid business ID (Y-tunnus): its check digit does not match; "
                         "copy it from the Finnish Trade Register (ytj.fi)")]
    return []


def _check_texts(document: Document, data) -> list[Problem]:
    """Every string: within the bounds the renderer can handle, no invisible
    characters that change how it reads, and only web, email and phone links
    (a `javascript:` link in a notice would run code). The usual case, no
    problem at all, is found without building a path for every text."""
    return [] if _texts_fine(data) else _text_problems_at(document, data, ())


def _text_problems_at(document: Document, value, path: tuple) -> list[Problem]:
    if isinstance(value, dict):
        return [p for key, sub in value.items() for p in _text_problems_at(document, sub, path + (key,))]
    if isinstance(value, list):
        return [p for i, sub in enumerate(value) for p in _text_problems_at(document, sub, path + (i,))]
    if not isinstance(value, str):
        return []
    return [_problem(document, path, message) for message in _text_problems(value)]


def _texts_fine(value) -> bool:
    """True if no text anywhere in `value` has a problem."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _text_problems(value):
                return False
        elif isinstance(value, dict):
            stack += value.values()
        elif isinstance(value, list):
            stack += value
    return True


# An earlier version repeats most texts of the next one, checked a whole
# catalogue earlier (1,000 registers in three languages have about 170,000
# texts); the texts are held by the registers anyway, and a text's problems
# are usually none (the empty tuple): an entry costs about 140 bytes.
@lru_cache(maxsize=1 << 18)
def _text_problems(value: str) -> tuple:
    """What is wrong with one text, for its author (nothing: empty)."""
    if value and blank(value):  # an empty text is the schema's to report
        return ("the text is empty (it has only spaces, line breaks or invisible "
                "characters); write the text, or remove the item",)
    hidden = sorted(set(safe_markdown.HIDDEN_CHARACTERS.findall(value)))
    if hidden:
        names = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, 'CONTROL CHARACTER')}" for ch in hidden)
        return (f"the text contains invisible characters that can change how it reads "
                f"({names}); delete them (they often come with copied text)",)
    complex_ = safe_markdown.too_complex(value)
    if complex_:
        return (complex_,)
    targets = safe_markdown.rejected_links(value)
    targets += [m.group(1) for m in _AUTOLINK.finditer(value) if m.group(2).lower() not in ALLOWED_LINK_SCHEMES]
    return tuple(f"the link '{target[:60]}' is not allowed; links must be full addresses "
                 "that start with https:, http:, mailto: or tel:" for target in dict.fromkeys(targets))
