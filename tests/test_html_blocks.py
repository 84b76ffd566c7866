"""The renderers' HTML blocks are set aside while Python-Markdown converts a
generated page (hooks/html_blocks.py): the page must come out exactly as
Python-Markdown would make it from the whole Markdown, for every page the
renderers make, hostile register texts included, under the site's Markdown
settings and under richer ones a site may configure."""
from __future__ import annotations

import shutil

import markdown
import pytest
from hypothesis import given, settings, strategies as st

from conftest import FIXTURES, REPO
from hooks import html_blocks
from hooks.archive import build_archive
from hooks.history import read_history
from hooks.languages import Languages
from hooks.project import load_project
from hooks.site_pages import plan_pages, render_pages
from test_hostile_output import RENDERED, hostile_register, marked, write_register

SITE_MARKDOWN = {"extensions": ["attr_list", "toc"], "extension_configs": {"toc": {"permalink": True}}}
# What else a site may turn on: each reads raw HTML or block starts its own way.
RICH_MARKDOWN = {"extensions": ["attr_list", "toc", "md_in_html", "tables", "fenced_code", "def_list", "abbr",
                                "footnotes", "admonition", "smarty", "sane_lists"],
                 "extension_configs": {"toc": {"permalink": True}}}
LANGUAGES = Languages.from_i18n_entries([{"locale": "fi", "default": True}, {"locale": "en", "default": False}])


def converted(text: str, options: dict) -> str:
    return markdown.Markdown(**options).convert(text)


def converted_aside(text: str, options: dict) -> tuple[str, bool]:
    """The page converted with its blocks set aside, and whether any were."""
    aside = html_blocks.set_aside(text)
    if aside is None:
        return converted(text, options), False
    assert all(token not in aside.markdown.replace(token, "", 1) for token in aside.blocks)
    return html_blocks.put_back(converted(aside.markdown, options), aside), True


def example_pages() -> dict:
    """Every page of the repository's example site, earlier versions and
    their changes pages included (read from this repository's git history)."""
    project = load_project(REPO, LANGUAGES)
    project.archive = build_archive(project.catalogue, read_history(REPO))
    return render_pages(project, plan_pages(project), True)


def hostile_pages(folder) -> dict:
    """The minimal fixture with one register per hostile text (tests/test_hostile_output.py)."""
    shutil.copytree(FIXTURES / "minimal", folder / "registers")
    for number, case in enumerate(RENDERED):
        text = RENDERED[case]
        write_register(folder / "registers", f"hostile-{number}",
                       hostile_register(marked(number, text), f"START{number} {text} END{number}"))
    project = load_project(folder, LANGUAGES)
    return render_pages(project, plan_pages(project), True)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict:
    return {**example_pages(), **{f"hostile/{k}": v for k, v in hostile_pages(tmp_path_factory.mktemp("h")).items()}}


@pytest.mark.parametrize("options", [SITE_MARKDOWN, RICH_MARKDOWN], ids=["site", "rich"])
def test_every_generated_page_comes_out_as_python_markdown_makes_it(pages, options):
    set_aside = set()
    for src_uri, text in pages.items():
        html, aside = converted_aside(text, options)
        assert html == converted(text, options), src_uri
        if aside:
            set_aside.add(src_uri)
    # Not vacuous: every page of the example is set aside, its notices, earlier
    # versions and changes pages; a hostile name with blank lines in it is not.
    example = {uri for uri in pages if not uri.startswith("hostile/")}
    assert {uri.split("/")[-1] for uri in example} >= {"changes.md", "changes.en.md", "index.md", "cookies.en.md"}
    assert example <= set_aside
    assert len(set_aside - example) > len(pages) / 3


# Blocks a renderer could write, and ones that only look like them: each must
# come out as Python-Markdown makes it, or not be set aside at all.
TRICKY_BLOCKS = [
    '<div class="a"><p>x</p></div>',
    "<div><div>nested</div><div>twice</div></div>",
    "<p>a<br>b<br/>c<br />d<img src=\"x\" alt=\"y\"></p>",
    '<p title="a > b" data-x=\'<div>\'>quoted</p>',
    "<div>a</div><p>b</p>",
    "<div>a</div><div>b</div>",
    "<div>a</DIV>b</div>",
    '<div><script>if (a<b) x = "</div>";</script></div>',
    "<div>a</div> tail",
    "<div>a</div> *em*",
    "<div><div /></div></div>",
    "<div><div>unclosed</div>",
    "<div>stray</span> end</div>",
    "<DIV>upper</DIV>",
    "<div>a < b</div>",
    "<div>line\nbreak\n   indented\n</div>",
    "<div>one\n   \ntwo</div>",
    "<div>\ttab</div>",
    "<div><!-- c --></div>",
    "<div><script>x</script></div>",
    '<div markdown="1">*md*</div>',
    "<span>inline</span>",
    "<a href=\"x\">link</a> text",
    "<hr>",
    "<pre>  kept\n    as is</pre>",
    "<table><tr><td>1</td></tr></table>",
    "<ul><li>a<ul><li>b</li></ul></li></ul>",
    "<p>&amp; &lt;div&gt; &#60;</p>",
    "<p>*not emphasis* `no code`</p>",
]
OTHER_PARTS = ["## Heading {#h}", "Plain words.", "    indented code", "```\nfence", "<!-- open", "<span>open",
               "- item", "> quote", "<https://a.example>", "Text *with* emphasis"]


@pytest.mark.parametrize("block", TRICKY_BLOCKS)
def test_each_such_block_comes_out_as_python_markdown_makes_it(block):
    for page in (f"## H {{#h}}\n\n{block}\n\n<p>next</p>\n", f"{block}\n\nPlain words.", block):
        for options in (SITE_MARKDOWN, RICH_MARKDOWN):
            assert converted_aside(page, options)[0] == converted(page, options), (page, options["extensions"])


# Random HTML-like blocks: any tags, nested or not, closed or not, with text
# that has what raw HTML and Markdown read specially.
_TEXT = st.text(alphabet="ab <>&\"'/=\n\t *`#-", max_size=8)
_ELEMENT = lambda children: st.builds(  # noqa: E731
    lambda tag, attributes, kids, close: f"<{tag}{attributes}>{''.join(kids)}" + (f"</{tag}>" if close else ""),
    st.sampled_from(["div", "p", "span", "ul", "li", "br", "hr", "a", "script", "pre", "DIV", "table", "td"]),
    st.sampled_from(["", ' class="x"', ' title="a>b"', ' markdown="1"', " /", ' id="i"']),
    st.lists(children, max_size=3), st.booleans())
_BLOCK = st.recursive(_TEXT, _ELEMENT, max_leaves=8)
_PART = st.one_of(st.sampled_from(TRICKY_BLOCKS + OTHER_PARTS), _BLOCK,
                  st.lists(_BLOCK, min_size=2, max_size=3).map("".join))


@given(st.lists(st.tuples(_PART, st.sampled_from(["\n\n", "\n\n\n", "\n", "\n\n  "])), min_size=1, max_size=6))
@settings(max_examples=500, deadline=None)
def test_a_page_of_any_such_parts_comes_out_as_python_markdown_makes_it(parts):
    text = "".join(part + separator for part, separator in parts)
    for page, options in ((text, SITE_MARKDOWN), (text, RICH_MARKDOWN), (text.rstrip("\n"), SITE_MARKDOWN)):
        try:
            expected = converted(page, options)
        except IndexError:  # Python-Markdown's own failure on some nonsense with md_in_html
            continue
        assert converted_aside(page, options)[0] == expected


def test_what_is_not_certain_is_left_to_python_markdown():
    # each would come out differently if set aside, or could run into the next block
    for block in ["<div>a</div><p>b</p>", "<div><div>unclosed</div>", "<div>one\n   \ntwo</div>",
                  "<div><!-- c --></div>", '<div markdown="1">*md*</div>', "<span>inline</span>", "<hr>",
                  # Python-Markdown expands a tab, turns a lone \r into a newline and drops \x02 in raw HTML too
                  "<div>\ttab</div>", "<div>a\rb</div>", "<div>a\x02b</div>"]:
        assert html_blocks.set_aside(f"## H\n\n{block}\n\n<p>x</p>") is None, block
    for other in ["<!-- open", "<span>open", "```\nfence", "~~~\nfence", "<https://a.example>"]:
        assert html_blocks.set_aside(f"{other}\n\n<p>x</p>") is None, other


def test_the_ids_in_blocks_set_aside_reach_the_anchor_checks():
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

    text = '# T\n\n<div class="s"><p id="first">a</p><a name="second">b</a><span name="no">c</span></div>\n\n## H {#h}'
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": str(REPO / "docs"), "markdown_extensions": ["attr_list", "toc"]})
    config.validate()

    def rendered(source: str) -> Page:
        file = File("page.md", config.docs_dir, "/tmp/site", True)
        page = Page(None, file, config)
        page.markdown = source
        page.render(config, Files([file]))
        return page

    whole = rendered(text)
    aside = html_blocks.set_aside(text)
    page = rendered(aside.markdown)
    ids = page.present_anchor_ids | html_blocks.anchor_ids(aside)
    assert whole.present_anchor_ids == {"t", "first", "second", "h"}
    assert ids == whole.present_anchor_ids
    assert html_blocks.put_back(page.content, aside) == whole.content


def test_a_lost_block_is_an_error_not_a_silent_gap():
    aside = html_blocks.set_aside("## H\n\n<p>a</p>\n\n<p>b</p>")
    html = converted(aside.markdown, SITE_MARKDOWN)
    first = next(iter(aside.blocks))
    with pytest.raises(ValueError, match="1 of the page's HTML blocks"):
        html_blocks.put_back(html.replace(f"<p>{first}</p>", ""), aside)


def test_block_tags_are_block_level_to_python_markdown():
    assert html_blocks.BLOCK_TAGS <= set(markdown.Markdown().block_level_elements)


def test_a_real_build_sets_aside_the_blocks_of_every_generated_page(tmp_path, monkeypatch):
    """In `mkdocs build`, every generated page in every language goes the short
    way (which the benchmark compares, page by page, with plain MkDocs)."""
    import sys
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from conftest import make_project

    site = make_project(tmp_path / "p")
    # a hook after ours: what a plugin sees of a page once it is converted
    (site.root / "seen_hooks.py").write_text(
        "seen = []\n"
        "def on_page_context(context, page, config, nav):\n"
        "    seen.append((page.file.src_uri, page.markdown, page.content))\n", encoding="utf-8")
    config = site.config()
    config["hooks"].append("seen_hooks.py")
    site.write_config(config)
    returned = []
    real_put_back = html_blocks.put_back

    def put_back(content, aside):
        html = real_put_back(content, aside)
        returned.append(aside.blocks)
        return html

    monkeypatch.setattr(html_blocks, "put_back", put_back)
    build(load_config(str(site.root / "mkdocs.yml")))
    generated = sys.modules["hooks/mkdocs_hooks.py"]._state.pages
    assert len(returned) == len(generated) > 10
    seen = {src: (markdown_text, content) for src, markdown_text, content in sys.modules["seen_hooks.py"].seen}
    assert set(generated) <= set(seen)
    for src_uri in generated:
        markdown_text, content = seen[src_uri]
        assert "noticesblock" not in markdown_text + content
        assert markdown_text.startswith("# ") and "\n\n<" in markdown_text  # as written, blocks and all
    # and the blocks reached the built pages
    page = (site.site / "en" / "notices" / "customers" / "index.html").read_text(encoding="utf-8")
    assert page.count('<div class="notice-section">') >= 15
