"""The search page and ``GET /api/search``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import jsonify, render_template, request
from werkzeug.datastructures import MultiDict

from ..coverage import archive_coverage
from ..drilldown import click_regions, crumbs, effective_regions
from ..engine import SearchParams
from ..params import BadParameter, parse_search_args
from ..query import QueryError, parse_query
from ..urls import page_url, search_state, toggle_url, url_with
from .common import blueprint, engine, searcher

bp = blueprint("search")

FACET_PARAM = {"region": "region", "leader": "leader", "paper": "paper", "year": "year"}
FACET_LABEL = {"region": "地区", "leader": "官员", "paper": "报纸", "year": "年份"}
FACET_VISIBLE = 8


def decorate_facets(data: dict, args: MultiDict, path: str = "/") -> None:
    """The URL of each facet value's click, built on the server (``path``: the search page or
    the API): for a region, a drill-down (:func:`~search_app.drilldown.click_regions`)."""
    parent = engine().gazetteer.parent
    for name, values in data["facets"].items():
        for v in values:
            if name == "region":
                v["toggle_url"] = url_with(args, path, region=click_regions(args.getlist("region"), v["value"], parent))
            else:
                v["toggle_url"] = toggle_url(args, FACET_PARAM[name], v["value"], path)


def region_groups(values: list[dict]) -> list[dict]:
    """Counties grouped under their city (the city's own count first when it is a value)."""
    by_value = {v["value"]: v for v in values}
    groups: dict[str, dict] = {}
    for v in values:
        city = v.get("parent") or v["value"]
        group = groups.setdefault(city, {"city": city, "item": by_value.get(city), "children": []})
        if v.get("parent"):
            group["children"].append(v)
    return sorted(groups.values(), key=lambda g: -(g["item"]["count"] if g["item"] else
                                                      max(c["count"] for c in g["children"])))


def chips(args: MultiDict, params: SearchParams) -> list[dict[str, str]]:
    """The selected filters as removable chips; a county chosen under its city reads
    晋中市 › 左权县 and its removal goes back to the city (the city itself has no chip)."""
    out = []
    names = engine().paper_names
    parent = engine().gazetteer.parent
    regions = args.getlist("region")
    for name, param in FACET_PARAM.items():
        values = effective_regions(regions, parent) if name == "region" else args.getlist(param)
        for value in values:
            label = names.get(value, value) if name == "paper" else \
                " › ".join([*crumbs(value, regions, parent), value]) if name == "region" else value
            out.append({"label": f"{FACET_LABEL[name]}：{label}", "url": toggle_url(args, param, value)})
    if params.date_from or params.date_to:
        out.append({"label": f"日期：{params.date_from or '…'} 至 {params.date_to or '…'}",
                    "url": url_with(args, **{"from": None, "to": None})})
    return out


def date_picks(args: MultiDict, today: dt.date) -> list[dict[str, Any]]:
    """Quick date ranges (this year, last 30 days, last year) as links."""
    picks = [
        ("今年", dt.date(today.year, 1, 1), today),
        ("近30天", today - dt.timedelta(days=30), today),
        ("近一年", today - dt.timedelta(days=365), today),
    ]
    out = [{"label": label, "url": url_with(args, **{"from": a.isoformat(), "to": b.isoformat()}),
            "current": args.get("from") == a.isoformat() and args.get("to") == b.isoformat()}
           for label, a, b in picks]
    out.append({"label": "不限", "url": url_with(args, **{"from": None, "to": None}),
                "current": not args.get("from") and not args.get("to")})
    return out


HIST_VIEWS = ("count", "share")
"""The month chart's bars: matches, or matches ÷ articles held that month (``hist=share``)."""


def histogram_view(args: MultiDict) -> str:
    value = args.get("hist", "").strip() or "count"
    if value not in HIST_VIEWS:
        raise BadParameter("hist", f"应为 count 或 share，收到 “{value[:20]}”")
    return value


def histogram_bars(data: dict, args: MultiDict) -> list[dict[str, Any]]:
    """Bars of matches per month, each a link that narrows the date range to its month."""
    bars = []
    for item in data.get("histogram", []):
        y, m = (int(x) for x in item["month"].split("-"))
        last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()
        bars.append({**item, "url": url_with(args, **{"from": f"{item['month']}-01", "to": last})})
    return bars


@bp.route("/")
def search_page():
    args = request.args
    try:
        params = parse_search_args(args)
        hist = histogram_view(args)
        data = engine().search(params, searcher())
    except (BadParameter, QueryError) as exc:
        return render_template("search.html", error=str(exc), data=None, args=args, params=SearchParams()), 400
    decorate_facets(data, args)
    for sug in data["suggestions"]:
        sug["url"] = (url_with(MultiDict([("q", sug["q"])]), q=sug["q"]) if sug["drop_filters"]
                      else url_with(args, q=sug["q"]))
    pages = {
        "prev": page_url(args, params.page - 1) if params.page > 1 else None,
        "next": page_url(args, params.page + 1) if params.page < data["pages"] else None,
        "numbers": [(n, page_url(args, n)) for n in range(max(1, params.page - 3), min(data["pages"], params.page + 3) + 1)],
    }
    sorts = [(s, label, url_with(args, sort=s)) for s, label in
             (("relevance", "相关度"), ("newest", "最新"), ("oldest", "最早"), ("added", "新收录"))]
    return render_template(
        "search.html", data=data, args=args, params=params, chips=chips(args, params), pages=pages, sorts=sorts,
        state=search_state(args, params.page), hist=hist,
        hist_urls={k: url_with(args, hist=None if k == "count" else k) for k in HIST_VIEWS},
        coverage=archive_coverage(engine().papers(searcher())) if not params.q.strip() and not params.has_filters
        else None,
        # without words there is nothing to rank by: the list is newest first, and says so
        current_sort="newest" if params.sort == "relevance" and parse_query(params.q).empty else params.sort,
        facet_label=FACET_LABEL, facet_visible=FACET_VISIBLE, regions=region_groups(data["facets"]["region"]),
        date_picks=date_picks(args, dt.date.today()), bars=histogram_bars(data, args), error=None,
        export={kind: url_with(args, path=f"/export.{kind}") for kind in ("csv", "json")},
        feed_url=url_with(args, path="/feed.atom"),
    )


@bp.route("/api/search")
def api_search():
    try:
        params = parse_search_args(request.args)
        data = engine().search(params, searcher())
        decorate_facets(data, request.args, "/api/search")
        return jsonify(data)
    except (BadParameter, QueryError) as exc:
        return jsonify({"error": str(exc)}), 400
