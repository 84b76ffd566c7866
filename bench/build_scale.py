"""How the build scales: a synthetic site of N registers built (a) with the
hooks and (b) as the same Markdown in plain files without them (the floor:
what plain MkDocs needs for the same pages; the hooks spare MkDocs part of
that work on generated pages, see hooks/html_blocks.py), alternating, R times.

    python bench/build_scale.py --registers 300 [--languages fi en] [--versions 2] [--runs 3]

Prints a table and, as its last line,
`overhead_ratio=<(a)/(b)> registers=<N> pages=<count> hooks_ms_per_page=<x>`.
Times are CPU seconds (user + system) of the build process: a build uses one
core, and CPU time does not count the time other programs on a shared machine
take from it. Wall-clock times are shown too.
"""
from __future__ import annotations

import argparse
import json
import re
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402
from hooks.timings import ENV_VAR  # noqa: E402

PHASES = ("load", "validate", "history", "render")


@dataclass
class Run:
    wall: float
    cpu: float
    peak_rss_kb: int
    timings: dict | None = None


def build(project: Path, timings_file: Path | None, timeout: float) -> Run:
    """One `mkdocs build` in its own process, with the CPU time and peak memory
    of exactly that process (wait4), and the hooks' timings if asked for."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop(ENV_VAR, None)
    if timings_file is not None:
        env[ENV_VAR] = str(timings_file)
        timings_file.unlink(missing_ok=True)
    log = project.parent / f"{project.name}-build.log"
    started = time.perf_counter()
    with open(log, "wb") as errors:
        process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, env=env,
                                   stdout=subprocess.DEVNULL, stderr=errors)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                raise SystemExit(f"mkdocs build in {project} took more than {timeout:.0f} s")
            time.sleep(0.02)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"mkdocs build failed in {project}:\n{log.read_text(errors='replace')}")
    timings = json.loads(timings_file.read_text()) if timings_file is not None else None
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, timings)


def site_size(site: Path) -> tuple[int, int, int]:
    """(all bytes, HTML bytes, pages): a page is an index.html of a documentation page."""
    total = html = pages = 0
    for path in site.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            if path.suffix == ".html":
                html += size
                pages += path.name == "index.html"
    return total, html, pages


def _lines(html: bytes) -> list:
    # The hooks add a Content-Security-Policy (hooks/csp.py) that (b), without hooks, cannot have.
    return [line for line in html.split(b"\n") if line.strip() and b'http-equiv="Content-Security-Policy"' not in line]


def _without_a11y(html: bytes) -> bytes:
    """The page without what hooks/html_a11y.py adds (table cell labels, print-only
    address line and link marks), which the plain files of (b) do not get."""
    html = re.sub(rb' data-label="[^"]*"', b"", html)
    html = re.sub(rb'<p class="print-address">.*?</p>\n?', b"", html)
    return re.sub(rb' class="print-same"|(?<=[" ])print-same(?=")| print-same(?=")', b"", html)


def compare_sites(with_hooks: Path, floor: Path) -> str:
    """Whether the two builds made the same site: HTML byte for byte, search
    index and sitemap with the same entries (their order may differ)."""
    differences = []
    names = {p.relative_to(with_hooks).as_posix() for p in with_hooks.rglob("*") if p.is_file()}
    other = {p.relative_to(floor).as_posix() for p in floor.rglob("*") if p.is_file()}
    if names != other:
        differences.append(f"{len(names ^ other)} files in only one site")
    for name in sorted(names & other):
        a, b = (with_hooks / name).read_bytes(), (floor / name).read_bytes()
        if a == b:
            continue
        if name.endswith(".html") and _lines(_without_a11y(a)) == _lines(_without_a11y(b)):
            # the hooks give generated pages a meta title (escaped, for <title>),
            # after which the theme writes a few more blank lines
            continue
        if name.endswith("search_index.json"):
            entries = [Counter(json.dumps(e, sort_keys=True) for e in json.loads(x)["docs"]) for x in (a, b)]
            if entries[0] == entries[1]:
                continue
        if name.endswith("sitemap.xml"):
            # <lastmod> of a notice is its register's last version; of a plain file, the build date
            undated = [re.sub(r"<lastmod>[^<]*</lastmod>", "", x.decode()) for x in (a, b)]
            if sorted(undated[0].split("<url>")) == sorted(undated[1].split("<url>")):
                continue
        if name.endswith("sitemap.xml.gz"):
            continue  # its content is sitemap.xml's
        differences.append(name)
    if not differences:
        return "same (HTML but for blank lines; search index and sitemap: same entries)"
    return f"DIFFERENT: {', '.join(differences[:5])}{' ...' if len(differences) > 5 else ''}"


def median(values) -> float:
    return statistics.median(values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registers", type=int, required=True, help="number of registers")
    parser.add_argument("--languages", nargs="+", default=["fi", "en"], help="site languages, default first")
    parser.add_argument("--versions", type=int, default=2, help="versions of every register in git")
    parser.add_argument("--runs", type=int, default=3, help="alternating runs of (a) and (b)")
    parser.add_argument("--keep", type=Path, help="build in this (new) folder and keep it")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds one build may take")
    args = parser.parse_args(argv)
    if args.registers < 1 or args.versions < 1 or args.runs < 1:
        parser.error("--registers, --versions and --runs must be at least 1")
    languages = tuple(args.languages)
    synthetic.check_languages(languages)

    work = args.keep or Path(tempfile.mkdtemp(prefix="notices-bench-"))
    try:
        started = time.perf_counter()
        site, floor = work / "site-project", work / "floor-project"
        synthetic.make_site(site, args.registers, languages, args.versions)
        generated = synthetic.make_floor(site, floor, languages)
        setup = time.perf_counter() - started
        register_bytes = sum(p.stat().st_size for p in (site / "registers").glob("*.yml"))
        print(f"{args.registers} registers ({register_bytes / args.registers / 1000:.1f} kB each), "
              f"languages {' '.join(languages)}, {args.versions} versions each in git; "
              f"{generated} generated pages; set up in {setup:.1f} s", flush=True)

        runs_a, runs_b = [], []
        for number in range(args.runs):
            order = ("a", "b") if number % 2 == 0 else ("b", "a")  # ABBA: no side always goes first
            for which in order:
                if which == "a":
                    runs_a.append(build(site, work / "timings.json", args.timeout))
                else:
                    runs_b.append(build(floor, None, args.timeout))
            print(f"run {number + 1}/{args.runs}: (a) {runs_a[-1].cpu:.1f} s  (b) {runs_b[-1].cpu:.1f} s", flush=True)

        size_a, html_a, pages = site_size(site / "site")
        size_b, html_b, pages_b = site_size(floor / "site")
        if pages != pages_b:
            raise SystemExit(f"the builds made {pages} and {pages_b} pages")
        same = compare_sites(site / "site", floor / "site")
        report(args, languages, runs_a, runs_b, pages, (size_a, html_a), (size_b, html_b), same)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def report(args, languages, runs_a, runs_b, pages, size_a, size_b, same) -> None:
    def row(label, values, unit="s", digits=2):
        cells = "".join(f"{v:>9.{digits}f}" for v in values)
        print(f"{label:<34}{cells}{median(values):>9.{digits}f}  {unit}")

    print()
    print(f"{'':<34}" + "".join(f"{'run ' + str(i + 1):>9}" for i in range(len(runs_a))) + f"{'median':>9}")
    row("(a) build with hooks, CPU", [r.cpu for r in runs_a])
    row("    wall clock", [r.wall for r in runs_a])
    row("(b) floor: plain files, CPU", [r.cpu for r in runs_b])
    row("    wall clock", [r.wall for r in runs_b])
    row("(a)/(b) CPU", [a.cpu / b.cpu for a, b in zip(runs_a, runs_b)], "", 3)
    print(f"{'    fastest (a) / fastest (b)':<34}{min(r.cpu for r in runs_a) / min(r.cpu for r in runs_b):>9.3f}")
    phase = {name: [r.timings.get(name, {}).get("seconds", 0.0) for r in runs_a]
             for name in (*PHASES, "archive", "hooks", "pages", "imports")}
    row("(c) hooks: load (read, parse)", phase["load"], "s", 3)
    row("    validate (schema, rules)", phase["validate"], "s", 3)
    row("    history (git log, blobs)", phase["history"], "s", 3)
    row("    archive (earlier texts)", phase["archive"], "s", 3)
    row("    render (page Markdown)", phase["render"], "s", 3)
    row("    all glue (incl. the above)", phase["hooks"], "s", 3)
    row("    page events (labels, CSP)", phase["pages"], "s", 3)
    row("    importing the hooks", phase["imports"], "s", 3)
    hooks_total = [h + p + i for h, p, i in zip(phase["hooks"], phase["pages"], phase["imports"])]
    row("    hooks in all", hooks_total, "s", 3)
    row("(d) peak memory (a)", [r.peak_rss_kb / 1024 for r in runs_a], "MB", 0)
    row("    peak memory (b)", [r.peak_rss_kb / 1024 for r in runs_b], "MB", 0)
    print()
    cpu_a, cpu_b = median([r.cpu for r in runs_a]), median([r.cpu for r in runs_b])
    wall_a, wall_b = median([r.wall for r in runs_a]), median([r.wall for r in runs_b])
    print(f"pages: {pages} (notices and indexes in {len(languages)} languages, and the hand-written pages)")
    print(f"seconds per page: (a) {cpu_a / pages:.4f} CPU, {wall_a / pages:.4f} wall; "
          f"(b) {cpu_b / pages:.4f} CPU, {wall_b / pages:.4f} wall")
    print(f"site size: (a) {size_a[0]:,} bytes, {size_a[0] / pages:,.0f} per page "
          f"({size_a[1] / pages:,.0f} of HTML); (b) {size_b[0]:,} bytes, {size_b[0] / pages:,.0f} per page")
    print(f"output of (a) and (b): {same}")
    # reading the history from git (one log, one batch of blobs) against the whole build
    print(f"history: {median(phase['history']):.3f} s CPU in the build process "
          f"= {median(phase['history']) / cpu_a:.2%} of the whole build (a); target under 5 %")
    hooks_ms = median(hooks_total) * 1000 / pages
    # each (a) is paired with the (b) built next to it, so that a machine
    # getting slower or faster during the runs does not move the ratio
    ratio = median([a.cpu / b.cpu for a, b in zip(runs_a, runs_b)])
    print(f"overhead_ratio={ratio:.3f} registers={args.registers} pages={pages} "
          f"hooks_ms_per_page={hooks_ms:.2f}")


if __name__ == "__main__":
    sys.exit(main())
