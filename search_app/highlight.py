"""Snippets and full-text highlighting from the stored text.

We mark whole occurrences of the query's strings, longest first, in the normalised
text (same length as the stored text, so offsets carry over), and HTML-escape
everything else. A short query word is never marked inside a longer marked string,
and nothing outside ``<mark>`` is trusted markup.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from html import escape

from indexer.normalize import normalize


_WS_RE = re.compile(r"\s+")
MAX_SCAN = 200_000
"""Characters of a text searched for matches (an article longer than this is a parse failure,
reported at indexing); the rest is shown escaped and unmarked."""
MAX_SPANS = 2000
"""Spans marked in one text at most: a page of a million matches must not make every query slow
(the rest of the text is still shown, escaped, unmarked)."""


def _compact(norm: str):
    """The text without whitespace, and a function from its offsets back to the text's (one
    bisection over the whitespace runs, so a long page costs one pass, not a list per character)."""
    runs = [(m.start(), m.end() - m.start()) for m in _WS_RE.finditer(norm)]
    if not runs:
        return norm, lambda i: i
    starts, shifts, removed = [], [], 0
    for pos, length in runs:
        starts.append(pos - removed)  # where the run sits in the compact text
        removed += length
        shifts.append(removed)

    def to_text(i: int) -> int:
        k = bisect_right(starts, i)
        return i + (shifts[k - 1] if k else 0)

    return _WS_RE.sub("", norm), to_text


def find_spans(text: str, strings: list[str], limit: int = MAX_SPANS) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of ``strings`` in ``text``, longest strings first, at
    most ``limit`` of them.

    Whitespace is ignored on both sides (OCR breaks lines inside words: ``副市长王\n帮富``; pinyin
    glosses are blanked by :func:`normalize`: ``經(jīng)濟``), so a span may include it."""
    norm = normalize(text[:MAX_SCAN])
    compact, to_text = _compact(norm)
    taken = [False] * len(compact)
    spans: list[tuple[int, int]] = []
    for s in sorted({"".join(normalize(x).split()) for x in strings if x}, key=len, reverse=True):
        if not s:
            continue
        start = compact.find(s)
        while start != -1 and len(spans) < limit:
            end = start + len(s)
            if not any(taken[start:end]):
                spans.append((to_text(start), to_text(end - 1) + 1))
                for i in range(start, end):
                    taken[i] = True
            start = compact.find(s, start + 1)
    return sorted(spans)


def mark(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    """Escape ``text`` and wrap the spans (relative to ``offset``) in <mark>."""
    out: list[str] = []
    pos = 0
    for start, end in spans:
        start -= offset
        end -= offset
        if end <= 0 or start >= len(text):
            continue
        start, end = max(start, 0), min(end, len(text))
        out.append(escape(text[pos:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def highlight_all(text: str, strings: list[str]) -> str:
    return mark(text, find_spans(text, strings))


def snippet(text: str, strings: list[str], width: int = 120) -> str:
    """The window of ``text`` with the most distinct matches, escaped and marked.

    One pass over the spans (a sliding window, at most :data:`MAX_SPANS` of them): linear in the
    matches of the article, not quadratic."""
    flat = text.replace("\n", " ")
    spans = find_spans(flat, strings)
    if not spans:
        cut = flat[:width]
        return escape(cut) + ("…" if len(flat) > width else "")
    words = [flat[a:b] for a, b in spans]
    counts: dict[str, int] = {}
    best_start, best_score = 0, -1
    lo = hi = 0  # spans[lo:hi] lie inside the current window

    def add(k: int) -> None:
        counts[words[k]] = counts.get(words[k], 0) + 1

    def drop(k: int) -> None:
        counts[words[k]] -= 1
        if not counts[words[k]]:
            del counts[words[k]]

    for s, _e in spans:
        start = max(0, s - width // 4)  # windows start a quarter width before a match
        while hi < len(spans) and spans[hi][1] <= start + width:
            add(hi)
            hi += 1
        while lo < hi and spans[lo][0] < start:
            drop(lo)
            lo += 1
        score = len(counts) * 10 + (hi - lo)
        if score > best_score:
            best_start, best_score = start, score
    window = flat[best_start: best_start + width]
    inner = [(a, b) for a, b in spans if a >= best_start and b <= best_start + width]
    return ("…" if best_start > 0 else "") + mark(window, inner, offset=best_start) + (
        "…" if best_start + width < len(flat) else "")
