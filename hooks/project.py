"""One place that loads everything a build needs: the registers, validated,
and the standard texts of every language. The MkDocs glue and the
command-line tools both start here."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from . import collector
from .cookies import INVENTORY, Inventory, SiteSettings, check_site
from .languages import Languages
from .locales import load_locales
from .problems import Problem, ProblemsFound
from .registers import Catalogue, load_catalogue

REGISTERS_DIR = "registers"


@dataclass
class Project:
    catalogue: Catalogue
    locales: dict  # language code -> Locale
    inventory: Inventory | None = None  # registers/_cookies.yml, if the site has one
    archive: object = None  # hooks.archive.Archive: every version of every notice (set by the build)

    @property
    def languages(self) -> Languages:
        return self.catalogue.languages


def load_project(root: Path, languages: Languages, site: SiteSettings | None = None) -> Project:
    """Load and validate; raises ProblemsFound with every problem at once.
    With `site`, the site configuration is checked against the cookie inventory too."""
    with collector.paused():
        return _load(root, languages, site)


def _load(root: Path, languages: Languages, site) -> Project:
    problems: list[Problem] = []
    catalogue = locales = None
    try:
        locales = load_locales(languages.built)
    except ProblemsFound as found:
        problems += found.problems
    try:
        catalogue = load_catalogue(root / REGISTERS_DIR, languages, root)
    except ProblemsFound as found:
        problems += found.problems
    inventory = None
    if catalogue is not None:
        document = catalogue.shared.get(INVENTORY)
        inventory = Inventory(document) if document is not None else None
        if site is not None:
            problems += check_site(inventory, site)
    if problems:
        raise ProblemsFound(problems)
    return Project(catalogue, locales, inventory)


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without MkDocs: tags such as !!python/name or !ENV are
    kept as plain values, since only the language settings matter here."""


# Standard tags keep their own constructors; any other tag matches this prefix.
_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _read_mkdocs_yml(config_file: Path) -> dict:
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ProblemsFound([Problem(config_file.name, 0, "", f"cannot read the site configuration: {error}")])
    return config if isinstance(config, dict) else {}


def read_mkdocs_yml(config_file: Path) -> dict:
    """mkdocs.yml as written (before MkDocs or any plugin changes it)."""
    return _read_mkdocs_yml(config_file)


def site_from_mkdocs_yml(config_file: Path) -> SiteSettings:
    """Analytics, consent and theme settings as written in mkdocs.yml."""
    return SiteSettings.from_config(_read_mkdocs_yml(config_file), config_file.name, config_file)


def pages_settings_from_mkdocs_yml(config_file: Path) -> tuple[Path, bool]:
    """The hand-written pages' folder (docs_dir) and use_directory_urls, as MkDocs reads them."""
    config = _read_mkdocs_yml(config_file)
    docs_dir = config.get("docs_dir") if isinstance(config.get("docs_dir"), str) else "docs"
    return config_file.resolve().parent / docs_dir, config.get("use_directory_urls", True) is not False


def languages_from_mkdocs_yml(config_file: Path) -> Languages:
    """The site's languages as configured for mkdocs-static-i18n in mkdocs.yml."""
    config = _read_mkdocs_yml(config_file)
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "i18n" in plugin:
            return Languages.from_i18n_entries((plugin["i18n"] or {}).get("languages") or [])
    theme = config.get("theme") or {}
    language = theme.get("language", "fi") if isinstance(theme, dict) else "fi"
    return Languages(language, (language,), (language,))
