"""Validate register data against the JSON Schemas in `schema/` and turn
jsonschema's errors into problems an author can act on."""
from __future__ import annotations

import difflib
import json
from functools import lru_cache
from pathlib import Path

from . import dates, memo, patterns, schema_quick
from .problems import Problem, field_path
from .timings import timed
from .yaml_source import Document

SCHEMA_DIR = Path(__file__).parent / "schema"
SCHEMA_FILES = {"register": "register.schema.json", "organisation": "organisation.schema.json",
                "cookies": "cookies.schema.json"}


def _read(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def _inherit_descriptions(schema, inherited: str = "") -> None:
    """Give inline subschemas (if/then/else branches, list items) the
    description of the nearest ancestor, so every error can say what is expected."""
    if isinstance(schema, dict):
        own = schema.get("description")
        if not own and inherited and set(schema) - {"$ref"}:
            schema["description"] = inherited
        for key, value in schema.items():
            if key in ("properties", "$defs"):
                for sub in value.values():
                    _inherit_descriptions(sub, "")
            elif key in ("then", "else", "items", "additionalProperties"):
                _inherit_descriptions(value, schema.get("description", ""))
    elif isinstance(schema, list):
        for value in schema:
            _inherit_descriptions(value, inherited)


@lru_cache(maxsize=8)
def schemas(known_languages: tuple, required_languages: tuple) -> dict:
    """The schema of each kind of file for a language configuration."""
    register = _read(SCHEMA_FILES["register"])
    text = register["$defs"]["text"]
    text["propertyNames"] = {"enum": list(known_languages)}
    text["required"] = list(required_languages)
    found = {"register": register, **{kind: _read(name) for kind, name in SCHEMA_FILES.items() if kind != "register"}}
    for schema in found.values():
        _inherit_descriptions(schema)
    return found


@lru_cache(maxsize=1)
def _checker_classes():
    """jsonschema's validator with the schema language's `$` (the end of the
    text) and plausible dates. Imported and built on first use: a build whose
    files are all valid never needs jsonschema, and importing it costs more
    than checking 300 registers."""
    import jsonschema

    def pattern_rule(validator, pattern, instance, schema):
        if validator.is_type(instance, "string") and not patterns.compile_pattern(pattern).search(instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")

    formats = jsonschema.FormatChecker(jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers)
    formats.checks("date", raises=ValueError)(_date)
    return jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": pattern_rule}), formats


def _date(instance) -> bool:
    """A calendar date, and one a register can plausibly hold (hooks/dates.py)."""
    if not isinstance(instance, str):
        return True
    day = dates.parse(instance)
    if day is None:
        return False
    why = dates.implausible(day)
    if why:
        raise ValueError(why)
    return True


@lru_cache(maxsize=8)
def validators(known_languages: tuple, required_languages: tuple) -> dict:
    """Validators for each kind of file, built once per language configuration
    (building a validator costs far more than using one)."""
    from referencing import Registry, Resource

    validator_class, formats = _checker_classes()
    found = schemas(known_languages, required_languages)
    registry = Registry().with_resources(
        (SCHEMA_FILES[kind], Resource.from_contents(schema)) for kind, schema in found.items()
    )
    return {
        kind: validator_class(schema, registry=registry, format_checker=formats)
        for kind, schema in found.items()
    }


@lru_cache(maxsize=8)
def quick_checks(known_languages: tuple, required_languages: tuple) -> dict:
    """Compiled yes/no checks per kind (see schema_quick); None where the
    schema uses a keyword they do not know."""
    found = schemas(known_languages, required_languages)
    checks = {}
    for kind in found:
        try:
            checks[kind] = schema_quick.compile_schema(kind, found)
        except schema_quick.Unsupported:
            checks[kind] = None
    return checks


@memo.pure  # while serving: an unchanged file is not validated again
@timed("validate")
def check(document: Document, kind: str, known_languages: tuple, required_languages: tuple) -> list[Problem]:
    known, required = tuple(known_languages), tuple(required_languages)
    quick = quick_checks(known, required)[kind]
    if quick is not None and quick(document.data):
        return []  # valid: nothing to explain, and jsonschema is far slower
    validator = validators(known, required)[kind]
    return [p for error in validator.iter_errors(document.data) for p in _explain(error, document)]


def _show(value) -> str:
    if isinstance(value, bool):
        return "yes/true" if value else "no/false"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _expected(schema: dict) -> str:
    return schema.get("description") or "a different value"


def _only_white_space_wrong(error: "jsonschema.ValidationError") -> bool:
    """The value would be valid without the white space around it."""
    value = error.instance
    if not isinstance(value, str) or value.strip() == value:
        return False
    if error.validator == "pattern":
        return patterns.compile_pattern(error.validator_value).search(value.strip()) is not None
    return error.validator_value == "date" and dates.parse(value.strip()) is not None


def _explain(error: "jsonschema.ValidationError", document: Document) -> list[Problem]:
    path = tuple(error.absolute_path)
    line = document.line_of(path)
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}

    def problem(message, at_path=path, at_line=line):
        return Problem(document.file, at_line, field_path(at_path), message)

    if "propertyNames" in error.schema_path:
        key = error.instance
        known = ", ".join(error.validator_value) if kind == "enum" else ""
        return [problem(f"'{key}' is not a language of this site (languages: {known}); check the language code",
                        path + (key,), document.key_lines.get(path + (key,), line))]
    if kind == "required":
        out = []
        for name in error.validator_value:
            if isinstance(error.instance, dict) and name not in error.instance:
                if schema.get("x-kind") == "text":
                    required = schema.get("required", [])
                    # A register (not a shared `_` file) may wait for a translation, never for its source text.
                    marker = ""
                    if required and name != required[0] and not Path(document.file).name.startswith("_"):
                        marker = (f" (or, while the translation is under way, mark the register as partly "
                                  f"translated: `translation_pending: {{{name}: source}}`)")
                    out.append(problem(f"the text in language '{name}' is missing; every text needs "
                                       f"{', '.join(required)}{marker}"))
                else:
                    about = schema.get("properties", {}).get(name, {}).get("description")
                    about = f" ({about})" if about else ""
                    out.append(problem(f"'{name}' is missing{about}", path + (name,)))
        return out
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        out = []
        for key in error.instance:
            if key in allowed:
                continue
            guess = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else f"allowed here: {', '.join(allowed)}"
            out.append(problem(f"unknown item '{key}' (a typo?); {hint}",
                               path + (key,), document.key_lines.get(path + (key,), line)))
        return out
    if kind == "type":
        got = error.instance
        hint = ""
        if isinstance(got, bool):
            hint = " (YAML reads yes, no, on and off as true/false: put the text in quotes)"
        elif got is None:
            return [problem(f"the value is empty; expected {_expected(schema)}")]
        return [problem(f"expected {_expected(schema)}, not {_show(got)}{hint}")]
    if kind in ("enum", "const"):
        return [problem(f"{_show(error.instance)} is not allowed here; expected {_expected(schema)}")]
    if kind in ("minItems", "minProperties"):
        return [problem(f"this is empty; expected {_expected(schema)}")]
    if kind == "minLength":
        return [problem("the text is empty; write the text, or remove the item")]
    if kind in ("pattern", "format") and _only_white_space_wrong(error):
        return [problem(f"{_show(error.instance)} has a line break or spaces around it (a `|` or `>` block keeps "
                        f"the final line break); write the value on the line of its key: "
                        f"`{path[-1] if path else 'key'}: {error.instance.strip()}`")]
    if kind == "format" and error.validator_value == "date" and isinstance(error.cause, ValueError):
        return [problem(str(error.cause))]
    if kind == "format" and error.validator_value == "date":
        return [problem(f"{_show(error.instance)} is not a valid date; expected {_expected(schema)}")]
    if kind in ("pattern", "format"):
        return [problem(f"{_show(error.instance)} is not valid; expected {_expected(schema)}")]
    if kind == "anyOf" and "x-anyOf-message" in schema:
        return [problem(schema["x-anyOf-message"])]
    return [problem(f"{error.message}; expected {_expected(schema)}")]
