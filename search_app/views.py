"""HTTP views: HTML pages and the JSON API. Every state of the search page is a URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, g, jsonify, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from indexer.article import ARTICLE_ID_RE

from .engine import Engine, SearchParams
from .highlight import highlight_all
from .params import BadParameter, parse_search_args
from .query import QueryError, parse_query

bp = Blueprint("search", __name__)

FACET_PARAM = {"region": "region", "leader": "leader", "paper": "paper"}
FACET_LABEL = {"region": "地区", "leader": "官员", "paper": "报纸", "year": "年份"}


def engine() -> Engine:
    return current_app.extensions["jinbao_engine"]


def searcher():
    """One searcher per request, closed at teardown."""
    if "searcher" not in g:
        g.searcher = engine().searcher()
    return g.searcher


@bp.teardown_app_request
def _close_searcher(_exc: BaseException | None) -> None:
    s = g.pop("searcher", None)
    if s is not None:
        s.close()


def url_with(args: MultiDict, **changes: Any) -> str:
    """The search URL with some parameters replaced (None removes); page resets to 1."""
    items = [(k, v) for k, v in args.items(multi=True) if k not in changes and k != "page"]
    for k, v in changes.items():
        if v is None:
            continue
        for one in v if isinstance(v, list) else [v]:
            items.append((k, one))
    return "/?" + urlencode(items) if items else "/"


def toggle_url(args: MultiDict, param: str, value: str) -> str:
    current = args.getlist(param)
    new = [v for v in current if v != value] if value in current else [*current, value]
    return url_with(args, **{param: new})


def page_url(args: MultiDict, page: int) -> str:
    items = [(k, v) for k, v in args.items(multi=True) if k != "page"]
    if page > 1:
        items.append(("page", str(page)))
    return "/?" + urlencode(items)


def decorate_facets(data: dict, args: MultiDict) -> None:
    """Add toggle URLs (server-built, so every facet state is a link)."""
    for name, values in data["facets"].items():
        for v in values:
            if name == "year":
                y = v["value"]
                selected = args.get("from") == f"{y}-01-01" and args.get("to") == f"{y}-12-31"
                v["selected"] = selected
                v["toggle_url"] = (url_with(args, **{"from": None, "to": None}) if selected
                                   else url_with(args, **{"from": f"{y}-01-01", "to": f"{y}-12-31"}))
            else:
                v["toggle_url"] = toggle_url(args, FACET_PARAM[name], v["value"])


@bp.route("/")
def search_page():
    args = request.args
    try:
        params = parse_search_args(args)
        data = engine().search(params, searcher())
    except (BadParameter, QueryError) as exc:
        return render_template("search.html", error=str(exc), data=None, args=args, params=SearchParams()), 400
    decorate_facets(data, args)
    for sug in data["suggestions"]:
        sug["url"] = (url_with(MultiDict([("q", sug["q"])]), q=sug["q"]) if sug["drop_filters"]
                      else url_with(args, q=sug["q"]))
    chips = []
    for name, param in FACET_PARAM.items():
        for value in args.getlist(param):
            label = engine().paper_names.get(value, value) if name == "paper" else value
            chips.append({"label": f"{FACET_LABEL[name]}：{label}", "url": toggle_url(args, param, value)})
    if params.date_from or params.date_to:
        chips.append({"label": f"日期：{params.date_from or '…'} 至 {params.date_to or '…'}",
                      "url": url_with(args, **{"from": None, "to": None})})
    pages = {
        "prev": page_url(args, params.page - 1) if params.page > 1 else None,
        "next": page_url(args, params.page + 1) if params.page < data["pages"] else None,
    }
    sorts = [(s, label, url_with(args, sort=s)) for s, label in
             (("relevance", "相关度"), ("newest", "最新"), ("oldest", "最早"))]
    return render_template("search.html", data=data, args=args, params=params, chips=chips, pages=pages,
                           sorts=sorts, facet_label=FACET_LABEL, error=None)


@bp.route("/api/search")
def api_search():
    try:
        params = parse_search_args(request.args)
        return jsonify(engine().search(params, searcher()))
    except (BadParameter, QueryError) as exc:
        return jsonify({"error": str(exc)}), 400


def _load_article(article_id: str) -> dict:
    if not ARTICLE_ID_RE.match(article_id):
        abort(404)
    doc = engine().article(article_id, searcher())
    if doc is None:
        abort(404)
    return doc


@bp.route("/api/articles/<article_id>")
def api_article(article_id: str):
    doc = _load_article(article_id)
    links = engine().continuations(doc, searcher())
    doc["continued_on_id"] = links["on"]["id"] if links["on"] else None
    doc["continued_from_id"] = links["from"]["id"] if links["from"] else None
    return jsonify(doc)


@bp.route("/api/officials")
def api_officials():
    return jsonify({"officials": engine().officials()})


@bp.route("/api/officials/<name>")
def api_official(name: str):
    entry = engine().official(name)
    if entry is None:
        return jsonify({"error": f"官员名录中没有“{name[:20]}”"}), 404
    return jsonify(entry)


@bp.route("/article/<article_id>")
def article_page(article_id: str):
    doc = _load_article(article_id)
    q = request.args.get("q", "")
    try:
        strings = parse_query(q).highlight_strings() if q else []
    except QueryError:
        strings = []
    paragraphs = [highlight_all(p, strings) for p in doc["body"].split("\n")]
    siblings = [d for d in engine().page_articles(doc["paper"], doc["date"], doc["page"], searcher())
                if d["id"] != doc["id"]]
    links = engine().continuations(doc, searcher())
    return render_template("article.html", doc=doc, paragraphs=paragraphs, siblings=siblings, q=q, links=links)


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    messages = {404: "找不到该页面或文章", 405: "不支持的请求方法", 400: "请求无效"}
    message = messages.get(exc.code or 500, "请求出错")
    if request.path.startswith("/api/"):
        return jsonify({"error": message}), exc.code
    return render_template("error.html", code=exc.code, message=message), exc.code


@bp.app_errorhandler(Exception)
def server_error(exc: Exception):
    current_app.logger.exception("unhandled error on %s", request.path)
    if request.path.startswith("/api/"):
        return jsonify({"error": "服务器内部错误"}), 500
    return render_template("error.html", code=500, message="服务器内部错误"), 500
