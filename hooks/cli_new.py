"""`python -m hooks new <id>`: a new register from a template.

Every required field is there, with a comment saying which item of GDPR
Articles 13 and 14 it answers, and a `TODO` placeholder in every language the
site builds. The check reports each placeholder as "still to be written"
until it is replaced (see placeholders.py), so nothing unwritten is published.
"""
from __future__ import annotations

from pathlib import Path

from .project import REGISTERS_DIR, languages_from_mkdocs_yml
from .registers import REGISTER_ID

SCHEMA_LINE = "# yaml-language-server: $schema=../hooks/schema/register.schema.json"


def _text(what: str, languages: tuple, indent: str) -> str:
    """A text with a placeholder per language, each key on its own line."""
    return "".join(f'{indent}{language}: "TODO: {what} ({language})"\n' for language in languages)


def _list_of_texts(what: str, languages: tuple, indent: str = "  ") -> str:
    first, *rest = _text(what, languages, indent + "  ").splitlines(keepends=True)
    return f"{indent}- {first.lstrip()}" + "".join(rest)


def template(register_id: str, languages: tuple) -> str:
    text = lambda what, indent="  ": _text(what, languages, indent)  # noqa: E731
    items = lambda what, indent="  ": _list_of_texts(what, languages, indent)  # noqa: E731
    return f"""{SCHEMA_LINE}
#
# Register `{register_id}`. Replace every TODO placeholder, quotes included,
# with your own text; `python -m hooks check` lists those still to be written.
# Every field, with examples: registers/README.md. Where an item does not
# apply, write `none` (never leave a field out).
# The controller and the data protection officer (Art. 13(1)(a)-(b), 14(1)(a)-(b))
# come from _organisation.yml; the build adds the rights of the data subject,
# the right to complain and the standard texts (Art. 13(2)(b)-(d), 14(2)(c)-(e)).

# The name of the register: the title of the notice.
name:
{text("the name of the register")}
# Why the data is processed, one purpose per item (Art. 13(1)(c), 14(1)(c)).
purposes:
{items("a purpose of the processing")}
# The legal basis of each processing: a letter of Art. 6(1) (Art. 13(1)(c),
# 14(1)(c)); basis f also needs `legitimate_interest` (Art. 13(1)(d), 14(2)(b)),
# and c or e may name the `law`.
legal_bases:
  - basis: "TODO: a, b, c, d, e or f"

# Must the person give the data, and what happens if they do not (Art. 13(2)(e)).
provision:
  requirement: "TODO: statutory, contractual, contract-entry or voluntary"
  consequences:
{text("what follows if the person does not give the data", "    ")}
# Whose data the register holds (the categories of data subjects).
data_subjects:
{items("a group of people the data is about")}
# What data is processed (Art. 14(1)(d)).
data_categories:
{items("a category of personal data")}
# Special categories of personal data (Art. 9, 14(1)(d)): `none`, or a list.
special_categories: "TODO: none, or a list of special categories"

# Where the data comes from (Art. 14(2)(f)): `data-subject` for the person
# themselves, or the name of the source.
sources:
  - source: "TODO: data-subject, or the name of the source"
    provides:
{text("what data this source provides", "      ")}
# Regular disclosures to third parties (Art. 13(1)(e), 14(1)(e)): `none`, or a list.
disclosures: "TODO: none, or a list of disclosures"

# Processors who handle the data for us (Art. 13(1)(e), 14(1)(e)): `none`, or a list.
processors: "TODO: none, or a list of processors"

# Transfers outside the EU/EEA (Art. 13(1)(f), 14(1)(f)): `none`, or a list.
transfers: "TODO: none, or a list of transfers"

# How long the data is kept, or the criteria (Art. 13(2)(a), 14(2)(a)).
retention:
  - period:
{text("how long the data is kept", "      ")}
# How the data is protected: `manual` (paper) and `electronic`, each a text
# or `none`.
security:
  manual: "TODO: none, or how paper material is protected"
  electronic:
{text("how electronic data is protected", "    ")}
# Automated decisions and profiling (Art. 13(2)(f), 14(2)(g)): `none`, or
# `logic` and `consequences`.
automated_decisions: "TODO: none, or logic and consequences"

# The date the notice was first drawn up, YYYY-MM-DD.
created: "TODO: the date the notice was first drawn up, YYYY-MM-DD"

# The versions of the notice, newest first: date and what changed.
versions:
  - date: "TODO: the date of this version, YYYY-MM-DD"
    summary:
{text("what changed (for the first version: that it is the first)", "      ")}"""


def new_register(register_id: str, config_file: Path) -> str:
    """Write registers/<id>.yml; return the message for the author. Raises
    ValueError with the author's message if the id or the file is not right."""
    if not REGISTER_ID.fullmatch(register_id):
        raise ValueError(f"'{register_id}' cannot be a register id: use only lowercase letters a-z, digits and "
                         "single hyphens, e.g. customer-feedback (the id becomes the file name and the address)")
    root = config_file.resolve().parent
    folder = root / REGISTERS_DIR
    if not folder.is_dir():
        raise ValueError(f"there is no {REGISTERS_DIR}/ folder beside {config_file.name}; "
                         "run the command in the site's top folder")
    existing = [p for p in (folder / f"{register_id}.yml", folder / f"{register_id}.yaml") if p.exists()]
    if existing:
        raise ValueError(f"{REGISTERS_DIR}/{existing[0].name} already exists; it is not overwritten "
                         "(choose another id, or edit that file)")
    languages = languages_from_mkdocs_yml(config_file).built
    path = folder / f"{register_id}.yml"
    with path.open("x", encoding="utf-8") as stream:  # "x": never overwrite, even in a race
        stream.write(template(register_id, languages))
    return (f"wrote {REGISTERS_DIR}/{path.name} ({', '.join(languages)}): replace every TODO placeholder; "
            "`python -m hooks check` lists those still to be written")
