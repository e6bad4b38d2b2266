"""Jumped articles: （下转第4版） on page 1 and （上接第1版） on page 4 are one story.

Both parts are indexed as they are printed (each is a real block of text on its page);
the article page links them. The link is resolved when a page is shown, from whatever
the index holds then, so re-indexing one page never leaves a stale link behind.
"""

from __future__ import annotations

import re

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def page_number(label: str | None) -> int | None:
    """``第4版`` / ``第二版`` / ``第十二版`` / ``A3版`` -> the page number (None if unreadable)."""
    if not label:
        return None
    m = re.search(r"(\d{1,3})", label)
    if m:
        return int(m.group(1))
    m = re.search(r"([零〇一二两三四五六七八九十]{1,4})", label)
    if not m:
        return None
    s = m.group(1)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    value = 0
    for ch in s:
        value = value * 10 + _CN_DIGITS[ch]
    return value or None


def _norm_title(title: str | None) -> str:
    return re.sub(r"[\s\W_]+", "", title or "")


def same_story(title_a: str | None, title_b: str | None) -> bool:
    """Jump pages reprint the headline, sometimes shortened: equal or one inside the other."""
    a, b = _norm_title(title_a), _norm_title(title_b)
    if not a or not b:
        return False
    return a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a))


def pick_continuation(source: dict, candidates: list[dict], direction: str) -> dict | None:
    """Among the articles of the target page, the part that continues ``source``.

    ``direction`` is ``"on"`` (source says 下转, candidates say 上接 this page) or
    ``"from"`` (the reverse). A same-headline part wins; a single marked part is taken
    when the jump page prints no headline.
    """
    key = "continued_from" if direction == "on" else "continued_on"
    marked = [c for c in candidates if page_number(c.get(key)) == source["page"]]
    for c in marked:
        titles = [c.get("title"), *c.get("subtitles", [])]
        if any(same_story(source.get("title"), t) for t in titles):
            return c
    untitled = [c for c in marked if not c.get("title")]
    if len(marked) == 1 and (untitled or not source.get("title")):
        return marked[0]
    return None
