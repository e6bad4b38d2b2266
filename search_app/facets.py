"""Facet counts, date ranges and issue order from a generation's columns, in numpy.

Whoosh's ``groupedby`` facets re-read column data on every query, and a Python loop over
the matches costs a microsecond per match and facet. Instead the per-segment columns the
indexer writes (:mod:`indexer.columns`) are mapped once per index generation and put
end to end, with each segment's value codes translated to one vocabulary per facet; a
count is then ``np.bincount`` over the matches' codes, a date range two comparisons over
an array, the newest or oldest matches a partition over one int64 key per document.
Every figure stays exact over all matches.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from whoosh.searching import Searcher

from indexer import columns as col
from indexer.columns import NO_DAY, SegmentColumns

_MULTI = ("region", "leader")
_DOC_BITS = 23
"""Document numbers below 2**23 (8 million) fit the packed order keys; beyond, sorting
falls back to a lexicographic sort (same order, slower)."""


def _as_array(docnums) -> np.ndarray:
    if isinstance(docnums, np.ndarray):
        return docnums.astype(np.int64, copy=False)
    if isinstance(docnums, set | frozenset):
        return np.fromiter(sorted(docnums), dtype=np.int64, count=len(docnums))
    return np.asarray(list(docnums), dtype=np.int64)


class FacetTable:
    """The columns of one index generation, every document number end to end.

    Built from per-segment columns cached by segment id: after a daily re-index only the
    new (or merged) segments are read, not the whole archive."""

    def __init__(self, searcher: Searcher, segment_cache: dict[str, SegmentColumns] | None = None,
                 paper_names: dict[str, str] | None = None, generation_dir: Path | None = None) -> None:
        reader = searcher.reader()
        self.generation = reader.generation()
        self.paper_names: dict[str, str] = dict(paper_names or {})
        self.segments: dict[str, SegmentColumns] = {}
        cache = segment_cache or {}
        vocab: dict[str, dict[str, int]] = {"paper": {}, "region": {}, "leader": {}}
        days, pages, seqs, paper_codes, live_parts, added_parts = [], [], [], [], [], []
        multi: dict[str, tuple[list, list]] = {"region": ([], []), "leader": ([], [])}
        base = {"region": 0, "leader": 0}
        for leaf, offset in reader.leaf_readers():
            n = leaf.doc_count_all()
            segment = leaf.segment() if hasattr(leaf, "segment") else None
            key = segment.segment_id() if segment is not None else f"anon-{offset}"
            cols = cache.get(key)
            if cols is None or len(cols) != n:
                cols = (col.load(generation_dir, key, n) if generation_dir is not None and segment is not None
                        else None) or col.compute(leaf)
            self.segments[key] = cols
            for slug, name in cols.paper_names.items():
                self.paper_names.setdefault(slug, name)
            days.append(np.asarray(cols.day))
            added_parts.append(np.asarray(cols.added) if cols.added is not None else np.zeros(n, dtype=np.int64))
            pages.append(np.asarray(cols.page))
            seqs.append(np.asarray(cols.seq))
            paper_codes.append(_translate(cols.paper, cols.papers, vocab["paper"]))
            for facet, ptr, val, values in (("region", cols.region_ptr, cols.region_val, cols.regions),
                                            ("leader", cols.leader_ptr, cols.leader_val, cols.leaders)):
                ptrs, vals = multi[facet]
                ptrs.append(np.asarray(ptr[:-1]) + base[facet])
                vals.append(_translate(val, values, vocab[facet]))
                base[facet] += int(ptr[-1])
            alive = np.ones(n, dtype=bool)
            if leaf.has_deletions():
                alive[np.fromiter(leaf.deleted_docs_set, dtype=np.int64)] = False
            live_parts.append(alive)
        self.size = sum(len(d) for d in days)
        self.day = _join(days, np.int32)
        self.added = _join(added_parts, np.int64)  # seconds since 1970; 0: indexed before this was kept
        self.page = _join(pages, np.int32)
        self.seq = _join(seqs, np.int32)
        self.paper = _join(paper_codes, np.int32)
        self.alive = _join(live_parts, bool)
        self.values: dict[str, list[str]] = {name: list(v) for name, v in vocab.items()}
        self.ptr: dict[str, np.ndarray] = {}
        self.val: dict[str, np.ndarray] = {}
        for facet in _MULTI:
            ptrs, vals = multi[facet]
            self.ptr[facet] = np.append(_join(ptrs, np.int64), np.int64(base[facet]))
            self.val[facet] = _join(vals, np.int32)
        self._owner: dict[str, np.ndarray] = {}
        self._codes: dict[str, tuple[np.ndarray, list[str]]] = {}
        self._keys: dict[str, np.ndarray] = {}
        self._live: np.ndarray | None = None
        self._held: dict[tuple[str, ...], Counter[str]] = {}

    # --- documents ------------------------------------------------------------------------

    def live_ids(self) -> np.ndarray:
        """Every live document number, ascending (what an empty query matches)."""
        if self._live is None:
            self._live = np.flatnonzero(self.alive)
        return self._live

    # --- counts ------------------------------------------------------------------------------

    def count(self, docnums: Iterable[int] | np.ndarray, facet: str) -> Counter[str]:
        """Counts of one facet's values over ``docnums``."""
        ids = _as_array(docnums)
        ids = ids[ids < self.size] if len(ids) and ids[-1] >= self.size else ids
        if facet in _MULTI:
            codes, labels = self._multi_codes(ids, facet), self.values[facet]
        elif facet in ("paper", "year", "month"):
            column, labels = self._single(facet)
            codes = column[ids]
            codes = codes[codes >= 0]
        else:
            raise ValueError(f"unknown facet {facet!r}")
        if not len(codes):
            return Counter()
        counts = np.bincount(codes, minlength=len(labels))
        found = np.flatnonzero(counts)
        return Counter(dict(zip((labels[i] for i in found.tolist()), counts[found].tolist(), strict=True)))

    def _multi_codes(self, ids: np.ndarray, facet: str) -> np.ndarray:
        ptr, val = self.ptr[facet], self.val[facet]
        if len(ids) * 8 < self.size:  # few documents: gather their ranges
            starts, stops = ptr[ids], ptr[ids + 1]
            lengths = stops - starts
            total = int(lengths.sum())
            if not total:
                return np.empty(0, dtype=np.int32)
            shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
            return val[shift + np.arange(total)]
        chosen = np.zeros(self.size, dtype=bool)
        chosen[ids] = True
        return val[chosen[self._owners(facet)]]

    def _owners(self, facet: str) -> np.ndarray:
        owner = self._owner.get(facet)
        if owner is None:
            ptr = self.ptr[facet]
            owner = self._owner[facet] = np.repeat(np.arange(self.size, dtype=np.int64), np.diff(ptr))
        return owner

    def _single(self, facet: str) -> tuple[np.ndarray, list[str]]:
        if facet == "paper":
            return self.paper, self.values["paper"]
        found = self._codes.get(facet)
        if found is None:
            dated = self.day != NO_DAY
            unit = "Y" if facet == "year" else "M"
            stamps = self.day.astype("datetime64[D]").astype(f"datetime64[{unit}]").astype(np.int64)
            low = int(stamps[dated].min()) if dated.any() else 0
            codes = np.where(dated, stamps - low, -1).astype(np.int32)
            top = int(codes.max()) + 1 if len(codes) else 0
            labels = [str(np.datetime64(low + i, unit)) for i in range(max(top, 0))]
            found = self._codes[facet] = (codes, labels)
        return found

    # --- dates and order ------------------------------------------------------------------------

    def dated_between(self, start: str | None, end: str | None, start_excl: bool = False,
                      end_excl: bool = False) -> np.ndarray | None:
        """Live documents whose issue date is in the range (ISO dates), ascending; None when
        a bound is not a date (the index answers then)."""
        lo = col.day_number(start) if start is not None else None
        hi = col.day_number(end) if end is not None else None
        if NO_DAY in (lo, hi):
            return None
        keep = self.alive & (self.day != NO_DAY)
        if lo is not None:
            keep &= (self.day > lo) if start_excl else (self.day >= lo)
        if hi is not None:
            keep &= (self.day < hi) if end_excl else (self.day <= hi)
        return np.flatnonzero(keep)

    def order_key(self, sort: str) -> np.ndarray:
        """One int64 per document whose ascending order is the issue order ``oldest``
        (date, page, position) or ``newest`` (date descending, then page 1 and the first
        article of a page first), ties by document number."""
        key = self._keys.get(sort)
        if key is None:
            if sort not in ("newest", "oldest"):
                raise ValueError(f"unknown order {sort!r}")
            day = np.where(self.day == NO_DAY, -(1 << 14), self.day).astype(np.int64)
            day = -day if sort == "newest" else day
            page = np.clip(self.page, 0, 1023).astype(np.int64)
            seq = np.clip(self.seq, 0, 1023).astype(np.int64)
            key = (((day << 10) + page << 10) + seq << _DOC_BITS) + np.arange(self.size, dtype=np.int64)
            self._keys[sort] = key
        return key

    def in_order(self, docnums, sort: str, limit: int) -> list[int]:
        """The first ``limit`` of ``docnums`` in issue order, ``newest`` or ``oldest``; or
        ``added``: the latest added to the index first (a back-filled 1998 issue before
        yesterday's), then newest issue first."""
        ids = _as_array(docnums)
        if not len(ids) or limit <= 0:
            return []
        if sort == "added":
            order = np.lexsort((ids, self.seq[ids], self.page[ids], -self.day[ids].astype(np.int64),
                                -self.added[ids]))
            return ids[order[:limit]].tolist()
        if self.size >= 1 << _DOC_BITS:  # the packed keys cannot hold the document number
            day = -self.day[ids] if sort == "newest" else self.day[ids]
            order = np.lexsort((ids, self.seq[ids], self.page[ids], day))
            return ids[order[:limit]].tolist()
        keys = self.order_key(sort)[ids]
        if limit < len(keys):
            part = np.argpartition(keys, limit - 1)[:limit]
            return ids[part[np.argsort(keys[part])]].tolist()
        return ids[np.argsort(keys)].tolist()

    # --- browsing ---------------------------------------------------------------------------

    def issue_pages(self, paper: str, date: str) -> list[int]:
        """Page numbers of one issue (live documents)."""
        code = self.values["paper"].index(paper) if paper in self.values["paper"] else None
        day = col.day_number(date)
        if code is None or day == NO_DAY:
            return []
        keep = self.alive & (self.paper == code) & (self.day == day)
        return np.unique(self.page[keep]).tolist()

    def held_months(self, papers: Iterable[str] = ()) -> Counter[str]:
        """Live articles per month, of ``papers`` (all when empty); kept with the table (one
        index generation), once per paper selection."""
        key = tuple(sorted(papers))
        found = self._held.get(key)
        if found is None:
            live = self.live_ids()
            if key:
                codes = [self.values["paper"].index(p) for p in key if p in self.values["paper"]]
                live = live[np.isin(self.paper[live], codes)]
            if len(self._held) >= 64:  # (paper selections come from URLs: keep a few)
                self._held.clear()
            found = self._held[key] = self.count(live, "month")
        return found

    def issues(self) -> dict[str, tuple[list[str], int]]:
        """paper -> (its issue dates, its article count), live documents."""
        live = self.live_ids()
        codes, days = self.paper[live], self.day[live].astype(np.int64)
        out = {}
        for code, slug in enumerate(self.values["paper"]):
            mine = codes == code
            if not mine.any():
                continue
            dates = [col.day_iso(d) for d in np.unique(days[mine]).tolist() if d != NO_DAY]
            out[slug] = (dates, int(mine.sum()))
        return out


def _translate(codes, local_values: list[str], vocab: dict[str, int]) -> np.ndarray:
    """A segment's value codes as codes of the generation's vocabulary (-1 stays -1)."""
    lut = np.array([vocab.setdefault(v, len(vocab)) for v in local_values] + [-1], dtype=np.int32)
    codes = np.asarray(codes)
    return lut[codes] if len(codes) else np.empty(0, dtype=np.int32)


def _join(parts: list[np.ndarray], dtype) -> np.ndarray:
    if not parts:
        return np.empty(0, dtype=dtype)
    return np.concatenate(parts).astype(dtype, copy=False)


def month_histogram(counts: Counter[str], held: Counter[str] | None = None) -> list[dict]:
    """Every month from the first to the last with matches (zeros included), for the chart;
    with ``held`` (articles the archive holds each month) also ``held`` and ``share``
    (matches ÷ articles held, as newspaper historians compare months)."""
    if not counts:
        return []
    if held is not None:
        return [{**item, "held": held.get(item["month"], 0),
                 "share": round(item["count"] / held[item["month"]], 4) if held.get(item["month"]) else None}
                for item in month_histogram(counts)]
    months = sorted(counts)
    (y, m), (y_end, m_end) = (int(x) for x in months[0].split("-")), (int(x) for x in months[-1].split("-"))
    out = []
    while (y, m) <= (y_end, m_end) and len(out) < 240:
        key = f"{y:04d}-{m:02d}"
        out.append({"month": key, "count": counts.get(key, 0)})
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return out
