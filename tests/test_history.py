"""Versioned notices (issue 11): earlier versions from git at permanent
addresses, their changes word by word and in words, the version history, the
feed, announced versions, shallow clones and the changelog guards. Every site
here is a real git repository in a temporary folder, built by `mkdocs build`."""
from __future__ import annotations

import copy
import datetime as dt
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
import yaml

from conftest import FIXTURES, GIT_ENV, REPO, make_project
from hooks import history

ATOM = "{http://www.w3.org/2005/Atom}"


def git(root, *args) -> str:
    env = dict(os.environ, **GIT_ENV)
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def commit_registers(site, message: str) -> None:
    git(site.root, "add", "-A", "registers")
    git(site.root, "commit", "-q", "-m", message)


def members(**changes) -> dict:
    data = yaml.safe_load((FIXTURES / "minimal" / "members.yml").read_text(encoding="utf-8"))
    data["created"] = dt.date(2015, 1, 1)
    data.update(copy.deepcopy(changes))
    return data


def write(site, data: dict, name: str = "members.yml") -> None:
    site.write_register(name, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def version(date: str, fi: str, en: str) -> dict:
    return {"date": dt.date.fromisoformat(date), "summary": {"fi": fi, "en": en}}


PAPER = version("2015-01-01", "Paperinen seloste.", "Paper notice.")
V2020 = version("2020-01-15", "Ensimmäinen verkkoversio.", "First version online.")
V2022 = version("2022-03-01", "Jäsenmaksut lisätty.", "Membership fees added.")
V2024 = version("2024-06-01", "Tapahtumat ja tilitoimisto lisätty.", "Events and the accounting firm added.")
PURPOSE_2020 = {"fi": "Jäsenyyden hoitaminen", "en": "Managing membership"}
PURPOSE_2022 = {"fi": "Jäsenyyden ja jäsenmaksujen hoitaminen", "en": "Managing membership and membership fees"}
PURPOSE_2022_FIXED = {"fi": "Jäsenyyden sekä jäsenmaksujen hoitaminen", "en": "Managing membership and the membership fees"}
PURPOSE_2024 = {"fi": "Jäsenyyden, jäsenmaksujen ja tapahtumien hoitaminen",
                "en": "Managing membership, membership fees and events"}
ACCOUNTANT = {"recipient": "Tilitoimisto Kuvitteellinen Oy",
              "purpose": {"fi": "Kirjanpito.", "en": "Bookkeeping."}}


def history_site(root):
    """Four commits: 2020 (paper-era entry below it), 2022, a correction while
    2022 still headed the list, and 2024 with a new recipient."""
    site = make_project(root, registers=FIXTURES / "minimal")
    write(site, members(purposes=[PURPOSE_2020], versions=[V2020, PAPER]))
    commit_registers(site, "2020")
    write(site, members(purposes=[PURPOSE_2022], versions=[V2022, V2020, PAPER]))
    commit_registers(site, "2022")
    write(site, members(purposes=[PURPOSE_2022_FIXED], versions=[V2022, V2020, PAPER]))
    commit_registers(site, "2022 correction")
    write(site, members(purposes=[PURPOSE_2024], disclosures=[ACCOUNTANT], versions=[V2024, V2022, V2020, PAPER]))
    commit_registers(site, "2024")
    return site


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = history_site(tmp_path_factory.mktemp("history") / "site-project")
    result = site.build()
    assert result.returncode == 0, result.stderr
    return site


def article(site, path: str):
    return site.html(path).select_one("article")


def test_current_notice_stays_at_its_address_with_the_newest_text(built):
    for prefix, lang in (("", "fi"), ("en/", "en")):
        text = article(built, f"{prefix}notices/members/index.html").get_text(" ", strip=True)
        assert PURPOSE_2024[lang] in text
        assert PURPOSE_2022_FIXED[lang] not in text
        assert not article(built, f"{prefix}notices/members/index.html").select(".notice-version-note")


def test_each_version_has_its_text_as_it_stood_last(built):
    expected = {"2024-06-01": PURPOSE_2024, "2022-03-01": PURPOSE_2022_FIXED, "2020-01-15": PURPOSE_2020}
    for prefix, lang in (("", "fi"), ("en/", "en")):
        for date, purpose in expected.items():
            soup = article(built, f"{prefix}notices/members/{date}/index.html")
            assert purpose[lang] in soup.select_one("#purposes").find_next_sibling().get_text(" ", strip=True)
        # a version older than the repository has no page
        assert not (built.site / f"{prefix}notices/members/2015-01-01").exists()


def test_earlier_version_says_it_is_not_current_with_its_period_and_a_link(built):
    soup = article(built, "en/notices/members/2022-03-01/index.html")
    note = soup.select_one(".notice-version-note")
    assert note is not None
    text = note.get_text(" ", strip=True)
    assert "This is not the current version" in text
    assert "from 1 March 2022 to 1 June 2024" in text
    assert note.select_one("a")["href"] == "../"
    fi = article(built, "notices/members/2020-01-15/index.html").select_one(".notice-version-note")
    assert "Tämä ei ole selosteen voimassa oleva versio" in fi.get_text(" ", strip=True)
    assert "15.1.2020–1.3.2022" in fi.get_text()
    # the newest version's page is the current text and says nothing of the kind
    assert not article(built, "en/notices/members/2024-06-01/index.html").select(".notice-version-note")


def test_changes_page_marks_removed_and_added_words(built):
    en = article(built, "en/notices/members/2024-06-01/changes/index.html")
    purposes = en.select(".notice-diff")[0]
    # "Managing membership and the membership fees" -> "Managing membership, membership fees and events"
    assert [i.get_text(" ", strip=True) for i in purposes.select("ins")] == ["membership,", "and events"]
    assert [d.get_text(" ", strip=True) for d in purposes.select("del")] == ["membership and the"]
    inserted = " ".join(i.get_text(" ", strip=True) for i in en.select(".notice-diff ins"))
    assert "events" in inserted and "Tilitoimisto Kuvitteellinen Oy" in inserted
    fi = article(built, "notices/members/2024-06-01/changes/index.html")
    inserted = " ".join(i.get_text(" ", strip=True) for i in fi.select(".notice-diff ins"))
    assert "tapahtumien" in inserted
    assert "sekä" in " ".join(d.get_text(" ", strip=True) for d in fi.select(".notice-diff del"))


def test_changes_page_names_structured_changes_in_words(built):
    en = article(built, "en/notices/members/2024-06-01/changes/index.html")
    items = [li.get_text(" ", strip=True) for li in en.select("ul.notice-changes li")]
    assert "New recipient: Tilitoimisto Kuvitteellinen Oy" in items
    assert "New purpose of processing: Managing membership, membership fees and events" in items
    assert "Purpose of processing removed: Managing membership and the membership fees" in items
    fi = article(built, "notices/members/2024-06-01/changes/index.html")
    assert "Uusi vastaanottaja: Tilitoimisto Kuvitteellinen Oy" in [li.get_text(" ", strip=True)
                                                                    for li in fi.select("ul.notice-changes li")]
    # compared with the version before, linked
    links = {a.get_text(strip=True): a["href"] for a in en.select("p a")}
    assert links["1 March 2022"] == "../../2022-03-01/"


def test_oldest_online_version_has_nothing_to_compare_with(built):
    en = article(built, "en/notices/members/2020-01-15/changes/index.html")
    assert "There is no earlier text of this notice online" in en.get_text(" ", strip=True)
    assert not en.select("ins") and not en.select("del")


def test_version_history_lists_every_version_with_links(built):
    for prefix, lang, no_page in (("", "fi", "Ei saatavilla verkossa"), ("en/", "en", "Not available online")):
        soup = article(built, f"{prefix}notices/members/index.html")
        rows = soup.select_one("#versions").find_next_sibling().select("tbody tr")
        assert [r.select_one("time")["datetime"] for r in rows] == ["2024-06-01", "2022-03-01", "2020-01-15", "2015-01-01"]
        summaries = {"2024-06-01": V2024, "2022-03-01": V2022, "2020-01-15": V2020, "2015-01-01": PAPER}
        for row in rows:
            date = row.select_one("time")["datetime"]
            assert summaries[date]["summary"][lang] in row.get_text(" ", strip=True)
            hrefs = [a["href"] for a in row.select("a")]
            if date == "2015-01-01":
                assert hrefs == [] and no_page in row.get_text(" ", strip=True)
            else:
                assert hrefs == [f"{date}/", f"{date}/changes/"]
                for href in hrefs:  # every link leads to a built page
                    assert (built.site / f"{prefix}notices/members" / href / "index.html").is_file()


def test_atom_feed_per_language_has_the_required_elements(built):
    for prefix, lang in (("", "fi"), ("en/", "en")):
        feed = ET.parse(built.site / f"{prefix}notices/feed.xml").getroot()
        assert feed.tag == f"{ATOM}feed"
        # RFC 4287 4.1.1: atom:id, atom:title, atom:updated once; an author (feed or every entry)
        for name in ("id", "title", "updated"):
            assert len(feed.findall(f"{ATOM}{name}")) == 1, name
            assert feed.find(f"{ATOM}{name}").text.strip()
        assert feed.find(f"{ATOM}author/{ATOM}name").text.strip()
        assert dt.datetime.fromisoformat(feed.find(f"{ATOM}updated").text.replace("Z", "+00:00"))
        entries = feed.findall(f"{ATOM}entry")
        # one entry per version with a text: the minimal fixture's other registers have one each
        dates = [e.find(f"{ATOM}updated").text[:10] for e in entries]
        assert {"2024-06-01", "2022-03-01", "2020-01-15"} <= set(dates)
        assert dates == sorted(dates, reverse=True)
        ids = [e.find(f"{ATOM}id").text for e in entries]
        assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
        for entry in entries:
            for name in ("id", "title", "updated"):
                assert len(entry.findall(f"{ATOM}{name}")) == 1
            link = entry.find(f"{ATOM}link[@rel='alternate']")
            href = link.get("href")
            assert href.endswith("/changes/")
            site_url = built.config().get("site_url")
            assert site_url  # an absolute address under the site's own
            assert href.startswith(f"{site_url.rstrip('/')}/{prefix}notices/"), href
            href = href[len(f"{site_url.rstrip('/')}/{prefix}notices/"):]
            assert (built.site / f"{prefix}notices" / href / "index.html").is_file()
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang


def test_acceptance_example_site_change_committed_today(tmp_path):
    """Issue 11 acceptance: clone of the example site, a text changed, a
    versions entry dated today, committed, `mkdocs build --strict`."""
    site = make_project(tmp_path / "example")
    path = site.registers / "newsletter.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    previous = data["versions"][0]["date"].isoformat()
    old = {lang: data["purposes"][0][lang] for lang in ("fi", "en")}
    data["purposes"][0] = {"fi": old["fi"] + " Kerromme myös kahvikursseista.",
                           "en": old["en"] + " We also tell you about coffee courses."}
    today = dt.date.today()
    data["versions"].insert(0, {"date": today, "summary": {"fi": "Kahvikurssit.", "en": "Coffee courses."}})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    commit_registers(site, "Coffee courses")
    result = site.build()
    assert result.returncode == 0, result.stderr
    new_words = {"fi": "kahvikursseista.", "en": "courses."}
    for prefix, lang in (("", "fi"), ("en/", "en")):
        current = article(site, f"{prefix}notices/newsletter/index.html").get_text(" ", strip=True)
        assert new_words[lang] in current
        earlier = article(site, f"{prefix}notices/newsletter/{previous}/index.html")
        assert new_words[lang] not in earlier.get_text(" ", strip=True)
        assert old[lang] in earlier.get_text(" ", strip=True)
        changes = article(site, f"{prefix}notices/newsletter/{today.isoformat()}/changes/index.html")
        inserted = " ".join(i.get_text(" ", strip=True) for i in changes.select(".notice-diff ins"))
        assert new_words[lang] in inserted


def test_announced_version_keeps_the_current_one_in_force(tmp_path):
    site = make_project(tmp_path / "announced", registers=FIXTURES / "minimal")
    write(site, members(purposes=[PURPOSE_2022], versions=[V2022, PAPER]))
    commit_registers(site, "2022")
    soon = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    write(site, members(purposes=[PURPOSE_2024], versions=[version(soon, "Tulossa.", "Coming."), V2022, PAPER]))
    commit_registers(site, "announced")
    result = site.build()
    assert result.returncode == 0, result.stderr
    current = article(site, "en/notices/members/index.html")
    assert PURPOSE_2022["en"] in current.get_text(" ", strip=True)
    assert PURPOSE_2024["en"] not in current.get_text(" ", strip=True)
    note = current.select_one(".notice-version-note")
    assert "A new version of this notice takes effect on" in note.get_text(" ", strip=True)
    assert [a["href"] for a in note.select("a")] == [f"{soon}/", f"{soon}/changes/"]
    upcoming = article(site, f"en/notices/members/{soon}/index.html")
    assert PURPOSE_2024["en"] in upcoming.get_text(" ", strip=True)
    assert "This version takes effect on" in upcoming.select_one(".notice-version-note").get_text(" ", strip=True)
    changes = article(site, f"en/notices/members/{soon}/changes/index.html")
    assert "events" in " ".join(i.get_text() for i in changes.select("ins"))
    # the version in force is also at its dated address, as the current one
    assert not article(site, "en/notices/members/2022-03-01/index.html").select(".notice-version-note")


def test_shallow_clone_warns_once_naming_the_fix_and_strict_fails(built, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{built.root}", str(clone))
    (clone / "hooks").unlink(missing_ok=True)
    (clone / "hooks").symlink_to(REPO / "hooks", target_is_directory=True)
    from conftest import SiteProject
    shallow = SiteProject(clone)
    strict = shallow.build()
    assert strict.returncode != 0
    assert "fetch-depth: 0" in strict.stderr and "shallow" in strict.stderr
    relaxed = shallow.run("-m", "mkdocs", "build", "--no-strict")
    assert relaxed.returncode == 0, relaxed.stderr
    assert relaxed.stderr.count("fetch-depth: 0") == 1
    assert PURPOSE_2024["en"] in article(shallow, "en/notices/members/index.html").get_text(" ", strip=True)
    assert not (shallow.site / "notices/members/2022-03-01").exists()


def test_build_outside_git_warns_and_strict_fails(tmp_path):
    site = make_project(tmp_path / "nogit", registers=FIXTURES / "minimal")
    shutil.rmtree(site.root / ".git")
    strict = site.build()
    assert strict.returncode != 0
    assert "not built from a git repository" in strict.stderr and "fetch-depth: 0" in strict.stderr


def test_history_is_read_once_per_commit(tmp_path):
    site = history_site(tmp_path / "cache")
    history.clear_cache()
    start = history.git_calls
    first = history.read_history(site.root)
    assert first.complete and set(first.texts["members.yml"]) == {"2024-06-01", "2022-03-01", "2020-01-15"}
    assert history.git_calls - start == 3  # rev-parse, one log, one cat-file --batch
    again = history.read_history(site.root)
    assert again is first and history.git_calls - start == 4  # rev-parse only
    write(site, members(purposes=[PURPOSE_2024], versions=[version("2025-01-01", "x", "x"), V2024, V2022, V2020, PAPER]))
    history.read_history(site.root)
    assert history.git_calls - start == 5  # an edit that is not committed changes nothing in git
    commit_registers(site, "2025")
    after = history.read_history(site.root)
    assert history.git_calls - start == 8 and "2025-01-01" in after.texts["members.yml"]


def test_history_reads_one_blob_batch_whatever_the_number_of_versions(tmp_path):
    site = history_site(tmp_path / "batch")
    history.clear_cache()
    start = history.git_calls
    result = history.read_history(site.root)
    assert history.git_calls - start == 3
    # the text of each version is the file of the LAST commit it headed
    assert "Jäsenyyden sekä jäsenmaksujen hoitaminen" in result.texts["members.yml"]["2022-03-01"].text


def _check(site, base: str):
    return site.run("-m", "hooks", "check", "-f", "mkdocs.yml", "--base", base)


def test_guard_content_changed_without_new_version(tmp_path):
    site = history_site(tmp_path / "guard")
    write(site, members(purposes=[{"fi": "Jotain muuta", "en": "Something else"}], disclosures=[ACCOUNTANT],
                        versions=[V2024, V2022, V2020, PAPER]))
    result = _check(site, "HEAD")
    assert result.returncode == 1
    assert "registers/members.yml:" in result.stderr
    assert "`versions` has no new entry" in result.stderr
    # with a new entry it passes
    write(site, members(purposes=[{"fi": "Jotain muuta", "en": "Something else"}], disclosures=[ACCOUNTANT],
                        versions=[version("2025-01-01", "Muutos.", "Change."), V2024, V2022, V2020, PAPER]))
    result = _check(site, "HEAD")
    assert result.returncode == 0, result.stderr


def test_guard_rewritten_summary_or_date_is_an_error(tmp_path):
    site = history_site(tmp_path / "rewrite")
    rewritten = copy.deepcopy(V2022)
    rewritten["summary"]["en"] = "Something we would rather have said."
    write(site, members(purposes=[PURPOSE_2024], disclosures=[ACCOUNTANT], versions=[V2024, rewritten, V2020, PAPER]))
    result = _check(site, "HEAD")
    assert result.returncode == 1
    assert "versions[2].summary.en: the summary of the published version of 2022-03-01 was rewritten" in result.stderr
    moved = copy.deepcopy(V2022)
    moved["date"] = dt.date(2022, 4, 1)
    write(site, members(purposes=[PURPOSE_2024], disclosures=[ACCOUNTANT], versions=[V2024, moved, V2020, PAPER]))
    result = _check(site, "HEAD")
    assert result.returncode == 1 and "the published version of 2022-03-01 is missing" in result.stderr


def test_guard_without_base_is_the_plain_check(tmp_path):
    site = history_site(tmp_path / "plain")
    write(site, members(purposes=[{"fi": "Jotain muuta", "en": "Something else"}], versions=[V2024, V2022, V2020, PAPER]))
    assert site.check().returncode == 0
    bad = _check(site, "no-such-revision")
    assert bad.returncode == 1 and "cannot read revision 'no-such-revision'" in bad.stderr
