"""Hostile text in every field that reaches a page, generated from the JSON
schemas: every string the format allows (register, organisation, cookie
inventory, including the consent banner, categories and service names) gets
markup, an attr_list attack, and entity forms of a direction override, each
with its own marker. A new field in a schema is covered without anyone
remembering it: the generator walks hooks/schema/*.json.

The built site must hold none of it as markup: no event-handler attribute, no
image or script of the payload, no direction override (raw or decoded from an
entity) anywhere, in any page and language."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, REPO, make_project
from hooks.cookies import SiteSettings
from hooks.languages import Languages
from hooks.problems import ProblemsFound
from hooks.project import load_project

SCHEMAS = REPO / "hooks" / "schema"
LANGUAGES = Languages("fi", ("fi", "en"), ("fi", "en", "sv"))
# Values for strings the schema constrains by pattern or format; the first
# that fits is used (an analytics id must match mkdocs.yml's provider).
CONSTRAINED = ["matomo", "2024-06-01", "1234562-0", "+358 40 000 0000", "tietosuoja@esimerkki.example",
               "https://esimerkki.example/", "13 months", "session", "sv"]
# Forbidden characters as entities: hex, decimal, named, upper-case X, zero-padded.
ENTITIES = "&#x202E; &#8238; &rlo; &#X202e; &#x0202E; &#x2067; &lrm;"


def payload(marker: str, trailing: bool) -> str:
    text = (f"{marker} <img src=x onerror=alert(1)> <script>alert(1)</script> <b onmouseover=alert(1)>b</b> "
            f"{ENTITIES} {{{{ config.site_name }}}} *e* {{onclick=alert(1)}}")
    return text + " tail" if trailing else text


class Generator:
    """A valid instance of a schema with every property present and every
    free-text string hostile; `flip` takes the other branch of `if/then/else`
    where both hold text (a label as one string or as a text per language)."""

    def __init__(self, trailing: bool, flip: bool):
        self.trailing, self.flip = trailing, flip
        self.markers: dict = {}  # marker -> schema location
        self.docs = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}

    def resolve(self, schema: dict, doc: str) -> tuple[dict, str]:
        while "$ref" in schema:
            target, _, pointer = schema["$ref"].partition("#")
            doc = target or doc
            node = self.docs[doc]
            for part in pointer.strip("/").split("/"):
                node = node[part] if part else node
            schema = {**node, **{k: v for k, v in schema.items() if k not in ("$ref", "description")}}
        return schema, doc

    def text_count(self, schema: dict, doc: str, seen=()) -> int:
        schema, doc = self.resolve(schema, doc)
        if id(schema) in seen or "const" in schema or "enum" in schema:
            return 0
        seen = seen + (id(schema),)
        if schema.get("type") == "string":
            return 0 if ("pattern" in schema or "format" in schema) else 1
        parts = list((schema.get("properties") or {}).values())
        for key in ("items", "additionalProperties", "then", "else"):
            if isinstance(schema.get(key), dict):
                parts.append(schema[key])
        return sum(self.text_count(p, doc, seen) for p in parts)

    def string(self, schema: dict, where: str) -> str:
        if "pattern" in schema or "format" in schema:
            pattern = schema.get("pattern", r"^\d{4}-\d{2}-\d{2}$")
            marker = f"F{len(self.markers)}x"
            squeezed = re.sub(r"[\s,;=]", "", payload(marker, False))
            for value in [squeezed, *CONSTRAINED]:
                if re.search(pattern, value):
                    if value == squeezed:
                        self.markers[marker] = where
                    return value
            raise AssertionError(f"{where}: no value fits the pattern {pattern}; add one to CONSTRAINED")
        marker = f"F{len(self.markers)}x"
        self.markers[marker] = where
        return payload(marker, self.trailing)

    def branch(self, schema: dict, doc: str):
        branches = [b for b in (schema.get("then"), schema.get("else")) if b is not None]
        texts = [self.text_count(b, doc) for b in branches]
        usable = [b for b, n in zip(branches, texts) if n > 0] or branches
        usable.sort(key=lambda b: -self.text_count(b, doc))
        return usable[1] if self.flip and len(usable) > 1 else usable[0]

    def make(self, schema: dict, doc: str, where: str):
        schema, doc = self.resolve(schema, doc)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return schema["enum"][0]
        if "if" in schema and ("then" in schema or "else" in schema):
            rest = {k: v for k, v in schema.items() if k not in ("if", "then", "else")}
            return self.make({**rest, **self.branch(schema, doc)}, doc, where)
        kind = schema.get("type")
        if kind == "string":
            return self.string(schema, where)
        if kind == "boolean":
            return True
        if kind in ("integer", "number"):
            return schema.get("minimum", 1)
        if kind == "array" or "items" in schema:  # a branch of `if` may leave `type` to the condition
            return self.items(schema["items"], doc, where)
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            result = {key: self.make(sub, doc, f"{where}.{key}") for key, sub in (schema.get("properties") or {}).items()}
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and not schema.get("properties"):
                for language in LANGUAGES.built:  # a text per language
                    result[language] = self.make(extra, doc, f"{where}.{language}")
            return result
        raise AssertionError(f"{where}: the generator does not know this schema: {sorted(schema)}")

    def items(self, schema: dict, doc: str, where: str) -> list:
        """One item per value of the item's first enumerated property (one legal
        basis per letter, one storage item per type), else one item; an item
        that may be text or a group comes both ways."""
        resolved, item_doc = self.resolve(schema, doc)
        both = "if" in resolved and self.text_count(resolved.get("then", {}), item_doc) \
            and self.text_count(resolved.get("else", {}), item_doc)
        if both and where.count("[]") < 2:  # a group in a group, no deeper (the format nests)
            return [self.make(resolved["then"], item_doc, f"{where}[]"), self.make(resolved["else"], item_doc, f"{where}[]")]
        enums = {}
        for key, sub in (resolved.get("properties") or {}).items():
            sub, _ = self.resolve(sub, item_doc)
            if "enum" in sub:
                enums[key] = sub["enum"]
        if enums:  # the enumerated property with the most values: every value once
            key = max(enums, key=lambda k: len(enums[k]))
            made = []
            for value in enums[key]:
                item = self.make(resolved, item_doc, f"{where}[]")
                item[key] = value
                made.append(item)
            return made
        if both:
            return [self.make(resolved["else"], item_doc, f"{where}[]")]
        return [self.make(schema, doc, f"{where}[]")]


def parse_field(field: str) -> tuple:
    return tuple(int(p) - 1 if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", field))


def remove(data, path: tuple) -> None:
    """Drop what validation rejects (e.g. `law` under basis a); when the
    field is already gone (it was required), the list item that held it."""
    node = data
    for i, part in enumerate(path):
        inside = (isinstance(node, dict) and part in node) or (isinstance(node, list) and isinstance(part, int)
                                                              and part < len(node))
        if not inside:
            holders = [j for j in range(i) if isinstance(path[j], int)]
            if holders:
                remove(data, path[:holders[-1] + 1])
            return
        if i == len(path) - 1:
            del node[part]
            return
        node = node[part]


def hostile_site(root: Path, trailing: bool, flip: bool):
    generator = Generator(trailing, flip)
    site = make_project(root, registers=FIXTURES / "minimal")
    files = {
        "hostile.yml": generator.make({"$ref": "#"}, "register.schema.json", "register"),
        "_organisation.yml": generator.make({"$ref": "#"}, "organisation.schema.json", "organisation"),
    }
    cookies = generator.make({"$ref": "#"}, "cookies.schema.json", "cookies")
    base = yaml.safe_load((FIXTURES / "minimal" / "_cookies.yml").read_text(encoding="utf-8"))
    cookies["storage"] = base["storage"] + cookies["storage"]  # the theme's own items must stay disclosed
    files["_cookies.yml"] = cookies
    config = site.config()
    settings = SiteSettings.from_config(config, "mkdocs.yml", site.root / "mkdocs.yml")
    for _ in range(20):
        for name, data in files.items():
            (site.registers / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")
        try:
            load_project(site.root, LANGUAGES, settings)
            break
        except ProblemsFound as found:
            fixable = [p for p in found.problems if p.field and Path(p.file).name in files]
            assert fixable, found.report()
            paths = {(Path(p.file).name, parse_field(p.field)) for p in fixable}
            for name, path in sorted(paths, key=lambda np: (np[0], [str(x).zfill(6) for x in np[1]]), reverse=True):
                remove(files[name], path)
    else:
        raise AssertionError("the generated data does not validate")
    return site, generator, files


def leaves(value):
    if isinstance(value, dict):
        for sub in value.values():
            yield from leaves(sub)
    elif isinstance(value, list):
        for sub in value:
            yield from leaves(sub)
    elif isinstance(value, str):
        yield value


@pytest.fixture(scope="module", params=[(False, False), (True, True)], ids=["attack-at-end", "attack-then-text"])
def built(request, tmp_path_factory):
    trailing, flip = request.param
    site, generator, files = hostile_site(tmp_path_factory.mktemp("fields") / "p", trailing, flip)
    result = site.build()
    assert result.returncode == 0, result.stderr
    return site, generator, files


def pages(site):
    return sorted(site.site.rglob("*.html"))


def test_every_free_text_field_of_the_schemas_is_in_the_generated_data(built):
    _, generator, files = built
    kept = " ".join(value for data in files.values() for value in leaves(data))
    lost = [f"{marker} {where}" for marker, where in generator.markers.items()
            if not re.search(rf"\b{marker}\b", kept)]
    # Validation dropped only what does not belong (e.g. `law` under a basis without one),
    # and every field survives at least once.
    wheres = {where for where in generator.markers.values()}
    kept_wheres = {where for marker, where in generator.markers.items() if re.search(rf"\b{marker}\b", kept)}
    assert wheres == kept_wheres, lost
    for expected in ("cookies.banner.title.fi", "cookies.banner.description.en", "cookies.analytics[].name",
                     "cookies.storage[].provider", "register.name", "organisation.controller.name"):
        assert any(where.startswith(expected) for where in wheres), expected


def test_no_markup_attribute_or_hidden_character_from_any_field_reaches_a_page(built):
    from bs4 import BeautifulSoup
    site, _, _ = built
    checked = 0
    for path in pages(site):
        raw = path.read_text(encoding="utf-8")
        soup = BeautifulSoup(raw, "html.parser")
        where = path.relative_to(site.site).as_posix()
        for element in soup.find_all(True):
            handlers = [name for name in element.attrs if name.lower().startswith("on")]
            assert handlers == [], f"{where}: <{element.name} {handlers}>"
            for name, value in element.attrs.items():
                value = " ".join(value) if isinstance(value, list) else value
                assert "\u202e" not in value and "\u2067" not in value, f"{where}: {element.name}[{name}]"
        assert not soup.find("img", src="x"), where
        assert not [s for s in soup.find_all("script") if "alert(1)" in s.get_text()], where
        assert not soup.find("b", attrs={"onmouseover": True}), where
        text = soup.get_text()
        assert "\u202e" not in text and "\u2067" not in text and "\u200e" not in text, where
        assert "\u202e" not in raw and "&#x202E;" not in raw.replace("&amp;#x202E;", ""), where
        checked += 1
    assert checked >= 8


def test_the_fields_are_shown_as_text(built):
    site, generator, _ = built
    shown = {}
    for path in pages(site):
        text = path.read_text(encoding="utf-8")
        for marker in generator.markers:
            if re.search(rf"\b{marker}\b", text):
                shown.setdefault(marker, path.relative_to(site.site).as_posix())
    # the consent banner (every page), the cookie notice's names, the register's texts
    for expected in ("cookies.banner.title.fi", "cookies.banner.title.en", "cookies.analytics[].name",
                     "cookies.storage[].name", "register.name.fi", "register.purposes[].en"):
        markers = [m for m, where in generator.markers.items() if where.startswith(expected)]
        assert markers and any(m in shown for m in markers), expected
    banner = site.html("index.html").get_text()
    title = next(m for m, where in generator.markers.items() if where == "cookies.banner.title.fi")
    assert f"{title} <img src=x onerror=alert(1)>" in banner
    assert "&#x202E; &#8238; &rlo;" in banner
