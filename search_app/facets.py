"""Facet counts from a per-generation table of document -> facet values.

Whoosh's ``groupedby`` facets re-read column data on every query (and cost hundreds of
milliseconds on multi-valued fields even with zero hits). Instead, the values that
facets, histograms and browse pages need are read once per index generation from the
stored fields into a list indexed by document number; counting is then a loop over the
matched document numbers.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from whoosh.searching import Searcher


@dataclass(frozen=True)
class Row:
    """The facet values of one document."""

    id: str
    paper: str
    paper_name: str
    date: str
    page: int
    regions: tuple[str, ...]  # with the prefectures that contain them
    leaders: tuple[str, ...]

    @property
    def year(self) -> str:
        return self.date[:4]

    @property
    def month(self) -> str:
        return self.date[:7]


class FacetTable:
    """docnum -> :class:`Row` for one index generation (None for deleted documents)."""

    def __init__(self, searcher: Searcher) -> None:
        reader = searcher.reader()
        self.generation = reader.generation()
        self.rows: list[Row | None] = []
        self.paper_names: dict[str, str] = {}
        for docnum in range(reader.doc_count_all()):
            if reader.is_deleted(docnum):
                self.rows.append(None)
                continue
            stored = reader.stored_fields(docnum)
            name = self.paper_names.get(stored["paper"])
            if name is None:
                name = self.paper_names[stored["paper"]] = json.loads(stored["doc"])["paper_name"]
            self.rows.append(Row(
                id=stored["id"],
                paper=stored["paper"],
                paper_name=name,
                date=stored["date"],
                page=stored["page"],
                regions=tuple(r for r in stored.get("region_path", "").split(",") if r),
                leaders=tuple(x for x in stored.get("leaders", "").split(",") if x),
            ))

    def live(self) -> Iterable[tuple[int, Row]]:
        return ((n, r) for n, r in enumerate(self.rows) if r is not None)

    def count(self, docnums: Iterable[int], facet: str) -> Counter[str]:
        """Counts of one facet's values over ``docnums``."""
        counter: Counter[str] = Counter()
        rows = self.rows
        for n in docnums:
            row = rows[n] if n < len(rows) else None
            if row is None:
                continue
            if facet == "region":
                counter.update(row.regions)
            elif facet == "leader":
                counter.update(row.leaders)
            elif facet == "paper":
                counter[row.paper] += 1
            elif facet == "year":
                counter[row.year] += 1
            elif facet == "month":
                counter[row.month] += 1
            else:
                raise ValueError(f"unknown facet {facet!r}")
        return counter

    def newest_first(self, docnums: Iterable[int]) -> list[int]:
        rows = self.rows
        live = [n for n in docnums if n < len(rows) and rows[n] is not None]
        return sorted(live, key=lambda n: (rows[n].date, -rows[n].page), reverse=True)  # type: ignore[union-attr]


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
