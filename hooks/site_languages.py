"""What mkdocs.yml must say for each built language besides the default one,
so that no page shows interface text in another language. Plain data in,
messages out: the MkDocs glue logs them as warnings (which fail a strict
build), and the README's "Languages" section lists the same settings."""
from __future__ import annotations


def _nav_titles(nav) -> list[str]:
    """Every title in a MkDocs `nav` list (sections and pages)."""
    titles = []
    for item in nav or []:
        if isinstance(item, dict):
            for title, value in item.items():
                titles.append(str(title))
                if isinstance(value, list):
                    titles += _nav_titles(value)
    return titles


def _plugin(config: dict, name: str):
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and name in entry:
            return entry[name] or {}
        if entry == name:
            return {}
    return None


def _palette_toggles(palette) -> int:
    entries = palette if isinstance(palette, list) else [palette] if isinstance(palette, dict) else []
    return sum(1 for entry in entries if isinstance(entry, dict) and isinstance(entry.get("toggle"), dict))


def missing_language_settings(config: dict) -> list[str]:
    """Messages for settings a built language lacks; `config` is mkdocs.yml as written."""
    i18n = _plugin(config, "i18n")
    if not isinstance(i18n, dict):
        return []
    languages = [entry for entry in i18n.get("languages") or [] if isinstance(entry, dict)]
    search = _plugin(config, "search")
    search_langs = search.get("lang") if isinstance(search, dict) else None
    search_langs = [search_langs] if isinstance(search_langs, str) else search_langs or []
    theme = config.get("theme") if isinstance(config.get("theme"), dict) else {}
    toggles = _palette_toggles(theme.get("palette"))
    nav_titles = _nav_titles(config.get("nav"))
    problems = []
    for entry in languages:
        code = entry.get("locale")
        if entry.get("build", True) is False or code in (None, "null"):
            continue
        where = f"mkdocs.yml: plugins.i18n.languages[{code}]"
        if search is not None and code not in search_langs:
            problems.append(f"mkdocs.yml: plugins.search.lang: '{code}' is missing: pages in this language "
                            f"are not searched as {code}; add it to the list")
        if entry.get("default"):
            continue  # the default language uses the settings at the top of mkdocs.yml
        for key in ("site_name", "site_description", "copyright"):
            if config.get(key) and not entry.get(key):
                problems.append(f"{where}: {key} is missing: pages in this language show the default "
                                f"language's {key}; add `{key}:` in {code}")
        own_theme = entry.get("theme") if isinstance(entry.get("theme"), dict) else {}
        if toggles and _palette_toggles(own_theme.get("palette")) < toggles:
            problems.append(f"{where}: theme.palette: the {toggles} colour-scheme toggles need their `name` "
                            f"in {code} (theme: palette: - toggle: name: ...), in the order of theme.palette")
        if nav_titles and not entry.get("nav"):
            translated = entry.get("nav_translations") or {}
            missing = [title for title in nav_titles if title not in translated]
            if missing:
                problems.append(f"{where}: nav_translations: no {code} title for {', '.join(missing)}; "
                                "add `nav_translations:` with one line per title")
    return problems
