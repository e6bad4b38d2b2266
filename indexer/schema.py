"""The Whoosh schema of the article index.

Word-level fields (``title``, ``body``) rank with BM25F; character-bigram fields
(``chars``, ``title_chars``) guarantee exact-string recall; keyword fields filter and
facet. The whole article is kept as JSON in ``doc`` so that a hit can be shown without
re-parsing anything.
"""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import bigram_analyzer, word_analyzer

SCHEMA_VERSION = 6

TITLE_BOOST = 3.0
LEAD_CHARS = 100
CHARS_BOOST = 0.5


def build_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        page_key=ID(stored=True),
        page_hash=STORED(),
        paper=ID(stored=True),
        date=ID(stored=True, sortable=True),
        page=NUMERIC(stored=True, sortable=True),
        seq=NUMERIC(stored=True, sortable=True),
        # date, then page and position on the page, in both directions (see issue_order_keys)
        order_asc=ID(sortable=True),
        order_desc=ID(sortable=True),
        kind=ID(stored=True),
        # word fields rank (BM25F); phrases and adjacency are answered by the bigram fields,
        # so the word fields need no positions (a smaller index, faster writes)
        title=TEXT(analyzer=word_analyzer(), phrase=False, field_boost=TITLE_BOOST),
        body=TEXT(analyzer=word_analyzer(), phrase=False),
        # bigram fields narrow exact-string candidates; the stored text confirms them
        # (search_app.exact), so no positions are stored
        title_chars=TEXT(analyzer=bigram_analyzer(), phrase=False),
        chars=TEXT(analyzer=bigram_analyzer(), phrase=False, field_boost=CHARS_BOOST),
        regions=KEYWORD(commas=True, stored=True),
        region_path=KEYWORD(commas=True, stored=True),
        leaders=KEYWORD(commas=True, stored=True),
        officials=STORED(),  # JSON name -> title as printed, for the officials register
        doc=STORED(),
    )


def issue_order_keys(date: str, page: int, seq: int) -> tuple[str, str]:
    """Sort keys so that "oldest" lists date ascending and "newest" date descending, both
    with page 1 and the first article of a page first."""
    return f"{date}|{page:03d}|{seq:03d}", f"{date}|{999 - page:03d}|{999 - seq:03d}"
