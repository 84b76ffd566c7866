"""Which yes/no schema check to use: the hand-written compiler
(hooks/schema_quick.py), fastjsonschema and jsonschema-rs, against jsonschema
(the judge that also explains every rejected file).

    python bench/validators.py [--mutations 3000] [--repeat 200]

Verdicts: the example registers, organisation and cookie files, and thousands
of broken variants of them (1-3 random edits each, from the values the
property test uses), each checked by every candidate and by jsonschema.
Speed: CPU time per valid document (a build checks every file; only rejected
ones go on to jsonschema). Prints one line per candidate:
`<name> compile_ms=<x> us_per_document=<y> disagreements=<n>/<m>`.
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import random
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hooks import schema_check, schema_quick, yaml_source  # noqa: E402

LANGUAGES = (("fi", "en", "sv"), ("fi", "en"))  # known, required: as the example site
BASE = "https://schemas.notices.invalid/"  # an $id for each schema, so that the libraries resolve cross-file $refs
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
VALUES = ["", "x", "none", "None", 0, 1, 1.5, True, False, None, [], {}, [{}], ["x"], {"fi": "a"},
          {"fi": "a", "en": "b"}, {"fi": "a", "en": ""}, {"fi": "a", "en": "b", "sv": "c"},
          {"fi": "a", "en": "b", "EN": "c"}, {"fi": 1, "en": "b"}, "2024-01-31", "2024-02-30", "2024-1-31",
          "20240131", "2024-W05-3", "２０２４-01-31", "2024-01-31\n", "+358 40 000 0000", "040 000 0000",
          "+358", "a@b.example", "a@b", "https://x.example", "ftp://x.example", "1234567-1", "1234567",
          "x\n", "abc-\n", "a b"]


def is_date(value) -> bool:
    """The "date" format as jsonschema checks it (and schema_quick): a real calendar day."""
    if not isinstance(value, str):
        return True
    try:
        return bool(_DATE.fullmatch(value) and dt.date.fromisoformat(value))
    except ValueError:
        return False


def documents() -> list:
    kinds = {"_organisation": "organisation", "_cookies": "cookies"}
    paths = sorted((REPO / "registers").glob("*.yml")) + sorted((REPO / "tests/fixtures/minimal").glob("*.yml"))
    # read as the build reads them (dates stay text, as in YAML written by authors)
    return [(kinds.get(p.stem, "register"), yaml_source.parse(p.read_text(encoding="utf-8"), p.name)[0].data)
            for p in paths]


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _paths(sub, path + (key,))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from _paths(sub, path + (index,))


def mutate(rng: random.Random, data, enums: list):
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(list(_paths(data)))
        if not path:
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        key, value = path[-1], copy.deepcopy(rng.choice(VALUES + enums))
        action = rng.choice(["replace", "replace", "delete", "add", "empty"])
        if action == "replace":
            parent[key] = value
        elif action == "delete":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[rng.choice(["extra", "sv", "en", "items", "name", "details"])] = value
        elif action == "add" and isinstance(parent, list):
            parent.append(value)
        elif action == "empty" and isinstance(parent[key], (dict, list, str)):
            parent[key] = type(parent[key])()
    return data


def _enums(schema) -> list:
    found = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            found += [v for v in value if isinstance(v, str)] if key == "enum" else _enums(value)
    elif isinstance(schema, list):
        for value in schema:
            found += _enums(value)
    return found


def candidates(schemas: dict) -> dict:
    """name -> function building {kind: check} from the schemas."""
    with_ids = {}
    for kind, schema in schemas.items():
        schema = copy.deepcopy(schema)
        schema["$id"] = BASE + schema_check.SCHEMA_FILES[kind]
        with_ids[kind] = schema
    by_uri = {schema["$id"]: schema for schema in with_ids.values()}

    def quick():
        return {kind: schema_quick.compile_schema(kind, schemas) for kind in schemas}

    def jsonschema_py():
        return {kind: validator.is_valid for kind, validator in schema_check.validators(*LANGUAGES).items()}

    def fast():
        import fastjsonschema

        def check(compiled):
            def valid(data):
                try:
                    compiled(data)
                    return True
                except fastjsonschema.JsonSchemaValueException:
                    return False
            return valid
        return {kind: check(fastjsonschema.compile(schema, formats={"date": is_date},
                                                   handlers={"https": lambda uri: by_uri[uri.split("#")[0]]}))
                for kind, schema in with_ids.items()}

    def rust():
        import jsonschema_rs
        registry = jsonschema_rs.Registry([(schema["$id"], schema) for schema in with_ids.values()])
        return {kind: jsonschema_rs.Draft202012Validator(schema, registry=registry, validate_formats=True,
                                                         formats={"date": is_date}).is_valid
                for kind, schema in with_ids.items()}
    return {"schema_quick (hand-written)": quick, "jsonschema (reference)": jsonschema_py,
            "fastjsonschema": fast, "jsonschema-rs": rust}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mutations", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=200, help="passes over the valid documents for timing")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    schemas = schema_check.schemas(*LANGUAGES)
    valid = documents()
    rng = random.Random(args.seed)
    enums = sorted(set(_enums(schemas)))
    broken = [(kind, mutate(rng, data, enums)) for kind, data in (rng.choice(valid) for _ in range(args.mutations))]
    judge = {kind: validator.is_valid for kind, validator in schema_check.validators(*LANGUAGES).items()}
    verdicts = [judge[kind](data) for kind, data in valid + broken]
    print(f"{len(valid)} valid documents, {len(broken)} variants ({verdicts.count(False)} invalid by jsonschema)")
    for name, build in candidates(schemas).items():
        try:
            started = time.process_time()
            checks = build()
            compile_ms = (time.process_time() - started) * 1000
        except Exception as error:  # a library that cannot take the schemas
            print(f"{name}: cannot compile the schemas: {type(error).__name__}: {error}")
            continue
        wrong = []
        for (kind, data), expected in zip(valid + broken, verdicts):
            if checks[kind](data) != expected:
                wrong.append((kind, data))
        started = time.process_time()
        for _ in range(args.repeat):
            for kind, data in valid:
                checks[kind](data)
        per_document = (time.process_time() - started) / (args.repeat * len(valid)) * 1e6
        print(f"{name} compile_ms={compile_ms:.1f} us_per_document={per_document:.0f} "
              f"disagreements={len(wrong)}/{len(verdicts)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
