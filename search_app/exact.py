"""Exact-string matching without positions in the index.

An article contains a string exactly when it has all of the string's character bigrams
(the postings narrow the candidates) and its compact text (normalised, whitespace removed:
:mod:`indexer.texts`) contains the string (a check on the candidates only, one ``find`` in
the segment's memory-mapped texts). Storing bigram positions instead would almost double
the index and Whoosh's phrase matcher checks positions in Python for every candidate anyway;
the substring test is as exact and cheaper.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from whoosh import query as wq
from whoosh.matching import WrappingMatcher

from indexer import columns
from indexer.analysis import bigrams_of
from indexer.texts import PARTS, SegmentTexts, article_text, compact

from .lru import LRU

CACHE_CHARS = 50_000_000
"""Characters of compact article text kept for the checks that read stored documents (a
segment without its compact texts, a headline cut whose normalisation differs; ~100 MB)."""

MISSING_RETRY_S = 1.0
"""How long a segment found without its compact texts is taken to still have none."""


class TextCache:
    """Compact article texts for exact-string checks: each segment's memory-mapped texts
    (:mod:`indexer.texts`, found in the generation ``locate()`` names), and for what they do
    not cover the texts read from stored documents, by (segment, docnum, part), bounded by
    total characters (LRU).

    Owned by the index handle (:class:`search_app.handle.IndexHandle`), which attaches it to
    the searchers it opens (``jinbao_texts``); see :func:`texts_of`."""

    def __init__(self, chars: int = CACHE_CHARS, locate: Callable[[], Path | None] | None = None) -> None:
        self.chars = chars
        self.stored: LRU[str] = LRU(chars, len)
        self.lock = threading.Lock()
        self.locate = locate
        self.segments: dict[tuple[Path, str], SegmentTexts] = {}
        self.missing: dict[tuple[Path, str], float] = {}  # when each was last looked for in vain

    @staticmethod
    def _segment_id(reader) -> str | None:
        segment = reader.segment() if hasattr(reader, "segment") else None
        return segment.segment_id() if segment is not None else None

    def segment_texts(self, searcher) -> SegmentTexts | None:
        """The memory-mapped texts of ``searcher``'s segment (a leaf searcher), if written.
        The indexer writes them just after its commit, so a segment found without them is
        looked for again, but at most every :data:`MISSING_RETRY_S` (not once per candidate)."""
        generation = self.locate() if self.locate is not None else None
        reader = searcher.reader()
        sid = self._segment_id(reader)
        if generation is None or sid is None:
            return None
        key = (generation, sid)
        found = self.segments.get(key)
        if found is None:
            now = time.monotonic()
            if now - self.missing.get(key, -MISSING_RETRY_S) < MISSING_RETRY_S:
                return None
            found = columns.load_texts(generation, sid, reader.doc_count_all())
            with self.lock:
                if found is None:
                    self.missing[key] = now
                else:
                    self.segments[key] = found
                    self.missing.pop(key, None)
        return found

    def get(self, searcher, docnum: int, part: str) -> str:
        seg = self.segment_texts(searcher)
        if seg is not None:
            text = seg.text(docnum, part)
            if text is not None:
                return text
        return self._stored_text(searcher, docnum, part)

    def _stored_text(self, searcher, docnum: int, part: str) -> str:
        """The compact text read from the stored document (cached by characters)."""
        reader = searcher.reader()
        key = (self._segment_id(reader) or id(reader), docnum, part)
        text = self.stored.get(key)
        if text is None:
            text = compact(article_text(json.loads(searcher.stored_fields(docnum)["doc"]), part))
            self.stored.put(key, text)
        return text

    def contains(self, searcher, docnums: np.ndarray, needle: str, part: str) -> np.ndarray:
        """For each of a leaf searcher's documents, whether its ``part`` contains ``needle``
        (compact form): one ``find`` in the mapped texts each, stored documents where needed."""
        seg = self.segment_texts(searcher)
        if seg is None:
            return np.fromiter((needle in self._stored_text(searcher, d, part) for d in docnums.tolist()),
                               dtype=bool, count=len(docnums))
        found = seg.contains(docnums, needle, part)
        for n in np.flatnonzero(found < 0).tolist():
            found[n] = needle in self._stored_text(searcher, int(docnums[n]), part)
        return found.astype(bool)


def texts_of(searcher) -> TextCache:
    """The text cache of the handle that opened ``searcher`` (or of its parent searcher);
    a searcher opened elsewhere (a test's, a script's) gets one of its own, kept on it."""
    for s in (searcher, getattr(searcher, "get_parent", lambda: None)()):
        found = getattr(s, "jinbao_texts", None)
        if found is not None:
            return found
    top = searcher.get_parent() if hasattr(searcher, "get_parent") else searcher
    top.jinbao_texts = TextCache(CACHE_CHARS // 10)
    return top.jinbao_texts


class VerifyMatcher(WrappingMatcher):
    """Passes on only the child's documents for which ``check(docnum)`` holds."""

    def __init__(self, child, check: Callable[[int], bool], boost: float = 1.0) -> None:
        super().__init__(child, boost)
        self.check = check
        self._settle()

    def _settle(self) -> None:
        child = self.child
        while child.is_active() and not self.check(child.id()):
            child.next()

    def _replacement(self, newchild):
        return VerifyMatcher(newchild, self.check, self.boost)

    def copy(self):
        return VerifyMatcher(self.child.copy(), self.check, self.boost)

    def replace(self, minquality=0):
        return self  # quality-based replacement would skip the check

    def supports_block_quality(self) -> bool:
        return False

    def all_ids(self) -> Iterator[int]:
        return (i for i in self.child.all_ids() if self.check(i))

    def next(self):
        self.child.next()
        self._settle()

    def skip_to(self, id):
        self.child.skip_to(id)
        self._settle()


CANDIDATE_GRAMS = 2
"""Intersecting the rarest two bigrams narrows as well as all of them, at a fraction of
the cost (every posting list in an intersection is walked and scored in Python)."""


class ExactString(wq.Query):
    """Articles whose ``part`` (all text, headline, or headline + lead) contains ``text``
    exactly, whitespace ignored; scored as the rarest bigrams' terms in ``fieldname``.
    With ``verify=False`` it is only the candidate set (articles with those bigrams)."""

    def __init__(self, fieldname: str, text: str, part: str = "all", boost: float = 1.0,
                 verify: bool = True) -> None:
        assert part in PARTS
        self.fieldname = fieldname
        self.text = text
        self.needle = compact(text)
        self.part = part
        self.boost = boost
        self.verify = verify
        self.grams = bigrams_of(text)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, ExactString) and (self.fieldname, self.needle, self.part, self.boost, self.verify)
                == (other.fieldname, other.needle, other.part, other.boost, other.verify))

    def __hash__(self) -> int:
        return hash((self.__class__.__name__, self.fieldname, self.needle, self.part, self.boost, self.verify))

    def __repr__(self) -> str:
        return f"ExactString({self.fieldname!r}, {self.text!r}, part={self.part!r})"

    def __str__(self) -> str:
        return f'{self.fieldname}:"{self.text}"'

    def is_leaf(self) -> bool:
        return True

    def field(self) -> str:
        return self.fieldname

    def terms(self, phrases: bool = True):
        for g in self.grams:
            yield self.fieldname, g

    def _candidates(self, reader=None) -> wq.Query:
        grams = list(dict.fromkeys(self.grams))
        if reader is not None and len(grams) > CANDIDATE_GRAMS:
            grams = sorted(grams, key=lambda g: reader.doc_frequency(self.fieldname, g))[:CANDIDATE_GRAMS]
        terms = [wq.Term(self.fieldname, g, boost=self.boost) for g in grams]
        return terms[0] if len(terms) == 1 else wq.And(terms)

    def estimate_size(self, ixreader) -> int:
        return self._candidates().estimate_size(ixreader)

    def estimate_min_size(self, ixreader) -> int:
        return self._candidates().estimate_min_size(ixreader)

    def holds(self, text: str) -> bool:
        """Whether a compact text contains the string."""
        return self.needle in text

    def check(self, texts: TextCache, searcher, docnums: np.ndarray) -> np.ndarray:
        """For each of a leaf searcher's documents, whether its text holds the string."""
        return texts.contains(searcher, docnums, self.needle, self.part)

    def matcher(self, searcher, context=None):
        child = self._candidates(searcher.reader()).matcher(searcher, context)
        if not child.is_active() or not self.verify:
            return child
        part, texts = self.part, texts_of(searcher)
        return VerifyMatcher(child, lambda docnum: self.holds(texts.get(searcher, docnum, part)))


class SlotString(ExactString):
    """Articles whose text holds literal parts in order with a short gap between them, as a
    regular expression says (:meth:`search_app.abbreviations.Form.pattern`: 政协…市委员会):
    the parts' bigrams give the candidates, the compact text decides."""

    def __init__(self, fieldname: str, text: str, parts: tuple[str, ...], pattern: re.Pattern[str],
                 part: str = "all", boost: float = 1.0) -> None:
        super().__init__(fieldname, text, part, boost)
        self.pattern = pattern
        self.grams = [g for p in parts for g in bigrams_of(p)]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SlotString) and super().__eq__(other) and self.pattern == other.pattern

    def __hash__(self) -> int:
        return hash((super().__hash__(), self.pattern.pattern))

    def __repr__(self) -> str:
        return f"SlotString({self.fieldname!r}, {self.text!r}, part={self.part!r})"

    def holds(self, text: str) -> bool:
        return self.pattern.search(text) is not None

    def check(self, texts: TextCache, searcher, docnums: np.ndarray) -> np.ndarray:
        return np.fromiter((self.holds(texts.get(searcher, d, self.part)) for d in docnums.tolist()),
                           dtype=bool, count=len(docnums))
