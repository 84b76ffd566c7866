"""Every check on register data, shown with a broken fixture and the message it
gives. Each fixture in tests/fixtures/broken/ marks the line the problem must
be reported on with `# expect: <field> | <words>|<words>`."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from hooks.languages import Languages
from hooks.problems import ProblemsFound
from hooks.registers import load_catalogue

BROKEN = sorted((FIXTURES / "broken").glob("*.yml"))
LANGUAGES = Languages("fi", ("fi", "en"), ("fi", "en", "sv"))


def expectation(path: Path) -> tuple[int, str, list[str]]:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        found = re.search(r"# expect: (.*?) \| (.*)$", line)
        if found:
            return number, found.group(1).strip(), found.group(2).split("|")
    raise AssertionError(f"{path.name} has no '# expect:' marker")


def problems_for(tmp_path: Path, *files: Path) -> list[str]:
    registers = tmp_path / "registers"
    registers.mkdir()
    shutil.copy(FIXTURES / "minimal" / "_organisation.yml", registers)
    for file in files:
        shutil.copy(file, registers)
    with pytest.raises(ProblemsFound) as raised:
        load_catalogue(registers, LANGUAGES)
    return [str(p) for p in raised.value.problems]


@pytest.mark.parametrize("fixture", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_register_reports_file_line_field_and_message(tmp_path, fixture):
    line, field, words = expectation(fixture)
    problems = problems_for(tmp_path, fixture)
    prefix = f"registers/{fixture.name}:{line}: " + (f"{field}: " if field else "")
    matching = [p for p in problems if p.startswith(prefix)]
    assert matching, f"no problem starts with {prefix!r}; got:\n" + "\n".join(problems)
    for word in words:
        assert any(word in p for p in matching), f"{word!r} not in {matching}"


def test_valid_fixture_has_no_problems():
    catalogue = load_catalogue(FIXTURES / "minimal", LANGUAGES)
    assert [r.id for r in catalogue.registers] == ["members"]


def test_all_problems_come_at_once_in_file_and_line_order(tmp_path):
    problems = problems_for(tmp_path, FIXTURES / "broken" / "yes-no.yml", FIXTURES / "broken" / "duplicate-key.yml",
                            FIXTURES / "broken" / "unknown-basis.yml")
    files = [p.split(":")[0] for p in problems]
    assert {"registers/yes-no.yml", "registers/duplicate-key.yml", "registers/unknown-basis.yml"} <= set(files)
    keys = [(p.split(":")[0], int(p.split(":")[1])) for p in problems]
    assert keys == sorted(keys)


def test_file_name_that_is_not_an_id(tmp_path):
    registers = tmp_path / "registers"
    shutil.copytree(FIXTURES / "minimal", registers)
    shutil.copy(FIXTURES / "minimal" / "members.yml", registers / "Bad Name.yml")
    with pytest.raises(ProblemsFound) as raised:
        load_catalogue(registers, LANGUAGES)
    (problem,) = [str(p) for p in raised.value.problems]
    assert problem.startswith("registers/Bad Name.yml: ")
    assert "lowercase letters" in problem


def test_two_registers_with_the_same_id(tmp_path):
    registers = tmp_path / "registers"
    registers.mkdir()
    shutil.copy(FIXTURES / "minimal" / "_organisation.yml", registers)
    shutil.copy(FIXTURES / "minimal" / "members.yml", registers / "members.yml")
    shutil.copy(FIXTURES / "minimal" / "members.yml", registers / "members.yaml")
    with pytest.raises(ProblemsFound) as raised:
        load_catalogue(registers, LANGUAGES)
    problems = [str(p) for p in raised.value.problems]
    assert len(problems) == 2
    assert all("two registers have the id 'members'" in p for p in problems)


def test_missing_text_in_a_built_language_but_not_in_an_unbuilt_one(tmp_path):
    registers = tmp_path / "registers"
    shutil.copytree(FIXTURES / "minimal", registers)
    # Swedish is configured but not built: texts may lack it ...
    load_catalogue(registers, LANGUAGES)
    # ... but once it is built, every text needs it.
    with pytest.raises(ProblemsFound) as raised:
        load_catalogue(registers, Languages("fi", ("fi", "en", "sv"), ("fi", "en", "sv")))
    problems = [str(p) for p in raised.value.problems]
    assert any(p.startswith("registers/members.yml:2: name: the text in language 'sv' is missing") for p in problems)


def test_organisation_defaults_are_required_somewhere(tmp_path):
    registers = tmp_path / "registers"
    registers.mkdir()
    shutil.copy(FIXTURES / "minimal" / "members.yml", registers)
    with pytest.raises(ProblemsFound) as raised:
        load_catalogue(registers, LANGUAGES)
    fields = {p.field for p in raised.value.problems}
    assert {"controller", "data_protection_officer", "contacts"} <= fields


def test_incomplete_controller_is_reported_where_it_is_written(tmp_path):
    registers = tmp_path / "registers"
    shutil.copytree(FIXTURES / "minimal", registers)
    organisation = registers / "_organisation.yml"
    text = organisation.read_text(encoding="utf-8")
    for line in ('  address: |\n    Koekatu 1\n    00100 Helsinki\n', "  email: tietosuoja@testiyhdistys.example\n"):
        assert line in text
        text = text.replace(line, "")
    organisation.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        load_catalogue(registers, LANGUAGES)
    (problem,) = raised.value.problems
    assert problem.file == "registers/_organisation.yml" and problem.field == "controller"
    assert ("the controller has no contact details: give at least one of `address` (postal address), `email` or "
            "`contact_form` (the address of a web form); `phone` is optional") in problem.message


def test_non_yaml_file_and_unknown_shared_file(tmp_path):
    registers = tmp_path / "registers"
    shutil.copytree(FIXTURES / "minimal", registers)
    (registers / "notes.docx").write_bytes(b"PK\x03\x04")
    (registers / "_colours.yml").write_text("a: 1\n", encoding="utf-8")
    (registers / "README.md").write_text("# Docs may live here\n", encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        load_catalogue(registers, LANGUAGES)
    problems = [str(p) for p in raised.value.problems]
    assert any(p.startswith("registers/notes.docx: only YAML files") for p in problems)
    assert any(p.startswith("registers/_colours.yml: unknown shared file") for p in problems)
    assert len(problems) == 2
