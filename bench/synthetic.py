"""A synthetic site project of the size of a city: N registers derived from the
example registers in registers/ (ids, names and texts varied so that no two
pages are alike), in any languages that have standard texts in hooks/locales/,
with V versions of every register committed into a git history.

Also writes the "floor": the same site with the generated Markdown as plain
files and no hooks, which is what MkDocs itself needs for the same pages.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from hooks.languages import Languages  # noqa: E402
from hooks.project import load_project  # noqa: E402
from hooks.site_pages import page_markdown, plan_pages  # noqa: E402

SOURCE_LANGUAGES = ("fi", "en")  # the languages the example registers are written in
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# Fictional units of a city, so that every register reads differently.
UNITS = [
    ("Kasvatuksen ja koulutuksen toimiala", "Education and Learning Division"),
    ("Sosiaali- ja terveyspalvelut", "Social and Health Services"),
    ("Kaupunkiympäristön toimiala", "Urban Environment Division"),
    ("Kulttuurin ja vapaa-ajan toimiala", "Culture and Leisure Division"),
    ("Kaupunginkanslia", "City Executive Office"),
    ("Pelastuslaitos", "Rescue Department"),
    ("Kaupunginkirjasto", "City Library"),
    ("Liikuntapalvelut", "Sports Services"),
    ("Nuorisopalvelut", "Youth Services"),
    ("Työllisyyspalvelut", "Employment Services"),
    ("Asuntotuotanto", "Housing Production"),
    ("Ympäristöpalvelut", "Environmental Services"),
]

# Hand-written front pages for languages the repository has none for.
FRONT_PAGES = {
    "sv": "# Dataskydd\n\n- [Dataskyddsbeskrivningar](notices/index.md): alla våra register\n",
}
NAV_TRANSLATIONS = {
    "sv": {"Etusivu": "Startsida", "Tietosuojaselosteet": "Dataskyddsbeskrivningar"},
}
LANGUAGE_NAMES = {"fi": "Suomi", "en": "English", "sv": "Svenska"}
# Texts in other languages are the English text after this (plain text, like a translation).
TRANSLATED = {"sv": "På svenska"}


def _is_text(value) -> bool:
    """A per-language text of the examples: {fi: ..., en: ...}."""
    return isinstance(value, dict) and set(value) == set(SOURCE_LANGUAGES) and all(
        isinstance(v, str) for v in value.values())


def localise(value, languages: tuple):
    """Texts in exactly `languages`: fi and en as written, others from the
    English text (length and Markdown as in a real translation)."""
    if _is_text(value):
        return {lang: value[lang] if lang in value else f"{TRANSLATED.get(lang, lang)}: {value['en']}"
                for lang in languages}
    if isinstance(value, dict):
        return {k: localise(v, languages) for k, v in value.items()}
    if isinstance(value, list):
        return [localise(v, languages) for v in value]
    return value


def _with_suffix(text: dict, fi: str, en: str) -> dict:
    return {"fi": f"{text['fi']}{fi}", "en": f"{text['en']}{en}"}


def unique_texts(value, number: int):
    """Every text of a register made its own, so that no cache of rendered
    texts gets help from the benchmark that real registers would not give."""
    if _is_text(value):
        return _with_suffix(value, f" ({number})", f" ({number})")
    if isinstance(value, dict):
        return {k: unique_texts(v, number) for k, v in value.items()}
    if isinstance(value, list):
        return [unique_texts(v, number) for v in value]
    return value


def register_versions(template: dict, number: int, versions: int) -> list[dict]:
    """The register `number` as it was at each of its `versions` (oldest first)."""
    unit_fi, unit_en = UNITS[number % len(UNITS)]
    created = dt.date(2016, 1, 4) + dt.timedelta(days=number % 700)
    template = unique_texts(template, number)
    base = dict(template)
    base["name"] = _with_suffix(template["name"], f", {unit_fi.lower()} {number}", f", {unit_en} {number}")
    purposes = list(template["purposes"])
    purposes[0] = _with_suffix(purposes[0], f" Yksikkö: {unit_fi} (rekisteri {number}).",
                               f" Unit: {unit_en} (register {number}).")
    base["purposes"] = purposes
    base["created"] = created
    history, entries = [], []
    for k in range(versions):
        day = created + dt.timedelta(days=150 * k)
        summary = ({"fi": "Ensimmäinen EU:n tietosuoja-asetuksen mukainen versio.",
                    "en": "First version under the EU General Data Protection Regulation."} if k == 0 else
                   {"fi": f"Päivitetty säilytysajat ja käsittelijät (versio {k + 1}).",
                    "en": f"Updated the retention periods and the processors (version {k + 1})."})
        entries.insert(0, {"date": day, "summary": summary})
        state = dict(base)
        state["versions"] = list(entries)
        if k:  # each version changes the text, as a real revision does
            retention = list(template["retention"])
            retention[0] = dict(retention[0], period=_with_suffix(
                retention[0]["period"], f" Tarkistettu {day.isoformat()}.", f" Reviewed on {day.isoformat()}."))
            state["retention"] = retention
        history.append(state)
    return history


def dump(data, languages: tuple, schema: str) -> str:
    header = f"# yaml-language-server: $schema=../hooks/schema/{schema}.schema.json\n\n"
    return header + yaml.dump(localise(data, languages), Dumper=_Dumper, allow_unicode=True,
                              sort_keys=False, width=100)


def _git(root: Path, *args: str) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@city.example",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@city.example")
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def write_registers(root: Path, count: int, languages: tuple, versions: int) -> None:
    """registers/ with `count` registers; version k of every register is commit k."""
    folder = root / "registers"
    folder.mkdir(parents=True)
    organisation = yaml.safe_load((REPO / "registers" / "_organisation.yml").read_text(encoding="utf-8"))
    (folder / "_organisation.yml").write_text(dump(organisation, languages, "organisation"), encoding="utf-8")
    templates = [(p.stem, yaml.safe_load(p.read_text(encoding="utf-8")))
                 for p in sorted((REPO / "registers").glob("[!_]*.yml"))]
    for _, template in templates:
        template.pop("website_visitors", None)  # the benchmark's site has no cookie inventory
    histories = {}
    for n in range(count):
        stem, template = templates[n % len(templates)]
        histories[f"{stem}-{n:04d}"] = register_versions(template, n, versions)
    _git(root, "init", "-q", "-b", "main")
    for k in range(versions):
        for register_id, history in histories.items():
            (folder / f"{register_id}.yml").write_text(dump(history[k], languages, "register"), encoding="utf-8")
        _git(root, "add", "-A", "registers")
        _git(root, "commit", "-q", "-m", f"Version {k + 1} of every register",
             f"--date=20{16 + k:02d}-06-01T12:00:00")


def _site_config(languages: tuple) -> dict:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    # The consent banner's texts are set per language and page by the hooks,
    # which plain files cannot repeat: the benchmark measures the notices
    # without the cookie inventory, banner and analytics (one page per language).
    for key in ("consent", "analytics"):
        config.get("extra", {}).pop(key, None)
    config["nav"] = [entry for entry in config.get("nav", []) if "cookies.md" not in str(entry)]
    original = {}
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "i18n" in plugin:
            original = {entry["locale"]: entry for entry in plugin["i18n"]["languages"]}
            entries = []
            for i, lang in enumerate(languages):
                entry = dict(original.get(lang) or {"locale": lang, "name": LANGUAGE_NAMES.get(lang, lang)})
                entry["default"] = i == 0
                entry["build"] = True
                if lang in NAV_TRANSLATIONS and i:
                    entry["nav_translations"] = NAV_TRANSLATIONS[lang]
                if i == 0:
                    for key in ("site_name", "site_description", "nav_translations"):
                        entry.pop(key, None)
                entries.append(entry)
            plugin["i18n"]["languages"] = entries
        if isinstance(plugin, dict) and "search" in plugin:
            plugin["search"]["lang"] = list(languages)
    return config


def _write_config(root: Path, config: dict) -> None:
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _write_docs(root: Path, languages: tuple) -> None:
    shutil.copytree(REPO / "docs", root / "docs", ignore=shutil.ignore_patterns("index*.md"))
    shutil.copytree(REPO / "overrides", root / "overrides", dirs_exist_ok=True)
    for i, lang in enumerate(languages):
        source = REPO / "docs" / ("index.md" if lang == "fi" else f"index.{lang}.md")
        text = source.read_text(encoding="utf-8") if source.is_file() else FRONT_PAGES.get(
            lang, f"# {lang}\n\n- [Notices](notices/index.md)\n")
        text = "".join(line for line in text.splitlines(keepends=True) if "cookies.md" not in line)
        (root / "docs" / ("index.md" if i == 0 else f"index.{lang}.md")).write_text(text, encoding="utf-8")


def check_languages(languages: tuple) -> None:
    missing = [lang for lang in languages if not (REPO / "hooks" / "locales" / f"{lang}.yml").is_file()]
    if missing:
        raise SystemExit(f"no standard texts for {', '.join(missing)}: hooks/locales/<language>.yml is needed")


def make_site(root: Path, count: int, languages: tuple, versions: int) -> None:
    """The site project with hooks: mkdocs.yml, docs/, overrides/, registers/ in git, hooks/."""
    check_languages(languages)
    root.mkdir(parents=True)
    _write_config(root, _site_config(languages))
    _write_docs(root, languages)
    (root / "hooks").symlink_to(REPO / "hooks", target_is_directory=True)
    write_registers(root, count, languages, versions)


def make_floor(site: Path, floor: Path, languages: tuple) -> int:
    """The same pages as plain Markdown files, built without the hooks.
    Returns the number of generated pages."""
    floor.mkdir(parents=True)
    config = _site_config(languages)
    # Only the notices hook: the interface hook translates the theme's texts,
    # which plain files cannot.
    config["hooks"] = [hook for hook in config.get("hooks", []) if "mkdocs_hooks" not in hook]
    # The hooks add the notices as not-in-nav pages; plain files say so here.
    config["not_in_nav"] = "/notices/*\n!/notices/index*.md\n"
    _write_config(floor, config)
    _write_docs(floor, languages)
    (floor / "hooks").symlink_to(REPO / "hooks", target_is_directory=True)
    built = Languages.from_i18n_entries([{"locale": lang, "default": i == 0} for i, lang in enumerate(languages)])
    project = load_project(site, built)
    # The archive of earlier versions, read from the site's git history as the build does.
    from hooks.archive import atom_feed, build_archive
    from hooks.history import read_history
    project.archive = build_archive(project.catalogue, read_history(site))
    pages = plan_pages(project)
    for src_uri, page in pages.items():
        path = floor / "docs" / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_markdown(page, project, config.get("use_directory_urls", True)), encoding="utf-8")
    for lang in languages:  # the feeds of notice changes, as static files
        suffix = built.page_suffix(lang)
        # addressed as the hooks address it (hooks/mkdocs_hooks.py, _write_feeds)
        site_url = (config.get("site_url") or "").rstrip("/")
        prefix = "" if lang == built.default else f"{lang}/"
        base = f"{site_url}/{prefix}" if site_url else ""
        feed = atom_feed(project.archive, project.catalogue, project.locales[lang], base,
                         base + "notices/feed.xml" if base else "feed.xml")
        (floor / "docs" / f"notices/feed{suffix}.xml").write_text(feed, encoding="utf-8")
    return len(pages)
