"""Hostile and malformed input, second round (issue 8): dates far off,
register ids and hand-written pages at the address of a generated page,
values with a final line break, texts of white space only, shared files with
the other YAML extension, values of the wrong type, and the hardening of the
output (rel on author links, referrer policy).

Each problem stops `python -m hooks check` and `mkdocs build` alike with
`file:line: field: message`, never an internal error, and a failed build
leaves the last good site as it was."""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ci_env import in_ci
from conftest import FIXTURES, REPO, built_minimal_site, data_paths, tree_digest
from hooks import registers as registers_module
from hooks import schema_check, schema_quick
from hooks.languages import Languages
from hooks.locales import load_locales
from hooks.problems import ProblemsFound
from hooks.project import load_project
from hooks.registers import load_catalogue
from hooks.safe_markdown import escape_markdown_line, to_html
from hooks.site_pages import check_addresses, plan_pages, render_pages
from hooks.yaml_source import Document, parse

LANGUAGES = Languages("fi", ("fi", "en"), ("fi", "en", "sv"))
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
TODAY = dt.date.today()
# Stated here, not imported: 1990-01-01 to two years after today.
LAST_PLAUSIBLE = TODAY.replace(year=TODAY.year + 2, day=28 if (TODAY.month, TODAY.day) == (2, 29) else TODAY.day)


def registers_with(tmp_path: Path, edits: dict | None = None, files: dict | None = None) -> Path:
    """A copy of the minimal fixture; `edits`: file -> [(old, new)] text replacements
    (each must apply); `files`: extra file name -> text."""
    registers = tmp_path / "registers"
    shutil.copytree(FIXTURES / "minimal", registers)
    for name, replacements in (edits or {}).items():
        path = registers / name
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, (name, old)
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    for name, text in (files or {}).items():
        (registers / name).write_text(text, encoding="utf-8")
    return registers


def problems(registers: Path) -> list[str]:
    with pytest.raises(ProblemsFound) as raised:
        load_catalogue(registers, LANGUAGES)
    found = [str(p) for p in raised.value.problems]
    assert not any("internal error" in p for p in found), found
    return found


# ---------------------------------------------------------------- 1. dates

@pytest.mark.parametrize("file, old, new, expected", [
    ("members.yml", "  - date: 2024-06-01", "  - date: 2205-03-01",
     "registers/members.yml:34: versions[1].date: 2205-03-01 is outside the plausible range 1990-01-01 to {last}"),
    ("members.yml", "created: 2020-01-15", "created: 1989-12-31",
     "registers/members.yml:32: created: 1989-12-31 is outside the plausible range 1990-01-01 to {last}"),
    ("_cookies.yml", "updated: 2024-06-01", "updated: 2999-01-01",
     "registers/_cookies.yml:4: updated: 2999-01-01 is outside the plausible range 1990-01-01 to {last}"),
])
def test_a_date_out_of_the_plausible_range_is_a_problem_with_its_line(tmp_path, file, old, new, expected):
    found = problems(registers_with(tmp_path, {file: [(old, new)]}))
    expected = expected.format(last=LAST_PLAUSIBLE.isoformat())
    assert any(p.startswith(expected) and "2 years ahead" in p for p in found), found


def test_dates_up_to_two_years_ahead_are_plausible(tmp_path):
    ahead = LAST_PLAUSIBLE.isoformat()
    registers = registers_with(tmp_path, {"members.yml": [("  - date: 2024-06-01", f"  - date: {ahead}")]})
    assert load_catalogue(registers, LANGUAGES).registers[0].last_updated == ahead
    later = (LAST_PLAUSIBLE + dt.timedelta(days=1)).isoformat()
    registers = registers_with(tmp_path / "2", {"members.yml": [("  - date: 2024-06-01", f"  - date: {later}")]})
    assert any(f"versions[1].date: {later} is outside" in p for p in problems(registers))


def _register_document(**changes) -> Document:
    data = yaml.safe_load((FIXTURES / "minimal" / "members.yml").read_text(encoding="utf-8"))
    data.update(changes)
    return Document("registers/members.yml", data)


@SETTINGS
@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_property_a_date_is_accepted_exactly_in_the_plausible_range(day):
    document = _register_document(created=day.isoformat(), versions=[{"date": day.isoformat(),
                                                                      "summary": {"fi": "x", "en": "x"}}])
    plausible = dt.date(1990, 1, 1) <= day <= LAST_PLAUSIBLE
    found = schema_check.check(document, "register", LANGUAGES.known, LANGUAGES.built)
    assert (found == []) == plausible, found
    assert {p.field for p in found} == (set() if plausible else {"created", "versions[1].date"})
    quick = schema_check.quick_checks(LANGUAGES.known, LANGUAGES.built)["register"]
    assert quick(document.data) == plausible


# ---------------------------------------------------------------- 3. a final line break

def schema_patterns() -> list[str]:
    """Every `pattern` in the schemas (walked here, so patterns added later are covered)."""
    found = []
    for path in sorted((REPO / "hooks" / "schema").glob("*.json")):
        for node in _nodes(json.loads(path.read_text(encoding="utf-8"))):
            if isinstance(node, dict) and isinstance(node.get("pattern"), str):
                found.append(node["pattern"])
    return sorted(set(found))


def _nodes(value):
    yield value
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    for child in children:
        yield from _nodes(child)


def _jsonschema_accepts(pattern: str, value: str) -> bool:
    validator = schema_check._checker_classes()[0]({"type": "string", "pattern": pattern})
    return validator.is_valid(value)


def _quick_accepts(pattern: str, value: str) -> bool:
    return schema_quick.compile_schema("x", {"x": {"type": "string", "pattern": pattern}})(value)


@pytest.mark.parametrize("pattern", schema_patterns())
def test_no_schema_pattern_accepts_a_final_line_break(pattern):
    # Editors read the schemas as ECMA-262, where `$` is the end of the text:
    # a pattern must keep that syntax (no Python-only `\Z`).
    assert "\\Z" not in pattern and "\\A" not in pattern and "(?P" not in pattern

    @SETTINGS
    @given(st.from_regex(re.compile(pattern), fullmatch=True).filter(lambda v: not v.endswith("\n")))
    def accepted_then_rejected_with_line_break(value):
        assert _jsonschema_accepts(pattern, value) and _quick_accepts(pattern, value)
        for ending in ("\n", " \n", "\n\n"):
            assert not _jsonschema_accepts(pattern, value + ending)
            assert not _quick_accepts(pattern, value + ending)
    accepted_then_rejected_with_line_break()


@pytest.mark.parametrize("pattern, value, accepted", [
    ("^[0-9]{7}-[0-9]$", "1234567-1", True),
    ("^[0-9]{7}-[0-9]$", "1234567-1\n", False),
    ("^\\d{7}-\\d$", "١٢٣٤٥٦٧-١", False),  # Arabic-Indic digits: ECMA-262's \d is 0-9 only
    ("^[$]x$", "$x", True),  # `$` in a character class is a character
    ("^a\\$$", "a$", True),
    ("^a\\$$", "a$\n", False),
    ("^[^\\]$\\s]+$", "ab", True),
    ("^[^\\]$\\s]+$", "ab\n", False),
])
def test_patterns_are_read_as_editors_read_them(pattern, value, accepted):
    assert _jsonschema_accepts(pattern, value) is accepted
    assert _quick_accepts(pattern, value) is accepted


def test_business_id_in_a_block_scalar_gets_the_check_digit_error(tmp_path):
    registers = registers_with(tmp_path, {"_organisation.yml": [("  business_id: 1234567-1",
                                                                 "  business_id: |\n    1234567-2")]})
    found = problems(registers)
    assert ("registers/_organisation.yml:4: controller.business_id: '1234567-2' is not a valid business ID "
            "(Y-tunnus): its check digit does not match; copy it from the Finnish Trade Register (ytj.fi)") in found
    assert any(p.startswith("registers/_organisation.yml:4: controller.business_id: '1234567-2\\n' has a line break")
               and "`business_id: 1234567-2`" in p for p in found), found


def test_a_right_business_id_in_a_block_scalar_says_only_what_to_write(tmp_path):
    registers = registers_with(tmp_path, {"_organisation.yml": [("  business_id: 1234567-1",
                                                                 "  business_id: |\n    1234567-1")]})
    (problem,) = problems(registers)
    assert problem.startswith("registers/_organisation.yml:4: controller.business_id: '1234567-1\\n' has a line "
                              "break or spaces around it")


def test_duration_in_a_block_scalar_is_an_authors_message(tmp_path):
    registers = registers_with(tmp_path, {"_cookies.yml": [("    duration: until-cleared",
                                                            "    duration: |\n      session")]})
    (problem,) = problems(registers)
    assert problem.startswith("registers/_cookies.yml:13: storage[1].duration: 'session\\n' has a line break")
    assert "`duration: session`" in problem


@pytest.mark.parametrize("name", ["evil\n.yml", "members\n.yml", "a\r.yml", "a .yml"])
def test_file_names_with_a_line_break_are_not_ids(tmp_path, name):
    registers = registers_with(tmp_path, files={name: (FIXTURES / "minimal" / "members.yml").read_text()})
    found = problems(registers)
    assert any(p.startswith(f"registers/{name}: the file name is the register id") for p in found), found


# ---------------------------------------------------------------- 4. white space only

@pytest.mark.parametrize("blank", ["'   '", '"\\t"', '"\\u200b"', "'\u3000'", '"\\u2800"', "|\n    \n"])
def test_a_text_of_white_space_only_is_no_translation(tmp_path, blank):
    registers = registers_with(tmp_path, {"members.yml": [("name: {fi: Jäsenrekisteri, en: Membership register}",
                                                           f"name:\n  fi: Jäsenrekisteri\n  en: {blank}")]})
    found = problems(registers)
    assert any(p.startswith("registers/members.yml:4: name.en: the text is empty") for p in found), found


def test_white_space_only_anywhere_in_shared_files_too(tmp_path):
    registers = registers_with(tmp_path, {"_cookies.yml": [("    provider: Esimerkkiyhdistys ry", "    provider: ' '")],
                                          "_organisation.yml": [("  name: Testiyhdistys ry", "  name: '  '")]})
    found = problems(registers)
    assert any(p.startswith("registers/_cookies.yml:9: storage[1].provider: the text is empty") for p in found), found
    assert any(p.startswith("registers/_organisation.yml:3: controller.name: the text is empty") for p in found), found


# ---------------------------------------------------------------- 5. .yaml shared files

@pytest.mark.parametrize("stem", ["_cookies", "_organisation"])
def test_a_shared_file_with_both_extensions_is_a_problem_naming_both(tmp_path, stem):
    text = (FIXTURES / "minimal" / f"{stem}.yml").read_text(encoding="utf-8")
    found = problems(registers_with(tmp_path, files={f"{stem}.yaml": text}))
    message = (f"registers/{stem}.yaml and registers/{stem}.yml are the same shared file with two extensions; "
               "merge them into one and remove the other")
    assert found == [f"registers/{stem}.yaml: {message}", f"registers/{stem}.yml: {message}"]


@pytest.mark.parametrize("stem", ["_cookies", "_organisation"])
def test_a_shared_file_with_the_yaml_extension_is_used_and_validated(tmp_path, stem):
    registers = registers_with(tmp_path)
    (registers / f"{stem}.yml").rename(registers / f"{stem}.yaml")
    catalogue = load_catalogue(registers, LANGUAGES)
    document = catalogue.organisation if stem == "_organisation" else catalogue.shared[stem]
    assert document.file == f"registers/{stem}.yaml"
    broken = (registers / f"{stem}.yaml").read_text(encoding="utf-8") + "unknown_item: 1\n"
    (registers / f"{stem}.yaml").write_text(broken, encoding="utf-8")
    assert any(p.startswith(f"registers/{stem}.yaml:") and "unknown item 'unknown_item'" in p
               for p in problems(registers))


# ---------------------------------------------------------------- 6. type confusion

@pytest.mark.parametrize("file, old, new, expected", [
    ("members.yml", "  - basis: b\n", "  - basis: [f, a]\n", "registers/members.yml:6: legal_bases[1].basis: a list is not allowed"),
    ("members.yml", "  - basis: b\n", "  - basis: {f: a}\n", "registers/members.yml:6: legal_bases[1].basis: a mapping is not allowed"),
    ("_cookies.yml", "storage:\n", "storage: 1\nx:\n", "registers/_cookies.yml:6: storage: expected"),
    ("_cookies.yml", "storage:\n", "storage: true\nx:\n", "registers/_cookies.yml:6: storage: expected"),
    ("_cookies.yml", "  - name: __consent", "  - name: [a, b]", "registers/_cookies.yml:7: storage[1].name: expected"),
    ("_cookies.yml", "    type: local-storage", "    type: {a: b}", "registers/_cookies.yml:8: storage[1].type: a mapping is not allowed"),
    ("_cookies.yml", "    service: matomo", "    service: [matomo]", "registers/_cookies.yml:26: storage[3].service: expected"),
])
def test_type_confusion_is_an_authors_message(tmp_path, file, old, new, expected):
    found = problems(registers_with(tmp_path, {file: [(old, new)]}))
    assert any(p.startswith(expected) for p in found), found


# A value of every YAML type, and the strings that reached internal errors before.
TYPES = [None, True, 7, 2.5, "text", "session\n", "  ", ["f", "a"], [], {}, [{"x": 1}], {"fi": "a", "en": "b"}]
EXAMPLES = [path.name for path in sorted((REPO / "registers").glob("*.yml"))]


def _fields(name: str) -> list[tuple]:
    """One path per field as the schema sees it: list items counted once, and a
    register's field only in the first example register that has it."""
    seen, found = set(), {}
    for example in EXAMPLES:
        kind = example if example.startswith("_") else "register"
        data = yaml.safe_load((REPO / "registers" / example).read_text(encoding="utf-8"))
        found[example] = []
        for path in data_paths(data):
            shape = (kind, *(0 if isinstance(part, int) else part for part in path))
            if path and shape not in seen and all(not isinstance(p, int) or p == 0 for p in path):
                seen.add(shape)
                found[example].append(path)
    return found[name]


@pytest.mark.parametrize("name", EXAMPLES)
def test_fuzz_every_field_of_the_examples_with_every_type_gives_no_internal_error(tmp_path, monkeypatch, name):
    """Each field of the example (once per list) replaced by a value of each other
    type: validation and rendering end in a catalogue or in problems with a file
    and a field, never in an internal error."""
    root = tmp_path / "p"
    shutil.copytree(REPO / "registers", root / "registers",
                    ignore=lambda folder, names: [n for n in names if n.endswith(".yml") and not n.startswith("_")
                                                  and n != name])
    locales = load_locales(LANGUAGES.built)
    monkeypatch.setattr("hooks.project.load_locales", lambda built: locales)  # the same every time
    monkeypatch.setenv("NOTICES_DEBUG", "1")  # an internal error raises
    data = yaml.safe_load((REPO / "registers" / name).read_text(encoding="utf-8"))
    target = root / "registers" / name
    tried = 0
    for path in _fields(name):
        for value in TYPES:
            changed = copy.deepcopy(data)
            node = changed
            for part in path[:-1]:
                node = node[part]
            if node[path[-1]] == value:
                continue
            node[path[-1]] = value
            target.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
            tried += 1
            try:
                project = load_project(root, LANGUAGES)
                render_pages(project, plan_pages(project))
            except ProblemsFound as found:
                assert all(p.file.startswith("registers/") for p in found.problems)
                assert all(p.line > 0 for p in found.problems if p.file.endswith(name)), found.report()
            except Exception as error:  # noqa: BLE001 - the point of the test
                pytest.fail(f"{name} {path} = {value!r}: {type(error).__name__}: {error}")
    assert tried >= len(_fields(name)) * (len(TYPES) - 1)


# ---------------------------------------------------------------- 7. messages

def test_many_values_without_aliases_do_not_blame_aliases():
    text = "purposes:\n" + "  - x\n" * 100_001
    document, (problem,) = parse(text, "registers/big.yml")
    assert document is None and (problem.line, problem.field) == (1, "purposes")
    assert "aliases" not in problem.message and "more than 100,000 values" in problem.message


@pytest.mark.parametrize("name", ["Kahvi~Tee", "a ~ b", "~~strike~~"])
def test_a_tilde_in_a_name_shows_without_a_backslash(name):
    escaped = escape_markdown_line(name)
    for text in (markdown.markdown(f"# {escaped}", extensions=["toc", "tables", "attr_list"]),
                 markdown.markdown(f"[{escaped}](x)", extensions=["toc", "tables", "attr_list"])):
        assert "\\" not in text and name in text, text


# ---------------------------------------------------------------- 8. links

@pytest.mark.parametrize("link", ["https://a.example", "HTTPS://a.example", "Http://a.example", "mailto:x@a.example",
                                  "tel:+358400000000", " https://a.example"])
def test_author_links_get_noopener_noreferrer(link):
    html = to_html(f"See [here](<{link}>).")
    assert html.count('rel="noopener noreferrer"') == 1, html


# ---------------------------------------------------------------- 2. addresses

def _project(tmp_path, files: dict | None = None):
    registers = registers_with(tmp_path, files=files)
    return load_project(registers.parent, LANGUAGES)


@pytest.mark.parametrize("hand_written, address, what", [
    ("notices.md", "notices/", "the list of all notices"),
    ("notices/index.md", "notices/", "the list of all notices"),
    ("notices/README.md", "notices/", "the list of all notices"),
    ("notices/index.en.md", "en/notices/", "the list of all notices"),
    ("en/notices/index.md", "en/notices/", "the list of all notices"),
    ("en/notices.md", "en/notices/", "the list of all notices"),
    ("notices/members.md", "notices/members/", "the notice of register 'members'"),
    ("notices/members/index.md", "notices/members/", "the notice of register 'members'"),
    ("notices/members/index.en.md", "en/notices/members/", "the notice of register 'members'"),
    ("notices/members/index.html", "notices/members/", "the notice of register 'members'"),
    ("cookies/index.md", "cookies/", "the cookie notice"),
    ("cookies.en.md", "en/cookies/", "the cookie notice"),
])
def test_a_hand_written_page_at_a_generated_address_is_a_problem(tmp_path, hand_written, address, what):
    project = _project(tmp_path)
    with pytest.raises(ProblemsFound) as raised:
        check_addresses(project, plan_pages(project), [hand_written])
    (problem,) = raised.value.problems
    assert str(problem).startswith(f"docs/{hand_written}: this hand-written file would be published at {address}, "
                                   f"where the site publishes {what} (generated from registers/")


@pytest.mark.parametrize("hand_written", ["index.md", "notices/members-2.md", "notices/members/photo.png",
                                          "notices/members.sv.md", "about/notices.md", "cookies/policy.md"])
def test_hand_written_pages_elsewhere_are_fine(tmp_path, hand_written):
    project = _project(tmp_path)
    check_addresses(project, plan_pages(project), [hand_written])


def test_a_register_named_index_is_reserved(tmp_path):
    project = _project(tmp_path, files={"index.yml": (FIXTURES / "minimal" / "members.yml").read_text()})
    with pytest.raises(ProblemsFound) as raised:
        check_addresses(project, plan_pages(project))
    assert [str(p) for p in raised.value.problems] == [
        f"registers/index.yml: the notice of register 'index' would be published at {address}, which the site "
        "reserves for the list of all notices; rename the file" for address in ("en/notices/", "notices/")]


# ---------------------------------------------------------------- the commands, end to end

@pytest.fixture(scope="module")
def good_site(tmp_path_factory):
    return built_minimal_site(tmp_path_factory.mktemp("robust") / "p")


def _replace(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


@pytest.mark.parametrize("case", ["far date", "index.yml", "docs/notices/index.md", "docs/notices.md"])
def test_check_and_build_agree_and_the_site_stays(good_site, case):
    site, before = good_site
    restore = []
    if case == "far date":
        path = site.registers / "members.yml"
        restore.append((path, _replace(path, "  - date: 2024-06-01", "  - date: 2205-03-01")))
        expected = "registers/members.yml:34: versions[1].date: 2205-03-01 is outside the plausible range"
    elif case == "index.yml":
        shutil.copy(site.registers / "members.yml", site.registers / "index.yml")
        expected = "registers/index.yml: the notice of register 'index' would be published at notices/"
    else:
        page = site.root / case
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("# Mine\n", encoding="utf-8")
        expected = f"{case}: this hand-written file would be published at notices/"
    try:
        built, checked = site.build(), site.check()
    finally:
        for path, text in restore:
            path.write_text(text, encoding="utf-8")
        (site.registers / "index.yml").unlink(missing_ok=True)
        shutil.rmtree(site.root / "docs" / "notices", ignore_errors=True)
        (site.root / "docs" / "notices.md").unlink(missing_ok=True)
    for result in (built, checked):
        assert result.returncode != 0
        assert "Traceback" not in result.stderr + result.stdout and "internal error" not in result.stderr
        assert expected in result.stderr, result.stderr
    assert tree_digest(site.site) == before


def test_pages_carry_a_referrer_policy_and_author_links_no_referrer(good_site):
    site, _ = good_site
    for page in ("index.html", "notices/members/index.html", "en/notices/members/index.html", "cookies/index.html"):
        soup = site.html(page)
        policies = [m["content"] for m in soup.find_all("meta", attrs={"name": "referrer"})]
        assert policies == ["strict-origin-when-cross-origin"], page


# ---------------------------------------------------------------- 8. Content-Security-Policy

def _sha256(text: str) -> str:
    import base64
    import hashlib
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_policy_lists_exactly_the_inline_scripts_that_run():
    from hooks import csp
    page = ("<html><head><meta charset=utf-8><script>var a=1;</script>"
            '<script id="__config" type="application/json">{"x": 1}</script>'
            '<script src="bundle.js"></script></head><body><SCRIPT>b()</SCRIPT></body></html>')
    out = csp.add_policy(page, {"provider": "matomo", "url": "https://stats.example/"})
    assert out.startswith('<html><head>\n  <meta http-equiv="Content-Security-Policy" content="script-src \'self\' ')
    policy = re.search(r'content="([^"]*)"', out).group(1)
    assert policy == (f"script-src 'self' {' '.join(sorted([_sha256('var a=1;'), _sha256('b()')]))} "
                      "https://stats.example; object-src 'none'; base-uri 'self'")


def test_built_pages_carry_a_policy_with_their_own_inline_scripts(good_site):
    site, _ = good_site
    for page in ("index.html", "notices/members/index.html", "en/cookies/index.html", "404.html"):
        html = (site.site / page).read_text(encoding="utf-8")
        (policy,) = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
        assert html.index("Content-Security-Policy") < html.index("<script"), page
        scripts = [body for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
                   if "src=" not in attrs and "application/json" not in attrs]
        assert scripts, page
        listed = set(re.findall(r"'sha256-[^']+'", policy))
        assert listed == {_sha256(body) for body in scripts}, page
        assert "https://analytiikka.kahvipaahtimo.example" in policy.split(";")[0]


@pytest.mark.browser
def test_the_policy_breaks_nothing_in_chromium(good_site):
    """Search, the palette toggle, the consent banner and the analytics it loads
    all work under the policy, and Chromium reports no violation."""
    import functools
    import os
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not Path(chromium).is_file():
        reason = "Chromium or the Python package playwright is missing"
        if in_ci():
            pytest.fail(f"{reason}; with CI=true the browser tests must run", pytrace=False)
        pytest.skip(reason)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    site, _ = good_site
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    violations, errors, outside = [], [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.on("console", lambda m: m.text.startswith("CSP ") and violations.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))

            def route(request_route):
                if request_route.request.url.startswith(origin):
                    request_route.continue_()
                else:  # the analytics script, after consent: a stub
                    outside.append(request_route.request.url)
                    request_route.fulfill(status=200, body="window.__stub = true;", content_type="text/javascript")
            page.route("**/*", route)
            page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                                 "console.log('CSP ' + e.violatedDirective + ' ' + e.blockedURI))")
            page.goto(origin + "notices/members/", wait_until="load")
            page.locator(".md-consent__inner").wait_for(state="visible")
            with page.expect_event("load"):  # the theme stores the choice and reloads
                page.locator("form[name=consent] button[data-md-consent=accept]").click()
            page.wait_for_function("window.__stub === true", timeout=10_000)
            scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            next(label for label in page.locator("form[data-md-component=palette] label").all()
                 if label.is_visible()).click()
            page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') !== {json.dumps(scheme)}")
            page.goto(origin + "en/")
            page.keyboard.press("/")
            page.locator("input[data-md-component=search-query]").first.type("membership", delay=30)
            page.wait_for_selector(".md-search-result__item", timeout=15_000)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert violations == [] and errors == []
    assert [url for url in outside if url.endswith("/matomo.js")], outside


# ---------------------------------------------------------------- types, as a property

_MINIMAL = {name: yaml.safe_load((FIXTURES / "minimal" / name).read_text(encoding="utf-8"))
            for name in ("members.yml", "_organisation.yml", "_cookies.yml")}
_ANY = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12),
                              st.sampled_from(["session\n", "1234567-2\n", " ", "2205-03-01", "none", "f"])),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
                        ["fi", "en", "basis", "name", "x"]), inner, max_size=3), max_leaves=6)


@SETTINGS
@given(st.data())
def test_property_a_value_of_any_type_in_any_field_is_an_authors_message(tmp_path_factory, data):
    name = data.draw(st.sampled_from(sorted(_MINIMAL)))
    changed = copy.deepcopy(_MINIMAL[name])
    path = data.draw(st.sampled_from([p for p in data_paths(changed) if p]))
    node = changed
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = data.draw(_ANY)
    registers = registers_with(tmp_path_factory.mktemp("types"))
    (registers / name).write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    try:
        project = load_project(registers.parent, LANGUAGES)
        render_pages(project, plan_pages(project))
    except ProblemsFound as found:
        assert not any("internal error" in p.message for p in found.problems), found.report()
        assert all(p.line > 0 for p in found.problems if p.file == f"registers/{name}"), found.report()
