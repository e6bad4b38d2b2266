"""The one place where jieba is loaded.

jieba's module-level default tokenizer is global state that loads lazily on first use
and cannot be told apart from other configurations. jinbao instead builds one
``jieba.Tokenizer`` explicitly, with the user dictionary the index was built with
(gazetteer names, officials), via :func:`configure`, and the analyzers look it up
with :func:`current`. Indexing and querying therefore segment text the same way.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable, Iterator

import jieba

from . import normalize

_lock = threading.Lock()
_current: Segmenter | None = None


class Segmenter:
    """A configured jieba tokenizer plus the fingerprint of its user dictionary."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        words = sorted({w.strip() for w in user_words if w and w.strip()})
        self.fingerprint = self.fingerprint_of(words)
        self.user_words = words
        jieba.setLogLevel(logging.WARNING)
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        for word in words:
            self._tokenizer.add_word(word, freq=max(self._tokenizer.suggest_freq(word), 1000))

    @staticmethod
    def fingerprint_of(user_words: Iterable[str]) -> str:
        words = sorted({w.strip() for w in user_words if w and w.strip()})
        return hashlib.sha256("\n".join(words).encode("utf-8")).hexdigest()[:16]

    @property
    def jieba(self) -> jieba.Tokenizer:
        """The underlying jieba tokenizer (for POS tagging in the extractors)."""
        return self._tokenizer

    def add_words(self, words: Iterable[str]) -> list[str]:
        """Add words to the live dictionary (new officials found while indexing); returns those added."""
        added = []
        known = set(self.user_words)
        for word in {w.strip() for w in words if w and w.strip()} - known:
            self._tokenizer.add_word(word, freq=max(self._tokenizer.suggest_freq(word), 1000))
            added.append(word)
        if added:
            self.user_words = sorted(known | set(added))
            self.fingerprint = self.fingerprint_of(self.user_words)
        return added

    def tokenize(self, text: str) -> Iterator[tuple[str, int, int]]:
        """(word, start, end) for every segment of ``text``, offsets into ``text``."""
        return self._tokenizer.tokenize(text, HMM=True)

    def words(self, text: str) -> list[str]:
        """The words of ``text`` (the words :meth:`tokenize` gives, without offsets)."""
        return self._tokenizer.lcut(text, HMM=True)

    def cut(self, text: str) -> list[str]:
        return [w for w, _, _ in self.tokenize(text)]


def configure(user_words: Iterable[str] = ()) -> Segmenter:
    """Build the process-wide segmenter (replacing any earlier one) and return it."""
    global _current
    normalize.load_tables()
    segmenter = Segmenter(user_words)
    with _lock:
        _current = segmenter
    return segmenter


def ensure(user_words: Iterable[str]) -> Segmenter:
    """The process-wide segmenter with at least ``user_words`` in its dictionary: loads
    jieba the first time, afterwards only adds missing words (cheap)."""
    if _current is None:
        return configure(user_words)
    _current.add_words(user_words)
    return _current


def current() -> Segmenter:
    """The configured segmenter; raises if :func:`configure` was never called."""
    if _current is None:
        raise RuntimeError("jieba is not configured: call indexer.segment.configure() first")
    return _current


def is_configured(fingerprint: str | None = None) -> bool:
    return _current is not None and (fingerprint is None or _current.fingerprint == fingerprint)
