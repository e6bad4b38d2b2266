"""The article page and ``GET /api/articles/<id>``."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, jsonify, redirect, render_template, request

from indexer.article import ARTICLE_ID_RE

from ..cite import gbt7714
from ..highlight import highlight_all
from ..query import QueryError, parse_query
from ..urls import page_url, requested_page
from .common import base_url, blueprint, engine, searcher

bp = blueprint("article")

ELEMENT_LABELS = {
    "breadcrumb": "栏目路径", "meta": "稿件信息", "navigation": "版面导航", "masthead": "报头", "summary": "导读",
    "editor": "编辑", "footer": "页脚", "ui": "网站按钮", "site_header": "网站页头", "image": "图片文件",
    "links": "链接栏", "topic_header": "话题", "counter": "计数", "headline_index": "标题导航",
    "page_title": "网页标题", "column": "栏目",
}


class Moved(Exception):
    """The id's text is now another article's (a re-parse split its page differently)."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


def load_article(article_id: str) -> dict:
    """The stored article; :class:`Moved` for an id whose text went elsewhere; else 404 (ids
    are validated before they reach the index)."""
    if not ARTICLE_ID_RE.fullmatch(article_id):
        abort(404)
    doc = engine().article(article_id, searcher())
    if doc is None:
        target = engine().successor(article_id, searcher())
        if target is not None:
            raise Moved(target)
        abort(404)
    return doc


@bp.errorhandler(Moved)
def moved(exc: Moved):
    """A permanent redirect to the article now holding the text, with the same query string."""
    path = request.path.rsplit("/", 1)[0] + "/" + exc.target
    query = urlencode(list(request.args.items(multi=True)))
    return redirect(path + ("?" + query if query else ""), code=301)


@bp.route("/api/articles/<article_id>")
def api_article(article_id: str):
    doc = load_article(article_id)
    links = engine().continuations(doc, searcher())
    doc["continued_on_id"] = links["on"]["id"] if links["on"] else None
    doc["continued_from_id"] = links["from"]["id"] if links["from"] else None
    doc["url"] = f"/article/{doc['id']}"
    return jsonify(doc)


def region_labels(doc: dict) -> dict[str, str]:
    """How each tagged region is shown: as the article prints it when that is a former name
    (``榆次市（今榆次区）``), else its current name."""
    gazetteer = engine().gazetteer
    text = "".join([doc.get("title") or "", *doc.get("subtitles", []), doc.get("body") or ""])
    out = {}
    for region in doc.get("regions", []):
        division = gazetteer.get(region)
        printed = [f for f in (gazetteer.names_over_time(division) if division else ()) if f in text]
        out[region] = f"{printed[0]}（今{region}）" if printed and region not in text else region
    return out


@bp.route("/article/<article_id>")
def article_page(article_id: str):
    doc = load_article(article_id)
    q = request.args.get("q", "")[:200]
    try:
        strings = parse_query(q).highlight_strings() if q else []
    except QueryError:
        strings = []
    s = searcher()
    permalink = base_url() + f"/article/{doc['id']}"
    paragraphs = [highlight_all(p, strings) for p in doc["body"].split("\n")]
    siblings = [d for d in engine().page_articles(doc["paper"], doc["date"], doc["page"], s) if d["id"] != doc["id"]]
    first = doc if doc.get("seq") == 1 else next((d for d in siblings if d.get("seq") == 1), None)
    return render_template(
        "article.html", doc=doc, paragraphs=paragraphs, siblings=siblings, q=q,
        back_url=page_url(request.args, requested_page(request.args)),
        permalink=permalink, cite_print=gbt7714(doc), cite_online=gbt7714(doc, permalink),
        earlier_text=engine().earlier_text_moved(doc["id"], s), region_labels=region_labels(doc),
        page_elements=(first or {}).get("page_elements") or [], element_labels=ELEMENT_LABELS,
        title_html=highlight_all(doc.get("title") or "（无标题）", strings),
        links=engine().continuations(doc, s), similar=engine().more_like(doc, s),
        issue=engine().issue_neighbours(doc, s),
    )
