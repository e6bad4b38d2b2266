"""Facet counts from a per-generation table of document -> facet values.

Whoosh's ``groupedby`` facets re-read column data on every query (and cost hundreds of
milliseconds on multi-valued fields even with zero hits). Instead, the values that
facets, histograms and browse pages need are read once per index generation from the
stored fields into a list indexed by document number; counting is then a loop over the
matched document numbers.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from itertools import chain, islice
from dataclasses import dataclass

from whoosh.searching import Searcher


@dataclass(frozen=True)
class Row:
    """The facet values of one document."""

    paper: str
    paper_name: str
    date: str
    page: int
    regions: tuple[str, ...]  # with the prefectures that contain them
    leaders: tuple[str, ...]
    order_asc: str = ""  # issue order keys (see indexer.schema.issue_order_keys)
    order_desc: str = ""

    @property
    def year(self) -> str:
        return self.date[:4]

    @property
    def month(self) -> str:
        return self.date[:7]


def segment_rows(reader, paper_names: dict[str, str]) -> list[Row]:
    """Rows for every document number of one segment (deleted ones included: matches
    never contain them, and :meth:`FacetTable.live` skips them).

    Read from the date/page columns and the postings of the keyword fields, never from the
    stored documents (whose full text would make this slow on a large archive)."""
    n = reader.doc_count_all()
    dates = reader.column_reader("date")
    pages = reader.column_reader("page")
    asc = reader.column_reader("order_asc")
    desc = reader.column_reader("order_desc")
    papers: list[str] = [""] * n
    regions: list[list[str]] = [[] for _ in range(n)]
    leaders: list[list[str]] = [[] for _ in range(n)]
    for field_name, target in (("paper", None), ("region_path", regions), ("leaders", leaders)):
        if field_name not in reader.indexed_field_names():
            continue
        for term in reader.lexicon(field_name):
            value = term.decode("utf-8") if isinstance(term, bytes) else term
            ids = reader.postings(field_name, term).all_ids()
            if target is None:
                for d in ids:
                    papers[d] = value
            else:
                for d in ids:
                    target[d].append(value)
    for slug in set(papers) - set(paper_names) - {""}:
        docnum = papers.index(slug)
        paper_names[slug] = json.loads(reader.stored_fields(docnum)["doc"])["paper_name"]
    return [
        Row(paper=papers[d], paper_name=paper_names.get(papers[d], papers[d]), date=_text(dates[d]),
            page=int(pages[d] or 0), regions=tuple(regions[d]), leaders=tuple(leaders[d]),
            order_asc=_text(asc[d]), order_desc=_text(desc[d]))
        for d in range(n)
    ]


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


_FACET_VALUE = {
    "region": lambda r: r.regions,
    "leader": lambda r: r.leaders,
    "paper": lambda r: r.paper,
    "year": lambda r: r.year,
    "month": lambda r: r.month,
}
_MULTI_VALUED = {"region", "leader"}


class FacetTable:
    """docnum -> :class:`Row` for one index generation.

    Built from per-segment row lists cached by segment id: after a daily re-index only the
    new (or merged) segments are read, not the whole archive.
    """

    def __init__(self, searcher: Searcher, segment_cache: dict[str, list[Row]] | None = None,
                 paper_names: dict[str, str] | None = None) -> None:
        reader = searcher.reader()
        self.generation = reader.generation()
        self.paper_names: dict[str, str] = dict(paper_names or {})
        self.segments: dict[str, list[Row]] = {}
        self.rows: list[Row | None] = []
        self.deleted: set[int] = set()
        self._columns: dict[str, list] = {}
        self._live: set[int] | None = None
        self._orders: dict[str, list[int]] = {}
        self._by_date: tuple[list[str], list[int]] | None = None
        cache = segment_cache or {}
        for leaf, offset in reader.leaf_readers():
            segment = leaf.segment() if hasattr(leaf, "segment") else None
            key = segment.segment_id() if segment is not None else f"anon-{offset}"
            rows = cache.get(key)
            if rows is None or len(rows) != leaf.doc_count_all():
                rows = segment_rows(leaf, self.paper_names)
            self.segments[key] = rows
            if leaf.has_deletions():
                self.deleted.update(offset + n for n in leaf.deleted_docs_set)
            self.rows.extend(rows)
        for r in self.rows:
            if r is not None and r.paper not in self.paper_names:
                self.paper_names[r.paper] = r.paper_name

    def live_docs(self) -> set[int]:
        """Every live document number (what an empty query matches), computed once."""
        if self._live is None:
            self._live = {n for n, r in enumerate(self.rows) if r is not None} - self.deleted
        return self._live

    def live(self) -> Iterable[tuple[int, Row]]:
        deleted = self.deleted
        return ((n, r) for n, r in enumerate(self.rows) if r is not None and n not in deleted)

    def count(self, docnums: Iterable[int], facet: str) -> Counter[str]:
        """Counts of one facet's values over ``docnums`` (a C-speed pass over a per-facet column)."""
        column = self._column(facet)
        docs = docnums if isinstance(docnums, (set, list, tuple)) else list(docnums)
        if docs and max(docs) >= len(column):
            docs = [n for n in docs if n < len(column)]
        values = map(column.__getitem__, docs)
        if facet in _MULTI_VALUED:
            return Counter(chain.from_iterable(values))
        counter = Counter(values)
        counter.pop(None, None)
        return counter

    def _column(self, facet: str) -> list:
        """docnum -> the facet's value (a tuple for multi-valued facets), built on first use."""
        column = self._columns.get(facet)
        if column is None:
            if facet not in _FACET_VALUE:
                raise ValueError(f"unknown facet {facet!r}")
            value, empty = _FACET_VALUE[facet], (() if facet in _MULTI_VALUED else None)
            column = [empty if r is None else value(r) for r in self.rows]
            self._columns[facet] = column
        return column

    def dated_between(self, start: str | None, end: str | None, start_excl: bool = False,
                      end_excl: bool = False) -> set[int]:
        """Live documents whose issue date is in the range (ISO dates compare as text):
        two bisections in the documents sorted by date, instead of one posting list per
        day of the range."""
        if self._by_date is None:
            rows = self.rows
            pairs = sorted((rows[n].date, n) for n in self.live_docs())  # type: ignore[union-attr]
            self._by_date = ([d for d, _n in pairs], [n for _d, n in pairs])
        dates, docnums = self._by_date
        lo = 0 if start is None else (bisect_right if start_excl else bisect_left)(dates, start)
        hi = len(dates) if end is None else (bisect_left if end_excl else bisect_right)(dates, end)
        return set(docnums[lo:hi])

    def in_order(self, docnums: set[int], sort: str, limit: int) -> list[int]:
        """The first ``limit`` of ``docnums`` in issue order, ``newest`` or ``oldest``
        (date, then page 1 and the first article of a page first; ties by docnum)."""
        if sort not in ("newest", "oldest"):
            raise ValueError(f"unknown order {sort!r}")
        rows, newest = self.rows, sort == "newest"

        def key(n: int) -> str:
            row = rows[n]
            assert row is not None
            return row.order_desc if newest else row.order_asc

        order = self._orders.get(sort)
        if order is None:  # a stable sort keeps ties in docnum order, reversed or not
            order = self._orders[sort] = sorted(sorted(self.live_docs()), key=key, reverse=newest)
        if len(docnums) * 8 < len(order):  # few matches: sort just them
            return sorted(sorted(docnums), key=key, reverse=newest)[:limit]
        return list(islice(filter(docnums.__contains__, order), limit))


def month_histogram(counts: Counter[str]) -> list[dict]:
    """Every month from the first to the last with matches (zeros included), for the chart."""
    if not counts:
        return []
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
