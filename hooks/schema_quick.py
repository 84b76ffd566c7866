"""A quick yes/no answer to "is this data valid against the schema?", compiled
once from the JSON Schemas into plain Python checks.

jsonschema walks the schema anew for every document and takes several
milliseconds for one register; a site with hundreds of registers pays that on
every build. jsonschema stays the judge of invalid data: schema_check asks it
to explain every document these checks reject, so messages are unchanged.

Only the keywords the schemas use are known here. Any other keyword makes
`compile_schema` raise `Unsupported`, and then jsonschema checks every
document as before, so a schema change can cost speed but never correctness.
"""
from __future__ import annotations

from typing import Any, Callable

from . import dates, patterns

Check = Callable[[Any], bool]

# Keywords that do not constrain the data (annotations), or that `if` reads.
_IGNORED = {"$schema", "$comment", "$defs", "title", "description", "examples", "default", "then", "else"}
_KNOWN = {"$ref", "type", "properties", "additionalProperties", "required", "propertyNames", "minProperties",
          "items", "minItems", "minLength", "pattern", "format", "enum", "const", "anyOf", "if"}
# JSON types as jsonschema sees them in Python data (a bool is no number).
_TYPES = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "integer": lambda value: not isinstance(value, bool) and (
        isinstance(value, int) or isinstance(value, float) and value.is_integer()),
    "number": lambda value: not isinstance(value, bool) and isinstance(value, (int, float)),
}


class Unsupported(Exception):
    """The schema uses something these checks do not implement."""


def compile_schema(kind: str, schemas: dict) -> Check:
    """A check for `schemas[kind]`; `schemas` maps a kind (e.g. "register") to
    its schema, and `$ref`s name other schemas as `<kind>.schema.json#/pointer`.
    Formats are asserted, as schema_check's validators do."""
    return _Compiler(schemas).compile(schemas[kind], kind)


class _Compiler:
    def __init__(self, schemas: dict):
        self.schemas = schemas
        self.refs: dict = {}  # (kind, pointer) -> [check], filled once compiled

    def compile(self, schema, kind: str) -> Check:
        if schema is True:
            return lambda value: True
        if schema is False:
            return lambda value: False
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        checks = []
        for keyword, argument in schema.items():
            if keyword in _IGNORED or keyword.startswith("x-"):
                continue
            if keyword not in _KNOWN:
                raise Unsupported(keyword)
            make = getattr(self, "_" + keyword.lstrip("$"))
            checks.append(make(argument, schema, kind))
        return _all(checks)

    def _ref(self, ref: str, schema: dict, kind: str) -> Check:
        document, _, pointer = ref.partition("#")
        if document:
            if not document.endswith(".schema.json") or document[:-len(".schema.json")] not in self.schemas:
                raise Unsupported(f"$ref {ref}")
            kind = document[:-len(".schema.json")]
        key = (kind, pointer)
        cell = self.refs.get(key)
        if cell is None:
            cell = self.refs[key] = []  # a reference back to this schema finds the cell
            cell.append(self.compile(_resolve(self.schemas[kind], pointer), kind))
        return lambda value: cell[0](value)

    def _type(self, names, schema, kind) -> Check:
        names = [names] if isinstance(names, str) else list(names)
        if not all(name in _TYPES for name in names):
            raise Unsupported(f"type {names}")
        if len(names) == 1:
            return _TYPES[names[0]]
        checks = [_TYPES[name] for name in names]
        return lambda value: any(check(value) for check in checks)

    def _properties(self, properties: dict, schema, kind) -> Check:
        checks = [(name, self.compile(sub, kind)) for name, sub in properties.items()]

        def check(value):
            if isinstance(value, dict):
                for name, sub in checks:
                    if name in value and not sub(value[name]):
                        return False
            return True
        return check

    def _additionalProperties(self, additional, schema, kind) -> Check:
        if "patternProperties" in schema:
            raise Unsupported("patternProperties")
        known = frozenset(schema.get("properties", {}))
        sub = self.compile(additional, kind)

        def check(value):
            if isinstance(value, dict):
                for name, item in value.items():
                    if name not in known and not sub(item):
                        return False
            return True
        return check

    def _required(self, names, schema, kind) -> Check:
        names = tuple(names)
        return lambda value: not isinstance(value, dict) or all(name in value for name in names)

    def _propertyNames(self, names_schema, schema, kind) -> Check:
        sub = self.compile(names_schema, kind)
        return lambda value: not isinstance(value, dict) or all(sub(name) for name in value)

    def _minProperties(self, least: int, schema, kind) -> Check:
        return lambda value: not isinstance(value, dict) or len(value) >= least

    def _items(self, items, schema, kind) -> Check:
        if "prefixItems" in schema:
            raise Unsupported("prefixItems")
        sub = self.compile(items, kind)
        return lambda value: not isinstance(value, list) or all(sub(item) for item in value)

    def _minItems(self, least: int, schema, kind) -> Check:
        return lambda value: not isinstance(value, list) or len(value) >= least

    def _minLength(self, least: int, schema, kind) -> Check:
        return lambda value: not isinstance(value, str) or len(value) >= least

    def _pattern(self, pattern: str, schema, kind) -> Check:
        search = patterns.compile_pattern(pattern).search  # jsonschema uses re.search too
        return lambda value: not isinstance(value, str) or search(value) is not None

    def _format(self, name: str, schema, kind) -> Check:
        if name != "date":
            raise Unsupported(f"format {name}")
        return _is_date

    def _enum(self, options, schema, kind) -> Check:
        # For strings, jsonschema's equality is Python's: no other value equals a string.
        if not all(isinstance(option, str) for option in options):
            raise Unsupported("enum of values other than strings")
        allowed = frozenset(options)
        return lambda value: isinstance(value, str) and value in allowed

    def _const(self, option, schema, kind) -> Check:
        return self._enum([option], schema, kind)

    def _anyOf(self, schemas: list, schema, kind) -> Check:
        checks = [self.compile(sub, kind) for sub in schemas]
        return lambda value: any(sub(value) for sub in checks)

    def _if(self, condition, schema, kind) -> Check:
        test = self.compile(condition, kind)
        then = self.compile(schema.get("then", True), kind)
        otherwise = self.compile(schema.get("else", True), kind)
        return lambda value: then(value) if test(value) else otherwise(value)


def _is_date(value) -> bool:
    if not isinstance(value, str):
        return True
    day = dates.parse(value)  # as schema_check's "date" format: a plausible calendar date
    return day is not None and dates.implausible(day) is None


def _all(checks: list) -> Check:
    if not checks:
        return lambda value: True
    if len(checks) == 1:
        return checks[0]

    def check(value):
        for sub in checks:
            if not sub(value):
                return False
        return True
    return check


def _resolve(schema: dict, pointer: str):
    """The subschema at a JSON pointer such as /$defs/text."""
    node = schema
    for part in pointer.split("/")[1:] if pointer else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise Unsupported(f"$ref to a missing place: {pointer}")
    return node
