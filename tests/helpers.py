"""Small helpers for tests: the article texts as a reader sees them."""

from __future__ import annotations

import re


def article_text(doc: dict) -> str:
    """Title, subtitles and body with whitespace removed (how exact strings are matched)."""
    return re.sub(r"\s+", "", "".join([doc.get("title") or "", *doc.get("subtitles", []), doc["body"]]))


def ids_containing(docs: list[dict], needle: str) -> set[str]:
    return {d["id"] for d in docs if needle in article_text(d)}


def indexed_sample_copy(root, gazetteer):
    """A copy of the sample archive indexed into ``root``/index: (archive, index, HTTP client).
    For tests that change pages and index again (the shared sample index must not change)."""
    import shutil

    from conftest import SAMPLE_ARCHIVE
    from indexer.build import build_index
    from search_app import create_app

    archive, index = root / "archive", root / "index"
    shutil.copytree(SAMPLE_ARCHIVE, archive)
    build_index(archive, index, gazetteer=gazetteer)
    return archive, index, create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
