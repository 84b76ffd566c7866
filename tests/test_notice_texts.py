"""What a notice says: the rights that follow from the legal bases, the
standard sentences for `none`, contact details only as the registers give
them, and every interface string in the page's language (fi, en and a third
language, sv, added in a fixture). Expected texts are written out here,
never taken from the locale files."""
from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import FIXTURES, _add_swedish, make_project, swedish_project
from hooks.gdpr import applicable_rights

LANGUAGES = [{"locale": "fi", "name": "Suomi", "default": True}, {"locale": "en", "name": "English"},
             {"locale": "sv", "name": "Svenska"}]
PREFIX = {"fi": "", "en": "en/", "sv": "sv/"}


# ------------------------------------------------------------------ rights per legal basis

ALWAYS = ["access", "rectification", "erasure", "restriction"]
# (Art. 6(1) bases, Art. 9(2) conditions, direct marketing, automated decisions) -> rights, in order.
RIGHTS = [
    (["a"], [], False, "none", ALWAYS + ["portability", "withdraw_consent"]),
    (["b"], [], False, "none", ALWAYS + ["portability"]),
    (["c"], [], False, "none", ALWAYS),
    (["d"], [], False, "none", ALWAYS),
    (["e"], [], False, "none", ALWAYS + ["objection"]),
    (["f"], [], False, "none", ALWAYS + ["objection"]),
    (["f"], [], True, "none", ALWAYS + ["objection", "direct_marketing"]),
    (["c", "f"], [], False, "none", ALWAYS + ["objection"]),
    # Explicit consent for a special category is consent too (Arts. 7(3), 9(2)(a), 20(1)(a)).
    (["b"], ["a"], False, "none", ALWAYS + ["portability", "withdraw_consent"]),
    (["c"], ["a"], False, "none", ALWAYS + ["portability", "withdraw_consent"]),
    (["f"], ["a", "b"], False, "none", ALWAYS + ["portability", "objection", "withdraw_consent"]),
    (["c"], ["b"], False, "none", ALWAYS),
    (["b"], ["h"], False, "none", ALWAYS + ["portability"]),
    (["e"], ["g"], False, "none", ALWAYS + ["objection"]),
    (["a"], [], True, {"logic": {}, "consequences": {}},
     ALWAYS + ["portability", "direct_marketing", "withdraw_consent", "automated_decisions"]),
    # Profiling with no decision based solely on it: no Art. 22 right.
    (["f"], [], False, {"profiling": {}}, ALWAYS + ["objection"]),
]


@pytest.mark.parametrize("bases, conditions, marketing, automated, expected", RIGHTS)
def test_rights_follow_from_the_legal_bases_and_art9_conditions(bases, conditions, marketing, automated, expected):
    data = {"legal_bases": [{"basis": b} for b in bases],
            "special_categories": [{"category": "health", "condition": c} for c in conditions] or "none",
            "rights": {"direct_marketing": marketing}, "automated_decisions": automated}
    assert applicable_rights(data) == expected


# ------------------------------------------------------------------ a three-language fixture site

@pytest.fixture(scope="module")
def notices(tmp_path_factory):
    """tests/fixtures/notices (a controller with only an address and an email;
    a register whose only consent is explicit consent for health data; one
    with every optional item) built in fi, en and sv."""
    site = make_project(tmp_path_factory.mktemp("notices") / "p", registers=FIXTURES / "notices")
    cookies = yaml.safe_load((FIXTURES / "minimal" / "_cookies.yml").read_text(encoding="utf-8"))
    (site.registers / "_cookies.yml").write_text(yaml.safe_dump(_add_swedish(cookies), allow_unicode=True),
                                                 encoding="utf-8")
    site.set_languages(LANGUAGES)
    (site.root / "docs" / "index.sv.md").write_text("# Dataskydd\n", encoding="utf-8")
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site


def sections(soup) -> dict:
    return {h["id"]: " ".join(h.find_next_sibling().get_text(" ").split()) for h in soup.select("article h2[id]")}


WITHDRAWAL = {"fi": "Oikeus peruuttaa suostumus", "en": "Right to withdraw consent", "sv": "Rätt att återkalla samtycke"}


@pytest.mark.parametrize("lang", ["fi", "en", "sv"])
def test_explicit_consent_for_health_data_lists_withdrawal_of_consent(notices, lang):
    rights = sections(notices.html(f"{PREFIX[lang]}notices/health/index.html"))["rights"]
    assert WITHDRAWAL[lang] in rights
    # Its only Art. 6 basis is a contract: the withdrawal comes from Art. 9(2)(a) alone.
    events = sections(notices.html(f"{PREFIX[lang]}notices/events/index.html"))["rights"]
    assert WITHDRAWAL[lang] in events


NONE = {
    "fi": {"data-protection-officer": "Rekisterinpitäjä ei ole nimennyt tietosuojavastaavaa.",
           "recipients": ["Henkilötietoja ei luovuteta kolmansille osapuolille, ellei laki sitä edellytä.",
                          "Henkilötietojen käsittelijöitä ei käytetä."],
           "transfers": "Henkilötietoja ei siirretä Euroopan unionin tai Euroopan talousalueen ulkopuolelle.",
           "automated-decisions": "Rekisterin tietojen perusteella ei tehdä päätöksiä, jotka perustuvat pelkästään "
                                  "automaattiseen käsittelyyn, kuten profilointiin.",
           "security": ["Manuaalista aineistoa ei ole.", "Sähköisesti käsiteltäviä tietoja ei ole."],
           "special-categories": "Rekisteri ei sisällä erityisiin henkilötietoryhmiin kuuluvia tietoja."},
    "en": {"data-protection-officer": "The controller has not designated a data protection officer.",
           "recipients": ["We do not disclose personal data to third parties unless the law requires it.",
                          "No processors are used."],
           "transfers": "Personal data is not transferred outside the European Union or the European Economic Area.",
           "automated-decisions": "No decisions based solely on automated processing, including profiling, are "
                                  "made using the data in the register.",
           "security": ["There is no manual material.", "There is no electronic material."],
           "special-categories": "The register contains no special categories of personal data."},
    "sv": {"data-protection-officer": "Den personuppgiftsansvarige har inte utnämnt något dataskyddsombud.",
           "recipients": ["Vi lämnar inte ut personuppgifter till tredje parter om inte lagen kräver det.",
                          "Inga personuppgiftsbiträden anlitas."],
           "transfers": "Personuppgifter överförs inte till länder utanför Europeiska unionen eller Europeiska "
                        "ekonomiska samarbetsområdet.",
           "automated-decisions": "Uppgifterna i registret används inte för beslut som enbart grundas på "
                                  "automatiserad behandling, inbegripet profilering.",
           "security": ["Det finns inget manuellt material.", "Det finns inga elektroniskt behandlade uppgifter."],
           "special-categories": "Registret innehåller inga särskilda kategorier av personuppgifter."},
}


@pytest.mark.parametrize("lang", ["fi", "en", "sv"])
def test_every_none_has_its_sentence_and_no_claim_the_author_did_not_make(notices, lang):
    health = sections(notices.html(f"{PREFIX[lang]}notices/health/index.html"))
    events = sections(notices.html(f"{PREFIX[lang]}notices/events/index.html"))
    for section, wanted in NONE[lang].items():
        body = events[section] if section == "special-categories" else health[section]
        for sentence in [wanted] if isinstance(wanted, str) else wanted:
            assert sentence in body, (section, sentence)
    # `none` says none is designated, not that none is required ...
    assert health["data-protection-officer"] == NONE[lang]["data-protection-officer"]
    # ... and a reason appears only where the author wrote one.
    reason = {"fi": "Käsittelemme vain vähän henkilötietoja", "en": "We process little personal data",
              "sv": "Vi behandlar lite personuppgifter"}[lang]
    assert events["data-protection-officer"].startswith(NONE[lang]["data-protection-officer"])
    assert reason in events["data-protection-officer"]


OPTIONAL = {
    "fi": {"sources": ["Kenen tietoja: avecit"], "security": ["Organisatoriset toimenpiteet",
                                                              "Vapaaehtoiset ovat sitoutuneet vaitioloon."],
           "transfers": ["Henkilötietoja siirretään EU:n tai ETA:n ulkopuolelle vain erityistilanteissa:",
                         "Suojatoimet:", "Palveluntarjoajan kanssa sovitut vakiolausekkeet."],
           "automated-decisions": ["Profilointi", "Valitsemme kutsut kiinnostustesi mukaan."],
           "versions": ["Muutoksista ilmoittaminen:", "Kerromme muutoksista jäsenkirjeessä."],
           "objection": ["Tämä koskee seuraavaa käsittelyä:", "Tapahtumakutsujen lähettäminen jäsenille.",
                         "perusteluja esittämättä vastustaa henkilötietojesi käsittelyä suoramarkkinointia varten"]},
    "en": {"sources": ["Whose data: guests they bring"], "security": ["Organisational measures"],
           "transfers": ["Personal data is transferred outside the EU or the EEA only in specific situations:",
                         "Safeguards:"],
           "automated-decisions": ["Profiling"], "versions": ["How we announce changes:"],
           "objection": ["This concerns the following processing:", "Sending event invitations to members.",
                         "without giving reasons, to the processing of your personal data for direct marketing"]},
}


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_optional_items_appear_with_their_labels(notices, lang):
    soup = notices.html(f"{PREFIX[lang]}notices/events/index.html")
    found = sections(soup)
    for section, texts in OPTIONAL[lang].items():
        for text in texts:
            assert text in found[section], (section, text)
    # No country and no safeguard the author did not state.
    assert "United States" not in found["transfers"] and "Yhdysvallat" not in found["transfers"]
    assert "Article 46" not in found["transfers"] and "46 artiklan" not in found["transfers"]
    law = {"fi": "Sovellettava lainsäädäntö: Tietosuoja-asetus ja tietosuojalaki (1050/2018).",
           "en": "Applicable law: The GDPR and the Data Protection Act (1050/2018)."}[lang]
    assert law in " ".join(soup.select_one("article").get_text(" ").split())
    # The right to object is a section of its own, before the other rights, and not among them.
    ids = list(found)
    assert ids.index("objection") == ids.index("rights") - 1
    assert {"fi": "Vastustamisoikeus", "en": "Right to object\n"}[lang] not in found["rights"]


def test_source_of_the_readers_own_data_is_you(notices):
    assert sections(notices.html("notices/health/index.html"))["sources"] == "Sinä itse"
    assert sections(notices.html("en/notices/health/index.html"))["sources"] == "You"


def test_controller_with_only_address_and_email_builds_and_no_page_adds_contact_data(notices):
    controller = sections(notices.html("notices/health/index.html"))["controller"]
    assert controller == ("Nimi Kuvitteellinen Kirjasto ry Y-tunnus 1234567-1 Osoite Lukijankatu 2 00100 Helsinki "
                          "Sähköposti kirjasto@kuvitteellinen.example")
    # Every phone and email on any page is one the registers give, or the Ombudsman's.
    written = "\n".join(p.read_text(encoding="utf-8") for p in notices.registers.glob("*.yml"))
    authority = {"tel:+358295666700", "mailto:tietosuoja@om.fi"}
    pages = list(notices.site.rglob("*.html"))
    assert len(pages) >= 12
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for link in soup.select('a[href^="tel:"], a[href^="mailto:"]'):
            href = link["href"]
            assert href in authority or href.split(":", 1)[1] in written, (page, href)
        text = soup.get_text(" ")
        for email in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text):
            assert email in written or email == "tietosuoja@om.fi", (page, email)
        for phone in re.findall(r"\+?\d[\d ]{7,}\d", text):
            assert phone in ("029 566 6700", "+358 29 566 6700"), (page, phone)


# ------------------------------------------------------------------ interface strings per language

# Texts of MkDocs, mkdocs-material and the toc extension in English.
ENGLISH_INTERFACE = ["Permanent link", "Made with", "Skip to content", "Switch to dark mode", "Switch to light mode",
                     "Select language", "Table of contents", "Initializing search", "Type to start searching",
                     "Back to top", "Copy to clipboard", "Header", "Footer", "Clear", "Previous", "Next:", "Search"]
FINNISH_INTERFACE = ["Pysyvä linkki", "Toteutettu", "Hyppää sisältöön", "Vaihda tummaan tilaan",
                     "Vaihda vaaleaan tilaan", "Valitse kieli", "Sisällysluettelo", "Etusivu", "Evästeet",
                     "Ylätunniste", "Alatunniste"]
SWEDISH_INTERFACE = ["Permanent länk", "Skapad med", "Byt till mörkt läge", "Byt till ljust läge", "Startsida"]


def interface_strings(page: Path) -> str:
    """The text a reader sees or hears outside the notice itself: visible text
    and the titles, labels and placeholders of elements."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    values = [tag.get(a) for tag in soup.find_all(True) for a in ("title", "aria-label", "placeholder", "alt")
              if tag.get(a)]
    for article in soup.select("article"):
        article.decompose()  # the notice's own text is tested elsewhere
    return "\n".join(values + [soup.get_text("\n")])


def language_pages(site_dir: Path, lang: str) -> list[Path]:
    pages = sorted(site_dir.rglob("*.html"))
    if lang == "fi":
        return [p for p in pages if p.relative_to(site_dir).parts[0] not in ("en", "sv")]
    return [p for p in pages if p.relative_to(site_dir).parts[0] == lang]


def test_finnish_pages_have_no_english_interface_text(example_site):
    pages = language_pages(example_site.site, "fi")
    assert len(pages) >= 6
    for page in pages:
        shown = interface_strings(page)
        source = page.read_text(encoding="utf-8")
        assert "Permanent link" not in source and "Made with" not in source, page
        for english in ENGLISH_INTERFACE:
            assert english not in shown, (page, english)
        if "notices/" in page.as_posix():
            assert "Pysyvä linkki" in shown and "Toteutettu" in shown
    # The same check finds the English strings on English pages.
    english_page = interface_strings(example_site.site / "en" / "notices" / "customers" / "index.html")
    assert "Permanent link" in english_page and "Made with" in english_page


def test_a_third_language_has_every_interface_string_translated(notices):
    pages = language_pages(notices.site, "sv")
    assert len(pages) >= 4
    for page in pages:
        shown = interface_strings(page)
        for foreign in ENGLISH_INTERFACE + FINNISH_INTERFACE:
            assert foreign not in shown, (page, foreign)
        assert "Dataskydd" in shown  # site_name
    notice = interface_strings(notices.site / "sv" / "notices" / "health" / "index.html")
    for swedish in SWEDISH_INTERFACE:
        assert swedish in notice, swedish
    soup = notices.html("sv/notices/health/index.html")
    assert soup.html["lang"] == "sv"


def test_a_language_without_its_settings_warns_and_fails_the_strict_build(tmp_path):
    site = swedish_project(tmp_path / "p")
    config = site.config()
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            plugin["i18n"]["languages"][2] = {"locale": "sv", "name": "Svenska"}
    site.write_config(config)
    result = site.build()
    assert result.returncode != 0
    for message in ["mkdocs.yml: plugins.i18n.languages[sv]: site_name is missing",
                    "mkdocs.yml: plugins.i18n.languages[sv]: theme.palette: the 2 colour-scheme toggles need their "
                    "`name` in sv",
                    "mkdocs.yml: plugins.i18n.languages[sv]: nav_translations: no sv title for Etusivu, "
                    "Tietosuojaselosteet, Evästeet"]:
        assert message in result.stderr
    assert "languages[en]" not in result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ the site around the notices

def test_sitemap_has_the_full_address_of_every_page(example_site):
    site_url = example_site.config()["site_url"]
    assert site_url.startswith("https://") and site_url.endswith("/")
    sitemap = (example_site.site / "sitemap.xml").read_text(encoding="utf-8")
    assert "None" not in sitemap
    root = ElementTree.fromstring(sitemap)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locations = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    links = [link.get("href") for link in root.findall("s:url/x:link", ns)]
    assert len(locations) >= 12 and len(links) >= 2 * len(locations)
    for url in locations + links:
        assert url.startswith(site_url), url
        path = url[len(site_url):]
        assert (example_site.site / path / "index.html").is_file(), url
    assert site_url + "en/notices/customers/" in locations


def test_home_page_links_work_under_a_sub_path(example_site):
    for prefix in ("", "en/"):
        soup = example_site.html(f"{prefix}index.html")
        hrefs = [tag["href"] for tag in soup.select("a[href], link[href]")]
        assert hrefs
        for href in hrefs:
            assert not href.startswith("/"), href
        for link in soup.select('a.md-select__link'):
            target = (example_site.site / prefix / link["href"]).resolve() / "index.html"
            assert target.is_file(), link["href"]


def test_telephone_links_are_international_whatever_the_author_typed(example_site):
    for prefix in ("", "en/"):
        soup = example_site.html(f"{prefix}notices/customers/index.html")
        links = soup.select('a[href^="tel:"]')
        assert len(links) >= 3
        for link in links:
            assert re.fullmatch(r"tel:\+358\d{6,12}", link["href"]), link["href"]
    # Written "029 566 6700" in the Finnish texts of the Ombudsman.
    complaint = example_site.html("notices/customers/index.html").select_one("#complaint").find_next_sibling()
    assert complaint.select_one('a[href^="tel:"]')["href"] == "tel:+358295666700"


def test_build_without_site_url_fails_with_a_clear_message(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    config = site.config()
    del config["site_url"]
    site.write_config(config)
    result = site.build()
    assert result.returncode != 0
    assert "mkdocs.yml: site_url is not set: give the address the site is published at" in result.stderr
    assert not (site.site / "sitemap.xml").exists()


def test_no_section_repeats_the_title_or_a_label_its_heading(example_site):
    soup = example_site.html("notices/customers/index.html")
    found = sections(soup)
    assert "register-name" not in found
    assert "Yhteystaho" not in found["data-protection-officer"]
    assert "Tehtävä" not in soup.get_text()
    assert "Jos et anna tietoja: Jos et anna" not in found["provision"]
    assert "Seuraukset, jos tietoja ei anneta:" in found["provision"]
    intro = soup.select_one("article h1").find_next_sibling("p", class_=None)
    assert "koskee rekisteriä ”Asiakasrekisteri”" in intro.get_text()
