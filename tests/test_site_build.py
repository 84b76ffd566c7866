"""Real `mkdocs build --strict` runs of site projects, with the HTML read back."""
from __future__ import annotations

import re
import shutil

import pytest
import yaml

from conftest import swedish_project, FIXTURES, REPO, make_project, register_files, tree_digest
from hooks.notice_markdown import notice_sections

LOCALES = {code: yaml.safe_load((REPO / "hooks" / "locales" / f"{code}.yml").read_text(encoding="utf-8"))
           for code in ("fi", "en", "sv")}


def section_bodies(soup) -> dict:
    """Section id -> (heading text, text of the section body)."""
    found = {}
    for heading in soup.select("article h2[id]"):
        body = heading.find_next_sibling()
        assert body is not None and body.name == "div" and "notice-section" in body.get("class", []), heading
        found[heading["id"]] = (heading.get_text(" ", strip=True), body.get_text(" ", strip=True))
    return found


def test_example_site_builds_every_notice_in_both_languages(example_site):
    ids = [path.stem for path in register_files()]
    assert len(ids) >= 4
    for register_id in ids:
        data = yaml.safe_load((REPO / "registers" / f"{register_id}.yml").read_text(encoding="utf-8"))
        expected = notice_sections(data)
        for prefix, lang in (("", "fi"), ("en/", "en")):
            soup = example_site.html(f"{prefix}notices/{register_id}/index.html")
            assert soup.html["lang"] == lang
            sections = section_bodies(soup)
            assert list(sections) == [s.replace("_", "-") for s in expected]
            for number, section in enumerate(expected, start=1):
                heading, body = sections[section.replace("_", "-")]
                title = LOCALES[lang]["sections"][section]
                if section == "legal_bases" and len(data["legal_bases"]) > 1:
                    title = LOCALES[lang]["sections_plural"]["legal_bases"]
                assert heading.startswith(f"{number}. {title}")
                assert len(body) > 10, f"{register_id} {lang} {section} is empty"


def test_language_switcher_leads_to_the_same_notice(example_site):
    register_id = register_files()[0].stem
    fi = example_site.html(f"notices/{register_id}/index.html")
    en = example_site.html(f"en/notices/{register_id}/index.html")
    assert fi.select_one('a.md-select__link[hreflang="en"]')["href"] == f"../../en/notices/{register_id}/"
    assert en.select_one('a.md-select__link[hreflang="fi"]')["href"] == f"../../../notices/{register_id}/"


def test_index_lists_every_register_with_name_purposes_and_date(example_site):
    for prefix, lang in (("", "fi"), ("en/", "en")):
        soup = example_site.html(f"{prefix}notices/index.html")
        rows = soup.select("div.notice-index tbody tr")
        assert len(rows) == len(register_files())
        for row, path in zip(rows, register_files()):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            link = row.select_one("a")
            assert link.get_text(strip=True) == data["name"][lang]
            assert link["href"] == f"{path.stem}/"
            assert (example_site.site / f"{prefix}notices" / path.stem / "index.html").is_file()
            purposes = row.select("td")[1].get_text(" ", strip=True)
            first_purpose = re.sub(r"[*_\[\]]|\(http[^)]*\)", "", data["purposes"][0][lang])
            assert first_purpose.split()[0] in purposes
            assert row.select_one("time")["datetime"] == str(data["versions"][0]["date"])


def test_dates_are_formatted_for_the_page_language(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    assert site.build().returncode == 0
    fi = site.html("notices/members/index.html").select_one(".notice-dates").get_text(" ", strip=True)
    en = site.html("en/notices/members/index.html").select_one(".notice-dates").get_text(" ", strip=True)
    assert "15.1.2020" in fi and "1.6.2024" in fi
    assert "15 January 2020" in en and "1 June 2024" in en


def test_rights_follow_from_the_legal_bases(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    assert site.build().returncode == 0
    rights = section_bodies(site.html("en/notices/members/index.html"))["rights"][1]
    titles = LOCALES["en"]["rights"]
    # members.yml has bases b and c: portability (contract) but no objection or withdrawal
    assert titles["portability"]["title"] in rights
    assert titles["objection"]["title"] not in rights
    assert titles["withdraw_consent"]["title"] not in rights
    assert titles["access"]["title"] in rights


def test_items_that_do_not_apply_are_stated(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    assert site.build().returncode == 0
    sections = section_bodies(site.html("notices/members/index.html"))
    none = LOCALES["fi"]["none"]
    assert none["transfers"] in sections["transfers"][1]
    assert none["special_categories"] in sections["special-categories"][1]
    assert none["automated_decisions"] in sections["automated-decisions"][1]
    assert none["data_protection_officer"] in sections["data-protection-officer"][1]
    assert none["disclosures"] in sections["recipients"][1] and none["processors"] in sections["recipients"][1]



def test_a_third_language_is_configuration_only(tmp_path):
    site = swedish_project(tmp_path / "p")
    result = site.build()
    assert result.returncode == 0, result.stderr
    soup = site.html("sv/notices/members/index.html")
    assert soup.html["lang"] == "sv"
    sections = section_bodies(soup)
    assert sections["controller"][0].startswith("1. " + LOCALES["sv"]["sections"]["controller"])
    assert "På svenska: Membership register" in soup.select_one("h1").get_text()
    assert "15.1.2020" in soup.select_one(".notice-dates").get_text()
    assert soup.select_one('a.md-select__link[hreflang="sv"]')
    assert site.html("sv/notices/index.html").select_one("div.notice-index a")["href"] == "members/"


def test_a_built_language_without_texts_fails_the_build(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    site.set_languages([{"locale": "fi", "name": "Suomi", "default": True},
                        {"locale": "en", "name": "English"},
                        {"locale": "sv", "name": "Svenska"}])
    result = site.build()
    assert result.returncode != 0
    assert "registers/members.yml:2: name: the text in language 'sv' is missing" in result.stderr
    assert "Traceback" not in result.stderr


BREAKAGES = {
    "duplicate key": ("name: {fi: Jäsenrekisteri, en: Membership register}",
                      "name:\n  fi: Jäsenrekisteri\n  en: Membership register\n  fi: Toinen nimi", 5, "name.fi", "duplicate key"),
    "missing English": ("  - {fi: Jäsenyyden hoitaminen, en: Managing membership}", "  - {fi: Jäsenyyden hoitaminen}", 4, "purposes[1]", "language 'en' is missing"),
    "unknown legal basis": ("  - basis: b", "  - basis: x", 6, "legal_bases[1].basis", "'x' is not allowed"),
    "broken YAML": ("data_subjects:", "data_subjects: [", None, "", "YAML syntax error"),
}


@pytest.mark.parametrize("case", list(BREAKAGES))
def test_broken_register_stops_build_and_check_and_keeps_the_old_site(tmp_path, case):
    old, new, line, field, words = BREAKAGES[case]
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    assert site.build().returncode == 0
    before = tree_digest(site.site)
    register = site.registers / "members.yml"
    text = register.read_text(encoding="utf-8")
    assert old in text
    register.write_text(text.replace(old, new, 1), encoding="utf-8")

    built, checked = site.build(), site.check()
    for result in (built, checked):
        assert result.returncode != 0
        assert "Traceback" not in result.stderr
        if line is None:
            assert re.search(r"registers/members\.yml:\d+: YAML syntax error", result.stderr), result.stderr
        else:
            assert f"registers/members.yml:{line}: {field}: " in result.stderr, result.stderr
        assert words in result.stderr
    assert tree_digest(site.site) == before


def test_check_command_passes_on_the_example(project):
    result = project.check()
    assert result.returncode == 0, result.stderr
    assert f"{len(register_files())} registers checked in fi, en" in result.stdout


def test_hand_written_page_cannot_clash_with_a_generated_one(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    (site.root / "docs" / "notices").mkdir()
    (site.root / "docs" / "notices" / "members.md").write_text("# Mine\n", encoding="utf-8")
    result = site.build()
    assert result.returncode != 0
    assert "docs/notices/members.md: this hand-written file would be published at notices/members/" in result.stderr


def test_missing_registers_folder_is_reported(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    shutil.rmtree(site.registers)
    result = site.build()
    assert result.returncode != 0
    assert "registers: the registers folder does not exist" in result.stderr
