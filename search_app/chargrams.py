"""The bigram terms that hold one character: how a one-character query (晋, 汾) is answered.

Characters are not indexed alone; every occurrence of a character is the first or the
second unit of a bigram term of the ``chars`` field, or a run of its own (a term of one
unit: :class:`indexer.analysis.CharBigramTokenizer`). So the articles holding a character
are exactly those with a term that starts with it (a prefix range of the sorted lexicon) or
ends with it. The second kind needs the lexicon by last character: written with each
segment's columns at commit (:class:`indexer.columns.BigramsByLast`), computed here for a
segment without them (an older index; the headline field), and kept by segment id.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from indexer import columns
from indexer.columns import BigramsByLast


class CharGrams:
    """Per-segment :class:`SegmentGrams`, owned by the index handle."""

    def __init__(self, locate: Callable[[], Path | None] | None = None) -> None:
        self.locate = locate  # the generation whose columns hold the segments' maps
        self.segments: dict[tuple[str, str], BigramsByLast] = {}
        self.lock = threading.Lock()

    def _by_last(self, reader, segment_id: str | None, fieldname: str) -> BigramsByLast:
        key = (segment_id or str(id(reader)), fieldname)
        grams = self.segments.get(key)
        if grams is None:
            generation = self.locate() if self.locate is not None else None
            if fieldname == "chars" and generation is not None and segment_id is not None:
                grams = columns.load_grams(generation, segment_id)
            if grams is None:  # not written with the segment (an older index; headlines)
                grams = BigramsByLast.compute(reader, fieldname)
            with self.lock:
                self.segments[key] = grams
        return grams

    def terms(self, searcher, char: str, fieldname: str = "chars") -> list[str]:
        """Every term of ``fieldname`` in ``searcher``'s segments that holds ``char`` (as
        its first or last unit, or alone), sorted."""
        found: set[str] = set()
        leaves = searcher.leaf_searchers() if hasattr(searcher, "leaf_searchers") else [(searcher, 0)]
        for leaf, _offset in leaves:
            reader = leaf.reader()
            if fieldname not in reader.schema:
                continue
            found.update(t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.expand_prefix(fieldname, char))
            segment = reader.segment() if hasattr(reader, "segment") else None
            grams = self._by_last(reader, segment.segment_id() if segment is not None else None, fieldname)
            found.update(grams.ending_with(char))
        return sorted(found)
