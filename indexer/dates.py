"""Dates printed in articles: 6月5日, 6 月 7 日, 2025 年 6 月 7 日, 12月22日.

A newspaper reports the past, so a month/day without a year belongs to the latest year
that puts it on or before the issue date (a 12月30日 event in a 1月2日 issue is last
year's). A small tolerance allows announcements of the next few days.
"""

from __future__ import annotations

import datetime as dt
import re

FULL_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
MONTH_DAY_RE = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*日")
YEAR_MONTH_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")

FUTURE_TOLERANCE_DAYS = 7


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def resolve_month_day(month: int, day: int, issue: dt.date) -> dt.date | None:
    """The date with this month/day nearest before (or just after) the issue date."""
    for year in (issue.year, issue.year - 1):
        candidate = _safe_date(year, month, day)
        if candidate and candidate <= issue + dt.timedelta(days=FUTURE_TOLERANCE_DAYS):
            return candidate
    return None


def find_dateline(text: str, issue: dt.date | None, window: int = 80) -> dt.date | None:
    """The event date of an article: the first date printed near its start.

    Looks at the first ``window`` characters (the lead) so that dates quoted later in
    the body (deadlines, history) are not taken for the event date.
    """
    head = text[:window]
    candidates: list[tuple[int, dt.date]] = []
    for m in FULL_DATE_RE.finditer(head):
        d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            candidates.append((m.start(), d))
    if issue is not None:
        for m in MONTH_DAY_RE.finditer(head):
            d = resolve_month_day(int(m.group(1)), int(m.group(2)), issue)
            if d:
                candidates.append((m.start(), d))
    if not candidates:
        return None
    return min(candidates)[1]


def infer_issue_date(text: str) -> dt.date | None:
    """Guess the issue date of a loose page from the text: the latest full date printed,
    or, failing that, the latest month/day in the latest year printed."""
    full = [d for m in FULL_DATE_RE.finditer(text) if (d := _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))))]
    if full:
        latest = max(full)
        month_days = [
            d for m in MONTH_DAY_RE.finditer(text)
            if (d := _safe_date(latest.year, int(m.group(1)), int(m.group(2)))) and d > latest
            and (d - latest).days < 60
        ]
        return max([latest, *month_days])
    years = [int(m.group(1)) for m in YEAR_MONTH_RE.finditer(text)]
    year_only = [int(y) for y in re.findall(r"(20\d{2}|19\d{2})\s*年", text)]
    year = max(years or year_only or [0])
    if not year:
        return None
    month_days = [d for m in MONTH_DAY_RE.finditer(text) if (d := _safe_date(year, int(m.group(1)), int(m.group(2))))]
    return max(month_days) if month_days else None
