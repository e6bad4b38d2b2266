"""Search over the article index: filters, facets, ranking, snippets.

This module knows nothing about HTTP; the Flask views and ``jinbao eval`` call it.
One :class:`Engine` per process opens the index and configures jieba with the
dictionary the index was built with. Readers get a fresh searcher per request, so a
re-index becomes visible at the next request after its commit; the facet table is
cached per index generation.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import segment
from indexer.build import META_FILE, open_index, read_userdict
from indexer.register import load_register
from indexer.gazetteer import Gazetteer
from indexer.jumps import page_number, pick_continuation

from .highlight import highlight_all, snippet
from .query import ParsedQuery, QueryError, QueryHints, parse_query, to_whoosh

SORTS = ("relevance", "newest", "oldest")
FACET_NAMES = ("region", "leader", "paper", "year")
FACET_SIZE = 30


@dataclass
class SearchParams:
    q: str = ""
    regions: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    papers: list[str] = field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10

    @property
    def has_filters(self) -> bool:
        return bool(self.regions or self.leaders or self.papers or self.date_from or self.date_to)


@dataclass
class _FacetRow:
    paper: str
    year: str
    regions: tuple[str, ...]
    leaders: tuple[str, ...]


class Engine:
    """The search engine over one index directory."""

    def __init__(self, index_dir: Path, gazetteer: Gazetteer | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.ix = open_index(self.index_dir)
        self.gazetteer = gazetteer or Gazetteer.load()
        self._lock = threading.Lock()
        self._meta_mtime: float | None = None
        self._register: dict[str, dict] = {}
        self.refresh_dictionary()
        self._facet_tables: dict[int, list[_FacetRow | None]] = {}
        self.paper_names: dict[str, str] = {}

    # --- searchers and caches -----------------------------------------------------

    def refresh_dictionary(self) -> None:
        """Load the index's dictionary (and officials register) when a re-index changed it,
        so that queries segment new names exactly as the index did."""
        meta_path = self.index_dir / META_FILE
        try:
            mtime = meta_path.stat().st_mtime
        except OSError:
            mtime = None
        if mtime == self._meta_mtime and segment.is_configured():
            return
        with self._lock:
            segment.ensure(read_userdict(self.index_dir))
            self._register = load_register(self.index_dir)
            self._meta_mtime = mtime

    def official(self, name: str) -> dict | None:
        """The register entry of an official (titles, dates, regions, article count)."""
        self.refresh_dictionary()
        return self._register.get(name)

    def officials(self) -> list[dict]:
        self.refresh_dictionary()
        return sorted(self._register.values(), key=lambda e: (-e["articles"], e["name"]))

    def searcher(self) -> Searcher:
        """A searcher on the latest committed state (the caller closes it)."""
        return self.ix.searcher()

    def _facet_table(self, searcher: Searcher) -> list[_FacetRow | None]:
        """docnum -> facet values, built once per index generation from stored fields."""
        key = searcher.reader().generation()
        with self._lock:
            table = self._facet_tables.get(key)
            if table is not None:
                return table
        rows: list[_FacetRow | None] = []
        names: dict[str, str] = {}
        reader = searcher.reader()
        for docnum in range(reader.doc_count_all()):
            if reader.is_deleted(docnum):
                rows.append(None)
                continue
            stored = reader.stored_fields(docnum)
            doc = json.loads(stored["doc"])
            names[doc["paper"]] = doc["paper_name"]
            rows.append(_FacetRow(
                paper=stored["paper"],
                year=stored["date"][:4],
                regions=tuple(r for r in stored.get("region_path", "").split(",") if r),
                leaders=tuple(x for x in stored.get("leaders", "").split(",") if x),
            ))
        with self._lock:
            self._facet_tables = {key: rows}
            self.paper_names = names
        return rows

    # --- search ---------------------------------------------------------------------

    def filter_query(self, params: SearchParams) -> wq.Query | None:
        parts: list[wq.Query] = []
        for fieldname, values in (("region_path", params.regions), ("leaders", params.leaders), ("paper", params.papers)):
            if values:
                terms = [wq.Term(fieldname, v) for v in values]
                parts.append(terms[0] if len(terms) == 1 else wq.Or(terms))
        if params.date_from or params.date_to:
            parts.append(wq.TermRange(
                "date",
                params.date_from.isoformat() if params.date_from else None,
                params.date_to.isoformat() if params.date_to else None,
            ))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def search(self, params: SearchParams, searcher: Searcher | None = None) -> dict[str, Any]:
        """Run a search; returns the JSON structure of ``/api/search``."""
        started = time.perf_counter()
        self.refresh_dictionary()
        own = searcher is None
        searcher = searcher or self.searcher()
        try:
            parsed = parse_query(params.q)
            return self._search(params, parsed, searcher, started)
        finally:
            if own:
                searcher.close()

    def hints(self) -> QueryHints:
        """Gazetteer and officials register as seen by the query builder."""

        def place(term: str) -> tuple[str, bool] | None:
            found = self.gazetteer.resolve_place(term)
            return (found[0].name, found[1]) if found else None

        return QueryHints(place=place, official=lambda term: term in self._register)

    def _search(self, params: SearchParams, parsed: ParsedQuery, searcher: Searcher, started: float) -> dict[str, Any]:
        main = to_whoosh(parsed, self.hints())
        flt = self.filter_query(params)
        table = self._facet_table(searcher)
        combined = main if flt is None else wq.And([main, flt])
        matched = set(searcher.docs_for_query(combined))
        total = len(matched)
        start = (params.page - 1) * params.per_page
        end = start + params.per_page
        sort = params.sort
        if sort == "relevance" and parsed.empty:
            sort = "newest"  # nothing to rank by: list the latest first
        if sort == "relevance":
            hits = searcher.search(main, filter=flt, limit=end + 20, terms=False)
            ranked = sorted(
                ((round(h.score, 6), h.docnum) for h in hits),
                key=lambda sd: (-sd[0], _neg_date(table, sd[1], searcher)),
            )
            page_docs = [d for _s, d in ranked[start:end]]
        else:
            field_name = "order_desc" if sort == "newest" else "order_asc"
            hits = searcher.search(main, filter=flt, limit=end, sortedby=field_name, reverse=(sort == "newest"))
            page_docs = [h.docnum for h in hits][start:end]

        strings = parsed.highlight_strings()
        results = []
        for docnum in page_docs:
            doc = json.loads(searcher.stored_fields(docnum)["doc"])
            results.append(self._result(doc, strings))
        facets = self._facets(matched, table, params)
        suggestions = self._suggest(params, parsed, searcher) if total == 0 else []
        return {
            "q": params.q,
            "total": total,
            "page": params.page,
            "per_page": params.per_page,
            "pages": max(1, -(-total // params.per_page)),
            "sort": params.sort,
            "took_ms": round((time.perf_counter() - started) * 1000, 1),
            "tokens": parsed.tokens(),
            "results": results,
            "facets": facets,
            "suggestions": suggestions,
        }

    def _count(self, params: SearchParams, searcher: Searcher) -> int:
        try:
            parsed = parse_query(params.q)
        except QueryError:
            return 0
        main = to_whoosh(parsed, self.hints())
        flt = self.filter_query(params)
        return sum(1 for _ in searcher.docs_for_query(main if flt is None else wq.And([main, flt])))

    def _suggest(self, params: SearchParams, parsed: ParsedQuery, searcher: Searcher) -> list[dict[str, Any]]:
        """What to try when nothing matched: without the filters, a near name from the
        officials register, fewer words. Each suggestion is counted before it is offered."""
        out: list[dict[str, Any]] = []

        def offer(label: str, changed: SearchParams) -> None:
            count = self._count(changed, searcher)
            if count and len(out) < 6:
                out.append({"label": label, "q": changed.q, "drop_filters": not changed.has_filters,
                            "count": count})

        if params.has_filters and params.q.strip():
            offer(f"去掉筛选条件，检索“{params.q}”", replace(params, regions=[], leaders=[], papers=[],
                                                       date_from=None, date_to=None))
        terms = [t for g in parsed.groups for t in g]
        for t in terms:
            for name in near_names(t.text, self._register):
                offer(f"您是否要找：{name}", replace(params, q=params.q.replace(t.text, name)))
        if len(terms) > 1:
            for t in terms:
                offer(f"只检索“{t.text}”", replace(params, q=t.text))
        return out

    def _result(self, doc: dict, strings: list[str]) -> dict[str, Any]:
        title = doc.get("title") or (doc.get("subtitles") or [None])[0]
        return {
            "id": doc["id"],
            "title": title or _first_words(doc["body"]),
            "title_html": highlight_all(title or _first_words(doc["body"]), strings),
            "subtitles_html": [highlight_all(s, strings) for s in doc.get("subtitles", [])],
            "has_title": bool(doc.get("title")),
            "paper": doc["paper"],
            "paper_name": doc["paper_name"],
            "date": doc["date"],
            "page": doc["page"],
            "kind": doc.get("kind"),
            "regions": doc.get("regions", []),
            "leaders": doc.get("leaders", []),
            "snippet": snippet(doc["body"], strings),
            "url": f"/article/{doc['id']}",
        }

    def _facets(self, matched: set[int], table: list[_FacetRow | None], params: SearchParams) -> dict[str, list[dict]]:
        counters: dict[str, Counter] = {name: Counter() for name in FACET_NAMES}
        for docnum in matched:
            row = table[docnum] if docnum < len(table) else None
            if row is None:
                continue
            counters["paper"][row.paper] += 1
            counters["year"][row.year] += 1
            counters["region"].update(row.regions)
            counters["leader"].update(row.leaders)
        selected = {
            "region": set(params.regions), "leader": set(params.leaders), "paper": set(params.papers), "year": set(),
        }
        out: dict[str, list[dict]] = {}
        for name in FACET_NAMES:
            items = counters[name].most_common()
            if name == "year":
                items = sorted(items, reverse=True)
            values = [
                {"value": v, "count": c, "selected": v in selected[name]}
                for v, c in items[:FACET_SIZE]
            ]
            # selected values stay visible even when they fall outside the top list
            shown = {v["value"] for v in values}
            values += [{"value": v, "count": counters[name].get(v, 0), "selected": True}
                       for v in sorted(selected[name] - shown)]
            if name == "paper":
                for v in values:
                    v["label"] = self.paper_names.get(v["value"], v["value"])
            if name == "region":
                for v in values:
                    parent = self.gazetteer.parent(v["value"])
                    if parent:
                        v["parent"] = parent
            out[name] = values
        return out

    # --- articles -------------------------------------------------------------------

    def article(self, article_id: str, searcher: Searcher | None = None) -> dict[str, Any] | None:
        own = searcher is None
        searcher = searcher or self.searcher()
        try:
            stored = searcher.document(id=article_id)
            return json.loads(stored["doc"]) if stored else None
        finally:
            if own:
                searcher.close()

    def page_articles(self, paper: str, date: str, page: int, searcher: Searcher) -> list[dict[str, Any]]:
        """The articles of one printed page, in page order."""
        key = f"{paper}/{date}/{page:02d}"
        docs = [json.loads(f["doc"]) for f in searcher.documents(page_key=key)]
        return sorted(docs, key=lambda d: d["seq"])


    def continuations(self, doc: dict[str, Any], searcher: Searcher) -> dict[str, dict | None]:
        """The other parts of a jumped article (下转/上接) when the archive holds them."""
        links: dict[str, dict | None] = {"on": None, "from": None}
        for direction, label in (("on", doc.get("continued_on")), ("from", doc.get("continued_from"))):
            target = page_number(label)
            if target is None or target == doc["page"]:
                continue
            candidates = self.page_articles(doc["paper"], doc["date"], target, searcher)
            links[direction] = pick_continuation(doc, candidates, direction)
        return links


def near_names(term: str, names: dict[str, Any], limit: int = 3) -> list[str]:
    """Register names one character away from ``term`` (a mistyped or mis-OCRed name)."""
    if not 2 <= len(term) <= 4 or term in names:
        return []
    near = [n for n in names if len(n) == len(term) and sum(a != b for a, b in zip(n, term, strict=True)) == 1]
    return sorted(near, key=lambda n: (-names[n]["articles"], n))[:limit]


def _neg_date(table: list[_FacetRow | None], docnum: int, searcher: Searcher) -> str:
    """Sort key putting newer dates first among equal scores."""
    date = searcher.stored_fields(docnum)["date"]
    return "".join(chr(0x10FFFF - ord(c)) if c.isdigit() else c for c in date)


def _first_words(body: str, n: int = 30) -> str:
    first = body.split("\n", 1)[0]
    return first[:n] + ("…" if len(first) > n else "")
