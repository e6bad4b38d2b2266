"""The article record that flows from the parser through the index to the web app."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

# matched whole (fullmatch) with ASCII digits: no final newline, no full-width or Arabic-Indic digits
ARTICLE_ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2,3}-[0-9]{2,3}")

KINDS = ("news", "commentary", "photo", "notice", "data", "other")


@dataclass
class Article:
    """One article of a page.

    ``id`` is ``<paper>-<date>-<page>-<seq>``: stable across re-indexing of an unchanged page
    and usable in URLs without escaping.
    """

    id: str
    paper: str
    paper_name: str
    date: str  # issue date, ISO
    page: int
    seq: int  # position on the page, 1-based
    title: str | None
    subtitles: list[str]
    body: str  # paragraphs separated by "\n"
    kind: str = "news"
    dateline: str | None = None  # event date, ISO
    date_source: str = "archive"  # "archive" | "option" | "inferred" | "unknown"
    byline: str | None = None
    source: str | None = None  # 据《人民日报》 / 《山西日报》…刊发
    signature: str | None = None  # a notice's issuer and date
    fragments: list[str] = field(default_factory=list)  # out-of-order pieces printed elsewhere on the page
    continued_on: str | None = None
    continued_from: str | None = None
    regions: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    leader_titles: dict[str, str] = field(default_factory=dict)
    reporters: list[str] = field(default_factory=list)  # 本报讯（记者 张三 李四）, （通讯员 王五）
    captions: list[str] = field(default_factory=list)  # photo captions printed with the article (not body)
    original_title: str | None = None  # a repost's 原标题 / 原题为
    page_elements: list[dict] = field(default_factory=list)  # the page's furniture (first article of a page)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def display_title(self) -> str:
        """A title for lists even when the page printed none: the first subtitle or the lead."""
        if self.title:
            return self.title
        if self.subtitles:
            return self.subtitles[0]
        first = self.body.split("\n", 1)[0]
        return first[:30] + ("…" if len(first) > 30 else "")


def make_article_id(paper: str, date: str, page: int, seq: int) -> str:
    return f"{paper}-{date}-{page:02d}-{seq:02d}"
