"""Where a one-character query stands as a word: 晋 in 来晋考察 or 晋蒙两地, not in 晋城市.

Every article holding the character matches a one-character query
(:func:`search_app.query.char_query`); a reader who types 晋 or 汾 means the character as a
word of its own (the province's short name, the river), so articles that use it so rank
first. An occurrence is a word use when no dictionary word of two to four characters
around it covers it (晋城, 晋中市 and an official's name 李晋平 do; 来晋 and 晋蒙 are no words).
Counting reads the article's compact text, so only the :data:`CHECKED` newest matches are
counted; the others keep their order (newest first).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

CHECKED = 1000
"""Matches whose text is read to count word uses (~20 µs each: a tenth of the time of a
one-character query over 100,000 articles)."""

WORD_USE_BOOST = 10.0
"""Added to the score of an article using the character as a word, plus a tenth of that
for each further use (up to ten): above the articles that hold it only inside words or in
its function-word sense (a one-term BM25F score stays below it)."""

LONGEST_WORD = 4


def word_uses(text: str, char: str, is_word: Callable[[str], bool],
              function_use: Callable[[str, int], bool] | None = None) -> int:
    """How many times ``char`` stands as a word in ``text`` (compact: no whitespace);
    ``function_use(text, i)`` says whether the occurrence at ``i`` is the character's
    function-word sense (see :func:`before_a_verb`), which does not count."""
    uses = 0
    start = text.find(char)
    while start >= 0:
        covered = any(is_word(text[s:s + n])
                      for n in range(2, LONGEST_WORD + 1)
                      for s in range(max(0, start - n + 1), start + 1)
                      if s + n <= len(text))
        if not covered and not (function_use is not None and function_use(text, start)):
            uses += 1
        start = text.find(char, start + 1)
    return uses


VERB_LIKE_TAGS = ("v", "p", "d", "c")
"""What follows a conjunction or preposition used as one: a verb (并表示), a preposition (并在),
an adverb (并将), another conjunction."""

BEFORE_A_NAME_TAGS = ("p", "v")
"""What a place's one-character name follows inside a sentence: a preposition or a verb
(在并期间, 来晋, 驻并); after a noun (大会并讲话) the character is a conjunction again."""


def function_sense(prev_word: Callable[[str, int], str], next_word: Callable[[str, int], str],
                   tag: Callable[[str], str]) -> Callable[[str, int], bool]:
    """For a character that is mostly a function word (并, 及, 和: jieba tags it c/p/d/u):
    whether an occurrence is that function word rather than the name or noun the reader
    typed. It is, when a verb-like word follows (并在主席台就座, 并表示) or when inside a
    sentence it follows anything but a preposition or verb (大会并讲话); 在并期间 and
    （双塔、并字） are 太原's short name."""
    def check(text: str, i: int) -> bool:
        following = next_word(text, i + 1)
        if not following or tag(following).startswith(VERB_LIKE_TAGS):
            return True
        before = prev_word(text, i)
        return bool(before) and any(c.isalnum() for c in before[-1]) and not tag(before).startswith(BEFORE_A_NAME_TAGS)
    return check


def boosts(uses: np.ndarray) -> np.ndarray:
    """The score added for each article's count of word uses."""
    return np.where(uses > 0, WORD_USE_BOOST * (1.0 + 0.1 * np.minimum(uses - 1, 10)), 0.0)
