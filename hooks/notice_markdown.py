"""Render a validated register as a privacy notice page (Markdown) in one
language, and the index of all notices.

Headings are Markdown so that the table of contents and anchors work; the
body of each section is finished HTML built from escaped author text (see
safe_markdown), so nothing an author writes can open a section of its own.
"""
from __future__ import annotations

from typing import Callable

from .gdpr import OBJECTION_RIGHTS, applicable_rights
from .html_a11y import cell_label
from .locales import Locale
from .phone import tel_target
from .registers import Catalogue, Register
from .safe_markdown import escape, escape_markdown_line, to_html, to_inline_html
from . import translations

# The fixed order of sections: (anchor id, function that renders the body).
# Headings come from the locale file's `sections` by the same id.
SECTION_ORDER = (
    "controller", "data_protection_officer", "contacts", "purposes", "legal_bases",
    "provision", "data_subjects", "data_categories", "special_categories", "sources", "recipients",
    "transfers", "retention", "security", "automated_decisions", "rights", "complaint", "versions",
)
# A register that covers website visitors (`website_visitors: true`) also gets
# a section on cookies and web analytics, after this one.
COOKIES_AFTER = "automated_decisions"
# Where a right to object applies, it has a section of its own before the
# other rights: Art. 21(4) asks for it "clearly and separately".
OBJECTION_BEFORE = "rights"


def notice_sections(data: dict) -> tuple:
    """The sections of one notice, in order."""
    sections = list(SECTION_ORDER)
    if data.get("website_visitors") is True or isinstance(data.get("website_visitors"), list):
        sections.insert(sections.index(COOKIES_AFTER) + 1, "cookies")
    if set(applicable_rights(data)) & set(OBJECTION_RIGHTS):
        sections.insert(sections.index(OBJECTION_BEFORE), "objection")
    return tuple(sections)


def section_heading(section: str, data: dict, locale: Locale) -> str:
    """A section's heading; in plural where the register lists several items."""
    if section == "legal_bases" and len(data["legal_bases"]) > 1:
        return locale("sections_plural.legal_bases")
    return locale("sections." + section)


class _Page:
    """What one section renderer needs: the register's data and the language."""

    website_links: tuple = ()  # (name, URL) of the websites the register covers, from `website_visitors`

    def __init__(self, register: Register | None, locale: Locale, cookies_url: str | None = None):
        self.data = register.data if register is not None else {}
        self.locale = locale
        self.lang = locale.code
        self.cookies_url = cookies_url

    def text(self, value) -> str:
        """Author text (a per-language mapping) as block HTML; a text not yet
        translated in the source language's element (`lang`)."""
        return translations.mark(to_html(value[self.lang]), value[self.lang], block=True)

    def inline(self, value) -> str:
        return translations.mark(to_inline_html(value[self.lang]), value[self.lang])

    def label(self, value) -> str:
        """A name: one string, or a per-language mapping; plain text, escaped."""
        text = value[self.lang] if isinstance(value, dict) else value
        return translations.mark("<br>".join(escape(line) for line in text.strip().split("\n")), text)


def _tag(name: str, body: str, cls: str = "") -> str:
    attribute = f' class="{cls}"' if cls else ""
    return f"<{name}{attribute}>{body}</{name}>"


def _list(items: list[str], cls: str = "") -> str:
    return _tag("ul", "".join(_tag("li", item) for item in items), cls)


def _fields(pairs: list[tuple[str, str]]) -> str:
    """Label-value pairs as a definition list; pairs without a value are left out."""
    return _tag("dl", "".join(_tag("dt", escape(k)) + _tag("dd", v) for k, v in pairs if v), "notice-fields")


def _table(headers: list[str], rows: list[list[str]]) -> str:
    labels = [cell_label(h) for h in headers]
    body = _tag("tbody", "".join(_tag("tr", labelled_cells(labels, row)) for row in rows))
    return _tag("table", table_head(headers) + body)


def table_head(headers: list[str]) -> str:
    return _tag("thead", _tag("tr", "".join(f'<th scope="col">{h}</th>' for h in headers)))


def labelled_cells(labels: list[str], cells: list[str]) -> str:
    """A body row's cells, each labelled with its column's header (`labels`:
    html_a11y.cell_label of each), as html_a11y.improve_tables labels the
    tables of hand-written pages: the build need not parse generated tables again."""
    return "".join(f'<td data-label="{labels[i]}">{cell}</td>' if i < len(labels) and labels[i] else f"<td>{cell}</td>"
                   for i, cell in enumerate(cells))


def _none(p: _Page, key: str) -> str:
    return _tag("p", escape(p.locale(f"none.{key}")), "notice-none")


def _link(scheme: str, value: str) -> str:
    target = tel_target(value) if scheme == "tel" else value
    return f'<a href="{scheme}:{escape(target)}">{escape(value)}</a>'


def _contact_fields(p: _Page, contact: dict, heading: str = "") -> str:
    """A contact's items; a role that only repeats the section heading is left out."""
    t = p.locale
    role = contact.get("role")
    if role is not None and role[p.lang].strip().casefold() == heading.casefold():
        role = None
    return _fields([
        (t("labels.name"), p.label(contact["name"]) if "name" in contact else ""),
        (t("labels.role"), p.inline(role) if role is not None else ""),
        (t("labels.address"), p.label(contact["address"]) if "address" in contact else ""),
        (t("labels.phone"), _link("tel", contact["phone"]) if "phone" in contact else ""),
        (t("labels.email"), _link("mailto", contact["email"]) if "email" in contact else ""),
        (t("labels.website"), _website(contact.get("website"))),
    ])


def _website(url: str | None) -> str:
    return f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a>' if url else ""


def controller(p: _Page) -> str:
    c, t = p.data["controller"], p.locale
    # Only what the author gave: a notice never shows contact details the registers do not contain.
    return _fields([
        (t("labels.name"), p.label(c["name"])),
        (t("labels.business_id"), escape(c["business_id"])),
        (t("labels.address"), p.label(c["address"]) if "address" in c else ""),
        (t("labels.phone"), _link("tel", c["phone"]) if "phone" in c else ""),
        (t("labels.email"), _link("mailto", c["email"]) if "email" in c else ""),
        (t("labels.contact_form"), _website(c.get("contact_form"))),
        (t("labels.website"), _website(c.get("website"))),
    ])


def data_protection_officer(p: _Page) -> str:
    dpo = p.data["data_protection_officer"]
    if dpo == "none":
        return _none(p, "data_protection_officer")
    if "none_reason" in dpo:  # none designated; the reason is the author's own
        return _none(p, "data_protection_officer") + p.text(dpo["none_reason"])
    return _contact_fields(p, dpo, p.locale("sections.data_protection_officer"))


def contacts(p: _Page) -> str:
    return "".join(_contact_fields(p, contact) for contact in p.data["contacts"])


def purposes(p: _Page) -> str:
    return _list([p.inline(purpose) for purpose in p.data["purposes"]])


def legal_bases(p: _Page) -> str:
    t, parts = p.locale, []
    for entry in p.data["legal_bases"]:
        code = entry["basis"]
        body = [_tag("p", escape(t(f"legal_bases.{code}.text")))]
        if "description" in entry:
            body.append(p.text(entry["description"]))
        if "law" in entry:
            body.append(_tag("p", f"<strong>{escape(t('labels.law'))}</strong> {p.inline(entry['law'])}"))
        if "legitimate_interest" in entry:
            body.append(_tag("p", f"<strong>{escape(t('labels.legitimate_interest'))}</strong> "
                                  f"{p.inline(entry['legitimate_interest'])}"))
        parts.append(_tag("dt", escape(t(f"legal_bases.{code}.title"))) + _tag("dd", "".join(body)))
    return _tag("dl", "".join(parts), "notice-legal-bases")


def provision(p: _Page) -> str:
    entry, t = p.data["provision"], p.locale
    out = [_tag("p", escape(t(f"provision.{entry['requirement']}")))]
    if "details" in entry:
        out.append(p.text(entry["details"]))
    out.append(_tag("p", f"<strong>{escape(t('labels.provision_consequences'))}</strong> "
                         f"{p.inline(entry['consequences'])}"))
    return "".join(out)


def data_subjects(p: _Page) -> str:
    return _list([p.inline(subject) for subject in p.data["data_subjects"]])


def _data_items(p: _Page, items: list) -> str:
    rendered = []
    for item in items:
        if "items" in item and "name" in item:
            name = item["name"][p.lang]
            rendered.append(f"<strong>{translations.mark(escape(name), name)}</strong>" + _data_items(p, item["items"]))
        else:
            rendered.append(p.inline(item))
    return _list(rendered)


def data_categories(p: _Page) -> str:
    return _data_items(p, p.data["data_categories"])


def special_categories(p: _Page) -> str:
    entries, t = p.data["special_categories"], p.locale
    if entries == "none":
        return _none(p, "special_categories")
    items = []
    for entry in entries:
        body = f"<strong>{escape(t('special_categories.' + entry['category']))}</strong>"
        if "description" in entry:
            body += p.text(entry["description"])
        body += _tag("p", f"{escape(t('labels.condition'))} {escape(t('art9_conditions.' + entry['condition']))}")
        items.append(body)
    return _list(items)


def sources(p: _Page) -> str:
    t, items = p.locale, []
    for entry in p.data["sources"]:
        name = entry["source"]
        body = escape(t("labels.data_subject_source")) if name == "data-subject" else p.label(name)
        body = f"<strong>{body}</strong>"
        if entry.get("publicly_available"):
            body += " " + escape(t("labels.publicly_available"))
        if "provides" in entry:
            body += f": {p.inline(entry['provides'])}"
        if "about" in entry:  # data about someone other than the reader
            body += f"<br>{escape(t('labels.source_about'))} {p.inline(entry['about'])}"
        items.append(body)
    return _list(items)


def recipients(p: _Page) -> str:
    t, out = p.locale, []
    for key, who in (("disclosures", "recipient"), ("processors", "name")):
        out.append(_tag("p", f"<strong>{escape(t('labels.' + key))}</strong>"))
        entries = p.data[key]
        if entries == "none":
            out.append(_none(p, key))
        else:
            out.append(_table([escape(t(f"labels.{'recipient' if who == 'recipient' else 'name'}")),
                               escape(t("labels.purpose"))],
                              [[p.label(e[who]), p.inline(e["purpose"])] for e in entries]))
    return "".join(out)


def transfers(p: _Page) -> str:
    entries, t = p.data["transfers"], p.locale
    if entries == "none":
        return _none(p, "transfers")
    if isinstance(entries, dict):  # only in specific situations, described by the author
        return (_tag("p", escape(t("transfers_occasional"))) + p.text(entries["situations"])
                + _tag("p", f"<strong>{escape(t('labels.transfer_safeguards'))}</strong>") + p.text(entries["safeguards"]))
    rows = []
    for e in entries:
        safeguard = escape(t("safeguards." + e["safeguard"]))
        if "details" in e:
            safeguard += p.text(e["details"])
        rows.append([p.label(e["destination"]), p.label(e["recipient"]), safeguard])
    return _table([escape(t("labels.destination")), escape(t("labels.recipient")), escape(t("labels.safeguard"))], rows)


def retention(p: _Page) -> str:
    t = p.locale
    rows = [[p.inline(rule["data"]) if "data" in rule else escape(t("labels.all_data")), p.inline(rule["period"])]
            for rule in p.data["retention"]]
    return _table([escape(t("labels.retention_data")), escape(t("labels.retention_period"))], rows)


def security(p: _Page) -> str:
    t, pairs = p.locale, []
    for key in ("manual", "electronic"):
        value = p.data["security"][key]
        pairs.append((t("labels." + key), escape(t("none." + key)) if value == "none" else p.text(value)))
    if "organisational" in p.data["security"]:
        pairs.append((t("labels.organisational"), p.text(p.data["security"]["organisational"])))
    return _fields(pairs)


def automated_decisions(p: _Page) -> str:
    value, t = p.data["automated_decisions"], p.locale
    if value == "none":
        return _none(p, "automated_decisions")
    if "logic" not in value:  # profiling only: no decisions based solely on it
        return _none(p, "automated_decisions") + _fields([(t("labels.profiling"), p.text(value["profiling"]))])
    return _fields([(t("labels.logic"), p.text(value["logic"])),
                    (t("labels.consequences"), p.text(value["consequences"])),
                    (t("labels.profiling"), p.text(value["profiling"]) if "profiling" in value else "")])


def rights(p: _Page) -> str:
    t = p.locale
    own = p.data.get("rights", {})
    pairs = [(t(f"rights.{key}.title"), _tag("p", escape(t(f"rights.{key}.text"))))
             for key in applicable_rights(p.data) if key not in OBJECTION_RIGHTS]
    out = [_tag("p", escape(t("rights.intro"))), _fields(pairs)]
    out += [p.text(extra) for extra in own.get("additional", [])]
    how = p.text(own["how_to_exercise"]) if "how_to_exercise" in own else _tag("p", escape(t("rights.default_how_to_exercise")))
    out.append(_tag("p", f"<strong>{escape(t('labels.how_to_exercise'))}</strong>") + how)
    return "".join(out)


def _objected_processing(p: _Page) -> list[str]:
    """The processing based on a public task or legitimate interests, in the
    author's words: what a reader can object to (Art. 21(4))."""
    items = []
    for entry in p.data["legal_bases"]:
        if entry["basis"] in ("e", "f"):
            text = entry.get("description") or entry.get("legitimate_interest")
            items.append(p.inline(text) if text else escape(p.locale(f"legal_bases.{entry['basis']}.title")))
    return items


def objection(p: _Page) -> str:
    t, rights_ = p.locale, applicable_rights(p.data)
    out = []
    if "objection" in rights_:
        out += [_tag("p", escape(t("objection.general"))), _list(_objected_processing(p)),
                _tag("p", escape(t("objection.after_general")))]
    if "direct_marketing" in rights_:
        out.append(_tag("p", f"<strong>{escape(t('objection.direct_marketing'))}</strong>"))
    return "".join(out)


def complaint(p: _Page) -> str:
    t = p.locale
    authority = p.data.get("supervisory_authority") or t.get("complaint.authority")
    return _tag("p", escape(t("complaint.text"))) + _contact_fields(p, authority)


def versions(p: _Page) -> str:
    t = p.locale
    rows = [[f'<time datetime="{v["date"]}">{escape(t.date(v["date"]))}</time>', p.inline(v["summary"])]
            for v in p.data["versions"]]
    out = _tag("p", escape(t("versions.intro"))) + _table([escape(t("labels.date")), escape(t("labels.change"))], rows)
    if "announcing_changes" in p.data:
        # in its own block: the version history (hooks/archive.py) keeps it when it replaces the table
        out += _tag("div", _tag("p", f"<strong>{escape(t('labels.announcing_changes'))}</strong>")
                    + p.text(p.data["announcing_changes"]), "notice-announcing")
    return out


def cookies(p: _Page) -> str:
    t = p.locale
    link = f'<a href="{escape(p.cookies_url or "")}">{escape(t("cookies.notice_section.link"))}</a>'
    websites = "".join(_tag("li", f'<a href="{escape(url)}">{escape(name)}</a>') for name, url in p.website_links)
    return _tag("p", escape(t("cookies.notice_section.text"))) + _tag("p", link) + (_tag("ul", websites) if websites else "")


_RENDERERS = {name: globals()[name] for name in SECTION_ORDER + ("cookies", "objection")}


def render_notice(register: Register, locale: Locale, index_url: str, cookies_url: str | None = None,
                  website_links=()) -> str:
    """The notice page of one register in one language, as Markdown.
    `website_links`: (name, URL) of the websites whose cookies the register's notice covers."""
    return with_links(notice_body(register, locale), locale, index_url, cookies_url, website_links)


# Sections drawn from the register's item of the same name and the locale only:
# two versions with equal items show the same section.
_OWN_ITEM_ONLY = frozenset({
    "controller", "data_protection_officer", "contacts", "purposes", "provision", "data_subjects",
    "data_categories", "special_categories", "sources", "transfers", "retention", "security", "automated_decisions",
})


def notice_body(register: Register, locale: Locale, sections_seen: dict | None = None) -> tuple:
    """The notice's Markdown but for its links to other pages, which depend on
    the address of the page it is shown on (the notice in force appears at its
    permanent address and on its version's page): the text before and after the
    cookie section's content, or the whole text if it has none.
    `sections_seen`: section -> (item, HTML) of another version of the same
    register in the same language, reused where the item is equal."""
    p = _Page(register, locale)
    if translations.pending(register.data):
        sections_seen = None  # texts filled in from the source language are marked: not plain equality
    t = locale
    name = register.data["name"][locale.code]
    created, updated = register.data["created"], register.last_updated
    lines = [
        f"# {title_line(t('notice.title', name=_NAME), name)}",
        "",
    ]
    note = translation_note(register.data, t)
    if note:
        lines += [note, ""]
    lines += [
        '<p class="notice-dates">'
        f'{escape(t("notice.drawn_up"))} <time datetime="{created}">{escape(t.date(created))}</time> · '
        f'{escape(t("notice.last_updated"))} <time datetime="{updated}">{escape(t.date(updated))}</time></p>',
        "",
        _tag("p", escape(t("notice.intro", name=_NAME)).replace(_NAME, translations.mark(escape(name), name))),
        "",
    ]
    if "applicable_law" in register.data:
        lines += [_tag("p", f"<strong>{escape(t('labels.applicable_law'))}</strong> {p.inline(register.data['applicable_law'])}"), ""]
    parts = []
    for number, section in enumerate(notice_sections(register.data), start=1):
        heading = escape_markdown_line(f"{number}. {section_heading(section, register.data, t)}")
        lines += [f"## {heading} {{#{section.replace('_', '-')}}}", ""]
        if section == "cookies":  # its links are the page's: with_links puts them in
            parts.append("\n".join(lines + ['<div class="notice-section">']))
            lines = ["</div>", ""]
        else:
            lines += [_tag("div", _section_html(section, p, sections_seen), "notice-section"), ""]
    parts.append("\n".join(lines))
    return tuple(parts)


def _section_html(section: str, p: _Page, sections_seen: dict | None) -> str:
    if sections_seen is None or section not in _OWN_ITEM_ONLY:
        return _RENDERERS[section](p)
    item = p.data.get(section)
    seen = sections_seen.get(section)
    if seen is None or seen[0] != item:
        seen = sections_seen[section] = (item, _RENDERERS[section](p))
    return seen[1]


def with_links(body: tuple, locale: Locale, index_url: str, cookies_url: str | None = None, website_links=()) -> str:
    """A notice_body on a page: the cookie section's links and the link back to the index."""
    back = f'<p class="notice-back"><a href="{escape(index_url)}">{escape(locale("index.title"))}</a></p>'
    if len(body) == 1:
        return f"{body[0]}\n{back}\n"
    p = _Page(None, locale, cookies_url)
    p.website_links = tuple(website_links)
    return f"{body[0]}{cookies(p)}{body[1]}\n{back}\n"


def render_index(catalogue: Catalogue, locale: Locale, notice_url: Callable[[str], str],
                 source_url: Callable[[str], str] | None = None) -> str:
    """The list of all notices in one language, as Markdown. `source_url`: the
    address of a notice in the source language, for one not published in this one."""
    t, lang = locale, locale.code
    rows = []
    for register in catalogue.registers:
        name = translations.mark(escape(register.data["name"][lang]), register.data["name"][lang])
        purposes_html = _list([translations.mark(to_inline_html(purpose[lang]), purpose[lang])
                               for purpose in register.data["purposes"]])
        updated = register.last_updated
        link = f'<a href="{escape(notice_url(register.id))}">{name}</a>'
        if not translations.published(register.data, lang) and source_url is not None:
            # Not published in this language: the notice in the source language, and say so.
            source = catalogue.languages.default
            link = (f'<a href="{escape(source_url(register.id))}" hreflang="{escape(source)}">{name}</a>'
                    f'<br><small class="notice-translation-pending">'
                    f'{escape(t("translation.index_not_published", source=_language_name(t, source)))}</small>')
        rows.append([link, purposes_html, f'<time datetime="{updated}">{escape(t.date(updated))}</time>'])
    table = _table([escape(t("index.register")), escape(t("index.purposes")), escape(t("index.last_updated"))], rows)
    return "\n".join([f"# {escape_markdown_line(t('index.title'))}", "", _tag("p", escape(t("index.intro"))), "",
                      _tag("div", table, "notice-index"), ""])


# ---- partly translated registers (hooks/translations.py) ---------------------------

_NAME = "@@name@@"  # stand-in for the register's name, put into the escaped title


def title_line(title: str, name) -> str:
    """A heading's text with `name` in it (in `_NAME`'s place), escaped; a name
    not yet translated in the source language's element."""
    return escape_markdown_line(title).replace(_NAME, translations.mark(escape_markdown_line(name), name))


def _language_name(locale: Locale, code: str) -> str:
    names = locale.get("translation.language_names")
    return names.get(code, code) if isinstance(names, dict) else code


def untranslated_parts(data: dict, locale: Locale) -> list[str]:
    """The parts of a notice shown in the source language, named as the page names them."""
    keys = translations.untranslated_keys(data, locale.code)
    parts = [locale(translations.OWN_PART[key]) for key in keys if key in translations.OWN_PART]
    sections = {translations.SECTION_OF.get(key, key) for key in keys}
    parts += [section_heading(section, data, locale) for section in notice_sections(data) if section in sections]
    return parts


def translation_note(data: dict, locale: Locale) -> str:
    """The note at the top of a page partly shown in the source language ('' if none)."""
    if locale.code not in translations.pending(data):
        return ""  # translations.fill gives source texts only to the languages the register marks
    source = translations.source_language(data, locale.code)
    if source is None or source == locale.code:
        return ""
    intro = escape(locale("translation.note", source=_language_name(locale, source)))
    items = "".join(_tag("li", escape(part)) for part in untranslated_parts(data, locale))
    return f'<div class="notice-translation-note" role="note"><p>{intro}</p><ul>{items}</ul></div>'
