"""BM25F with the field lengths of each segment held in memory.

BM25F needs the length of the field in every document it scores, and a query for a
common word scores every match (the count and the facets need them all anyway). Whoosh
reads each length from the segment's lengths column, one small file read per document
and field, which was the largest single cost of such queries. Segments never change once
written (a deletion only marks documents), so their lengths are read once, in one read
per field, and kept until the segment leaves the index. Scores are exactly Whoosh's.
"""

from __future__ import annotations

import threading

import numpy as np

from whoosh.reading import IndexReader
from whoosh.scoring import BM25F, BM25FScorer
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from indexer.codec import LENGTH_OF_BYTE, length_bytes

_LENGTH_OF_BYTE: list[int | None] = [byte_to_length(b) if b else None for b in range(256)]
"""A length byte decoded as Whoosh's segment reader does (0: no value)."""


def _segment_key(reader: IndexReader) -> str | None:
    segment = getattr(reader, "segment", None)
    return segment().segment_id() if callable(segment) and segment() is not None else None


def _read_bytes(reader: IndexReader, fieldname: str) -> np.ndarray | None:
    """The length byte of one field in every document of one segment (one read of the
    fixed-width column; zeros where a document has no value); None for another reader layout."""
    doccount = reader.doc_count_all()
    try:  # whoosh-reloaded 2.7.5's reader layout
        raw = length_bytes(reader._perdoc, fieldname, doccount)  # type: ignore[attr-defined]
    except AttributeError:
        return None
    if raw is None:  # no lengths column: Whoosh's default length, 1 (the byte that decodes to it)
        return np.full(doccount, _BYTE_OF_ONE, dtype=np.uint8)
    return raw


_BYTE_OF_ONE = next(b for b in range(1, 256) if _LENGTH_OF_BYTE[b] == 1)


class SegmentLengths:
    """Decoded field lengths per (segment, field), shared by every searcher of an engine: as a
    numpy array for the evaluator (:mod:`search_app.vector`), and — built only when Whoosh's
    own scorer asks, on the rarer query shapes it scores — as the list that scorer reads."""

    def __init__(self) -> None:
        self._lengths: dict[tuple[str, str], list[int | None]] = {}
        self._arrays: dict[tuple[str, str], np.ndarray] = {}
        self._lock = threading.Lock()

    def get(self, reader: IndexReader, fieldname: str) -> list[int | None] | None:
        """The lengths as Whoosh's segment reader gives them (None where no value)."""
        key = _segment_key(reader)
        if key is None:
            return None
        found = self._lengths.get((key, fieldname))
        if found is None:
            raw = _read_bytes(reader, fieldname)
            found = [_LENGTH_OF_BYTE[b] for b in raw.tolist()] if raw is not None else \
                [reader.doc_field_length(d, fieldname, 1) for d in range(reader.doc_count_all())]
            with self._lock:
                self._lengths[(key, fieldname)] = found
        return found

    def array(self, reader: IndexReader, fieldname: str) -> np.ndarray | None:
        """The same lengths as floats in a numpy array (0 where a document has no value),
        for BM25F in array arithmetic (:mod:`search_app.vector`)."""
        key = _segment_key(reader)
        if key is None:
            return None
        found = self._arrays.get((key, fieldname))
        if found is None:
            raw = _read_bytes(reader, fieldname)
            if raw is not None:
                found = LENGTH_OF_BYTE[raw].astype(np.float64)
            else:
                lengths = self.get(reader, fieldname)
                if lengths is None:
                    return None
                found = np.array([x or 0 for x in lengths], dtype=np.float64)
            found.setflags(write=False)
            with self._lock:
                self._arrays[(key, fieldname)] = found
        return found

    def retain(self, searcher: Searcher) -> None:
        """Forget the segments that are no longer part of the index ``searcher`` shows."""
        leaves = [s.reader() for s, _offset in searcher.subsearchers] if searcher.subsearchers else [searcher.reader()]
        live = {_segment_key(r) for r in leaves}
        with self._lock:
            for key in [k for k in self._lengths if k[0] not in live]:
                del self._lengths[key]
            for key in [k for k in self._arrays if k[0] not in live]:
                del self._arrays[key]


class CachedLengthBM25F(BM25F):
    """Whoosh's BM25F (same parameters, same scores) reading lengths from :class:`SegmentLengths`."""

    def __init__(self, lengths: SegmentLengths, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lengths = lengths

    def scorer(self, searcher: Searcher, fieldname: str, text: bytes, qf: int = 1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, BM25FScorer):
            table = self.lengths.get(searcher.reader(), fieldname)
            if table is not None:
                scorer.dfl = table.__getitem__
        return scorer


SHORT_BODY = 32
"""Body tokens below which an article scores less: a caption, a crumb or a headline printed
as an item of its own has ~15 tokens (~30 characters); the shortest real items, a photo
item's text or a round-up's brief, have 60 characters (~35 tokens) and more."""

SHORT_FLOOR = 0.4
"""The factor for an item without a body (a headline alone)."""


def short_text_prior(body_tokens: np.ndarray) -> np.ndarray:
    """The factor a score is multiplied by for the length of the article's body: 1 from
    :data:`SHORT_BODY` tokens on, in proportion below, never under :data:`SHORT_FLOOR`.
    BM25's length normalisation favours short texts; a pseudo-article holding its
    article's words must not outrank it."""
    return np.clip(body_tokens / SHORT_BODY, SHORT_FLOOR, 1.0)
