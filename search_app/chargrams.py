"""The bigram terms that hold one character: how a one-character query (晋, 汾) is answered.

Characters are not indexed alone; every occurrence of a character is the first or the
second unit of a bigram term of the ``chars`` field, or a run of its own (a term of one
unit: :class:`indexer.analysis.CharBigramTokenizer`). So the articles holding a character
are exactly those with a term that starts with it (a prefix range of the sorted lexicon) or
ends with it. The second kind needs the lexicon by last character, built once per segment
the first time a one-character query reaches it (segments never change; the map is kept by
segment id, so a new commit builds it only for its new segments).
"""

from __future__ import annotations

import threading

import numpy as np

from indexer.analysis import is_han


class SegmentGrams:
    """One segment's bigram terms of one field, ordered by their last character."""

    def __init__(self, reader, fieldname: str) -> None:
        pairs: list[str] = []
        longer: list[str] = []  # a unit of ASCII letters or digits with a character (gdp增)
        for raw in reader.lexicon(fieldname):
            term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if len(term) == 2:
                pairs.append(term)
            elif len(term) > 2 and is_han(term[-1]):
                longer.append(term)
        grams = np.array(pairs, dtype="U2")
        last = np.array([ord(t[1]) for t in pairs], dtype=np.uint32)
        order = np.argsort(last, kind="stable")
        self.grams, self.last = grams[order], last[order]
        self.longer = longer

    def ending_with(self, char: str) -> list[str]:
        code = ord(char)
        lo, hi = np.searchsorted(self.last, [code, code + 1])
        return [*self.grams[lo:hi].tolist(), *(t for t in self.longer if t[-1] == char)]


class CharGrams:
    """Per-segment :class:`SegmentGrams`, owned by the index handle."""

    def __init__(self) -> None:
        self.segments: dict[tuple[str, str], SegmentGrams] = {}
        self.lock = threading.Lock()

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
            key = (segment.segment_id() if segment is not None else str(id(reader)), fieldname)
            grams = self.segments.get(key)
            if grams is None:
                grams = SegmentGrams(reader, fieldname)
                with self.lock:
                    self.segments[key] = grams
            found.update(grams.ending_with(char))
        return sorted(found)
