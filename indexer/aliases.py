"""Article ids that survive a re-parse.

An article's id is its position (``paper-date-page-seq``): readable, and what citations and
exports carry. A parser upgrade that splits a page differently moves texts to other
positions, so a cited id would then open another article or none. When a page is parsed
again, each of its earlier articles is matched to the new article that now holds most of its
text; an id whose text went elsewhere gets an *alias* to that article, kept with the index
(``aliases.json``, :mod:`indexer.indexdir`) from one generation to the next. The site
redirects an id that no longer exists and says so on a page whose id now holds another text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MIN_SHARE = 0.6
"""An earlier article's text has moved to a new one when that one holds at least this share
of its character pairs (a guess: a re-split moves whole paragraphs; a rewritten headline or a
joined continuation changes a few pairs, not most)."""

_SKIP = re.compile(r"\s+")


def pairs(text: str) -> set[str]:
    """The text's distinct character pairs, whitespace ignored."""
    compact = _SKIP.sub("", text)
    return {compact[i:i + 2] for i in range(len(compact) - 1)}


def successors(old: Iterable[tuple[str, str]], new: Iterable[tuple[str, str]]) -> dict[str, str | None]:
    """For each earlier article ``(id, text)`` of a page, the id of the new article holding
    its text (itself when it stayed), or None when no new article holds :data:`MIN_SHARE`."""
    candidates = [(nid, pairs(text)) for nid, text in new]
    out: dict[str, str | None] = {}
    for oid, text in old:
        mine = pairs(text)
        best, share = None, 0.0
        for nid, theirs in candidates:
            s = len(mine & theirs) / len(mine) if mine else float(nid == oid)
            if s > share or (s == share and nid == oid):
                best, share = nid, s
        out[oid] = best if share >= MIN_SHARE else None
    return out


def merge(aliases: dict[str, str], found: dict[str, str | None]) -> dict[str, str]:
    """The aliases after a run: an id whose text stayed loses its alias, one whose text moved
    points to where it went (a vanished text keeps its earlier alias, if any)."""
    out = dict(aliases)
    for oid, nid in found.items():
        if nid == oid:
            out.pop(oid, None)
        elif nid is not None:
            out[oid] = nid
    return out


def resolve(article_id: str, aliases: dict[str, str], exists, limit: int = 10) -> str | None:
    """Where an id that no longer exists now is: its aliases followed through ids that do not
    exist either (a text moved twice), stopping at a live article (None: nowhere)."""
    seen = {article_id}
    current = aliases.get(article_id)
    while current is not None and len(seen) < limit:
        if exists(current):
            return current
        if current in seen:
            return None
        seen.add(current)
        current = aliases.get(current)
    return None
