"""Articles that hold part of the query: the loose reading below the strict one.

The strict reading requires every word of the query (:mod:`search_app.query`). A reader who
types a topic (``农村人居环境整治提升``) or a question (``两会选举新区长``) also wants the
articles that print most of the words, or the parts of a compound word (jieba's search-mode
sub-words: 生态环境 → 生态 / 环境), when all the words together find few. This module says
which words a query has (:func:`loose_reading`), how much of them an article holds
(:class:`LooseReading.coverage`) and which are missing from it; the engine lists those
articles after the strict matches and says how many there are ("另有 N 篇包含部分检索词").

What stays strict: quoted strings, headline-only terms, ``OR`` groups and ``-`` exclusions
(a reader who wrote them asked for exactly that), and every filter.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from indexer import segment
from indexer.analysis import is_han

from .query import (
    NO_HINTS, ParsedQuery, QueryHints, Term, char_query, group_query, is_single_char, term_query, tokens_query,
    word_query,
)

ENOUGH = 20
"""Strict matches that are enough: with fewer, the articles holding part of the query are
listed after them (two result pages; a reader who finds 20 articles with every word is
served by them, and the loose reading costs a query per word)."""

SHARE = 0.5
NEEDED_AT_MOST = 2.0
"""How much of a query's words an article must hold to be listed as a partial match: half
of them (1 of 2, 1.5 of 3: a word and half of a compound's parts; a single compound word
needs all its parts), but never more than two words (a six-word topic query lists articles
holding two of them). They are listed by how much they hold, the fullest first, so that a
low threshold only lengthens the tail of the list."""


@dataclass(frozen=True)
class Unit:
    """One word of the query as the loose reading counts it: the word itself counts 1, an
    article holding only some of its sub-words counts the share of them it holds."""

    word: str
    parts: tuple[str, ...] = ()


FUNCTION_TAGS = ("r", "u", "y", "c", "p", "e", "o", "d")
"""jieba's part-of-speech tags of words a question is built with but an article is not
found by: pronouns (怎么, 什么), particles (的, 了), modal words (吗), conjunctions, prepositions,
interjections, onomatopoeia, adverbs (如何 is r, 进一步 d)."""

CONTENT_CHAR_TAGS = ("n", "j", "s", "t")
"""Tags of single characters that are words worth finding alone (徽, 煤: nouns, short names,
places, times); a single-character verb (是, 来, 有) is not."""


@functools.cache
def _dictionary_tags() -> dict[str, str]:
    """The tags of jieba's dictionary that the rules ask about: every single character's,
    every function word's and every verb's (0.4 s, once per process; jieba's own tagger
    reads the whole table into objects in ~1.5 s)."""
    import jieba

    with jieba.get_dict_file() as fh:
        text = fh.read().decode("utf-8")
    asked = "".join(FUNCTION_TAGS) + "v"
    tags = dict(re.findall(rf"^(\S+) \d+ ([{asked}]\w*)\r?$", text, re.M))
    tags.update(re.findall(r"^(\S) \d+ (\S+)\r?$", text, re.M))
    return tags


def word_tag(word: str) -> str:
    """The word's part of speech in jieba's dictionary where it is a single character, a
    function word or a verb; ``x`` otherwise (nouns, names, words jieba does not know)."""
    return _dictionary_tags().get(word, "x")


def is_function_word(word: str) -> bool:
    return word_tag(word).startswith(FUNCTION_TAGS)


def is_content_char(word: str) -> bool:
    return len(word) == 1 and is_han(word) and word_tag(word).startswith(CONTENT_CHAR_TAGS)


def loose_words(text: str) -> list[str]:
    """The words of a typed chunk the loose reading counts: the dictionary's words (no
    guessed joins of unknown characters: 太原市徽是 is 太原市 / 徽 / 是, not 太原市 / 徽是),
    without function words and single characters that are not nouns."""
    out = []
    for w in segment.current().jieba.lcut(text, HMM=False):
        w = w.strip()
        if not w or not any(c.isalnum() for c in w) or is_function_word(w):
            continue
        if len(w) == 1 and is_han(w) and not is_content_char(w):
            continue
        out.append(w)
    return out


def sub_words(word: str) -> tuple[str, ...]:
    """The sub-words of a compound (jieba's search mode: 环境保护 → 环境 / 保护), of at
    least two characters; none for a word of two characters or a non-Han word."""
    if len(word) < 3 or not all(is_han(c) for c in word):
        return ()
    parts = [w for w in segment.current().jieba.cut_for_search(word) if w != word and len(w) >= 2 and w in word]
    return tuple(dict.fromkeys(parts))


@dataclass
class LooseReading:
    """The words of a query that the loose reading counts, and what stays required."""

    units: list[Unit]
    required: list[list[Term]]  # groups that stay strict (quoted, headline-only, OR groups)
    excluded: list[Term]

    @property
    def needed(self) -> float:
        """How much of the units an article must hold (see :data:`NEEDED_AT_MOST`)."""
        return max(1.0, min(NEEDED_AT_MOST, len(self.units) * SHARE))

    def words(self) -> list[str]:
        return [u.word for u in self.units]

    def strings(self) -> list[str]:
        """Everything the loose reading matches on, to highlight."""
        return [s for u in self.units for s in (u.word, *u.parts)]

    def queries(self, hints: QueryHints = NO_HINTS) -> dict[str, wq.Query]:
        """One query per word and sub-word (each also as an exact string: a string that is
        in the text finds the article, whatever jieba does with it there; a character, every
        article holding it)."""
        out: dict[str, wq.Query] = {}
        words = set(self.words())
        for s in dict.fromkeys(self.strings()):
            if s in words:  # as a typed term matches: with its other forms and a place's region tag
                out[s] = term_query(Term(text=s, words=[s]), hints)
            else:
                out[s] = char_query(s, False, hints) if is_single_char(s) else word_query(s)
        return out

    def scoring_query(self) -> wq.Query:
        """The words and sub-words as plain word tokens (BM25F): the ranking among articles
        that hold as much of the query."""
        return wq.Or([tokens_query(s) for s in dict.fromkeys(self.strings())])

    def required_query(self, hints: QueryHints = NO_HINTS) -> wq.Query | None:
        clauses = [group_query(group, hints) for group in self.required]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else wq.And(clauses)

    def excluded_query(self, hints: QueryHints = NO_HINTS) -> wq.Query | None:
        if not self.excluded:
            return None
        return wq.Or([term_query(t, hints) for t in self.excluded])

    def coverage(self, found: dict[str, np.ndarray], size: int) -> np.ndarray:
        """For every document number, how much of the units it holds (``found``: each
        string's matching documents)."""
        total = np.zeros(size)
        for u in self.units:
            whole = np.zeros(size)
            whole[found[u.word]] = 1.0
            if u.parts:
                share = np.zeros(size)
                for p in u.parts:
                    share[found[p]] += 1.0 / len(u.parts)
                whole = np.maximum(whole, share)
            total += whole
        return total

    def missing(self, docnum: int, found: dict[str, np.ndarray]) -> list[str]:
        """The words an article does not hold (for the reader: 缺少 …)."""
        def has(s: str) -> bool:
            ids = found[s]
            i = int(np.searchsorted(ids, docnum))
            return i < len(ids) and int(ids[i]) == docnum

        return [u.word for u in self.units if not has(u.word) and not (u.parts and all(has(p) for p in u.parts))]


def loose_reading(parsed: ParsedQuery) -> LooseReading | None:
    """The loose reading of a query, or None when it has nothing looser to find (one word
    without sub-words, or only quoted strings)."""
    units: list[Unit] = []
    required: list[list[Term]] = []
    for group in parsed.groups:
        if len(group) > 1 or group[0].exact or group[0].title_only:
            required.append(group)
            continue
        for w in loose_words(group[0].text):
            units.append(Unit(w, sub_words(w)))
    units = list({u.word: u for u in units}.values())
    if not units or (len(units) == 1 and not units[0].parts):
        return None
    return LooseReading(units, required, parsed.excluded)
