"""The YAML reader (hooks/yaml_source.py) called directly: duplicate keys at
every depth and through merges, the bounds on size, nesting and alias
expansion, tags, and the line of every item. Bounds are written out here as
numbers, not imported from the module."""
from __future__ import annotations

import pytest

from hooks.yaml_source import decode, parse

DUPLICATE = ("duplicate key '{key}': it is already given on line {first}; YAML would silently keep only the last "
             "one, so remove or merge one of them")
TOO_DEEP = ("the data is nested more than 50 levels deep; a register needs only a few levels (check the "
            "indentation, and do not let a YAML alias `*name` refer to itself)")
TOO_MANY = ("the data expands to more than 100,000 values (YAML aliases `*name` repeating data); write the data "
            "out instead of repeating it with aliases")


def read(text):
    document, problems = parse(text, "f.yml")
    return document, [str(p) for p in problems]


def test_duplicate_keys_top_level_nested_and_in_lists():
    _, problems = read("a: 1\nb: 2\na: 3\nc:\n  - x: 1\n    y: 2\n    x: 3\n")
    assert problems == ["f.yml:3: a: " + DUPLICATE.format(key="a", first=1),
                        "f.yml:7: c[1].x: " + DUPLICATE.format(key="x", first=5)]


def test_the_first_value_of_a_duplicate_is_kept_and_a_third_names_the_first():
    document, problems = read("a: 1\na: 2\na: 3\n")
    assert document.data == {"a": 1}
    assert problems == ["f.yml:2: a: " + DUPLICATE.format(key="a", first=1),
                        "f.yml:3: a: " + DUPLICATE.format(key="a", first=1)]


def test_keys_that_yaml_would_read_as_other_types_are_names_and_still_duplicates():
    document, problems = read("no: 1\n'no': 2\n1: x\n")
    assert document.data == {"no": 1, "1": "x"}
    assert problems == ["f.yml:2: no: " + DUPLICATE.format(key="no", first=1)]
    document, problems = read("!!str a: 1\n!!int 2: b\n")
    assert document.data == {"a": 1, "2": "b"} and problems == []


def test_merged_values_never_replace_written_ones_and_are_no_duplicates():
    document, problems = read("base: &b\n  x: 1\n  y: 2\nother: &o\n  y: 9\n  z: 3\n"
                              "c:\n  <<: [*b, *o]\n  x: 5\n")
    assert problems == []
    assert document.data["c"] == {"x": 5, "y": 2, "z": 3}
    document, problems = read("b: &b\n  x: 1\nc:\n  <<: *b\n")
    assert document.data["c"] == {"x": 1} and problems == []


def test_a_merge_of_something_that_is_not_a_mapping_is_a_problem():
    document, problems = read("a:\n  <<: [1]\n  b: 2\n")
    assert document.data == {"a": {"b": 2}}
    assert problems == ["f.yml:2: a: `<<` can only merge mappings, e.g. `<<: *defaults`"]


def test_keys_must_be_scalars_without_tags():
    document, problems = read("? [a]\n: 1\nb: 2\n")
    assert document.data == {"b": 2} and problems == ["f.yml:1: a key must be a plain word, not a list or mapping"]
    document, problems = read("!foo a: 1\n")
    assert document.data == {"a": 1}
    assert problems == ["f.yml:1: the YAML tag '!foo' is not allowed on a key; remove it"]


def test_tags_on_values_are_named_and_never_constructed():
    document, problems = read("a: !foo x\nb: !!binary aGk=\nc: !!python/object/apply:os.system [x]\n"
                              "d: !!set {x: null}\ne: !!python/object/apply [y]\n")
    assert document.data == {"a": "x", "b": "aGk=", "c": ["x"], "d": {"x": None}, "e": ["y"]}
    allowed = "is not allowed: a register holds only plain texts, numbers, lists and mappings; remove the tag"
    assert problems == [f"f.yml:1: a: the YAML tag '!foo' {allowed}",
                        f"f.yml:2: b: the YAML tag '!!binary' {allowed}",
                        f"f.yml:3: c: the YAML tag '!!python/object/apply:os.system' {allowed}",
                        f"f.yml:4: d: the YAML tag '!!set' {allowed}",
                        f"f.yml:5: e: the YAML tag '!!python/object/apply' {allowed}"]


def test_values_are_read_as_yaml_would_except_dates():
    document, problems = read("a: 1\nb: 1.5\nc: true\nd: null\ne: 2024-06-01\nf: x\ng: [1, [2]]\n")
    assert problems == []
    assert document.data == {"a": 1, "b": 1.5, "c": True, "d": None, "e": "2024-06-01", "f": "x", "g": [1, [2]]}
    document, problems = read("a: !!int abc\n")
    assert document.data == {"a": None}
    assert problems == ["f.yml:1: a: cannot read this value (invalid literal for int() with base 10: 'abc')"]


def test_lines_of_items_and_keys():
    document, _ = read("a:\n\n  b:\n    - x\n    -\n      c: 1\n")
    assert document.lines[()] == 1 and document.lines[("a",)] == 3
    assert document.lines[("a", "b", 1, "c")] == 6
    assert document.key_lines == {("a",): 1, ("a", "b"): 3, ("a", "b", 1, "c"): 6}
    assert document.line_of(("a", "b", 0)) == 4
    assert document.line_of(("a", "b", 1, "c", "deeper", 3)) == 6
    assert document.line_of(("nothing",)) == 1
    empty, problems = read("")
    assert empty.data is None and problems == [] and empty.line_of(("x",)) == 1


def test_nesting_bound_is_fifty_levels():
    def nested(levels):
        return "a: " + "[" * levels + "]" * levels + "\n"
    # `a` is level 1 and its innermost list level 50: allowed; one more is not
    document, problems = read(nested(50))
    assert problems == [] and document is not None
    document, problems = read(nested(51))
    assert document is None and problems == ["f.yml:1: a: " + TOO_DEEP]

    # the same bound for block mappings, reported at the top-level key
    def block(levels):
        return "x: 1\ntop:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, levels - 1)) + "  " * (levels - 1) + "v: 1\n"
    assert read(block(50))[1] == []
    document, problems = read(block(51))
    assert document is None and problems == ["f.yml:2: top: " + TOO_DEEP]


def test_very_deep_input_is_measured_before_it_is_composed():
    for text in ("[" * 10000 + "]" * 10000, "a: " + "[" * 10001):
        document, problems = read(text)
        assert document is None and len(problems) == 1
    assert read("[" * 10000 + "]" * 10000)[1] == ["f.yml:1: " + TOO_DEEP]
    assert read("a: " + "[" * 10001)[1] == ["f.yml:1: " + TOO_DEEP]
    [unclosed] = read("a: [" + "[1], " * 10001 + "\n")[1]
    assert unclosed.startswith("f.yml:1: YAML syntax error: the list in square brackets") and "not closed" in unclosed
    # many structural characters, but flat: scanned and accepted
    document, problems = read("a: '" + "[{-?:" * 2500 + "'\n" + "".join(f"k{i}: [1]\n" for i in range(10)))
    assert problems == [] and len(document.data) == 11


def test_alias_expansion_bound():
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefg":
        previous = chr(ord(level) - 1)
        laughs += f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 10) + "]\n"
    document, problems = read(laughs)
    assert document is None and problems == ["f.yml:5: e: " + TOO_MANY]
    # every value counts, the root and each list too: exactly 100,000 is allowed
    def values(extra):
        return ("a: &a [" + ", ".join(["x"] * 999) + "]\nb: [" + ", ".join(["*a"] * 98) + "]\n"
                "c: [" + ", ".join(["y"] * extra) + "]\n")
    document, problems = read(values(997))
    assert problems == [] and len(document.data["b"]) == 98
    assert read(values(998))[1] == ["f.yml:3: c: " + TOO_MANY]


def test_merges_count_towards_the_bound():
    text = "a: &a {" + ", ".join(f"k{i}: 1" for i in range(1000)) + "}\n"
    text += "".join(f"m{i}: {{<<: *a}}\n" for i in range(120))
    document, problems = read(text)
    assert document is None and problems[0].endswith(TOO_MANY)


def test_syntax_errors_name_their_line_and_context():
    # the line where the unclosed list starts, in words, with YAML's own words after them
    [unclosed] = read("a: [\n")[1]
    assert unclosed.startswith("f.yml:1: YAML syntax error: the list in square brackets `[ ]` that starts here is not closed")
    assert "did not find expected node content" in unclosed
    [misaligned] = read("a:\n  - b\n c: d\n")[1]
    assert misaligned.startswith("f.yml:3: YAML syntax error: `c:` is not lined up with the fields around it")
    assert "did not find expected key" in misaligned
    assert read("a: b\n\nc: \"\x07\"\n")[1] == [
        "f.yml:3: the file contains a character YAML does not allow (U+0007, an invisible control character); remove it"]


def test_decode_bounds_bom_and_encoding():
    assert decode(b"a" * 1_000_000, "f.yml") == ("a" * 1_000_000, [])
    text, problems = decode(b"a" * 1_000_001, "f.yml")
    assert text is None
    assert [str(p) for p in problems] == ["f.yml: the file is 1,000,001 bytes; a register may be at most 1,000,000 bytes"]
    assert decode(b"\xef\xbb\xbfa: 1", "f.yml") == ("a: 1", [])
    text, problems = decode(b"a: 1\nb: 2\n\xff", "f.yml")
    assert text is None
    assert [str(p) for p in problems] == ["f.yml:3: the file is not UTF-8 text; save it with UTF-8 encoding"]


# --- found by mutation testing (bench/mutation.py yaml_source) -----------------

# The tests below lower the bound to 1,000 values (monkeypatch): 100,000 values take seconds to read.
def too_big(bound):
    return (f"the file holds more than {bound:,} values, far more than any register needs; split it into several "
            "registers or shorten its lists")


def too_many(bound):
    return TOO_MANY.replace("100,000", f"{bound:,}")


@pytest.fixture
def bound_1000(monkeypatch):
    from hooks import yaml_source
    monkeypatch.setattr(yaml_source, "MAX_NODES", 1000)


def test_line_of_a_path_falls_back_to_its_nearest_ancestor():
    from hooks.yaml_source import Document
    document = Document("f.yml", None, {(): 1, ("a",): 2, ("a", "b"): 3})
    assert document.line_of(("a", "b", "c", "d")) == 3
    assert document.line_of(("a", "x")) == 2 and document.line_of(("z",)) == 1 and document.line_of(()) == 1
    assert Document("f.yml", None).line_of(("q",)) == 1


def test_the_bound_exception_carries_its_message():
    from hooks.yaml_source import _Bound
    bound = _Bound(("a",), "too much")
    assert str(bound) == "too much" and bound.path == ("a",) and bound.message == "too much"


def test_decode_problems_concern_the_whole_file_or_a_line():
    from hooks.problems import Problem
    assert decode(b"a" * 1_000_001, "f.yml")[1] == [
        Problem("f.yml", 0, "", "the file is 1,000,001 bytes; a register may be at most 1,000,000 bytes")]
    assert decode(b"a: 1\n\xff", "f.yml")[1] == [
        Problem("f.yml", 2, "", "the file is not UTF-8 text; save it with UTF-8 encoding")]


def test_a_large_file_without_aliases_is_told_to_split_not_to_drop_aliases(bound_1000):
    # 1 (root) + 1 (`x`) + 1 (the list) + 1,000 values: over the bound, and nothing repeats
    document, problems = read("x: 1\na: [" + ", ".join(["1"] * 1000) + "]\n")
    assert document is None and problems == ["f.yml:2: a: " + too_big(1000)]
    document, problems = read("- 1\n- [" + ", ".join(["1"] * 1000) + "]\n")
    assert document is None and problems == ["f.yml:2: [2]: " + too_big(1000)]


def test_a_bound_is_reported_at_the_line_of_the_top_level_item(bound_1000):
    # a list at the top: no key lines, the item's own line (not the root's)
    document, problems = read("# list\n[\n  " + "[" * 51 + "]" * 51 + "\n]\n")
    assert document is None and problems == ["f.yml:3: [1]: " + TOO_DEEP]
    # the bound reached at the very node of a top-level item, before its line is known: the root's line
    # (root 1 + inner list 1 + 998 values = 1,000; the `2` is one more)
    document, problems = read("# a\n# b\n[[" + ", ".join(["1"] * 998) + "], 2]\n")
    assert document is None and problems == ["f.yml:3: [2]: " + too_big(1000)]


def test_nesting_is_reported_the_same_way_whether_or_not_the_text_is_scanned_first():
    # 10,000 structural characters make the reader scan the events first; the bound is the same 50 levels
    filler = "x: '" + "[" * 10_000 + "'\n"
    assert read(filler + "b: " + "[" * 50 + "]" * 50 + "\n")[1] == []
    document, problems = parse(filler + "b: " + "[" * 51 + "]" * 51 + "\n", "f.yml")
    from hooks.problems import Problem
    assert document is None and problems == [Problem("f.yml", 2, "", TOO_DEEP)]
    # lists that close do not make the scan forget how deep their neighbours are:
    # 41 levels under `b`, 30 empty lists there, then 10 levels more: 51 in all
    deep = "b: " + "[" * 41 + "[], " * 30 + "[" * 10 + "]" * 10 + "]" * 41 + "\n"
    assert read(filler + deep)[1] == ["f.yml:2: " + TOO_DEEP]
    # without the scan, the report names the top-level key
    assert read(deep)[1] == ["f.yml:1: b: " + TOO_DEEP]
    # letters do not count as structure: this text is not scanned
    assert read("x: '" + "X" * 10_000 + "'\n" + deep)[1] == ["f.yml:2: b: " + TOO_DEEP]


def test_a_character_yaml_rejects_is_found_on_its_first_line():
    from hooks.problems import Problem
    assert parse("a: 1\nb: \"\x07\"\nc: 2\nd: \"\x07\"\n", "f.yml")[1] == [
        Problem("f.yml", 2, "", "the file contains a character YAML does not allow (U+0007, an invisible control "
                                "character); remove it")]


def test_syntax_errors_the_plain_words_do_not_cover_keep_yaml_words_and_line(monkeypatch):
    # When the plain-words guess fails (hooks/yaml_errors.py: "a guess gone wrong must not hide the
    # error itself"), the message keeps YAML's own words, on the line of the problem, naming where
    # the context started when that is another line.
    import yaml
    from hooks import yaml_errors
    from hooks.problems import Problem

    def guess_gone_wrong(*args):
        raise RuntimeError("no guess")
    monkeypatch.delenv("NOTICES_DEBUG", raising=False)
    monkeypatch.setattr(yaml_errors, "diagnose", guess_gone_wrong)
    from hooks.yaml_source import _syntax_problem
    text = "a: 1\nb: 2\nc: 3\n"

    def mark(line):
        return yaml.Mark("f.yml", 0, line, 0, None, None)

    def error(**parts):
        return yaml.MarkedYAMLError(**parts)

    assert _syntax_problem(error(context="while reading a thing", context_mark=mark(0), problem="an odd token",
                                 problem_mark=mark(2)), text, "f.yml") == Problem(
        "f.yml", 3, "", "YAML syntax error: an odd token (while reading a thing that starts on line 1)")
    assert _syntax_problem(error(context="while reading a thing", context_mark=mark(2), problem="an odd token",
                                 problem_mark=mark(2)), text, "f.yml") == Problem(
        "f.yml", 3, "", "YAML syntax error: an odd token")
    assert _syntax_problem(error(context="while reading a thing", context_mark=mark(1)), text, "f.yml") == Problem(
        "f.yml", 2, "", "YAML syntax error: while reading a thing")
    assert _syntax_problem(error(problem="an odd token"), text, "f.yml") == Problem(
        "f.yml", 0, "", "YAML syntax error: an odd token")
    assert _syntax_problem(error(problem_mark=mark(1)), text, "f.yml") == Problem(
        "f.yml", 2, "", "YAML syntax error: invalid YAML")
    # an error without a place (the pure-Python reader's, when libyaml is missing)
    plain = yaml.YAMLError("something went wrong")
    assert _syntax_problem(plain, text, "f.yml") == Problem("f.yml", 0, "", "YAML syntax error: something went wrong")


def test_a_merge_list_goes_on_after_a_value_that_is_not_a_mapping():
    document, problems = read("a: &a {x: 1}\nb: {<<: [1, *a], y: 2}\n")
    assert document.data["b"] == {"y": 2, "x": 1}
    assert problems == ["f.yml:2: b: `<<` can only merge mappings, e.g. `<<: *defaults`"]


def test_a_problem_inside_a_merged_mapping_is_reported_where_it_is_merged_too():
    document, problems = read("a: &a {<<: 1, k: 1}\nb: {<<: *a}\n")
    assert document.data == {"a": {"k": 1}, "b": {"k": 1}}
    assert problems == ["f.yml:1: a: `<<` can only merge mappings, e.g. `<<: *defaults`",
                        "f.yml:1: b: `<<` can only merge mappings, e.g. `<<: *defaults`"]


def merge_chain(merges):
    """`x` (level 1) merges m1, which merges m2, ... `merges` merges deep; each merge is one level."""
    text = f"m{merges}: &m{merges} {{v: 1}}\n"
    text += "".join(f"m{i}: &m{i} {{<<: *m{i + 1}}}\n" for i in range(merges - 1, 0, -1))
    return text + "x: {<<: *m1}\n"


def test_merges_count_as_levels_of_nesting():
    document, problems = read(merge_chain(49))
    assert problems == [] and document.data["x"] == {"v": 1}
    document, problems = read(merge_chain(50))
    assert document is None and problems == [f"f.yml:51: x: {TOO_DEEP}"]
    # a mapping that merges itself would never end
    document, problems = read("a: &a {b: 1, <<: *a}\n")
    assert document is None and problems == [f"f.yml:1: a: {TOO_DEEP}"]


def test_merged_pairs_count_towards_the_bound_exactly(bound_1000):
    # root 1; `a` 1 + 10 values; `m` 1 + 10 merged pairs + their 10 values; `c` 1 + its items
    def text(items):
        return ("a: &a {" + ", ".join(f"k{i}: 1" for i in range(10)) + "}\nm: {<<: *a}\n"
                "c: [" + ", ".join(["y"] * items) + "]\n")
    document, problems = read(text(1000 - 34))
    assert problems == [] and document.data["m"] == document.data["a"]
    assert read(text(1000 - 33))[1] == ["f.yml:3: c: " + too_many(1000)]


def test_a_key_that_yaml_cannot_construct_stays_its_written_name():
    document, problems = read("!!int abc: 1\n!!float x: 2\n")
    assert problems == [] and document.data == {"abc": 1, "x": 2}


# --- the loader's quicker tag resolution -----------------------------------------

_SCALAR_STARTS = "yYnNoOtTfF~0123456789+-.<=_:é a\n"


def _text_or_yaml_word(draw_text):
    from hypothesis import strategies as st
    words = st.sampled_from(["yes", "No", "on", "OFF", "~", "null", "Null", "true", "FALSE", "0x1f", "0o7", "1_000",
                             "1.5e3", ".inf", "-.Inf", ".NaN", "12:30", "190:20:30", "2024-01-01", "<<", "=", ""])
    return st.one_of(words, draw_text(alphabet=_SCALAR_STARTS, max_size=8))


def test_the_loader_resolves_every_scalar_as_pyyaml_does():
    """RegisterLoader.resolve skips parts of PyYAML's resolver it never needs:
    the tag of every scalar, plain or quoted, and of collections, is PyYAML's."""
    import yaml
    from hypothesis import given, settings, strategies as st
    from hooks.yaml_source import RegisterLoader

    reference = RegisterLoader("")
    loader = RegisterLoader("")

    @settings(max_examples=500, deadline=None)
    @given(_text_or_yaml_word(st.text), st.booleans(), st.booleans())
    def check(value, plain, quoted):
        implicit = (plain, quoted)
        expected = yaml.resolver.BaseResolver.resolve(reference, yaml.ScalarNode, value, implicit)
        assert loader.resolve(yaml.ScalarNode, value, implicit) == expected

    check()
    for kind in (yaml.SequenceNode, yaml.MappingNode):
        assert loader.resolve(kind, None, (True, False)) == yaml.resolver.BaseResolver.resolve(reference, kind, None,
                                                                                                 (True, False))
