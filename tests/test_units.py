"""Unit tests of the plain modules: reader, languages, locales, rights, renderer."""
from __future__ import annotations

import re
import string

import markdown
import pytest

from conftest import FIXTURES, REPO
from hooks.gdpr import applicable_rights
from hooks.languages import Languages
from hooks.locales import LOCALE_DIR, leaves, load_locales
from hooks.notice_markdown import SECTION_ORDER, render_notice
from hooks.problems import Problem, ProblemsFound
from hooks.project import languages_from_mkdocs_yml
from hooks.registers import load_catalogue
from hooks.safe_markdown import escape_markdown_line
from hooks.yaml_source import decode, parse


# --- reading YAML -----------------------------------------------------------

def test_reader_keeps_the_line_of_every_item():
    document, problems = parse("a: 1\nb:\n  - x\n  - c: 2\n", "f.yml")
    assert problems == []
    assert document.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert document.lines[("b", 1, "c")] == 4
    assert document.key_lines[("b",)] == 2
    assert document.line_of(("b", 1, "missing")) == 4


def test_reader_leaves_dates_as_text_and_keys_as_written():
    document, _ = parse("created: 2020-02-30\nno: x\n", "f.yml")
    # an impossible date is not a crash, and `no` is a key, not False
    assert document.data == {"created": "2020-02-30", "no": "x"}


def test_reader_reports_duplicate_keys_at_any_depth():
    _, problems = parse("a:\n  b: 1\n  b: 2\n", "f.yml")
    assert [str(p) for p in problems] == [
        "f.yml:3: a.b: duplicate key 'b': it is already given on line 2; "
        "YAML would silently keep only the last one, so remove or merge one of them"]


def test_reader_refuses_python_tags():
    for text in ("a: !!python/object/apply:os.system ['true']\n", "a: !!python/name:os.system\n",
                 "a: !!set {x}\n"):
        _, problems = parse(text, "f.yml")
        assert len(problems) == 1 and problems[0].line == 1 and problems[0].field == "a", text


def test_decoding_accepts_a_bom_and_rejects_latin1():
    assert decode("\ufeffa: ä".encode("utf-8"), "f.yml") == ("a: ä", [])
    text, problems = decode("a: 1\nb: ä".encode("latin-1"), "f.yml")
    assert text is None and problems[0].line == 2 and "UTF-8" in problems[0].message


def test_problems_are_sorted_and_formatted():
    found = ProblemsFound([Problem("b.yml", 2, "x", "m"), Problem("a.yml", 9, "", "m"), Problem("a.yml", 0, "", "w")])
    assert found.report().split("\n")[1:] == ["a.yml: w", "a.yml:9: m", "b.yml:2: x: m"]


# --- languages --------------------------------------------------------------

def test_languages_put_the_default_first_and_keep_unbuilt_ones_known():
    languages = Languages.from_i18n_entries([
        {"locale": "en", "build": True}, {"locale": "sv", "build": False}, {"locale": "fi", "default": True}])
    assert languages == Languages("fi", ("fi", "en"), ("fi", "en", "sv"))
    assert languages.page_suffix("fi") == "" and languages.page_suffix("en") == ".en"


def test_languages_are_read_from_mkdocs_yml_without_mkdocs(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("theme:\n  icon: !!python/name:material.extensions.emoji.twemoji\nplugins:\n"
                      "  - search\n  - i18n:\n      languages:\n        - {locale: sv, default: true}\n"
                      "        - {locale: fi}\n", encoding="utf-8")
    assert languages_from_mkdocs_yml(config) == Languages("sv", ("sv", "fi"), ("sv", "fi"))
    assert languages_from_mkdocs_yml(REPO / "mkdocs.yml").built == ("fi", "en")


# --- locales ----------------------------------------------------------------



@pytest.mark.parametrize("code", sorted(p.stem for p in LOCALE_DIR.glob("*.yml")))
def test_every_locale_has_the_reference_keys_and_placeholders(code):
    locales = load_locales((code, "en"))
    reference = dict(leaves(locales["en"].texts))
    own = dict(leaves(locales[code].texts))
    assert set(own) == set(reference)
    for path, text in reference.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(str(text)) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(str(own[path])) if f}, path


def test_a_language_without_a_locale_file_is_reported(tmp_path):
    (tmp_path / "en.yml").write_text((LOCALE_DIR / "en.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "de.yml").write_text("language_name: Deutsch\nextra: 1\n", encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        load_locales(("en", "de", "et"), tmp_path)
    problems = [str(p) for p in raised.value.problems]
    assert any(p.startswith("hooks/locales/et.yml: there are no standard texts") for p in problems)
    assert any(p.startswith("hooks/locales/de.yml:2: extra: unknown key") for p in problems)
    assert any("hooks/locales/de.yml:1: sections.controller: missing" in p for p in problems)


def test_official_gdpr_terms_are_used():
    texts = {code: (LOCALE_DIR / f"{code}.yml").read_text(encoding="utf-8") for code in ("fi", "sv")}
    for term in ("Rekisterinpitäjä", "oikeusperuste", "Tietosuojavaltuutetun toimisto", "valvontaviranomai"):
        assert term in texts["fi"], term
    for term in ("Personuppgiftsansvarig", "rättslig grund", "Dataombudsmannens byrå", "tillsynsmyndighet"):
        assert term.lower() in texts["sv"].lower(), term


# --- rights -----------------------------------------------------------------

@pytest.mark.parametrize("bases, present, absent", [
    ("a", {"portability", "withdraw_consent"}, {"objection"}),
    ("b", {"portability"}, {"objection", "withdraw_consent"}),
    ("c", set(), {"portability", "objection", "withdraw_consent"}),
    ("e", {"objection"}, {"portability", "withdraw_consent"}),
    ("bf", {"portability", "objection"}, {"withdraw_consent"}),
])
def test_rights_derive_from_legal_bases(bases, present, absent):
    rights = set(applicable_rights({"legal_bases": [{"basis": b} for b in bases], "automated_decisions": "none"}))
    assert {"access", "rectification", "erasure", "restriction"} <= rights
    assert present <= rights and not (absent & rights)
    assert "automated_decisions" not in rights


def test_automated_decisions_and_direct_marketing_add_rights():
    rights = applicable_rights({"legal_bases": [{"basis": "f"}], "rights": {"direct_marketing": True},
                                "automated_decisions": {"logic": {}, "consequences": {}}})
    assert "direct_marketing" in rights and "automated_decisions" in rights


# --- rendering --------------------------------------------------------------

def test_notice_markdown_has_every_section_in_order_with_anchors():
    catalogue = load_catalogue(FIXTURES / "minimal", Languages("fi", ("fi", "en"), ("fi", "en")))
    markdown = render_notice(catalogue.registers[0], load_locales(("fi", "en"))["en"], "../")
    anchors = re.findall(r"^## .*\{#([a-z-]+)\}$", markdown, flags=re.M)
    assert anchors == [s.replace("_", "-") for s in SECTION_ORDER]
    assert markdown.startswith("# Privacy notice: Membership register\n")


def test_plain_text_cannot_become_markdown_in_headings():
    line = escape_markdown_line("Name {#evil} [x](y) *b* <i> &amp;\n# two")
    html = markdown.markdown(f"# {line}", extensions=["attr_list", "toc"])
    assert "\n" not in line
    assert 'id="evil"' not in html and "<a" not in html and "<em>" not in html and "<i>" not in html
    assert html.count("<h1") == 1 and "&amp;amp;" in html


def test_a_version_reuses_only_the_sections_whose_items_are_equal():
    """notice_body shares sections between versions of a register (the archive
    renders each version): a changed item, or a text filled in from the source
    language, is rendered anew; the result equals rendering on its own."""
    import copy
    from hooks.notice_markdown import notice_body
    from hooks.registers import Register
    catalogue = load_catalogue(FIXTURES / "minimal", Languages("fi", ("fi", "en"), ("fi", "en")))
    newer = catalogue.registers[0]
    locale = load_locales(("fi", "en"))["en"]

    def variant(change) -> Register:
        data = copy.deepcopy(newer.data)
        change(data)
        return Register(newer.id, newer.file, data, newer.document, newer.sources)

    def reworded(data):
        data["purposes"][0]["en"] = "An earlier purpose."
        data["retention"][0]["period"]["en"] = "An earlier period."

    def partly_translated(data):  # an equal text, but filled in from the source language and marked so
        from hooks.translations import SourceText
        data["translation_pending"] = {"en": "source"}
        data["purposes"][0]["en"] = SourceText(data["purposes"][0]["en"], "fi")

    for change in (reworded, partly_translated):
        seen: dict = {}
        assert notice_body(newer, locale, seen) == notice_body(newer, locale)
        older = variant(change)
        assert notice_body(older, locale, seen) == notice_body(older, locale)
    assert "An earlier purpose." in "".join(notice_body(variant(reworded), locale, {}))
    assert f'<span lang="fi">{newer.data["purposes"][0]["en"]}</span>' in "".join(notice_body(older, locale, {}))
