"""Search over the article index: filters, facets, ranking, snippets, browsing.

This module knows nothing about HTTP; the Flask views and ``jinbao eval`` call it.
One :class:`Engine` per process; its :class:`~search_app.handle.IndexHandle` opens the
index, configures jieba with the dictionary the index was built with and lends each
request a searcher from a small pool that shows the latest commit. A search runs as one
:class:`SearchRequest` (the query compiled once, one evaluator, one deadline).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections import Counter
from collections.abc import Sequence

import numpy as np
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from whoosh import collectors
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import segment
from indexer.gazetteer import Gazetteer
from indexer.texts import article_text, compact

from .cache import DEFAULT_SIZE as DEFAULT_CACHE_SIZE
from .cache import ResultCache
from .drilldown import click_regions, effective_regions
from .facets import FacetTable, month_histogram
from .handle import IndexHandle
from .partial import ENOUGH, LooseReading, is_function_word, loose_reading, word_tag
from .highlight import highlight_all, snippet
from . import standalone
from .abbreviations import GAP, Form
from .query import (
    ParsedQuery, QueryError, QueryHints, abbreviation_expansions, is_single_char, join_pinyin, parse_query, rerank_queries, to_whoosh,
)
from .reading import ReadingRoom
from .scoring import short_text_prior
from .vector import Hits, OutOfTime, VectorEvaluator, positions_in

SORTS = ("relevance", "newest", "oldest", "added")
FACET_NAMES = ("region", "leader", "paper", "year")
FACET_SIZE = 50
FACET_FIELD = {"region": "region_path", "leader": "leaders", "paper": "paper"}
"""The keyword field each facet filters on (years filter on ``date``)."""
EXPORT_LIMIT = 10_000
RERANK_DEPTH = 50
"""Candidates whose positional boosts (lead, adjacency) are computed."""
QUERY_TIME_LIMIT = 3.0
"""Seconds a query may spend matching; past it the results are marked incomplete."""


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


@dataclass
class PartialMatches:
    """The articles that hold part of the query (not all of it), in their listed order, and
    what each string of the loose reading matched (to say what an article lacks)."""

    reading: LooseReading
    ids: np.ndarray
    found: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class SearchRequest:
    """One search as it runs: what was asked, the query compiled once, the searcher and
    evaluator it uses, its deadline, and whether the deadline cut it (``incomplete``)."""

    params: SearchParams
    parsed: ParsedQuery
    main: wq.Query
    hints: QueryHints  # what the query builder knows, from this request's searcher
    flt: wq.Query | None
    searcher: Searcher
    evaluator: VectorEvaluator
    table: FacetTable
    deadline: float
    time_limit: float
    timed_out: bool = False


class Engine:
    """Searches over one index directory: filters, evaluation, ranking, facets, export.

    The index itself (generation, searcher pool, dictionary, register, every per-generation
    cache) is :attr:`index` (:class:`~search_app.handle.IndexHandle`); article, page, issue
    and entity pages are :attr:`reading` (:class:`~search_app.reading.ReadingRoom`). Both
    are reachable through the engine's methods of the same names, which the views use."""

    def __init__(self, index_dir: Path, gazetteer: Gazetteer | None = None,
                 query_cache: int = DEFAULT_CACHE_SIZE) -> None:
        self.index = IndexHandle(index_dir, gazetteer)
        self.reading = ReadingRoom(self.index)
        self.results = ResultCache(query_cache)
        self.time_limit = QUERY_TIME_LIMIT

    # --- the index handle and the reading room, as the views and scripts call them -----------

    index_dir = property(lambda self: self.index.index_dir)
    ix = property(lambda self: self.index.ix)
    active = property(lambda self: self.index.active)
    gazetteer = property(lambda self: self.index.gazetteer)
    lengths = property(lambda self: self.index.lengths)
    postings = property(lambda self: self.index.postings)
    paper_names = property(lambda self: self.index.paper_names)
    _idle = property(lambda self: self.index._idle)

    def borrow(self) -> Searcher:
        return self.index.borrow()

    def give_back(self, s: Searcher) -> None:
        self.index.give_back(s)

    def searcher(self) -> Searcher:
        return self.index.searcher()

    def close(self) -> None:
        self.index.close()

    def refresh_dictionary(self) -> None:
        self.index.refresh_dictionary()

    def official(self, name: str) -> dict | None:
        return self.index.official(name)

    def officials(self) -> list[dict]:
        return self.index.officials()

    def table(self, searcher: Searcher) -> FacetTable:
        return self.index.table(searcher)

    def hints(self, searcher: Searcher | None = None) -> QueryHints:
        return self.index.hints(searcher)

    def evaluator(self, searcher: Searcher) -> VectorEvaluator:
        """An evaluator for one request, with the engine's time limit starting now."""
        return self.index.evaluator(searcher, self.time_limit)

    def article(self, article_id: str, searcher: Searcher | None = None) -> dict[str, Any] | None:
        return self.reading.article(article_id, searcher)

    def successor(self, article_id: str, searcher: Searcher) -> str | None:
        return self.reading.successor(article_id, searcher)

    def earlier_text_moved(self, article_id: str, searcher: Searcher) -> str | None:
        return self.reading.earlier_text_moved(article_id, searcher)

    def page_articles(self, paper: str, date: str, page: int, searcher: Searcher) -> list[dict[str, Any]]:
        return self.reading.page_articles(paper, date, page, searcher)

    def issue_articles(self, paper: str, date: str, searcher: Searcher) -> list[dict[str, Any]]:
        return self.reading.issue_articles(paper, date, searcher)

    def continuations(self, doc: dict[str, Any], searcher: Searcher) -> dict[str, dict | None]:
        return self.reading.continuations(doc, searcher)

    def more_like(self, doc: dict[str, Any], searcher: Searcher, top: int = 5, numterms: int = 15) -> list[dict]:
        return self.reading.more_like(doc, searcher, top, numterms)

    def issue_neighbours(self, doc: dict[str, Any], searcher: Searcher) -> dict[str, Any]:
        return self.reading.issue_neighbours(doc, searcher)

    def papers(self, searcher: Searcher) -> list[dict[str, Any]]:
        return self.reading.papers(searcher)

    def entity_stats(self, field_name: str, value: str, searcher: Searcher, latest: int = 10) -> dict[str, Any]:
        return self.reading.entity_stats(field_name, value, searcher, latest)

    # --- filters ----------------------------------------------------------------------------

    def filter_parts(self, params: SearchParams) -> dict[str, wq.Query]:
        """One query per active filter, keyed by facet name (``dates`` for a from/to range);
        of the chosen regions only the effective ones filter (:mod:`search_app.drilldown`)."""
        parts: dict[str, wq.Query] = {}
        for facet, values in self.selection(params).items():
            if values:
                parts[facet] = self.facet_filter(facet, values)
        if params.date_from or params.date_to:
            parts["dates"] = wq.TermRange(
                "date",
                params.date_from.isoformat() if params.date_from else None,
                params.date_to.isoformat() if params.date_to else None,
            )
        return parts

    def selection(self, params: SearchParams) -> dict[str, list[str]]:
        """Each facet's values that filter (regions: the effective ones, not their crumbs)."""
        return {"region": effective_regions(params.regions, self.gazetteer.parent), "leader": params.leaders,
                "paper": params.papers, "year": params.years}

    @staticmethod
    def facet_filter(facet: str, values: list[str] | frozenset[str]) -> wq.Query:
        """Articles with any of ``values`` of one facet (values of a facet combine with OR)."""
        values = sorted(values)
        if facet == "year":
            parts: list[wq.Query] = [wq.TermRange("date", f"{y}-01-01", f"{y}-12-31") for y in values]
        else:
            parts = [wq.Term(FACET_FIELD[facet], v) for v in values]
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def filter_query(self, params: SearchParams, skip: str | None = None) -> wq.Query | None:
        """The filters as one query; ``skip`` leaves out one facet's own filter (so its
        other values can still be counted and added: values of one facet combine with OR)."""
        parts = [q for facet, q in self.filter_parts(params).items() if facet != skip]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def request(self, params: SearchParams, searcher: Searcher, parsed: ParsedQuery | None = None) -> SearchRequest:
        """A search ready to run: the query compiled once (with what it needs from the
        dictionary and the lexicon, before the deadline starts), its evaluator, its deadline."""
        hints = self.hints(searcher)
        parsed = join_pinyin(parsed if parsed is not None else parse_query(params.q), hints)
        main = to_whoosh(parsed, hints)
        evaluator = self.evaluator(searcher)
        return SearchRequest(params=params, parsed=parsed, main=main, hints=hints,
                             flt=self.filter_query(params), searcher=searcher, evaluator=evaluator,
                             table=self.table(searcher), deadline=time.perf_counter() + self.time_limit,
                             time_limit=self.time_limit)

    def _docs(self, req: SearchRequest, main: wq.Query, flt: wq.Query | None) -> np.ndarray:
        """Every matching document number (ascending), within the time limit."""
        # without words the filters alone are the query (every posting skips deleted documents)
        query = main if flt is None else flt if isinstance(main, wq.Every) else wq.And([main, flt])
        try:
            return req.evaluator.ids(query)
        except OutOfTime:
            req.timed_out = True
        # out of time: what Whoosh's collector finds in a short grace period
        collector = collectors.TimeLimitCollector(collectors.UnsortedCollector(), req.time_limit / 3,
                                                  use_alarm=False)
        try:
            req.searcher.search_with_collector(query, collector)
        except collectors.TimeLimit:
            pass
        return np.array(sorted(collector.results().docs()), dtype=np.int64)

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
            key = (str(self.active), searcher.reader().generation(), self.index._meta_key, repr(params), facets)
            data = self.results.get(key)
            if data is None:
                data = self._search(self.request(params, searcher, parsed), started, facets)
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
                       limit: int) -> tuple[list[int], np.ndarray]:
        """Document numbers of the first ``limit`` matches in the requested order, and all
        matches (ascending)."""
        return self._ranked(self.request(params, searcher, parsed), limit)

    def _ranked(self, req: SearchRequest, limit: int) -> tuple[list[int], np.ndarray]:
        sort = req.params.sort
        if sort == "relevance" and req.parsed.empty:
            sort = "newest"  # nothing to rank by: list the latest first
        if sort != "relevance":
            every = self._docs(req, req.main, req.flt)
            return req.table.in_order(every, sort, limit), every
        day = req.table.day

        def order(item: tuple[int, float]) -> tuple:
            # higher score first, equal scores newer first, then the index order: one total
            # order, so that every page of a result list is a slice of the same list
            docnum, score = item
            return (-_rounded(score), -int(day[docnum]), docnum)

        depth = max(limit, RERANK_DEPTH)
        found = self._scored(req)
        if found is not None and len(found):
            found = self._short_prior(req, found)
            char = _single_char(req.parsed)
            if char is not None:
                found = self._word_uses_first(req, found, char)
        if found is not None:
            every = found.ids
            top = _top(found, day, depth)
        else:  # out of time: what Whoosh's own matchers find in a short grace period
            scores, every = self._scored_by_whoosh(req, depth)
            top = sorted(scores.items(), key=order)
        # positional boosts for the same RERANK_DEPTH best matches whatever page is asked for
        # (boosts only add, so the boosted block still ranks above the rest)
        head = dict(top[:RERANK_DEPTH])
        for docnum, extra in self._rerank(req, head).items():
            head[docnum] += extra
        ranked = sorted(head.items(), key=order) + top[RERANK_DEPTH:]
        return [d for d, _s in ranked[:limit]], every

    def _scored(self, req: SearchRequest) -> Hits | None:
        """Every match with its score (:mod:`search_app.vector`); None when the time limit
        ran out."""
        try:
            found = req.evaluator.hits(req.main)
            if req.flt is not None and len(found):
                allowed = req.evaluator.ids(req.flt)
                keep = positions_in(found.ids, allowed, req.evaluator.size)
                found = Hits(found.ids[keep], found.scores[keep])
            return found
        except OutOfTime:
            req.timed_out = True
            return None

    @staticmethod
    def _short_prior(req: SearchRequest, found: Hits) -> Hits:
        """Scores times :func:`~search_app.scoring.short_text_prior` of each match's body."""
        ev = req.evaluator
        if ev.lengths is None:
            return found
        scores = found.scores.copy()
        for leaf, offset in ev.leaves:
            lengths = ev.lengths(leaf.reader(), "body")
            if lengths is None:
                continue
            lo, hi = np.searchsorted(found.ids, [offset, offset + len(lengths)])
            if hi > lo:
                scores[lo:hi] *= short_text_prior(lengths[found.ids[lo:hi] - offset])
        return Hits(found.ids, scores)

    def _word_uses_first(self, req: SearchRequest, found: Hits, char: str) -> Hits:
        """A one-character query: the articles where the character stands as a word rank
        first (:mod:`search_app.standalone`; the newest :data:`~search_app.standalone.CHECKED`
        matches are read)."""
        tokenizer = segment.current().jieba
        freq = tokenizer.FREQ
        known: dict[str, bool] = {}  # the same few windows (晋中, 晋中市) recur in every text

        def is_word(w: str) -> bool:
            found = known.get(w)
            if found is None:
                found = known[w] = (freq.get(w) or 0) > 0
            return found

        def next_word(text: str, i: int) -> str:
            words = tokenizer.lcut(text[i:i + standalone.LONGEST_WORD], HMM=False)
            return words[0] if words else ""

        def prev_word(text: str, i: int) -> str:
            words = tokenizer.lcut(text[max(0, i - standalone.LONGEST_WORD):i], HMM=False)
            return words[-1] if words else ""

        function_use = standalone.function_sense(prev_word, next_word, word_tag) if is_function_word(char) else None

        day = req.table.day
        checked = np.sort(np.argsort(-day[found.ids].astype(np.int64), kind="stable")[:standalone.CHECKED])
        leaves = req.evaluator.leaves
        offsets = np.array([offset for _leaf, offset in leaves], dtype=np.int64)
        texts = self.index.texts
        uses = np.zeros(len(checked), dtype=np.int64)
        for i, docnum in enumerate(found.ids[checked].tolist()):
            leaf, offset = leaves[int(np.searchsorted(offsets, docnum, side="right")) - 1]
            uses[i] = standalone.word_uses(texts.get(leaf, docnum - offset, "all"), char, is_word, function_use)
        scores = found.scores.copy()
        scores[checked] += standalone.boosts(uses)
        return Hits(found.ids, scores)

    def _scored_by_whoosh(self, req: SearchRequest, depth: int) -> tuple[dict[int, float], np.ndarray]:
        """The top ``depth`` scores and the matches Whoosh's collector reaches within a
        third of the time limit (the answer is then marked incomplete)."""
        # the filter joins the query with a constant score of 0, so it restricts without ranking
        query = req.main if req.flt is None else wq.And([req.main, wq.ConstantScoreQuery(req.flt, 0.0)])
        top = _TopAndAll(depth)
        timed = collectors.TimeLimitCollector(top, req.time_limit / 3, use_alarm=False)
        try:
            req.searcher.search_with_collector(query, timed)
        except collectors.TimeLimit:
            req.timed_out = True
        return {h.docnum: h.score for h in timed.results()}, np.array(sorted(set(top.every)), dtype=np.int64)

    def _rerank(self, req: SearchRequest, scores: dict[int, float]) -> dict[int, float]:
        """Positional boosts (headline/lead, adjacency) for the candidates only: each query
        is evaluated among the candidates, so only their stored text is checked."""
        extras: dict[int, float] = {}
        candidates = np.array(sorted(scores), dtype=np.int64)
        for query in rerank_queries(req.parsed, req.hints):
            weight, query.boost = query.boost, 1.0
            try:
                found = req.evaluator.hits(query, candidates)
            except OutOfTime:  # the boosts so far; the answer says it is incomplete
                req.timed_out = True
                break
            for docnum, score in zip(found.ids.tolist(), found.scores.tolist(), strict=True):
                extras[docnum] = extras.get(docnum, 0.0) + weight * score
        return extras

    def _partial(self, req: SearchRequest, strict: np.ndarray) -> PartialMatches | None:
        """The articles holding most of the query's words (:mod:`search_app.partial`) that
        the strict reading did not find, when it found fewer than :data:`ENOUGH`; listed by
        how much of the query they hold, then by score (or in the requested order)."""
        if len(strict) >= ENOUGH:
            return None
        # read only when needed: the first reading loads jieba's word tags (~0.4 s), which
        # is not the search's time: the deadline moves by it
        began = time.perf_counter()
        reading = loose_reading(req.parsed)
        spent = time.perf_counter() - began
        req.deadline += spent
        if req.evaluator.deadline is not None:
            req.evaluator.deadline += spent
        if reading is None:
            return None
        ev, hints, table = req.evaluator, req.hints, req.table
        try:
            found = {s: ev.ids(q) for s, q in reading.queries(hints).items()}
            coverage = reading.coverage(found, ev.size)
            ids = np.flatnonzero(coverage >= reading.needed - 1e-9)
            if len(strict) and len(ids):
                ids = ids[~positions_in(ids, strict, ev.size)]
            for q in (reading.required_query(hints), req.flt):
                if q is not None and len(ids):
                    ids = ev.ids(q, ids)
            excluded = reading.excluded_query(hints)
            if excluded is not None and len(ids):
                negative = ev.ids(excluded, ids)
                if len(negative):
                    ids = ids[~positions_in(ids, negative, ev.size)]
            if req.params.sort != "relevance":
                return PartialMatches(reading, np.asarray(table.in_order(ids, req.params.sort, len(ids)),
                                                          dtype=np.int64), found)
            scored = ev.hits(reading.scoring_query(), ids)
        except OutOfTime:
            req.timed_out = True
            return None
        scores = np.zeros(len(ids))
        if len(scored):
            scores[np.searchsorted(ids, scored.ids)] = scored.scores
        order = np.lexsort((ids, -table.day[ids].astype(np.int64), -np.round(scores, 6), -coverage[ids]))
        return PartialMatches(reading, ids[order], found)

    def expansions(self, parsed: ParsedQuery, searcher: Searcher | None = None,
                   hints: QueryHints | None = None) -> list[dict[str, Any]]:
        """Every place name a query term also searches, said to the reader (nothing matches
        silently): a former name's current name (今名), a short name's full name (全称), a
        current name's former names (旧称: articles printing them are tagged with it), and the
        articles tagged with the division (地区标注: they may say only 我市/我区 in their own
        paper, a short or a former name)."""
        out: list[dict[str, Any]] = []
        hints = hints or self.hints(searcher)
        for group in parsed.groups:
            for term in group:
                if term.exact:
                    continue
                names = hints.pinyin(term.text)
                if names:
                    out.append({"typed": term.text, "also": names, "why": "拼音"})
                    continue
                for scope, forms in abbreviation_expansions(term, hints).items():
                    out.append({"typed": scope or term.text, "also": [e.form.text for e in forms],
                                "why": forms[0].why, "sources": [e.source for e in forms]})
                found = self.gazetteer.resolve_place(term.text)
                if found is None:
                    continue
                division, unambiguous = found
                if division.name != term.text:
                    why = "今名" if term.text in division.former_names else "全称"
                    out.append({"typed": term.text, "also": [division.name], "why": why})
                elif unambiguous and division.former_names:
                    out.append({"typed": term.text, "also": list(division.former_names), "why": "旧称"})
                if unambiguous and not term.title_only:  # (query.term_query: the region tag matches too)
                    out.append({"typed": term.text, "also": [division.name], "why": "地区标注"})
        return out

    def _search(self, req: SearchRequest, started: float, with_facets: bool) -> dict[str, Any]:
        params, parsed, table = req.params, req.parsed, req.table
        start = (params.page - 1) * params.per_page
        ranked, matched = self._ranked(req, start + params.per_page)
        total = len(matched)
        expansions = self.expansions(parsed, req.searcher, req.hints)
        strings = sorted({*parsed.highlight_strings(), *(n for e in expansions for n in e["also"] if GAP not in n)},
                         key=len, reverse=True)
        # a form with a gap (政协…市委员会) is marked where it matched, as the article prints it
        gapped = [Form(n).pattern() for e in expansions for n in e["also"] if GAP in n]
        results = self._results(req, ranked[start:], strings, gapped)
        partial = self._partial(req, matched)
        listed = total + (len(partial) if partial else 0)
        partial_results: list[dict[str, Any]] = []
        if partial and len(results) < params.per_page:
            first = max(0, start - total)
            loose = [int(n) for n in partial.ids[first:first + params.per_page - len(results)]]
            shown = sorted({*strings, *partial.reading.strings()}, key=len, reverse=True)
            for n, result in zip(loose, self._results(req, loose, shown, gapped), strict=True):
                result["missing"] = partial.reading.missing(n, partial.found)
                partial_results.append(result)
        data: dict[str, Any] = {
            "q": params.q,
            "total": total,
            "page": params.page,
            "per_page": params.per_page,
            "pages": max(1, -(-listed // params.per_page)),
            "sort": params.sort,
            "tokens": parsed.tokens(),
            "expansions": expansions,
            "results": results,
            # articles holding part of the query, listed after the strict matches (not in
            # ``total``, ``results``, the facets or the exports: those are articles with every word)
            "partial": None if not partial else {
                "total": len(partial), "words": partial.reading.words(),
                "needed": partial.reading.needed, "of": len(partial.reading.units), "results": partial_results},
        }
        if with_facets:
            data["facets"] = self._facets(req, matched)
            # each month also says how many articles the archive holds then (of the chosen
            # papers): 0 is "no issue held", not "no match"
            data["histogram"] = month_histogram(table.count(matched, "month"), table.held_months(params.papers))
            data["suggestions"] = self._suggest(req) if total == 0 else []
        data["incomplete"] = req.timed_out  # the time limit cut the search: counts may be low
        data["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return data

    def export(self, params: SearchParams, searcher: Searcher) -> tuple[list[dict[str, Any]], bool]:
        """Every match (up to :data:`EXPORT_LIMIT`) as full articles, in the requested order;
        the flag says whether the list was cut."""
        docnums, _every = self._ranked(self.request(params, searcher), EXPORT_LIMIT + 1)
        docs = [json.loads(searcher.stored_fields(n)["doc"]) for n in docnums[:EXPORT_LIMIT]]
        return docs, len(docnums) > EXPORT_LIMIT

    def _count(self, params: SearchParams, searcher: Searcher) -> int:
        try:
            req = self.request(params, searcher)
        except QueryError:
            return 0
        return len(self._docs(req, req.main, req.flt))

    def _suggest(self, req: SearchRequest) -> list[dict[str, Any]]:
        """What to try when nothing matched: without the filters, a near name from the
        officials register, fewer words. Each suggestion is counted before it is offered."""
        params, parsed, searcher = req.params, req.parsed, req.searcher
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
            for name in near_names(t.text, self.index._register):
                offer(f"您是否要找：{name}", replace(params, q=params.q.replace(t.text, name)))
        if len(terms) > 1:
            for t in terms:
                offer(f"只检索“{t.text}”", replace(params, q=t.text))
        return out

    def _results(self, req: SearchRequest, docnums: list[int], strings: list[str],
                 patterns: Sequence[re.Pattern[str]] = ()) -> list[dict[str, Any]]:
        """The shown hits with their snippets; highlighting counts against the query's time
        budget: past it the remaining hits are shown unmarked and the answer is incomplete.
        ``patterns`` (forms with a gap) add what they match in each hit's text to its strings."""
        out = []
        for n in docnums:
            late = time.perf_counter() > req.deadline
            if late:
                req.timed_out = True
            doc = json.loads(req.searcher.stored_fields(n)["doc"])
            marked = strings
            if patterns and not late:
                text = compact(article_text(doc, "all"))
                found = {m.group(0) for p in patterns for m in p.finditer(text)}
                marked = sorted({*strings, *found}, key=len, reverse=True) if found else strings
            out.append(self._result(doc, [] if late else marked))
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
            "added": doc.get("added"),
            "snippet": snippet(doc["body"], strings),
            "url": f"/article/{doc['id']}",
        }

    def _facets(self, req: SearchRequest, matched: np.ndarray) -> dict[str, list[dict]]:
        """Each facet's values with their counts and, for each, ``total_after``: the total
        the click on it returns (``adds``: how many it adds to the current total where
        it is an OR of one more value), so that a reader can quote what the page shows."""
        params, table, main = req.params, req.table, req.main
        chosen_lists = {"region": params.regions, "leader": params.leaders, "paper": params.papers,
                        "year": params.years}
        selection = self.selection(params)
        out: dict[str, list[dict]] = {}
        # a facet with selected values is counted without its own filter (OR within a facet):
        # the matches of the words alone, intersected with each of the other filters
        unfiltered = matched[:0]
        filter_sets: dict[str, np.ndarray] = {}
        if any(selection[name] for name in FACET_NAMES):
            unfiltered = table.live_ids() if isinstance(main, wq.Every) else self._docs(req, main, None)
            chosen = {name for name in FACET_NAMES if selection[name]}
            filter_sets = {k: self._docs(req, wq.Every(), q)
                           for k, q in self.filter_parts(params).items() if chosen - {k}}
        for name in FACET_NAMES:
            docs = matched
            if selection[name]:
                docs = unfiltered
                for k, v in filter_sets.items():
                    if k != name:
                        docs = docs[positions_in(docs, v, table.size)]
            counts = table.count(docs, name)
            # years newest first; other values by count, equal counts by value: the same order
            # whatever the segments' layout
            items = sorted(counts.items(), reverse=True) if name == "year" else \
                sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))
            picked = chosen_lists[name]
            values = [{"value": v, "count": c, "selected": v in picked} for v, c in items[:FACET_SIZE]]
            shown = {v["value"] for v in values}
            values += [{"value": v, "count": counts.get(v, 0), "selected": True} for v in picked if v not in shown]
            self._click_totals(req, name, values, docs, counts, selection[name], len(matched))
            for v in values:
                if name == "paper":
                    v["label"] = table.paper_names.get(v["value"], v["value"])
                elif name == "region":
                    parent = self.gazetteer.parent(v["value"])
                    if parent:
                        v["parent"] = parent
            out[name] = values
        return out

    def _click_totals(self, req: SearchRequest, name: str, values: list[dict], docs: np.ndarray,
                      counts: Counter, effective: list[str], total: int) -> None:
        """Set ``total_after`` (and ``adds``) on each value of one facet. ``docs``: the
        matches of the words and of the other facets' filters (``counts``: the facet counted
        over them); the click gives the filter :func:`click_filter` says, and its total is
        counted over ``docs``."""
        table = req.table
        known: dict[str, str | None] = {}

        def parent(region: str) -> str | None:  # (asked many times per value)
            if region not in known:
                known[region] = self.gazetteer.parent(region)
            return known[region]

        if not effective:  # no value chosen: the click filters by the value alone
            for v in values:
                v["total_after"], v["adds"] = v["count"], None
            return
        within: dict[frozenset[str], np.ndarray] = {}  # values -> mask over docs

        def having(keep: frozenset[str]) -> np.ndarray:
            if keep not in within:
                ids = self._docs(req, wq.Every(), self.facet_filter(name, keep))
                within[keep] = positions_in(docs, ids, table.size)
            return within[keep]

        rest_counts: dict[frozenset[str], Any] = {}
        for v in values:
            value = v["value"]
            after = self.click_filter(name, req.params, value, parent)
            if value in after and value not in effective:  # one more value: kept ones, plus this
                kept = after - {value}
                if kept not in rest_counts:  # the value's articles outside the kept ones
                    mask = having(kept) if kept else np.zeros(len(docs), dtype=bool)
                    rest_counts[kept] = (int(mask.sum()), counts - table.count(docs[mask], name))
                base, rest = rest_counts[kept]
                v["total_after"] = base + rest.get(value, 0)
                # an OR when every chosen value stays (a county under its city replaces the city)
                v["adds"] = v["total_after"] - total if kept == frozenset(effective) else None
            else:  # a removal or a broadening (one value left: its count over docs)
                v["total_after"] = len(docs) if not after else counts.get(next(iter(after)), 0) \
                    if len(after) == 1 else int(having(after).sum())
                v["adds"] = None

    def click_filter(self, name: str, params: SearchParams, value: str, parent=None) -> frozenset[str]:
        """The values of facet ``name`` that filter after a click on ``value``."""
        if name == "region":
            parent = parent or self.gazetteer.parent
            return frozenset(effective_regions(click_regions(params.regions, value, parent), parent))
        current = {"leader": params.leaders, "paper": params.papers, "year": params.years}[name]
        return frozenset(v for v in current if v != value) if value in current else frozenset([*current, value])


def _single_char(parsed: ParsedQuery) -> str | None:
    """The character of a query that is one character and nothing else (晋)."""
    if len(parsed.groups) == 1 and len(parsed.groups[0]) == 1 and not parsed.excluded:
        text = parsed.groups[0][0].text
        if is_single_char(text):
            return text
    return None


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
