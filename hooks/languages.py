"""Which languages a site has: the one at the site root, the ones built, and
the ones texts may already be written in (configured but not yet built)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Languages:
    default: str
    built: tuple  # default first, then the others in configuration order
    known: tuple  # built plus configured-but-not-built (e.g. Swedish being translated)

    @classmethod
    def from_i18n_entries(cls, entries: list[dict], fallback: str = "fi") -> "Languages":
        """From mkdocs-static-i18n's `languages` list (dicts with locale, default, build)."""
        entries = [e for e in entries if e.get("locale") and e.get("locale") != "null"]
        if not entries:
            return cls(fallback, (fallback,), (fallback,))
        default = next((e["locale"] for e in entries if e.get("default")), entries[0]["locale"])
        built = [e["locale"] for e in entries if e.get("build", True)]
        built = [default] + [code for code in built if code != default]
        known = built + [e["locale"] for e in entries if e["locale"] not in built]
        return cls(default, tuple(built), tuple(known))

    def page_suffix(self, language: str) -> str:
        """The file-name suffix mkdocs-static-i18n expects: none for the default language."""
        return "" if language == self.default else f".{language}"

    def url_prefix(self, language: str) -> str:
        """The folder of a language's pages in the built site: none for the default language."""
        return "" if language == self.default else f"{language}/"
