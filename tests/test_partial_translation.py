"""Registers marked as partly translated (`translation_pending`, issue 12):
published with the source language's text and a note, or not published in
that language; the check without the marker; the review's list of what awaits
translation. Real builds of fixture projects, HTML read back; every expected
text is written out here, not taken from the code under test."""
from __future__ import annotations

import datetime as dt
import json
import posixpath
import xml.etree.ElementTree as ET
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from conftest import FIXTURES, make_project, swedish_project
from test_history import commit_registers, members, write

SUB_PATH_URL = "https://example.github.io/privacy/"
ATOM = "{http://www.w3.org/2005/Atom}"
TODAY = dt.date.today()

# Finnish texts whose English (or Swedish) translation is left out.
NAME_FI = "Jäsenrekisteri"
PURPOSE_FI = "Jäsenyyden hoitaminen"
SECURITY_FI = "Tiedot ovat salasanalla suojatussa järjestelmässä."
CLUB_FI = "Kerhorekisteri"


def partly_translated(mode: str, language: str = "en", **changes) -> dict:
    """The members register with `name`, the purpose and the electronic
    security text in Finnish only, marked for `language`."""
    data = members(**changes)
    data["translation_pending"] = {language: mode}
    data["name"] = {k: v for k, v in data["name"].items() if k != language}
    data["purposes"] = [{k: v for k, v in data["purposes"][0].items() if k != language}]
    data["security"]["electronic"] = {k: v for k, v in data["security"]["electronic"].items() if k != language}
    return data


def lang_of(element) -> str | None:
    """The language an element is read in: its own `lang` or its nearest ancestor's."""
    while element is not None:
        if element.get("lang"):
            return element.get("lang")
        element = element.parent
    return None


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """members: `en: source`; club: `en: not-published`; under a sub-path."""
    site = make_project(tmp_path_factory.mktemp("partial") / "p", registers=FIXTURES / "minimal")
    config = site.config()
    config["site_url"] = SUB_PATH_URL
    site.write_config(config)
    write(site, partly_translated("source"))
    club = partly_translated("not-published")
    club["name"] = {"fi": CLUB_FI}
    club["purposes"] = [{"fi": "Kerhon toiminnan järjestäminen"}]
    club["website_visitors"] = True  # the cookie notice links to it
    write(site, club, "club.yml")
    commit_registers(site, "members partly translated, club not yet in English")
    result = site.build()
    assert result.returncode == 0, result.stderr
    return site


def test_marked_page_has_the_note_at_the_top_in_the_readers_language(built):
    article = built.html("en/notices/members/index.html").select_one("article")
    note = article.select_one(".notice-translation-note")
    assert note is not None
    # at the top: right under the title
    assert article.select_one("h1").find_next_sibling() is note
    text = " ".join(note.get_text(" ", strip=True).split())
    assert "This notice has not yet been fully translated into English." in text
    assert "shown in Finnish" in text and "the Finnish text is authoritative" in text
    assert lang_of(note) == "en"
    # the parts not yet translated, as the page names them, in the page's order
    assert [li.get_text(strip=True) for li in note.select("li")] == [
        "Name of the register", "Purposes of the processing", "Protection of personal data"]


def test_source_text_is_in_an_element_with_its_language(built):
    soup = built.html("en/notices/members/index.html")
    assert soup.html.get("lang") == "en"
    article = soup.select_one("article")
    finnish = {element.get_text(" ", strip=True) for element in article.select('[lang="fi"]')}
    assert finnish == {NAME_FI, PURPOSE_FI, SECURITY_FI}
    assert article.select_one('h1 [lang="fi"]').get_text(strip=True) == NAME_FI
    purposes = article.select_one("#purposes").find_next_sibling("div")
    assert purposes.select_one('span[lang="fi"]').get_text(strip=True) == PURPOSE_FI
    assert article.select_one('div[lang="fi"]').get_text(" ", strip=True) == SECURITY_FI
    # a translated text is read in the page's language
    translated = article.find(string=lambda s: s and "Members of the association" in s)
    assert translated is not None and lang_of(translated.parent) == "en"
    # the version's own page (notices/<id>/<date>/) too
    version = built.html("en/notices/members/2024-06-01/index.html").select_one("article")
    assert version.select_one('h1 [lang="fi"]').get_text(strip=True) == NAME_FI
    assert version.select_one(".notice-translation-note") is not None
    # the index in English too
    row = built.html("en/notices/index.html").select_one('.notice-index a[href="members/"]')
    assert row.select_one('[lang="fi"]').get_text(strip=True) == NAME_FI


def test_source_language_page_has_no_note_and_no_other_language(built):
    article = built.html("notices/members/index.html").select_one("article")
    assert article.select_one(".notice-translation-note") is None
    assert article.select("[lang]") == []
    assert PURPOSE_FI in article.get_text()


def test_not_published_language_has_no_page_and_the_index_says_where_to_read_it(built):
    assert (built.site / "notices" / "club" / "index.html").is_file()
    assert not (built.site / "en" / "notices" / "club").exists()
    index = built.html("en/notices/index.html")
    rows = [row for row in index.select(".notice-index tbody tr") if CLUB_FI in row.get_text()]
    assert len(rows) == 1, "the index in English still lists the register"
    link = rows[0].select_one("a")
    assert link.get("hreflang") == "fi"
    target = posixpath.normpath(posixpath.join("en/notices", link["href"]))
    assert target == "notices/club"
    assert "Not yet available in English: the link opens the notice in Finnish." in \
        " ".join(rows[0].get_text(" ", strip=True).split())
    # the feed and the sitemap of English have nothing of it either
    feed = ET.parse(built.site / "en" / "notices" / "feed.xml").getroot()
    assert not [e for e in feed.findall(f"{ATOM}entry") if "/club/" in e.find(f"{ATOM}link").get("href")]
    finnish_feed = ET.parse(built.site / "notices" / "feed.xml").getroot()
    assert [e for e in finnish_feed.findall(f"{ATOM}entry") if "/club/" in e.find(f"{ATOM}link").get("href")]
    assert "en/notices/club" not in (built.site / "sitemap.xml").read_text(encoding="utf-8")
    # the cookie notice in English links to it in Finnish
    links = [a for a in built.html("en/cookies/index.html").select("article a") if CLUB_FI in a.get_text()]
    assert links and all(posixpath.normpath(posixpath.join("en/cookies", a["href"])) == "notices/club"
                         for a in links)


def test_every_link_of_the_pages_involved_resolves_under_the_sub_path(built):
    """The language switch of a page missing in English goes to the English
    home page, relative to the page (not `/en/`, outside the sub-path)."""
    checked = 0
    for page in ("notices/club/index.html", "notices/members/index.html", "en/notices/members/index.html",
                 "en/notices/index.html", "notices/index.html", "en/cookies/index.html"):
        soup = built.html(page)
        here = "/privacy/" + page
        for tag in soup.find_all(["a", "link"]):
            url = tag.get("href")
            if not url or url.startswith(("#", "mailto:", "tel:")):
                continue
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                if not url.startswith(SUB_PATH_URL):
                    continue  # another site
                path = parts.path
            else:
                assert not parts.path.startswith("/"), f"{page}: {url} is root-absolute"
                path = posixpath.normpath(posixpath.join(posixpath.dirname(here), parts.path))
                path += "/" if parts.path.endswith(("/", ".")) or not parts.path else ""
            if not parts.path:
                continue
            assert path.startswith("/privacy/"), f"{page}: {url} leaves the sub-path"
            target = built.site / unquote(path[len("/privacy/"):])
            target = target / "index.html" if path.endswith("/") else target
            assert target.is_file(), f"{page}: {url} -> {target} was not built"
            checked += 1
    assert checked > 50
    switch = [a["href"] for a in built.html("notices/club/index.html").select("a[hreflang='en']")]
    assert switch and set(switch) == {"../../en/"}


def test_without_the_marker_a_missing_text_still_stops_the_check_and_the_build(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    data = partly_translated("source")
    del data["translation_pending"]
    write(site, data)
    lines = (site.registers / "members.yml").read_text(encoding="utf-8").splitlines()
    purpose_line = next(n for n, line in enumerate(lines, 1) if PURPOSE_FI in line)
    expected = f"registers/members.yml:{purpose_line}: purposes[1]: the text in language 'en' is missing"
    result = site.check()
    assert result.returncode == 1
    assert expected in result.stdout + result.stderr
    assert "translation_pending: {en: source}" in result.stdout + result.stderr  # says how to let it wait
    result = site.build()
    assert result.returncode == 1 and expected in result.stderr
    # the marker accepts exactly these; the source language stays required
    data = partly_translated("source")
    data["purposes"][0] = {"en": "Managing membership"}
    write(site, data)
    result = site.check()
    assert result.returncode == 1
    assert f"registers/members.yml:{purpose_line}: purposes[1]: the text in language 'fi' is missing" in \
        result.stdout + result.stderr


def test_the_marker_itself_is_checked(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    write(site, partly_translated("source", language="fi"))
    write(site, partly_translated("later"), "club.yml")
    write(site, partly_translated("source", language="de"), "society.yml")
    result = site.check()
    out = result.stdout + result.stderr
    assert result.returncode == 1
    assert "registers/members.yml:" in out and ": translation_pending.fi: 'fi' is the source language" in out
    assert "registers/club.yml:" in out and "translation_pending.en: 'later' is not allowed here" in out
    assert "registers/society.yml:" in out and "translation_pending.de: 'de' is not a language of this site" in out


def test_swedish_page_has_the_note_in_swedish_and_english_stays_complete(tmp_path):
    site = swedish_project(tmp_path / "sv")
    data = yaml.safe_load((site.registers / "members.yml").read_text(encoding="utf-8"))
    data["translation_pending"] = {"sv": "source"}
    del data["purposes"][0]["sv"]
    site.write_register("members.yml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    result = site.build()
    assert result.returncode == 0, result.stderr
    soup = site.html("sv/notices/members/index.html")
    assert soup.html.get("lang") == "sv"
    note = soup.select_one("article .notice-translation-note")
    text = " ".join(note.get_text(" ", strip=True).split())
    assert "Den här beskrivningen är ännu inte helt översatt till svenska." in text
    assert "originalspråket (finska)" in text
    assert [li.get_text(strip=True) for li in note.select("li")] == ["Ändamålen med behandlingen av personuppgifter"]
    assert soup.select_one('article span[lang="fi"]').get_text(strip=True) == PURPOSE_FI
    english = site.html("en/notices/members/index.html").select_one("article")
    assert english.select_one(".notice-translation-note") is None and english.select("[lang]") == []


def test_finnish_note_when_finnish_is_the_language_waiting():
    """A site written in English first: the Finnish page's note (rendered
    without a build: the fixture sites are Finnish first)."""
    from hooks.languages import Languages
    from hooks.locales import load_locales
    from hooks.notice_markdown import render_notice
    from hooks.registers import _merge
    from hooks.yaml_source import parse
    data = members()
    data["translation_pending"] = {"fi": "source"}
    data["purposes"] = [{"en": "Managing membership"}]
    document, problems = parse(yaml.safe_dump(data, allow_unicode=True), "registers/members.yml")
    assert problems == []
    locales = load_locales(Languages("en", ("en", "fi"), ("en", "fi")).built)
    organisation, _ = parse((FIXTURES / "minimal" / "_organisation.yml").read_text(encoding="utf-8"),
                            "registers/_organisation.yml")
    markdown = render_notice(_merge("members", document, organisation, "en"), locales["fi"], "../")
    assert "Tätä selostetta ei ole vielä käännetty kokonaan suomeksi." in markdown
    assert "alkuperäiskielellä (englanti)" in markdown and "alkuperäiskielinen teksti on ratkaiseva" in markdown
    assert '<span lang="en">Managing membership</span>' in markdown
    assert "<li>Henkilötietojen käsittelyn tarkoitukset</li>" in markdown


def review(site, *args):
    return site.run("-m", "hooks", "review", "-f", "mkdocs.yml", *args)


NEW = {"date": TODAY, "summary": {"fi": "Tapahtumat lisätty.", "en": "Events added."}}


def test_review_lists_what_awaits_translation_and_the_change_is_not_blocked(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    data = members()
    data["versions"] = [NEW] + data["versions"]
    data["translation_pending"] = {"en": "source"}
    data["purposes"] = [{"fi": "Jäsenyyden ja tapahtumien hoitaminen"}]  # changed in Finnish, English to follow
    write(site, data)
    commit_registers(site, "Events, translation to follow")
    result = review(site, "--base", "HEAD~1")
    assert result.returncode == 0, result.stdout + result.stderr
    report = result.stdout
    assert "### Awaiting translation" in report
    waiting = report.split("### Awaiting translation", 1)[1]
    line = next(l for l in waiting.splitlines() if "`members`" in l)
    assert "en" in line and "`purposes[1]`" in line and "published with the source language's text" in line
    result = review(site, "--base", "HEAD~1", "--format", "json")
    data = json.loads(result.stdout)
    assert data["translations"] == [
        {"id": "members", "name": NAME_FI, "language": "en", "mode": "source", "missing": ["purposes[1]"]}]
    # the purpose's change is named in Finnish; English, now shown in Finnish, does
    # not list its old translation as a purpose removed
    changes = data["registers"][0]["changes"]
    assert any("Jäsenyyden ja tapahtumien hoitaminen" in c["text"] for c in changes["fi"])
    assert "en" not in changes
    # the check's summary counts them
    result = site.check()
    assert result.returncode == 0 and "1 text awaits translation." in result.stdout + result.stderr


def test_review_still_blocks_a_stale_translation_kept_beside_the_marker(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    data = members()
    data["versions"] = [NEW] + data["versions"]
    data["translation_pending"] = {"en": "not-published"}
    data["purposes"] = [{"fi": "Jäsenyyden ja tapahtumien hoitaminen", "en": "Managing membership"}]
    write(site, data)
    commit_registers(site, "Events in Finnish, the old English text left")
    result = review(site, "--base", "HEAD~1")
    assert result.returncode == 1
    assert "purposes[1]: the text changed in fi but not in en" in result.stdout
    assert "leave the en text out" in result.stdout
    # the register is still listed as awaiting translation, with nothing missing
    assert "not published in this language until translated" in result.stdout


def test_review_of_a_changed_marker_alone(tmp_path):
    """`{en: source}` becoming `{en: not-published}` is no text changed in English only."""
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    write(site, partly_translated("source"))
    commit_registers(site, "English partly translated")
    write(site, partly_translated("not-published"))
    commit_registers(site, "English not published until translated")
    result = review(site, "--base", "HEAD~1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not published in this language until translated" in result.stdout
