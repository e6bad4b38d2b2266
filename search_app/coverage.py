"""What the archive holds: per paper its first and last issue, issues and articles held, and
the months between them with no issue (gaps), so a reader can tell "not printed about it"
from "not held"."""

from __future__ import annotations

from collections.abc import Iterable


def month_range(first: str, last: str) -> list[str]:
    """Every month ``YYYY-MM`` from ``first`` to ``last`` (inclusive)."""
    (y, m), (y_end, m_end) = (int(x) for x in first.split("-")[:2]), (int(x) for x in last.split("-")[:2])
    out = []
    while (y, m) <= (y_end, m_end):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def gaps(dates: Iterable[str]) -> list[tuple[str, str]]:
    """The runs of months without an issue between a paper's first and last issue, as
    (first month, last month) of each run."""
    held = {d[:7] for d in dates}
    if not held:
        return []
    out: list[tuple[str, str]] = []
    in_run = False  # the month before was missing too
    for month in month_range(min(held), max(held)):
        if month in held:
            in_run = False
        elif in_run:
            out[-1] = (out[-1][0], month)
        else:
            out.append((month, month))
            in_run = True
    return out


def paper_coverage(dates: list[str], articles: int) -> dict:
    """One paper's coverage (``dates``: its issue dates)."""
    ordered = sorted(dates)
    return {"first": ordered[0] if ordered else None, "last": ordered[-1] if ordered else None,
            "issues": len(ordered), "articles": articles, "gaps": [list(g) for g in gaps(ordered)]}


def archive_coverage(papers: list[dict]) -> dict:
    """The whole archive's coverage from :meth:`ReadingRoom.papers`' entries."""
    firsts = [p["first"] for p in papers if p["first"]]
    lasts = [p["last"] for p in papers if p["last"]]
    return {"papers": len(papers), "first": min(firsts) if firsts else None, "last": max(lasts) if lasts else None,
            "issues": sum(p["issues"] for p in papers), "articles": sum(p["articles"] for p in papers)}
