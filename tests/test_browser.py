"""The built example site in a real browser: Debian's Chromium driven by
Playwright, the site served from 127.0.0.1, the network closed (a request to
any other origin is recorded and aborted, or answered by a stub).

Before any choice, after "Reject all" and after "Save my choices" with nothing
ticked nothing leaves the site; "Accept all" loads
the analytics; and everything the browser ends up holding is listed in the
generated cookie notice. Without Chromium or Playwright the tests are skipped,
and with CI=true they fail instead."""
from __future__ import annotations

import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from chromium_support import browser, origin, outcomes_without_chromium, squash  # noqa: F401 (fixtures)
from conftest import REPO
from hooks.cookies import undisclosed

pytestmark = pytest.mark.browser

LOCALES = {code: yaml.safe_load((REPO / "hooks" / "locales" / f"{code}.yml").read_text(encoding="utf-8"))
           for code in ("fi", "en")}
ANALYTICS = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["extra"]["analytics"]
MATOMO_JS = ANALYTICS["url"].rstrip("/") + "/matomo.js"
# Stands in for matomo.js: keeps the commands the page queued for Matomo, and
# sets the first-party cookies Matomo documents (names end with site id and domain hash).
MATOMO_STUB = """
window.__matomo_commands = JSON.parse(JSON.stringify(window._paq || []));
document.cookie = "_pk_id.1.a1b2=0123456789abcdef.1700000000.; path=/; max-age=34164000";
document.cookie = "_pk_ses.1.a1b2=1; path=/; max-age=1800";
"""


def disclosed(site, prefix: str = "", categories: tuple = ()) -> list[tuple[str, str]]:
    """(type, name) of every row of the generated cookie notice, optionally of some categories only."""
    rows = []
    for row in site.html(f"{prefix}cookies/index.html").select("tr[data-storage-name]"):
        assert row.select_one("code").get_text() == row["data-storage-name"]  # the attribute is the name shown
        category = row.find_parent("div", class_="notice-section").find_previous_sibling("h3")["id"]
        if not categories or category in categories:
            rows.append((row["data-storage-type"], row["data-storage-name"]))
    assert rows or categories
    return rows


class Visitor:
    """A fresh browser profile that records every request it makes."""

    def __init__(self, browser, origin: str, stubs: dict | None = None, init_script: str | None = None):
        self.origin, self.stubs = origin, stubs or {}
        self.context = browser.new_context()
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route("**/*", self._route)
        if init_script:
            self.context.add_init_script(init_script)
        self.page = self.context.new_page()

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.origin):
            route.continue_()
        elif url in self.stubs:
            route.fulfill(status=200, content_type="application/javascript", body=self.stubs[url])
        else:
            route.abort()

    def elsewhere(self, since: int = 0) -> list[str]:
        """Requests that left the site's origin."""
        return [u for u in self.requests[since:] if not u.startswith((self.origin, "data:", "blob:"))]

    def open(self, path: str) -> None:
        self.page.goto(self.origin + path, wait_until="load")

    def banner(self):
        return self.page.locator(".md-consent__inner")

    def choose(self, action: str) -> None:
        """Press accept (Accept all), reject (Reject all) or save (Save my choices, in
        the settings) in the banner; the choice is stored and the page reloads."""
        self.banner().wait_for(state="visible")
        with self.page.expect_event("load"):
            self.page.locator(f"form[name=consent] button[data-md-consent={action}]").click()

    def open_settings(self) -> None:
        self.banner().wait_for(state="visible")
        self.page.locator("form[name=consent] button[data-md-consent=settings]").click()
        self.page.locator("#__consent_settings").wait_for(state="visible")

    def ticked(self) -> dict:
        """Each consent checkbox of the banner: ticked or not."""
        return self.page.evaluate("() => Object.fromEntries([...document.querySelectorAll("
                                  "'form[name=consent] input[type=checkbox][name]')].map(b => [b.name, b.checked]))")

    def record(self):
        return self.page.evaluate('() => __md_get("__consent")')

    def storage(self) -> list[tuple[str, str]]:
        """Every cookie (of any domain) and storage key the browser holds."""
        found = [("cookie", cookie["name"]) for cookie in self.context.cookies()]
        web = self.page.evaluate("() => [Object.keys(localStorage), Object.keys(sessionStorage)]")
        return found + [("local-storage", key) for key in web[0]] + [("session-storage", key) for key in web[1]]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitor(browser, origin):
    made = []

    def make(**options) -> Visitor:
        made.append(Visitor(browser, origin, **options))
        return made[-1]
    yield make
    for one in made:
        one.close()


@pytest.mark.parametrize("prefix, lang", [("", "fi"), ("en/", "en")])
def test_before_any_choice_nothing_leaves_the_site_and_the_banner_speaks_the_page_language(
        visitor, origin, example_site, prefix, lang):
    visit = visitor(stubs={MATOMO_JS: MATOMO_STUB})
    texts = LOCALES[lang]["cookies"]
    visit.open(prefix)
    visit.banner().wait_for(state="visible")
    assert visit.page.locator("html").get_attribute("lang") == lang
    assert visit.banner().locator("h2").inner_text() == texts["banner"]["title"]
    description = squash(visit.banner().locator("p").first.inner_text())
    assert description.startswith(squash(texts["banner"]["description"]))
    assert description.endswith(texts["banner"]["read_more"])
    # the banner's link leads to the cookie notice in the same language, which asks again
    visit.banner().get_by_role("link", name=texts["banner"]["read_more"]).click()
    visit.page.wait_for_url(origin + prefix + "cookies/")
    visit.banner().wait_for(state="visible")
    visit.open(prefix + "notices/website-visitors/")
    visit.banner().wait_for(state="visible")
    assert visit.elsewhere() == []
    assert len(visit.requests) > 10
    stored = visit.storage()
    # only what needs no consent, and all of it disclosed
    assert undisclosed(stored, disclosed(example_site, prefix, ("necessary", "preferences"))) == []
    # and in fact nothing: the colour scheme is stored only once the visitor changes it
    assert stored == []


def test_accept_loads_the_analytics_and_withdrawal_stops_it(visitor, example_site):
    visit = visitor(stubs={MATOMO_JS: MATOMO_STUB})
    visit.open("")
    visit.banner().wait_for(state="visible")
    assert MATOMO_JS not in visit.requests
    before = visit.page.evaluate("() => Date.now()")
    visit.choose("accept")
    visit.page.wait_for_function("() => window.__matomo_commands !== undefined")
    record = visit.record()
    # the record: each category, when the choice was made, which inventory version it answered
    assert set(record) == {"analytics", "given", "version"} and record["analytics"] is True
    assert abs(visit.page.evaluate("g => Date.parse(g)", record["given"]) - before) < 60_000
    assert re.fullmatch(r"[0-9a-f]{12}", record["version"])
    assert visit.elsewhere() == [MATOMO_JS]  # requested once the page reloaded with consent; nothing else
    commands = visit.page.evaluate("() => window.__matomo_commands")
    assert ["setSiteId", str(ANALYTICS["property"])] in commands and ["trackPageView"] in commands
    assert ["setTrackerUrl", ANALYTICS["url"].rstrip("/") + "/matomo.php"] in commands
    visit.open("en/notices/")
    visit.page.wait_for_function("() => window.__matomo_commands !== undefined")  # the choice holds in English too
    stored = visit.storage()
    assert ("cookie", "_pk_id.1.a1b2") in stored and ("local-storage", "/.__consent") in stored
    for prefix in ("", "en/"):
        assert undisclosed(stored, disclosed(example_site, prefix)) == []

    # withdraw through the footer link: the analytics cookies go, and nothing is loaded any more
    visit.page.locator(".md-copyright__cookies a[href='#__consent']").click()
    assert visit.banner().locator("input[name=analytics]").is_checked()
    since = len(visit.requests)
    visit.choose("reject")
    visit.open("notices/")
    visit.page.reload(wait_until="load")
    assert visit.elsewhere(since) == []
    assert [name for kind, name in visit.storage() if name.startswith("_pk_")] == []


def test_after_reject_nothing_leaves_the_site_also_after_reload_and_navigation(visitor, example_site):
    visit = visitor(stubs={MATOMO_JS: MATOMO_STUB})
    visit.open("notices/")
    visit.choose("reject")
    visit.page.reload(wait_until="load")
    with visit.page.expect_event("load"):
        visit.page.locator(".md-copyright__cookies a").first.click()  # to the cookie notice
    assert visit.page.url.endswith("/cookies/")
    visit.page.locator("label[for^=__palette]:visible").first.click()  # a setting of the preferences category
    visit.open("en/")
    visit.open("en/notices/website-visitors/")
    visit.page.go_back(wait_until="load")
    visit.page.reload(wait_until="load")
    assert not visit.banner().is_visible()
    assert visit.record()["analytics"] is False  # remembered: no category accepted
    assert visit.elsewhere() == []
    assert visit.page.evaluate("() => typeof window._paq") == "undefined"
    stored = visit.storage()
    assert ("local-storage", "/.__palette") in stored
    assert undisclosed(stored, disclosed(example_site, "", ("necessary", "preferences"))) == []


def test_an_undisclosed_key_set_by_a_page_is_reported(visitor, example_site):
    visit = visitor(init_script="localStorage.setItem('tracker', '1')")
    visit.open("")
    visit.choose("reject")
    assert undisclosed(visit.storage(), disclosed(example_site)) == [("local-storage", "tracker")]


def test_settings_opened_first_tick_nothing_and_saving_them_untouched_refuses(visitor, example_site):
    visit = visitor(stubs={MATOMO_JS: MATOMO_STUB})
    visit.open("")
    visit.open_settings()
    assert visit.ticked() == {"analytics": False}
    assert visit.page.locator("form[name=consent] input[name=analytics]").is_visible()
    # the settings button says it opened them, and the keyboard lands on the first box
    assert visit.page.locator("button[data-md-consent=settings]").get_attribute("aria-expanded") == "true"
    assert visit.page.evaluate("() => document.activeElement.name") == "analytics"
    visit.choose("save")  # Save my choices, nothing ticked
    assert not visit.banner().is_visible()
    assert visit.record()["analytics"] is False
    visit.open("notices/website-visitors/")
    visit.page.reload(wait_until="load")
    assert visit.elsewhere() == [] and MATOMO_JS not in visit.requests
    assert [name for kind, name in visit.storage() if kind == "cookie"] == []
    assert visit.page.evaluate("() => typeof window._paq") == "undefined"
    # reopened, the settings show the choice as made: still nothing ticked
    visit.page.locator(".md-copyright__cookies a[href='#__consent']").click()
    visit.open_settings()
    assert visit.ticked() == {"analytics": False}


def test_ticking_analytics_in_the_settings_and_saving_loads_it(visitor):
    visit = visitor(stubs={MATOMO_JS: MATOMO_STUB})
    visit.open("en/")
    visit.open_settings()
    visit.page.locator("form[name=consent] label:has(input[name=analytics])").click()
    assert visit.ticked() == {"analytics": True}
    visit.choose("save")
    visit.page.wait_for_function("() => window.__matomo_commands !== undefined")
    assert visit.elsewhere() == [MATOMO_JS] and visit.record()["analytics"] is True


class _Switchable(SimpleHTTPRequestHandler):
    """Serves whichever built site `root["site"]` names at the moment: the same
    origin, and so the same browser storage, before and after a change."""
    root: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(self.root["site"]), **kwargs)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def with_marketing(tmp_path_factory, example_site):
    """The example site after a marketing cookie was added to its inventory."""
    root = tmp_path_factory.mktemp("marketing") / "site-project"
    shutil.copytree(example_site.root, root, symlinks=True, ignore=shutil.ignore_patterns("site"))
    path = root / "registers" / "_cookies.yml"
    path.write_text(_insert_item(path.read_text(encoding="utf-8")), encoding="utf-8")
    project = type(example_site)(root)
    result = project.build()
    assert result.returncode == 0, result.stderr
    return project


def _insert_item(text: str) -> str:
    """A marketing item at the end of `storage:` (before `analytics:`)."""
    item = ("  - name: ad_id\n    type: cookie\n    provider: Mainos Oy\n    party: third\n"
            "    category: marketing\n    purpose: {fi: Mainosten mittaus., en: Measuring advertising.}\n"
            "    duration: 3 months\n\n")
    assert "\nanalytics:\n" in text
    return text.replace("\nanalytics:\n", "\n" + item + "analytics:\n", 1)


def test_a_new_consent_category_asks_again_a_visitor_who_had_chosen(browser, example_site, with_marketing):
    _Switchable.root = {"site": example_site.site}
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Switchable)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    visit = Visitor(browser, f"http://127.0.0.1:{server.server_address[1]}/", stubs={MATOMO_JS: MATOMO_STUB})
    try:
        visit.open("")
        visit.choose("accept")
        visit.page.wait_for_function("() => window.__matomo_commands !== undefined")
        first = visit.record()
        visit.page.reload(wait_until="load")
        visit.page.wait_for_timeout(600)
        assert not visit.banner().is_visible()  # chosen: not asked again while nothing changes
        _Switchable.root["site"] = with_marketing.site  # the inventory now has a marketing cookie
        since = len(visit.requests)
        visit.open("notices/")
        visit.banner().wait_for(state="visible")  # asked again
        assert MATOMO_JS not in visit.requests[since:]  # the old answer no longer loads analytics
        visit.open_settings()
        assert visit.ticked() == {"analytics": False, "marketing": False}
        visit.choose("accept")
        visit.page.wait_for_function("() => window.__matomo_commands !== undefined")
        second = visit.record()
        assert second["version"] != first["version"] and second["marketing"] is True
    finally:
        visit.close()
        server.shutdown()
        server.server_close()


def test_with_ci_a_missing_browser_fails_instead_of_skipping(tmp_path):
    """Runs this module's first test in a subprocess with Chromium pointed elsewhere."""
    outcomes = outcomes_without_chromium(Path(__file__), "before_any_choice", tmp_path)
    code, output = outcomes["true"]
    assert code != 0 and "with CI=true the browser tests must run" in output and "skipped" not in output
    code, output = outcomes[""]
    assert code == 0 and "2 skipped" in output
