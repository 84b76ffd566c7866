"""Two builds of the same sources give byte-identical sites, so a deployment
diff shows only real changes. Dates come from the register data or from
SOURCE_DATE_EPOCH, never from the clock."""
from __future__ import annotations

import datetime as dt
import gzip
import re
import subprocess
import sys
import time

import yaml

from conftest import make_project, register_files, run_env, tree_digest

DAY_ONE = 1_700_000_000  # 2023-11-14 22:13:20 UTC
DAY_TWO = DAY_ONE + 3 * 86_400 + 3_600


def build(site, epoch: int | None) -> dict:
    env = run_env()
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=site.root, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return tree_digest(site.site)


def lastmods(site) -> dict:
    text = (site.site / "sitemap.xml").read_text(encoding="utf-8")
    return dict(re.findall(r"<loc>(.*?)</loc>\s*<lastmod>(.*?)</lastmod>", text))


def test_two_builds_in_different_folders_and_seconds_are_identical(tmp_path):
    first, second = make_project(tmp_path / "one" / "p"), make_project(tmp_path / "two" / "site-project")
    one = build(first, DAY_ONE)
    time.sleep(1.1)  # a clock read anywhere would now give another second
    two = build(second, DAY_ONE)
    assert {"sitemap.xml", "sitemap.xml.gz", "search/search_index.json", "notices/index.html"} <= set(one)
    assert one == two
    assert build(first, DAY_ONE) == one  # and a rebuild over an existing site


def test_only_hand_written_pages_take_their_date_from_the_clock(tmp_path):
    site = make_project(tmp_path / "p")
    one = build(site, DAY_ONE)
    dates_one = lastmods(site)
    two = build(site, DAY_TWO)
    dates_two = lastmods(site)
    assert {path for path in one if one[path] != two.get(path)} == {"sitemap.xml", "sitemap.xml.gz"}
    assert gzip.decompress((site.site / "sitemap.xml.gz").read_bytes()) == (site.site / "sitemap.xml").read_bytes()

    changed = {loc for loc in dates_one if dates_one[loc] != dates_two[loc]}
    assert changed and not any("notices/" in loc for loc in changed)  # the hand-written pages
    day_two = dt.datetime.fromtimestamp(DAY_TWO, dt.timezone.utc).date().isoformat()
    assert {dates_two[loc] for loc in changed} == {day_two}
    # A notice's <lastmod> is its own last update, from the data; the index's is the newest of them.
    updated = {path.stem: str(yaml.safe_load(path.read_text(encoding="utf-8"))["versions"][0]["date"])
               for path in register_files(site.registers)}
    notices = {loc: m.group(1) for loc in dates_two if (m := re.search(r"notices/([a-z0-9-]*)/?$", loc))}
    # A version's page and its changes page: the date the version took effect.
    for loc in dates_two:
        version = re.search(r"notices/[a-z0-9-]+/(\d{4}-\d{2}-\d{2})/(?:changes/)?$", loc)
        if version is not None:
            assert dates_one[loc] == dates_two[loc] == version.group(1), loc
    assert len(notices) == 2 * (len(updated) + 1)  # two languages
    for loc, register_id in notices.items():
        expected = updated[register_id] if register_id else max(updated.values())
        assert dates_one[loc] == dates_two[loc] == expected, loc
