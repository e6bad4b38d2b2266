"""Exports of a whole result set (CSV, JSON), Atom feeds of any search, OpenSearch."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re


from flask import Response, jsonify, render_template, request, url_for

from indexer.textio import CONTROL_RE

from ..engine import EXPORT_LIMIT
from ..params import BadParameter, parse_search_args
from ..query import QueryError
from ..urls import url_with
from .common import base_url, blueprint, engine, searcher

bp = blueprint("feeds")

CSV_FIELDS = ("id", "date", "paper_name", "page", "title", "subtitles", "kind", "dateline", "regions", "leaders",
              "byline", "url", "body", "reporters")  # new columns go at the end: scripts read by position too
FEED_SIZE = 50


def csv_cell(value: object) -> str:
    """One CSV cell: lists joined with ；, and a cell a spreadsheet would read as a formula
    (starting with = + - @, a tab or a carriage return) neutralised with a leading '."""
    text = "；".join(value) if isinstance(value, list) else "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def xml_text(xml: str) -> str:
    """C0 control characters are not allowed in XML 1.0: a query or a paper name holding one
    must not make the feed invalid."""
    return CONTROL_RE.sub("", xml)


def _export_params():
    params = parse_search_args(request.args)
    if params.sort == "relevance" and not params.q.strip():
        params.sort = "newest"
    return params


@bp.errorhandler(BadParameter)
@bp.errorhandler(QueryError)
def bad_request(exc: Exception):
    return jsonify({"error": str(exc)}), 400


CSV_HEADERS_ZH = {"id": "文章编号", "date": "日期", "paper_name": "报纸", "page": "版次", "title": "标题",
                  "subtitles": "副题", "kind": "类型", "dateline": "事件日期", "regions": "地区", "leaders": "官员",
                  "byline": "署名行", "url": "链接", "body": "正文", "reporters": "记者"}
"""``?headers=zh``: the CSV's column headers in Chinese (the default stays the field names
scripts read)."""


def _headers_option() -> str:
    value = request.args.get("headers", "").strip() or "en"
    if value not in ("en", "zh"):
        raise BadParameter("headers", f"应为 en 或 zh，收到 “{value[:20]}”")
    return value


def export_filename(params, kind: str, today: dt.date) -> str:
    """``jinbao-<query and filters>-<date>.<kind>``: what was exported and when, readable in a
    download folder (characters a file name cannot hold become ``_``)."""
    words = " ".join(p for p in [params.q, *params.regions, *params.leaders, *params.papers, *params.years] if p)
    stem = re.sub(r'[\\/:*?"<>|\s\x00-\x1f]+', "_", words).strip("_.")[:60] or "全部"
    return f"jinbao-{stem}-{today.isoformat()}.{kind}"


def _attachment(filename: str) -> str:
    """A Content-Disposition naming a non-ASCII file (RFC 6266: ``filename*`` for browsers,
    an ASCII ``filename`` for the rest)."""
    from urllib.parse import quote

    fallback = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _query_record(params) -> dict:
    """What was searched, as the export's JSON records it."""
    return {"q": params.q, "region": params.regions, "leader": params.leaders, "paper": params.papers,
            "year": params.years, "from": params.date_from.isoformat() if params.date_from else None,
            "to": params.date_to.isoformat() if params.date_to else None, "sort": params.sort}


@bp.route("/export.json")
def export_json():
    params = _export_params()
    docs, truncated = engine().export(params, searcher())
    for d in docs:
        d["url"] = base_url() + f"/article/{d['id']}"
    now = dt.datetime.now(dt.UTC).astimezone()
    resp = jsonify({"total": len(docs), "truncated": truncated, "limit": EXPORT_LIMIT,
                    "query": _query_record(params), "exported_at": now.isoformat(timespec="seconds"),
                    "articles": docs})
    resp.headers["Content-Disposition"] = _attachment(export_filename(params, "json", now.date()))
    return resp


@bp.route("/export.csv")
def export_csv():
    params = _export_params()
    header_names = _headers_option()
    docs, truncated = engine().export(params, searcher())
    out = io.StringIO()
    out.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(out)
    writer.writerow([CSV_HEADERS_ZH[f] for f in CSV_FIELDS] if header_names == "zh" else CSV_FIELDS)
    for d in docs:
        d["url"] = base_url() + f"/article/{d['id']}"
        writer.writerow([csv_cell(d.get(f)) for f in CSV_FIELDS])
    headers = {"Content-Disposition": _attachment(export_filename(params, "csv", dt.date.today()))}
    if truncated:
        headers["X-Jinbao-Truncated"] = str(EXPORT_LIMIT)
    return Response(out.getvalue(), mimetype="text/csv; charset=utf-8", headers=headers)


@bp.route("/feed.atom")
def feed_atom():
    params = parse_search_args(request.args)
    # newly added first (a back-filled 1998 issue reaches a subscriber even when fifty newer
    # articles match); ``updated`` is when the article entered the archive
    params.sort, params.page, params.per_page = "added", 1, FEED_SIZE
    data = engine().search(params, searcher(), facets=False)
    base = base_url()
    entries = []
    for r in data["results"]:
        published = f"{r['date']}T00:00:00Z"
        entries.append({**r, "link": base + r["url"], "published": published,
                        "updated": _utc(r.get("added")) or published, "summary": _plain(r["snippet"])})
    updated = max((e["updated"] for e in entries), default=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    title = "晋报检索：" + ("；".join(p for p in [params.q, *params.regions, *params.leaders] if p) or "最新文章")
    xml = render_template("feed.xml", entries=entries, updated=updated, title=title,
                          self_url=base + url_with(request.args, path="/feed.atom"),
                          html_url=base + url_with(request.args, sort="newest"),
                          feed_id=base + url_with(request.args, path="/feed.atom"))
    return Response(xml_text(xml), mimetype="application/atom+xml; charset=utf-8")


@bp.route("/opensearch.xml")
def opensearch():
    xml = render_template("opensearch.xml", base=base_url(),
                          icon=url_for("static", filename="favicon.svg"))
    return Response(xml_text(xml), mimetype="application/opensearchdescription+xml; charset=utf-8")


def _utc(stamp: str | None) -> str | None:
    """An ISO time with offset as Atom's UTC form (``…Z``); None when there is none."""
    try:
        return dt.datetime.fromisoformat(stamp).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if stamp else None
    except ValueError:
        return None


def _plain(html: str) -> str:
    """Snippet HTML -> plain text (the feed template escapes it again)."""
    from html import unescape

    return unescape(re.sub(r"</?mark>", "", html))



