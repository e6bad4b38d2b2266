"""Issue 14: nothing a user or a page supplies reaches a page, a feed or an export as markup.

Markup and scripts are put where they can come from — the query, the page text (inside and
outside highlighted strings, in snippets with and without a match, in titles and captions) and
a paper's name — and every HTML page is parsed: it may hold only the elements and attributes the
templates write themselves (no ``script``, no ``b``/``img``/``i`` from the text, no ``on…``
attribute, no ``javascript:`` link), and the payload is shown as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from conftest import copy_archive
from indexer.build import build_index

# every element the templates write (and <mark> from the highlighter)
TEMPLATE_TAGS = {
    "a", "p", "span", "section", "h1", "h2", "h3", "ul", "ol", "li", "input", "code", "nav", "summary", "label",
    "details", "th", "td", "tr", "thead", "tbody", "table", "link", "div", "strong", "title", "meta", "form", "dt",
    "dd", "dl", "button", "svg", "rect", "main", "legend", "html", "header", "head", "footer", "figure", "figcaption",
    "fieldset", "body", "aside", "article", "mark", "g", "text", "line",
}
PAYLOAD = '<script>alert(1)</script><b onmouseover="alert(2)">粗体</b><img src=x onerror=alert(3)><i>斜体</i>'


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def assert_only_template_markup(html: str) -> str:
    parser = Elements()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in TEMPLATE_TAGS, f"<{tag}> in the page: {html[:200]}"
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)
    return "".join(parser.text)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, gazetteer):
    archive = copy_archive(tmp_path_factory.mktemp("hostile"))
    paper = archive / "evil-paper"
    (paper / "2026-07-20").mkdir(parents=True)
    (paper / "paper.toml").write_text('name = "<i>恶意</i>报<script>x</script>"\nhome_region = "晋中市"\n', encoding="utf-8")
    page = "\n".join([
        "标题里<script>alert(1)</script>的新闻", "",
        f"本报讯（记者 王某）7月19日，正文里有{PAYLOAD}和普通文字，榆次区召开会议。", "",
        f"第二段：再一次{PAYLOAD}。", "",
        f"图说现场{PAYLOAD}。记者 赵某 摄", "",
    ])
    (paper / "2026-07-20" / "01.txt").write_text(page, encoding="utf-8")
    index_dir = archive.parent / "index"
    build_index(archive, index_dir, gazetteer=gazetteer)
    from search_app import create_app

    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True, "QUERY_CACHE": 0}).test_client()


QUERIES = [
    "普通文字",  # a match outside the markup: snippet with a match, markup around it
    '"<b onmouseover=\\"alert(2)\\">粗体</b>"',  # markup inside the highlighted string
    "粗体",  # a match inside the markup
    "标题:新闻",  # a title-only match: the snippet has no match
    "<script>alert(1)</script>",  # markup in the query itself
    '"><img src=x onerror=alert(4)>',
]


@pytest.mark.parametrize("q", QUERIES)
def test_search_pages_hold_no_markup_from_queries_or_pages(hostile, q):
    resp = hostile.get("/", query_string={"q": q})
    assert resp.status_code == 200, q
    text = assert_only_template_markup(resp.get_data(as_text=True))
    if q in ("普通文字", "粗体", "标题:新闻"):
        assert "<script>alert(1)</script>" in text  # the payload is shown, as text


def test_snippets_with_and_without_a_match_are_escaped(hostile):
    with_match = hostile.get("/api/search", query_string={"q": "普通文字"}).get_json()["results"][0]
    without = hostile.get("/api/search", query_string={"q": "标题:新闻", "paper": "evil-paper"}).get_json()["results"][0]
    inside = hostile.get("/api/search", query_string={"q": '"粗体</b>"'}).get_json()["results"][0]
    for result in (with_match, without, inside):
        for field in ("snippet", "title_html"):
            html = result[field]
            assert "<script" not in html and "<b " not in html and "<img" not in html, html
            assert_only_template_markup(html)
    assert "<mark>" in with_match["snippet"] and "&lt;script&gt;" in without["snippet"]
    assert "<mark>粗体&lt;/b&gt;</mark>" in inside["snippet"]  # the markup inside the mark is escaped


def test_article_issue_paper_and_entity_pages_escape_everything(hostile):
    found = hostile.get("/api/search", query_string={"q": "普通文字"}).get_json()["results"][0]
    for url in (found["url"], found["url"] + "?q=粗体", found["url"] + "?q=" + "<script>", "/papers",
                "/paper/evil-paper/2026-07-20", "/region/榆次区", "/?paper=evil-paper"):
        resp = hostile.get(url)
        assert resp.status_code == 200, url
        text = assert_only_template_markup(resp.get_data(as_text=True))
        assert "恶意" in text or url.startswith("/region")


def test_feeds_and_exports_escape_everything(hostile):
    for q in ("普通文字", "<script>alert(1)</script>"):
        feed = hostile.get("/feed.atom", query_string={"q": q})
        root = ET.fromstring(feed.data)  # well-formed: nothing unescaped
        atom = "{http://www.w3.org/2005/Atom}"
        assert all(el.tag.startswith(atom) or el.tag in ("feed",) for el in root.iter()), [el.tag for el in root.iter()]
    ET.fromstring(hostile.get("/opensearch.xml").data)
    exported = hostile.get("/export.json", query_string={"q": "普通文字"}).get_json()
    assert PAYLOAD in exported["articles"][0]["body"]  # JSON carries the text as text
    csv_text = hostile.get("/export.csv", query_string={"q": "普通文字"}).get_data(as_text=True)
    assert "\n=" not in csv_text and ",=" not in csv_text
