"""The index as the web app holds it: one generation at a time, its searchers and caches.

:class:`IndexHandle` follows the index directory (a ``--full`` re-index switches
generations; an incremental one adds commits), keeps a small pool of searchers that still
show the latest commit, loads the dictionary and officials register the index was built
with, and owns every cache that belongs to one generation or its segments: the facet
columns (:class:`~search_app.facets.FacetTable`), decoded posting lists, field lengths and
the compact article texts exact strings are checked against. Nothing here is global: two
handles (two indexes, or a test's and the app's) share nothing.
"""

from __future__ import annotations

import threading
import time
import weakref
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import segment
from indexer.gazetteer import Gazetteer
from indexer.indexdir import (
    ALIASES_FILE, DAMAGE_ERRORS, JIEBA_BASE_DIR, META_FILE, IndexDamaged, active_dir, damage_message, load_aliases,
    open_index, read_userdict,
)
from indexer.register import REGISTER_FILE, load_register

from .abbreviations import AbbreviationTable
from .chargrams import CharGrams
from .pinyin import PinyinNames, pinyin_key
from .exact import TextCache
from .facets import FacetTable
from .postings import PostingCache
from .query import QueryHints
from .scoring import CachedLengthBM25F, SegmentLengths
from .vector import VectorEvaluator

IDLE_SEARCHERS = 4
"""Searchers kept open between requests (one per server thread is enough)."""


def _without_level(name: str) -> str | None:
    """尧都区 -> 尧都: the name readers type in pinyin without the level (yaodu)."""
    return name[:-1] if len(name) >= 3 and name[-1] in "市县区" else None


def _close_all(searchers: list[Searcher]) -> None:
    while searchers:
        searchers.pop().close()


class IndexHandle:
    """One index directory as searched: generation, searcher pool, dictionary, caches."""

    def __init__(self, index_dir: Path, gazetteer: Gazetteer | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.ix = open_index(self.index_dir, mmap=False)
        self.active = active_dir(self.index_dir)
        self._idle: list[Searcher] = []
        # the pooled searchers hold open files: close them when the handle goes away
        self._finalizer = weakref.finalize(self, _close_all, self._idle)
        self.lengths = SegmentLengths()
        self.postings = PostingCache()
        self.texts = TextCache(locate=lambda: self.active)
        self.abbreviations = AbbreviationTable.load()
        self.char_grams = CharGrams(locate=lambda: self.active)
        self._pinyin: tuple[object, PinyinNames] | None = None
        self.weighting = CachedLengthBM25F(self.lengths)
        self.gazetteer = gazetteer or Gazetteer.load()
        self._lock = threading.Lock()
        self._meta_key: tuple | None = None
        self._register: dict[str, dict] = {}
        self._table: FacetTable | None = None
        self._aliases: dict[str, str] = {}
        self._aliases_key: tuple | None = None
        self.refresh_dictionary()

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
            segment.ensure(read_userdict(self.active), base=self.index_dir / JIEBA_BASE_DIR)
            self._register = load_register(self.active)
            self._meta_key = key

    def pinyin(self) -> PinyinNames:
        """Officials of the register and Shanxi's places by pinyin (:mod:`search_app.pinyin`),
        built again when the register is."""
        self.refresh_dictionary()
        key = self._meta_key
        if self._pinyin is None or self._pinyin[0] != key:
            places = [(w, d.name) for d in self.gazetteer.divisions
                      if d.is_shanxi and d.level != "province" and not d.is_functional_zone
                      for w in (d.name, d.short_name, _without_level(d.name)) if w]
            self._pinyin = (key, PinyinNames([*((n, n) for n in self._register), *places]))
        return self._pinyin[1]

    def aliases(self) -> dict[str, str]:
        """Earlier article ids -> where their texts went (:mod:`indexer.aliases`), read again
        when a re-index rewrote them."""
        self._follow_generation()
        path = self.active / ALIASES_FILE if self.active is not None else None
        try:
            key = (path, path.stat().st_mtime_ns) if path is not None else None
        except OSError:
            key = (path, None)
        if key != self._aliases_key:
            with self._lock:
                self._aliases, self._aliases_key = load_aliases(self.active), key
        return self._aliases

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
        s.jinbao_texts = self.texts  # exact strings check the texts this handle caches
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

    def hints(self, searcher: Searcher | None = None) -> QueryHints:
        """Gazetteer, officials register, abbreviations and (from ``searcher``'s segments, or
        the latest ones) the terms holding a character, as seen by the query builder."""

        def place(term: str) -> tuple[str, bool] | None:
            found = self.gazetteer.resolve_place(term)
            return (found[0].name, found[1]) if found else None

        def is_place(prefix: str) -> bool:
            return self.gazetteer.resolve_place(prefix) is not None

        def char_terms(char: str, fieldname: str) -> list[str]:
            if searcher is not None:
                return self.char_grams.terms(searcher, char, fieldname)
            with self.searcher() as s:
                return self.char_grams.terms(s, char, fieldname)

        return QueryHints(place=place, official=lambda term: term in self._register,
                          abbreviations=lambda term: self.abbreviations.expand(term, is_place),
                          char_terms=char_terms,
                          # (the names' pinyin is built on the first Latin term, not on every query)
                          pinyin=lambda term: self.pinyin().names(term) if pinyin_key(term) else [])

    def evaluator(self, searcher: Searcher, time_limit: float | None = None) -> VectorEvaluator:
        """A vectorised evaluator for one request: it remembers the match sets it computed,
        shares the handle's decoded postings and texts, answers date ranges from the facet
        columns, and its time limit (if any) starts now."""
        table = self.table(searcher)

        def ranges(q: wq.TermRange) -> np.ndarray | None:
            if q.fieldname != "date":
                return None
            return table.dated_between(q.start, q.end, q.startexcl, q.endexcl)

        deadline = time.perf_counter() + time_limit if time_limit is not None else None
        return VectorEvaluator(searcher, self.postings, deadline=deadline, ranges=ranges,
                               lengths=self.lengths.array, texts=self.texts)
