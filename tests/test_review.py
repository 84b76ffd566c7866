"""`python -m hooks review` (issue 12) on fixture git repositories, the
GitHub workflows, and the site under a sub-path. Reports are checked for the
facts they must contain, never against a stored copy."""
from __future__ import annotations

import copy
import datetime as dt
import json
import posixpath
import re
from urllib.parse import urlsplit, unquote

import pytest
import yaml

from conftest import FIXTURES, REPO, make_project
from test_history import (ACCOUNTANT, PAPER, V2020, V2022, commit_registers, git, members, version, write)

WORKFLOWS = REPO / ".github" / "workflows"
TODAY = dt.date.today()


def review(site, *args):
    return site.run("-m", "hooks", "review", "-f", "mkdocs.yml", *args)


def review_json(site, *args) -> tuple[int, dict]:
    result = review(site, "--format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


@pytest.fixture
def site(tmp_path):
    """The minimal fixture with a members register committed at 2022."""
    site = make_project(tmp_path / "review", registers=FIXTURES / "minimal")
    write(site, members(versions=[V2022, V2020, PAPER]))
    commit_registers(site, "base")
    return site


NEW = version(TODAY.isoformat(), "Muutoksia.", "Changes.")


def test_acceptance_example_site_change_in_both_languages(tmp_path):
    site = make_project(tmp_path / "example")
    path = site.registers / "newsletter.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["purposes"][0] = {"fi": data["purposes"][0]["fi"] + " Myös kahvikurssit.",
                           "en": data["purposes"][0]["en"] + " Also coffee courses."}
    data["versions"].insert(0, {"date": TODAY, "summary": {"fi": "Kahvikurssit.", "en": "Coffee courses."}})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    commit_registers(site, "Coffee courses")
    result = review(site, "--base", "HEAD~1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert data["name"]["fi"] in result.stdout and "`newsletter`" in result.stdout
    inserted = re.findall(r"<ins>(.*?)</ins>", result.stdout)
    assert any("kahvikurssit." in i for i in inserted) and any("courses." in i for i in inserted)
    assert "#### fi" in result.stdout and "#### en" in result.stdout
    # a second change without a new versions entry
    data["purposes"][0]["fi"] += " Ja paahtokurssit."
    data["purposes"][0]["en"] += " And roasting courses."
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    commit_registers(site, "Roasting courses, no version entry")
    result = review(site, "--base", "HEAD~1")
    assert result.returncode == 1
    assert "registers/newsletter.yml" in result.stdout and "has no new entry" in result.stdout


def test_every_kind_of_structured_change_is_named_and_flagged(site):
    old = members(versions=[V2022, V2020, PAPER])
    new = members(versions=[NEW, V2022, V2020, PAPER])
    new["purposes"] = old["purposes"] + [{"fi": "Tapahtumien järjestäminen", "en": "Organising events"}]
    new["legal_bases"] = [old["legal_bases"][0], {"basis": "a"}]
    new["data_categories"] = old["data_categories"] + [{"fi": "Syntymäaika", "en": "Date of birth"}]
    new["special_categories"] = [{"category": "health", "condition": "a"}]
    new["disclosures"] = [ACCOUNTANT]
    new["processors"] = [{"name": "Pilvipalvelu Kuvitteellinen Oy", "purpose": {"fi": "Palvelin.", "en": "Server."}}]
    new["transfers"] = [{"destination": {"fi": "Yhdysvallat", "en": "United States"}, "recipient": "Example Cloud Inc.",
                         "safeguard": "standard-contractual-clauses"}]
    new["retention"] = [{"period": {"fi": "Kaksi vuotta", "en": "Two years"}}]
    new["automated_decisions"] = {"logic": {"fi": "Pisteytys.", "en": "Scoring."},
                                  "consequences": {"fi": "Hylkäys.", "en": "Refusal."}}
    write(site, new)
    code, report = review_json(site, "--base", "HEAD")
    assert code == 0, report["blocking"]
    [entry] = report["registers"]
    assert entry["id"] == "members" and entry["status"] == "changed" and entry["languages"] == ["fi", "en"]
    kinds = {c["kind"] for c in entry["changes"]["en"]}
    assert {"purpose_added", "legal_basis_added", "legal_basis_removed", "data_category_added",
            "special_category_added", "recipient_added", "processor_added", "transfer_added",
            "retention_changed", "automated_decisions_added"} <= kinds
    texts = [c["text"] for c in entry["changes"]["en"]]
    assert "New transfer outside the EU/EEA: United States (Example Cloud Inc.)" in texts
    assert "Retention period changed for All personal data: For the duration of the membership → Two years" in texts \
        or any(t.startswith("Retention period changed for") and "Two years" in t for t in texts)
    assert all(c["legal_review"] for c in entry["changes"]["en"])
    markdown = review(site, "--base", "HEAD").stdout
    assert ":warning: **Jäsenrekisteri** (en): New recipient: Tilitoimisto Kuvitteellinen Oy" in markdown
    assert "Uusi vastaanottaja: Tilitoimisto Kuvitteellinen Oy" in markdown
    assert "<details>" in markdown and "</details>" in markdown


def test_removed_items_are_named_too(site):
    write(site, members(versions=[V2022, V2020, PAPER], legal_bases=[{"basis": "b"}],
                        disclosures=[ACCOUNTANT]))
    commit_registers(site, "with accountant")
    write(site, members(versions=[NEW, V2022, V2020, PAPER]))
    code, report = review_json(site, "--base", "HEAD")
    kinds = {c["kind"] for c in report["registers"][0]["changes"]["en"]}
    assert {"recipient_removed", "legal_basis_added"} <= kinds


def test_changed_content_without_version_entry_blocks(site):
    write(site, members(purposes=[{"fi": "Muu", "en": "Other"}], versions=[V2022, V2020, PAPER]))
    code, report = review_json(site, "--base", "HEAD")
    assert code == 1
    assert any("registers/members.yml" in b and "has no new entry" in b for b in report["blocking"])


def test_rewritten_published_summary_blocks(site):
    rewritten = copy.deepcopy(V2022)
    rewritten["summary"]["fi"] = "Jotain muuta."
    write(site, members(versions=[rewritten, V2020, PAPER]))
    code, report = review_json(site, "--base", "HEAD")
    assert code == 1
    assert any("summary of the published version of 2022-03-01 was rewritten" in b for b in report["blocking"])


def test_text_changed_in_one_language_only_blocks_unless_declared(site):
    data = members(versions=[NEW, V2022, V2020, PAPER])
    data["purposes"] = [{"fi": "Jäsenasioiden hoitaminen", "en": "Managing membership"}]
    write(site, data)
    result = review(site, "--base", "HEAD")
    assert result.returncode == 1
    assert "registers/members.yml:" in result.stdout and "purposes[1]:" in result.stdout and "changed in fi but not in en" in result.stdout
    declared = copy.deepcopy(NEW)
    declared["changed_languages"] = ["fi"]
    data["versions"] = [declared, V2022, V2020, PAPER]
    write(site, data)
    assert site.check().returncode == 0  # the marker is part of the register format
    result = review(site, "--base", "HEAD")
    assert result.returncode == 0, result.stdout
    assert "### Awaiting translation" in result.stdout and "purposes[1] (en)" in result.stdout


def test_what_check_rejects_blocks(site):
    site.write_register("members.yml", "name: {fi: Vain nimi}\n")
    result = review(site, "--base", "HEAD")
    assert result.returncode == 1
    assert "`python -m hooks check` rejects it" in result.stdout and "registers/members.yml" in result.stdout


def test_organisation_defaults_only(site):
    path = site.registers / "_organisation.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["controller"]["phone"] = "+358 40 000 9999"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    code, report = review_json(site, "--base", "HEAD")
    assert code == 0, report["blocking"]
    assert report["registers"] == []
    [shared] = [s for s in report["shared"] if s["file"] == "registers/_organisation.yml"]
    ids = sorted(p.stem for p in site.registers.glob("[!_]*.yml"))
    assert shared["affects"] == [i for i in ids if "controller" not in yaml.safe_load(
        (site.registers / f"{i}.yml").read_text(encoding="utf-8"))]
    assert "members" in shared["affects"]
    markdown = review(site, "--base", "HEAD").stdout
    assert "`registers/_organisation.yml` changed; affects:" in markdown and "`members`" in markdown


def test_renamed_register(site):
    git(site.root, "mv", "registers/members.yml", "registers/association-members.yml")
    code, report = review_json(site, "--base", "HEAD")
    assert code == 0, report["blocking"]
    [entry] = report["registers"]
    assert entry["id"] == "association-members" and entry["status"] == "renamed" and entry["renamed_from"] == "members"
    assert "renamed from `members`" in review(site, "--base", "HEAD").stdout


def test_deleted_register(site):
    (site.registers / "members.yml").unlink()
    code, report = review_json(site, "--base", "HEAD")
    assert code == 0
    assert [(r["id"], r["status"]) for r in report["registers"]] == [("members", "removed")]


def test_head_revision_and_added_register(site):
    write(site, members(versions=[V2020]), name="volunteers.yml")
    commit_registers(site, "volunteers")
    code, report = review_json(site, "--base", "HEAD~1", "--head", "HEAD")
    assert code == 0 and [(r["id"], r["status"]) for r in report["registers"]] == [("volunteers", "added")]
    assert review(site, "--base", "no-such-rev").returncode == 2


# ---- workflows -------------------------------------------------------------------

def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def steps(data: dict) -> list:
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def commands(data: dict) -> list[str]:
    """The project's own commands the workflow runs (python, mkdocs), one per line."""
    lines = []
    for step in steps(data):
        for line in step.get("run", "").splitlines():
            line = line.strip().replace('"origin/${{ github.base_ref }}"', "origin/main")
            line = line.split(" > ")[0]
            if line.startswith(("python", "mkdocs")):
                lines.append(line)
    return lines


def test_workflows_are_valid_pinned_and_fetch_the_full_history():
    for name in ("pull-request.yml", "deploy.yml"):
        data = workflow(name)
        assert data["jobs"] and (True in data or "on" in data)  # PyYAML reads `on:` as True
        for step in steps(data):
            if "uses" in step:
                action, _, ref = step["uses"].partition("@")
                assert re.fullmatch(r"v\d+\.\d+\.\d+", ref), f"{name}: {step['uses']} is not pinned to a version"
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["fetch-depth"] == 0
    deploy = workflow("deploy.yml")
    triggers = deploy[True]
    assert triggers["push"]["branches"] == ["main"] and triggers["schedule"][0]["cron"].split()[2:] == ["*", "*", "*"]
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in steps(deploy))
    pr = workflow("pull-request.yml")
    assert "pull_request" in pr[True]
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") for s in steps(pr))
    script = next(s["with"]["script"] for s in steps(pr) if s.get("uses", "").startswith("actions/github-script@"))
    assert "updateComment" in script and "createComment" in script  # its own comment, updated


def test_workflow_commands_are_the_readmes():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([^`\n]+)`", readme)) | {line.strip() for line in readme.splitlines()}
    for name, expected in (("pull-request.yml", ["python3 -m pip install -r requirements.txt", "mkdocs build --strict",
                                                 "python -m hooks review --base origin/main"]),
                           ("deploy.yml", ["python3 -m pip install -r requirements.txt", "mkdocs build --strict"])):
        found = commands(workflow(name))
        assert found == expected, name
        for command in found:
            assert command in documented, f"{name} runs `{command}`, which README.md does not show"


# ---- a project page under a sub-path ----------------------------------------------

SUB_PATH_URL = "https://example.github.io/privacy/"


def test_every_internal_link_resolves_under_a_sub_path(tmp_path):
    site = make_project(tmp_path / "subpath")
    config = site.config()
    config["site_url"] = SUB_PATH_URL
    site.write_config(config)
    result = site.build()
    assert result.returncode == 0, result.stderr
    from bs4 import BeautifulSoup
    pages = sorted(site.site.rglob("*.html"))
    assert len(pages) > 20
    checked = 0
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        here = "/privacy/" + page.relative_to(site.site).as_posix()
        for tag, attribute in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for element in soup.find_all(tag):
                url = element.get(attribute)
                if not url or url.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
                    continue
                parts = urlsplit(url)
                if parts.scheme or parts.netloc:
                    if not url.startswith(SUB_PATH_URL):
                        continue  # external
                    path = urlsplit(url).path
                elif parts.path.startswith("/"):  # as a browser reads it: /privacy/. is /privacy/
                    path = posixpath.normpath(parts.path) + ("/" if parts.path.endswith(("/", ".")) else "")
                else:
                    path = posixpath.normpath(posixpath.join(posixpath.dirname(here), parts.path)) + (
                        "/" if parts.path.endswith(("/", ".")) or not parts.path else "")
                if not parts.path and not parts.netloc:
                    continue  # a query or fragment on this page
                assert path.startswith("/privacy/"), f"{page}: {url} leaves the site's sub-path"
                target = site.site / unquote(path[len("/privacy/"):])
                if path.endswith("/"):
                    target = target / "index.html"
                assert target.is_file(), f"{page.relative_to(site.site)}: {tag} {url} -> {target} not built"
                checked += 1
    assert checked > 300  # links were found and followed
