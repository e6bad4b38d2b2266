"""How to cite an article: GB/T 7714-2015's form for newspaper articles.

Print form, as the standard's example for a newspaper (``[N]``: 报纸; the page in brackets)::

    张三. 题名[N]. 晋中日报, 2026-06-26(1).

and the online form with the permanent link and the date it was read (``[N/OL]``)::

    张三. 题名[N/OL]. 晋中日报, 2026-06-26(1)[2026-12-01]. https://…/article/<id>.

Authors are the article's reporters (at most three, then ", 等", as the standard says); an
article without a named reporter starts with its title.
"""

from __future__ import annotations

import datetime as dt

MAX_AUTHORS = 3


def article_title(doc: dict) -> str:
    """The headline, else the first subtitle, else the first words of the body."""
    if doc.get("title"):
        return doc["title"]
    if doc.get("subtitles"):
        return doc["subtitles"][0]
    first = (doc.get("body") or "").split("\n", 1)[0]
    return first[:30] + ("…" if len(first) > 30 else "")


def authors(doc: dict) -> str:
    names = list(dict.fromkeys(doc.get("reporters") or []))
    shown = ", ".join(names[:MAX_AUTHORS])
    return shown + (", 等" if len(names) > MAX_AUTHORS else "")


def gbt7714(doc: dict, permalink: str | None = None, accessed: dt.date | None = None) -> str:
    """The reference in GB/T 7714-2015 form; with ``permalink``, the online form."""
    who = authors(doc)
    head = f"{who}. " if who else ""
    title = article_title(doc).rstrip("。.")
    kind = "N/OL" if permalink else "N"
    where = f"{doc['paper_name']}, {doc['date']}({doc['page']})"
    if permalink:
        return f"{head}{title}[{kind}]. {where}[{(accessed or dt.date.today()).isoformat()}]. {permalink}."
    return f"{head}{title}[{kind}]. {where}."
