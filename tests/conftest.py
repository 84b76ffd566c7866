"""Test harness: real site projects in temporary folders, built by the real
`mkdocs` command, with the HTML read back."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import settings as hypothesis_settings

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
sys.path.insert(0, str(REPO))

# Every property test runs the same examples on every run and machine (a test
# module's own @settings inherit this); no example database between runs.
hypothesis_settings.register_profile("derandomized", derandomize=True, database=None)
hypothesis_settings.load_profile("derandomized")


def run_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    # The tools of the Python running the tests (e.g. .venv/bin) come first.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.pop("NOTICES_DEBUG", None)
    return env


@dataclass
class SiteProject:
    """A site project like the repository's own: mkdocs.yml, docs/, overrides/,
    registers/, with the hooks taken from this repository."""

    root: Path

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def registers(self) -> Path:
        return self.root / "registers"

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=self.root, env=run_env(),
                              capture_output=True, text=True, timeout=600)

    def build(self, *args: str) -> subprocess.CompletedProcess:
        return self.run("-m", "mkdocs", "build", "--strict", *args)

    def check(self) -> subprocess.CompletedProcess:
        return self.run("-m", "hooks", "check", "-f", "mkdocs.yml")

    def html(self, path: str) -> BeautifulSoup:
        return BeautifulSoup((self.site / path).read_text(encoding="utf-8"), "html.parser")

    def write_register(self, name: str, text: str) -> Path:
        path = self.registers / name
        path.write_text(text, encoding="utf-8")
        return path

    def config(self) -> dict:
        return yaml.safe_load((self.root / "mkdocs.yml").read_text(encoding="utf-8"))

    def write_config(self, config: dict) -> None:
        (self.root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                              encoding="utf-8")

    def set_languages(self, languages: list[dict]) -> None:
        """The i18n languages, each with the per-language settings the build
        asks for (LANGUAGE_SETTINGS) unless the entry gives its own."""
        config = self.config()
        languages = [{**language_settings(config, entry["locale"]), **entry} if not entry.get("default") else entry
                     for entry in languages]
        for plugin in config["plugins"]:
            if isinstance(plugin, dict) and "i18n" in plugin:
                plugin["i18n"]["languages"] = languages
            if isinstance(plugin, dict) and "search" in plugin:
                plugin["search"]["lang"] = [l["locale"] for l in languages if l.get("build", True)]
        self.write_config(config)


# What mkdocs.yml says for a language besides the default one (the build warns
# about any that is missing): the header, the palette toggles, the navigation.
LANGUAGE_SETTINGS = {
    "en": {"site_name": "Privacy", "site_description": "Privacy notices",
           "toggles": ["Switch to dark mode", "Switch to light mode"],
           "nav": {"Etusivu": "Home", "Tietosuojaselosteet": "Privacy notices", "Evästeet": "Cookies"}},
    "sv": {"site_name": "Dataskydd", "site_description": "Dataskyddsbeskrivningar",
           "toggles": ["Byt till mörkt läge", "Byt till ljust läge"],
           "nav": {"Etusivu": "Startsida", "Tietosuojaselosteet": "Dataskyddsbeskrivningar", "Evästeet": "Kakor"}},
}
# Languages of the fixture registers, whatever the repository's mkdocs.yml builds.
FIXTURE_LANGUAGES = [{"locale": "fi", "name": "Suomi", "default": True}, {"locale": "en", "name": "English"}]


def language_settings(config: dict, code: str) -> dict:
    settings = LANGUAGE_SETTINGS[code]
    palette = (config.get("theme") or {}).get("palette") or []
    return {"site_name": settings["site_name"], "site_description": settings["site_description"],
            "theme": {"palette": [{"toggle": {"name": name}} for name, _ in zip(settings["toggles"], palette)]},
            "nav_translations": settings["nav"]}


def make_project(destination: Path, registers: Path | None = REPO / "registers") -> SiteProject:
    destination.mkdir(parents=True, exist_ok=True)
    for folder in ("docs", "overrides"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, destination / folder)
    if registers is not None:
        shutil.copytree(registers, destination / "registers")
    else:
        (destination / "registers").mkdir()
    # The hooks are this repository's own, exactly as a site project uses them.
    (destination / "hooks").symlink_to(REPO / "hooks", target_is_directory=True)
    shutil.copy(REPO / "mkdocs.yml", destination / "mkdocs.yml")
    project = SiteProject(destination)
    if registers != REPO / "registers":
        # Fixture registers are written in fi and en: build those, and only
        # those, whichever languages the repository's own site has.
        project.set_languages(FIXTURE_LANGUAGES)
    if not project.config().get("site_url"):
        config = project.config()
        config["site_url"] = "https://tietosuoja.example.test/"
        project.write_config(config)
    git_commit_all(destination, "The site as copied")
    return project


GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def git_commit_all(root: Path, message: str) -> None:
    """A site project is a git repository, as a real one is: the build reads
    the earlier versions of the notices from its history (hooks/history.py)."""
    env = dict(os.environ, **GIT_ENV)
    if not (root / ".git").exists():
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, env=env, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, env=env, check=True)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", message], cwd=root, env=env, check=True)


def _add_swedish(value):
    if isinstance(value, dict):
        if {"fi", "en"} <= set(value) and all(isinstance(v, str) for v in value.values()):
            return {**value, "sv": "På svenska: " + value["en"]}
        return {k: _add_swedish(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_add_swedish(v) for v in value]
    return value


def swedish_project(destination: Path) -> SiteProject:
    """The minimal fixture with Swedish built as a third language: configuration,
    a translated home page, and `sv` texts (derived from the English ones)."""
    site = make_project(destination, registers=FIXTURES / "minimal")
    for path in site.registers.glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(_add_swedish(data), allow_unicode=True), encoding="utf-8")
    site.set_languages([{"locale": "fi", "name": "Suomi", "default": True},
                        {"locale": "en", "name": "English"},
                        {"locale": "sv", "name": "Svenska"}])
    (site.root / "docs" / "index.sv.md").write_text("# Dataskydd\n", encoding="utf-8")
    return site


def data_paths(value, path=()):
    """Every path in nested data (mappings and lists), the root first."""
    yield path
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from data_paths(sub, path + (key,))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from data_paths(sub, path + (index,))


def tree_digest(folder: Path) -> dict:
    """Every file under `folder` with the hash of its content."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def built_minimal_site(destination: Path) -> tuple[SiteProject, dict]:
    """The minimal fixture project, built, with the digest of its site: what a
    failed build must leave untouched."""
    site = make_project(destination, registers=FIXTURES / "minimal")
    result = site.build()
    assert result.returncode == 0, result.stderr
    return site, tree_digest(site.site)


@pytest.fixture
def project(tmp_path) -> SiteProject:
    """A copy of the repository's example site."""
    return make_project(tmp_path / "site-project")


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> SiteProject:
    """The repository's example site, built once per test module."""
    built = make_project(tmp_path_factory.mktemp("example") / "site-project")
    result = built.build()
    assert result.returncode == 0, result.stderr
    return built


def register_files(folder: Path = REPO / "registers") -> list[Path]:
    return sorted(p for p in folder.glob("*.yml") if not p.name.startswith("_"))
