"""Dates printed in articles: 6月5日, 6 月 7 日, 2025 年 6 月 7 日, 12月22日, 22日.

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
# a lead that gives only the day: 本报讯（记者 X）22日，…
LEAD_DAY_RE = re.compile(r"^(?:[^，,。]{0,40}?[）)])?\s*(\d{1,2})\s*日\s*(?:上午|下午|晚|早)?[，,]")
VAGUE_RE = re.compile(r"近日|日前|近期|连日来|近年来|今年以来|目前|此前")

FUTURE_TOLERANCE_DAYS = 7


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def full_dates(text: str) -> list[dt.date]:
    """Every complete date (年月日) printed in ``text``, in order."""
    return [d for m in FULL_DATE_RE.finditer(text) if (d := _safe_date(int(m[1]), int(m[2]), int(m[3])))]


def resolve_month_day(month: int, day: int, issue: dt.date) -> dt.date | None:
    """The date with this month/day nearest before (or just after) the issue date."""
    for year in (issue.year, issue.year - 1):
        candidate = _safe_date(year, month, day)
        if candidate and candidate <= issue + dt.timedelta(days=FUTURE_TOLERANCE_DAYS):
            return candidate
    return None


def resolve_day(day: int, issue: dt.date) -> dt.date | None:
    """A bare day of the month: this month if not after the issue date, else last month."""
    candidate = _safe_date(issue.year, issue.month, day)
    if candidate and candidate <= issue + dt.timedelta(days=FUTURE_TOLERANCE_DAYS):
        return candidate
    first = issue.replace(day=1) - dt.timedelta(days=1)
    return _safe_date(first.year, first.month, day)


def find_dateline(text: str, issue: dt.date | None, window: int = 80) -> dt.date | None:
    """The event date of an article: the first date printed in its lead.

    Looks at the first ``window`` characters so that dates quoted later in the body
    (deadlines, history) are not taken for the event date; a lead that says 近日/日前
    before any date has no dateline.
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
        m = LEAD_DAY_RE.match(head)
        if m:
            d = resolve_day(int(m.group(1)), issue)
            if d:
                candidates.append((m.start(1), d))
    if not candidates:
        return None
    pos, date = min(candidates)
    vague = VAGUE_RE.search(head)
    if vague and vague.start() < pos:
        return None
    return date


def infer_issue_date(text: str) -> dt.date | None:
    """Guess the issue date of a loose page from the text: the latest full date printed,
    or, failing that, the latest month/day in the latest year printed."""
    full = full_dates(text)
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
