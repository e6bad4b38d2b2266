"""China's administrative divisions, as a lookup table for region tagging.

Why this module exists: articles are tagged with the prefecture- and county-level divisions
they name (see :mod:`indexer.entities`), and search expands a query for a prefecture to its
counties.  Both need one canonical table: ``data/china_divisions.csv`` (provenance in
``data/README.md``).  The table is loaded only on :meth:`Gazetteer.load`, never at import time,
so importing the indexer stays cheap.

Full names are not unique across China (城区, 矿区, 郊区, 朝阳区, 新华区 … exist in several
cities).  :meth:`Gazetteer.get_all` returns every match; :meth:`Gazetteer.get` picks one,
preferring Shanxi (the archive is of Shanxi papers), then the one whose parent is a given
prefecture.  Functional zones (功能区, not administrative divisions) are kept in the table but
flagged, and never offered as short names or dictionary words.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from .history import Change, changes_of, former_names, load_history, meant_on, reused_names

SHANXI = "山西省"
DEFAULT_PATH = Path(__file__).parent / "data" / "china_divisions.csv"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province / prefecture / county
    kind: str  # province, prefecture, 县, 县级市, 市辖区, 功能区(非行政区) …
    parent_code: str | None
    short_name: str | None
    ambiguous: bool  # the short name needs context to be read as this place
    former_names: tuple[str, ...]
    province: str

    @property
    def is_functional_zone(self) -> bool:
        """Development zones etc.: statistical units, not administrative divisions."""
        return "功能区" in self.kind

    @property
    def is_shanxi(self) -> bool:
        return self.province == SHANXI


def _parse_former(raw: str) -> tuple[str, ...]:
    """``水富县(2018-07-02);…`` -> ``("水富县",)``: the date says when the name was dropped."""
    out = []
    for part in raw.replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        name = part.split("(")[0].split("（")[0].strip()
        if name:
            out.append(name)
    return tuple(out)


def _with_history(divisions: list[Division], history: list[Change]) -> list[Division]:
    """The divisions with the former names :func:`indexer.history.former_names` gives."""
    extra = former_names(history, {d.name for d in divisions})
    out = []
    for d in divisions:
        names = [n for n, _date in extra.get(d.code, ()) if n not in d.former_names and n != d.name]
        out.append(replace(d, former_names=(*d.former_names, *names)) if names else d)
    return out


class Gazetteer:
    """In-memory index of the divisions table (see module docstring)."""

    def __init__(self, divisions: list[Division], history: list[Change] | None = None):
        self.divisions: list[Division] = divisions
        self.history: list[Change] = list(history or [])  # Shanxi's dated changes (indexer.history)
        self._by_code: dict[str, Division] = {}
        self._by_name: dict[str, list[Division]] = defaultdict(list)
        self._children: dict[str, list[Division]] = defaultdict(list)
        for d in divisions:
            # province and prefecture rows of municipalities share a code (上海市): keep both
            # by name, but the code map points to the more specific row for parent lookups
            if d.code not in self._by_code or d.level != "province":
                self._by_code[d.code] = d
            self._by_name[d.name].append(d)
        for d in divisions:
            if d.parent_code and d.level != "province" and d.parent_code != d.code:
                self._children[d.parent_code].append(d)
        self._short: dict[str, list[Division]] | None = None
        self._reused: dict[str, list[tuple[str, str]]] | None = None
        self._former: dict[str, list[Division]] = {}
        self._province_names: frozenset[str] = frozenset(
            n for d in divisions if d.level == "province"
            for n in (d.name, d.short_name) if n
        )

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """Read the CSV (default: the packaged ``data/china_divisions.csv``)."""
        path = Path(path) if path is not None else DEFAULT_PATH
        divisions: list[Division] = []
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                name = (row.get("name") or "").strip()
                if not name or "直辖" in name:  # 市直辖行政区划 etc. are placeholders
                    continue
                divisions.append(
                    Division(
                        code=row["code"].strip(),
                        name=name,
                        level=row["level"].strip(),
                        kind=(row.get("kind") or "").strip(),
                        parent_code=(row.get("parent_code") or "").strip() or None,
                        short_name=(row.get("short_name") or "").strip() or None,
                        ambiguous=(row.get("short_name_ambiguous") or "").strip().upper() == "Y",
                        former_names=_parse_former(row.get("former_names") or ""),
                        province=(row.get("province") or "").strip(),
                    )
                )
        history = load_history() if path == DEFAULT_PATH else []
        # Shanxi's dated former names (榆次市 -> 榆次区) join the table's own
        return cls(_with_history(divisions, history), history)

    # ---------------------------------------------------------------- lookups
    def get_all(self, name: str, level: str | None = None) -> list[Division]:
        """Every division with this full name (optionally of one level), Shanxi first."""
        found = [d for d in self._by_name.get(name, ()) if level is None or d.level == level]
        return sorted(found, key=self._rank)

    def get(self, name: str, parent: str | None = None) -> Division | None:
        """The division called ``name``.

        A name can be shared across provinces; a prefecture and its province share the name
        for the municipalities (北京市): the non-province row wins, then Shanxi, then the one
        under ``parent`` (a prefecture name) when given.
        """
        found = self.get_all(name)
        if not found:
            return None
        if parent:
            under = [d for d in found if self._parent_name(d) == parent]
            if under:
                return under[0]
        return found[0]

    def resolve_place(self, term: str) -> tuple[Division, bool] | None:
        """A reader's place term -> (division, unambiguous): full names of prefectures and
        counties, former names and short names (榆次 -> 榆次区), Shanxi first; provinces and
        functional zones are not places here. ``unambiguous`` is False for short names such
        as 和顺 or 小店 that are also ordinary words."""
        if self._short is None:
            short: dict[str, list[Division]] = defaultdict(list)
            former: dict[str, list[Division]] = defaultdict(list)
            for d in self.divisions:
                if d.level == "province" or d.is_functional_zone:
                    continue
                if d.short_name and len(d.short_name) >= 2:
                    short[d.short_name].append(d)
                for old in d.former_names:
                    former[old].append(d)
            self._short = {k: sorted(v, key=self._rank) for k, v in short.items()}
            self._former = {k: sorted(v, key=self._rank) for k, v in former.items()}
        full = [d for d in self.get_all(term) if d.level != "province" and not d.is_functional_zone]
        if full:
            return full[0], len(full) == 1  # 城区 / 矿区 / 郊区 exist in several cities
        if term in self._former:
            return self._former[term][0], True
        if term in self._short and not self.is_province_name(term):
            d = self._short[term][0]
            return d, not d.ambiguous
        return None

    def meant_on(self, name: str, date: str | None) -> Division | None:
        """The division a current name meant in an article of ``date`` when that was another
        one (a 1995 article's 忻州市 is today's 忻府区); None when it meant the same."""
        if self._reused is None:
            self._reused = reused_names(self.history, {d.name for d in self.divisions})
        code = meant_on(self._reused.get(name, []), date or "")
        found = self.by_code(code) if code else None
        return found if found is not None and found.name != name else None

    def names_over_time(self, division: Division) -> list[str]:
        """Every name the division went by: its former names and the reused names that meant it."""
        if self._reused is None:
            self._reused = reused_names(self.history, {d.name for d in self.divisions})
        reused = [n for n, entries in self._reused.items() if any(code == division.code for _d, code in entries)]
        return [*division.former_names, *(n for n in reused if n not in division.former_names)]

    def changes_of(self, division: Division) -> list[Change]:
        """The dated changes that made or renamed ``division`` (its names over time)."""
        return changes_of(self.history, division.code, {division.name, *division.former_names})

    def former_changes(self, name: str) -> list[Change]:
        """The changes that ended the name ``name`` (empty when it never was a division's)."""
        return [c for c in self.history if c.old_name == name and c.ends_name]

    def by_code(self, code: str) -> Division | None:
        return self._by_code.get(code)

    def is_province_name(self, name: str) -> bool:
        """True for 山西 / 山西省 / 重庆 / 重庆市 … (province-level names are never regions)."""
        return name in self._province_names

    def parent(self, name: str) -> str | None:
        """Prefecture name above a county-level division; None for prefectures/provinces."""
        d = self.get(name)
        if d is None or d.level != "county":
            return None
        return self._parent_name(d)

    def parent_division(self, division: Division) -> Division | None:
        if not division.parent_code:
            return None
        p = self._by_code.get(division.parent_code)
        return p if p is not None and p is not division else None

    def ancestors(self, name: str) -> list[str]:
        """The prefecture above a county (provinces are not regions); [] otherwise."""
        p = self.parent(name)
        return [p] if p else []

    def children(self, name: str) -> list[str]:
        """Names of the county-level divisions of a prefecture (functional zones excluded)."""
        d = self.get(name)
        if d is None or d.level == "county":
            return []
        if d.level == "province":
            kids = [k for k in self._children.get(d.code, ()) if k.level == "prefecture"]
        else:
            kids = self._children.get(d.code, [])
        return [k.name for k in kids if not k.is_functional_zone]

    def names_for_dictionary(self) -> list[str]:
        """Full names + unambiguous short names of real divisions, for jieba's user dictionary."""
        out: set[str] = set()
        for d in self.divisions:
            if d.is_functional_zone:
                continue
            out.add(d.name)
            if d.short_name and not d.ambiguous and len(d.short_name) >= 2:
                out.add(d.short_name)
        return sorted(out)

    # ---------------------------------------------------------------- helpers
    def _parent_name(self, d: Division) -> str | None:
        p = self.parent_division(d)
        return p.name if p is not None else None

    @staticmethod
    def _rank(d: Division) -> tuple[int, int, int]:
        level_rank = {"prefecture": 0, "county": 1, "province": 2}.get(d.level, 3)
        return (0 if d.is_shanxi else 1, 1 if d.is_functional_zone else 0, level_rank)

    def __len__(self) -> int:
        return len(self.divisions)
