"""Short and full names of party and government bodies, searched both ways.

Local papers write a body's name in full in a formal report (政治协商会议大同市委员会,
发展和改革委员会) and short everywhere else (市政协, 发改委); a reader types either. The table
(``data/abbreviations.csv``: short form, full form, where the full name is defined) lets a
query term find the other form too; the engine says so (同时检索：…的全称/简称) and
highlights what matched. Nothing is matched silently.

In a full form ``…`` is a gap: a place name (``政协…市委员会``: 政协大同市委员会) or a few
characters between two names that are printed together (``纪律检查委员会…监察委员会``). A
form with a gap matches where its parts occur in order within :data:`GAP_CHARS` characters
of each other in one sentence (:class:`search_app.exact.SlotString`); a place typed with
the short form fills the gap (大同市政协 → 政协大同市委员会), and a full form typed with its
place gives the short form with the place (政协大同市委员会 → 大同市政协).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

GAP = "…"
GAP_CHARS = 12
"""Characters a gap may hold: a county's full name (壶关县, 杏花岭区, 中阳县) with room for a
city before it (大同市平城区), never a clause."""

LEVELS = "省市县区"
"""The level characters a short form starts with (市政协) and its full form repeats after
the place (政协…市委员会)."""

TABLE = Path(__file__).parent / "data" / "abbreviations.csv"
_HAN = "\u4e00-\u9fff"


@dataclass(frozen=True)
class Form:
    """One way a body's name is written: a literal string, or literal parts with gaps."""

    text: str

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(p for p in self.text.split(GAP) if p)

    @property
    def gapped(self) -> bool:
        return GAP in self.text

    def pattern(self) -> re.Pattern[str]:
        """The form in compact text (whitespace removed): a gap is up to :data:`GAP_CHARS`
        characters that end no sentence."""
        return re.compile(f"[^。！？；]{{0,{GAP_CHARS}}}?".join(re.escape(p) for p in self.text.split(GAP)))

    def place_pattern(self) -> re.Pattern[str] | None:
        """For a form whose gap is a place before a level character (政协…市委员会): the
        form with the place captured, to read a typed full form; None otherwise."""
        head, gap, tail = self.text.partition(GAP)
        if not gap or GAP in tail or not tail or tail[0] not in LEVELS:
            return None
        return re.compile(f"{re.escape(head)}([{_HAN}]{{1,{GAP_CHARS}}}?){re.escape(tail)}")


@dataclass(frozen=True)
class Expansion:
    """A form the engine also searches for a typed term, and why (全称 / 简称)."""

    typed: str
    form: Form
    why: str
    source: str


@dataclass(frozen=True)
class _Row:
    short: str
    full: Form
    source: str


class AbbreviationTable:
    """The table, indexed both ways."""

    def __init__(self, rows: list[_Row]) -> None:
        self.rows = rows
        self.by_short: dict[str, list[_Row]] = {}
        self.by_full: dict[str, list[_Row]] = {}
        for row in rows:
            self.by_short.setdefault(row.short, []).append(row)
            if not row.full.gapped:
                self.by_full.setdefault(row.full.text, []).append(row)
        self.placed = [(row, pattern) for row in rows if (pattern := row.full.place_pattern()) is not None]

    @classmethod
    def load(cls, path: Path = TABLE) -> AbbreviationTable:
        """Read the table; ValueError naming the line for a row that is not short,full,source."""
        rows: list[_Row] = []
        with path.open(encoding="utf-8") as fh:
            for n, rec in enumerate(csv.DictReader(fh), start=2):
                short, full, source = (rec.get(k, "") or "" for k in ("short", "full", "source"))
                short, full, source = short.strip(), full.strip(), source.strip()
                if not short or not full or not source:
                    raise ValueError(f"{path}:{n}: every row needs short, full and source")
                if GAP in short or short == full:
                    raise ValueError(f"{path}:{n}: {short!r} is not a short form of {full!r}")
                rows.append(_Row(short, Form(full), source))
        return cls(rows)

    def expand(self, text: str, is_place=lambda _s: True) -> list[Expansion]:
        """The other forms of ``text`` (a query term or one of its words): the full forms of
        a short form, the short forms of a full form; with a place, the forms with the place
        (``is_place`` says whether a prefix is a place name, e.g. the gazetteer's)."""
        out: list[Expansion] = []
        for row in self.by_short.get(text, []):
            out.append(Expansion(text, row.full, "全称", row.source))
        for row in self.by_full.get(text, []):
            out.append(Expansion(text, Form(row.short), "简称", row.source))
        if out:
            return out
        for row, pattern in self.placed:
            found = pattern.fullmatch(text)
            if found and is_place(found.group(1)):  # 政协大同市委员会 -> 大同市政协
                out.append(Expansion(text, Form(found.group(1) + row.short), "简称", row.source))
        for short, rows in self.by_short.items():
            place = text[:-len(short)]
            if len(text) > len(short) + 1 and text.endswith(short) and short[0] in LEVELS and is_place(place):
                for row in rows:  # 大同市政协 -> 政协大同市委员会
                    if row.full.place_pattern() is not None:
                        out.append(Expansion(text, Form(row.full.text.replace(GAP, place, 1)), "全称", row.source))
        return out

    def __iter__(self) -> Iterator[_Row]:
        return iter(self.rows)
