"""Page text -> enriched articles: the parser plus the region and official extractors.

This is the single function that both ``jinbao parse`` and ``jinbao index`` call, so
what the CLI prints is exactly what gets indexed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .article import Article
from .dates import infer_issue_date
from .entities import extract_leaders, extract_regions
from .gazetteer import Gazetteer
from .parse import PageInfo, parse_page


PARSER_VERSION = 4
"""Bump when the parser or the extractors change what a page yields: ``jinbao index`` then
re-parses every page (an index must not keep articles cut by an older parser). 1: issues 3–8;
2: page furniture, web layouts, round-ups, run-in headlines, captions, reporters, session roles
and titles after names (issue 12); 3: Shanxi's former place names tag today's divisions, read
as of the article's date (issue 16); 4: the byline (记者…, a signed author's title and name) is
searchable text (issue 17)."""


@dataclass
class Enricher:
    """Fills ``regions``, ``leaders`` and ``leader_titles`` of an article."""

    gazetteer: Gazetteer

    def __call__(self, article: Article, home_region: str | None) -> None:
        # sentence breaks between headline parts and body: the extractors strip whitespace
        # the author line of a signed article (吉县县委书记 崔绍民) and photo captions name people and
        # places too; a reporter's byline has no office title, so it adds no official
        byline = re.sub(r"\s*(?=(?:本报|本台)?(?:记者|通讯员|见习记者|特约记者))", "。", article.byline or "")
        extra = [byline, *article.captions]
        # headline typography separates names with spaces (市党政军领导杨某 邢某 贾某参加): keep them apart
        heads = [re.sub(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff])", "、", p)
                 for p in (article.title, *article.subtitles) if p]
        text = "。\n".join(heads + [article.body] + [x for x in extra if x])
        titles = extract_leaders(text)
        article.leader_titles = titles
        article.leaders = list(titles)
        regions = extract_regions(text, self.gazetteer, home_region, exclude=[*article.leaders, *article.reporters])
        article.regions = regions_on_date(regions, text, article.date, self.gazetteer)


def regions_on_date(regions: list[str], text: str, date: str | None, gazetteer: Gazetteer) -> list[str]:
    """The regions as the article's date reads them: a name printed in full that meant another
    division then (忻州市 in 1995: the county-level city, today 忻府区) is that division."""
    out: list[str] = []
    for name in regions:
        then = gazetteer.meant_on(name, date) if name in text else None
        chosen = then.name if then is not None else name
        if chosen not in out:
            out.append(chosen)
    return out


def parse_text(
    text: str,
    enricher: Enricher,
    *,
    paper: str = "unknown",
    paper_name: str = "",
    home_region: str | None = None,
    date: dt.date | None = None,
    page: int = 1,
    date_source: str = "archive",
) -> list[Article]:
    """Parse one page; with no ``date`` the issue date is inferred from the text."""
    if date is None:
        date = infer_issue_date(text)
        date_source = "inferred" if date else "unknown"
    info = PageInfo(paper=paper, paper_name=paper_name, date=date, page=page, date_source=date_source)
    return parse_page(text, info, home_region=home_region, enrich=enricher)
