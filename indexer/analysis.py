"""Whoosh tokenizers for Chinese text.

Two analyzers index every article:

* :class:`JiebaTokenizer` — jieba words, for BM25F ranking and word-level matching.
* :class:`CharBigramTokenizer` — overlapping character bigrams, for exact-string recall:
  any string of two or more characters that occurs in the text is a phrase of
  consecutive bigrams, whatever jieba does with it in the query or in the text.

Both honour Whoosh's tokenizer contract: ``pos`` is the token ordinal (so phrase
queries work), ``startchar``/``endchar`` are character offsets into the value,
``start_pos``/``start_char`` shift them, ``tokenize=False`` yields the value as one
token. They live at a stable import path because the schema (analyzers included) is
pickled into the index, and they hold no state: the jieba tokenizer is looked up in
:mod:`indexer.segment` at call time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from whoosh.analysis import Composable, Token, Tokenizer

from . import segment
from .normalize import normalize


_WORD_CHAR = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaffA-Za-z0-9]")
"""A character :func:`is_word_char` accepts."""


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def is_word_char(ch: str) -> bool:
    """Characters that make up searchable units: Han, ASCII letters and digits."""
    return is_han(ch) or ch.isascii() and ch.isalnum()


def char_units(text: str) -> Iterator[tuple[str, int, int, bool]]:
    """Split normalised text into units for the bigram field.

    Each Han character is a unit; a run of ASCII letters/digits is one unit (``60``,
    ``gdp``). Whitespace is skipped without breaking a run (OCR puts spaces and line
    breaks inside words); any other character breaks the run. Yields
    ``(unit, start, end, starts_new_run)``.
    """
    i = 0
    n = len(text)
    new_run = True
    while i < n:
        ch = text[i]
        if is_han(ch):
            yield ch, i, i + 1, new_run
            new_run = False
            i += 1
        elif ch.isascii() and ch.isalnum():
            j = i
            while j < n and text[j].isascii() and text[j].isalnum():
                j += 1
            yield text[i:j], i, j, new_run
            new_run = False
            i = j
        elif ch.isspace():
            i += 1
        else:
            new_run = True
            i += 1


class _ContractTokenizer(Tokenizer):
    """Whoosh's tokenizer contract, once: subclasses only say which terms a text has.

    ``_terms(norm)`` yields ``(text, start, end, ordinal)`` for the normalised value, with
    ordinals counting from 0 (gaps allowed, to stop phrases spanning punctuation).
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def _terms(self, norm: str) -> Iterator[tuple[str, int, int, int]]:
        raise NotImplementedError

    def term_counts(self, value: str) -> dict[str, int]:
        """term -> frequency of a value, as indexing reads it (Whoosh's ``Frequency``
        format counts the same terms), without a token object per term."""
        return Counter(text for text, _start, _end, _ordinal in self._terms(normalize(value)))

    def __call__(  # noqa: PLR0913 - Whoosh's contract
        self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
        removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
        mode: str = "", **kwargs,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = value
            t.text = normalize(value)
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        for text, start, end, ordinal in self._terms(normalize(value)):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + ordinal
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


class JiebaTokenizer(_ContractTokenizer):
    """Word tokens from jieba, normalised (full-width -> half-width, lower case)."""

    def _terms(self, norm: str) -> Iterator[tuple[str, int, int, int]]:
        ordinal = 0
        for word, start, end in segment.current().tokenize(norm):
            if not any(is_word_char(c) for c in word):
                continue  # punctuation and whitespace are not terms
            yield word.strip(), start, end, ordinal
            ordinal += 1

    def term_counts(self, value: str) -> dict[str, int]:
        has_word_char = _WORD_CHAR.search
        return Counter(w.strip() for w in segment.current().words(normalize(value)) if has_word_char(w))


class CharBigramTokenizer(_ContractTokenizer):
    """Overlapping bigrams of :func:`char_units`; a run of one unit yields the unit itself."""

    def _terms(self, norm: str) -> Iterator[tuple[str, int, int, int]]:
        ordinal = 0
        prev: tuple[str, int, int] | None = None
        prev_emitted = True
        for unit, start, end, new_run in char_units(norm):
            if new_run:
                if prev is not None and not prev_emitted:
                    yield prev[0], prev[1], prev[2], ordinal
                    ordinal += 1
                if prev is not None:
                    ordinal += 1  # a gap: no phrase may span punctuation
                prev, prev_emitted = (unit, start, end), False
                continue
            assert prev is not None
            yield prev[0] + unit, prev[1], end, ordinal
            ordinal += 1
            prev, prev_emitted = (unit, start, end), True
        if prev is not None and not prev_emitted:
            yield prev[0], prev[1], prev[2], ordinal


def word_analyzer() -> Composable:
    return JiebaTokenizer()


def bigram_analyzer() -> Composable:
    return CharBigramTokenizer()


def bigrams_of(text: str) -> list[str]:
    """The bigram terms of a query string, in order (as indexed by :class:`CharBigramTokenizer`)."""
    return [t.text for t in CharBigramTokenizer()(text)]
