"""Authoring without a programmer at hand: YAML mistakes in plain words on the
right line, `python -m hooks new`, "still to be written" placeholders, GitHub
annotations from the check, and the summary after a good build and check."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, git_commit_all, make_project
from hooks.github_format import annotation
from hooks.languages import Languages
from hooks.placeholders import is_placeholder
from hooks.problems import Problem, ProblemsFound
from hooks.registers import load_catalogue

LANGUAGES = Languages("fi", ("fi", "en"), ("fi", "en", "sv"))
MEMBERS = (FIXTURES / "minimal" / "members.yml").read_text(encoding="utf-8")
# PyYAML's own phrases: never on the first line of a message, always on its second.
PYYAML_WORDS = ("mapping values are not allowed", "did not find expected", "found a tab character",
                "while scanning", "while parsing", "cannot start any token", "could not find expected",
                "found undefined alias", "found unexpected end of stream")

# mistake -> (line of members.yml as written, the line with the mistake, line reported, words of the advice)
MISTAKES = {
    "tab before a key": ("  requirement: contractual", "\trequirement: contractual", 10, "indented with a tab"),
    "tab in a nested item": ("  manual: none", "\tmanual: none", 29, "spaces only"),
    "unquoted ': ' in a text": ("  consequences: {fi: Jäseneksi ei voi liittyä., en: You cannot become a member.}",
                                "  consequences: Huom: jäseneksi ei voi liittyä.", 11, "must be in quotes"),
    "list item indented too little": ("      - {fi: Sähköpostiosoite, en: Email address}",
                                      "     - {fi: Sähköpostiosoite, en: Email address}", 19,
                                      "indented less than the item on line 18"),
    "list item indented too much": ("      - {fi: Sähköpostiosoite, en: Email address}",
                                    "        - {fi: Sähköpostiosoite, en: Email address}", 19,
                                    "indented more than the item on line 18"),
    "top-level list item indented too little": ("  - {fi: Yhdistyksen jäsenet, en: Members of the association}\n"
                                                "data_categories:\n  - {fi: Nimi, en: Name}",
                                                "  - {fi: Yhdistyksen jäsenet, en: Members of the association}\n"
                                                "data_categories:\n - {fi: Nimi, en: Name}", 15,
                                                "indented less than the item on line 16"),
    "no space after a colon": ("  requirement: contractual", "  requirement:contractual", 10,
                               "must be followed by a space"),
    "second language not lined up": ("  - {fi: Jäsenyyden hoitaminen, en: Managing membership}",
                                     "  - fi: Jäsenyyden hoitaminen\n   en: Managing membership", 5,
                                     "must line up exactly under `fi:` on line 4"),
    "second language indented too far": ("  - {fi: Jäsenyyden hoitaminen, en: Managing membership}",
                                         "  - fi: Jäsenyyden hoitaminen\n       en: Managing membership", 5,
                                         "indented more than `fi:` on line 4"),
    "field indented less than the one above": ("  consequences: {fi:", " consequences: {fi:", 11, "not lined up"),
    "unclosed double quote": ("    law: {fi: Yhdistyslaki (503/1989), en: Associations Act (503/1989)}",
                              '    law: "Yhdistyslaki (503/1989)', 8, "never closed"),
    "unclosed short form": ("  - {fi: Yhdistyksen jäsenet, en: Members of the association}",
                            "  - {fi: Yhdistyksen jäsenet, en: Members of the association", 13, "must end with `}`"),
    "comma in the short form": ("  - {fi: Jäsenyyden hoitaminen, en: Managing membership}",
                                "  - {fi: Jäsenyys, hoitaminen, en: Membership: managing}", 4, "use the long form"),
    "unclosed list in brackets": ("data_subjects:", "data_subjects: [", 12, "not closed with `]`"),
    "text starting with *": ("  - source: data-subject", "  - source: *Yhdistys* itse", 22,
                             "starts with `*` must be in quotes"),
    "text after a closing quote": ("    law: {fi: Yhdistyslaki (503/1989), en: Associations Act (503/1989)}",
                                   '    law: "Yhdistyslaki" (503/1989)', 8, "put the whole text in quotes"),
    "dash without a space": ("  - basis: b", "  -basis: b", 6, "a dash and a space"),
    "field shifted left by one space": ("  requirement: contractual", " requirement: contractual", 10,
                                        "indented less than the line below it"),
    "list item shifted right by one space": ("  - date: 2024-06-01", "   - date: 2024-06-01", 34,
                                             "indented more than the line below it"),
    "first field indented": ("name: {fi: Jäsenrekisteri", " name: {fi: Jäsenrekisteri", 2,
                             "the first field of the file is indented"),
}


def syntax_problems(tmp_path: Path, text: str) -> list[str]:
    registers = tmp_path / "registers"
    registers.mkdir()
    shutil.copy(FIXTURES / "minimal" / "_organisation.yml", registers)
    (registers / "members.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        load_catalogue(registers, LANGUAGES)
    return [str(p) for p in raised.value.problems]


def assert_plain(problems: list[str], line: int, words: str) -> None:
    prefix = f"registers/members.yml:{line}: YAML syntax error: "
    assert len(problems) == 1, problems
    first, *rest = problems[0].split("\n")
    assert first.startswith(prefix), problems[0]
    assert words in first, problems[0]
    assert not any(phrase in first for phrase in PYYAML_WORDS), first
    assert len(rest) == 1 and "YAML's own words" in rest[0], problems[0]
    assert any(phrase in rest[0] for phrase in PYYAML_WORDS), rest[0]


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_yaml_mistake_is_named_on_the_line_to_fix(tmp_path, mistake):
    old, new, line, words = MISTAKES[mistake]
    assert old in MEMBERS
    assert_plain(syntax_problems(tmp_path, MEMBERS.replace(old, new, 1)), line, words)


@pytest.mark.parametrize("mistake", ["tab before a key", "unquoted ': ' in a text", "list item indented too little"])
def test_acceptance_check_command_names_line_and_remedy(tmp_path, mistake):
    old, new, line, words = MISTAKES[mistake]
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    site.write_register("members.yml", MEMBERS.replace(old, new, 1))
    result = site.check()
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    first = next(l for l in lines if l.startswith("registers/members.yml:"))
    assert first.startswith(f"registers/members.yml:{line}: YAML syntax error: "), result.stderr
    assert words in first and not any(phrase in first for phrase in PYYAML_WORDS), first
    assert any(phrase in lines[lines.index(first) + 1] for phrase in PYYAML_WORDS), result.stderr


# ---- python -m hooks new ----------------------------------------------------------------------

REQUIRED = ["name", "purposes", "legal_bases", "provision", "data_subjects", "data_categories",
            "special_categories", "sources", "disclosures", "processors", "transfers", "retention", "security",
            "automated_decisions", "created", "versions"]
# A placeholder's key -> what an author writes there.
FILLED = {"basis": "b", "requirement": "voluntary", "source": "data-subject", "created": "2026-01-15",
          "date": "2026-01-15", "special_categories": "none", "disclosures": "none", "processors": "none",
          "transfers": "none", "manual": "none", "automated_decisions": "none"}


def run_new(site, register_id: str) -> subprocess.CompletedProcess:
    return site.run("-m", "hooks", "new", register_id)


def fill_placeholders(text: str) -> str:
    def filled(match):
        indent, dash, key = match.group(1), match.group(2) or "", match.group(3)
        value = FILLED.get(key, f"Handling feedback, language {key}.")  # otherwise a text in language `key`
        return f"{indent}{dash}{key}: {value}"
    return re.sub(r'^( *)(- )?([a-z_]+): "TODO:[^"]*"$', filled, text, flags=re.M)


def test_acceptance_new_register_fails_only_on_placeholders_until_filled(project):
    created = run_new(project, "feedback")
    assert created.returncode == 0, created.stderr
    path = project.registers / "feedback.yml"
    text = path.read_text(encoding="utf-8")

    checked = project.check()
    assert checked.returncode == 1
    problems = checked.stderr.strip().splitlines()[1:]  # after the heading
    assert problems and all(p.startswith("registers/feedback.yml:") for p in problems), checked.stderr
    assert all("still to be written" in p for p in problems), checked.stderr
    fields = {re.match(r"registers/feedback\.yml:\d+: ([^:]+):", p).group(1).split(".")[0].split("[")[0]
              for p in problems}
    assert fields == set(REQUIRED)
    for language in ("fi", "en"):
        line = text.splitlines().index(f'  {language}: "TODO: the name of the register ({language})"') + 1
        assert (f"registers/feedback.yml:{line}: name.{language}: still to be written: "
                f"replace the TODO placeholder with the name of the register ({language})") in problems
    assert text.count(': "TODO:') == len(problems)

    path.write_text(fill_placeholders(text), encoding="utf-8")
    assert '"TODO' not in path.read_text(encoding="utf-8")
    passed = project.check()
    assert passed.returncode == 0, passed.stderr
    built = project.build()
    assert built.returncode == 0, built.stderr
    page = project.html("en/notices/feedback/index.html").get_text()
    assert "Handling feedback, language en." in page


def test_new_register_has_a_comment_per_field_naming_the_gdpr_item(project):
    assert run_new(project, "feedback").returncode == 0
    lines = (project.registers / "feedback.yml").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../hooks/schema/register.schema.json"
    for field in REQUIRED:
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{field}:"))
        assert lines[at - 1].startswith("#"), f"no comment above {field}"
    for article in ("Art. 13(1)(c)", "Art. 13(2)(e)", "14(2)(f)", "Art. 13(1)(f)", "Art. 13(2)(a)", "13(2)(f)"):
        assert article in "\n".join(lines)


def test_new_register_has_placeholders_in_every_built_language(tmp_path):
    from conftest import swedish_project
    site = swedish_project(tmp_path / "p")
    assert run_new(site, "feedback").returncode == 0
    text = (site.registers / "feedback.yml").read_text(encoding="utf-8")
    for language in ("fi", "en", "sv"):
        assert re.search(rf'^  {language}: "TODO: the name of the register \({language}\)"$', text, re.M), text


@pytest.mark.parametrize("bad_id", ["Feedback", "feed_back", "../feedback", "feedback\n", "feedback-", "feed--back", ""])
def test_new_refuses_an_invalid_id(project, bad_id):
    before = sorted(p.name for p in project.registers.iterdir())
    result = run_new(project, bad_id)
    assert result.returncode != 0
    assert "cannot be a register id" in result.stderr
    assert sorted(p.name for p in project.registers.iterdir()) == before


def test_new_never_overwrites(project):
    path = project.registers / "customers.yml"
    before = path.read_bytes()
    result = run_new(project, "customers")
    assert result.returncode == 1
    assert "already exists" in result.stderr
    assert path.read_bytes() == before


def test_placeholder_is_an_uppercase_todo_word_only():
    assert is_placeholder("TODO: a purpose") and is_placeholder("TODO") and is_placeholder("  TODO write")
    assert not is_placeholder("Todistukset ja tutkinnot")  # Finnish: certificates and degrees
    assert not is_placeholder("TODOS los datos") and not is_placeholder("Write TODO later") and not is_placeholder(3)


def test_placeholder_in_an_otherwise_valid_register_is_still_to_be_written(tmp_path):
    text = MEMBERS.replace("requirement: contractual", 'requirement: "TODO: statutory or contractual"')
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    site.write_register("members.yml", text)
    for result in (site.check(), site.build()):
        assert result.returncode == 1
        assert ("registers/members.yml:10: provision.requirement: still to be written: "
                "replace the TODO placeholder with statutory or contractual") in result.stderr
        assert "is not allowed here" not in result.stderr


# ---- check --format github -----------------------------------------------------------------------

def test_annotation_format_and_escaping():
    problem = Problem("registers/a,b:c.yml", 7, "purposes[1].fi", "50% done\nsecond line\r")
    assert annotation(problem) == ("::error file=registers/a%2Cb%3Ac.yml,line=7,title=purposes[1].fi"
                                   "::50%25 done%0Asecond line%0D")
    assert annotation(Problem("registers/x.yml", 0, "", "only YAML files")) == \
        "::error file=registers/x.yml,title=register file::only YAML files"


def test_check_prints_github_annotations(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    site.write_register("members.yml", MEMBERS.replace("  - basis: b", "  - basis: x").replace(
        "  manual: none", "\tmanual: none"))
    site.write_register("other.yml", MEMBERS.replace("  - basis: b", "  - basis: x"))
    result = site.run("-m", "hooks", "check", "--format", "github")
    assert result.returncode == 1
    annotations = result.stdout.splitlines()
    assert annotations == [
        "::error file=registers/members.yml,line=29,title=register file::YAML syntax error: this line is indented "
        "with a tab; indent with spaces only (two spaces per level), never tabs%0A    (YAML's own words: while "
        "scanning for the next token (line 29); found character that cannot start any token (line 29, column 1))",
        "::error file=registers/other.yml,line=6,title=legal_bases[1].basis::'x' is not allowed here; expected the "
        "letter of GDPR Art. 6(1): a consent, b contract, c legal obligation, d vital interests, e public task, "
        "f legitimate interests",
    ]
    assert "registers/other.yml:6: legal_bases[1].basis:" in result.stderr  # the plain report for the log


# ---- the summary -----------------------------------------------------------------------------

def test_summary_after_check_and_build_without_git(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    shutil.rmtree(site.root / ".git")  # make_project commits the copy; this one has no history
    checked = site.check()
    assert checked.returncode == 0
    assert checked.stdout.splitlines()[1:] == ["1 notice in 2 languages (fi, en)."]
    assert "version entry" not in checked.stdout  # no git: nothing said about changes
    git_commit_all(site.root, "now with history")  # the build itself needs git for the notices' history
    built = site.build()
    assert built.returncode == 0, built.stderr
    assert "INFO    -  1 notice in 2 languages (fi, en)." in built.stderr
    assert built.stderr.count("notice in 2 languages") == 1  # once, after the last language


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test Author", "-c", "user.email=author@example.org", *args],
                   cwd=root, check=True, capture_output=True)


def test_summary_names_registers_changed_after_their_newest_version(project):
    git(project.root, "init", "-q")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "--allow-empty", "-m", "first")
    assert project.check().stdout.splitlines()[1:] == [
        "4 notices in 2 languages (fi, en).", "No register changed after its newest version entry."]

    newsletter = project.registers / "newsletter.yml"
    text = newsletter.read_text(encoding="utf-8")
    newsletter.write_text(text.replace("en: Subscribers to our newsletter", "en: People who subscribe"),
                          encoding="utf-8")
    (project.registers / "customers.yml").write_text(
        (project.registers / "customers.yml").read_text(encoding="utf-8") + "\n# a comment only\n", encoding="utf-8")
    git(project.root, "commit", "-qam", "wording")
    lines = project.check().stdout.splitlines()
    newest = yaml.safe_load(text)["versions"][0]["date"]
    assert lines[2].startswith("Changed after the newest version entry: registers/newsletter.yml (newest entry "
                               f"{newest})."), lines
    assert "customers" not in lines[2]  # a comment is not a change of the notice

    newsletter.write_text(newsletter.read_text(encoding="utf-8").replace(
        "versions:\n", "versions:\n  - date: 2026-11-30\n    summary: {fi: Sanamuoto., en: Wording.}\n", 1),
        encoding="utf-8")
    assert project.check().stdout.splitlines()[2] == "No register changed after its newest version entry."


def test_summary_looks_back_no_further_than_a_deletion_of_the_register(project):
    """A register file deleted and written anew is another register: what it said
    before the deletion is not where its present versions list was written."""
    git(project.root, "init", "-q")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "--allow-empty", "-m", "first")
    newsletter = project.registers / "newsletter.yml"
    text = newsletter.read_text(encoding="utf-8")
    git(project.root, "rm", "-q", str(newsletter))
    git(project.root, "commit", "-q", "-m", "newsletter ended")
    newsletter.write_text(text.replace("en: Subscribers to our newsletter", "en: People who subscribe"),
                          encoding="utf-8")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "-m", "a new newsletter, with the old file's versions list")
    assert project.check().stdout.splitlines()[2] == "No register changed after its newest version entry."
    newsletter.write_text(text, encoding="utf-8")  # changed since: the data of before the deletion
    git(project.root, "commit", "-qam", "wording")
    assert project.check().stdout.splitlines()[2].startswith(
        "Changed after the newest version entry: registers/newsletter.yml")


def test_summary_counts_texts_awaiting_translation_once_known(monkeypatch):
    from hooks import summary
    from hooks.project import load_project
    project = load_project(FIXTURES.parent.parent, Languages("fi", ("fi", "en"), ("fi", "en")))
    assert not any("translation" in line for line in summary.summary_lines(project))
    monkeypatch.setattr(summary, "texts_awaiting_translation", lambda project: 3)
    assert summary.summary_lines(project)[-1] == "3 texts await translation."


def test_any_broken_yaml_gets_an_authors_message_on_a_line_of_the_file():
    """Random damage of the kind authors cause (a tab, a colon, a quote, a bracket,
    a shifted line): never a crash, always a line of the file and no PyYAML
    wording on the first line."""
    import random

    from hooks.yaml_source import parse
    rng = random.Random(15)
    lines = MEMBERS.split("\n")
    damage = ["\t", ": ", "'", '"', "{", "[", "- ", "*", "@", "`", " ", ":", "#", "|"]
    seen = 0
    for _ in range(400):
        broken = list(lines)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(broken))
            line = broken[at]
            if rng.random() < 0.3:
                broken[at] = line[1:] if line.startswith(" ") else " " + line  # shifted by one space
            else:
                column = rng.randint(0, len(line))
                broken[at] = line[:column] + rng.choice(damage) + line[column:]
        text = "\n".join(broken)
        document, problems = parse(text, "registers/members.yml")
        for problem in problems:
            if problem.message.startswith("YAML syntax error"):
                seen += 1
                first = str(problem).split("\n")[0]
                assert 1 <= problem.line <= len(broken), (text, str(problem))
                assert not any(phrase in first for phrase in PYYAML_WORDS), (text, first)
    assert seen > 100  # the damage did break the YAML often enough to mean something
