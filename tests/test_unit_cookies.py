"""The cookie inventory, the consent banner's settings and the cookie notice
(hooks/cookies.py, hooks/cookie_markdown.py), called directly on small
inventories written here. The banner's title, text and category labels are
inserted by the theme as HTML: hostile text in any of them must come out
escaped."""
from __future__ import annotations

import re

import markdown
import pytest

from hooks.cookie_markdown import duration, render_cookie_page
from hooks.cookies import (Inventory, SiteSettings, banner_description, category_label, check_inventory,
                           check_registers, check_site, consent_settings, name_pattern, theme_storage, undisclosed)
from hooks.locales import load_locales
from hooks.yaml_source import parse

FILE = "registers/_cookies.yml"
HOSTILE = "<img src=x onerror=alert(1)> &#x202E; {onclick=alert(1)}"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt; &amp;#x202E; {onclick=alert(1)}"
LOCALES = load_locales(("fi", "en"))

ITEM = """  - name: {name}
    type: {type}
    provider: {provider}
    party: first
    category: {category}
    purpose: {{fi: Tarkoitus., en: Purpose.}}
    duration: {duration}
"""
SERVICE = """  - id: {id}
    name: {name}
    provider: Esimerkki ry
    collects:
      - {{fi: Sivut, en: Pages}}
    legal_basis: consent
    location: {{fi: Suomi., en: Finland.}}
    transfers: none
    retention: {{fi: Kuusi kuukautta., en: Six months.}}
    opt_out: {{fi: Hylkää., en: Reject.}}
"""


def item(name="__consent", type="local-storage", provider="Esimerkki ry", category="necessary",
         duration="until-cleared", service=None):
    text = ITEM.format(name=name, type=type, provider=provider, category=category, duration=duration)
    return text + (f"    service: {service}\n" if service else "")


def inventory(*items, services=(), banner=""):
    analytics = "analytics:\n" + "".join(services) if services else "analytics: none\n"
    text = "updated: 2024-06-01\n" + banner + "storage:\n" + "".join(items) + analytics
    document, problems = parse(text, FILE)
    assert problems == []
    return Inventory(document)


def matomo(name="Matomo"):
    return SERVICE.format(id="matomo", name=name)


def site(**extra):
    return SiteSettings(extra=extra)


MATOMO_SITE = {"analytics": {"provider": "matomo", "url": "https://m.example/", "property": "1"},
               "consent": {"actions": ["accept", "reject"]}}


# --- the consent banner -----------------------------------------------------

def test_banner_title_text_and_labels_from_the_inventory_are_escaped():
    banner = (f"banner:\n  title: {{fi: '{HOSTILE}', en: '{HOSTILE} en'}}\n"
              f"  description: {{fi: '{HOSTILE}', en: '*{HOSTILE}*'}}\n")
    inv = inventory(item(), item("_pk_id.*", "cookie", category="analytics", service="matomo"),
                    services=[SERVICE.format(id="matomo", name=f"'{HOSTILE}'")], banner=banner)
    settings = consent_settings(inv, LOCALES["en"], site(**MATOMO_SITE), "/en/cookies/")
    assert settings["title"] == ESCAPED + " en"
    assert settings["description"].startswith(f"<em>{ESCAPED}</em> <a href=\"/en/cookies/\">")
    assert settings["cookies"] == {"analytics": {"name": f"Analytics ({ESCAPED})", "checked": False}}
    assert consent_settings(inv, LOCALES["fi"], site(**MATOMO_SITE), "/cookies/")["title"] == ESCAPED
    for value in (settings["title"], settings["description"], *(c["name"] for c in settings["cookies"].values())):
        assert "<img" not in value and "\u202e" not in value


def test_banner_uses_the_standard_texts_without_its_own():
    inv = inventory(item("_pk_id.*", "cookie", category="analytics", service="matomo"), services=[matomo()])
    en = consent_settings(inv, LOCALES["en"], site(**MATOMO_SITE), "/en/cookies/?a=1&b=<2>")
    assert en["title"] == LOCALES["en"]("cookies.banner.title")
    assert en["description"] == (f"{LOCALES['en']('cookies.banner.description')} <a href=\"/en/cookies/?a=1&amp;b=&lt;2&gt;\">"
                                 f"{LOCALES['en']('cookies.banner.read_more')}</a>")
    assert en["actions"] == ["accept", "reject"]
    assert en["cookies"] == {"analytics": {"name": LOCALES["en"]("cookies.categories.analytics.title") + " (Matomo)",
                                           "checked": False}}
    fi = consent_settings(inv, LOCALES["fi"], site(analytics=MATOMO_SITE["analytics"], consent={}), "/cookies/")
    assert fi["title"] == LOCALES["fi"]("cookies.banner.title")
    assert "accept" in fi["actions"] and "reject" in fi["actions"]


def test_a_service_named_per_language_and_several_services():
    services = [SERVICE.format(id="matomo", name="{fi: Matomo FI, en: Matomo EN}"), SERVICE.format(id="x", name="X")]
    inv = inventory(item(), services=services)
    assert category_label(inv, "analytics", LOCALES["en"]).endswith(" (Matomo EN, X)")
    assert category_label(inv, "analytics", LOCALES["fi"]).endswith(" (Matomo FI, X)")
    assert category_label(inv, "marketing", LOCALES["en"]) == LOCALES["en"]("cookies.categories.marketing.title")


def test_no_banner_when_nothing_needs_consent_and_marketing_when_listed():
    assert consent_settings(inventory(item()), LOCALES["en"], site(), "/c/") is None
    inv = inventory(item(), item("ads", "cookie", category="marketing"))
    assert inv.consent_categories() == ("marketing",)
    assert list(consent_settings(inv, LOCALES["en"], site(consent={"actions": ["reject"]}), "/c/")["cookies"]) == [
        "marketing"]
    both = inventory(item("a", "cookie", category="analytics"), item("m", "cookie", category="marketing"))
    assert both.consent_categories() == ("analytics", "marketing")
    assert inventory(item(), services=[matomo()]).consent_categories() == ("analytics",)


def test_banner_description_escapes_its_link():
    inv = inventory(item())
    html = banner_description(inv, LOCALES["en"], '/c/"onmouseover="x')
    assert html.endswith(f'<a href="/c/&quot;onmouseover=&quot;x">{LOCALES["en"]("cookies.banner.read_more")}</a>')


# --- names and what a browser holds -----------------------------------------

def test_name_patterns():
    assert name_pattern("_pk_id.*").match("_pk_id.1.abcd")
    assert not name_pattern("_pk_id.*").match("_pk_idx1")  # the dot is a dot
    assert not name_pattern("_pk_id.*").match("x_pk_id.1")
    assert not name_pattern("a").match("ab")
    assert name_pattern("a*b*c").match("a-b-c") and not name_pattern("a*b*c").match("a-c")


def test_undisclosed_storage():
    disclosed = [("local-storage", "__consent"), ("cookie", "_pk_id.*"), ("session-storage", "__source")]
    found = [("local-storage", "/.__consent"), ("local-storage", "/sub/dir/.__consent"), ("cookie", "_pk_id.1.2"),
             ("cookie", "/.__consent"), ("local-storage", "tracker"), ("local-storage", "tracker"),
             ("session-storage", "/.__source"), ("local-storage", "__consent"), ("local-storage", "_pk_id.1")]
    assert undisclosed(found, disclosed) == [("cookie", "/.__consent"), ("local-storage", "_pk_id.1"),
                                             ("local-storage", "tracker")]
    assert undisclosed([], disclosed) == []
    assert undisclosed([("cookie", "a")], []) == [("cookie", "a")]


def test_inventory_discloses_by_type_and_name():
    inv = inventory(item(), item("_pk_id.*", "cookie", category="analytics"))
    assert inv.discloses("cookie", "_pk_id.1") and inv.discloses("local-storage", "__consent")
    assert not inv.discloses("local-storage", "_pk_id.1") and not inv.discloses("cookie", "__consent")
    assert inv.services == [] and inv.file == FILE and inv.line(("storage", 1, "name")) == 10
    assert [i["name"] for i in inv.in_category("analytics")] == ["_pk_id.*"]


# --- rules of the inventory --------------------------------------------------

def test_inventory_rules():
    text = ("updated: 2024-06-01\nstorage:\n" + item() + item() + item("x", "cookie", category="necessary", service="matomo")
            + item("y", "cookie", category="analytics", service="nope") + "  - not an item\n"
            + "analytics:\n" + matomo() + matomo() + "  - 3\n")
    document, _ = parse(text, FILE)
    assert [str(p) for p in check_inventory(document)] == [
        f"{FILE}:45: analytics[2].id: the service 'matomo' is already listed as analytics[1]; list each service once",
        f"{FILE}:10: storage[2].name: '__consent' (local-storage) is already listed as storage[1]; list each item once",
        f"{FILE}:21: storage[3].category: an item set by the analytics service 'matomo' belongs to category analytics, "
        "not necessary: analytics is stored only with consent",
        f"{FILE}:32: storage[4].service: there is no analytics service with `id: nope` under `analytics` (matomo)",
    ]
    document, _ = parse("storage:\n" + item(service="nope", category="analytics") + "analytics: none\n", FILE)
    assert check_inventory(document)[0].message.endswith("(none are listed)")
    assert check_inventory(parse("- a\n", FILE)[0]) == []


def test_a_register_for_website_visitors_needs_the_inventory():
    class Register:
        def __init__(self, text):
            self.document = parse(text, "registers/r.yml")[0]
    registers = [Register("website_visitors: true\n"), Register("website_visitors: false\n"), Register("name: x\n")]
    assert [str(p) for p in check_registers(None, registers)] == [
        "registers/r.yml:1: website_visitors: this register covers website visitors, but registers/_cookies.yml does "
        "not exist: create it to disclose the site's cookies, or remove `website_visitors`"]
    assert check_registers(inventory(item()).document, registers) == []


# --- the site configuration against the inventory ----------------------------

def messages(problems):
    return [f"{p.field}: {p.message}" for p in problems]


def test_without_inventory_analytics_and_banner_are_errors():
    assert messages(check_site(None, site(**MATOMO_SITE))) == [
        "extra.analytics: the site enables analytics, but registers/_cookies.yml does not exist: create it to "
        "disclose the site's cookies and analytics",
        "extra.consent: the site enables a consent banner, but registers/_cookies.yml does not exist: create it to "
        "disclose the site's cookies and analytics"]
    assert check_site(None, site()) == []


def test_matching_site_and_inventory():
    inv = inventory(item(), item("_pk_id.*", "cookie", category="analytics", service="matomo"), services=[matomo()])
    settings = site(**MATOMO_SITE, **{})
    settings.extra["consent"] = {"actions": ["accept", "reject"], "cookies": {"analytics": "A"}}
    assert check_site(inv, settings) == []


def test_analytics_provider_mismatches():
    inv = inventory(item(), services=[matomo()])
    assert messages(check_site(inv, site(consent={"actions": ["reject"]}))) == [
        "analytics[1].id: the service 'matomo' is disclosed here, but mkdocs.yml enables no analytics "
        "(extra.analytics.provider); remove it here, or enable it in mkdocs.yml"]
    problems = messages(check_site(inventory(item()), site(analytics={"provider": "other"})))
    assert problems == [
        "extra.analytics.provider: the analytics provider 'other' is enabled here, but registers/_cookies.yml "
        "discloses no analytics service with `id: other` (it lists none); disclose it under `analytics:` in "
        "registers/_cookies.yml, or remove `extra.analytics` here",
        "extra.analytics.provider: there is no integration for 'other'; supported: google, matomo, plausible"]
    problems = messages(check_site(inv, site(analytics={"provider": "google"}, consent={"actions": ["reject"]})))
    assert problems[0].endswith("(it lists matomo); disclose it under `analytics:` in registers/_cookies.yml, "
                                "or remove `extra.analytics` here")
    assert "analytics[1].id: the service 'matomo' is disclosed here, but mkdocs.yml enables 'google'; remove it " \
           "here, or enable it in mkdocs.yml" in problems
    assert "extra.analytics: 'google' needs `property` under extra.analytics" in problems


def test_analytics_settings_each_provider_needs():
    inv = inventory(item(), services=[matomo()])
    problems = messages(check_site(inv, site(analytics={"provider": "matomo", "url": "http://m.example/",
                                                        "property": ""}, consent={"actions": ["reject"]})))
    assert problems == ["extra.analytics: 'matomo' needs `property` under extra.analytics",
                        "extra.analytics.url: expected the analytics server's address, starting with https://"]
    for url in ("https://m.example/\"x", "https://", "https://a b", "http://m.example/", "ftp://m.example/"):
        bad = site(analytics={"provider": "matomo", "url": url, "property": "1"}, consent={"actions": ["reject"]})
        assert messages(check_site(inv, bad)) == [
            "extra.analytics.url: expected the analytics server's address, starting with https://"], url


def test_consent_configuration_rules():
    inv = inventory(item(), item("_pk_id.*", "cookie", category="analytics", service="matomo"), services=[matomo()])
    consent = {"title": "x", "description": "y", "actions": ["accept"],
               "cookies": {"analytics": "A", "marketing": "M", "tracking": "T"}}
    assert messages(check_site(inv, site(analytics=MATOMO_SITE["analytics"], consent=consent))) == [
        "extra.consent.title: the banner's title is written for every language from registers/_cookies.yml (`banner`) "
        "and hooks/locales; remove it here",
        "extra.consent.description: the banner's description is written for every language from "
        "registers/_cookies.yml (`banner`) and hooks/locales; remove it here",
        "extra.consent.actions: add `reject`: refusing consent must be as easy as giving it",
        "extra.consent.cookies.marketing: the banner asks consent for 'marketing', but registers/_cookies.yml "
        "discloses no item in category marketing; disclose what it covers there, or remove it here",
        "extra.consent.cookies.tracking: 'tracking' is not a category that needs consent; expected one of: analytics, "
        "marketing (the categories of registers/_cookies.yml)",
    ]
    missing = messages(check_site(inv, site(analytics=MATOMO_SITE["analytics"], consent={"cookies": {}})))
    assert missing == ["storage[2].category: category analytics needs consent, but mkdocs.yml does not ask for it: "
                       "add `analytics` under extra.consent.cookies there"]
    cookieless = inventory(item(), services=[matomo()])
    assert messages(check_site(cookieless, site(analytics=MATOMO_SITE["analytics"], consent={"cookies": {}}))) == [
        "analytics: category analytics needs consent, but mkdocs.yml does not ask for it: add `analytics` under "
        "extra.consent.cookies there"]
    assert messages(check_site(inv, site(analytics=MATOMO_SITE["analytics"], consent="yes"))) == [
        "extra.consent: expected a mapping with `actions` and optionally `cookies`"]
    assert messages(check_site(inv, site(analytics=MATOMO_SITE["analytics"], consent={"cookies": ["analytics"]}))) == [
        "extra.consent.cookies: expected a mapping of consent categories"]
    assert messages(check_site(inventory(item()), site(consent={"actions": ["reject"]}))) == [
        "extra.consent: a consent banner is configured, but registers/_cookies.yml discloses nothing that needs "
        "consent (no analytics service, no analytics or marketing item); remove `extra.consent` here"]


def test_theme_storage_follows_the_configuration():
    plain = SiteSettings()
    assert theme_storage(plain, False) == []
    full = SiteSettings(theme={"palette": [{"toggle": {"icon": "x"}}, {}], "features": ["content.tabs.link"]},
                        repo_url="https://git.example/x")
    assert [(t, n, p) for t, n, p, _ in theme_storage(full, True)] == [
        ("local-storage", "__consent", ("extra", "consent")), ("local-storage", "__palette", ("theme", "palette")),
        ("local-storage", "__tabs", ("theme", "features")), ("session-storage", "__source", ("repo_url",))]
    assert theme_storage(SiteSettings(theme={"palette": {"toggle": 1}, "features": None}), False) == []
    assert theme_storage(SiteSettings(theme={"palette": [{"scheme": "x"}, "x"]}), False) == []
    problems = messages(check_site(inventory(item()), full))
    assert problems == [
        "theme.palette: with this setting the palette toggle stores the chosen colours in local-storage `__palette`, "
        "but registers/_cookies.yml does not disclose it; add it under `storage:` there",
        "theme.features: with this setting linked content tabs store the chosen tab in local-storage `__tabs`, but "
        "registers/_cookies.yml does not disclose it; add it under `storage:` there",
        "repo_url: with this setting the repository link caches the repository's facts in session-storage "
        "`__source`, but registers/_cookies.yml does not disclose it; add it under `storage:` there"]


def test_site_settings_from_a_configuration_file(tmp_path):
    path = tmp_path / "mkdocs.yml"
    path.write_text("site_name: x\nextra:\n  analytics:\n    provider: matomo\n  consent:\n\n    actions: [reject]\n"
                    "theme:\n  name: material\n  palette: []\n  features: [a]\n  font: false\n", encoding="utf-8")
    config = {"extra": {"analytics": {"provider": "matomo"}, "consent": {"actions": ["reject"]}},
              "theme": {"name": "material", "palette": [], "features": ["a"], "font": False}, "repo_url": "r"}
    settings = SiteSettings.from_config(config, "mkdocs.yml", path)
    assert settings.theme == {"palette": [], "features": ["a"]} and settings.repo_url == "r"
    assert settings.provider == "matomo" and settings.consent == {"actions": ["reject"]}
    assert settings.line(("extra", "consent")) == 5 and settings.line(("extra", "consent", "actions")) == 7
    assert settings.line(("extra", "analytics", "nothing")) == 4
    assert str(settings.problem(("extra",), "m")) == "mkdocs.yml:2: extra: m"
    bare = SiteSettings.from_config({"extra": None, "theme": "mkdocs"})
    assert (bare.extra, bare.theme, bare.lines, bare.line(("extra",))) == ({}, {}, None, 0)
    assert SiteSettings.from_config({}, "m.yml", tmp_path / "missing.yml").lines is None
    assert SiteSettings(extra={"analytics": "x"}).analytics == {} and SiteSettings().provider is None
    assert SiteSettings(extra={"analytics": {"provider": ""}}).provider is None


# --- the cookie notice --------------------------------------------------------

def test_durations():
    en, fi = LOCALES["en"], LOCALES["fi"]
    assert duration("13 months", en) == "13 months" and duration("1 day", en) == "1 day"
    assert duration("2 hours", fi) == "2 tuntia"
    assert duration("session", en) == LOCALES["en"]("cookies.durations.session")
    assert duration({"fi": "x", "en": f"*{HOSTILE}*"}, en) == f"<em>{ESCAPED}</em>"


def cookie_page(inv, lang="en", notices=(), consent_on=True):
    page = render_cookie_page(inv, LOCALES[lang], list(notices), consent_on)
    return page, markdown.markdown(page, extensions=["attr_list", "toc", "md_in_html"])


def test_cookie_page_shows_hostile_names_as_text():
    hostile_name = "<img/src=x/onerror=alert(1)>{onclick=alert(1)}"
    inv = inventory(item(f"'{hostile_name}'", provider=f"'{HOSTILE}'"),
                    item("_pk_id.*", "cookie", category="analytics", service="matomo", duration="13 months"),
                    services=[SERVICE.format(id="matomo", name=f"'{HOSTILE}'")])
    page, html = cookie_page(inv, notices=[(HOSTILE, '/n/"x')])
    assert "onerror" not in re.sub(r"&lt;img[^<]*", "", html) and "<img" not in html
    assert not re.search(r"<[^>]+ on\w+=", html)
    assert "&amp;#x202E;" in html and "\u202e" not in html
    assert f'data-storage-name="&lt;img/src=x/onerror=alert(1)&gt;{{onclick=alert(1)}}"' in page
    assert 'data-storage-type="local-storage"' in page and 'data-analytics-service="matomo"' in page
    assert re.search(r"<h4 id=\"analytics-matomo\">[^<]*onerror[^<]*</h4>", html)
    assert '<a href="/n/&quot;x">' + ESCAPED + "</a>" in page


def test_cookie_page_sections_in_order():
    inv = inventory(item(), item("_pk_id.*", "cookie", category="analytics", service="matomo"), services=[matomo()])
    page, html = cookie_page(inv, notices=[("Members", "/n/")])
    anchors = re.findall(r"\{#([a-z-]+)\}", page)
    assert anchors == ["consent", "this-site", "necessary", "preferences", "analytics", "marketing", "web-analytics",
                       "analytics-matomo", "blocking", "privacy-notices"]
    assert page.startswith(f"# {LOCALES['en']('cookies.title')}\n")
    assert '<time datetime="2024-06-01">1 June 2024</time>' in page
    assert 'href="#__consent"' in page
    assert page.count('<p class="notice-none">') == 2  # preferences and marketing are empty
    plain, _ = cookie_page(inventory(item()), lang="fi", consent_on=False)
    assert "#__consent" not in plain and "privacy-notices" not in plain and "analytics-" not in plain
    assert LOCALES["fi"]("cookies.services.none") in plain
    assert '<time datetime="2024-06-01">' in plain


def test_cookie_page_service_transfers():
    service = SERVICE.format(id="g", name="G").replace(
        "transfers: none", "transfers:\n      - destination: USA\n        recipient: '<b>R</b>'\n"
        "        safeguard: standard-contractual-clauses\n        details: {fi: '*d*', en: '*d*'}\n"
        "      - destination: {fi: X, en: Y}\n        recipient: R2\n        safeguard: adequacy-decision\n")
    page, _ = cookie_page(inventory(item(), services=[service]))
    assert "&lt;b&gt;R&lt;/b&gt;" in page and "<em>d</em>" in page and "<td>Y</td>" in page
    assert LOCALES["en"]("safeguards.adequacy-decision") in page
    none_page, _ = cookie_page(inventory(item(), services=[matomo()]))
    assert LOCALES["en"]("none.transfers") in none_page
