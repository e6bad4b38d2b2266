"""Snippets and full-text highlighting from the stored text.

We mark whole occurrences of the query's strings, longest first, in the normalised
text (same length as the stored text, so offsets carry over), and HTML-escape
everything else. A short query word is never marked inside a longer marked string,
and nothing outside ``<mark>`` is trusted markup.
"""

from __future__ import annotations

from html import escape

from indexer.normalize import normalize


def find_spans(text: str, strings: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of ``strings`` in ``text``, longest strings first.

    Whitespace is ignored on both sides (OCR breaks lines inside words: ``副市长王\n帮富``; pinyin
    glosses are blanked by :func:`normalize`: ``經(jīng)濟``), so a span may include it."""
    norm = normalize(text)
    keep = [i for i, ch in enumerate(norm) if not ch.isspace()]
    compact = "".join(norm[i] for i in keep)
    taken = [False] * len(compact)
    spans: list[tuple[int, int]] = []
    for s in sorted({"".join(normalize(x).split()) for x in strings if x}, key=len, reverse=True):
        if not s:
            continue
        start = compact.find(s)
        while start != -1:
            end = start + len(s)
            if not any(taken[start:end]):
                spans.append((keep[start], keep[end - 1] + 1))
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
    """The window of ``text`` with the most distinct matches, escaped and marked."""
    flat = text.replace("\n", " ")
    spans = find_spans(flat, strings)
    if not spans:
        cut = flat[:width]
        return escape(cut) + ("…" if len(flat) > width else "")
    best_start, best_score = 0, -1
    for s, _e in spans:
        start = max(0, s - width // 4)
        inside = {flat[a:b] for a, b in spans if a >= start and b <= start + width}
        score = len(inside) * 10 + sum(1 for a, b in spans if a >= start and b <= start + width)
        if score > best_score:
            best_start, best_score = start, score
    window = flat[best_start: best_start + width]
    inner = [(a, b) for a, b in spans if a >= best_start and b <= best_start + width]
    return ("…" if best_start > 0 else "") + mark(window, inner, offset=best_start) + (
        "…" if best_start + width < len(flat) else "")
