"""Find, read and validate every file in `registers/`, and merge the shared
organisation defaults into each register. Everything is checked before
anything is rendered, and all problems are reported at once."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import cookies, placeholders, rules, schema_check, translations
from .languages import Languages
from .timings import timed
from .problems import Problem, ProblemsFound, internal_error
from .yaml_source import MAX_BYTES, Document, decode, parse

REGISTER_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # \Z: `$` would allow a final line break
YAML_SUFFIXES = (".yml", ".yaml")
# Shared files (name starts with `_`) and the schema each follows.
SHARED_FILES = {"_organisation": "organisation", cookies.INVENTORY: "cookies"}
# Documentation may live beside the data; anything else is a mistake.
IGNORED_SUFFIXES = (".md", ".txt")
# Items a register may take from the organisation defaults.
INHERITED = ("controller", "data_protection_officer", "contacts", "rights", "supervisory_authority",
             "applicable_law", "announcing_changes")
MERGED_MAPPINGS = ("controller", "rights")  # merged key by key; the others are replaced whole


@dataclass
class Register:
    id: str
    file: str
    data: dict  # the register merged with the organisation defaults
    document: Document  # the register file as written, with lines
    sources: dict = field(default_factory=dict)  # top-level item -> file it came from

    @property
    def versions(self) -> list:
        return self.data["versions"]

    @property
    def last_updated(self) -> str:
        return self.data["versions"][0]["date"]


@dataclass
class Catalogue:
    languages: Languages
    registers: list  # of Register, sorted by id
    organisation: Document | None
    shared: dict = field(default_factory=dict)  # stem -> Document of other shared files

    @cached_property
    def by_id(self) -> dict:
        """Register id -> Register, for pages that look one up (hundreds of them)."""
        return {register.id: register for register in self.registers}


def display_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


@timed("load")
def read_document(path: Path, shown_as: str) -> tuple[Document | None, list[Problem]]:
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)  # never more, however large the file is
    except OSError as error:
        return None, [Problem(shown_as, 0, "", f"cannot read the file: {error.strerror}")]
    if len(raw) > MAX_BYTES:
        return None, [Problem(shown_as, 0, "", f"the file is {path.stat().st_size:,} bytes; "
                                               f"a register may be at most {MAX_BYTES:,} bytes")]
    text, problems = decode(raw, shown_as)
    if text is None:
        return None, problems
    return parse(text, shown_as)


def load_catalogue(registers_dir: Path, languages: Languages, root: Path | None = None) -> Catalogue:
    """Load and validate every file in `registers_dir`. Raises ProblemsFound."""
    root = root or registers_dir.parent
    problems: list[Problem] = []
    if not registers_dir.is_dir():
        raise ProblemsFound([Problem(display_path(registers_dir, root), 0, "",
                                     "the registers folder does not exist; create it with one YAML file per register")])
    shared: dict[str, Document] = {}
    documents: dict[str, list[tuple[Path, Document]]] = {}
    for path in sorted(registers_dir.iterdir()):
        shown = display_path(path, root)
        if path.name.startswith(".") or path.suffix in IGNORED_SUFFIXES or path.is_dir():
            continue
        if path.suffix not in YAML_SUFFIXES:
            problems.append(Problem(shown, 0, "", "only YAML files (.yml) belong in the registers folder; "
                                                  "move or remove this file"))
            continue
        stem = path.stem
        if stem.startswith("_"):
            if stem not in SHARED_FILES:
                known = ", ".join(f"{name}.yml" for name in SHARED_FILES)
                problems.append(Problem(shown, 0, "", f"unknown shared file; shared files are: {known}"))
                continue
        elif not REGISTER_ID.fullmatch(stem):
            problems.append(Problem(shown, 0, "", "the file name is the register id and may contain only lowercase "
                                                  "letters a-z, digits and single hyphens, e.g. customer-register.yml"))
            continue
        if path.is_symlink() or not path.is_file():
            # A link could publish a file from anywhere on the machine.
            problems.append(Problem(shown, 0, "", "this is a link or a special file; a register must be an ordinary "
                                                  "file in the registers folder itself"))
            continue
        try:
            document, found = read_document(path, shown)
        except Exception as error:
            document, found = None, [internal_error(shown, "reading this file", error)]
        problems += found
        if document is None:
            continue
        if not isinstance(document.data, dict):
            problems.append(Problem(shown, 1, "", "the file must be a mapping of items such as `name:` and `purposes:`"))
            continue
        if stem.startswith("_"):
            if stem in shared:  # `_cookies.yaml` beside `_cookies.yml`: neither may win silently
                names = f"{shared[stem].file} and {shown}"
                problems += [Problem(file, 0, "", f"{names} are the same shared file with two extensions; "
                                                  "merge them into one and remove the other")
                             for file in (shared[stem].file, shown)]
                continue
            shared[stem] = document
        else:
            documents.setdefault(stem, []).append((path, document))

    for stem, found in documents.items():
        if len(found) > 1:
            names = " and ".join(display_path(p, root) for p, _ in found)
            problems += [Problem(doc.file, 0, "", f"two registers have the id '{stem}' ({names}); rename or remove one")
                         for _, doc in found]

    organisation = shared.get("_organisation")
    if organisation is not None:
        try:
            problems += organisation_problems(organisation, languages)
        except Exception as error:
            problems.append(internal_error(organisation.file, "checking this file", error))
    inventory = shared.get(cookies.INVENTORY)
    if inventory is not None:
        try:
            problems += schema_check.check(inventory, "cookies", languages.known, languages.built)
            problems += cookies.check_inventory(inventory) + rules.check_texts(inventory)
        except Exception as error:
            problems.append(internal_error(inventory.file, "checking this file", error))

    registers = []
    for stem, found in sorted(documents.items()):
        if len(found) > 1:
            continue
        _, document = found[0]
        try:
            # A register marked as partly translated may lack texts in the languages it names.
            required = translations.required_languages(document.data, languages.built, languages.default)
            problems += schema_check.check(document, "register", languages.known, required)
            problems += translations.check_marker(document, languages.known, languages.default)
            problems += rules.check_register(document)
            register = _merge(stem, document, organisation, languages.default)
            problems += rules.check_merged(register.data, register.sources, document, organisation)
        except Exception as error:
            problems.append(internal_error(document.file, "checking this file", error))
            continue
        registers.append(register)
    problems += cookies.check_registers(inventory, registers)
    # `TODO` placeholders from `python -m hooks new`: "still to be written", not a schema error
    problems = placeholders.still_to_write(problems, [found[0][1] for found in documents.values() if len(found) == 1])

    if problems:
        raise ProblemsFound(problems)
    return Catalogue(languages, registers, organisation,
                     {stem: doc for stem, doc in shared.items() if stem != "_organisation"})


def checked_text(text: str, shown: str, languages: Languages) -> tuple:
    """(document, problems) of a register's text at another revision (an
    earlier version, the base of a review): parsed, and checked by the schema
    and the rules of a register on its own, as today's files are. The document
    is None, or not a mapping, when the text is no register at all."""
    document, problems = parse(text, shown)
    if document is None or not isinstance(document.data, dict):
        return document, problems
    # A new list: `parse` is remembered while serving, and its result must stay as it was.
    problems = problems + schema_check.check(document, "register", languages.known, translations.required_languages(
        document.data, languages.built, languages.default))
    return document, problems + rules.check_register(document)


def organisation_problems(organisation: Document, languages: Languages) -> list[Problem]:
    """What the schema and the rules say of `_organisation.yml` (a mapping)."""
    return (schema_check.check(organisation, "organisation", languages.known, languages.built)
            + rules.check_organisation(organisation))


def checked_organisation(text: str, shown: str, languages: Languages) -> tuple:
    """(document, problems) of `_organisation.yml` at another revision, checked
    as today's file is. Problems, never a silent None, when it is no mapping."""
    document, problems = parse(text, shown)
    if document is None or not isinstance(document.data, dict):
        return None, problems or [Problem(shown, 1, "", "the file must be a mapping of items such as `controller:`")]
    return document, problems + organisation_problems(document, languages)


def _merge(stem: str, document: Document, organisation: Document | None, source: str | None = None) -> Register:
    """`source`: the site's default language, whose text stands in for a text a
    register marked as partly translated lacks (hooks/translations.py)."""
    own = document.data
    defaults = organisation.data if organisation is not None and isinstance(organisation.data, dict) else {}
    data = dict(own)
    sources = {key: document.file for key in own}
    for key in INHERITED:
        base = defaults.get(key)
        if base is None:
            continue
        if key not in own:
            data[key] = base
            sources[key] = organisation.file
        elif key in MERGED_MAPPINGS and isinstance(base, dict) and isinstance(own[key], dict):
            data[key] = {**base, **own[key]}
    if source is not None:
        data = translations.fill(data, source)
    return Register(stem, document.file, data, document, sources)
