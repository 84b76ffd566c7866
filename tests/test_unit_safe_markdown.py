"""The renderer of author text (hooks/safe_markdown.py), called directly:
what each kind of input becomes, written out by hand. Every Markdown feature
the converter turns off is tried, every bound is tried at the limit and one
past it, and every character that must not reach a page is tried raw and as
an entity."""
from __future__ import annotations

import re

import markdown
import pytest

from hooks import safe_markdown
from hooks.safe_markdown import (clean, escape, escape_markdown_line, link_allowed, rejected_links, to_html,
                                 to_inline_html, too_complex)

# Characters a text must not carry to a page (bidirectional controls, C0/C1 controls).
FORBIDDEN = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
             "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0d", "\x1b", "\x1f", "\x7f", "\x80", "\x9f"]


def entity_forms(ch: str) -> list[str]:
    code = ord(ch)
    return [f"&#x{code:X};", f"&#x{code:x};", f"&#{code};", f"&#0{code};", f"&#X{code:04X};"]


def heading(text: str) -> str:
    """Plain text as a notice page's heading, rendered as MkDocs renders it."""
    return markdown.markdown(f"## {escape_markdown_line(text)}", extensions=["attr_list", "toc"])


NAMED = ["&rlo;", "&lrm;", "&rlm;", "&zwj;", "&nbsp;", "&lt;", "&amp;", "&quot;", "&copy;"]


@pytest.fixture(autouse=True)
def fresh_converter(monkeypatch):
    """Each test builds the converter and the caches anew, so a test sees what
    the module does from a cold start, not a converter another test left."""
    monkeypatch.setattr(safe_markdown, "_md", None)
    for cached in (safe_markdown._convert, safe_markdown.to_html, safe_markdown.escape,
                   safe_markdown.escape_markdown_line):
        getattr(cached, "cache_clear", lambda: None)()


# --- the blocks and inlines the converter knows, and those it does not --------

@pytest.mark.parametrize("text, expected", [
    ("plain words", "<p>plain words</p>"),
    (" leading space", "<p>leading space</p>"),
    ("a *b* _c_ **d** `e`", "<p>a <em>b</em> <em>c</em> <strong>d</strong> <code>e</code></p>"),
    ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
    ("+ a", "<ul>\n<li>a</li>\n</ul>"),
    ("* a", "<ul>\n<li>a</li>\n</ul>"),
    ("1. a", "<ol>\n<li>a</li>\n</ol>"),
    ("10. a", "<ol>\n<li>a</li>\n</ol>"),
    ("1) a", "<p>1) a</p>"),
    ("2 b", "<p>2 b</p>"),
    ("-1 degrees", "<p>-1 degrees</p>"),
    ("one\n\ntwo", "<p>one</p>\n<p>two</p>"),
    ("line  \nbreak", "<p>line<br>\nbreak</p>"),  # HTML, not XHTML (`<br />`)
    ("x\\*y", "<p>x*y</p>"),
])
def test_known_markdown(text, expected):
    assert to_html(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("# h", "<p># h</p>"),                                   # hashheader off
    ("h\n===", "<p>h\n===</p>"),                             # setextheader off
    ("a\n\n---", "<p>a</p>\n<p>---</p>"),                    # hr off
    ("a\n\n    code", "<p>a</p>\n<p>code</p>"),              # indented code off
    ("> q", "<p>&gt; q</p>"),                                # quote off
    ("[x][r]\n\n[r]: https://a.example", "<p>[x][r]</p>\n<p>[r]: https://a.example</p>"),  # references off
    ("<b>x</b>", "<p>&lt;b&gt;x&lt;/b&gt;</p>"),             # inline html off
    ("<div>\nx\n</div>", "<p>&lt;div&gt;\nx\n&lt;/div&gt;</p>"),  # html blocks off
    ("![i](https://a.example/i.png)", "<p>![i](https://a.example/i.png)</p>"),  # images off
    ("![x][r]", "<p>![x][r]</p>"),
    ("[x]", "<p>[x]</p>"),
    ("&copy; &#60; &amp;", "<p>&amp;copy; &amp;#60; &amp;amp;</p>"),  # entities are text
    ("a & b", "<p>a &amp; b</p>"),
])
def test_markdown_that_stays_text(text, expected):
    assert to_html(text) == expected


def test_the_fast_path_agrees_with_the_converter():
    # the same plain text, once on the fast path and once through the converter
    for text in ("plain words", "Nimi: Äiti, 3 kpl; ok?", "a=b 'c' \"d\""):
        assert to_html(text) == f"<p>{text}</p>"
        assert to_html(text + "\n\n") == f"<p>{text}</p>"
    assert to_html('a "q" \'s\'') == "<p>a \"q\" 's'</p>"


# --- links ------------------------------------------------------------------

def test_web_links_get_rel_noopener_and_other_allowed_links_do_not():
    assert to_html("[l](https://a.example)") == '<p><a href="https://a.example" rel="noopener noreferrer">l</a></p>'
    html = to_html("[l](http://a.example/?a=1&b=2 \"T <t> & 'x'\")")
    assert re.fullmatch(r'<p><a href="http://a\.example/\?a=1&amp;b=2" rel="noopener noreferrer" title="T &lt;t&gt; &amp; '
                        r"'x'\">l</a></p>", html), html
    # every author link gets rel, whatever its scheme: a rule that cannot miss a case
    assert to_html("[l](mailto:a@b.example)") == '<p><a href="mailto:a@b.example" rel="noopener noreferrer">l</a></p>'
    assert to_html("[l](tel:+358401234567)") == '<p><a href="tel:+358401234567" rel="noopener noreferrer">l</a></p>'


def rel_of(html: str) -> list[str]:
    found = re.search(r'rel="([^"]*)"', html)
    return found.group(1).split() if found else []


def test_links_in_capitals_get_rel_noopener_too():
    assert "noopener" in rel_of(to_html("[l](HTTPS://a.example)"))
    assert "noopener" in rel_of(to_html("[l](Http://a.example)"))


@pytest.mark.parametrize("href", [
    "javascript:alert(1)", "JaVaScRiPt:x", "&#106;avascript:x", "javascript&#58;x", "java\tscript:x",
    "data:text/html,x", "vbscript:x", "//evil.example/", "/relative", "#fragment", "relative/path", "",
    "ftp://a.example",
])
def test_links_of_other_kinds_are_dropped_and_their_text_kept(href):
    assert not link_allowed(href)
    assert to_html(f"[the text]({href})") in ("<p><span>the text</span></p>", "<p>[the text]()</p>")
    assert "<a" not in to_html(f"[the text]({href})")


def test_link_allowed_reads_the_link_as_a_browser_does():
    for href in ("https://a.example", "HTTP://a.example", "mailto:x@y.example", "tel:+358", " https://a.example",
                 "ht\ttps://a.example", "&#104;ttps://a.example", "https&#x3a;//a.example", "\x01https://a.example"):
        assert link_allowed(href), href
    for href in ("https//a.example", "1https://a.example", "-https://a.example", "https", "javascript:x https:"):
        assert not link_allowed(href), href
    assert link_allowed("web+x://a") is False and link_allowed("a.b-c+d:x") is False


def test_an_entity_in_a_link_is_shown_as_written_not_decoded_twice():
    html = to_html("[l](https://a.example/?q=&amp;copy;&amp;lt; \"&amp;quot;\")")
    assert 'href="https://a.example/?q=&amp;copy;&amp;lt;"' in html and 'title="&amp;quot;"' in html


def test_link_target_and_title_are_cleaned_and_every_ampersand_encoded():
    html = to_html("[l](https://a.example/&#x202E;x?a=&amp; \"t&#8238;\u202e\")")
    assert "\u202e" not in html
    assert 'href="https://a.example/x?a=&amp;"' in html
    assert 'title="t"' in html


def test_rejected_links_lists_each_dropped_target_as_written():
    text = "[a](javascript:x) [b](https://ok.example) [c](data:x) [a](javascript:x) [d](<java script:y>)"
    assert rejected_links(text) == ["javascript:x", "data:x", "javascript:x", "java script:y"]
    assert rejected_links("no links here [x] (y)") == []
    assert rejected_links("[x](https://ok.example)") == []
    assert rejected_links("[x](javascript:y)" + " [" * 101) == []  # too complex: validation says so first
    # each call starts afresh
    assert rejected_links("[x](javascript:1)") == ["javascript:1"]
    assert rejected_links("[x](javascript:2)") == ["javascript:2"]


def test_a_rejected_link_does_not_leak_into_the_next_rendering():
    to_html("[x](javascript:1)")
    assert rejected_links("[y](https://ok.example)") == []


# --- forbidden characters, raw and as entities ------------------------------

@pytest.mark.parametrize("ch", FORBIDDEN)
def test_forbidden_characters_never_reach_html(ch):
    for render in (to_html, to_inline_html, escape, escape_markdown_line):
        out = render(f"a{ch}b [l](https://a.example/{ch}) *e{ch}*")
        assert ch not in out, render.__name__
    assert clean(f"a{ch}b") == "ab"


@pytest.mark.parametrize("ch", FORBIDDEN[:9] + ["\x00", "\x07", "\x1b", "\x85"])
def test_entity_forms_of_forbidden_characters_stay_visible_text(ch):
    for form in entity_forms(ch):
        for render in (to_html, to_inline_html, escape, heading):
            out = render(f"a {form} b")
            # the `&` is encoded, so a browser shows the entity as written, never the character
            assert "&amp;#" in out, (render.__name__, form, out)
            assert ch not in out
        # also inside a link's text and title
        out = to_html(f"[x{form}](https://a.example \"{form}\")")
        assert ch not in out and "&amp;#" in out


@pytest.mark.parametrize("entity", NAMED)
def test_named_entities_stay_visible_text(entity):
    for render in (to_html, escape, heading):
        assert f"&amp;{entity[1:]}" in render(f"x {entity} y"), render.__name__


def test_clean_normalises_and_keeps_tab_and_newline():
    assert clean("a\u0308") == "\u00e4"
    assert clean("a\tb\nc") == "a\tb\nc"
    assert clean("\u200bzero width stays") == "\u200bzero width stays"


# --- plain text for HTML and for Markdown headings --------------------------

def test_escape_is_html_text_with_quotes():
    assert escape("<a href=\"x\">'&") == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;"
    assert escape("a\u0308\u202e") == "\u00e4"


def test_escape_markdown_line_escapes_every_markdown_character():
    # `~` stays as it is: Python-Markdown does not read it as markup, and `\~` would show the backslash
    assert escape_markdown_line(r"{}`*_[]()#+-.!|~\ ") == r"\{\}\`\*\_\[\]\(\)\#\+\-\.\!\|~\\"
    assert escape_markdown_line(' a <b> & "c"\n\t d ') == 'a &lt;b&gt; &amp; "c" d'


@pytest.mark.parametrize("name", [
    "Members {onclick=alert(1)}",              # attr_list at the end of a heading
    "Members {: onclick=alert(1) }",
    "Members {#controller .md-button}",
    "Members {onclick=alert(1)} and more",    # with trailing text
    "{onclick=alert(1)}",
    "Members [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
    "Members &#x7B;onclick=alert(1)&#x7D;",
])
def test_a_heading_from_plain_text_gets_no_attributes_or_markup(name):
    # the way the notice pages use it: `# <escaped> {#anchor}`, with attr_list and toc on
    html = markdown.markdown(f"# {escape_markdown_line(name)} {{#anchor}}", extensions=["attr_list", "toc"])
    assert re.fullmatch(r'<h1 id="anchor">[^<>]*</h1>', html), html
    assert "onclick" not in html.split(">", 1)[0]


# --- bounds -----------------------------------------------------------------

def test_text_length_bound():
    assert too_complex("x" * 10_000) is None
    assert too_complex("x" * 10_001) == ("the text is 10,001 characters long; a text may be at most 10,000 characters: "
                                         "split it into several items")


def test_bracket_bound():
    assert too_complex("[" * 100) is None
    assert too_complex("[" * 101) == ("the text has 101 square brackets `[`; a text may have at most 100 "
                                      "(each link needs one)")


@pytest.mark.parametrize("text, depth", [
    ("- " * 10 + "x", 10),
    ("- " * 11 + "x", 11),
    (" " * 40 + "- x", 11),
    (" " * 40 + "x", 10),
    ("\t" * 10 + "- x", 11),
    ("1. " * 11 + "x", 11),
    ("1) " * 11 + "x", 11),
    ("+ * " * 5 + "- x", 11),
    ("a\n" + "- " * 11, 11),
    ("-" * 30, 0),
    ("- -x " * 6, 1),
])
def test_list_depth_bound(text, depth):
    message = too_complex(text)
    if depth <= 10:
        assert message is None
    else:
        assert message == (f"the lists in this text are nested {depth} levels deep; at most 10 levels are allowed "
                           "(check the indentation and the `-` at the start of lines)")


def test_too_complex_text_is_shown_escaped_in_one_paragraph():
    text = "<b>" + "[" * 101
    assert to_html(text) == "<p>&lt;b&gt;" + "[" * 101 + "</p>"
    assert to_inline_html(text) == "&lt;b&gt;" + "[" * 101
    assert to_html("x\u202e" * 5001) == "<p>" + "x" * 5001 + "</p>"  # the hidden characters do not count
    quoted = "\"q\" 'q' " + "[" * 101
    assert to_html(quoted) == "<p>" + quoted + "</p>"


# --- inline rendering -------------------------------------------------------

def test_inline_html_drops_only_a_single_paragraph():
    assert to_inline_html("a *b*") == "a <em>b</em>"
    assert to_inline_html("a\n\nb") == "<p>a</p>\n<p>b</p>"
    assert to_inline_html("- a") == "<ul>\n<li>a</li>\n</ul>"
    assert to_inline_html("") == ""
    assert to_inline_html("x") == "x"
