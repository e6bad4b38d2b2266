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
LEAD_DAY_RE = re.compile(r"^(?:[^，,。]{0,40}?[）)]|[◆●■◇□★☆▶►♦❖•·\-])?\s*(\d{1,2})\s*日\s*(?:上午|下午|晚|早)?[，,]")
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


_CN_NUM = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_CN_YEAR_RE = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})\s*年")
_CN_MD_RE = re.compile(r"(?<![\d〇零○一二三四五六七八九十])([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")


def _cn_small(s: str) -> int | None:
    """一 … 三十一 -> 1 … 31."""
    if "十" in s:
        tens, _, ones = s.partition("十")
        t = _CN_NUM.get(tens, 1) if tens else 1
        o = _CN_NUM.get(ones, 0) if ones else 0
        return t * 10 + o if len(tens) <= 1 and len(ones) <= 1 else None
    return _CN_NUM.get(s) if len(s) == 1 else None


def arabic_dates(text: str) -> str:
    """Chinese-numeral dates in Arabic digits, same meaning (``二〇二四年三月二十日`` ->
    ``2024年3月20日``), so one set of date patterns reads both."""
    if not any(ch in text for ch in "〇零○一二三四五六七八九十"):
        return text
    text = _CN_YEAR_RE.sub(lambda m: "".join(str(_CN_NUM[c]) for c in m.group(1)) + "年", text)

    def md(m: re.Match[str]) -> str:
        month, day = _cn_small(m.group(1)), _cn_small(m.group(2))
        if month and day and 1 <= month <= 12 and 1 <= day <= 31:
            return f"{month}月{day}日"
        return m.group()

    return _CN_MD_RE.sub(md, text)


_REPORT_TIME_RE = re.compile(r"(?:北京时间|当地时间)\s*$")


def find_dateline(text: str, issue: dt.date | None, window: int = 80) -> dt.date | None:
    """The event date of an article: the first date printed in its lead.

    Looks at the first ``window`` characters so that dates quoted later in the body
    (deadlines, history) are not taken for the event date; a lead that says 近日/日前
    before any date has no dateline. A report-time prefix (``北京时间3月12日，据…消息，…10日``)
    is the time of the report, not of the event, when another date follows it.
    """
    head = arabic_dates(text[:window + 20])[:window]
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
    candidates.sort()
    pos, date = candidates[0]
    if _REPORT_TIME_RE.search(head[:pos]) and issue is not None:
        later = [(p, d) for p, d in candidates[1:] if p > pos]
        day = re.compile(r"(?<![\d月])(\d{1,2})\s*日").search(head, pos + 4)
        if day and not later:
            resolved = resolve_day(int(day.group(1)), date)
            later = [(day.start(), resolved)] if resolved else []
        if later:
            pos, date = later[0]
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


_RELATIVE_DAYS = {"今天": 0, "今日": 0, "昨天": -1, "昨日": -1, "前天": -2, "前日": -2}
_RELATIVE_RE = re.compile(r"(今天|今日|昨天|昨日|前天|前日)(?:上午|下午|晚上?|凌晨|早上|中午|傍晚)?")


def resolve_relative_day(text: str, issue: dt.date, window: int = 80) -> dt.date | None:
    """``昨天下午，…`` in the lead of an issue of 3月23日 -> 3月22日 (今天/昨天/前天 and their 日 forms)."""
    m = _RELATIVE_RE.search(text[:window])
    if not m:
        return None
    vague = VAGUE_RE.search(text[:window])
    if vague and vague.start() < m.start():
        return None
    return issue + dt.timedelta(days=_RELATIVE_DAYS[m.group(1)])


def title_date(title: str) -> dt.date | None:
    """A headline that is a date (``1979年4月4日``, a today-in-history entry) dates its text."""
    m = re.fullmatch(r"\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*", arabic_dates(title or ""))
    return _safe_date(int(m[1]), int(m[2]), int(m[3])) if m else None
