"""Judged-query evaluation of search quality (``jinbao eval search QUERIES.json``).

A query file lists queries (``q`` plus optional ``region``/``leader``/``paper``/``from``/
``to``/``sort``) with graded judgments: each names an article by a verbatim anchor (text
from its title, subtitles or body, whitespace ignored) and a grade (3 about it, 2
substantially, 1 mentions it). Articles graded 2 or more must be found. ``exclude``
anchors must not be returned. A query with no judgments must return nothing.

The queries run through the real JSON API (``GET /api/search``), so parsing, filters,
ranking and errors are measured as a reader meets them. The report gives nDCG@10,
recall of must-find articles and MRR per query kind.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SearchFn = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]

PARAM_KEYS = ("q", "region", "leader", "paper", "from", "to", "sort")
MUST_GRADE = 2


def _nows(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "")


def doc_text(doc: dict[str, Any]) -> str:
    return _nows("".join([doc.get("title") or "", *doc.get("subtitles", []), doc.get("body", ""),
                          *doc.get("fragments", [])]))


def load_queries(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    queries = data["queries"] if isinstance(data, dict) else data
    for i, q in enumerate(queries):
        if "q" not in q or "kind" not in q:
            raise ValueError(f"{path}: query #{i + 1} needs 'q' and 'kind'")
    return queries


def resolve_anchor(anchor: str, docs: list[dict[str, Any]]) -> str:
    """The id of the one article that contains ``anchor``; ValueError otherwise."""
    needle = _nows(anchor)
    hits = [d["id"] for d in docs if needle in doc_text(d)]
    if len(hits) != 1:
        raise ValueError(f"anchor {anchor!r} matches {len(hits)} articles (needs exactly one)")
    return hits[0]


@dataclass
class QueryResult:
    kind: str
    q: str
    ndcg: float
    must: int
    must_found: int
    rr: float
    error: str | None = None
    excluded_returned: list[str] = field(default_factory=list)
    top: list[str] = field(default_factory=list)


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** grades.get(doc, 0) - 1) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 1.0


def run_query(query: dict[str, Any], search: SearchFn, docs: list[dict[str, Any]]) -> QueryResult:
    params = {k: query[k] for k in PARAM_KEYS if k in query}
    params["per_page"] = 100
    grades = {resolve_anchor(j["anchor"], docs): int(j["grade"]) for j in query.get("judgments", [])}
    excluded = {resolve_anchor(a, docs) for a in query.get("exclude", [])}
    must = {doc for doc, g in grades.items() if g >= MUST_GRADE}
    result = QueryResult(query["kind"], query["q"], 0.0, len(must), 0, 0.0)
    try:
        status, data = search(params)
    except Exception as exc:  # noqa: BLE001 - an error is a measured outcome here
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    if status != 200:
        result.error = f"HTTP {status}: {data.get('error')}"
        return result
    # the articles holding part of the query are listed after those holding all of it
    ranked = [r["id"] for r in [*data["results"], *((data.get("partial") or {}).get("results") or [])]]
    result.top = ranked[:10]
    result.excluded_returned = sorted(excluded & set(ranked))
    if not grades:  # must return nothing
        result.ndcg = result.rr = 1.0 if data["total"] == 0 else 0.0
        return result
    result.ndcg = ndcg_at(ranked, grades)
    result.must_found = len(must & set(ranked))
    result.rr = next((1 / (i + 1) for i, doc in enumerate(ranked[:10]) if grades.get(doc, 0) >= 1), 0.0)
    return result


def run_all(queries: list[dict[str, Any]], search: SearchFn, docs: list[dict[str, Any]]) -> list[QueryResult]:
    return [run_query(q, search, docs) for q in queries]


@dataclass
class Summary:
    queries: int = 0
    ndcg: float = 0.0
    must: int = 0
    must_found: int = 0
    mrr: float = 0.0
    errors: int = 0
    excluded: int = 0

    @property
    def recall(self) -> float:
        return self.must_found / self.must if self.must else 1.0


def summarize(results: list[QueryResult]) -> dict[str, Summary]:
    """Per kind and ``all``: mean nDCG@10, must-find recall, MRR, errors."""
    out: dict[str, Summary] = {}
    for key in [*dict.fromkeys(r.kind for r in results), "all"]:
        rs = [r for r in results if key == "all" or r.kind == key]
        out[key] = Summary(
            queries=len(rs),
            ndcg=sum(r.ndcg for r in rs) / len(rs),
            must=sum(r.must for r in rs),
            must_found=sum(r.must_found for r in rs),
            mrr=sum(r.rr for r in rs) / len(rs),
            errors=sum(1 for r in rs if r.error),
            excluded=sum(len(r.excluded_returned) for r in rs),
        )
    return out


def summary_table(summary: dict[str, Summary], label: str = "jinbao") -> str:
    lines = [f"| kind ({label}) | queries | nDCG@10 | must-find recall | MRR | errors | excluded returned |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for kind, s in summary.items():
        name = f"**{kind}**" if kind == "all" else kind
        lines.append(f"| {name} | {s.queries} | {s.ndcg:.3f} | {s.recall:.3f} ({s.must_found}/{s.must}) | "
                     f"{s.mrr:.3f} | {s.errors} | {s.excluded} |")
    return "\n".join(lines)


def flask_search(client) -> SearchFn:
    """Search through the real JSON API of a Flask app's test client."""

    def search(params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        resp = client.get("/api/search", query_string=params)
        return resp.status_code, resp.get_json()

    return search
