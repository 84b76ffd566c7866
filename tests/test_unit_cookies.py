"""The cookie inventory, the consent banner's settings and the cookie notice
(hooks/cookies.py, hooks/cookie_markdown.py), called directly on small
inventories written here. The banner's title, text and category labels are
inserted by the theme as HTML: hostile text in any of them must come out
escaped."""
from __future__ import annotations

import hashlib
import re
from html import escape as html_escape

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


def unlabelled(page: str) -> str:
    """The page without its cells' data-label attributes (checked on their own below)."""
    return re.sub(r' data-label="[^"]*"', "", page)


def cookie_page(inv, lang="en", notices=(), consent_on=True):
    page = unlabelled(render_cookie_page(inv, LOCALES[lang], list(notices), consent_on))
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


# --- the organisation's other websites (`websites`) ---------------------------

def site_item(name, category="necessary", type="cookie", service=None):
    """A storage item of another website (indented under `websites[].storage`)."""
    text = (f"      - name: {name}\n        type: {type}\n        provider: Esimerkki ry\n        party: first\n"
            f"        category: {category}\n        purpose: {{fi: Tarkoitus., en: Purpose.}}\n"
            "        duration: session\n")
    return text + (f"        service: {service}\n" if service else "")


def site_service(sid, category="analytics"):
    return (f"      - id: {sid}\n        name: Palvelu {sid}\n        provider: Esimerkki ry\n        category: {category}\n"
            "        purpose: {fi: Tilastot., en: Statistics.}\n        transfers: none\n"
            "        opt_out: {fi: Hylkää., en: Reject.}\n")


def website(wid="shop", storage=(), services=(), consent=False):
    text = (f"  - id: {wid}\n    name: {{fi: Kauppa, en: Shop}}\n    address: https://shop.example/\n"
            "    operator: Esimerkki ry\n")
    if consent:
        text += "    consent: {fi: Banneri kysyy., en: The banner asks.}\n"
    text += ("    storage:\n" + "".join(storage)) if storage else "    storage: none\n"
    text += ("    services:\n" + "".join(services)) if services else "    services: none\n"
    return text


def with_websites(*websites, file=FILE):
    text = "updated: 2024-06-01\nstorage:\n" + item() + "analytics: none\nwebsites:\n" + "".join(websites)
    document, problems = parse(text, file)
    assert problems == []
    return document


def test_a_website_without_problems():
    shop = website(storage=[site_item("S"), site_item("_pk_id.*", "analytics", service="stats")],
                   services=[site_service("stats")], consent=True)
    assert check_inventory(with_websites(shop, website("booking"))) == []


def test_website_ids_are_unique_and_not_a_section_of_the_notice():
    document = with_websites(website("shop"), website("blocking"), website("shop"), website("this-site"))
    sections = ("consent, this-site, necessary, preferences, analytics, marketing, web-analytics, blocking, "
                "privacy-notices")
    assert [str(p) for p in check_inventory(document)] == [
        f"{FILE}:18: websites[2].id: 'blocking' names a section of the cookie notice already ({sections}); "
        "choose another id, e.g. web-shop",
        f"{FILE}:24: websites[3].id: the website 'shop' is already listed as websites[1]; give each website its own id",
        f"{FILE}:30: websites[4].id: 'this-site' names a section of the cookie notice already ({sections}); "
        "choose another id, e.g. web-shop",
    ]
    # a website that is not a mapping is skipped, and does not shift the count
    document, _ = parse("storage: []\nanalytics: none\nwebsites:\n  - just text\n" + website("a") + website("a"), FILE)
    assert messages(check_inventory(document)) == [
        "websites[3].id: the website 'a' is already listed as websites[2]; give each website its own id"]


def test_website_services_and_items_are_listed_once():
    shop = website(storage=[site_item("S"), site_item("S", type="local-storage"), site_item("S")],
                   services=[site_service("stats"), site_service("ads", "marketing"), site_service("stats")],
                   consent=True)
    assert messages(check_inventory(with_websites(shop))) == [
        "websites[1].services[3].id: the service 'stats' is already listed as services[1] of this website; list each "
        "service once",
        "websites[1].storage[3].name: 'S' (cookie) is already listed as storage[1] of this website; list each item once",
    ]


def test_website_entries_the_schema_reports_are_skipped_not_compared():
    broken = website(storage=[site_item("[S]"), site_item("S", service="[x]"), site_item("T", service="nope"),
                              site_item("[S]")],
                     services=[site_service("[x]"), site_service("stats"), site_service("[y]"), site_service("stats")],
                     consent=True)
    assert messages(check_inventory(with_websites(broken))) == [
        "websites[1].services[4].id: the service 'stats' is already listed as services[2] of this website; list each "
        "service once",
        "websites[1].storage[3].service: this website has no service with `id: nope` under its `services` (stats)"]


def test_website_items_belong_to_their_services():
    shop = website(storage=[site_item("a", "analytics", service="nope"), site_item("b", "preferences", service="ads"),
                            site_item("c", "marketing", service="ads")],
                   services=[site_service("stats"), site_service("ads", "marketing")], consent=True)
    assert [str(p) for p in check_inventory(with_websites(shop))] == [
        f"{FILE}:25: websites[1].storage[1].service: this website has no service with `id: nope` under its "
        "`services` (stats, ads)",
        f"{FILE}:30: websites[1].storage[2].category: an item set by the service 'ads' belongs to its category "
        "marketing, not preferences",
    ]
    alone = website(storage=[site_item("a", "analytics", service="stats")], consent=True)
    assert messages(check_inventory(with_websites(alone))) == [
        "websites[1].storage[1].service: this website has no service with `id: stats` under its `services` "
        "(none are listed)"]


CONSENT_NEEDED = ("this website stores or sends data that needs consent (category analytics or marketing): add "
                  "`consent:` to the website, telling how it asks for consent and how a visitor withdraws it")


def test_a_website_that_needs_consent_says_how_it_asks():
    assert check_inventory(with_websites(website(storage=[site_item("a"), site_item("b", "preferences")]))) == []
    for storage, services, where in (
            ([site_item("a"), site_item("m", "marketing")], (), "websites[1].storage[2].category"),
            ([site_item("a"), site_item("s", "analytics")], (), "websites[1].storage[2].category"),
            ([site_item("a"), site_item("s", "analytics")], [site_service("n", "necessary"), site_service("st")],
             "websites[1].services[2].category"),  # its services come first
            ((), [site_service("st")], "websites[1].services[1].category")):
        assert messages(check_inventory(with_websites(website(storage=storage, services=services)))) == [
            f"{where}: {CONSENT_NEEDED}"], where
        assert check_inventory(with_websites(website(storage=storage, services=services, consent=True))) == []
    second = with_websites(website("a"), website("b", services=[site_service("st")]))
    assert [str(p) for p in check_inventory(second)] == [f"{FILE}:27: websites[2].services[1].category: {CONSENT_NEEDED}"]


class Register:
    def __init__(self, text, file="registers/r.yml"):
        self.document = parse(text, file)[0]


def test_a_register_names_this_site_or_listed_websites():
    inventory_document = with_websites(website("shop"), website("booking"))
    registers = [Register("website_visitors: [this-site, shop, booking]\n", "registers/a.yml"),
                 Register("website_visitors:\n  - shop\n  - Shop\n  - blog\n", "registers/b.yml"),
                 Register("website_visitors: true\n", "registers/c.yml"), Register("name: x\n", "registers/d.yml")]
    assert [str(p) for p in check_registers(inventory_document, registers)] == [
        "registers/b.yml:3: website_visitors[2]: there is no website 'Shop' under `websites` in registers/_cookies.yml; "
        "expected one of: this-site, shop, booking",
        "registers/b.yml:4: website_visitors[3]: there is no website 'blog' under `websites` in registers/_cookies.yml; "
        "expected one of: this-site, shop, booking",
    ]
    plain = inventory(item()).document  # no `websites`: only this site
    assert messages(check_registers(plain, [Register("website_visitors: [this-site, shop]\n")])) == [
        "website_visitors[2]: there is no website 'shop' under `websites` in registers/_cookies.yml; expected one of: "
        "this-site"]
    odd = parse("- a list, not a mapping\n", FILE)[0]
    assert messages(check_registers(odd, [Register("website_visitors: [shop]\n")])) == [
        "website_visitors[1]: there is no website 'shop' under `websites` in registers/_cookies.yml; expected one of: "
        "this-site"]


def test_without_inventory_every_register_for_visitors_is_reported_by_file():
    registers = [Register("website_visitors: false\n", "registers/no.yml"),
                 Register("website_visitors: true\n", "registers/yes.yml"),
                 Register("website_visitors: [this-site]\n", "registers/list.yml")]
    assert [p.file for p in check_registers(None, registers)] == ["registers/yes.yml", "registers/list.yml"]


# --- the consent version: a consent given to another version is asked again ----

def test_consent_version_is_a_fingerprint_of_what_the_banner_asks():
    inv = inventory(item(), item("_pk_id.*", "cookie", category="analytics", service="matomo"), services=[matomo()])
    # the canonical form, written out: keys sorted, no spaces; it is stored in visitors' browsers, so it must not drift
    canonical = '{"categories":["analytics"],"items":[["analytics","cookie","_pk_id.*"]],"services":["matomo"]}'
    expected = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    assert inv.consent_version() == expected and re.fullmatch(r"[0-9a-f]{12}", expected)
    settings = consent_settings(inv, LOCALES["en"], site(**MATOMO_SITE), "/en/cookies/")
    assert settings["version"] == expected
    # wording and necessary items do not change it
    reworded = inventory(item(provider="Toinen ry"), item("_pk_id.*", "cookie", category="analytics", service="matomo",
                                                          duration="13 months"),
                         item("other", "cookie", category="necessary"), services=[matomo("Matomo Analytics")])
    assert reworded.consent_version() == expected
    # a new item, service or category that needs consent does
    more_items = inventory(item(), item("_pk_id.*", "cookie", category="analytics", service="matomo"),
                           item("_pk_ses.*", "cookie", category="analytics", service="matomo"), services=[matomo()])
    more_services = inventory(item(), item("_pk_id.*", "cookie", category="analytics", service="matomo"),
                              services=[matomo(), SERVICE.format(id="plausible", name="P")])
    marketing = inventory(item(), item("_pk_id.*", "cookie", category="analytics", service="matomo"),
                          item("ads", "cookie", category="marketing"), services=[matomo()])
    versions = {inv.consent_version(), more_items.consent_version(), more_services.consent_version(),
                marketing.consent_version()}
    assert len(versions) == 4


def test_banner_buttons_and_actions():
    inv = inventory(item("_pk_id.*", "cookie", category="analytics", service="matomo"), services=[matomo()])
    for lang in ("fi", "en"):
        settings = consent_settings(inv, LOCALES[lang], site(analytics=MATOMO_SITE["analytics"], consent=True), "/c/")
        assert settings["actions"] == ["accept", "reject", "manage"]  # the default when the setting is not a mapping
        assert settings["buttons"] == {key: LOCALES[lang](f"cookies.banner.{key}")
                                       for key in ("accept_all", "reject_all", "settings", "save")}


# --- smaller gaps ---------------------------------------------------------------

def test_site_settings_defaults_and_broken_values():
    bare = SiteSettings.from_config({})
    assert bare.file == "mkdocs.yml" and bare.extra == {} and bare.repo_url is None
    assert bare.theme == {"palette": None, "features": None}
    assert SiteSettings.from_config({"extra": "text", "theme": ["x"]}).extra == {}
    assert SiteSettings.from_config({"extra": "text", "theme": ["x"]}).theme == {}


def test_site_settings_from_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "mkdocs.yml"
    path.write_bytes(b"site_name: \xff\xfe\n")
    assert SiteSettings.from_config({}, "mkdocs.yml", path).lines is None


def test_the_consent_banner_storage_must_be_disclosed():
    inv = inventory(item("_pk_id.*", "cookie", category="analytics", service="matomo"), services=[matomo()])
    problems = messages(check_site(inv, site(analytics=MATOMO_SITE["analytics"], consent={"actions": ["reject"]})))
    assert problems == [
        "extra.consent: with this setting the consent banner stores the visitor's choice in local-storage `__consent`, "
        "but registers/_cookies.yml does not disclose it; add it under `storage:` there"]


def test_messages_name_the_inventory_file_as_it_is_named():
    document, _ = parse("updated: 2024-06-01\nstorage:\n" + item("x", "cookie") + "analytics:\n" + matomo(),
                        "registers/_cookies.yaml")
    problems = messages(check_site(Inventory(document), site(analytics={"provider": "google", "property": "G"},
                                                             consent={"actions": ["reject"]})))
    assert problems[0] == (
        "extra.analytics.provider: the analytics provider 'google' is enabled here, but registers/_cookies.yaml "
        "discloses no analytics service with `id: google` (it lists matomo); disclose it under `analytics:` in "
        "registers/_cookies.yaml, or remove `extra.analytics` here")


def test_two_analytics_services_are_listed_in_messages():
    inv = inventory(item(), services=[matomo(), SERVICE.format(id="x", name="X")])
    problems = messages(check_site(inv, site(analytics={"provider": "google", "property": "G"},
                                             consent={"actions": ["reject"]})))
    assert "(it lists matomo, x)" in problems[0]


def test_inventory_rules_go_on_after_an_entry_the_schema_reports():
    text = ("updated: 2024-06-01\nstorage:\n" + item("a", "cookie", category="analytics", service="[1]")
            + item("b", "cookie", category="analytics", service="nope")
            + "analytics:\n" + SERVICE.format(id="[1]", name="N") + matomo() + SERVICE.format(id="x", name="X")
            + matomo())
    document, _ = parse(text, FILE)
    assert messages(check_inventory(document)) == [
        "analytics[4].id: the service 'matomo' is already listed as analytics[2]; list each service once",
        "storage[2].service: there is no analytics service with `id: nope` under `analytics` (matomo, x)"]


def test_theme_keys_are_read_only_from_browser_storage():
    # `/.__x` is the theme's key for `__x` in local or session storage; a cookie of that name is another cookie
    disclosed = [("cookie", "__x"), ("session-storage", "__x")]
    assert undisclosed([("cookie", "/.__x"), ("session-storage", "/.__x"), ("cookie", "__x")], disclosed) == [
        ("cookie", "/.__x")]


# --- the whole cookie notice, written out by hand ------------------------------
# The page below is what a reader must get for a small inventory: every heading,
# anchor, table, list and label. Standard wording comes from the locale files
# (escaped with the standard library's html.escape, Markdown texts converted by
# Python-Markdown itself); everything else is written here.

EN = LOCALES["en"]


def esc(key):
    return html_escape(EN(key))


def md(key):
    return markdown.markdown(EN(key))


def dl(pairs, attribute):
    return f'<dl class="notice-fields" {attribute}>' + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in pairs) + "</dl>"


SHOP = """websites:
  - id: shop
    name: {fi: Kauppa, en: Shop}
    address: https://shop.example/
    operator: {fi: Esimerkki FI, en: Esimerkki EN}
    description: {fi: Kauppa., en: Our *web shop*.}
    consent: {fi: Kysyy., en: The shop asks.}
    storage:
      - name: "*"
        type: cookie
        provider: Kauppa Oy
        party: third
        category: necessary
        purpose: {fi: Ostoskori., en: The basket.}
        duration: session
      - name: s_id
        type: local-storage
        provider: {fi: Tilasto Oy FI, en: Stats Ltd}
        party: first
        category: analytics
        service: stats
        purpose: {fi: Tunniste., en: An identifier.}
        duration: 30 days
    services:
      - id: stats
        name: {fi: Tilastot, en: Stats}
        provider: {fi: Tilasto Oy FI, en: Stats Ltd}
        category: analytics
        purpose: {fi: Tilastot., en: Statistics.}
        collects:
          - {fi: Sivut, en: Pages}
          - {fi: Laite, en: Device}
        location: {fi: Suomi., en: Finland.}
        transfers: none
        retention: {fi: Vuosi., en: One year.}
        opt_out: {fi: Hylkää., en: Untick it.}
  - id: blog
    name: Blog
    address: https://blog.example/
    operator: Esimerkki ry
    storage: none
    services: none
"""


def full_inventory(websites=SHOP):
    text = ("updated: 2024-06-01\nstorage:\n" + item()
            + item("_pk_id.*", "cookie", provider="'{fi: Esimerkki FI, en: Esimerkki (Matomo)}'", category="analytics",
                   service="matomo", duration="13 months").replace("'{", "{").replace("}'", "}")
            + "analytics:\n" + matomo() + websites)
    document, problems = parse(text, FILE)
    assert problems == []
    return Inventory(document)


def expected_cookie_page():
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Name", "Type", "Provider", "Purpose", "Duration"))
    necessary = ('<tr data-storage-type="local-storage" data-storage-name="__consent"><td><code>__consent</code></td>'
                 "<td>Local storage</td><td>Esimerkki ry<br>First party</td><td>Purpose.</td>"
                 f"<td>{esc('cookies.durations.until-cleared')}</td></tr>")
    analytics = ('<tr data-storage-type="cookie" data-storage-name="_pk_id.*"><td><code>_pk_id.*</code></td>'
                 "<td>Cookie</td><td>Esimerkki (Matomo)<br>First-party cookie</td><td>Purpose.</td><td>13 months</td></tr>")

    def table(head, rows):
        return f'<div class="cookie-table"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'

    def category(name, body):
        return [f"### {EN(f'cookies.categories.{name}.title')} {{#{name}}}", "",
                f'<div class="notice-section"><p>{esc(f"cookies.categories.{name}.text")}</p>{body}</div>', ""]

    none = f'<p class="notice-none">{esc("cookies.categories.none")}</p>'
    matomo_fields = dl([("cookies.services.provider", "Esimerkki ry"),
                        ("cookies.services.collects", "<ul><li>Pages</li></ul>"),
                        ("cookies.services.legal_basis", f"<p>{esc('cookies.services.consent')}</p>"),
                        ("cookies.services.location", "<p>Finland.</p>"),
                        ("cookies.services.transfers", f"<p>{esc('none.transfers')}</p>"),
                        ("cookies.services.retention", "<p>Six months.</p>"),
                        ("cookies.services.opt_out", "<p>Reject.</p>")], 'data-analytics-service="matomo"')
    shop_head = "".join(f'<th scope="col">{h}</th>'
                        for h in ("Name", "Type", "Category", "Provider", "Purpose", "Duration"))
    shop_rows = (f'<tr data-category="necessary"><td>{esc("cookies.websites.any_name")}</td><td>Cookie</td>'
                 f'<td>{EN("cookies.categories.necessary.title")}</td><td>Kauppa Oy<br>Third-party cookie</td>'
                 f'<td>The basket.</td><td>{esc("cookies.durations.session")}</td></tr>'
                 '<tr data-category="analytics"><td><code>s_id</code></td><td>Local storage</td>'
                 f'<td>{EN("cookies.categories.analytics.title")}</td><td>Stats Ltd<br>First party</td>'
                 "<td>An identifier.</td><td>30 days</td></tr>")
    shop_facts = ('<dl class="notice-fields"><dt>Address</dt><dd><a href="https://shop.example/">https://shop.example/'
                  "</a></dd><dt>Run by</dt><dd>Esimerkki EN</dd></dl>")
    stats_fields = dl([("cookies.services.provider", "Stats Ltd"),
                       ("cookies.services.category", EN("cookies.categories.analytics.title")),
                       ("cookies.services.purpose", "<p>Statistics.</p>"),
                       ("cookies.services.collects", "<ul><li>Pages</li><li>Device</li></ul>"),
                       ("cookies.services.location", "<p>Finland.</p>"),
                       ("cookies.services.transfers", f"<p>{esc('none.transfers')}</p>"),
                       ("cookies.services.retention", "<p>One year.</p>"),
                       ("cookies.websites.opt_out", "<p>Untick it.</p>")], 'data-website-service="stats"')
    blog_facts = ('<dl class="notice-fields"><dt>Address</dt><dd><a href="https://blog.example/">https://blog.example/'
                  "</a></dd><dt>Run by</dt><dd>Esimerkki ry</dd></dl>")
    return "\n".join([
        f"# {EN('cookies.title')}", "",
        '<p class="notice-dates">Last updated <time datetime="2024-06-01">1 June 2024</time></p>', "",
        f'<div class="cookie-intro">{md("cookies.intro")}{md("cookies.websites.intro")}</div>', "",
        f"## {EN('cookies.consent.heading')} {{#consent}}", "",
        f'<div class="notice-section">{md("cookies.consent.text")}{md("cookies.consent.record")}'
        f'<p><a class="md-button" href="#__consent">{esc("cookies.consent.open_settings")}</a></p></div>', "",
        f"## {EN('cookies.websites.this_site')} {{#this-site}}", "",
        *category("necessary", table(head, necessary)),
        *category("preferences", none),
        *category("analytics", table(head, analytics)),
        *category("marketing", none),
        f"### {EN('cookies.services.heading')} {{#web-analytics}}", "",
        f'<div class="notice-section"><p>{esc("cookies.services.intro")}</p></div>', "",
        "#### Matomo {#analytics-matomo}", "",
        f'<div class="notice-section">{matomo_fields}</div>', "",
        "## Shop {#shop}", "",
        f'<div class="notice-section" data-website="shop">{shop_facts}<p>Our <em>web shop</em>.</p>'
        f'<p><strong>{esc("cookies.websites.consent")}</strong></p><p>The shop asks.</p>'
        f'{table(shop_head, shop_rows)}</div>', "",
        f"### {EN('cookies.websites.services')} {{#shop-services}}", "",
        "#### Stats {#shop-stats}", "",
        f'<div class="notice-section">{stats_fields}</div>', "",
        "## Blog {#blog}", "",
        f'<div class="notice-section" data-website="blog">{blog_facts}'
        f'<p class="notice-none">{esc("cookies.websites.no_storage")}</p></div>', "",
        f"### {EN('cookies.websites.services')} {{#blog-services}}", "",
        f'<div class="notice-section"><p class="notice-none">{esc("cookies.websites.no_services")}</p></div>', "",
        f"## {EN('cookies.blocking.heading')} {{#blocking}}", "",
        f'<div class="notice-section">{md("cookies.blocking.text")}{md("cookies.blocking.banner")}'
        f'{md("cookies.blocking.websites")}</div>', "",
        f"## {EN('cookies.notices.heading')} {{#privacy-notices}}", "",
        f'<div class="notice-section"><p>{esc("cookies.notices.text")}</p>'
        '<ul><li><a href="/en/members/">Members</a></li></ul></div>', "",
    ])


def test_the_whole_cookie_notice_with_other_websites():
    page = unlabelled(render_cookie_page(full_inventory(), EN, [("Members", "/en/members/")], True))
    expected = expected_cookie_page()
    assert page.splitlines() == expected.splitlines()
    assert page == expected


def section_body(page, anchor):
    """The HTML body of the section whose heading has `{#anchor}`."""
    lines = page.splitlines()
    start = next(i for i, line in enumerate(lines) if line.endswith(f"{{#{anchor}}}"))
    return lines[start + 2]


def test_cookie_notice_without_banner_and_with_a_website_that_stores_nothing():
    blog_only = SHOP[SHOP.index("  - id: blog"):]
    page = unlabelled(render_cookie_page(full_inventory("websites:\n" + blog_only), EN, [], False))
    assert section_body(page, "consent") == f'<div class="notice-section">{md("cookies.consent.no_banner")}</div>'
    assert section_body(page, "blocking") == f'<div class="notice-section">{md("cookies.blocking.text")}</div>'
    assert "#__consent" not in page and "privacy-notices" not in page
    assert page.splitlines()[4] == f'<div class="cookie-intro">{md("cookies.intro")}{md("cookies.websites.intro")}</div>'
    assert re.findall(r"\{#([a-z-]+)\}", page) == [
        "consent", "this-site", "necessary", "preferences", "analytics", "marketing", "web-analytics",
        "analytics-matomo", "blog", "blog-services", "blocking"]
    alone = unlabelled(render_cookie_page(full_inventory(""), EN, [], True))
    assert alone.splitlines()[4] == f'<div class="cookie-intro">{md("cookies.intro")}</div>'
    assert section_body(alone, "blocking") == (f'<div class="notice-section">{md("cookies.blocking.text")}'
                                               f'{md("cookies.blocking.banner")}</div>')
    # a website whose items are all optional does not need the sentence on necessary cookies
    optional = SHOP.replace("category: necessary", "category: preferences")
    assert md("cookies.blocking.websites") not in render_cookie_page(full_inventory(optional), EN, [], True)


def test_cookie_notice_in_finnish_names_parties_by_type():
    fi = LOCALES["fi"]
    page = unlabelled(render_cookie_page(full_inventory(), fi, [], True))
    assert (f"<td>Esimerkki ry<br>{html_escape(fi('cookies.storage_parties.first'))}</td>" in page
            and f"<td>Esimerkki FI<br>{html_escape(fi('cookies.parties.first'))}</td>" in page)
    assert f"<td>Kauppa Oy<br>{html_escape(fi('cookies.parties.third'))}</td>" in page
    assert f"<td>Tilasto Oy FI<br>{html_escape(fi('cookies.storage_parties.first'))}</td>" in page
    assert "## Kauppa {#shop}" in page and "#### Tilastot {#shop-stats}" in page
    assert "<dd>Esimerkki FI</dd>" in page and "<dd>Tilasto Oy FI</dd>" in page


def test_cookie_service_transfers_table():
    service = SERVICE.format(id="g", name="G").replace(
        "transfers: none", "transfers:\n      - destination: USA\n        recipient: {fi: R FI, en: R EN}\n"
        "        safeguard: standard-contractual-clauses\n        details: {fi: '*d*', en: '*d*'}\n"
        "      - destination: {fi: X, en: Y}\n        recipient: R2\n        safeguard: adequacy-decision\n")
    page, _ = cookie_page(inventory(item(), services=[service]))
    heads = "".join(f'<th scope="col">{esc(k)}</th>' for k in ("labels.destination", "labels.recipient",
                                                                  "labels.safeguard"))
    table = (f"<table><thead><tr>{heads}</tr></thead><tbody>"
             f"<tr><td>USA</td><td>R EN</td><td>{esc('safeguards.standard-contractual-clauses')}<p><em>d</em></p></td></tr>"
             f"<tr><td>Y</td><td>R2</td><td>{esc('safeguards.adequacy-decision')}</td></tr></tbody></table>")
    assert f"<dt>{esc('cookies.services.transfers')}</dt><dd>{table}</dd>" in page


def test_cookie_notice_lists_without_separators_and_service_texts_per_language():
    service = (SERVICE.format(id="matomo", name="{fi: Matomo FI, en: Matomo EN}")
               .replace("provider: Esimerkki ry", "provider: {fi: Tarjoaja FI, en: Provider EN}")
               .replace("      - {fi: Sivut, en: Pages}\n", "      - {fi: Sivut, en: Pages}\n      - {fi: Laite, en: Device}\n"))
    inv = inventory(item("a", "cookie"), item("b", "cookie"), services=[service])
    page = unlabelled(render_cookie_page(inv, EN, [("A", "/a/"), ("B", "/b/")], True))
    assert ('<tbody><tr data-storage-type="cookie" data-storage-name="a"><td><code>a</code></td>'
            in page and '</td></tr><tr data-storage-type="cookie" data-storage-name="b">' in page)
    assert "#### Matomo EN {#analytics-matomo}" in page
    assert f"<dt>{esc('cookies.services.provider')}</dt><dd>Provider EN</dd>" in page
    assert f"<dt>{esc('cookies.services.collects')}</dt><dd><ul><li>Pages</li><li>Device</li></ul></dd>" in page
    assert '<ul><li><a href="/a/">A</a></li><li><a href="/b/">B</a></li></ul>' in page


def test_every_cell_of_the_cookie_notice_tables_is_labelled_with_its_column_header():
    # Narrow screens show each cell with its label (html_a11y); the renderers
    # write the labels, and the build does not add them to generated pages.
    from html.parser import HTMLParser
    service = SERVICE.format(id="g", name="G").replace(
        "transfers: none", "transfers:\n      - destination: USA\n        recipient: '<b>R</b>'\n"
        "        safeguard: standard-contractual-clauses\n")
    for page in (render_cookie_page(full_inventory(), EN, [("M", "/m/")], True),
                 render_cookie_page(inventory(item(), services=[service]), LOCALES["fi"], [], True)):
        tables = []

        class Cells(HTMLParser):
            def handle_starttag(self, tag, attrs):
                if tag == "table":
                    tables.append({"headers": [], "cells": []})
                elif tag in ("th", "td"):
                    tables[-1]["cells" if tag == "td" else "headers"].append([dict(attrs).get("data-label"), ""])

            def handle_data(self, data):
                if tables and tables[-1]["headers"] and not tables[-1]["cells"]:
                    tables[-1]["headers"][-1][1] += data

        Cells().feed(page)
        assert len(tables) >= 2
        for table in tables:
            headers = [text.strip() for _, text in table["headers"]]
            assert table["cells"] and len(table["cells"]) % len(headers) == 0
            labels = [label for label, _ in table["cells"]]
            assert labels == headers * (len(labels) // len(headers))
