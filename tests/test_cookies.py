"""The cookie inventory at build time: the cookie notice, the consent banner
and the footer links in every language come from registers/_cookies.yml and
hooks/locales, and mkdocs.yml and the inventory must agree.
(What the browser really stores is tested in test_browser.py.)"""
from __future__ import annotations

import posixpath
import re
import shutil

import pytest
import yaml

from conftest import swedish_project, FIXTURES, REPO, make_project
from hooks.languages import Languages
from hooks.problems import ProblemsFound
from hooks.registers import load_catalogue

INVENTORY = yaml.safe_load((REPO / "registers" / "_cookies.yml").read_text(encoding="utf-8"))
LOCALES = {code: yaml.safe_load((REPO / "hooks" / "locales" / f"{code}.yml").read_text(encoding="utf-8"))
           for code in ("fi", "en", "sv")}
LANGUAGES = Languages("fi", ("fi", "en"), ("fi", "en", "sv"))


def squash(text: str) -> str:
    return " ".join(text.split())


def text_of(node) -> str:
    return squash(node.get_text(" ", strip=True))


def resolve(page: str, href: str) -> str:
    """The site path a relative link on the page at site path `page` leads to."""
    folder = posixpath.dirname(page)
    target = posixpath.normpath(posixpath.join(folder, href))
    return "" if target == "." else target + ("/" if href.endswith("/") else "")


def line_of(path, pattern: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(number for number, line in enumerate(lines, start=1) if re.search(pattern, line))


# ---------------------------------------------------------------- the generated pages

@pytest.mark.parametrize("prefix, lang", [("", "fi"), ("en/", "en")])
def test_cookie_notice_has_a_table_per_category_from_the_inventory(example_site, prefix, lang):
    soup = example_site.html(f"{prefix}cookies/index.html")
    texts = LOCALES[lang]["cookies"]
    assert soup.html["lang"] == lang
    assert text_of(soup.select_one("article h1")).startswith(texts["title"])
    for category in ("necessary", "preferences", "analytics", "marketing"):
        heading = soup.select_one(f"article h3#{category}")  # under "This website"
        assert texts["categories"][category]["title"] in text_of(heading)
        body = heading.find_next_sibling("div")
        items = [item for item in INVENTORY["storage"] if item["category"] == category]
        rows = body.select("tbody tr")
        assert [(r["data-storage-type"], r["data-storage-name"]) for r in rows] == [(i["type"], i["name"]) for i in items]
        for row, item in zip(rows, items):
            name, kind, provider, purpose, duration = row.select("td")
            assert name.get_text() == item["name"]
            assert kind.get_text() == texts["types"][item["type"]]
            parties = texts["parties"] if item["type"] == "cookie" else texts["storage_parties"]
            assert parties[item["party"]] in provider.get_text()
            assert text_of(purpose) == squash(item["purpose"][lang])
            if isinstance(item["duration"], dict):
                assert text_of(duration) == item["duration"][lang]
            elif item["duration"] in texts["durations"]:
                assert text_of(duration) == texts["durations"][item["duration"]]
            else:  # an amount such as `13 months`, said in the page's language
                shown = text_of(duration)
                assert shown.split()[0] == item["duration"].split()[0]
                assert (shown == item["duration"]) == (lang == "en"), shown
        if not items:
            assert texts["categories"]["none"] in text_of(body)
    for service in INVENTORY["analytics"]:
        fields = text_of(soup.select_one(f'dl[data-analytics-service="{service["id"]}"]'))
        assert all(squash(c[lang]) in fields for c in service["collects"])
        assert squash(texts["services"]["consent"]) in fields
        assert squash(service["opt_out"][lang]) in fields
        assert LOCALES[lang]["none"]["transfers"] in fields
    for section in ("consent", "blocking"):
        assert squash(texts[section]["text"]).replace("`", "")[:60] in text_of(soup.select_one(f"h2#{section}").find_next_sibling("div"))
    # the cookie notice links to the notice that covers website visitors, and back
    link = soup.select_one("h2#privacy-notices").find_next_sibling("div").select_one("a")
    assert resolve(f"{prefix}cookies/", link["href"]) == f"{prefix}notices/website-visitors/"
    back = example_site.html(f"{prefix}notices/website-visitors/index.html").select_one("h2#cookies")
    assert texts["notice_section"]["link"] == text_of(back.find_next_sibling("div").select_one("a"))
    assert resolve(f"{prefix}notices/website-visitors/", back.find_next_sibling("div").select_one("a")["href"]) == f"{prefix}cookies/"
    assert example_site.html(f"{prefix}notices/customers/index.html").select_one("h2#cookies") is None


@pytest.mark.parametrize("page", ["", "notices/customers/", "cookies/"])
@pytest.mark.parametrize("prefix, lang", [("", "fi"), ("en/", "en")])
def test_banner_and_footer_speak_the_page_language(example_site, prefix, lang, page):
    path = f"{prefix}{page}"
    soup = example_site.html(f"{path}index.html")
    texts = LOCALES[lang]["cookies"]
    form = soup.select_one("form[name=consent]")
    assert text_of(form.select_one("h2")) == texts["banner"]["title"]
    description = form.select_one("p")
    assert text_of(description).startswith(squash(texts["banner"]["description"]))
    link = description.select_one("a")
    assert text_of(link) == texts["banner"]["read_more"]
    assert resolve(path, link["href"]) == f"{prefix}cookies/"
    # one checkbox per category that needs consent, named from the locale and the inventory
    boxes = [(box["name"], text_of(box.parent)) for box in form.select("input[type=checkbox][name]")]
    services = ", ".join(s["name"] for s in INVENTORY["analytics"])
    assert boxes == [("analytics", f"{texts['categories']['analytics']['title']} ({services})")]
    # nothing ticked before the visitor ticks it
    assert [box for box in form.select("input[type=checkbox]") if box.has_attr("checked")] == []
    # first layer: Accept all and Reject all with equal weight, and the settings; the settings save the ticks
    buttons = {b["data-md-consent"]: (text_of(b), b.get("type"), b["class"]) for b in form.select("button[data-md-consent]")}
    banner = texts["banner"]
    assert buttons == {"accept": (banner["accept_all"], "button", ["md-button", "md-button--primary"]),
                       "reject": (banner["reject_all"], "button", ["md-button", "md-button--primary"]),
                       "settings": (banner["settings"], "button", ["md-button"]),
                       "save": (banner["save"], "submit", ["md-button"])}
    assert form.select_one("[data-md-consent=save]").find_parent(id="__consent_settings") is not None
    footer = soup.select(".md-copyright__cookies a")
    assert [text_of(a) for a in footer] == [texts["footer"]["notice"], texts["footer"]["settings"]]
    assert resolve(path, footer[0]["href"]) == f"{prefix}cookies/" and footer[1]["href"] == "#__consent"


_FETCHING = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src", "video": "src",
             "embed": "src", "object": "data"}


def test_nothing_is_fetched_from_another_origin_without_consent(example_site):
    """Privacy by default: every page loads its scripts, styles, fonts and images
    from the site itself; only the analytics partial names another origin, inside
    the function the theme calls after consent."""
    pages = sorted(example_site.site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        soup = example_site.html(page.relative_to(example_site.site).as_posix())
        for tag, attribute in _FETCHING.items():
            for node in soup.find_all(tag):
                assert not re.match(r"^([a-z]+:)?//", node.get(attribute) or "", re.I), (page, node)
        for node in soup.find_all("link"):
            if node.get("rel") and node["rel"][0] != "alternate" and "canonical" not in node["rel"]:
                assert not re.match(r"^([a-z]+:)?//", node["href"], re.I), (page, node)
        for script in soup.find_all("script", src=False):
            if re.search(r"https?://", script.get_text()):
                assert script.get("id") == "__analytics", (page, script.get_text()[:200])
                assert script.get_text().startswith("function __md_analytics(){"), page
    for css in example_site.site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", css.read_text(encoding="utf-8")), css


# ---------------------------------------------------------------- mkdocs.yml against the inventory

def _drop_analytics(site):
    path = site.registers / "_cookies.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["analytics"] = "none"
    data["storage"] = [item for item in data["storage"] if "service" not in item]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return [f"mkdocs.yml:{line_of(site.root / 'mkdocs.yml', r'^    provider: matomo')}: extra.analytics.provider: "
            "the analytics provider 'matomo' is enabled here, but registers/_cookies.yml discloses no analytics "
            "service with `id: matomo`"]


def _drop_config(site, *path):
    config = site.config()
    node = config
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    site.write_config(config)


def _disable_analytics(site):
    _drop_config(site, "extra", "analytics")
    return [f"registers/_cookies.yml:{line_of(site.registers / '_cookies.yml', r'- id: matomo')}: analytics[1].id: "
            "the service 'matomo' is disclosed here, but mkdocs.yml enables no analytics"]


def _ask_for_marketing(site):
    config = site.config()
    config["extra"]["consent"]["cookies"] = {"analytics": "Analytics", "marketing": "Marketing"}
    site.write_config(config)
    return [f"mkdocs.yml:{line_of(site.root / 'mkdocs.yml', r'^      marketing:')}: extra.consent.cookies.marketing: "
            "the banner asks consent for 'marketing', but registers/_cookies.yml discloses no item in category marketing"]


def _unknown_category(site):
    path = site.registers / "_cookies.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("category: preferences", "category: tracking"),
                    encoding="utf-8")
    return [f"registers/_cookies.yml:{line_of(path, 'category: tracking')}: storage[2].category: 'tracking' is not "
            "allowed here; expected one of: necessary, preferences, analytics, marketing"]


def _undisclosed_palette(site):
    path = site.registers / "_cookies.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["storage"] = [item for item in data["storage"] if item["name"] != "__palette"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return [f"mkdocs.yml:{line_of(site.root / 'mkdocs.yml', r'^  palette:')}: theme.palette: ",
            "local-storage `__palette`, but registers/_cookies.yml does not disclose it"]


def _banner_text_in_config(site):
    config = site.config()
    config["extra"]["consent"].update(title="Cookies", actions=["accept", "manage"])
    site.write_config(config)
    return ["extra.consent.title: the banner's title is written for every language from registers/_cookies.yml",
            "extra.consent.actions: add `reject`"]


MISMATCHES = {
    "service removed from the inventory": _drop_analytics,
    "service not enabled in mkdocs.yml": _disable_analytics,
    "consent category with nothing disclosed": _ask_for_marketing,
    "item in an unknown category": _unknown_category,
    "theme storage not disclosed": _undisclosed_palette,
    "banner wording in mkdocs.yml": _banner_text_in_config,
}


@pytest.mark.parametrize("case", list(MISMATCHES))
def test_mismatch_between_mkdocs_yml_and_inventory_fails_build_and_check(project, case):
    expected = MISMATCHES[case](project)
    for result in (project.build(), project.check()):
        assert result.returncode != 0
        assert "Traceback" not in result.stderr
        for words in expected:
            assert words in result.stderr, result.stderr
    assert not project.site.exists()  # stopped before anything was written


def test_without_inventory_enabled_analytics_is_an_error(tmp_path):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    (site.registers / "_cookies.yml").unlink()
    result = site.build()
    assert result.returncode != 0
    for key, what in (("analytics", "analytics"), ("consent", "a consent banner")):
        line = line_of(site.root / "mkdocs.yml", rf"^  {key}:")
        assert (f"mkdocs.yml:{line}: extra.{key}: the site enables {what}, but registers/_cookies.yml "
                "does not exist") in result.stderr


# ---------------------------------------------------------------- the inventory's own rules

# (text in the example inventory, replaced by, the line reported, field, words of the message)
BROKEN_INVENTORY = {
    "duplicate item": ("  - name: __palette", "  - name: __consent  # a copy", "# a copy", "storage[2].name",
                       "'__consent' (local-storage) is already listed as storage[1]"),
    "unknown service": ("    service: matomo", "    service: piwik", "service: piwik", "storage[3].service",
                        "there is no analytics service with `id: piwik`"),
    "bad duration": ("duration: 13 months", "duration: 13 moons", "13 moons", "storage[3].duration", "`13 months`"),
    "javascript link": ("      en: Checks whether your browser accepts cookies.",
                        "      en: \"[Check](javascript:alert(1))\"", "javascript:", "storage[6].purpose.en",
                        "is not allowed"),
    "missing opt-out": ("    opt_out:", "    opt_out_typo:", "- id: matomo", "analytics[1].opt_out", "'opt_out' is missing"),
}


@pytest.mark.parametrize("case", list(BROKEN_INVENTORY))
def test_broken_inventory_reports_file_line_and_field(tmp_path, case):
    old, new, at, field, words = BROKEN_INVENTORY[case]
    registers = tmp_path / "registers"
    shutil.copytree(REPO / "registers", registers, ignore=shutil.ignore_patterns("*.md"))
    path = registers / "_cookies.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = line_of(path, at)
    with pytest.raises(ProblemsFound) as raised:
        load_catalogue(registers, LANGUAGES)
    problems = [str(p) for p in raised.value.problems]
    matching = [p for p in problems if p.startswith(f"registers/_cookies.yml:{line}: {field}: ")]
    assert matching and any(words in p for p in matching), problems


def test_register_covering_visitors_needs_the_inventory(tmp_path):
    registers = tmp_path / "registers"
    shutil.copytree(FIXTURES / "minimal", registers)
    (registers / "_cookies.yml").unlink()
    members = registers / "members.yml"
    members.write_text(members.read_text(encoding="utf-8") + "website_visitors: true\n", encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        load_catalogue(registers, LANGUAGES)
    line = len(members.read_text(encoding="utf-8").rstrip("\n").split("\n"))
    assert [str(p) for p in raised.value.problems] == [
        f"registers/members.yml:{line}: website_visitors: this register covers website visitors, but "
        "registers/_cookies.yml does not exist: create it to disclose the site's cookies, or remove `website_visitors`"]


# ---------------------------------------------------------------- other providers and languages

PROVIDERS = {
    "google": ({"provider": "google", "property": "G-TEST123"}, "https://www.googletagmanager.com/gtag/js?id=",
               [{"destination": {"fi": "Yhdysvallat", "en": "United States"}, "recipient": "Google LLC",
                 "safeguard": "adequacy-decision"}]),
    "plausible": ({"provider": "plausible", "property": "kahvipaahtimo.example",
                   "url": "https://plausible.kahvipaahtimo.example"},
                  "https://plausible.kahvipaahtimo.example/js/script.js", "none"),
}


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_other_analytics_providers_are_loaded_only_through_consent(tmp_path, provider):
    settings, script_url, transfers = PROVIDERS[provider]
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    config = site.config()
    config["extra"]["analytics"] = settings
    site.write_config(config)
    path = site.registers / "_cookies.yml"
    inventory = yaml.safe_load(path.read_text(encoding="utf-8"))
    inventory["storage"] = [item for item in inventory["storage"] if "service" not in item]  # e.g. cookieless Plausible
    inventory["analytics"][0].update(id=provider, name=provider.capitalize(), transfers=transfers)
    path.write_text(yaml.safe_dump(inventory, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = site.build()
    assert result.returncode == 0, result.stderr
    for prefix, lang in (("", "fi"), ("en/", "en")):
        soup = site.html(f"{prefix}index.html")
        analytics = soup.select_one("script#__analytics").get_text()
        assert analytics.startswith("function __md_analytics(){") and script_url in analytics
        # the theme calls it only when the stored consent includes analytics
        gate = soup.select_one("script#__analytics").find_next_sibling("script").get_text()
        assert 'consent=__md_get("__consent");consent&&!0===consent.analytics&&consent.version===' in gate
        assert gate.endswith("&&__md_analytics()}")
        label = text_of(soup.select_one("form[name=consent] li"))
        assert label == f"{LOCALES[lang]['cookies']['categories']['analytics']['title']} ({provider.capitalize()})"
        fields = text_of(site.html(f"{prefix}cookies/index.html").select_one(f'dl[data-analytics-service="{provider}"]'))
        if transfers == "none":
            assert LOCALES[lang]["none"]["transfers"] in fields
        else:
            assert "Google LLC" in fields and LOCALES[lang]["safeguards"]["adequacy-decision"] in fields



def test_a_third_language_gets_its_own_banner_and_cookie_notice(tmp_path):
    site = swedish_project(tmp_path / "p")
    result = site.build()
    assert result.returncode == 0, result.stderr
    texts = LOCALES["sv"]["cookies"]
    soup = site.html("sv/cookies/index.html")
    assert soup.html["lang"] == "sv"
    assert text_of(soup.select_one("article h1")).startswith(texts["title"])
    assert "På svenska: A visitor identifier." in text_of(soup.select_one("h3#analytics").find_next_sibling("div"))
    form = site.html("sv/index.html").select_one("form[name=consent]")
    assert text_of(form.select_one("h2")) == texts["banner"]["title"]
    assert text_of(form.select_one("li")) == f"{texts['categories']['analytics']['title']} (Matomo)"
    # the other languages keep their own texts in the same build
    assert text_of(site.html("index.html").select_one("form[name=consent] h2")) == LOCALES["fi"]["cookies"]["banner"]["title"]


# ---------------------------------------------------------------- consent as the law requires it

def test_no_consent_checkbox_is_ticked_in_any_built_page(example_site):
    """Acceptance: `grep -r checked site/` finds no ticked consent checkbox (CJEU C-673/17 Planet49)."""
    pages = sorted(example_site.site.rglob("*.html"))
    forms = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        # no `checked` attribute on any input of any page, whatever the markup around it
        assert not re.search(r"<input\b[^>]*\schecked\b", text), page
        form = example_site.html(page.relative_to(example_site.site).as_posix()).select_one("form[name=consent]")
        if form is not None:
            forms += 1
            assert form.select("input[type=checkbox][name=analytics]"), page
    assert forms == len(pages) > 10  # every page has the banner, and none ticks a box


# A second website that uses Google Analytics, on a privacy site that uses no analytics at all.
WEB_SHOP_WITH_GA = {
    "id": "shop",
    "name": {"fi": "Verkkokauppa", "en": "Web shop"},
    "address": "https://shop.esimerkki.example/",
    "operator": "Esimerkkiyhdistys ry",
    "consent": {"fi": "Verkkokauppa kysyy suostumuksesi itse.", "en": "The web shop asks for your consent itself."},
    "storage": [
        {"name": "shop_session", "type": "cookie", "provider": "Esimerkkiyhdistys ry", "party": "first",
         "category": "necessary", "purpose": {"fi": "Istunto.", "en": "The session."}, "duration": "session"},
        {"name": "_ga", "type": "cookie", "provider": "Google", "party": "first", "category": "analytics",
         "service": "google-analytics", "purpose": {"fi": "Kävijätunniste.", "en": "A visitor identifier."},
         "duration": "2 years"},
        {"name": "_ga_*", "type": "cookie", "provider": "Google", "party": "first", "category": "analytics",
         "service": "google-analytics", "purpose": {"fi": "Istunnon tila.", "en": "The state of the session."},
         "duration": "2 years"},
        {"name": "*", "type": "cookie", "provider": "Videopalvelu Oy", "party": "third", "category": "marketing",
         "service": "video", "purpose": {"fi": "Upotetut videot.", "en": "Embedded videos."},
         "duration": {"fi": "Enintään vuosi", "en": "Up to a year"}},
    ],
    "services": [
        {"id": "google-analytics", "name": "Google Analytics", "provider": "Google Ireland Limited",
         "category": "analytics", "purpose": {"fi": "Kävijätilastot.", "en": "Visitor statistics."},
         "transfers": [{"destination": {"fi": "Yhdysvallat", "en": "United States"}, "recipient": "Google LLC",
                        "safeguard": "adequacy-decision"}],
         "opt_out": {"fi": "[Googlen lisäosa](https://tools.google.com/dlpage/gaoptout)",
                     "en": "[Google's add-on](https://tools.google.com/dlpage/gaoptout)"}},
        {"id": "video", "name": "Videopalvelu", "provider": "Videopalvelu Oy", "category": "marketing",
         "purpose": {"fi": "Videot.", "en": "Videos."}, "transfers": "none",
         "opt_out": {"fi": "Älä katso videoita.", "en": "Do not play the videos."}},
    ],
}


def _privacy_site_without_analytics(tmp_path, websites):
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    config = site.config()
    del config["extra"]["analytics"], config["extra"]["consent"]
    site.write_config(config)
    path = site.registers / "_cookies.yml"
    inventory = yaml.safe_load(path.read_text(encoding="utf-8"))
    inventory["storage"] = [item for item in inventory["storage"] if "service" not in item]
    inventory["analytics"] = "none"
    inventory["websites"] = websites
    path.write_text(yaml.safe_dump(inventory, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return site


def test_a_second_website_with_google_analytics_leaves_the_privacy_site_without_analytics_or_banner(tmp_path):
    site = _privacy_site_without_analytics(tmp_path, [WEB_SHOP_WITH_GA])
    for result in (site.build(), site.check()):
        assert result.returncode == 0, result.stderr
    for prefix, lang in (("", "fi"), ("en/", "en")):
        texts = LOCALES[lang]["cookies"]
        for page in ("", "cookies/"):
            soup = site.html(f"{prefix}{page}index.html")
            assert soup.select_one("form[name=consent]") is None and soup.select_one("#__analytics") is None
            assert "googletagmanager" not in str(soup)
            footer = soup.select(".md-copyright__cookies a")
            assert [text_of(a) for a in footer] == [texts["footer"]["notice"]]  # no settings link without a banner
        soup = site.html(f"{prefix}cookies/index.html")
        page = text_of(soup.select_one("article"))
        # the text follows the configuration: no banner, so nothing points to one
        assert squash(texts["consent"]["no_banner"]) in page
        for absent in (texts["consent"]["text"], texts["consent"]["record"], texts["blocking"]["banner"],
                       texts["consent"]["open_settings"]):
            assert squash(absent).replace("`", "")[:50] not in page
        assert soup.select_one('a[href="#__consent"]') is None
        assert texts["services"]["none"] in text_of(soup.select_one("h3#web-analytics").find_next_sibling("div"))
        # the web shop's own section lists _ga under that website, with Google Analytics and its transfer
        assert text_of(soup.select_one("h2#shop")).startswith({"fi": "Verkkokauppa", "en": "Web shop"}[lang])
        section = soup.select_one('div[data-website="shop"]')
        rows = [[text_of(td) for td in tr.select("td")] for tr in section.select("tbody tr")]
        assert [row[0] for row in rows] == ["shop_session", "_ga", "_ga_*", texts["websites"]["any_name"]]
        assert rows[1][2] == texts["categories"]["analytics"]["title"]
        assert rows[3][2] == texts["categories"]["marketing"]["title"]
        assert not section.select("[data-storage-name]")  # not part of this site's browser checks
        ga = text_of(soup.select_one('dl[data-website-service="google-analytics"]'))
        assert "Google Ireland Limited" in ga and "Google LLC" in ga
        assert LOCALES[lang]["safeguards"]["adequacy-decision"] in ga
        assert soup.select_one('dl[data-website-service="google-analytics"] a[href="https://tools.google.com/dlpage/gaoptout"]')
        blocking = text_of(soup.select_one("h2#blocking").find_next_sibling("div"))
        assert squash(texts["blocking"]["websites"]) in blocking  # the web shop needs its session cookie


def _website(case):
    website = yaml.safe_load(yaml.safe_dump(WEB_SHOP_WITH_GA))
    if case == "no consent text":
        del website["consent"]
        return [website], "websites[1].services[1].category: this website stores or sends data that needs consent"
    if case == "unknown service":
        website["storage"][1]["service"] = "matomo"
        return [website], "websites[1].storage[2].service: this website has no service with `id: matomo`"
    if case == "item outside its service's category":
        website["storage"][1]["category"] = "preferences"
        return [website], ("websites[1].storage[2].category: an item set by the service 'google-analytics' "
                           "belongs to its category analytics, not preferences")
    if case == "the same website twice":
        return [website, website], "websites[2].id: the website 'shop' is already listed as websites[1]"
    if case == "an id that is a section of the page":
        website["id"] = "blocking"
        return [website], "websites[1].id: 'blocking' names a section of the cookie notice already"
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["no consent text", "unknown service", "item outside its service's category",
                                  "the same website twice", "an id that is a section of the page"])
def test_broken_website_stops_the_build_with_file_line_and_field(tmp_path, case):
    websites, words = _website(case)
    site = _privacy_site_without_analytics(tmp_path, websites)
    result = site.check()
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert re.search(r"registers/_cookies\.yml:\d+: " + re.escape(words), result.stderr), result.stderr


def test_the_guide_s_example_of_a_second_website_is_valid(tmp_path):
    """registers/README.md section 10 shows a second website: it must pass the check as written."""
    guide = (REPO / "registers" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(websites:\n.*?)```", guide, re.S)
    assert len(blocks) == 1
    site = make_project(tmp_path / "p", registers=FIXTURES / "minimal")
    path = site.registers / "_cookies.yml"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + blocks[0], encoding="utf-8")
    result = site.check()
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["websites"][0]["id"] == "web-shop"


def test_a_register_names_the_websites_its_notice_covers(tmp_path):
    site = _privacy_site_without_analytics(tmp_path, [WEB_SHOP_WITH_GA])
    members = site.registers / "members.yml"
    members.write_text(members.read_text(encoding="utf-8") + "website_visitors: [this-site, shop]\n", encoding="utf-8")
    result = site.build()
    assert result.returncode == 0, result.stderr
    for prefix, lang in (("", "fi"), ("en/", "en")):
        section = site.html(f"{prefix}notices/members/index.html").select_one("h2#cookies").find_next_sibling("div")
        links = [(text_of(a), resolve(f"{prefix}notices/members/", a["href"].split("#")[0]) + "#" + a["href"].split("#")[1])
                 for a in section.select("li a")]
        assert links == [(LOCALES[lang]["cookies"]["websites"]["this_site"], f"{prefix}cookies/#this-site"),
                         ({"fi": "Verkkokauppa", "en": "Web shop"}[lang], f"{prefix}cookies/#shop")]
        # and the cookie notice links back to the register's notice
        notices = site.html(f"{prefix}cookies/index.html").select_one("h2#privacy-notices").find_next_sibling("div")
        assert [resolve(f"{prefix}cookies/", a["href"]) for a in notices.select("a")] == [f"{prefix}notices/members/"]
    members.write_text(members.read_text(encoding="utf-8").replace("[this-site, shop]", "[this-site, booking]"),
                       encoding="utf-8")
    result = site.check()
    line = line_of(members, "website_visitors")
    assert (f"registers/members.yml:{line}: website_visitors[2]: there is no website 'booking' under `websites` "
            "in registers/_cookies.yml; expected one of: this-site, shop") in result.stderr, result.stderr
