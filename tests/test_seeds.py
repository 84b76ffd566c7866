"""The two real notices in ../shared/seeds, encoded as fixture registers with a
fictional organisation and people (tests/fixtures/seeds/): every section of
each original has a counterpart in the generated Finnish page, and the page
also covers GDPR items the originals leave out."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import yaml

from ci_env import in_ci
from conftest import FIXTURES, REPO, make_project
from hooks.notice_markdown import SECTION_ORDER
from hooks.rules import business_id_valid

SECTION_IDS = [s.replace("_", "-") for s in SECTION_ORDER]
# The register's name is the page title (h1), not a section of its own.
TITLE = "title"
LOCALES = {code: yaml.safe_load((REPO / "hooks" / "locales" / f"{code}.yml").read_text(encoding="utf-8"))
           for code in ("fi", "en")}


# --- the seed notices -------------------------------------------------------

def seeds_folder() -> Path | None:
    """SEEDS_DIR if set; else ../shared/seeds beside the clone (as in CI)."""
    if os.environ.get("SEEDS_DIR"):
        return Path(os.environ["SEEDS_DIR"])
    candidate = REPO.parent / "shared" / "seeds"
    return candidate if candidate.is_dir() else None


def seed_text(name: str) -> str:
    folder = seeds_folder()
    if folder is None or not (folder / name).is_file():
        reason = (f"seed notice {name} not found in {folder or REPO.parent / 'shared' / 'seeds'}; "
                  "set SEEDS_DIR to the folder of the seed notices")
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    return (folder / name).read_text(encoding="utf-8")


def caps_headings(text: str) -> list[str]:
    """Headings of the old register description: lines in capitals."""
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and line == line.upper() and re.search(r"[A-ZÅÄÖ]{3}", line)]


def numbered_headings(text: str) -> list[str]:
    """Headings of the GDPR-era notice: lines after a list number (" 1. ")."""
    return [m.group(1).strip() for m in re.finditer(r"^[ \t]*\d+\.[ \t]+(\S.*)$", text, re.M)]


@dataclass(frozen=True)
class Seed:
    file: str
    headings: Callable[[str], list[str]]
    # Every section heading of the original, in its order -> the sections of our page.
    table: dict[str, tuple[str, ...]]
    # GDPR items the original leaves out: (our section, a pattern the original
    # does not contain, further locale texts the section must show).
    missing: tuple[tuple[str, str, tuple[tuple[str, ...], ...]], ...]


# Left out of both originals (neither is written under the GDPR's Art. 13/14 list).
MISSING_IN_BOTH = (
    ("complaint", r"tietosuojavaltuut", ()),                 # the authority and its contact details
    ("legal-bases", r"artikla", ()),                         # the legal basis of Art. 6(1)
    ("data-protection-officer", r"tietosuojavastaa", ()),
    ("special-categories", r"erityis|arkaluonte", ()),
    ("automated-decisions", r"automaatti|profiloin", ()),
    ("provision", r"pakollis|vapaaehtois", ()),              # whether giving the data is required
)

SEEDS = {
    "hosting": Seed(
        file="000_c6f2d12c556c56e6.txt",
        headings=caps_headings,
        table={
            "REKISTERINPITÄJÄ": ("controller",),
            "REKISTERIASIOITA HOITAVA HENKILÖ": ("contacts",),
            "REKISTERIN NIMI": (TITLE,),
            "REKISTERIN PITÄMISEN PERUSTE": ("legal-bases", "data-subjects"),
            "REKISTERIN KÄYTTÖTARKOITUS": ("purposes",),
            "REKISTERIN SISÄLTÄMÄT TIEDOT": ("data-categories", "provision"),
            "REKISTERIN SISÄLTÄMIEN TIETOJEN KÄYTTÖ": ("purposes", "recipients", "rights"),
            "PÄÄSY TIETOIHIN JA TIETOJEN LUOVUTUS": ("recipients", "security", "transfers"),
            "TIETOJEN SÄILYTTÄMINEN": ("retention",),
            "TIETOJEN OIKAISU": ("rights",),
        },
        missing=MISSING_IN_BOTH + (
            ("sources", r"mistä|lähde|lähtee|saadaan|saamme", ()),
            ("versions", r"päivitetty|\d{1,2}\.\d{1,2}\.\d{4}", ()),
            # It names only rectification.
            ("rights", r"tarkast|poista", (("rights", "access", "title"), ("rights", "erasure", "title"),
                                           ("rights", "restriction", "title"))),
        ),
    ),
    "sole-trader": Seed(
        file="002_e060444a48573f97.txt",
        headings=numbered_headings,
        table={
            "Rekisterin ylläpitäjä": ("controller",),
            "Rekisteriasioiden yhteystieto": ("contacts",),
            "Rekisterin nimi": (TITLE,),
            "Henkilötietojen käsittelyn oikeusperuste ja tarkoitus": ("legal-bases", "purposes"),
            "Mitä tietoja käsittelemme?": ("data-categories", "data-subjects", "retention"),
            "Mistä saamme tietoja?": ("sources",),
            "Kenelle luovutamme ja siirrämme tietoja": ("recipients", "transfers"),
            "Miten suojaamme tiedot ja miten pitkään niitä säilytämme?": ("security", "retention"),
            "Mitkä ovat sinun oikeutesi rekisteröitynä?": ("rights", "complaint"),
            "Kehen voit olla yhteydessä?": ("contacts", "rights"),
            "Rekisteriselostetta koskevat muutokset": ("versions",),
        },
        missing=MISSING_IN_BOTH + (
            # It mentions a complaint, but not portability.
            ("rights", r"siirrettäv|järjestelmästä toiseen", (("rights", "portability", "title"),)),
        ),
    ),
}


# --- what the fixture says a section must show --------------------------------

def fixture_data(folder: Path) -> dict:
    """The register merged with _organisation.yml, as an author reads the README:
    a register's controller and rights override item by item, the rest whole."""
    organisation = yaml.safe_load((folder / "_organisation.yml").read_text(encoding="utf-8"))
    registers = [p for p in folder.glob("*.yml") if not p.name.startswith("_")]
    assert len(registers) == 1, registers
    data = yaml.safe_load(registers[0].read_text(encoding="utf-8"))
    for key in ("controller", "rights"):
        if key in organisation or key in data:
            data[key] = {**organisation.get(key, {}), **data.get(key, {})}
    for key in ("data_protection_officer", "contacts", "supervisory_authority"):
        if key not in data and key in organisation:
            data[key] = organisation[key]
    return data


# Our section -> the register keys it is made from.
SECTION_KEYS = {section.replace("_", "-"): (section,) for section in SECTION_ORDER}
SECTION_KEYS.update({TITLE: ("name",), "recipients": ("disclosures", "processors"),
                     "complaint": ("supervisory_authority",), "versions": ("versions", "announcing_changes")})


def texts(value, lang: str, t: dict, key: str) -> list[str]:
    """The texts a reader must find for a value of the register: the author's
    own text in `lang`, or the locale's wording for a code or `none`."""
    if isinstance(value, bool) or not isinstance(value, (str, list, dict)):
        return []  # dates, flags
    if isinstance(value, str):
        if value == "none":
            return [t["none"][key]]
        if value == "data-subject" and key == "source":
            return [t["labels"]["data_subject_source"]]
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in texts(item, lang, t, key)]
    if lang in value:
        return [value[lang]]
    coded = {"basis": lambda v: [t["legal_bases"][v]["title"], t["legal_bases"][v]["text"]],
             "requirement": lambda v: [t["provision"][v]],
             "safeguard": lambda v: [t["safeguards"][v]],
             "category": lambda v: [t["special_categories"][v]],
             "condition": lambda v: [t["art9_conditions"][v]],
             # shown in a section of its own (Art. 21(4)), not among the rights
             "direct_marketing": lambda v: []}
    found = []
    for k, v in value.items():
        found += coded[k](v) if k in coded else texts(v, lang, t, k)
    return found


def expected_texts(data: dict, section: str, lang: str) -> list[str]:
    t = LOCALES[lang]
    found = []
    for key in SECTION_KEYS[section]:
        if key in data:
            found += texts(data[key], lang, t, key)
    if section == "complaint" and "supervisory_authority" not in data:
        found += [t["complaint"]["text"], *texts(t["complaint"]["authority"], lang, t, "authority")]
    return found


def plain_lines(text: str) -> list[str]:
    """Author Markdown as the reader sees it, one line (paragraph, list item,
    address line) at a time, white space collapsed."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("**", "").replace("*", "")
    lines = (re.sub(r"^\s*-\s+", "", line) for line in text.split("\n"))
    return [" ".join(line.split()) for line in lines if line.strip()]


def section_bodies(soup) -> dict[str, str]:
    """Section id -> the text of its body, white space collapsed."""
    found = {}
    for heading in soup.select("article h2[id]"):
        body = heading.find_next_sibling()
        assert body is not None and "notice-section" in body.get("class", []), heading
        found[heading["id"]] = " ".join(body.get_text().split())
    return found


# --- tests --------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_sites(tmp_path_factory):
    """Each seed fixture built once into a real site: seed -> (site, merged data)."""
    sites = {}
    for name in SEEDS:
        site = make_project(tmp_path_factory.mktemp(name) / "site-project", registers=FIXTURES / "seeds" / name)
        result = site.build()
        assert result.returncode == 0, result.stderr
        sites[name] = (site, fixture_data(FIXTURES / "seeds" / name))
    return sites


@pytest.mark.parametrize("name", list(SEEDS))
def test_heading_table_is_exactly_the_headings_of_the_original(name):
    seed = SEEDS[name]
    text = seed_text(seed.file)
    for heading in seed.table:
        # a line of its own, after a list number or not
        assert re.search(rf"^[ \t]*(?:\d+\.[ \t]+)?{re.escape(heading)}[ \t]*$", text, re.M), \
            f"{heading!r} is not a line of {seed.file}"
    assert seed.headings(text) == list(seed.table)
    for sections in seed.table.values():
        assert sections and set(sections) <= set(SECTION_IDS) | {TITLE}, sections


@pytest.mark.parametrize("name", list(SEEDS))
def test_every_section_of_the_original_has_its_counterpart(seed_sites, name):
    site, data = seed_sites[name]
    register_id = next(p.stem for p in site.registers.glob("*.yml") if not p.name.startswith("_"))
    for prefix, lang in (("", "fi"), ("en/", "en")):
        soup = site.html(f"{prefix}notices/{register_id}/index.html")
        assert soup.html["lang"] == lang
        sections = section_bodies(soup)
        sections[TITLE] = " ".join(soup.select_one("article h1").get_text().split())
        for heading, ours in SEEDS[name].table.items():
            for section in ours:
                assert sections.get(section), f"{heading} -> {section}: missing or empty in the {lang} page"
                wanted = [line for text in expected_texts(data, section, lang) for line in plain_lines(text)]
                assert wanted, f"{heading} -> {section}: the fixture gives nothing for this section"
                for line in wanted:
                    assert line in sections[section], f"{heading} -> {section} ({lang}): {line!r} not shown"


@pytest.mark.parametrize("name", list(SEEDS))
def test_page_covers_gdpr_items_the_original_leaves_out(seed_sites, name):
    seed = SEEDS[name]
    text = seed_text(seed.file)
    site, data = seed_sites[name]
    register_id = next(p.stem for p in site.registers.glob("*.yml") if not p.name.startswith("_"))
    sections = section_bodies(site.html(f"notices/{register_id}/index.html"))
    for section, absent, extra in seed.missing:
        assert not re.search(absent, text, re.I), f"{seed.file} does say something about {section} ({absent})"
        wanted = expected_texts(data, section, "fi") + [_lookup(LOCALES["fi"], path) for path in extra]
        for line in (line for text_ in wanted for line in plain_lines(text_)):
            assert line in sections[section], f"{section}: {line!r} not shown"
    # Every section of our page answers a section of the original or an item it leaves out.
    covered = {s for sections_ in seed.table.values() for s in sections_} | {m[0] for m in seed.missing}
    assert covered - {TITLE} == set(SECTION_IDS)


def _lookup(tree: dict, path: tuple[str, ...]) -> str:
    for key in path:
        tree = tree[key]
    return tree


def seed_sections(text: str, headings: list[str]) -> dict[str, str]:
    """Heading of the original -> the text under it."""
    starts = [re.search(rf"^.*{re.escape(h)}[ \t]*$", text, re.M) for h in headings]
    ends = [m.start() for m in starts[1:]] + [len(text)]
    return {h: text[m.end():end] for h, m, end in zip(headings, starts, ends)}


@pytest.mark.parametrize("name", list(SEEDS))
def test_fixture_identifies_nobody_from_the_original(name):
    """The fixture keeps the original's structure, not its people or contact details."""
    seed = SEEDS[name]
    text = seed_text(seed.file)
    fixture = "\n".join(p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "seeds" / name).glob("*.yml")))
    controller, contact = list(seed_sections(text, seed.headings(text)).values())[:2]
    identifying = (re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text) + re.findall(r"\d{7}-\d", text)
                   + re.findall(r"\b0\d{2} ?\d{3,4} ?\d{3,4}\b", text)
                   + [controller.split()[0]]                                     # the organisation
                   + re.findall(r"^([A-ZÅÄÖ][a-zåäö]+) \d", controller, re.M)    # its street
                   + re.findall(r"[A-ZÅÄÖ][a-zåäö]+ [A-ZÅÄÖ][a-zåäö]+", contact))  # the contact person
    assert len(identifying) >= 5, identifying
    for token in identifying:
        assert token.lower() not in fixture.lower(), f"{token!r} from {seed.file} appears in the fixture"
    for email in re.findall(r"[\w.+-]+@[\w.-]+\w", fixture):
        assert email.endswith(".example"), email
    for phone in re.findall(r"\+\d[\d ]{6,}\d", fixture):
        assert re.fullmatch(r"\+358 40 000 0\d{3}", phone), phone
    for business_id in re.findall(r"\b\d{7}-\d\b", fixture):
        assert business_id_valid(business_id), business_id
