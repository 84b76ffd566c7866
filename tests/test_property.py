"""Property: whatever is in a register file, loading and validating it ends in
either a catalogue or a clean list of problems (file, line, message), and a
catalogue always renders. Never any other exception.

Derandomized, so CI runs the same examples every time."""
from __future__ import annotations

import copy
import re
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import data_paths, FIXTURES
from test_unit_notice_diff import parser_text
from hooks.languages import Languages
from hooks.notice_diff import html_text
from hooks.locales import load_locales
from hooks.problems import Problem, ProblemsFound
from hooks.project import Project
from hooks.registers import load_catalogue
from hooks.site_pages import page_markdown, plan_pages
from hooks.yaml_source import decode, parse

LANGUAGES = Languages("fi", ("fi", "en"), ("fi", "en"))
LOCALES = load_locales(LANGUAGES.built)
BASE_TEXT = (FIXTURES / "minimal" / "members.yml").read_text(encoding="utf-8")
BASE = yaml.safe_load(BASE_TEXT)
SETTINGS = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
           "[x](https://a.example)", "# h", "---", "| a |", "    code", "</div>", "{#id}", "<!-- c -->",
           "&amp;", "&#x202E;", "\u202e", "- - - x", "[" * 5, "*_`", "\n\n", "none", "{fi: a, en: b}"]
KEYS = list(BASE) + ["fi", "en", "sv", "basis", "law", "description", "legitimate_interest", "items", "name",
                     "date", "summary", "source", "provides", "recipient", "purpose", "period", "data",
                     "requirement", "consequences", "manual", "electronic", "<<"]
WORDS = ["none", "a", "b", "c", "f", "x", "data-subject", "contractual", "health", "2020-01-15", "2024-06-01",
         "2024-02-30", "1234567-1", "+358 40 000 0001", "x@y.example", "https://a.example", "yes", "no"]

text = st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE), st.sampled_from(WORDS))
# Text that validation accepts (no control characters, no forbidden links).
valid_text = st.one_of(st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=60),
                       st.sampled_from([h for h in HOSTILE if "javascript" not in h and "\u202e" not in h]))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text,
                    st.builds(lambda t: {"fi": t, "en": t}, text))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=3),
                      max_leaves=10)




def parent_and_key(data, path):
    node = data
    for part in path[:-1]:
        node = node[part]
    return node, path[-1]


@st.composite
def mutated_registers(draw) -> str:
    """The minimal register with keys and values deleted, replaced, copied,
    renamed; then, sometimes, its text cut, doubled or spliced."""
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from([p for p in data_paths(data) if p]))
        node, key = parent_and_key(data, path)
        operation = draw(st.sampled_from(["delete", "replace", "replace", "copy", "rename",
                                          "retext", "retext", "retext"]))
        if operation == "retext":  # usually still valid: reaches the renderer
            texts = [p for p in data_paths(data) if p and isinstance(parent_and_key(data, p)[0][p[-1]], str)]
            node, key = parent_and_key(data, draw(st.sampled_from(texts)))
            node[key] = draw(text)
        elif operation == "delete":
            del node[key]
        elif operation == "replace":
            node[key] = draw(values)
        elif operation == "copy" and isinstance(node, list):
            node.insert(key, copy.deepcopy(node[key]))
        elif operation == "rename" and isinstance(node, dict):
            node[draw(st.sampled_from(KEYS))] = node.pop(key)
    written = yaml.safe_dump(data, allow_unicode=True, sort_keys=draw(st.booleans()))
    lines = written.split("\n")
    cut = draw(st.integers(0, len(lines)))
    edit = draw(st.sampled_from(["none", "none", "duplicate line", "drop line", "splice", "indent"]))
    if edit == "duplicate line" and cut < len(lines):
        lines.insert(cut, lines[cut])
    elif edit == "drop line" and cut < len(lines):
        del lines[cut]
    elif edit == "splice":
        lines.insert(cut, draw(st.text(max_size=30)))
    elif edit == "indent" and cut < len(lines):
        lines[cut] = " " * draw(st.integers(1, 5)) + lines[cut]
    return "\n".join(lines)


@st.composite
def retexted_registers(draw) -> str:
    """The minimal register with random author text in its texts: mostly
    valid, so that the renderer gets random text too."""
    data = copy.deepcopy(BASE)
    for path in [p for p in data_paths(data) if p and p[-1] in ("fi", "en")]:
        node, key = parent_and_key(data, path)
        if draw(st.booleans()):
            node[key] = draw(valid_text)
    return yaml.safe_dump(data, allow_unicode=True)


TOKENS = list("-:[]{}&*!|>'\"#%@`,?.\n\t 0a") + ["<<", "!!python/object/apply:os.system", "!!binary", "&a ", "*a",
                                                 "---", "...", "\u202e", "\ufeff", "\x00", "\x85", "\u2028", "é",
                                                 "fi: ", "en: ", "- ", "  ", "name:", "~", "!!str", "%YAML 1.1"]
yaml_like = st.one_of(st.text(max_size=200), st.lists(st.sampled_from(TOKENS), max_size=80).map("".join))


def assert_clean(problems, file: str) -> None:
    assert problems
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.file == file and isinstance(problem.line, int) and problem.line >= 0
        assert isinstance(problem.message, str) and problem.message
        assert str(problem).startswith(file)


EVENT_HANDLER = re.compile(r"<[a-zA-Z][^<>]*\son[a-z]+\s*=", re.IGNORECASE)


def load_and_render(registers: Path, text: str) -> str:
    (registers / "members.yml").write_text(text, encoding="utf-8")
    try:
        catalogue = load_catalogue(registers, LANGUAGES)
    except ProblemsFound as found:
        files = {p.file for p in found.problems}
        assert files <= {"registers/members.yml"}, files
        assert_clean(found.problems, "registers/members.yml")
        return "problems"
    project = Project(catalogue, LOCALES)
    for page in plan_pages(project).values():
        markdown = page_markdown(page, project)
        assert isinstance(markdown, str) and markdown
        assert "<script" not in markdown.lower() and not EVENT_HANDLER.search(markdown)
        assert html_text(markdown) == parser_text(markdown)  # what the changes pages compare
    return "loaded and rendered"


def registers_folder(root: str) -> Path:
    registers = Path(root) / "registers"
    registers.mkdir()
    shutil.copy(FIXTURES / "minimal" / "_organisation.yml", registers)
    return registers


@SETTINGS
@given(st.one_of(mutated_registers(), retexted_registers()))
def test_mutated_registers_load_cleanly_or_give_clean_problems(text):
    with tempfile.TemporaryDirectory() as root:
        event(load_and_render(registers_folder(root), text))


@SETTINGS
@given(yaml_like)
def test_random_yaml_parses_or_gives_clean_problems(text):
    try:
        document, problems = parse(text, "registers/x.yml")
    except RecursionError:  # pragma: no cover - reported as a failure below
        raise AssertionError("RecursionError")
    if document is None:
        assert_clean(problems, "registers/x.yml")
    else:
        assert all(p.line >= 0 for p in problems)


@settings(SETTINGS, max_examples=100)
@given(st.one_of(st.binary(max_size=300), yaml_like.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_random_bytes_are_read_or_give_clean_problems(raw):
    text, problems = decode(raw, "registers/x.yml")
    if text is None:
        assert_clean(problems, "registers/x.yml")
        return
    with tempfile.TemporaryDirectory() as root:
        registers = registers_folder(root)
        (registers / "members.yml").write_bytes(raw)
        try:
            load_catalogue(registers, LANGUAGES)
        except ProblemsFound as found:
            assert_clean(found.problems, "registers/members.yml")


def test_the_unmutated_register_loads_and_renders():
    # The property above would pass vacuously if nothing ever loaded.
    with tempfile.TemporaryDirectory() as root:
        assert load_and_render(registers_folder(root), yaml.safe_dump(BASE, allow_unicode=True)) == "loaded and rendered"
