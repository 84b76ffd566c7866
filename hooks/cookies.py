"""The site's cookies, browser storage and web analytics, from
`registers/_cookies.yml`: checks of the inventory, checks against the site
configuration (mkdocs.yml), the consent banner's settings in one language, and
the comparison of what a browser really holds with what is disclosed.

One inventory drives the cookie notice, the consent banner and the analytics
integration, so they cannot tell different stories."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .locales import Locale
from .problems import Problem, field_path
from .safe_markdown import escape, to_inline_html
from .yaml_source import Document, decode, parse

INVENTORY = "_cookies"  # the shared file in registers/
CATEGORIES = ("necessary", "preferences", "analytics", "marketing")
# Stored only after the visitor agrees; the banner asks for exactly these.
CONSENT_CATEGORIES = ("analytics", "marketing")
STORAGE_TYPES = ("cookie", "local-storage", "session-storage")
DEFAULT_ACTIONS = ("accept", "reject", "manage")
# The buttons of overrides/partials/consent.html, texts from hooks/locales (cookies.banner.<key>).
BANNER_BUTTONS = ("accept_all", "reject_all", "settings", "save")
# Sections of the cookie notice: a website's id is its section's anchor too.
RESERVED_IDS = ("consent", "this-site", *CATEGORIES, "web-analytics", "blocking", "privacy-notices")
# Analytics integrations the theme or overrides/ provide, and the settings each needs.
PROVIDERS = {
    "google": ("property",),  # built into mkdocs-material
    "matomo": ("url", "property"),  # overrides/partials/integrations/analytics/matomo.html
    "plausible": ("property",),  # overrides/partials/integrations/analytics/plausible.html
}
# mkdocs-material keeps its state in localStorage under `<site path>.<name>`, e.g. `/.__consent`.
_THEME_KEY = re.compile(r"/(?:.*/)?\.(.+)")


@dataclass(frozen=True)
class Inventory:
    """A validated `_cookies.yml`."""

    document: Document

    @property
    def file(self) -> str:
        return self.document.file

    @property
    def data(self) -> dict:
        return self.document.data

    @property
    def items(self) -> list:
        return self.data["storage"]

    @property
    def services(self) -> list:
        services = self.data["analytics"]
        return [] if services == "none" else services

    @property
    def websites(self) -> list:
        """The organisation's other websites and services: disclosed on the
        cookie notice only; never part of this site's banner or checks."""
        return self.data.get("websites") or []

    def consent_version(self) -> str:
        """A short fingerprint of what this site's banner asks about: the
        categories that need consent, the analytics services, and the items in
        those categories. A consent given for another fingerprint is asked again.
        Wording changes (purposes, texts) keep the fingerprint."""
        asked = {
            "categories": list(self.consent_categories()),
            "services": sorted(service["id"] for service in self.services),
            "items": sorted([item["category"], item["type"], item["name"]] for item in self.items
                            if item["category"] in CONSENT_CATEGORIES),
        }
        canonical = json.dumps(asked, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]

    def in_category(self, category: str) -> list:
        return [item for item in self.items if item["category"] == category]

    def consent_categories(self) -> tuple:
        """The categories the banner must ask about: those with a disclosed item,
        and analytics whenever an analytics service runs (even a cookieless one)."""
        return tuple(c for c in CONSENT_CATEGORIES
                     if self.in_category(c) or (c == "analytics" and self.services))

    def discloses(self, storage_type: str, name: str) -> bool:
        return any(item["type"] == storage_type and name_pattern(item["name"]).match(name) for item in self.items)

    def line(self, path: tuple) -> int:
        return self.document.line_of(path)


def name_pattern(name: str) -> re.Pattern:
    """A disclosed name as a pattern: `*` stands for any characters."""
    return re.compile("^" + ".*".join(re.escape(part) for part in name.split("*")) + r"\Z")


# ---------------------------------------------------------------- the inventory itself

def _problem(document: Document, path: tuple, message: str) -> Problem:
    return Problem(document.file, document.line_of(path), field_path(path), message)


def check_inventory(document: Document) -> list[Problem]:
    """Rules between items of `_cookies.yml` (the schema checks each item).
    Skips what is not well-formed, so it can run on data that failed the schema."""
    data = document.data if isinstance(document.data, dict) else {}
    storage = data.get("storage")
    items = [(i, item) for i, item in enumerate(storage) if isinstance(item, dict)] if isinstance(storage, list) else []
    services = data.get("analytics")
    services = [(i, s) for i, s in enumerate(services) if isinstance(s, dict)] if isinstance(services, list) else []
    problems = []
    seen: dict = {}
    for i, service in services:
        sid = service.get("id")
        if not isinstance(sid, str):
            continue  # the schema reports it (a list or mapping cannot be compared)
        if sid in seen:
            problems.append(_problem(document, ("analytics", i, "id"),
                                     f"the service '{sid}' is already listed as analytics[{seen[sid] + 1}]; list each service once"))
        seen.setdefault(sid, i)
    names: dict = {}
    for i, item in items:
        key = (item.get("type"), item.get("name"))
        comparable = all(isinstance(part, str) for part in key)  # else the schema reports it
        if comparable and key in names:
            problems.append(_problem(document, ("storage", i, "name"),
                                     f"'{key[1]}' ({key[0]}) is already listed as storage[{names[key] + 1}]; list each item once"))
        if comparable:
            names.setdefault(key, i)
        service = item.get("service")
        if not isinstance(service, (str, type(None))):
            continue  # the schema reports it
        if service is not None and service not in seen:
            known = ", ".join(str(s) for s in seen) or "none are listed"
            problems.append(_problem(document, ("storage", i, "service"),
                                     f"there is no analytics service with `id: {service}` under `analytics` ({known})"))
        if service is not None and item.get("category") != "analytics":
            problems.append(_problem(document, ("storage", i, "category"),
                                     f"an item set by the analytics service '{service}' belongs to category analytics, "
                                     f"not {item.get('category')}: analytics is stored only with consent"))
    for w, website in _listed(data.get("websites")):
        problems += _check_website(document, w, website, data.get("websites"))
    return problems


def _listed(value) -> list:
    """(index, entry) of a list of mappings; `none` or a broken value gives nothing."""
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


def _check_website(document: Document, w: int, website: dict, websites: list) -> list[Problem]:
    """Rules between the items of one other website: ids and names once, items
    linked to its own services, and a word on consent where consent is needed."""
    at = ("websites", w)
    problems = []
    first = next(i for i, other in enumerate(websites) if isinstance(other, dict) and other.get("id") == website.get("id"))
    if website.get("id") in RESERVED_IDS:
        problems.append(_problem(document, at + ("id",), f"'{website.get('id')}' names a section of the cookie notice "
                                                         f"already ({', '.join(RESERVED_IDS)}); choose another id, "
                                                         "e.g. web-shop"))
    if first != w:
        problems.append(_problem(document, at + ("id",), f"the website '{website.get('id')}' is already listed as "
                                                         f"websites[{first + 1}]; give each website its own id"))
    services: dict = {}
    for i, service in _listed(website.get("services")):
        if not isinstance(service.get("id"), str):
            continue  # the schema reports it (a list or mapping cannot be compared)
        if service.get("id") in services:
            problems.append(_problem(document, at + ("services", i, "id"),
                                     f"the service '{service.get('id')}' is already listed as "
                                     f"services[{services[service.get('id')] + 1}] of this website; list each service once"))
        services.setdefault(service.get("id"), i)
    names: dict = {}
    needs_consent = [("services", i, "category") for i, s in _listed(website.get("services"))
                     if s.get("category") in CONSENT_CATEGORIES]
    for i, item in _listed(website.get("storage")):
        key = (item.get("type"), item.get("name"))
        if not all(isinstance(part, str) for part in key):
            continue  # the schema reports it
        if key in names:
            problems.append(_problem(document, at + ("storage", i, "name"),
                                     f"'{key[1]}' ({key[0]}) is already listed as storage[{names[key] + 1}] of this "
                                     "website; list each item once"))
        names.setdefault(key, i)
        sid = item.get("service")
        if not isinstance(sid, (str, type(None))):
            continue  # the schema reports it
        if sid is not None and sid not in services:
            known = ", ".join(str(s) for s in services) or "none are listed"
            problems.append(_problem(document, at + ("storage", i, "service"),
                                     f"this website has no service with `id: {sid}` under its `services` ({known})"))
        elif sid is not None:
            category = website["services"][services[sid]].get("category")
            if item.get("category") != category:
                problems.append(_problem(document, at + ("storage", i, "category"),
                                         f"an item set by the service '{sid}' belongs to its category {category}, "
                                         f"not {item.get('category')}"))
        if item.get("category") in CONSENT_CATEGORIES:
            needs_consent.append(("storage", i, "category"))
    if needs_consent and "consent" not in website:
        problems.append(_problem(document, at + needs_consent[0],
                                 "this website stores or sends data that needs consent (category analytics or "
                                 "marketing): add `consent:` to the website, telling how it asks for consent and how "
                                 "a visitor withdraws it"))
    return problems


def check_registers(inventory: Document | None, registers: list) -> list[Problem]:
    """A register that covers website visitors links to the cookie notice, which needs the inventory."""
    if inventory is not None:
        return _check_named_websites(inventory, registers)
    return [_problem(r.document, ("website_visitors",), "this register covers website visitors, but "
                     f"registers/{INVENTORY}.yml does not exist: create it to disclose the site's cookies, "
                     "or remove `website_visitors`")
            for r in registers if r.document.data.get("website_visitors") is True
            or isinstance(r.document.data.get("website_visitors"), list)]


def _check_named_websites(inventory: Document, registers: list) -> list[Problem]:
    """A `website_visitors` list names this site (`this-site`) or websites of the inventory."""
    data = inventory.data if isinstance(inventory.data, dict) else {}
    known = ["this-site"] + [w.get("id") for _, w in _listed(data.get("websites"))]
    problems = []
    for r in registers:
        named = r.document.data.get("website_visitors")
        for i, wid in enumerate(named if isinstance(named, list) else []):
            if wid not in known:
                problems.append(_problem(r.document, ("website_visitors", i),
                                         f"there is no website '{wid}' under `websites` in registers/{INVENTORY}.yml; "
                                         f"expected one of: {', '.join(str(k) for k in known)}"))
    return problems


# ---------------------------------------------------------------- the site configuration

@dataclass
class SiteSettings:
    """What the site configuration says about analytics, consent and the
    theme features that keep state in the browser. Plain data, read from
    mkdocs.yml by the command line or from MkDocs' config by the glue."""

    file: str = "mkdocs.yml"
    extra: dict = field(default_factory=dict)
    theme: dict = field(default_factory=dict)  # palette, features
    repo_url: str | None = None
    lines: Document | None = None  # the configuration file with lines, for messages

    @classmethod
    def from_config(cls, config: dict, file: str = "mkdocs.yml", path: Path | None = None) -> "SiteSettings":
        extra = config.get("extra") or {}
        theme = config.get("theme") or {}
        return cls(file, dict(extra) if isinstance(extra, dict) else {},
                   {key: theme.get(key) for key in ("palette", "features")} if isinstance(theme, dict) else {},
                   config.get("repo_url"), _read_lines(path, file) if path else None)

    def line(self, path: tuple) -> int:
        """The line of the setting's key (a mapping's value may start lines later)."""
        if self.lines is None:
            return 0
        return self.lines.key_lines.get(tuple(path)) or self.lines.line_of(path)

    def problem(self, path: tuple, message: str) -> Problem:
        return Problem(self.file, self.line(path), field_path(path), message)

    @property
    def analytics(self) -> dict:
        value = self.extra.get("analytics")
        return value if isinstance(value, dict) else {}

    @property
    def provider(self) -> str | None:
        return self.analytics.get("provider") or None

    @property
    def consent(self):
        return self.extra.get("consent")


def _read_lines(path: Path, shown: str) -> Document | None:
    """The configuration file with the line of every item; None if unreadable.
    Tags such as !ENV stay unresolved: only the lines matter here."""
    try:
        text, _ = decode(path.read_bytes(), shown)
    except OSError:
        return None
    document, _ = parse(text, shown) if text is not None else (None, [])
    return document


def theme_storage(site: SiteSettings, consent_on: bool) -> list[tuple]:
    """Browser storage mkdocs-material itself uses with this configuration:
    (type, name, configuration path, what stores it)."""
    found = []
    if consent_on:
        found.append(("local-storage", "__consent", ("extra", "consent"), "the consent banner stores the visitor's choice"))
    palette = site.theme.get("palette")
    if isinstance(palette, list) and any(isinstance(p, dict) and p.get("toggle") for p in palette):
        found.append(("local-storage", "__palette", ("theme", "palette"), "the palette toggle stores the chosen colours"))
    if "content.tabs.link" in (site.theme.get("features") or []):
        found.append(("local-storage", "__tabs", ("theme", "features"), "linked content tabs store the chosen tab"))
    if site.repo_url:
        found.append(("session-storage", "__source", ("repo_url",), "the repository link caches the repository's facts"))
    return found


def check_site(inventory: Inventory | None, site: SiteSettings) -> list[Problem]:
    """The site configuration against the inventory; every message names both places."""
    where = inventory.file if inventory is not None else f"registers/{INVENTORY}.yml"
    if inventory is None:
        return [site.problem(("extra", key), f"the site enables {what}, but {where} does not exist: "
                                             "create it to disclose the site's cookies and analytics")
                for key, what in (("analytics", "analytics"), ("consent", "a consent banner")) if site.extra.get(key)]
    problems = _check_analytics(inventory, site, where)
    needed = inventory.consent_categories()
    problems += _check_consent(inventory, site, where, needed)
    for storage_type, name, path, why in theme_storage(site, bool(needed)):
        if not inventory.discloses(storage_type, name):
            problems.append(site.problem(path, f"with this setting {why} in {storage_type} `{name}`, but {where} does "
                                               f"not disclose it; add it under `storage:` there"))
    return problems


def _check_analytics(inventory: Inventory, site: SiteSettings, where: str) -> list[Problem]:
    problems = []
    provider = site.provider
    ids = [service["id"] for service in inventory.services]
    if provider and provider not in ids:
        listed = f"it lists {', '.join(ids)}" if ids else "it lists none"
        problems.append(site.problem(("extra", "analytics", "provider"),
                                     f"the analytics provider '{provider}' is enabled here, but {where} discloses no "
                                     f"analytics service with `id: {provider}` ({listed}); disclose it under `analytics:` "
                                     f"in {where}, or remove `extra.analytics` here"))
    for i, service in enumerate(inventory.services):
        if service["id"] != provider:
            enabled = f"enables '{provider}'" if provider else "enables no analytics (extra.analytics.provider)"
            problems.append(_problem(inventory.document, ("analytics", i, "id"),
                                     f"the service '{service['id']}' is disclosed here, but {site.file} {enabled}; "
                                     f"remove it here, or enable it in {site.file}"))
    if provider and provider not in PROVIDERS:
        problems.append(site.problem(("extra", "analytics", "provider"),
                                     f"there is no integration for '{provider}'; supported: {', '.join(PROVIDERS)}"))
    for setting in PROVIDERS.get(provider, ()):
        if site.analytics.get(setting) in (None, ""):
            problems.append(site.problem(("extra", "analytics"), f"'{provider}' needs `{setting}` under extra.analytics"))
    url = site.analytics.get("url")
    if url is not None and not re.fullmatch(r"https://[^\s\"'<>]+", str(url)):
        problems.append(site.problem(("extra", "analytics", "url"), "expected the analytics server's address, "
                                                                     "starting with https://"))
    return problems


def _check_consent(inventory: Inventory, site: SiteSettings, where: str, needed: tuple) -> list[Problem]:
    consent = site.consent
    if not consent:
        return []
    if not isinstance(consent, dict):
        return [site.problem(("extra", "consent"), "expected a mapping with `actions` and optionally `cookies`")]
    problems = []
    for key in ("title", "description"):
        if key in consent:
            problems.append(site.problem(("extra", "consent", key), f"the banner's {key} is written for every language "
                                                                    f"from {where} (`banner`) and hooks/locales; remove it here"))
    actions = consent.get("actions")
    if actions is not None and "reject" not in (actions or []):
        problems.append(site.problem(("extra", "consent", "actions"),
                                     "add `reject`: refusing consent must be as easy as giving it"))
    if not needed:
        problems.append(site.problem(("extra", "consent"), f"a consent banner is configured, but {where} discloses "
                                                           "nothing that needs consent (no analytics service, no "
                                                           "analytics or marketing item); remove `extra.consent` here"))
    cookies = consent.get("cookies")
    if cookies is None:
        return problems
    if not isinstance(cookies, dict):
        return problems + [site.problem(("extra", "consent", "cookies"), "expected a mapping of consent categories")]
    for key in cookies:
        path = ("extra", "consent", "cookies", key)
        if key not in CONSENT_CATEGORIES:
            problems.append(site.problem(path, f"'{key}' is not a category that needs consent; expected one of: "
                                               f"{', '.join(CONSENT_CATEGORIES)} (the categories of {where})"))
        elif key not in needed:
            problems.append(site.problem(path, f"the banner asks consent for '{key}', but {where} discloses no item "
                                               f"in category {key}; disclose what it covers there, or remove it here"))
    for category in needed:
        if category not in cookies:
            first = next((i for i, item in enumerate(inventory.items) if item["category"] == category), None)
            path = ("storage", first, "category") if first is not None else ("analytics",)
            problems.append(_problem(inventory.document, path,
                                     f"category {category} needs consent, but {site.file} does not ask for it: "
                                     f"add `{category}` under extra.consent.cookies there"))
    return problems


# ---------------------------------------------------------------- the consent banner

def category_label(inventory: Inventory, category: str, locale: Locale) -> str:
    """The category's name, with the analytics services it covers: `Analytics (Matomo)`."""
    label = locale(f"cookies.categories.{category}.title")
    if category == "analytics" and inventory.services:
        names = [_label(service["name"], locale.code) for service in inventory.services]
        label += f" ({', '.join(names)})"
    return label


def _label(value, lang: str) -> str:
    return value[lang] if isinstance(value, dict) else value


def banner_description(inventory: Inventory, locale: Locale, cookies_url: str) -> str:
    """The banner's text as HTML, ending with a link to the cookie notice."""
    own = (inventory.data.get("banner") or {}).get("description")
    text = to_inline_html(own[locale.code]) if own else to_inline_html(locale("cookies.banner.description"))
    return f'{text} <a href="{escape(cookies_url)}">{escape(locale("cookies.banner.read_more"))}</a>'


def consent_settings(inventory: Inventory, locale: Locale, site: SiteSettings, cookies_url: str) -> dict | None:
    """mkdocs-material's `extra.consent` in one language, or None when nothing needs consent.
    The theme inserts title, description and names as HTML: all are escaped here."""
    needed = inventory.consent_categories()
    if not needed:
        return None
    configured = site.consent if isinstance(site.consent, dict) else {}
    own = (inventory.data.get("banner") or {}).get("title")
    title = own[locale.code] if own else locale("cookies.banner.title")
    return {
        "title": escape(title),
        "description": banner_description(inventory, locale, cookies_url),
        "actions": list(configured.get("actions") or DEFAULT_ACTIONS),
        # Unticked until the visitor ticks them: the theme ticks a category given as a plain string.
        "cookies": {category: {"name": escape(category_label(inventory, category, locale)), "checked": False}
                    for category in needed},
        # Read by overrides/partials/consent.html (the theme ignores them).
        "version": inventory.consent_version(),
        "buttons": {key: escape(locale(f"cookies.banner.{key}")) for key in BANNER_BUTTONS},
    }


# ---------------------------------------------------------------- what a browser holds

def undisclosed(found: Iterable[tuple[str, str]], disclosed: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (type, name) pairs a browser holds that the disclosure does not list.
    `found` names are as the browser reports them; the theme's keys carry the
    site's path (`/.__consent`), which is not part of the disclosed name.
    `disclosed`: (type, name) pairs as listed, e.g. read from the cookie notice."""
    patterns = [(storage_type, name_pattern(name)) for storage_type, name in disclosed]
    missing = []
    for storage_type, key in found:
        candidates = {key}
        theme_key = _THEME_KEY.fullmatch(key) if storage_type != "cookie" else None
        if theme_key:
            candidates.add(theme_key.group(1))
        if not any(t == storage_type and p.match(c) for t, p in patterns for c in candidates):
            missing.append((storage_type, key))
    return sorted(set(missing))
