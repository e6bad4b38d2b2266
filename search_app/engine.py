"""Search over the article index: filters, facets, ranking, snippets, browsing.

This module knows nothing about HTTP; the Flask views and ``jinbao eval`` call it.
One :class:`Engine` per process opens the index and configures jieba with the
dictionary the index was built with. Each request borrows a searcher from a small pool
(:meth:`Engine.borrow`): one thread at a time uses it, and it is reused only while it
still shows the latest commit, so a re-index becomes visible at the next request after
its commit without every request paying for opening the segments. The facet table is
cached per index generation.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
import time
import weakref
from collections import Counter

import numpy as np
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from whoosh import collectors
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import segment
from indexer.build import (
    DAMAGE_ERRORS, META_FILE, IndexDamaged, active_dir, damage_message, open_index, read_userdict,
)
from indexer.gazetteer import Gazetteer
from indexer.jumps import page_number, pick_continuation
from indexer.register import REGISTER_FILE, load_register

from .cache import DEFAULT_SIZE as DEFAULT_CACHE_SIZE
from .cache import ResultCache
from .facets import FacetTable, month_histogram
from .highlight import highlight_all, snippet
from .postings import PostingCache
from .vector import Hits, OutOfTime, VectorEvaluator, positions_in
from .scoring import CachedLengthBM25F, SegmentLengths
from .query import ParsedQuery, QueryError, QueryHints, parse_query, rerank_queries, to_whoosh

SORTS = ("relevance", "newest", "oldest")
FACET_NAMES = ("region", "leader", "paper", "year")
FACET_SIZE = 50
EXPORT_LIMIT = 10_000
RERANK_DEPTH = 50
"""Candidates whose positional boosts (lead, adjacency) are computed."""
QUERY_TIME_LIMIT = 3.0
"""Seconds a query may spend matching; past it the results are marked incomplete."""
IDLE_SEARCHERS = 4
"""Searchers kept open between requests (one per server thread is enough)."""


class _TopAndAll(collectors.TopCollector):
    """One pass over the matches: the top ``limit`` by score *and* every matching docnum
    (the count and the facets need them all; a second pass costs as much as the first).

    Both of Whoosh's shortcuts for top-N are off: skipping blocks whose best score cannot
    reach the top (``usequality``) and replacing the matcher by one that drops the
    sub-queries that cannot (``replace``); either would leave matches out of the count."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit=limit, usequality=False, replace=0)
        self.every: list[int] = []

    def _collect(self, global_docnum: int, score: float):  # type: ignore[override]
        self.every.append(global_docnum)
        return super()._collect(global_docnum, score)


@dataclass
class SearchParams:
    q: str = ""
    regions: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    papers: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10

    @property
    def has_filters(self) -> bool:
        return bool(self.regions or self.leaders or self.papers or self.years or self.date_from or self.date_to)

    def without_filters(self) -> SearchParams:
        return replace(self, regions=[], leaders=[], papers=[], years=[], date_from=None, date_to=None)


def _close_all(searchers: list[Searcher]) -> None:
    while searchers:
        searchers.pop().close()


class Engine:
    """The search engine over one index directory."""

    def __init__(self, index_dir: Path, gazetteer: Gazetteer | None = None,
                 query_cache: int = DEFAULT_CACHE_SIZE) -> None:
        self.index_dir = Path(index_dir)
        self.results = ResultCache(query_cache)
        self.ix = open_index(self.index_dir, mmap=False)
        self.active = active_dir(self.index_dir)
        self._idle: list[Searcher] = []
        # the pooled searchers hold open files: close them when the engine goes away
        self._finalizer = weakref.finalize(self, _close_all, self._idle)
        self.lengths = SegmentLengths()
        self.postings = PostingCache()
        self.weighting = CachedLengthBM25F(self.lengths)
        self.gazetteer = gazetteer or Gazetteer.load()
        self._lock = threading.Lock()
        self._meta_key: tuple | None = None
        self._register: dict[str, dict] = {}
        self._table: FacetTable | None = None
        self._timed_out = threading.local()
        self.time_limit = QUERY_TIME_LIMIT
        self.refresh_dictionary()

    # --- dictionary, register, caches ---------------------------------------------------

    def _follow_generation(self) -> None:
        """Switch to a new index generation when a full re-index made one current."""
        active = active_dir(self.index_dir)
        if active is not None and active != self.active:
            with self._lock:
                self.ix = open_index(self.index_dir, mmap=False)
                self.active = active
                self._table = None

    def refresh_dictionary(self) -> None:
        """Load the index's dictionary (and officials register) when a re-index changed it,
        so that queries segment new names exactly as the index did."""
        self._follow_generation()
        assert self.active is not None
        try:
            stamp = (self.active / META_FILE).stat().st_mtime
            stamp2 = (self.active / REGISTER_FILE).stat().st_mtime
        except OSError:
            stamp = stamp2 = None
        key = (self.active, stamp, stamp2)
        if key == self._meta_key and segment.is_configured():
            return
        with self._lock:
            segment.ensure(read_userdict(self.active))
            self._register = load_register(self.active)
            self._meta_key = key

    def official(self, name: str) -> dict | None:
        """The register entry of an official (titles, dates, regions, article count)."""
        self.refresh_dictionary()
        return self._register.get(name)

    def officials(self) -> list[dict]:
        self.refresh_dictionary()
        return sorted(self._register.values(), key=lambda e: (-e["articles"], e["name"]))

    def searcher(self) -> Searcher:
        """A searcher on the latest committed state of the current generation (the caller closes it)."""
        self._follow_generation()
        return self._open_searcher()

    def _open_searcher(self) -> Searcher:
        s = self.ix.searcher(weighting=self.weighting)
        self.lengths.retain(s)
        return s

    def borrow(self) -> Searcher:
        """A searcher on the latest commit for one thread's use; hand it back with
        :meth:`give_back` (not ``close``). Reuses an idle one when it is still current.
        :class:`IndexDamaged` when the index can no longer be read (the site answers 503)."""
        try:
            return self._borrow()
        except DAMAGE_ERRORS as exc:
            raise IndexDamaged(damage_message(self.active or self.index_dir, exc)) from exc

    def _borrow(self) -> Searcher:
        self._follow_generation()
        while True:
            with self._lock:
                s = self._idle.pop() if self._idle else None
            if s is None:
                return self._open_searcher()
            if s._ix is self.ix and s.up_to_date():
                return s
            s.close()  # an older commit or generation

    def close(self) -> None:
        """Close the pooled searchers (the engine opens new ones if used again)."""
        with self._lock:
            _close_all(self._idle)

    def give_back(self, s: Searcher) -> None:
        """Return a borrowed searcher to the pool (closed if the pool is full)."""
        with self._lock:
            if len(self._idle) < IDLE_SEARCHERS and s._ix is self.ix:
                self._idle.append(s)
                return
        s.close()

    def table(self, searcher: Searcher) -> FacetTable:
        """The facet table of the searcher's index generation (built once per generation)."""
        generation = searcher.reader().generation()
        table = self._table
        if table is not None and table.generation == generation:
            return table
        previous = self._table
        table = FacetTable(searcher, previous.segments if previous else None,
                           previous.paper_names if previous else None, generation_dir=self.active)
        with self._lock:
            self._table = table
        return table

    @property
    def paper_names(self) -> dict[str, str]:
        return self._table.paper_names if self._table else {}

    def hints(self) -> QueryHints:
        """Gazetteer and officials register as seen by the query builder."""

        def place(term: str) -> tuple[str, bool] | None:
            found = self.gazetteer.resolve_place(term)
            return (found[0].name, found[1]) if found else None

        return QueryHints(place=place, official=lambda term: term in self._register)

    # --- filters ----------------------------------------------------------------------------

    def filter_parts(self, params: SearchParams) -> dict[str, wq.Query]:
        """One query per active filter, keyed by facet name (``dates`` for a from/to range)."""
        parts: dict[str, wq.Query] = {}
        for facet, fieldname, values in (("region", "region_path", params.regions),
                                          ("leader", "leaders", params.leaders),
                                          ("paper", "paper", params.papers)):
            if values:
                terms = [wq.Term(fieldname, v) for v in values]
                parts[facet] = terms[0] if len(terms) == 1 else wq.Or(terms)
        if params.years:
            ranges = [wq.TermRange("date", f"{y}-01-01", f"{y}-12-31") for y in params.years]
            parts["year"] = ranges[0] if len(ranges) == 1 else wq.Or(ranges)
        if params.date_from or params.date_to:
            parts["dates"] = wq.TermRange(
                "date",
                params.date_from.isoformat() if params.date_from else None,
                params.date_to.isoformat() if params.date_to else None,
            )
        return parts

    def filter_query(self, params: SearchParams, skip: str | None = None) -> wq.Query | None:
        """The filters as one query; ``skip`` leaves out one facet's own filter (so its
        other values can still be counted and added: values of one facet combine with OR)."""
        parts = [q for facet, q in self.filter_parts(params).items() if facet != skip]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def evaluator(self, searcher: Searcher) -> VectorEvaluator:
        """A vectorised evaluator for one request: it remembers the match sets it computed,
        shares the engine's decoded postings, answers date ranges from the facet columns,
        and the request's time limit starts now."""
        table = self.table(searcher)

        def ranges(q: wq.TermRange) -> np.ndarray | None:
            if q.fieldname != "date":
                return None
            return table.dated_between(q.start, q.end, q.startexcl, q.endexcl)

        return VectorEvaluator(searcher, self.postings, deadline=time.perf_counter() + self.time_limit,
                               ranges=ranges, lengths=self.lengths.array)

    def _docs(self, main: wq.Query, flt: wq.Query | None, searcher: Searcher,
              evaluator: VectorEvaluator | None = None) -> np.ndarray:
        """Every matching document number (ascending), within the time limit (see
        :attr:`timed_out`)."""
        # without words the filters alone are the query (every posting skips deleted documents)
        query = main if flt is None else flt if isinstance(main, wq.Every) else wq.And([main, flt])
        try:
            return (evaluator or self.evaluator(searcher)).ids(query)
        except OutOfTime:
            self._timed_out.flag = True
        # out of time: what Whoosh's collector finds in a short grace period
        collector = collectors.TimeLimitCollector(collectors.UnsortedCollector(), self.time_limit / 3,
                                                  use_alarm=False)
        try:
            searcher.search_with_collector(query, collector)
        except collectors.TimeLimit:
            pass
        return np.array(sorted(collector.results().docs()), dtype=np.int64)

    @property
    def timed_out(self) -> bool:
        """Whether a query of this thread ran out of time since the last reset."""
        return getattr(self._timed_out, "flag", False)

    # --- search -----------------------------------------------------------------------------

    def search(self, params: SearchParams, searcher: Searcher | None = None, *, facets: bool = True) -> dict[str, Any]:
        """Run a search; returns the JSON structure of ``/api/search`` (``cached`` says
        whether the answer came from :attr:`results`)."""
        started = time.perf_counter()
        self.refresh_dictionary()
        own = searcher is None
        searcher = searcher or self.borrow()
        try:
            parsed = parse_query(params.q)
            key = (str(self.active), searcher.reader().generation(), self._meta_key, repr(params), facets)  # every field
            data = self.results.get(key)
            if data is None:
                data = self._search(params, parsed, searcher, started, facets)
                if not data["incomplete"]:
                    self.results.put(key, data)
                data["cached"] = False
            else:
                data["cached"] = True
                data["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
            return data
        finally:
            if own:
                self.give_back(searcher)

    def ranked_docnums(self, params: SearchParams, parsed: ParsedQuery, searcher: Searcher,
                       limit: int, evaluator: VectorEvaluator | None = None) -> tuple[list[int], np.ndarray]:
        """Document numbers of the first ``limit`` matches in the requested order, and all
        matches (ascending)."""
        main = to_whoosh(parsed, self.hints())
        flt = self.filter_query(params)
        sort = params.sort
        if sort == "relevance" and parsed.empty:
            sort = "newest"  # nothing to rank by: list the latest first
        if sort == "relevance":
            table = self.table(searcher)

            day = table.day

            def order(item: tuple[int, float]) -> tuple:
                # higher score first, equal scores newer first, then the index order: one total
                # order, so that every page of a result list is a slice of the same list
                docnum, score = item
                return (-_rounded(score), -int(day[docnum]), docnum)

            depth = max(limit, RERANK_DEPTH)
            found = self._scored(main, flt, searcher, evaluator)
            if found is not None:
                every = found.ids
                top = _top(found, day, depth)
            else:  # out of time: what Whoosh's own matchers find in a short grace period
                scores, every = self._scored_by_whoosh(main, flt, searcher, depth)
                top = sorted(scores.items(), key=order)
            # positional boosts for the same RERANK_DEPTH best matches whatever page is asked for
            # (boosts only add, so the boosted block still ranks above the rest)
            head = dict(top[:RERANK_DEPTH])
            for docnum, extra in self._rerank(parsed, head, searcher, evaluator).items():
                head[docnum] += extra
            ranked = sorted(head.items(), key=order) + top[RERANK_DEPTH:]
            return [d for d, _s in ranked[:limit]], every
        every = self._docs(main, flt, searcher, evaluator)
        return self.table(searcher).in_order(every, sort, limit), every

    def _scored(self, main: wq.Query, flt: wq.Query | None, searcher: Searcher,
                evaluator: VectorEvaluator | None = None) -> Hits | None:
        """Every match with its score (:mod:`search_app.vector`); None when the time limit
        ran out."""
        evaluator = evaluator or self.evaluator(searcher)
        try:
            found = evaluator.hits(main)
            if flt is not None and len(found):
                allowed = evaluator.ids(flt)
                keep = positions_in(found.ids, allowed, evaluator.size)
                found = Hits(found.ids[keep], found.scores[keep])
            return found
        except OutOfTime:
            self._timed_out.flag = True
            return None

    def _scored_by_whoosh(self, main: wq.Query, flt: wq.Query | None, searcher: Searcher,
                          depth: int) -> tuple[dict[int, float], np.ndarray]:
        """The top ``depth`` scores and the matches Whoosh's collector reaches within a
        third of the time limit (the answer is then marked incomplete)."""
        # the filter joins the query with a constant score of 0, so it restricts without ranking
        query = main if flt is None else wq.And([main, wq.ConstantScoreQuery(flt, 0.0)])
        top = _TopAndAll(depth)
        timed = collectors.TimeLimitCollector(top, self.time_limit / 3, use_alarm=False)
        try:
            searcher.search_with_collector(query, timed)
        except collectors.TimeLimit:
            self._timed_out.flag = True
        return {h.docnum: h.score for h in timed.results()}, np.array(sorted(set(top.every)), dtype=np.int64)

    def _rerank(self, parsed: ParsedQuery, scores: dict[int, float], searcher: Searcher,
                evaluator: VectorEvaluator | None = None) -> dict[int, float]:
        """Positional boosts (headline/lead, adjacency) for the candidates only: each query
        is evaluated among the candidates, so only their stored text is checked."""
        extras: dict[int, float] = {}
        candidates = np.array(sorted(scores), dtype=np.int64)
        evaluator = evaluator or self.evaluator(searcher)
        for query in rerank_queries(parsed):
            weight, query.boost = query.boost, 1.0
            try:
                found = evaluator.hits(query, candidates)
            except OutOfTime:  # the boosts so far; the answer says it is incomplete
                self._timed_out.flag = True
                break
            for docnum, score in zip(found.ids.tolist(), found.scores.tolist(), strict=True):
                extras[docnum] = extras.get(docnum, 0.0) + weight * score
        return extras

    def _search(self, params: SearchParams, parsed: ParsedQuery, searcher: Searcher, started: float,
                with_facets: bool) -> dict[str, Any]:
        main = to_whoosh(parsed, self.hints())
        table = self.table(searcher)
        self._timed_out.flag = False
        start = (params.page - 1) * params.per_page
        evaluator = self.evaluator(searcher)
        ranked, matched = self.ranked_docnums(params, parsed, searcher, start + params.per_page, evaluator)
        page_docs = ranked[start:]
        total = len(matched)
        strings = parsed.highlight_strings()
        results = self._results(page_docs, strings, searcher, started + self.time_limit)
        data: dict[str, Any] = {
            "q": params.q,
            "total": total,
            "page": params.page,
            "per_page": params.per_page,
            "pages": max(1, -(-total // params.per_page)),
            "sort": params.sort,
            "tokens": parsed.tokens(),
            "results": results,
        }
        if with_facets:
            data["facets"] = self._facets(main, matched, params, searcher, table, evaluator)
            data["histogram"] = month_histogram(table.count(matched, "month"))
            data["suggestions"] = self._suggest(params, parsed, searcher) if total == 0 else []
        data["incomplete"] = self.timed_out  # the time limit cut the search: counts may be low
        data["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return data

    def export(self, params: SearchParams, searcher: Searcher) -> tuple[list[dict[str, Any]], bool]:
        """Every match (up to :data:`EXPORT_LIMIT`) as full articles, in the requested order;
        the flag says whether the list was cut."""
        parsed = parse_query(params.q)
        docnums, _every = self.ranked_docnums(params, parsed, searcher, EXPORT_LIMIT + 1)
        docs = [json.loads(searcher.stored_fields(n)["doc"]) for n in docnums[:EXPORT_LIMIT]]
        return docs, len(docnums) > EXPORT_LIMIT

    def _count(self, params: SearchParams, searcher: Searcher) -> int:
        try:
            parsed = parse_query(params.q)
        except QueryError:
            return 0
        return len(self._docs(to_whoosh(parsed, self.hints()), self.filter_query(params), searcher))

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
            offer(f"去掉筛选条件，检索“{params.q}”", params.without_filters())
        terms = [t for g in parsed.groups for t in g]
        for t in terms:
            for name in near_names(t.text, self._register):
                offer(f"您是否要找：{name}", replace(params, q=params.q.replace(t.text, name)))
        if len(terms) > 1:
            for t in terms:
                offer(f"只检索“{t.text}”", replace(params, q=t.text))
        return out

    def _results(self, docnums: list[int], strings: list[str], searcher: Searcher,
                 deadline: float) -> list[dict[str, Any]]:
        """The shown hits with their snippets; highlighting counts against the query's time
        budget: past it the remaining hits are shown unmarked and the answer is incomplete."""
        out = []
        for n in docnums:
            late = time.perf_counter() > deadline
            if late:
                self._timed_out.flag = True
            out.append(self._result(json.loads(searcher.stored_fields(n)["doc"]), [] if late else strings))
        return out

    def _result(self, doc: dict, strings: list[str]) -> dict[str, Any]:
        title = doc.get("title") or (doc.get("subtitles") or [None])[0] or _first_words(doc["body"])
        return {
            "id": doc["id"],
            "title": title,
            "title_html": highlight_all(title, strings),
            "subtitles_html": [highlight_all(s, strings) for s in doc.get("subtitles", []) if s != title],
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

    def _facets(self, main: wq.Query, matched: np.ndarray, params: SearchParams, searcher: Searcher,
                table: FacetTable, evaluator: VectorEvaluator | None = None) -> dict[str, list[dict]]:
        selected = {"region": params.regions, "leader": params.leaders, "paper": params.papers, "year": params.years}
        out: dict[str, list[dict]] = {}
        # a facet with selected values is counted without its own filter (OR within a facet):
        # the matches of the words alone, intersected with each of the other filters
        unfiltered = matched[:0]
        filter_sets: dict[str, np.ndarray] = {}
        if any(selected[name] for name in FACET_NAMES):
            unfiltered = table.live_ids() if isinstance(main, wq.Every) else self._docs(main, None, searcher, evaluator)
            chosen = {name for name in FACET_NAMES if selected[name]}
            filter_sets = {k: self._docs(wq.Every(), q, searcher, evaluator)
                           for k, q in self.filter_parts(params).items() if chosen - {k}}
        for name in FACET_NAMES:
            docs = matched
            if selected[name]:
                docs = unfiltered
                for k, v in filter_sets.items():
                    if k != name:
                        docs = docs[positions_in(docs, v, table.size)]
            counts = table.count(docs, name)
            items = sorted(counts.items(), reverse=True) if name == "year" else counts.most_common()
            values = [{"value": v, "count": c, "selected": v in selected[name]} for v, c in items[:FACET_SIZE]]
            shown = {v["value"] for v in values}
            values += [{"value": v, "count": counts.get(v, 0), "selected": True}
                       for v in selected[name] if v not in shown]
            for v in values:
                if name == "paper":
                    v["label"] = table.paper_names.get(v["value"], v["value"])
                elif name == "region":
                    parent = self.gazetteer.parent(v["value"])
                    if parent:
                        v["parent"] = parent
            out[name] = values
        return out

    # --- articles ---------------------------------------------------------------------------

    def article(self, article_id: str, searcher: Searcher | None = None) -> dict[str, Any] | None:
        own = searcher is None
        searcher = searcher or self.borrow()
        try:
            stored = searcher.document(id=article_id)
            return json.loads(stored["doc"]) if stored else None
        finally:
            if own:
                self.give_back(searcher)

    def page_articles(self, paper: str, date: str, page: int, searcher: Searcher) -> list[dict[str, Any]]:
        """The articles of one printed page, in page order."""
        key = f"{paper}/{date}/{page:02d}"
        docs = [json.loads(f["doc"]) for f in searcher.documents(page_key=key)]
        return sorted(docs, key=lambda d: d["seq"])

    def issue_articles(self, paper: str, date: str, searcher: Searcher) -> list[dict[str, Any]]:
        """Every article of one issue, by page and position."""
        query = wq.And([wq.Term("paper", paper), wq.Term("date", date)])
        docs = [json.loads(searcher.stored_fields(n)["doc"]) for n in searcher.docs_for_query(query)]
        return sorted(docs, key=lambda d: (d["page"], d["seq"]))

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

    def more_like(self, doc: dict[str, Any], searcher: Searcher, top: int = 5, numterms: int = 15) -> list[dict[str, Any]]:
        """Articles sharing the most distinctive words of this one: tf-idf over the words the
        article shares with others (words found in no other article cannot connect it)."""
        text = " ".join([doc.get("title") or "", *doc.get("subtitles", []), doc["body"]])
        analyzer = searcher.schema["body"].analyzer
        tf = Counter(t.text for t in analyzer(text) if len(t.text) > 1)
        n = max(searcher.doc_count(), 1)
        scored = []
        for word, freq in tf.items():
            df = searcher.doc_frequency("body", word)
            if 2 <= df <= max(2, n // 3):
                scored.append((freq * math.log(n / df), word))
        terms = [wq.Term("body", w, boost=score) for score, w in sorted(scored, reverse=True)[:numterms]]
        if not terms:
            return []
        hits = searcher.search(wq.AndNot(wq.Or(terms), wq.Term("id", doc["id"])), limit=top)
        return [json.loads(h["doc"]) for h in hits]

    def issue_neighbours(self, doc: dict[str, Any], searcher: Searcher) -> dict[str, Any]:
        """Previous/next page of the same issue and the issue's page numbers."""
        pages = self.table(searcher).issue_pages(doc["paper"], doc["date"])
        i = pages.index(doc["page"]) if doc["page"] in pages else -1
        return {
            "pages": pages,
            "prev": pages[i - 1] if i > 0 else None,
            "next": pages[i + 1] if 0 <= i < len(pages) - 1 else None,
        }

    # --- browsing and entity pages --------------------------------------------------------

    def papers(self, searcher: Searcher) -> list[dict[str, Any]]:
        """Papers with their issues grouped by year (newest first)."""
        table = self.table(searcher)
        issues = table.issues()
        out = []
        for slug in sorted(issues, key=lambda s: table.paper_names.get(s, s)):
            dates, articles = issues[slug]
            by_year: dict[str, list[str]] = {}
            for date in sorted(dates, reverse=True):
                by_year.setdefault(date[:4], []).append(date)
            out.append({"slug": slug, "name": table.paper_names.get(slug, slug), "articles": articles,
                        "issues": len(dates), "years": by_year})
        return out

    def entity_stats(self, field_name: str, value: str, searcher: Searcher, latest: int = 10) -> dict[str, Any]:
        """Timeline, co-occurring officials and regions, and latest articles of an official
        (``leaders``) or a region (``region_path``)."""
        table = self.table(searcher)
        docs = self.evaluator(searcher).ids(wq.Term(field_name, value))
        officials = table.count(docs, "leader")
        regions = table.count(docs, "region")
        if field_name == "leaders":
            officials.pop(value, None)
        else:
            regions.pop(value, None)
        newest = table.in_order(docs, "newest", latest)
        return {
            "total": len(docs),
            "timeline": month_histogram(table.count(docs, "month")),
            "officials": officials.most_common(15),
            "regions": regions.most_common(15),
            "latest": [json.loads(searcher.stored_fields(n)["doc"]) for n in newest],
        }


def near_names(term: str, names: dict[str, Any], limit: int = 3) -> list[str]:
    """Register names one character away from ``term`` (a mistyped or mis-OCRed name)."""
    if not 2 <= len(term) <= 4 or term in names:
        return []
    near = [n for n in names if len(n) == len(term) and sum(a != b for a, b in zip(n, term, strict=True)) == 1]
    return sorted(near, key=lambda n: (-names[n]["articles"], n))[:limit]


def _rounded(score: float) -> float:
    """A score as the ranking compares it (six decimals: sums in another order are equal)."""
    return float(np.round(score, 6))


def _top(found: Hits, day: np.ndarray, depth: int) -> list[tuple[int, float]]:
    """The first ``depth`` matches by rounded score, then newer issue, then document number
    (the engine's total order), with their scores: a partition finds the threshold score,
    only the matches at or above it are sorted."""
    rounded = np.round(found.scores, 6)
    if len(rounded) > depth:
        threshold = -np.partition(-rounded, depth - 1)[depth - 1]
        chosen = np.flatnonzero(rounded >= threshold)
    else:
        chosen = np.arange(len(rounded))
    ids = found.ids[chosen]
    order = np.lexsort((ids, -day[ids].astype(np.int64), -rounded[chosen]))[:depth]
    return list(zip(ids[order].tolist(), found.scores[chosen][order].tolist(), strict=True))


def _first_words(body: str, n: int = 30) -> str:
    first = body.split("\n", 1)[0]
    return first[:n] + ("…" if len(first) > n else "")
