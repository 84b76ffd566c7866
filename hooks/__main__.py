"""Command-line tools: `python -m hooks check` validates the registers without
building the site (for editors, pre-commit and CI); `python -m hooks new <id>`
starts a register from a template."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import cli_new, github_format, summary
from .problems import Problem, ProblemsFound
from . import addresses
from .project import languages_from_mkdocs_yml, load_project, pages_settings_from_mkdocs_yml, site_from_mkdocs_yml
from .site_pages import check_addresses, plan_pages, render_pages


def check(config_file: Path, base: str | None = None) -> int:
    root = config_file.resolve().parent
    languages = languages_from_mkdocs_yml(config_file)
    project = load_project(root, languages, site_from_mkdocs_yml(config_file))
    pages = plan_pages(project)
    docs_dir, directory_urls = pages_settings_from_mkdocs_yml(config_file)
    # Pages at the same address as a hand-written one, as the build reports them.
    check_addresses(project, pages, addresses.hand_written(docs_dir) if docs_dir.is_dir() else [], directory_urls,
                    docs_dir.relative_to(root).as_posix() if docs_dir.is_relative_to(root) else str(docs_dir))
    render_pages(project, pages)  # what cannot be rendered fails here too, as in the build
    if base is not None:  # the changelog rules against an earlier revision (hooks/version_guard.py)
        _check_versions(root, base, project)
    count = len(project.catalogue.registers)
    print(f"{count} register{'s' if count != 1 else ''} checked in {', '.join(languages.built)}: no problems.")
    print("\n".join(summary.summary_lines(project, root)))
    return 0


def _check_versions(root: Path, base: str, project) -> None:
    from .version_guard import RevisionError, guard
    try:
        problems = guard(root, base, project.catalogue, project.locales)
    except RevisionError as error:
        raise ProblemsFound([Problem("registers/", 0, "", f"cannot read revision {base!r} from git: {error}")])
    if problems:
        raise ProblemsFound(problems)


def _review(args) -> int:
    from .review import review, to_json, to_markdown
    from .version_guard import RevisionError
    try:
        result = review(args.config_file, args.base, args.head)
    except RevisionError as error:
        print(f"cannot read the revisions from git: {error}", file=sys.stderr)
        return 2
    print(to_json(result) if args.format == "json" else to_markdown(result))
    return 0 if result.ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hooks", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check", help="validate every register file and report all problems")
    check_parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"),
                              help="the site configuration (default: mkdocs.yml)")
    check_parser.add_argument("--format", choices=("text", "github"), default="text",
                              help="github: also print each problem as a GitHub Actions annotation")
    new_parser = commands.add_parser("new", help="write registers/<id>.yml from a template with TODO placeholders")
    new_parser.add_argument("id", help="the register id: lowercase letters, digits and hyphens, e.g. feedback")
    new_parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"),
                            help="the site configuration (default: mkdocs.yml)")
    check_parser.add_argument("--base", metavar="REV",
                              help="also check the changelog rules against this git revision: changed notices "
                                   "need a new `versions` entry, published entries stay as they were")
    review_parser = commands.add_parser("review", help="what a change does to the published notices, as Markdown "
                                                       "for a pull-request comment; exits 1 on blocking problems")
    review_parser.add_argument("--base", metavar="REV", required=True, help="the revision to compare with")
    review_parser.add_argument("--head", metavar="REV", help="the revision to review (default: the working tree)")
    review_parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    review_parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"),
                               help="the site configuration (default: mkdocs.yml)")
    args = parser.parse_args(argv)
    if args.command == "new":
        return _new(args.id, args.config_file)
    github = getattr(args, "format", "text") == "github"
    try:
        if args.command == "review":
            return _review(args)
        return check(args.config_file, args.base)
    except ProblemsFound as found:
        if github:  # workflow commands are read from standard output
            print(github_format.annotations(found.problems))
        print(found.report(), file=sys.stderr)
        return 1
    except Exception as error:  # an author must never see a traceback
        if os.environ.get("NOTICES_DEBUG"):
            raise
        message = (f"internal error ({type(error).__name__}: {error}); "
                   "please report it, and run with NOTICES_DEBUG=1 for details")
        if github:
            print(github_format.internal_error_annotation(message))
        print(message, file=sys.stderr)
        return 2


def _new(register_id: str, config_file: Path) -> int:
    try:
        print(cli_new.new_register(register_id, config_file))
    except ValueError as refused:
        print(f"not written: {refused}", file=sys.stderr)
        return 1
    except ProblemsFound as found:  # mkdocs.yml unreadable
        print(found.report(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
