"""Command-line tools: `python -m hooks check` validates the registers without
building the site (for editors, pre-commit and CI)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .problems import ProblemsFound
from . import addresses
from .project import languages_from_mkdocs_yml, load_project, pages_settings_from_mkdocs_yml, site_from_mkdocs_yml
from .site_pages import check_addresses, plan_pages, render_pages


def check(config_file: Path) -> int:
    root = config_file.resolve().parent
    languages = languages_from_mkdocs_yml(config_file)
    project = load_project(root, languages, site_from_mkdocs_yml(config_file))
    pages = plan_pages(project)
    docs_dir, directory_urls = pages_settings_from_mkdocs_yml(config_file)
    # Pages at the same address as a hand-written one, as the build reports them.
    check_addresses(project, pages, addresses.hand_written(docs_dir) if docs_dir.is_dir() else [], directory_urls,
                    docs_dir.relative_to(root).as_posix() if docs_dir.is_relative_to(root) else str(docs_dir))
    render_pages(project, pages)  # what cannot be rendered fails here too, as in the build
    count = len(project.catalogue.registers)
    print(f"{count} register{'s' if count != 1 else ''} checked in {', '.join(languages.built)}: no problems.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hooks", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check", help="validate every register file and report all problems")
    check_parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"),
                              help="the site configuration (default: mkdocs.yml)")
    args = parser.parse_args(argv)
    try:
        return check(args.config_file)
    except ProblemsFound as found:
        print(found.report(), file=sys.stderr)
        return 1
    except Exception as error:  # an author must never see a traceback
        if os.environ.get("NOTICES_DEBUG"):
            raise
        print(f"internal error ({type(error).__name__}: {error}); "
              "please report it, and run with NOTICES_DEBUG=1 for details", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
