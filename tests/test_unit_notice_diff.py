"""hooks/notice_diff.py on its own: the plain text of generated notices and
the word-level comparison that the changes pages and the review print."""
from __future__ import annotations

from html.parser import HTMLParser

from conftest import FIXTURES, REPO
from hooks import notice_diff
from hooks.languages import Languages
from hooks.locales import load_locales
from hooks.project import Project
from hooks.registers import load_catalogue
from hooks.site_pages import page_markdown, plan_pages

LANGUAGES = Languages("fi", ("fi", "en"), ("fi", "en"))
LOCALES = load_locales(LANGUAGES.built)


class _ParserText(HTMLParser):
    """The reference: Python's own HTML parser, a line per block element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in notice_diff._BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        self.handle_starttag(tag, [])

    def handle_data(self, data):
        self.parts.append(data)


def parser_text(fragment: str) -> str:
    parser = _ParserText()
    parser.feed(fragment)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def generated_notices(registers) -> list[str]:
    project = Project(load_catalogue(registers, LANGUAGES), LOCALES)
    return [page_markdown(page, project) for page in plan_pages(project).values() if page.register_id]


def test_the_plain_text_of_every_generated_notice_is_what_an_html_parser_reads():
    notices = generated_notices(REPO / "registers") + generated_notices(FIXTURES / "minimal")
    assert len(notices) >= 10
    for markdown in notices:
        assert notice_diff.html_text(markdown) == parser_text(markdown)


def test_plain_text_blocks_cells_and_escaped_markup():
    fragment = ('<dl><dt>Nimi</dt><dd><p>A &amp; B &lt;script&gt;x&lt;/script&gt; &#x202E;</p></dd></dl>'
                '<table><tr><th scope="col">a</th><td data-label="b">c</td></tr></table><p>d<br>e <em>f</em>g</p>'
                '<A HREF="x">up</A><a href="tel:+358">p</a><P>q</P>')
    assert notice_diff.html_text(fragment) == parser_text(fragment)
    assert notice_diff.html_text(fragment) == "Nimi\nA & B <script>x</script> \u202e\na c\nd\ne fg\nupp\nq"


def test_sections_are_read_once_per_text_and_compared_word_by_word():
    markdown = "# T\n\n## 1. Eka {#first}\n\n<p>yksi kaksi</p>\n\n## 2. Toka {#second}\n\n<p>kolme</p>\n"
    assert notice_diff.sections_of(markdown) is notice_diff.sections_of(markdown)
    changed = markdown.replace("kaksi", "neljä")
    [diff] = notice_diff.compare_notices(markdown, changed)
    assert (diff.id, diff.heading, diff.old, diff.new) == ("first", "Eka", "yksi kaksi", "yksi neljä")
    assert diff.html == "yksi <del>kaksi</del> <ins>neljä</ins>"
