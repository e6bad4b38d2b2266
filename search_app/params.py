"""Validation of URL parameters: every bad value is a 400 with a message naming it."""

from __future__ import annotations

import datetime as dt
import re

from werkzeug.datastructures import MultiDict

from .engine import SORTS, SearchParams

MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_FILTER_VALUES = 20
MAX_VALUE_CHARS = 40


FIELD_LABELS = {"from": "起", "to": "止", "sort": "排序", "page": "页码", "per_page": "每页篇数",
                "region": "地区", "leader": "官员", "paper": "报纸", "year": "年份", "q": "检索词", "hist": "柱高"}
"""The names the search form shows for each parameter, for the error messages."""


class BadParameter(ValueError):
    """A query-string parameter with a bad value; ``str()`` is the Chinese message, naming the
    field as the form does and the parameter as the URL does (``起（from）``)."""

    def __init__(self, name: str, message: str) -> None:
        label = FIELD_LABELS.get(name)
        super().__init__(f"{label}（参数 {name}）无效：{message}" if label else f"参数 {name} 无效：{message}")
        self.name = name


def _int(args: MultiDict, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"[0-9]{1,7}", raw):
        raise BadParameter(name, f"应为 {low}–{high} 之间的整数，收到 “{raw[:20]}”")
    value = int(raw)
    if not low <= value <= high:
        raise BadParameter(name, f"应为 {low}–{high} 之间的整数，收到 {value}")
    return value


def _date(args: MultiDict, name: str) -> dt.date | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
        raise BadParameter(name, f"日期格式应为 YYYY-MM-DD，收到 “{raw[:20]}”")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, f"不存在的日期 “{raw}”") from None


def _values(args: MultiDict, name: str) -> list[str]:
    values = [v.strip() for v in args.getlist(name) if v.strip()]
    if len(values) > MAX_FILTER_VALUES:
        raise BadParameter(name, f"最多 {MAX_FILTER_VALUES} 个值")
    for v in values:
        if len(v) > MAX_VALUE_CHARS:
            raise BadParameter(name, f"值过长（最多 {MAX_VALUE_CHARS} 字）")
    return list(dict.fromkeys(values))


def _years(args: MultiDict) -> list[str]:
    years = _values(args, "year")
    for y in years:
        if not re.fullmatch(r"[0-9]{4}", y):
            raise BadParameter("year", f"应为四位年份，收到 “{y[:20]}”")
    return years


def parse_search_args(args: MultiDict) -> SearchParams:
    """Build :class:`SearchParams` from a request's query string, or raise :class:`BadParameter`."""
    sort = args.get("sort", "").strip() or "relevance"
    if sort not in SORTS:
        raise BadParameter("sort", f"应为 {' / '.join(SORTS)} 之一，收到 “{sort[:20]}”")
    date_from, date_to = _date(args, "from"), _date(args, "to")
    if date_from and date_to and date_from > date_to:
        raise BadParameter("from", f"起始日期 {date_from} 晚于结束日期 {date_to}")
    return SearchParams(
        q=args.get("q", ""),
        regions=_values(args, "region"),
        leaders=_values(args, "leader"),
        papers=_values(args, "paper"),
        years=_years(args),
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=_int(args, "page", 1, 1, MAX_PAGE),
        per_page=_int(args, "per_page", 10, 1, MAX_PER_PAGE),
    )
