"""The example site for everyone (WCAG 2.1 AA), in a real browser: Debian's
Chromium through Playwright, the site served from 127.0.0.1 with the network
closed, axe-core (vendored by the axe-playwright-python package) injected
into each page.

- axe finds nothing (WCAG 2.0/2.1 A and AA) on one page of every kind in every
  built language, on a desktop and a phone, light and dark, with the consent
  banner open and after a choice. Kinds are found by walking the built site,
  so pages added later (archives, changes) are checked too.
- The banner and the footer's cookie-settings link work from the keyboard.
- No page scrolls sideways at 320 px, nor at 200 % text size.
- A notice printed to PDF (A4) holds its full text and nothing of the site's
  banner or navigation.

Without Chromium, Playwright or axe-core the tests are skipped, and with
CI=true they fail instead."""
from __future__ import annotations

import functools
import io
import time
import re
from pathlib import Path

import pytest
import yaml

from chromium_support import browser, origin, outcomes_without_chromium, squash, unavailable  # noqa: F401 (fixtures)
from conftest import REPO, register_files

browser_test = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = {"": "fi", "en/": "en"}  # the example site's URL prefix of each built language
LOCALES = {code: yaml.safe_load((REPO / "hooks" / "locales" / f"{code}.yml").read_text(encoding="utf-8"))
           for code in LANGUAGES.values()}
REGISTER_IDS = {path.stem for path in register_files()}
CONSENT = "[data-md-component=consent]"
BANNER_FORM = "form[name=consent]"


@pytest.fixture(scope="module")
def axe_source() -> str:
    try:
        import axe_playwright_python
    except ImportError:
        unavailable("the Python package axe-playwright-python (axe-core) is not installed")
    path = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    if not path.is_file():
        unavailable(f"axe-core is missing from {path.parent}")
    return path.read_text(encoding="utf-8")


# --- which pages: one of every kind in every language, found in the built site

def page_kind(path: str) -> tuple[str, str]:
    """(language prefix, kind) of a built page: 'notices/{id}/index.html' for
    every notice, a date or number in the path as '{n}'."""
    prefix = next((p for p in sorted(LANGUAGES, key=len, reverse=True) if p and path.startswith(p)), "")
    parts = path[len(prefix):].split("/")
    kind = "/".join("{id}" if part in REGISTER_IDS else "{n}" if re.fullmatch(r"[\d.-]+", part) else part
                    for part in parts)
    return prefix, kind


def built_pages(site) -> list[str]:
    return sorted(p.relative_to(site.site).as_posix() for p in site.site.rglob("*.html")
                  if p.name in ("index.html", "404.html"))


def sample_pages(site) -> list[str]:
    """One page of each kind per language; among notices a different one per
    language, so that more registers are seen."""
    kinds: dict = {}
    for path in built_pages(site):
        kinds.setdefault(page_kind(path), []).append(path)
    chosen = []
    for (prefix, kind), paths in sorted(kinds.items()):
        chosen.append(paths[list(LANGUAGES).index(prefix) % len(paths)])
    return chosen


def url_path(path: str) -> str:
    return path[: -len("index.html")] if path.endswith("index.html") else path


def test_the_sample_covers_every_kind_of_page_in_every_language(example_site):
    pages = sample_pages(example_site)
    kinds = {page_kind(p) for p in pages}
    for prefix in LANGUAGES:
        for kind in ("index.html", "notices/index.html", "notices/{id}/index.html", "cookies/index.html"):
            assert (prefix, kind) in kinds
    assert ("", "404.html") in kinds
    assert len(kinds) == len(pages)


# --- the structure, from the built HTML

def test_every_page_has_one_h1_headings_without_gaps_header_cells_with_scope_and_its_language(example_site):
    from bs4 import BeautifulSoup
    for path in built_pages(example_site):
        page = BeautifulSoup((example_site.site / path).read_text(encoding="utf-8"), "html.parser")
        prefix, _ = page_kind(path)
        # the one 404 page is written by the last language's build (mkdocs-static-i18n)
        assert page.html["lang"] == LANGUAGES[prefix] or (path == "404.html" and page.html["lang"] in LOCALES), path
        assert len(page.find_all("h1")) == 1, path
        # the outline of the content and, after it, the consent banner's
        levels = [int(h.name[1]) for h in page.select(
            "article :is(h1, h2, h3, h4, h5, h6), form[name=consent] :is(h1, h2, h3, h4, h5, h6)")]
        assert levels and levels[0] == 1, path
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, f"{path}: h{before} followed by h{after}"
        for cell in page.select("article th"):
            assert cell.get("scope") in ("col", "row", "colgroup", "rowgroup"), f"{path}: {cell}"
        for table in page.select("article table"):
            headers = [squash(th.get_text()) for th in table.select("thead th")]
            for row in table.select("tbody tr"):
                cells = row.find_all(["td", "th"], recursive=False)
                assert [c.get("data-label") for c in cells] == headers[: len(cells)], f"{path}: {row}"


# --- axe-core

VIEWS = [pytest.param(1280, "light", id="1280px-light"), pytest.param(390, "light", id="390px-light"),
         pytest.param(1280, "dark", id="1280px-dark"), pytest.param(390, "dark", id="390px-dark")]


# What a browser may ask a page to do: nothing leaves 127.0.0.1.
def _route(origin: str, route) -> None:
    url = route.request.url
    # The search index: the theme's worker indexes it on every page load, which
    # is CPU these tests need (the search box itself is on every page, and checked).
    if url.startswith(origin) and "/search/search_index.json" not in url:
        route.continue_()
    else:
        route.abort()


def new_page(browser, origin: str, width: int, scheme: str = "light", height: int = 800, axe_source: str = ""):
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    context.route("**/*", functools.partial(_route, origin))
    if axe_source:
        context.add_init_script(script=axe_source)
    return context, context.new_page()


def axe_violations(page, rules: dict) -> list[str]:
    result = page.evaluate("runOnly => axe.run(document, {runOnly, resultTypes: ['violations']})", rules)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]} {v['nodes'][0]['failureSummary']}"
            for v in result["violations"]]


def wait_until_still(page, seconds: float = 10) -> None:
    """Until no animation runs (polled with evaluate: the site's CSP forbids
    the eval that wait_for_function uses)."""
    deadline = time.monotonic() + seconds
    while page.evaluate("document.getAnimations().some(a => a.playState === 'running')"):
        assert time.monotonic() < deadline, "an animation still runs"
        page.wait_for_timeout(50)


def banner_visible(page) -> bool:
    return page.locator(f"{CONSENT} {BANNER_FORM}").is_visible()


def make_a_choice(page) -> None:
    """The banner's first choice: Accept all."""
    button = page.locator(f"{BANNER_FORM} button[data-md-consent=accept]")
    with page.expect_event("load"):
        button.click()


@browser_test
@pytest.mark.parametrize("width, scheme", VIEWS)
def test_axe_finds_no_wcag_violation_on_any_kind_of_page(browser, origin, example_site, axe_source, width, scheme):
    """All WCAG 2.0/2.1 A and AA rules in the light scheme; in the dark one,
    which changes colours only (the same HTML), the rules about colours."""
    pages = sample_pages(example_site)
    rules = {"type": "tag", "values": AXE_TAGS} if scheme == "light" else \
        {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}
    context, page = new_page(browser, origin, width, scheme, axe_source=axe_source)
    found = []
    try:
        for state in ("banner open", "after a choice"):
            for path in pages:
                page.goto(origin + url_path(path), wait_until="load")
                expected = "slate" if scheme == "dark" else "default"
                assert page.locator("body").get_attribute("data-md-color-scheme") == expected
                if state == "banner open":
                    page.locator(f"{CONSENT} {BANNER_FORM}").wait_for(state="visible")
                    # the banner fades in: colours are measured once it is fully there
                    wait_until_still(page)
                else:
                    assert not banner_visible(page), path
                found += [f"{path} [{state}]: {v}" for v in axe_violations(page, rules)]
            if state == "banner open":
                make_a_choice(page)
    finally:
        context.close()
    assert found == []


# --- keyboard

def focused(page) -> dict:
    """The focused element; `ring`: its focus is drawn (an outline or a shadow),
    on itself or, for a control drawn by its label (opacity 0, as the theme's
    toggles and checkboxes), on that label or something in it."""
    return page.evaluate("""() => {
        const e = document.activeElement;
        const drawn = el => { const s = getComputedStyle(el);
            return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; };
        const label = getComputedStyle(e).opacity === '0' && e.labels && e.labels[0];
        const ring = label ? [label, ...label.querySelectorAll('*')].some(drawn) : drawn(e);
        return {tag: e.tagName.toLowerCase(), text: (e.innerText || '').trim(), key: e.id || e.name || (e.innerText || '').trim(),
                href: e.getAttribute('href') || '', inBanner: !!e.closest('form[name=consent]'), ring};
    }""")


def tab_until(page, wanted, limit: int = 250) -> list[dict]:
    """Press Tab until `wanted(focused element)`; every element passed on the way."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        passed.append(focused(page))
        if wanted(passed[-1]):
            return passed
    raise AssertionError(f"not reached with {limit} presses of Tab; passed {[p['tag'] + ':' + p['text'][:20] for p in passed]}")


@browser_test
def test_the_banner_and_the_footer_cookie_settings_work_from_the_keyboard(browser, origin, example_site):
    context, page = new_page(browser, origin, 1280)
    try:
        page.goto(origin + "notices/", wait_until="load")
        form = page.locator(f"{CONSENT} {BANNER_FORM}")
        form.wait_for(state="visible")
        # every choice is a button named by its visible text
        buttons = form.get_by_role("button")
        names = [squash(buttons.nth(i).inner_text()) for i in range(buttons.count())
                 if buttons.nth(i).is_visible()]
        assert len(names) >= 2 and all(names)
        for name in names:
            assert form.get_by_role("button", name=name, exact=True).count() >= 1
        # each control the banner shows is reached by Tab, with a visible focus ring
        # (not the hidden toggle behind the settings button: out of the tab order by design)
        controls = form.locator("a, button, input:not([tabindex='-1']), select, textarea, label.md-button")
        expected = set()
        for i in range(controls.count()):
            control = controls.nth(i)
            if control.is_visible():
                expected.add(control.evaluate("e => e.htmlFor || e.id || e.name || e.innerText.trim()"))
        reached = {}
        page.locator("body").focus()
        for _ in range(300):
            page.keyboard.press("Tab")
            element = focused(page)
            if element["inBanner"]:
                reached[element["key"]] = element
                if expected <= set(reached):
                    break
        assert expected <= set(reached), f"not reached by Tab: {expected - set(reached)}"
        assert all(element["ring"] for element in reached.values()), reached
        # a choice made with Enter closes the banner and is remembered
        page.locator("body").focus()
        tab_until(page, lambda e: e["inBanner"] and e["tag"] == "button")
        with page.expect_event("load"):
            page.keyboard.press("Enter")
        page.goto(origin + "en/notices/", wait_until="load")
        assert not banner_visible(page)
        # the footer's cookie-settings link opens the banner again from the keyboard
        link = tab_until(page, lambda e: e["href"].endswith("#__consent") and not e["inBanner"])[-1]
        assert link["ring"]
        page.keyboard.press("Enter")
        form.wait_for(state="visible")
        tab_until(page, lambda e: e["inBanner"] and e["tag"] == "button", limit=20)
    finally:
        context.close()


# --- reflow and text size

def document_overflow(page) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")


@browser_test
def test_no_page_scrolls_sideways_at_320_px_or_at_200_percent_text(browser, origin, example_site):
    pages = built_pages(example_site)
    wide = []
    context, page = new_page(browser, origin, 320, height=640)
    try:
        for path in pages:
            page.goto(origin + url_path(path), wait_until="load")
            scroll, viewport = document_overflow(page)
            assert viewport == 320
            if scroll > viewport:
                wide.append(f"{path} at 320 px: {scroll} px wide")
    finally:
        context.close()
    context, page = new_page(browser, origin, 1280)
    try:
        page.goto(origin, wait_until="load")
        normal = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
        # the browser's text size setting (not zoom): default 16 px -> 32 px
        context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
        for path in sample_pages(example_site):
            page.goto(origin + url_path(path), wait_until="load")
            size = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
            assert size >= 2 * normal * 0.95, (size, normal)
            scroll, viewport = document_overflow(page)
            if scroll > viewport:
                wide.append(f"{path} at 200 % text: {scroll} px wide in {viewport}")
    finally:
        context.close()
    assert wide == []


@browser_test
def test_a_table_on_a_phone_is_stacked_rows_and_the_rights_text_gets_the_width(browser, origin, example_site):
    context, page = new_page(browser, origin, 390)
    try:
        page.goto(origin + "cookies/", wait_until="load")
        for table in page.locator("article table").all():
            assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")
            cell = table.locator("tbody td").first
            assert cell.evaluate("c => getComputedStyle(c).display") == "block"
            label = cell.evaluate("c => getComputedStyle(c, '::before').content")
            assert label.strip('"') == squash(table.locator("thead th").first.inner_text())
    finally:
        context.close()
    context, page = new_page(browser, origin, 1280)
    try:
        page.goto(origin + "notices/customers/", wait_until="load")
        section = page.locator("#rights + .notice-section")
        width = section.evaluate("s => s.clientWidth")
        texts = section.locator("dd")
        assert texts.count() >= 5
        for i in range(texts.count()):
            assert texts.nth(i).evaluate("d => d.clientWidth") >= 0.9 * width
    finally:
        context.close()


# --- print

def pdf_text(page) -> tuple[str, int]:
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=False)))
    return "\n".join(p.extract_text() or "" for p in reader.pages), len(reader.pages)


def flat(text: str) -> str:
    """Text compared without spaces, line breaks or soft hyphens."""
    return re.sub(r"[\s\u00ad]+", "", text)


@browser_test
@pytest.mark.parametrize("prefix", list(LANGUAGES))
def test_a_printed_notice_has_its_full_text_and_nothing_of_the_banner_or_navigation(browser, origin, example_site,
                                                                                   prefix):
    from bs4 import BeautifulSoup
    path = f"{prefix}notices/customers/index.html"
    html = BeautifulSoup((example_site.site / path).read_text(encoding="utf-8"), "html.parser")
    texts = LOCALES[LANGUAGES[prefix]]
    context, page = new_page(browser, origin, 1280)
    try:
        page.goto(origin + url_path(path), wait_until="load")
        page.locator(f"{CONSENT} {BANNER_FORM}").wait_for(state="visible")  # open on screen, not on paper
        # a link whose text is not its address, to see the address printed after it
        page.evaluate("""() => { const p = document.createElement('p'), a = document.createElement('a');
            a.href = 'https://example.org/terms'; a.textContent = 'the terms';
            p.append(a); document.querySelector('article').append(p); }""")
        text, pages = pdf_text(page)
    finally:
        context.close()
    printed = flat(text)
    assert pages >= 2
    headings = [squash(h.get_text()).rstrip("¶").strip() for h in html.select("article :is(h1, h2, h3)")]
    assert len(headings) >= 15
    for heading in headings:
        assert flat(heading) in printed, heading
    for wanted in (texts["notice"]["drawn_up"], texts["notice"]["last_updated"], texts["sections"]["controller"],
                   texts["sections"]["rights"], texts["print"]["address"]):
        assert flat(wanted) in printed, wanted
    assert flat(squash(html.select_one(".notice-dates").get_text())) in printed
    assert flat("Kuusiston Kahvipaahtimo Oy") in printed  # the organisation
    assert flat(f"/{prefix}notices/customers/") in printed  # the page's address
    assert flat("the terms <https://example.org/terms>") in printed
    # an address that is the link's text already is not printed twice
    assert "<mailto:" not in text and "<tel:" not in text and flat("<https://tietosuoja.fi") not in printed
    # the last section's last words: the text runs to its end
    assert flat(squash(html.select("article .notice-section")[-1].get_text())[-60:]) in printed
    # nothing of the banner, the header, the navigation or the footer
    banner = html.select_one(BANNER_FORM)
    for unwanted in [squash(banner.find(["h1", "h2", "h3", "h4"]).get_text())] + \
            [squash(b.get_text()) for b in banner.select("button, .md-button")] + \
            [squash(p.get_text())[:60] for p in banner.select("p")] + \
            [squash(html.select_one(".md-header__topic").get_text()), "Material for MkDocs"]:
        assert flat(unwanted) not in printed, unwanted
    nav_titles = [squash(a.get_text()) for a in html.select(".md-nav--primary .md-nav__link")]
    assert nav_titles and not any(flat(title) in printed for title in nav_titles if len(title) > 6), nav_titles


@browser_test
def test_with_ci_a_missing_browser_fails_instead_of_skipping(tmp_path):
    """Runs one axe test of this module in a subprocess with Chromium pointed elsewhere."""
    outcomes = outcomes_without_chromium(Path(__file__), "axe_finds and 1280px-light", tmp_path)
    code, output = outcomes["true"]
    assert code != 0 and "with CI=true the browser tests must run" in output and "skipped" not in output
    code, output = outcomes[""]
    assert code == 0 and "1 skipped" in output


# --- the HTML step alone (hooks/html_a11y.py)

def test_header_cells_get_a_scope_and_data_cells_the_label_of_their_column():
    from hooks.html_a11y import improve_tables
    table = ('<table><thead><tr><th>Name &amp; "type"</th><th scope="col">Kept</th><th>Third</th></tr></thead>'
             '<tbody><tr><th>Row</th><td colspan="2">Both</td></tr><tr><td>a</td><td>b</td><td>c</td></tr></tbody></table>')
    assert improve_tables("<p>before</p>" + table) == (
        '<p>before</p><table><thead><tr><th scope="col">Name &amp; "type"</th><th scope="col">Kept</th>'
        '<th scope="col">Third</th></tr></thead><tbody>'
        '<tr><th scope="row" data-label="Name &amp; &quot;type&quot;">Row</th><td data-label="Kept" colspan="2">Both</td></tr>'
        '<tr><td data-label="Name &amp; &quot;type&quot;">a</td><td data-label="Kept">b</td><td data-label="Third">c</td></tr>'
        '</tbody></table>')
    assert improve_tables("<p>no table</p>") == "<p>no table</p>"


def test_links_whose_text_is_their_address_are_marked_so_that_print_does_not_repeat_it():
    from hooks.html_a11y import mark_links_showing_their_address as mark
    assert mark('<a href="tel:+358400000100">+358 40 000 0100</a>') == \
        '<a href="tel:+358400000100" class="print-same">+358 40 000 0100</a>'
    assert mark('<a class="x" href="mailto:A@b.example">a@b.example</a>') == \
        '<a class="x print-same" href="mailto:A@b.example">a@b.example</a>'
    assert mark('<a href="https://b.example/">https://b.example</a>') == \
        '<a href="https://b.example/" class="print-same">https://b.example</a>'
    for unchanged in ('<a href="https://b.example/">Our site</a>', '<a href="tel:+358400000100">+358 40 000 0199</a>',
                      '<a href="../">https://b.example</a>', '<a name="x">x</a>'):
        assert mark(unchanged) == unchanged


def test_the_print_address_goes_at_the_end_of_the_article_escaped():
    from hooks.html_a11y import print_address
    page = "<body><article><h1>T</h1></article><footer></footer></body>"
    assert print_address(page, "Sivun osoite", "https://a.example/x/?a=1&b=<2>") == (
        '<body><article><h1>T</h1><p class="print-address">Sivun osoite: <span class="print-address__url">'
        'https://a.example/x/?a=1&amp;b=&lt;2&gt;</span></p>\n</article><footer></footer></body>')
    assert print_address("<p>no article</p>", "A", "/x/") == "<p>no article</p>"
