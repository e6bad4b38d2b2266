"""Shanxi's divisions over time: the dated changes since 1949 (``data/shanxi_history.csv``,
provenance in ``data/README.md``).

An old paper says 榆次市, 晋中地区, 太谷县, 雁北地区 …; this table says what each name was
and which current division covers it (``successor``, one or several for a split), with the
date and source of each change. The gazetteer takes the former names from here
(:meth:`Gazetteer.load`), so a 1998 article naming 榆次市 is tagged 榆次区 and a reader's
榆次市 searches 榆次区 too; the region pages show a division's names over time.

A date is as precise as the source: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

HISTORY_PATH = Path(__file__).parent / "data" / "shanxi_history.csv"
CHANGES = ("rename", "upgrade", "merge", "split", "abolish", "establish", "transfer")
ENDS_A_NAME = ("rename", "upgrade", "merge", "split", "abolish")
"""Changes after which the old name no longer names a division (a transfer keeps its name;
an establishment starts one)."""


@dataclass(frozen=True)
class Change:
    date: str
    change: str
    old_name: str
    old_level: str
    old_parent: str
    new_name: str
    new_level: str
    new_parent: str
    successors: tuple[str, ...]
    successor_codes: tuple[str, ...]
    source: str
    confidence: str
    note: str

    @property
    def ends_name(self) -> bool:
        """Whether ``old_name`` stopped naming a division with this change."""
        return self.change in ENDS_A_NAME and self.old_name != self.new_name


def load_history(path: Path | None = None) -> list[Change]:
    """The changes in date order."""
    out = []
    with (path or HISTORY_PATH).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.append(Change(
                date=row["date"].strip(), change=row["change"].strip(), old_name=row["old_name"].strip(),
                old_level=row["old_level"].strip(), old_parent=row["old_parent"].strip(),
                new_name=row["new_name"].strip(), new_level=row["new_level"].strip(),
                new_parent=row["new_parent"].strip(),
                successors=tuple(x for x in row["successor"].split("|") if x),
                successor_codes=tuple(x for x in row["successor_code"].split("|") if x),
                source=row["source"].strip(), confidence=row["confidence"].strip(), note=row["note"].strip()))
    return out


def former_names(history: list[Change], current_names: set[str]) -> dict[str, list[tuple[str, str]]]:
    """current division code -> [(former name, date it ended)] for names that ended with a
    change whose territory went to that one division alone, and that no current division
    bears (城区 stays the current 城区; a split's name is not given to either part)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for c in history:
        if not c.ends_name or len(c.successor_codes) != 1 or c.old_name in current_names:
            continue
        names = out.setdefault(c.successor_codes[0], [])
        if c.old_name not in (n for n, _ in names):
            names.append((c.old_name, c.date))
    return out


def changes_of(history: list[Change], code: str, names: set[str]) -> list[Change]:
    """The changes that made or touched the division ``code`` (by successor code, or by its
    current names), in date order — its names over time."""
    return [c for c in history if code in c.successor_codes or c.new_name in names or c.old_name in names]


def reused_names(history: list[Change], current_names: set[str]) -> dict[str, list[tuple[str, str]]]:
    """Names a current division bears that named *another* division until a date (忻州市 was
    the county-level city now 忻府区 until 2000-06-14): name -> [(date it ended, that
    division's successor code)], in date order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for c in history:
        if c.ends_name and c.old_name in current_names and len(c.successor_codes) == 1:
            out.setdefault(c.old_name, []).append((c.date, c.successor_codes[0]))
    return out


def meant_on(entries: list[tuple[str, str]], date: str) -> str | None:
    """Which division (successor code) a reused name meant in an article of ``date``: the
    first change after that date says what the name still named; None when the name already
    meant today's division. A change dated only by year or month counts from its start."""
    for until, code in entries:
        if date and date < until:
            return code
    return None
