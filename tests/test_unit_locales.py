"""The locale parity check, tested with a key walk of its own: every locale
file has the keys of the reference file, and a difference is reported at the
key's line."""
from __future__ import annotations

import pytest
import yaml

from hooks.locales import LOCALE_DIR, load_locales
from hooks.problems import ProblemsFound


def key_paths(node, prefix=()):
    """Every path to a text, walked independently of hooks.locales."""
    found = set()
    stack = [(prefix, node)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((path + (k,), v) for k, v in value.items())
        else:
            found.add(path)
    return found


def read(code):
    return yaml.safe_load((LOCALE_DIR / f"{code}.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", ["fi", "sv"])
def test_shipped_locales_have_exactly_the_english_keys(code):
    assert key_paths(read(code)) == key_paths(read("en"))
    assert set(load_locales((code,))) == {code}


def write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def test_a_missing_nested_key_and_an_extra_key_are_reported_at_their_lines(tmp_path):
    write(tmp_path, "en.yml", "a: A\nb:\n  c: C\n  d: D\n")
    write(tmp_path, "xx.yml", "a: A\nb:\n  c: C\n  e: E\n")
    with pytest.raises(ProblemsFound) as raised:
        load_locales(("en", "xx"), tmp_path)
    assert sorted(str(p) for p in raised.value.problems) == sorted([
        "hooks/locales/xx.yml:3: b.d: missing: every locale file needs the texts of hooks/locales/en.yml",
        "hooks/locales/xx.yml:4: b.e: unknown key: it is not in hooks/locales/en.yml",
    ])


def test_a_key_that_holds_a_mapping_in_one_file_and_text_in_the_other_differs(tmp_path):
    write(tmp_path, "en.yml", "a:\n  b:\n    c: deep\n")
    write(tmp_path, "xx.yml", "a:\n  b: flat\n")
    with pytest.raises(ProblemsFound) as raised:
        load_locales(("xx",), tmp_path)
    fields = sorted(p.field for p in raised.value.problems)
    assert fields == ["a.b", "a.b.c"]


def test_equal_files_load_with_their_texts_and_the_reference_is_loaded_once(tmp_path):
    write(tmp_path, "en.yml", "g:\n  t: 'Hello {name}'\nbabel_locale: en_GB\ndate_format: 'd MMMM yyyy'\n")
    write(tmp_path, "xx.yml", "g:\n  t: 'Hei {name}'\nbabel_locale: fi_FI\ndate_format: 'd. MMMM yyyy'\n")
    locales = load_locales(("xx", "en"), tmp_path)
    assert list(locales) == ["xx", "en"]
    assert locales["xx"].code == "xx" and locales["xx"]("g.t", name="A") == "Hei A"
    assert locales["en"]("g.t") == "Hello {name}"
    assert locales["xx"].get("g.t") == "Hei {name}" and locales["xx"].get("g") == {"t": "Hei {name}"}
    assert locales["xx"].date("2024-06-01") == "1. kesäkuuta 2024"
    assert locales["en"].date("2024-06-01") == "1 June 2024"


def test_missing_reference_and_missing_language_files(tmp_path):
    with pytest.raises(ProblemsFound) as raised:
        load_locales(("en",), tmp_path)
    assert [str(p) for p in raised.value.problems] == [
        "hooks/locales/en.yml: there are no standard texts for this language: "
        "copy hooks/locales/en.yml to this name and translate it"]
    assert (raised.value.problems[0].line, raised.value.problems[0].field) == (0, "")
    write(tmp_path, "en.yml", "a: A\n")
    with pytest.raises(ProblemsFound) as raised:
        load_locales(("en", "zz"), tmp_path)
    assert [p.file for p in raised.value.problems] == ["hooks/locales/zz.yml"]


def test_a_locale_file_that_is_not_utf8_or_not_yaml_is_a_problem(tmp_path):
    write(tmp_path, "en.yml", "a: A\n")
    (tmp_path / "xx.yml").write_bytes("a: ä\n".encode("latin-1"))
    write(tmp_path, "yy.yml", "a: [\n")
    with pytest.raises(ProblemsFound) as raised:
        load_locales(("en", "xx", "yy"), tmp_path)
    assert sorted(p.file for p in raised.value.problems) == ["hooks/locales/xx.yml", "hooks/locales/yy.yml"]
    # xx: the first line that is not UTF-8; yy: the line where the unclosed list starts
    assert {p.line for p in raised.value.problems} == {1}
