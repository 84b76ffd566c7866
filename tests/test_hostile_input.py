"""Files in registers/ that are not what a register should be: each stops
`mkdocs build` and `python -m hooks check` with a message naming the file,
never with a traceback, and a failed build leaves the last good site as it was."""
from __future__ import annotations

import os
import re
import shutil
import time

import pytest

from conftest import FIXTURES, built_minimal_site, tree_digest
from hooks import yaml_source
from hooks.languages import Languages
from hooks.problems import Problem, ProblemsFound
from hooks.project import load_project
from hooks.registers import REGISTER_ID, load_catalogue
from hooks.site_pages import plan_pages
from hooks.yaml_source import MAX_BYTES, MAX_DEPTH, MAX_NODES, parse

LANGUAGES = Languages("fi", ("fi", "en"), ("fi", "en", "sv"))
MEMBERS = (FIXTURES / "minimal" / "members.yml").read_text(encoding="utf-8")


def billion_laughs(levels: int = 9) -> str:
    """The classic alias bomb: each level repeats the one before ten times."""
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    return "\n".join(lines) + "\n"


def _symlink_outside(registers, name):
    secret = registers.parent / "secret.yml"
    secret.write_text(MEMBERS, encoding="utf-8")
    os.symlink(secret, registers / name)


def _fifo(registers, name):
    os.mkfifo(registers / name)  # reading it would wait for ever


# name -> (how to make the file, expected start of the message, words in it)
BROKEN_FILES = {
    "billion laughs": (lambda r, n: (r / n).write_text(billion_laughs(), encoding="utf-8"),
                       "laughs.yml", "registers/laughs.yml:5: e: ", f"more than {MAX_NODES:,} values"),
    "Latin-1": (lambda r, n: (r / n).write_bytes(MEMBERS.encode("latin-1")),
                "latin.yml", "registers/latin.yml:2: ", "not UTF-8"),
    "name with capitals and space": (lambda r, n: (r / n).write_text(MEMBERS, encoding="utf-8"),
                                     "Bad Name.yml", "registers/Bad Name.yml: ", "lowercase letters"),
    "oversize": (lambda r, n: (r / n).write_text(MEMBERS + "#" * MAX_BYTES, encoding="utf-8"),
                 "huge.yml", "registers/huge.yml: ", f"at most {MAX_BYTES:,} bytes"),
    "not YAML": (lambda r, n: (r / n).write_bytes(b"PK\x03\x04\x14\x00binary"),
                 "notes.docx", "registers/notes.docx: ", "only YAML files"),
    "root is a list": (lambda r, n: (r / n).write_text("- name: x\n- purposes: y\n", encoding="utf-8"),
                       "list-root.yml", "registers/list-root.yml:1: ", "must be a mapping"),
    "root is a scalar": (lambda r, n: (r / n).write_text("Just a sentence.\n", encoding="utf-8"),
                         "scalar-root.yml", "registers/scalar-root.yml:1: ", "must be a mapping"),
    "python tag": (lambda r, n: (r / n).write_text(MEMBERS.replace(
                       "name: {fi: Jäsenrekisteri, en: Membership register}",
                       "name: !!python/object/apply:os.system ['touch pwned']"), encoding="utf-8"),
                   "tagged.yml", "registers/tagged.yml:2: name: ", "'!!python/object/apply:os.system' is not allowed"),
    "deep nesting": (lambda r, n: (r / n).write_text("a: " + "[" * 100_000 + "]" * 100_000, encoding="utf-8"),
                     "deep.yml", "registers/deep.yml:1: ", f"more than {MAX_DEPTH} levels"),
    "symlink out of the folder": (_symlink_outside, "linked.yml", "registers/linked.yml: ", "link"),
    "named pipe": (_fifo, "pipe.yml", "registers/pipe.yml: ", "special file"),
    "YAML syntax": (lambda r, n: (r / n).write_text(MEMBERS.replace("data_subjects:", "data_subjects: ["),
                                                    encoding="utf-8"),
                    "syntax.yml", "registers/syntax.yml:", "YAML syntax error"),
}


@pytest.fixture(scope="module")
def good_site(tmp_path_factory):
    return built_minimal_site(tmp_path_factory.mktemp("input") / "p")


@pytest.mark.parametrize("case", list(BROKEN_FILES))
def test_broken_file_fails_build_and_check_naming_the_file_and_keeps_the_site(good_site, case):
    site, before = good_site
    make, name, prefix, words = BROKEN_FILES[case]
    make(site.registers, name)
    try:
        built, checked = site.build(), site.check()
    finally:
        (site.registers / name).unlink()
    for result in (built, checked):
        assert result.returncode != 0
        assert "Traceback" not in result.stderr + result.stdout
        matching = [line for line in result.stderr.split("\n") if prefix in line]
        assert matching, result.stderr
        assert any(words in line for line in matching), matching
    assert not (site.root / "pwned").exists()
    assert tree_digest(site.site) == before


def test_hand_written_page_in_the_way_keeps_the_site(good_site):
    site, before = good_site
    clash = site.root / "docs" / "notices" / "members.md"
    clash.parent.mkdir()
    clash.write_text("# Mine\n", encoding="utf-8")
    try:
        result = site.build()
    finally:
        shutil.rmtree(clash.parent)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "docs/notices/members.md: this hand-written file would be published at notices/members/" in result.stderr
    assert tree_digest(site.site) == before


def test_utf8_with_byte_order_mark_is_accepted(tmp_path):
    registers = tmp_path / "registers"
    shutil.copytree(FIXTURES / "minimal", registers)
    (registers / "members.yml").write_bytes(b"\xef\xbb\xbf" + MEMBERS.encode("utf-8"))
    catalogue = load_catalogue(registers, LANGUAGES)
    assert catalogue.registers[0].data["name"]["fi"] == "Jäsenrekisteri"


def test_billion_laughs_is_stopped_by_a_count_quickly(monkeypatch):
    started = time.perf_counter()
    document, problems = parse(billion_laughs(), "registers/laughs.yml")
    elapsed = time.perf_counter() - started
    assert document is None
    (problem,) = problems
    assert (problem.line, problem.field) == (5, "e")  # 10**5 values are reached in `e`
    assert f"more than {MAX_NODES:,} values" in problem.message
    assert elapsed < 5, elapsed  # the full expansion has 10**9 values
    # The bound is a number of values, not a time: a lower bound stops it earlier.
    monkeypatch.setattr(yaml_source, "MAX_NODES", 1_000)
    _, (problem,) = parse(billion_laughs(), "registers/laughs.yml")
    assert (problem.line, problem.field) == (3, "c")


@pytest.mark.parametrize("text, words", [
    ("a: &a {x: 1, y: 2}\n" + "".join(f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}' if i else '*a'] * 10)}]}}\n"
                                      for i in range(9)), "values"),  # the same bomb made of merge keys
    ("a: &a [*a]\n", "levels"),  # an alias inside itself
    ("a: &a {<<: *a}\n", "levels"),
    ("k0: &k0 [1]\n" + "".join(f"k{i}: &k{i} [*k{i - 1}]\n" for i in range(1, 200)), "levels"),  # alias chain
    ("- " * 5000 + "x\n", "levels"),
    ("a:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(3000)), "levels"),
], ids=["merge-key bomb", "self alias", "self merge", "alias chain", "nested dashes", "indented keys"])
def test_other_expansion_shapes_are_bounded(text, words):
    document, problems = parse(text, "registers/x.yml")
    assert document is None
    assert len(problems) == 1 and words in problems[0].message


@pytest.mark.parametrize("text, field, words", [
    ("a: !!int abc\n", "a", "cannot read this value"),
    ("a: !!bool maybe\n", "a", "cannot read this value"),
    ("a: !!binary aGVsbG8=\n", "a", "'!!binary' is not allowed"),
    ("a: !!timestamp 2020-01-01\n", "a", "'!!timestamp' is not allowed"),
    ("a: !!set {x, y}\n", "a", "'!!set' is not allowed"),
    ("a: !custom value\n", "a", "'!custom' is not allowed"),
    ("a: !!python/name:os.system\n", "a", "is not allowed"),
    ("? !!python/name:os.system\n: x\n", "", "is not allowed on a key"),
    ("<<: 5\n", "", "`<<` can only merge mappings"),
    ("? [a, b]\n: x\n", "", "a key must be a plain word"),
    ("a: " + "ä" * 50 + "\x01\n" + "b: c\n" * 30, "", "U+0001"),  # the line, though the C reader counts bytes
])
def test_tags_and_odd_values_are_problems_with_a_line(text, field, words):
    document, problems = parse(text, "registers/x.yml")
    assert [(p.line, p.field) for p in problems] == [(1, field)]
    assert words in problems[0].message


def test_merge_keys_follow_yaml_precedence():
    document, problems = parse("d: &d {a: 1, b: 2}\ne:\n  <<: *d\n  b: 3\n", "registers/x.yml")
    assert problems == [] and document.data["e"] == {"a": 1, "b": 3}
    assert document.lines[("e", "b")] == 4 and document.lines[("e", "a")] == 1


@pytest.mark.parametrize("name", ["%2e%2e%2fescape.yml", "a..b.yml", "-a.yml", "a-.yml", "a--b.yml", "A.yml",
                                  "ä.yml", "a b.yml", "a\\b.yml", "a.b.yml", "x.yml.yml", "nul\u200b.yml"])
def test_file_names_that_are_not_ids_are_rejected(tmp_path, name):
    registers = tmp_path / "registers"
    shutil.copytree(FIXTURES / "minimal", registers)
    (registers / name).write_text(MEMBERS, encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        load_catalogue(registers, LANGUAGES)
    assert [str(p) for p in raised.value.problems] == [
        f"registers/{name}: the file name is the register id and may contain only lowercase letters a-z, digits "
        "and single hyphens, e.g. customer-register.yml"]


def test_hidden_files_such_as_dot_dot_names_are_not_read(tmp_path):
    registers = tmp_path / "registers"
    shutil.copytree(FIXTURES / "minimal", registers)
    for name in ("..yml", "...yml", ".members.yml", ".DS_Store"):
        (registers / name).write_text("{{{ not even YAML", encoding="utf-8")
    catalogue = load_catalogue(registers, LANGUAGES)
    assert [r.id for r in catalogue.registers] == ["members"]


def test_generated_pages_stay_in_the_notices_folder(tmp_path):
    registers = tmp_path / "registers"
    shutil.copytree(FIXTURES / "minimal", registers)
    for register_id in ("a", "0", "x-1-y", "con", "index-2"):
        (registers / f"{register_id}.yml").write_text(MEMBERS, encoding="utf-8")
    assert all(REGISTER_ID.match(p.stem) for p in registers.glob("[!_]*.yml"))
    project = load_project(tmp_path, LANGUAGES)
    uris = [uri for uri, page in plan_pages(project).items() if not page.cookies]
    assert len(uris) == 2 * 7  # 6 registers and the index, in two languages
    assert all(re.fullmatch(r"notices/[a-z0-9]+(-[a-z0-9]+)*(\.en)?\.md", uri) for uri in uris), uris


def test_a_link_to_another_register_is_rejected_not_followed(tmp_path):
    registers = tmp_path / "registers"
    shutil.copytree(FIXTURES / "minimal", registers)
    os.symlink("members.yml", registers / "alias.yml")
    with pytest.raises(ProblemsFound) as raised:
        load_catalogue(registers, LANGUAGES)
    assert [p.file for p in raised.value.problems] == ["registers/alias.yml"]


def test_problems_of_many_files_come_at_once_in_file_and_line_order(tmp_path):
    registers = tmp_path / "registers"
    shutil.copytree(FIXTURES / "minimal", registers)
    for case in ("billion laughs", "Latin-1", "name with capitals and space", "oversize", "not YAML", "python tag"):
        make, name, *_ = BROKEN_FILES[case]
        make(registers, name)
    shutil.copy(FIXTURES / "broken" / "duplicate-key.yml", registers)
    shutil.copy(FIXTURES / "broken" / "unknown-basis.yml", registers)
    with pytest.raises(ProblemsFound) as raised:
        load_catalogue(registers, LANGUAGES)
    problems = raised.value.problems
    assert len({p.file for p in problems}) == 8
    assert [(p.file, p.line) for p in problems] == sorted((p.file, p.line) for p in problems)
    whole_file = [p for p in problems if p.line == 0]
    assert {p.file for p in whole_file} == {"registers/Bad Name.yml", "registers/huge.yml", "registers/notes.docx"}
    report = raised.value.report().split("\n")
    assert report[0] == f"{len(problems)} problems in the register data:"
    assert report[1:] == [str(p) for p in problems]


def test_problem_order_puts_the_whole_file_before_its_lines():
    problems = [Problem("registers/b.yml", 3, "x", "m"), Problem("registers/b.yml", 0, "", "whole"),
                Problem("registers/a.yml", 12, "y", "m"), Problem("registers/b.yml", 1, "", "m")]
    ordered = ProblemsFound(problems).problems
    assert [(p.file, p.line) for p in ordered] == [("registers/a.yml", 12), ("registers/b.yml", 0),
                                                   ("registers/b.yml", 1), ("registers/b.yml", 3)]
