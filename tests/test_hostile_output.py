"""Hostile author text, put into every kind of field of real registers, built
into a real site: the HTML must contain none of it as markup, and no text may
leave the section it belongs to. Texts that validation rejects must be
rejected with the field named, and would be harmless even if they got through."""
from __future__ import annotations

import re
import shutil
from collections import Counter

import pytest
import yaml

from conftest import FIXTURES, make_project
from hooks.languages import Languages
from hooks.notice_markdown import notice_sections
from hooks.problems import ProblemsFound
from hooks.registers import load_catalogue
from hooks.safe_markdown import ALLOWED_SCHEMES, BIDI_CONTROLS, MAX_BRACKETS, MAX_TEXT_CHARS, to_html

LONG = ("A <b>bold</b> claim, [a link](https://a.example/?q=1&r=2) and *emphasis* & more. " * 90
        + "plain words " * 180)[:MAX_TEXT_CHARS - 200]

# Texts that are valid register content: shown as text, never as markup.
RENDERED = {
    "script tag": "<script>alert(1)</script>",
    "event handler": "<img src=x onerror=alert(1)>",
    "svg onload": "<svg/onload=alert(1)>",
    "raw javascript link": '<a href="javascript:alert(1)">click</a>',
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "style": "<style>body{display:none}</style>",
    "html comment": "<!-- hidden --> visible <!--",
    "html block": "<div markdown=1>\n\n*x*\n\n</div>",
    "entities": "&lt;script&gt;alert(1)&lt;/script&gt; &#60;b&#62; &amp; &copy; &#x202E;",
    "atx heading": "# New section\n\n## 99. Fake section {#fake}",
    "setext heading": "Fake\n===\n\nFake\n---",
    "rule": "before\n\n---\n\n***\n\nafter",
    "table": "| a | b |\n|---|---|\n| <b>c</b> | d |",
    "indented block": "para\n\n    indented code <script>alert(1)</script>",
    "fenced block": "```html\n<script>alert(1)</script>\n```",
    "stray closing tags": "</div></div></article><h2 id=x>x</h2><div>",
    "attr_list": "text {#controller .md-button onclick=alert(1)}\n\n{: onclick=alert(1) }",
    "blockquote": "> quoted\n> more",
    "link title breakout": '[x](https://a.example "t\\" onmouseover=\\"alert(1)")',
    "link quote breakout": '[x](https://a.example/"onmouseover="alert(1))',
    "autolink breakout": '<https://a.example/"onmouseover=alert(1)>',
    "image": "![x](https://evil.example/x.png)",
    "reference definition": "[x][r]\n\n[r]: javascript:alert(1)",
    "markup in link text": "[<img src=x onerror=alert(1)>](https://a.example)",
    "template syntax": "{{ config.site_name }} {% raw %} {# c #}",
    "front matter": "---\ntitle: x\n---",
    "nested lists": "- a\n    - b\n        - c <b>",
    "very long text": LONG,
}

# Texts that validation rejects, and the words of the message.
REJECTED = {
    "javascript link": ("[x](javascript:alert(1))", "not allowed"),
    "mixed-case scheme": ("[x](JaVaScRiPt:alert(1))", "not allowed"),
    "entity-encoded scheme": ("[x](&#106;avascript:alert(1))", "not allowed"),
    "entity-encoded colon": ("[x](javascript&#58;alert(1))", "not allowed"),
    "padded entities": ("[x](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105"
                        "&#0000112&#0000116&#0000058alert(1))", "not allowed"),
    "tab in scheme": ("[x](java\tscript:alert(1))", "not allowed"),
    "newline in scheme": ("[x](java\nscript:alert(1))", "not allowed"),
    "entity tab in scheme": ("[x](jav&#x09;ascript:alert(1))", "not allowed"),
    "leading space": ("[x]( javascript:alert(1))", "not allowed"),
    "angle brackets": ("[x](<javascript:alert(1)>)", "not allowed"),
    "autolink form": ("<javascript:alert(1)>", "not allowed"),
    "data link": ("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "not allowed"),
    "vbscript link": ("[x](vbscript:msgbox(1))", "not allowed"),
    "other host": ("[x](//evil.example/)", "not allowed"),
    "other host, backslash": ("[x](/\\\\evil.example/)", "not allowed"),
    "relative link": ("[cookies](../../evasteet/)", "full addresses"),
    "fragment link": ("[rights](#rights)", "full addresses"),
    "direction override": ("Maksu \u202eexe.txt", "U+202E"),
    "direction isolate": ("\u2067abc\u2069", "U+2067"),
    "control character": ("bell\x07", "U+0007"),
    "too long": ("x" * (MAX_TEXT_CHARS + 1), "at most"),
    "too many brackets": ("[" * (MAX_BRACKETS + 1), "at most"),
    "lists too deep": ("- " * 12 + "x", "nested"),
}

ALLOWED_ARTICLE_TAGS = {"h1", "h2", "a", "p", "div", "dl", "dt", "dd", "ul", "ol", "li", "strong", "em", "code",
                        "span", "table", "thead", "tbody", "tr", "th", "td", "time", "br"}
LANGUAGES = Languages("fi", ("fi", "en"), ("fi", "en", "sv"))


def marked(number: int, text: str) -> str:
    """The text between two plain words, each in a paragraph of its own, so
    that block syntax in the text starts a line and its end can be found."""
    return f"START{number}\n\n{text}\n\nEND{number}"


def hostile_register(text: str, label: str) -> dict:
    """A valid register with `text` in every text field and `label` in every name."""
    t = {"fi": text, "en": text}
    return {
        "name": {"fi": label, "en": label},
        "controller": {"name": label, "address": label},
        "data_protection_officer": {"name": label, "role": t, "email": "dpo@testiyhdistys.example", "address": label},
        "contacts": [{"name": label, "role": t, "email": "c@testiyhdistys.example", "phone": "+358 40 000 0003",
                      "address": label}],
        "purposes": [t],
        "legal_bases": [{"basis": "a", "description": t}, {"basis": "c", "law": t},
                        {"basis": "f", "legitimate_interest": t}],
        "provision": {"requirement": "contractual", "details": t, "consequences": t},
        "data_subjects": [t],
        "data_categories": [t, {"name": {"fi": label, "en": label}, "items": [t]}],
        "special_categories": [{"category": "health", "condition": "a", "description": t}],
        "sources": [{"source": label, "provides": t, "about": t}],
        "disclosures": [{"recipient": label, "purpose": t}],
        "processors": [{"name": label, "purpose": t}],
        "transfers": [{"destination": label, "recipient": label, "safeguard": "standard-contractual-clauses",
                       "details": t}],
        "retention": [{"data": t, "period": t}],
        "security": {"manual": t, "electronic": t, "organisational": t},
        "automated_decisions": {"logic": t, "consequences": t, "profiling": t},
        "rights": {"how_to_exercise": t, "additional": [t]},
        "supervisory_authority": {"name": label, "address": label},
        "applicable_law": t,
        "announcing_changes": t,
        "created": "2020-01-15",
        "versions": [{"date": "2024-06-01", "summary": t}],
    }


def write_register(folder, register_id: str, data: dict) -> None:
    (folder / f"{register_id}.yml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                 encoding="utf-8")


CASES = list(RENDERED)


def register_id(number: int) -> str:
    return f"hostile-{number}"


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """A clean build of the minimal fixture, and the same site with one
    register per hostile text."""
    root = tmp_path_factory.mktemp("hostile")
    clean = make_project(root / "clean", registers=FIXTURES / "minimal")
    result = clean.build()
    assert result.returncode == 0, result.stderr
    hostile = make_project(root / "hostile", registers=FIXTURES / "minimal")
    for number, case in enumerate(CASES):
        text = RENDERED[case]
        write_register(hostile.registers, register_id(number), hostile_register(marked(number, text),
                                                                              f"START{number} {text} END{number}"))
    result = hostile.build()
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return clean, hostile


def scripts(soup) -> Counter:
    return Counter(str(script) for script in soup.find_all("script"))


def forbidden(url: str) -> bool:
    """A URL that leaves the site for anything but the web, email or phone, as
    a browser reads it (entities decoded, ignored characters dropped)."""
    seen = re.sub(r"[\x00-\x20]", "", url)
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):", seen)
    return (scheme is not None and scheme.group(1).lower() not in ALLOWED_SCHEMES) or bool(re.match(r"[/\\]{2}", seen))


def bad_links(soup) -> list:
    found = []
    for element in soup.find_all(True):
        for attribute in ("href", "src", "action", "formaction", "xlink:href", "data", "srcset", "poster"):
            value = element.get(attribute)
            if value is not None and forbidden(value):
                found.append(f"{element.name} {attribute}={value}")
    return found


def handlers(soup) -> list:
    return [f"{element.name} {name}" for element in soup.find_all(True) for name in element.attrs
            if name.lower().startswith("on")]


def assert_no_markup_leaked(soup, baseline) -> None:
    assert scripts(soup) == scripts(baseline), "a <script> that is not the theme's own"
    assert handlers(soup) == handlers(baseline) == []
    assert bad_links(soup) == []
    article = soup.select_one("article")
    assert {tag.name for tag in article.find_all(True)} <= ALLOWED_ARTICLE_TAGS
    for tag in ("iframe", "img", "svg", "style", "object", "embed", "form", "base", "meta"):
        assert len(soup.find_all(tag)) == len(baseline.find_all(tag)), tag


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("prefix", ["", "en/"])
def test_hostile_text_is_shown_as_text_and_stays_in_its_section(sites, case, prefix):
    clean, hostile = sites
    number = CASES.index(case)
    baseline = clean.html(f"{prefix}notices/members/index.html")
    soup = hostile.html(f"{prefix}notices/{register_id(number)}/index.html")
    assert_no_markup_leaked(soup, baseline)

    # The same sections as a clean notice, in the same order, each heading
    # followed by its own section body, and nothing else in between.
    # (The hostile register also has the applicable law under the introduction,
    # and a right to object, which has a section of its own.)
    article = soup.select_one("article")
    layout = [child.name for child in article.children if child.name]
    clean_layout = [child.name for child in baseline.select_one("article").children if child.name]
    first, last = clean_layout.index("h2"), len(clean_layout) - clean_layout[::-1].index("div")
    expected = [s.replace("_", "-") for s in notice_sections(hostile_register("x", "x"))]
    assert "objection" in expected
    assert layout == clean_layout[:first] + ["p"] + ["h2", "div"] * len(expected) + clean_layout[last:]
    headings = article.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre", "blockquote"])
    assert [h.name for h in headings] == ["h1"] + ["h2"] * len(expected)
    assert [h["id"] for h in headings[1:]] == expected
    for number_, heading in enumerate(headings[1:], start=1):
        body = heading.find_next_sibling()
        assert body.name == "div" and body["class"] == ["notice-section"]
        clean_heading = baseline.find(id=heading["id"])
        if clean_heading is not None:
            assert heading.get_text().split(" ", 1)[1] == clean_heading.get_text().split(" ", 1)[1]
        else:
            assert heading.get_text().startswith(f"{number_}. ") and "START" not in heading.get_text()

    # Each text begins and ends inside the section it was written for.
    sections = {h["id"]: h.find_next_sibling().get_text(" ") for h in headings[1:]}
    for section in ("purposes", "legal-bases", "data-categories", "recipients", "transfers", "retention",
                    "security", "rights", "versions", "controller", "contacts", "complaint", "sources",
                    "automated-decisions", "objection"):
        body = sections[section]
        assert f"START{number}" in body and f"END{number}" in body, section
        assert body.count(f"START{number}") == body.count(f"END{number}"), section
    # The author's characters are shown, not interpreted.
    visible = article.get_text()
    for word in re.findall(r"<(?:script|img|svg|iframe|style|a|div|h2)\b", RENDERED[case]):
        assert word in visible


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_hostile_register_name_stays_text_in_title_heading_and_index(sites, prefix):
    clean, hostile = sites
    baseline = clean.html(f"{prefix}notices/members/index.html")
    for number, case in enumerate(CASES):
        soup = hostile.html(f"{prefix}notices/{register_id(number)}/index.html")
        title = soup.find("title")
        assert len(soup.find_all("title")) == 1 and not title.find(True)
        assert f"START{number} {' '.join(RENDERED[case].split())[:40]}" in title.get_text(), case
        assert title.get_text().endswith(f"END{number} - {baseline.find('title').get_text().split(' - ')[-1]}")
        h1 = soup.select_one("article h1")
        assert not h1.find(True, recursive=True) or {t.name for t in h1.find_all(True)} <= {"a"}  # permalink only
        assert f"START{number}" in h1.get_text() and f"END{number}" in h1.get_text()

    index = hostile.html(f"{prefix}notices/index.html")
    assert_no_markup_leaked(index, clean.html(f"{prefix}notices/index.html"))
    rows = index.select("div.notice-index tbody tr")
    assert len(rows) == len(CASES) + 1
    for row in rows:
        assert [cell.name for cell in row.children if cell.name] == ["td", "td", "td"]
    texts = [row.get_text(" ") for row in rows]
    for number in range(len(CASES)):
        (row,) = [text for text in texts if f"START{number} " in text]
        assert row.count(f"END{number}") == 2  # the name and the purpose, each whole in its cell


def test_the_search_index_holds_the_text_escaped(sites):
    _, hostile = sites
    index = (hostile.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in index
    assert "<img src=x onerror" not in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index


def test_rejected_texts_name_the_field_and_line(tmp_path):
    registers = tmp_path / "registers"
    shutil.copytree(FIXTURES / "minimal", registers)
    data = yaml.safe_load((FIXTURES / "minimal" / "members.yml").read_text(encoding="utf-8"))
    data["purposes"] = [{"fi": text, "en": "Fine."} for text, _ in REJECTED.values()]
    write_register(registers, "members", data)
    lines = (registers / "members.yml").read_text(encoding="utf-8").split("\n")
    with pytest.raises(ProblemsFound) as raised:
        load_catalogue(registers, LANGUAGES)
    problems = {p.field: p for p in raised.value.problems}
    assert len(raised.value.problems) == len(REJECTED)
    for number, (case, (text, words)) in enumerate(REJECTED.items(), start=1):
        problem = problems[f"purposes[{number}].fi"]
        assert words in problem.message, case
        assert lines[problem.line - 1].lstrip(" -").startswith("fi:"), case
        assert str(problem).startswith(f"registers/members.yml:{problem.line}: purposes[{number}].fi: ")


@pytest.mark.parametrize("case", list(REJECTED))
def test_rejected_texts_would_be_harmless_even_if_rendered(case):
    text, _ = REJECTED[case]
    rendered = to_html(text)
    assert "<a " not in rendered and "<script" not in rendered
    assert not any(ch in rendered for ch in BIDI_CONTROLS + "\x07")


def _inject(path, texts: list[str]) -> None:
    """Put `texts` at the start of every purpose of a register of the example site."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for purpose in data["purposes"]:
        for language in purpose:
            purpose[language] = " ".join(texts) + " " + purpose[language]
    data["name"] = {language: f"{' '.join(texts[:2])} {name}" for language, name in data["name"].items()}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_acceptance_script_and_handler_in_the_example_site_are_shown_as_text(tmp_path):
    site = make_project(tmp_path / "p")
    _inject(site.registers / "customers.yml", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
    result = site.build()
    assert result.returncode == 0, result.stderr
    clean = make_project(tmp_path / "clean")
    assert clean.build().returncode == 0
    for page in ("notices/customers/index.html", "en/notices/customers/index.html", "notices/index.html"):
        soup, baseline = site.html(page), clean.html(page)
        assert_no_markup_leaked(soup, baseline)
        assert "<script>alert(1)</script>" in soup.select_one("article").get_text()
        assert "<img src=x onerror=alert(1)>" in soup.select_one("article").get_text()
        raw = (site.site / page).read_text(encoding="utf-8")
        assert "<script>alert(1)" not in raw and "<img src=x" not in raw


def test_acceptance_javascript_link_in_the_example_site_is_a_validation_error(tmp_path):
    site = make_project(tmp_path / "p")
    _inject(site.registers / "customers.yml", ["[x](javascript:alert(1))"])
    for result in (site.build(), site.check()):
        assert result.returncode != 0
        assert "Traceback" not in result.stderr
        assert re.search(r"registers/customers\.yml:\d+: purposes\[1\]\.fi: the link 'javascript:alert\(1\)' "
                         r"is not allowed", result.stderr), result.stderr
    assert not site.site.exists()
