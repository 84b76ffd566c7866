"""What keeps a build of hundreds of registers fast: every file is read, parsed
and validated once per build (not once per language), notices stay out of
the navigation of every page, and the shortcuts taken for speed give the
same results as the slow, general code they stand in for. The benchmark
itself is bench/build_scale.py (too slow for the test suite)."""
from __future__ import annotations

import builtins
import copy
import io
import json
import os
import posixpath
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import data_paths, FIXTURES, REPO, git_commit_all, make_project, register_files
from hooks import safe_markdown, schema_check, schema_quick, yaml_source

LANGUAGES = (("fi", "en"), ("fi", "en"))


def test_two_languages_read_parse_and_validate_each_register_once(tmp_path, monkeypatch):
    """mkdocs-static-i18n runs a whole MkDocs build per language; the registers
    are loaded in the first and reused in the others. Counted in a real build,
    in this process, at the lowest level: opening a file and starting a YAML parser."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = make_project(tmp_path / "p")
    folder = str(site.registers.resolve())
    files = {p.name: p.read_text(encoding="utf-8") for p in site.registers.glob("*.yml")}
    names_by_text = {text: name for name, text in files.items()}
    opened, parsed, validated = Counter(), Counter(), Counter()

    real_open = io.open

    def counting_open(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)):
            path = os.path.abspath(os.fspath(file))
            if os.path.dirname(path) == folder:
                opened[os.path.basename(path)] += 1
        return real_open(file, *args, **kwargs)

    real_init = yaml_source.RegisterLoader.__init__

    def counting_init(self, stream, *args, **kwargs):
        parsed[names_by_text.get(stream, "another file")] += 1
        real_init(self, stream, *args, **kwargs)

    real_check = schema_check.check

    def counting_check(document, *args, **kwargs):
        validated[Path(document.file).name] += 1
        return real_check(document, *args, **kwargs)

    monkeypatch.setattr(io, "open", counting_open)
    monkeypatch.setattr(builtins, "open", counting_open)
    monkeypatch.setattr(yaml_source.RegisterLoader, "__init__", counting_init)
    monkeypatch.setattr(schema_check, "check", counting_check)

    build(load_config(str(site.root / "mkdocs.yml")))

    for register in register_files(site.registers):
        assert (site.site / "notices" / register.stem / "index.html").is_file()
        assert (site.site / "en" / "notices" / register.stem / "index.html").is_file()
    assert len(files) >= 5
    once = {name: 1 for name in files}
    assert dict(opened) == once
    assert {name: count for name, count in parsed.items() if name != "another file"} == once
    assert dict(validated) == once


def test_registers_are_parsed_by_the_c_yaml_parser():
    """libyaml is part of the PyYAML wheels; the pure-Python parser is several times slower."""
    assert yaml.__with_libyaml__
    assert issubclass(yaml_source.RegisterLoader, yaml.CSafeLoader)


def _links(soup, page_url: str) -> set:
    """Site-relative targets of the links of a page at `page_url` (e.g. notices/x/)."""
    found = set()
    for link in soup.select("a[href]"):
        href = link["href"].split("#")[0]
        if href and "://" not in href and not href.startswith(("mailto:", "tel:")):
            found.add(posixpath.normpath(posixpath.join(page_url, href)).lstrip("./") + "/")
    return found


def test_notices_are_reached_through_the_index_not_the_navigation(example_site):
    ids = [path.stem for path in register_files()]
    for prefix in ("", "en/"):
        index_url = f"{prefix}notices/"
        for register_id in ids:
            url = f"{prefix}notices/{register_id}/"
            soup = example_site.html(url + "index.html")
            navigation = _links(soup.select_one("nav.md-nav--primary"), url)
            assert index_url in navigation
            # no other notice anywhere on the page: not in the navigation,
            # not as the previous or next page in the footer
            others = {f"{prefix}notices/{other}/" for other in ids if other != register_id}
            assert not (_links(soup, url) & others), url
        home = example_site.html(f"{prefix}index.html")
        assert not (_links(home, prefix or ".") & {f"{prefix}notices/{i}/" for i in ids})
        listed = _links(example_site.html(f"{prefix}notices/index.html").select_one("div.notice-index"), index_url)
        assert listed == {f"{prefix}notices/{i}/" for i in ids}


def test_i18n_search_deduplication_is_off_and_every_language_is_searched():
    """Its de-duplication is quadratic in the pages; the search languages are
    then given in mkdocs.yml, since the plugin no longer adds them."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = {name: options for entry in config["plugins"] for name, options in
               (entry.items() if isinstance(entry, dict) else [(entry, {})])}
    assert plugins["i18n"]["reconfigure_search"] is False
    built = [lang["locale"] for lang in plugins["i18n"]["languages"] if lang.get("build", True)]
    assert set(built) <= set(plugins["search"]["lang"])


def test_search_index_has_every_page_in_both_languages(example_site):
    index = json.loads((example_site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert set(index["config"]["lang"]) == {"fi", "en"}
    locations = {entry["location"] for entry in index["docs"]}
    for register in register_files():
        assert f"notices/{register.stem}/" in locations
        assert f"en/notices/{register.stem}/" in locations


# --- Shortcuts for speed agree with the general code ---------------------------

_TEXT_CHARACTERS = st.sampled_from(list("aä Ö1.-+*_`[]()<>&\\\"'#:!|~\n\t\r ") + [
    "\u00a0", "\u2028", "\u202e", "\x00", "\x85", "é", "e\u0301", "  \n", "\n\n", "    ",
    "*a*", "**a**", "_a_", "- ", "+ ", "* ", "1. ", "12. ", "`a`", "[a](https://x.example)", "[a]",
    "<https://x.example>", "<a@b.example>", "&amp;", "&#x202E;", "\\*", "# ", "> ", "---",
])


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(_TEXT_CHARACTERS, st.text(max_size=3)), max_size=12).map("".join))
def test_plain_text_shortcut_renders_what_the_converter_renders(text):
    assert safe_markdown.to_html(text) == safe_markdown._convert.__wrapped__(safe_markdown.clean(text))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_clean_removes_exactly_control_characters_and_direction_overrides(text):
    import unicodedata
    normal = unicodedata.normalize("NFC", text)
    expected = "".join(ch for ch in normal if ch in "\n\t" or (
        unicodedata.category(ch) != "Cc" and ch not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
    assert safe_markdown.clean(text) == expected


def _valid_documents() -> list:
    paths = sorted((REPO / "registers").glob("*.yml")) + sorted((FIXTURES / "minimal").glob("*.yml"))
    kinds = {"_organisation": "organisation", "_cookies": "cookies"}
    return [(kinds.get(path.stem, "register"),
             yaml_source.parse(path.read_text(encoding="utf-8"), path.name)[0].data) for path in paths]


def _enum_values(schema) -> set:
    """Every string the schemas name in `enum` or `const`."""
    found = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "enum":
                found.update(v for v in value if isinstance(v, str))
            elif key == "const" and isinstance(value, str):
                found.add(value)
            else:
                found |= _enum_values(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _enum_values(value)
    return found


VALID = _valid_documents()
# Values the schemas treat differently: enum values, wrong types, edge cases of patterns and formats.
_ENUMS = sorted(_enum_values(schema_check.schemas(*LANGUAGES)))
_VALUES = st.sampled_from([
    "", "x", "none", "None", 0, 1, 1.5, True, False, None, [], {}, [{}], ["x"], {"fi": "a"}, {"fi": "a", "en": "b"},
    {"fi": "a", "en": ""}, {"fi": "a", "en": "b", "sv": "c"}, {"fi": "a", "en": "b", "EN": "c"}, {"fi": 1, "en": "b"},
    "2024-01-31", "2024-02-30", "2024-1-31", "20240131", "2024-W05-3", "２０２４-01-31", "2024-01-31\n",
    "+358 40 000 0000", "040 000 0000", "+358",
    "a@b.example", "a@b", "https://x.example", "ftp://x.example", "1234567-1", "1234567", *_ENUMS,
])




@st.composite
def _mutated(draw):
    kind, data = draw(st.sampled_from(VALID))
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        paths = list(data_paths(data))
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add", "replace", "empty"]))
        if not path:
            continue
        key = path[-1]
        if action == "replace":
            parent[key] = copy.deepcopy(draw(_VALUES))
        elif action == "delete":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            new_key = draw(st.sampled_from(["extra", "sv", "en", "items", "name", "details"]))
            parent[new_key] = copy.deepcopy(draw(_VALUES))
        elif action == "add" and isinstance(parent, list):
            parent.append(copy.deepcopy(draw(st.one_of(_VALUES, st.just(parent[key])))))
        elif action == "empty" and isinstance(parent[key], (dict, list, str)):
            parent[key] = type(parent[key])()
    return kind, data


def test_quick_checks_are_compiled_for_the_schemas_of_this_site():
    checks = schema_check.quick_checks(*LANGUAGES)
    assert set(checks) == {"register", "organisation", "cookies"} and all(checks.values())
    for kind, data in VALID:
        assert checks[kind](data), kind


def test_quick_checks_refuse_keywords_they_do_not_know():
    with pytest.raises(schema_quick.Unsupported):
        schema_quick.compile_schema("x", {"x": {"type": "object", "dependentRequired": {"a": ["b"]}}})


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_quick_checks_agree_with_jsonschema(case):
    kind, data = case
    valid = next(schema_check.validators(*LANGUAGES)[kind].iter_errors(data), None) is None
    assert schema_check.quick_checks(*LANGUAGES)[kind](data) == valid


# --- `--dirty` builds ------------------------------------------------------------

def test_dirty_build_with_strict_mode_is_refused_with_advice(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    assert site.build().returncode == 0
    result = site.run("-m", "mkdocs", "build", "--dirty")  # strict: true in mkdocs.yml
    assert result.returncode != 0
    assert "add --no-strict" in result.stderr
    assert "Traceback" not in result.stderr


def _touch(path: Path, when: float) -> None:
    os.utime(path, (when, when))


def test_dirty_build_rebuilds_exactly_the_pages_of_a_changed_register(tmp_path):
    site = make_project(tmp_path / "p")
    assert site.build().returncode == 0
    outputs = sorted(site.site.rglob("index.html"))
    built = time.time()
    for path in outputs:
        _touch(path, built)
    changed = register_files(site.registers)[0]
    text = changed.read_text(encoding="utf-8")
    name = yaml.safe_load(text)["name"]["fi"]
    newest = yaml.safe_load(text)["versions"][0]["date"].isoformat()
    changed.write_text(text.replace(f"fi: {name}\n", f"fi: {name} (uusi nimi)\n", 1), encoding="utf-8")
    _touch(changed, built + 10)  # saved after the build

    result = site.build("--dirty", "--no-strict")
    assert result.returncode == 0, result.stderr
    rebuilt = {p.relative_to(site.site).as_posix() for p in outputs if abs(p.stat().st_mtime - built) > 0.001}
    assert rebuilt == {f"notices/{changed.stem}/index.html", f"en/notices/{changed.stem}/index.html",
                       "notices/index.html", "en/notices/index.html",
                       # the cookie notice links the registers that cover website visitors
                       "cookies/index.html", "en/cookies/index.html"} | {
                       # the newest version's own page and its changes: the register's current text
                       f"{lang}notices/{changed.stem}/{newest}/{page}index.html"
                       for lang in ("", "en/") for page in ("", "changes/")}
    assert f"{name} (uusi nimi)" in site.html(f"notices/{changed.stem}/index.html").select_one("h1").get_text()
    assert f"{name} (uusi nimi)" in site.html("notices/index.html").select_one("div.notice-index").get_text()


def test_dirty_build_rebuilds_every_notice_when_the_shared_defaults_change(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    assert site.build().returncode == 0
    page = site.site / "notices" / "members" / "index.html"
    built = time.time()
    _touch(page, built)
    organisation = site.registers / "_organisation.yml"
    text = organisation.read_text(encoding="utf-8")
    organisation.write_text(text.replace("+358 40 000 0", "+358 40 000 9", 1), encoding="utf-8")
    _touch(organisation, built + 10)
    assert site.build("--dirty", "--no-strict").returncode == 0
    assert abs(page.stat().st_mtime - built) > 0.001
    assert "+358 40 000 9" in page.read_text(encoding="utf-8")


# --- while serving: memoised parsing and checks, kept pages ----------------------

def test_memo_is_off_unless_serving_and_keys_on_exact_text(monkeypatch):
    from hooks import memo
    calls = []

    @memo.pure
    def parse_twice(text, file):
        calls.append(text)
        return [text]

    parse_twice("a: 1\n", "x.yml")
    parse_twice("a: 1\n", "x.yml")
    assert len(calls) == 2  # `mkdocs build` computes everything
    monkeypatch.setattr(memo, "_enabled", True)
    first = parse_twice("a: 1\n", "x.yml")
    assert parse_twice("".join(["a: 1", "\n"]), "x.yml") is first and len(calls) == 3
    assert parse_twice("a: 2\n", "x.yml") == ["a: 2\n"] and len(calls) == 4  # one character differs
    assert parse_twice("a: 1\n", "y.yml") == ["a: 1\n"] and len(calls) == 5  # another file


def test_memo_knows_objects_by_identity_and_forgets_unused_results(monkeypatch):
    from hooks import memo
    monkeypatch.setattr(memo, "_enabled", True)
    calls = []

    @memo.pure
    def check(document, kind):
        calls.append(kind)
        return []

    document = {"name": "x"}
    check(document, "register")
    check(document, "register")
    assert len(calls) == 1
    check({"name": "x"}, "register")  # an equal but new object: computed
    assert len(calls) == 2
    for _ in range(3):
        memo.new_build()
    check(document, "register")  # not asked for in the last two rebuilds: dropped
    assert len(calls) == 3


def test_preview_cache_keeps_pages_only_from_builds_without_warnings():
    from hooks.freshness import BuiltPage, PreviewCache, fingerprint
    cache = PreviewCache()
    key = fingerprint("site", "notices/a.md", "# A\n")
    cache.put("notices/a/index.html", BuiltPage(key, "<html>A</html>", (), frozenset(), "A"))
    cache.commit(clean=False)  # the build warned (strict mode fails it): build the page again next time
    assert cache.get("notices/a/index.html", key) is None
    cache.put("notices/a/index.html", BuiltPage(key, "<html>A</html>", (), frozenset(), "A"))
    cache.commit(clean=True)
    assert cache.get("notices/a/index.html", key).html == "<html>A</html>"
    assert cache.get("notices/a/index.html", fingerprint("site", "notices/a.md", "# A!\n")) is None
    assert fingerprint("ab", "c") != fingerprint("a", "bc")  # parts are delimited


def test_no_cycle_collection_while_registers_and_their_earlier_texts_are_read():
    """Loading and the archive pause the cycle collector (hooks/collector.py):
    the walks it would make grow with the catalogue. It runs again afterwards,
    also when reading fails."""
    import gc
    from hooks import collector
    from hooks.archive import build_archive
    from hooks.history import read_history
    from hooks.project import languages_from_mkdocs_yml, load_project, site_from_mkdocs_yml
    collections = []

    def seen(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    threshold = gc.get_threshold()
    gc.set_threshold(10)  # a collection every ten new objects, were it running
    gc.callbacks.append(seen)
    try:
        config = REPO / "mkdocs.yml"
        languages, site, history = languages_from_mkdocs_yml(config), site_from_mkdocs_yml(config), read_history(REPO)
        collections.clear()
        project = load_project(REPO, languages, site)
        archive = build_archive(project.catalogue, history)
        # none while reading (hundreds without the pauses); the one each pause leaves due may run after it
        assert len(collections) <= 2, collections
        assert any(t.versions[1:] and t.versions[1].register for t in archive.timelines.values())
        assert gc.isenabled()
        with pytest.raises(KeyError):
            with collector.paused():
                raise KeyError("a failure while reading")
        assert gc.isenabled()
        gc.disable()
        with collector.paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
        gc.enable()
        [].append([])  # new objects: the collector runs again
        assert collections
    finally:
        gc.callbacks.remove(seen)
        gc.set_threshold(*threshold)
        gc.enable()


def test_a_one_off_build_lets_the_registers_go_once_its_pages_are_rendered(tmp_path):
    """MkDocs builds every page in the memory the registers, their earlier
    versions and the remembered text results took: after on_config a one-off
    build holds none of them (only the pages' Markdown), and the site is whole."""
    import gc
    import sys
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from hooks import caches
    from hooks.registers import Catalogue
    from hooks.yaml_source import Document

    site = make_project(tmp_path / "p")
    git_commit_all(site.root, "registers")
    (site.registers / "customers.yml").write_text(
        (site.registers / "customers.yml").read_text(encoding="utf-8").replace("versions:\n", (
            "versions:\n  - date: 2026-11-30\n    summary:\n      fi: Uusi versio.\n      en: A new version.\n"), 1),
        encoding="utf-8")
    git_commit_all(site.root, "a new version")
    released = []
    real_release = caches.release

    def release():
        real_release()
        released.append(caches.remembered())

    hooks_module = None
    try:
        caches.release = release
        build(load_config(str(site.root / "mkdocs.yml")))
        hooks_module = sys.modules["hooks/mkdocs_hooks.py"]
        gc.collect()
        assert released == [0]  # once per build, not per language
        assert hooks_module._state.project is None and hooks_module._state.ready
        alive = [o.file for o in gc.get_objects() if isinstance(o, Document) and "registers/" in o.file
                 and not o.file.endswith(("_cookies.yml", "_cookies.yaml"))]
        assert alive == []
        assert not any(isinstance(o, Catalogue) for o in gc.get_objects())
    finally:
        caches.release = real_release
    # what on_config computed before letting go: the earlier version, its feed entry, the summary's counts
    assert (site.site / "notices" / "customers" / "2026-11-30" / "changes" / "index.html").is_file()
    assert "customers/2026-11-30/changes/" in (site.site / "en" / "notices" / "feed.xml").read_text(encoding="utf-8")
    assert hooks_module._state.summary[0].startswith(f"{len(register_files(site.registers))} notices in 2 languages")
