"""An earlier version of a notice keeps the organisation defaults it was
published with: `registers/_organisation.yml` as it stood in the same commit
as the version's text, never today's (hooks/history.py, hooks/archive.py).
The organisations are fictional. The sites are real git repositories built by
`mkdocs build --strict`; the history is also read directly, counting git."""
from __future__ import annotations

import copy
import os
import subprocess

import pytest
import yaml

from conftest import FIXTURES, GIT_ENV, make_project
from hooks import history
from test_history import PAPER, PURPOSE_2020, PURPOSE_2022, V2020, V2022, article, commit_registers, members, write


def organisation(name: str, business_id: str, domain: str, law: str) -> dict:
    return {
        "controller": {"name": name, "business_id": business_id, "address": "Esimerkkikatu 1\n00100 Helsinki",
                       "email": f"info@{domain}"},
        "data_protection_officer": {"role": {"fi": "Tietosuojavastaava", "en": "Data protection officer"},
                                    "email": f"{domain.split('-')[0]}@{domain}"},
        "contacts": [{"role": {"fi": "Sihteeri", "en": "Secretary"}, "email": f"sihteeri@{domain}"}],
        "applicable_law": {"fi": f"{law} (fi).", "en": f"{law} (en)."},
    }


OLD = organisation("Vanha Esimerkki Oy", "7654321-2", "vanha-esimerkki.example", "Vanha laki")
NEW = organisation("Uusi Esimerkki Oy", "2345678-0", "uusi-esimerkki.example", "Uusi laki")
OLD_WORDS = ("Vanha Esimerkki Oy", "vanha@vanha-esimerkki.example", "7654321-2", "Vanha laki")
NEW_WORDS = ("Uusi Esimerkki Oy", "uusi@uusi-esimerkki.example", "2345678-0", "Uusi laki")
LANGUAGES = (("", "fi"), ("en/", "en"))


def write_organisation(site, data: dict) -> None:
    site.write_register("_organisation.yml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def text_of(site, path: str) -> str:
    return article(site, path).get_text(" ", strip=True)


def built(site):
    result = site.build()
    assert result.returncode == 0, result.stderr
    return result


def note_of(result, register: str, date: str) -> str:
    """The build log's one note on a version listed without its text."""
    lines = [line for line in result.stderr.splitlines() if f"{register}: the version of {date}" in line]
    assert len(lines) == 1, result.stderr
    return lines[0]


def assert_listed_without_text(site, register_id: str, date: str) -> None:
    for prefix, _ in LANGUAGES:
        assert not (site.site / f"{prefix}notices/{register_id}/{date}").exists()
        rows = article(site, f"{prefix}notices/{register_id}/index.html").select("#versions ~ div tbody tr")
        row = next(r for r in rows if r.select_one("time")["datetime"] == date)
        assert row.select("a") == []


def two_versions(root, organisation_2020: dict):
    """The members register committed in 2020 with `organisation_2020`, then in 2022 with NEW."""
    site = make_project(root, registers=FIXTURES / "minimal")
    write_organisation(site, organisation_2020)
    write(site, members(purposes=[PURPOSE_2020], versions=[V2020, PAPER]))
    commit_registers(site, "2020")
    write_organisation(site, NEW)
    write(site, members(purposes=[PURPOSE_2022], versions=[V2022, V2020, PAPER]))
    commit_registers(site, "2022: a new controller")
    return site


# ---- the organisation file changed with the register ------------------------------

@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    """2020 with the old controller and data protection officer; 2022 with new ones."""
    site = two_versions(tmp_path_factory.mktemp("organisation") / "site", OLD)
    built(site)
    return site


def test_earlier_version_shows_the_organisation_defaults_of_its_own_commit(changed):
    for prefix, lang in LANGUAGES:
        earlier = text_of(changed, f"{prefix}notices/members/2020-01-15/index.html")
        assert PURPOSE_2020[lang] in earlier  # the page is there, with its own text
        for word in OLD_WORDS:
            assert word in earlier
        for word in NEW_WORDS:
            assert word not in earlier


def test_current_notice_shows_todays_organisation_defaults(changed):
    for prefix, _ in LANGUAGES:
        for page in ("notices/members/index.html", "notices/members/2022-03-01/index.html"):
            current = text_of(changed, prefix + page)
            assert all(word in current for word in NEW_WORDS)
            assert not any(word in current for word in OLD_WORDS)


def test_changes_page_shows_the_change_of_organisation_defaults(changed):
    changes = article(changed, "en/notices/members/2022-03-01/changes/index.html")
    removed = " ".join(d.get_text(" ", strip=True) for d in changes.select(".notice-diff del"))
    added = " ".join(i.get_text(" ", strip=True) for i in changes.select(".notice-diff ins"))
    assert "Vanha" in removed and "vanha@vanha-esimerkki.example" in removed
    assert "Uusi" in added and "uusi@uusi-esimerkki.example" in added


# ---- an earlier organisation file that today's rules reject, or none at all ---------

def test_earlier_organisation_file_that_no_longer_validates_lists_the_version_without_text(tmp_path):
    stale = copy.deepcopy(OLD)
    stale["controller"]["fax"] = "+358 9 000 0000"  # an item today's schema does not know
    site = two_versions(tmp_path / "stale", stale)
    result = built(site)
    note = note_of(result, "registers/members.yml", "2020-01-15")
    assert "listed without its text: registers/_organisation.yml as it stood then does not validate" in note
    assert "fax" in note
    # not today's defaults instead: no page at all, and nothing to compare 2022 with
    assert_listed_without_text(site, "members", "2020-01-15")
    changes = text_of(site, "en/notices/members/2022-03-01/changes/index.html")
    assert "There is no earlier text of this notice online" in changes


def test_earlier_version_from_before_the_organisation_file_gets_no_defaults(tmp_path):
    """A register that gave everything itself is shown as it was, without
    today's defaults; one that needed the defaults is listed without its text."""
    site = make_project(tmp_path / "before", registers=FIXTURES / "minimal")
    (site.registers / "_organisation.yml").unlink()
    club = {"name": {"fi": "Kerhon rekisteri", "en": "Club register"},
            "controller": {"name": "Vanha Esimerkki Oy", "business_id": "7654321-2", "address": "Kerhotie 2"},
            "data_protection_officer": "none",
            "contacts": [{"role": {"fi": "Kerhon sihteeri", "en": "Club secretary"},
                          "email": "kerho@vanha-esimerkki.example"}]}
    write(site, members(purposes=[PURPOSE_2020], versions=[V2020, PAPER]))
    write(site, members(**club, versions=[V2020, PAPER]), "club.yml")
    commit_registers(site, "2020, before the organisation file")
    write_organisation(site, NEW)
    write(site, members(purposes=[PURPOSE_2022], versions=[V2022, V2020, PAPER]))
    write(site, members(**club, purposes=[PURPOSE_2022], versions=[V2022, V2020, PAPER]), "club.yml")
    commit_registers(site, "2022, with the organisation file")
    result = built(site)
    for prefix, _ in LANGUAGES:
        earlier = text_of(site, f"{prefix}notices/club/2020-01-15/index.html")
        assert "Vanha Esimerkki Oy" in earlier and "Kerhotie 2" in earlier
        # today's controller email (merged key by key) and applicable law were not there then
        assert "info@uusi-esimerkki.example" not in earlier and "Uusi laki" not in earlier
        current = text_of(site, f"{prefix}notices/club/index.html")
        assert "info@uusi-esimerkki.example" in current and "Uusi laki" in current
    note = note_of(result, "registers/members.yml", "2020-01-15")
    assert "no registers/_organisation.yml (there was none then)" in note and "'controller' is missing" in note
    assert_listed_without_text(site, "members", "2020-01-15")


# ---- the history: still three git processes --------------------------------------

REGISTER = "name: x\nversions:\n  - date: {date}\n    summary: x\n"
DATES = ("2020-01-15", "2021-02-01", "2022-03-01", "2023-04-01")


def repo_git(root, *args, when: int = 0) -> None:
    """git in `root`; `when`: the commit's time, in days after 2020-01-01."""
    stamp = f"{1577880000 + when * 86400} +0000"
    env = dict(os.environ, **GIT_ENV, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def commit(root, files: dict, when: int) -> None:
    """`files` in registers/ as given (None: removed), committed on day `when`."""
    for name, text in files.items():
        path = root / "registers" / name
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(text, encoding="utf-8")
    repo_git(root, "add", "-A", "registers", when=when)
    repo_git(root, "commit", "-q", "-m", f"day {when}", when=when)


def new_repo(root):
    (root / "registers").mkdir(parents=True)
    repo_git(root, "init", "-q", "-b", "main")
    return root


def history_repo(root, organisations: list):
    """One commit per date: the register with that version at the head, and
    `_organisation.yml` as given (None: no such file in that commit)."""
    new_repo(root)
    for day, (date, text) in enumerate(zip(DATES, organisations)):
        commit(root, {"members.yml": REGISTER.format(date=date), "_organisation.yml": text}, when=day)
    return root


def read(root) -> tuple:
    """(the history, the git processes reading it took)."""
    history.clear_cache()
    start = history.git_calls
    found = history.read_history(root)
    return found, history.git_calls - start


def organisation_of(found, date: str) -> tuple:
    return found.version_text("members.yml", date).organisation


def test_organisation_texts_cost_no_git_process_of_their_own(tmp_path):
    without, calls_without = read(history_repo(tmp_path / "without", [None] * 4))
    changing, calls_with = read(history_repo(tmp_path / "with", [None, "controller: 1\n", "controller: 2\n", None]))
    assert calls_without == calls_with == 3  # rev-parse, one log, one cat-file --batch
    assert [organisation_of(without, date) for date in DATES] == [()] * 4
    assert [organisation_of(changing, date) for date in DATES] == [
        (), (("_organisation.yml", "controller: 1\n"),), (("_organisation.yml", "controller: 2\n"),), ()]


def test_organisation_is_the_one_in_the_versions_own_commit_across_a_merge(tmp_path):
    """A side branch changed the organisation file before the 2021 version was
    committed on main, and was merged after it: the log lists the branch's
    commit below the 2021 version's, yet the 2021 text never had it."""
    root = new_repo(tmp_path / "repo")
    commit(root, {"members.yml": REGISTER.format(date=DATES[0]), "_organisation.yml": "controller: main\n"}, when=0)
    repo_git(root, "checkout", "-q", "-b", "side")
    commit(root, {"_organisation.yml": "controller: side\n"}, when=1)
    repo_git(root, "checkout", "-q", "main")
    commit(root, {"members.yml": REGISTER.format(date=DATES[1])}, when=2)
    repo_git(root, "merge", "-q", "--no-edit", "side", when=3)
    commit(root, {"members.yml": REGISTER.format(date=DATES[2])}, when=4)
    found, calls = read(root)
    assert calls == 3
    assert organisation_of(found, DATES[1]) == (("_organisation.yml", "controller: main\n"),)
    assert organisation_of(found, DATES[2]) == (("_organisation.yml", "controller: side\n"),)
