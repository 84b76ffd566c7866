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
from .notice_markdown import _table, _tag
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


def _items_table(items: list, locale: Locale) -> str:
    t, lang = locale, locale.code
    headers = [escape(t(f"cookies.columns.{key}")) for key in ("name", "type", "provider", "purpose", "duration")]
    rows = []
    for item in items:
        cells = [
            f"<code>{escape(item['name'])}</code>",
            escape(t(f"cookies.types.{item['type']}")),
            f"{_label(item['provider'], lang)}<br>{escape(t('cookies.parties.' + item['party']))}",
            to_inline_html(item["purpose"][lang]),
            duration(item["duration"], locale),
        ]
        rows.append(f'<tr data-storage-type="{escape(item["type"])}" data-storage-name="{escape(item["name"])}">'
                    + "".join(_tag("td", cell) for cell in cells) + "</tr>")
    head = _tag("thead", _tag("tr", "".join(f'<th scope="col">{h}</th>' for h in headers)))
    # The class sits on a wrapper: mkdocs-material styles only tables without one.
    return _tag("div", f'<table>{head}{_tag("tbody", "".join(rows))}</table>', "cookie-table")


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


def render_cookie_page(inventory: Inventory, locale: Locale, visitor_notices: list, consent_on: bool) -> str:
    """The cookie notice in one language. `visitor_notices`: (register name, URL)
    of the notices that cover website visitors."""
    t, lang = locale, locale.code
    updated = inventory.data["updated"]

    def section(anchor: str, heading: str, body: str, level: str = "##") -> list:
        return [f"{level} {escape_markdown_line(heading)} {{#{anchor}}}", "", _tag("div", body, "notice-section"), ""]

    lines = [
        f"# {escape_markdown_line(t('cookies.title'))}", "",
        f'<p class="notice-dates">{escape(t("cookies.updated"))} '
        f'<time datetime="{updated}">{escape(t.date(updated))}</time></p>', "",
        _tag("div", to_html(t("cookies.intro")), "cookie-intro"), "",
    ]
    consent = to_html(t("cookies.consent.text"))
    if consent_on:
        consent += _tag("p", f'<a class="md-button" href="#__consent">{escape(t("cookies.consent.open_settings"))}</a>')
    lines += section("consent", t("cookies.consent.heading"), consent)
    for category in CATEGORIES:
        items = inventory.in_category(category)
        body = _tag("p", escape(t(f"cookies.categories.{category}.text")))
        body += _items_table(items, locale) if items else _tag("p", escape(t("cookies.categories.none")), "notice-none")
        lines += section(category, t(f"cookies.categories.{category}.title"), body)
    services = inventory.services
    intro = t("cookies.services.intro") if services else t("cookies.services.none")
    lines += section("web-analytics", t("cookies.services.heading"), _tag("p", escape(intro)))
    for service in services:
        lines += section(f"analytics-{service['id']}", _text(service["name"], lang), _service(service, locale), "###")
    lines += section("blocking", t("cookies.blocking.heading"), to_html(t("cookies.blocking.text")))
    if visitor_notices:
        links = _tag("ul", "".join(_tag("li", f'<a href="{escape(url)}">{escape(name)}</a>') for name, url in visitor_notices))
        lines += section("privacy-notices", t("cookies.notices.heading"), _tag("p", escape(t("cookies.notices.text"))) + links)
    return "\n".join(lines)
