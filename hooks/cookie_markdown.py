"""Render the cookie inventory as the cookie notice page (Markdown) in one
language: standard texts from the locale, a table per category, the
analytics services, and links to the notices that cover website visitors.

As in notice_markdown, headings are Markdown and bodies finished HTML built
from escaped text. Each table row carries the item's type and name as data
attributes, so that tests compare the browser's storage with the page itself."""
from __future__ import annotations

import re

from babel.units import format_unit

from .cookies import CATEGORIES, Inventory
from .locales import Locale
from .html_a11y import cell_label
from .notice_markdown import _table, _tag, labelled_cells, table_head
from .safe_markdown import escape, escape_markdown_line, to_html, to_inline_html

_AMOUNT = re.compile(r"([0-9]+) (minute|hour|day|week|month|year)s?")


def duration(value, locale: Locale) -> str:
    """`session`, `until-cleared`, `13 months` or a text per language, as HTML."""
    if isinstance(value, dict):
        return to_inline_html(value[locale.code])
    amount = _AMOUNT.fullmatch(value)
    if amount:
        return escape(format_unit(int(amount.group(1)), f"duration-{amount.group(2)}", length="long",
                                  locale=locale("babel_locale")))
    return escape(locale(f"cookies.durations.{value}"))


def _text(value, lang: str) -> str:
    """A label (one string, or one per language) as plain text."""
    return value[lang] if isinstance(value, dict) else value


def _label(value, lang: str) -> str:
    return escape(_text(value, lang))


def _party(item: dict) -> str:
    """The locale key of the item's party: "first-party cookie" makes no sense for local storage."""
    return ("cookies.parties." if item["type"] == "cookie" else "cookies.storage_parties.") + item["party"]


def _items_table(items: list, locale: Locale) -> str:
    t, lang = locale, locale.code
    headers = [escape(t(f"cookies.columns.{key}")) for key in ("name", "type", "provider", "purpose", "duration")]
    labels, rows = [cell_label(h) for h in headers], []
    for item in items:
        cells = [
            f"<code>{escape(item['name'])}</code>",
            escape(t(f"cookies.types.{item['type']}")),
            f"{_label(item['provider'], lang)}<br>{escape(t(_party(item)))}",
            to_inline_html(item["purpose"][lang]),
            duration(item["duration"], locale),
        ]
        rows.append(f'<tr data-storage-type="{escape(item["type"])}" data-storage-name="{escape(item["name"])}">'
                    + labelled_cells(labels, cells) + "</tr>")
    # The class sits on a wrapper: mkdocs-material styles only tables without one.
    return _tag("div", f'<table>{table_head(headers)}{_tag("tbody", "".join(rows))}</table>', "cookie-table")


def _transfers(service: dict, locale: Locale) -> str:
    entries, t, lang = service["transfers"], locale, locale.code
    if entries == "none":
        return _tag("p", escape(t("none.transfers")))
    rows = []
    for entry in entries:
        safeguard = escape(t("safeguards." + entry["safeguard"]))
        if "details" in entry:
            safeguard += to_html(entry["details"][lang])
        rows.append([_label(entry["destination"], lang), _label(entry["recipient"], lang), safeguard])
    return _table([escape(t("labels.destination")), escape(t("labels.recipient")), escape(t("labels.safeguard"))], rows)


def _service(service: dict, locale: Locale) -> str:
    t, lang = locale, locale.code
    pairs = [
        ("provider", _label(service["provider"], lang)),
        ("collects", _tag("ul", "".join(_tag("li", to_inline_html(c[lang])) for c in service["collects"]))),
        ("legal_basis", _tag("p", escape(t("cookies.services.consent")))),
        ("location", to_html(service["location"][lang])),
        ("transfers", _transfers(service, locale)),
        ("retention", to_html(service["retention"][lang])),
        ("opt_out", to_html(service["opt_out"][lang])),
    ]
    fields = "".join(_tag("dt", escape(t(f"cookies.services.{key}"))) + _tag("dd", value) for key, value in pairs)
    return f'<dl class="notice-fields" data-analytics-service="{escape(service["id"])}">{fields}</dl>'


def _website_items_table(website: dict, locale: Locale) -> str:
    """Another website's items in one table with a category column. No
    data-storage-* attributes: the browser checks concern this site only."""
    t, lang = locale, locale.code
    headers = [escape(t(f"cookies.columns.{key}")) for key in ("name", "type", "category", "provider", "purpose", "duration")]
    labels, rows = [cell_label(h) for h in headers], []
    for item in website["storage"]:
        name = (f"<code>{escape(item['name'])}</code>" if item["name"] != "*"
                else escape(t("cookies.websites.any_name")))
        cells = [
            name,
            escape(t(f"cookies.types.{item['type']}")),
            escape(t(f"cookies.categories.{item['category']}.title")),
            f"{_label(item['provider'], lang)}<br>{escape(t(_party(item)))}",
            to_inline_html(item["purpose"][lang]),
            duration(item["duration"], locale),
        ]
        rows.append(f'<tr data-category="{escape(item["category"])}">' + labelled_cells(labels, cells) + "</tr>")
    return _tag("div", f'<table>{table_head(headers)}{_tag("tbody", "".join(rows))}</table>', "cookie-table")


def _website_service(service: dict, locale: Locale) -> str:
    t, lang = locale, locale.code
    pairs = [
        ("provider", _label(service["provider"], lang)),
        ("category", escape(t(f"cookies.categories.{service['category']}.title"))),
        ("purpose", to_html(service["purpose"][lang])),
    ]
    if "collects" in service:
        pairs.append(("collects", _tag("ul", "".join(_tag("li", to_inline_html(c[lang])) for c in service["collects"]))))
    if "location" in service:
        pairs.append(("location", to_html(service["location"][lang])))
    pairs.append(("transfers", _transfers(service, locale)))
    if "retention" in service:
        pairs.append(("retention", to_html(service["retention"][lang])))
    pairs.append(("opt_out", to_html(service["opt_out"][lang])))
    # A service of another website may need no consent: "how to opt out", not "withdraw consent".
    labels = {"opt_out": t("cookies.websites.opt_out")}
    fields = "".join(_tag("dt", escape(labels.get(key) or t(f"cookies.services.{key}"))) + _tag("dd", value) for key, value in pairs)
    return f'<dl class="notice-fields" data-website-service="{escape(service["id"])}">{fields}</dl>'


def _website(website: dict, locale: Locale) -> list:
    """One other website or service: who runs it, its storage, its third-party services."""
    t, lang = locale, locale.code
    wid = website["id"]
    address = escape(website["address"])
    facts = [("address", f'<a href="{address}">{address}</a>'), ("operator", _label(website["operator"], lang))]
    body = "".join(_tag("dt", escape(t(f"cookies.websites.{key}"))) + _tag("dd", value) for key, value in facts)
    body = f'<dl class="notice-fields">{body}</dl>'
    if "description" in website:
        body += to_html(website["description"][lang])
    if "consent" in website:
        body += _tag("p", _tag("strong", escape(t("cookies.websites.consent")))) + to_html(website["consent"][lang])
    storage = website["storage"]
    body += (_website_items_table(website, locale) if storage != "none"
             else _tag("p", escape(t("cookies.websites.no_storage")), "notice-none"))
    lines = [f"## {escape_markdown_line(_text(website['name'], lang))} {{#{wid}}}", "",
             f'<div class="notice-section" data-website="{escape(wid)}">{body}</div>', ""]
    services = website["services"]
    heading = t("cookies.websites.services")
    if services == "none":
        lines += [f"### {escape_markdown_line(heading)} {{#{wid}-services}}", "",
                  _tag("div", _tag("p", escape(t("cookies.websites.no_services")), "notice-none"), "notice-section"), ""]
        return lines
    lines += [f"### {escape_markdown_line(heading)} {{#{wid}-services}}", ""]
    for service in services:
        lines += [f"#### {escape_markdown_line(_text(service['name'], lang))} {{#{wid}-{service['id']}}}", "",
                  _tag("div", _website_service(service, locale), "notice-section"), ""]
    return lines


def render_cookie_page(inventory: Inventory, locale: Locale, visitor_notices: list, consent_on: bool) -> str:
    """The cookie notice in one language: this site (the categories, its web
    analytics), then each of the organisation's other websites. The texts follow
    the configuration: without a banner the page never points to one.
    `visitor_notices`: (register name, URL) of the notices that cover website visitors."""
    t, lang = locale, locale.code
    updated = inventory.data["updated"]
    websites = inventory.websites

    def section(anchor: str, heading: str, body: str, level: str = "##") -> list:
        return [f"{level} {escape_markdown_line(heading)} {{#{anchor}}}", "", _tag("div", body, "notice-section"), ""]

    intro = to_html(t("cookies.intro"))
    if websites:
        intro += to_html(t("cookies.websites.intro"))
    lines = [
        f"# {escape_markdown_line(t('cookies.title'))}", "",
        f'<p class="notice-dates">{escape(t("cookies.updated"))} '
        f'<time datetime="{updated}">{escape(t.date(updated))}</time></p>', "",
        _tag("div", intro, "cookie-intro"), "",
    ]
    if consent_on:
        consent = to_html(t("cookies.consent.text")) + to_html(t("cookies.consent.record"))
        consent += _tag("p", f'<a class="md-button" href="#__consent">{escape(t("cookies.consent.open_settings"))}</a>')
    else:
        consent = to_html(t("cookies.consent.no_banner"))
    lines += section("consent", t("cookies.consent.heading"), consent)
    lines += [f"## {escape_markdown_line(t('cookies.websites.this_site'))} {{#this-site}}", ""]
    for category in CATEGORIES:
        items = inventory.in_category(category)
        body = _tag("p", escape(t(f"cookies.categories.{category}.text")))
        body += _items_table(items, locale) if items else _tag("p", escape(t("cookies.categories.none")), "notice-none")
        lines += section(category, t(f"cookies.categories.{category}.title"), body, "###")
    services = inventory.services
    intro = t("cookies.services.intro") if services else t("cookies.services.none")
    lines += section("web-analytics", t("cookies.services.heading"), _tag("p", escape(intro)), "###")
    for service in services:
        lines += section(f"analytics-{service['id']}", _text(service["name"], lang), _service(service, locale), "####")
    for website in websites:
        lines += _website(website, locale)
    blocking = to_html(t("cookies.blocking.text"))
    if consent_on:
        blocking += to_html(t("cookies.blocking.banner"))
    if any(item["category"] == "necessary" for w in websites if w["storage"] != "none" for item in w["storage"]):
        blocking += to_html(t("cookies.blocking.websites"))
    lines += section("blocking", t("cookies.blocking.heading"), blocking)
    if visitor_notices:
        links = _tag("ul", "".join(_tag("li", f'<a href="{escape(url)}">{escape(name)}</a>') for name, url in visitor_notices))
        lines += section("privacy-notices", t("cookies.notices.heading"), _tag("p", escape(t("cookies.notices.text"))) + links)
    return "\n".join(lines)
