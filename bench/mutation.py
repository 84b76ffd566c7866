"""Mutation testing of the safety-critical modules with mutmut, one module at a
time, in a scratch copy of the repository (the worktree is never touched).

    python bench/mutation.py                      # every module below, ~18 min on 2 busy cores
    python bench/mutation.py safe_markdown rules  # some of them
    python bench/mutation.py --list               # the modules and their tests

For each module: mutmut mutates hooks/<module>.py and runs only the fast unit
tests listed for it (no MkDocs builds). Every surviving mutant must be listed in
bench/mutation-equivalents.md with the reason it cannot change behaviour;
the command exits 1 if any survivor is not listed (or a listed one is gone, so
the list stays true). Then the hand mutations below, of module-level constants
mutmut does not touch, are applied one at a time: each must make a test fail.

mutmut skips decorated functions. The caching and timing decorators
(`@lru_cache`, `@timed`) do not change what a function returns, so the scratch
copy drops them before mutating: the functions behind them get mutants too.
"""
from __future__ import annotations

import argparse
import ast
import difflib
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EQUIVALENTS = REPO / "bench" / "mutation-equivalents.md"
# Module -> the fast tests that check it (direct function calls, no site builds).
MODULES = {
    "safe_markdown": ["tests/test_unit_safe_markdown.py"],
    "cookies": ["tests/test_unit_cookies.py"],
    "cookie_markdown": ["tests/test_unit_cookies.py"],
    "gdpr": ["tests/test_unit_gdpr.py"],
    "rules": ["tests/test_unit_rules.py"],
    "yaml_source": ["tests/test_unit_yaml_source.py"],
    "locales": ["tests/test_unit_locales.py"],
}
# Mutations of module-level values (mutmut mutates only function bodies):
# (module, what is broken, text in the module, replacement). Each must fail a test.
HAND_MUTATIONS = [
    ("safe_markdown", "escape_markdown_line no longer escapes {}",
     r'_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")', r'_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#+\-.!|])")'),
    ("safe_markdown", "the `&` handling removed (entities pass as entities)",
     'md.inlinePatterns.register(_Ampersand("&", md), "ampersand", 5)', "pass"),
    ("safe_markdown", "a bare `&` counts as plain text",
     r'_PLAIN = re.compile(r"[^\n\t\\`*_\[\]<>&]+")', r'_PLAIN = re.compile(r"[^\n\t\\`*_\[\]<>]+")'),
    ("safe_markdown", "U+202E no longer a hidden character",
     r'BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"',
     r'BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069"'),
    ("safe_markdown", "javascript: allowed", 'ALLOWED_SCHEMES = ("https", "http", "mailto", "tel")',
     'ALLOWED_SCHEMES = ("https", "http", "mailto", "tel", "javascript")'),
    ("safe_markdown", "raw HTML passes (html inline pattern kept)", '_INLINE_PATTERNS_OFF = ("html", "entity",',
     '_INLINE_PATTERNS_OFF = ("entity",'),
    ("gdpr", "erasure not always a right", 'ALWAYS = ("access", "rectification", "erasure", "restriction")',
     'ALWAYS = ("access", "rectification", "restriction")'),
    ("yaml_source", "nesting limit raised tenfold", "MAX_DEPTH = 50", "MAX_DEPTH = 500"),
    ("yaml_source", "alias expansion bound doubled", "MAX_NODES = 100_000", "MAX_NODES = 200_000"),
    ("yaml_source", "python tags allowed", '("str", "int", "float", "bool", "null", "seq", "map")',
     '("str", "int", "float", "bool", "null", "seq", "map", "python/object/apply", "set")'),
    ("locales", "parity checked against the wrong reference", 'REFERENCE = "en"', 'REFERENCE = "fi"'),
    ("cookies", "the consent banner's title left unescaped", '"title": escape(title),', '"title": title,'),
    ("cookies", "a category label left unescaped",
     '{"name": escape(category_label(inventory, category, locale)), "checked": False}',
     '{"name": category_label(inventory, category, locale), "checked": False}'),
    ("cookie_markdown", "headings of the cookie notice left unescaped",
     'return [f"{level} {escape_markdown_line(heading)} {{#{anchor}}}"', 'return [f"{level} {heading} {{#{anchor}}}"'),
    ("cookie_markdown", "a storage item's provider left unescaped",
     "f\"{_label(item['provider'], lang)}<br>", "f\"{_text(item['provider'], lang)}<br>"),
    ("cookies", "analytics no longer needs consent", 'CONSENT_CATEGORIES = ("analytics", "marketing")',
     'CONSENT_CATEGORIES = ("marketing",)'),
]
_COPIED = ("hooks", "tests", "pytest.ini", "mkdocs.yml", "registers", "docs", "overrides")
_NEUTRAL_DECORATOR = re.compile(r"^[ \t]*@(?:functools\.)?(?:lru_cache|cache|timed)\b.*\n", re.M)
_PYTEST_ARGS = ["-p", "no:xdist", "-p", "no:cacheprovider", "-p", "no:randomly", "-o", "addopts=", "-q", "-x"]


def scratch_copy(module: str, work: Path) -> Path:
    root = work / module
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for name in _COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
        elif source.exists():
            shutil.copy(source, root / name)
    target = root / "hooks" / f"{module}.py"
    target.write_text(_NEUTRAL_DECORATOR.sub("", target.read_text(encoding="utf-8")), encoding="utf-8")
    lines = lambda values: "".join(f"\n    {v}" for v in values)  # noqa: E731
    (root / "setup.cfg").write_text(
        "[mutmut]\nsource_paths =\n    hooks/\n"
        f"only_mutate =\n    hooks/{module}.py\n"
        f"also_copy ={lines(['mkdocs.yml', 'registers/', 'docs/', 'overrides/'])}\n"
        f"pytest_add_cli_args ={lines(a for a in _PYTEST_ARGS if a != '-x')}\n"
        f"pytest_add_cli_args_test_selection ={lines(MODULES[module])}\n"
        # a mutant that loops forever is given up after 3x its tests' normal time (mutmut's default: 15x)
        "timeout_multiplier = 3.0\n", encoding="utf-8")
    return root


def mutmut(root: Path, *args: str, timeout: float) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": "0", "NO_MKDOCS_2_WARNING": "1", "CI": ""}
    return subprocess.run([sys.executable, "-m", "mutmut", *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=timeout)


@functools.lru_cache(maxsize=None)
def _functions(path: Path) -> dict:
    """Function name -> source, read once per module (ast.get_source_segment
    splits the whole file on every call: per survivor that took minutes)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    return {node.name: "".join(lines[node.lineno - 1:node.end_lineno]) for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def mutated_line(root: Path, name: str, module: str) -> str:
    """The line as the mutant writes it: what identifies a mutant across
    renumbering. Read from mutmut's mutated copy of the module (its function
    `<name>` beside `<function>__mutmut_orig`), which is much faster than
    `mutmut show` per mutant."""
    functions = _functions(root / "mutants" / "hooks" / f"{module}.py")
    short = name.rsplit(".", 1)[-1]
    mutant, original = functions.get(short), functions.get(re.sub(r"__mutmut_\d+$", "__mutmut_orig", short))
    if mutant is None or original is None:
        return "(not found)"
    # the def line without the mutant's name: a mutated default value shows there
    body = lambda text: [re.sub(r"^(\s*(?:async\s+)?def )\S+?(?=\()", r"\1", line).strip() if i == 0 else line.strip()  # noqa: E731
                         for i, line in enumerate(text.splitlines())]
    added = [line[1:].strip() for line in difflib.unified_diff(body(original), body(mutant), lineterm="", n=0)
             if line.startswith("+") and not line.startswith("+++")]
    return " / ".join(added) or "(line removed)"


def listed_equivalents() -> dict:
    """(module, function, mutated line) -> reason, from bench/mutation-equivalents.md:
    rows `| module | function | `mutated line` | reason |`."""
    found = {}
    if not EQUIVALENTS.exists():
        return found
    for row in EQUIVALENTS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row.strip().strip("|"))] if row.startswith("|") else []
        if len(cells) >= 4 and cells[2].startswith("`") and cells[2].endswith("`"):
            found[(cells[0], cells[1], cells[2][1:-1].replace("\\|", "|"))] = cells[3]
    return found


def function_of(name: str) -> str:
    """hooks.rules.x__check_dates__mutmut_7 -> _check_dates; xǁ_LinkGuardǁrun -> _LinkGuard.run"""
    short = re.sub(r"__mutmut_\d+$", "", name.rsplit(".", 1)[-1])
    return short[2:].replace("ǁ", ".") if short.startswith("xǁ") else short[2:]


def run_module(module: str, work: Path, children: int, timeout: float) -> dict:
    root = scratch_copy(module, work)
    started = time.monotonic()
    run = mutmut(root, "run", "--max-children", str(children), timeout=timeout)
    seconds = time.monotonic() - started
    results = mutmut(root, "results", "--all", "true", timeout=120).stdout
    statuses = dict(re.findall(r"^\s*(\S+__mutmut_\d+): (.+)$", results, flags=re.M))
    if not statuses:
        raise SystemExit(f"{module}: mutmut produced no results\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    counts: dict = {}
    for status in statuses.values():
        counts[status] = counts.get(status, 0) + 1
    alive = [name for name, status in statuses.items() if status not in ("killed", "timeout", "segfault")]
    survivors = [(name, statuses[name], function_of(name), mutated_line(root, name, module)) for name in alive]
    return {"module": module, "mutants": len(statuses), "counts": counts, "seconds": seconds,
            "survivors": survivors, "root": root}


def run_hand_mutations(modules: list, work: Path) -> list:
    """Each hand mutation in a fresh scratch copy; returns those no test noticed."""
    missed = []
    for module, what, old, new in HAND_MUTATIONS:
        if module not in modules:
            continue
        root = scratch_copy(module, work / "hand")
        path = root / "hooks" / f"{module}.py"
        source = path.read_text(encoding="utf-8")
        if old not in source:
            missed.append((module, what, "the original text is no longer in the module: update HAND_MUTATIONS"))
            continue
        path.write_text(source.replace(old, new, 1), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(root), "CI": ""}
        result = subprocess.run([sys.executable, "-m", "pytest", *_PYTEST_ARGS, *MODULES[module]], cwd=root,
                                env=env, capture_output=True, text=True, timeout=600)
        status = "killed" if result.returncode == 1 else f"SURVIVED (pytest exit {result.returncode})"
        print(f"  hand mutation {module}: {what}: {status}")
        if result.returncode != 1:
            missed.append((module, what, status))
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help=f"default: all of {', '.join(MODULES)}")
    parser.add_argument("--children", type=int, default=2, help="parallel mutant runs (default 2, the core count)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per module before giving up")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one, removed after)")
    parser.add_argument("--list", action="store_true", help="print the modules and their tests")
    parser.add_argument("--no-hand", action="store_true", help="skip the hand mutations of constants")
    parser.add_argument("--hand-only", action="store_true", help="only the hand mutations (about a minute)")
    args = parser.parse_args()
    if args.list:
        for module, tests in MODULES.items():
            print(f"{module}: {' '.join(tests)}")
        return 0
    modules = args.modules or list(MODULES)
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; known: {', '.join(MODULES)}")
    work = args.work or Path(tempfile.mkdtemp(prefix="mutation-"))
    equivalents = listed_equivalents()
    unexplained, used, total_seconds = [], set(), 0.0
    print(f"{'module':<16}{'mutants':>8}{'killed':>8}{'equivalent':>11}{'unexplained':>12}{'seconds':>9}")
    try:
        for module in [] if args.hand_only else modules:
            report = run_module(module, work, args.children, args.timeout)
            total_seconds += report["seconds"]
            killed = sum(n for s, n in report["counts"].items() if s in ("killed", "timeout", "segfault"))
            open_ = []
            for name, status, function, line in report["survivors"]:
                key = (module, function, line)
                if key in equivalents:
                    used.add(key)
                else:
                    open_.append((name, status, function, line))
            print(f"{module:<16}{report['mutants']:>8}{killed:>8}{len(report['survivors']) - len(open_):>11}"
                  f"{len(open_):>12}{report['seconds']:>9.0f}", flush=True)
            unexplained += [(module, *entry) for entry in open_]
        stale = [key for key in equivalents if key[0] in modules and key not in used and not args.hand_only]
        missed = [] if args.no_hand else run_hand_mutations(modules, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"mutation time: {total_seconds:.0f} s")
    for module, name, status, function, line in unexplained:
        shown = line.replace("|", "\\|")
        print(f"SURVIVED {name} ({status}): | {module} | {function} | `{shown}` |")
    for key in stale:
        print(f"LISTED BUT NOT A SURVIVOR (remove from {EQUIVALENTS.name}): {key}")
    for module, what, status in missed:
        print(f"HAND MUTATION NOT CAUGHT: {module}: {what}: {status}")
    return 1 if unexplained or stale or missed else 0


if __name__ == "__main__":
    sys.exit(main())
