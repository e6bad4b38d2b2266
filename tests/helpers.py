"""Small helpers for tests: the article texts as a reader sees them."""

from __future__ import annotations

import re


def article_text(doc: dict) -> str:
    """Title, subtitles and body with whitespace removed (how exact strings are matched)."""
    return re.sub(r"\s+", "", "".join([doc.get("title") or "", *doc.get("subtitles", []), doc["body"]]))


def ids_containing(docs: list[dict], needle: str) -> set[str]:
    return {d["id"] for d in docs if needle in article_text(d)}
