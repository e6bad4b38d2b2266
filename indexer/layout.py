"""Turn a page's raw lines into paragraphs.

Page texts come from OCR of narrow newspaper columns: a hard line break every ~15
characters (even inside names and numbers), blank lines where a column ends in the
middle of a sentence, and spaces the OCR put between Han characters and digits.
Other pages hold one paragraph per line. The rules here are about the *shape* of
lines (width relative to their neighbours, final punctuation, indentation), never about
the words of a particular page.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, field

from .furniture import PageElement, find_furniture
from .normalize import plain

TERMINAL_PUNCT = "。！？!?…；;：:"
CLOSING_QUOTES = "”’」』）)】"
HEADING_RE = re.compile(r"^(#{1,6})\s*(.*?)\s*#*$")
LIST_ITEM_RE = re.compile(r"^[-*•·]\s+")
INDENT_RE = re.compile(r"^[ \t\u3000]+\S")
COLUMN_LABEL_RE = re.compile(r"^\s*(?:I\s*\S.{0,20}\S\s*I|【[^】]{1,20}】|「[^」]{1,20}」)\s*$")
MARKER_LINE_RE = re.compile(r"^\s*[（(]\s*[上下]?\s*[接转]\s*第?\s*\S{1,3}\s*版\s*[）)]\s*$")
STANDALONE_RE = re.compile(
    r"^\s*(?:本报讯|本报[^\s，,。]{0,12}电|新华社|[□■◎●]?\s*(?:本报)?(?:记者|通讯员)\s|本报(?:记者|通讯员)\s)"
)
MAX_COLUMN_WIDTH = 50
"""Wider lines are not OCR column lines but whole paragraphs."""
ATTENDANCE_RE = re.compile(
    r"^(?:[\u4e00-\u9fff·]{2,6}(?:[、，,][\u4e00-\u9fff·]{2,4})*"
    r"(?:主持并讲话|出席并讲话|出席并致辞|主持|出席|参加|讲话|致辞|作安排|作部署|提出工作要求|提出要求|调研|会见|看望|陪同)"
    r"(?:会议并讲话|会议|活动)?\s*)+$"
)
SOURCE_LINE_RE = re.compile(
    r"^\s*(?:据《[^》]{1,12}》|《[^》]{1,12}》.{0,16}(?:刊发|刊登|转载|报道)|(?:来源|稿源)[:：].{1,20})\s*$"
)
LEAD_LINE_RE = re.compile(r"^\s*(?:本报讯|本报[^\s，,。]{0,12}电|新华社)")
HAN_SPACE_HAN_RE = re.compile(r"[\u4e00-\u9fff][ \u3000]+[\u4e00-\u9fff]")

_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef“”‘’—…·、，。：；！？（）《》【】"
_SPACE_NEAR_HAN_RE = re.compile(
    rf"(?<=[\u3400-\u9fff{_CJK_PUNCT}])[ \t\u3000\u00a0]+|[ \t\u3000\u00a0]+(?=[\u3400-\u9fff{_CJK_PUNCT}])"
)
_SPACE_NEAR_PUNCT_OR_DIGIT_RE = re.compile(
    rf"(?<=[0-9{_CJK_PUNCT}])[ \t\u3000\u00a0]+|[ \t\u3000\u00a0]+(?=[0-9{_CJK_PUNCT}])"
)


@dataclass
class Paragraph:
    """A run of joined lines. ``heading`` is the markdown level (1–6) or 0.

    ``text`` has the OCR spaces next to Han characters removed (body text);
    ``display`` keeps one space between two Han phrases (headline typography:
    ``压紧压实责任 加大推进力度``).
    """

    text: str
    heading: int = 0
    blank_before: int = 0  # blank lines that preceded it in the page
    line_no: int = 0  # 1-based line of its first line
    list_item: bool = False
    indented: bool = False
    display: str = ""
    column: bool = False  # the page is OCR of narrow columns (not one paragraph per line)
    norm: str = field(default="", compare=False)  # what the rules read: glosses removed, simplified
    after_furniture: bool = field(default=False, compare=False)  # page furniture stood right before it
    run_in: bool = field(default=False, compare=False)  # a run-in headline cut off its paragraph

    def __post_init__(self) -> None:
        if not self.display:
            self.display = self.text
        self.norm = plain(self.text)

    @property
    def norm_display(self) -> str:
        return plain(self.display)


def char_width(ch: str) -> float:
    """Display width in 'Han character' units: wide/fullwidth = 1, the rest = 0.5."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5


# The East Asian Wide and Fullwidth blocks (what unicodedata.east_asian_width calls W and F),
# so that a line's width is one regular-expression pass instead of a lookup per character.
_WIDE_RE = re.compile(
    "[\u1100-\u115f\u231a\u231b\u2329\u232a\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653"
    "\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5\u26fa\u26fd"
    "\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55"
    "\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3"
    "\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\U0001f000-\U0001faff\U00020000-\U0003fffd]"
)


def text_width(s: str) -> float:
    """Display width of a line in 'Han character' units (:func:`char_width`, summed)."""
    s = s.strip()
    narrow = len(_WIDE_RE.sub("", s))
    return len(s) - 0.5 * narrow


def tidy_spaces(s: str) -> str:
    """Drop spaces that touch Han characters or CJK punctuation (OCR artefacts); keep latin spacing."""
    s = s.replace("\u00a0", " ")
    s = _SPACE_NEAR_HAN_RE.sub("", s)
    return re.sub(r"[ \t]{2,}", " ", s).strip()


def tidy_headline(s: str) -> str:
    """Headline text: one space between Han phrases kept, spaces next to punctuation/digits dropped."""
    s = re.sub(r"[ \t\u3000\u00a0]+", " ", s).strip()
    return _SPACE_NEAR_PUNCT_OR_DIGIT_RE.sub("", s)


def ends_sentence(s: str) -> bool:
    """True when the line ends a sentence (optionally followed by closing quotes/brackets)."""
    s = s.rstrip()
    stripped = s.rstrip(CLOSING_QUOTES)
    if stripped and stripped[-1] in TERMINAL_PUNCT:
        return True
    credit = re.search(r"[。！？!?][”’]?\s*[（(][^（）()]{1,30}[）)]$", s)
    if credit:
        return True  # …确认。（李茜 赵素宾）: a credit after the last sentence
    # （下转第4版） style markers end a paragraph too
    return bool(re.search(r"[（(][上下]?[转接]第?\s*\S{1,3}\s*版[）)]$", s))


def column_widths(lines: list[str], widths: list[float | None], i: int, k: int = 3,
                  next_line_counts: bool = True) -> list[float]:
    """Candidate column widths for line ``i``: the median width of line ``i`` and up to
    ``k`` lines of the same paragraph before it (stopping at a sentence end or a standalone line) and
    of the ``k`` lines after it; a side with a long line is prose, not a column. Narrow
    boxes (a 9-character table inside a 15-character column) and the lines next to
    headlines are then judged against their own column."""
    before: list[float] = [widths[i]] if widths[i] else []
    j = i - 1
    while j >= 0 and len(before) < k:
        if widths[j]:
            if ends_sentence(lines[j]) or is_standalone_line(lines[j]) or (
                    STANDALONE_RE.match(lines[j]) and not LEAD_LINE_RE.match(lines[j])):
                break  # the previous paragraph, a credit or a byline: another column run
            before.append(widths[j])  # type: ignore[arg-type]
            if LEAD_LINE_RE.match(lines[j]):
                break  # a lead opens its paragraph
        j -= 1
    after = [w for w in widths[i + 1: i + 1 + 2 * k] if w][:k]
    sides = [statistics.median(ws) for ws in (before, after) if len(ws) >= 2 and max(ws) <= MAX_COLUMN_WIDTH]
    if next_line_counts and len(before) == 1 and after and after[0] <= MAX_COLUMN_WIDTH:
        sides.append(after[0])  # a paragraph's first line where the column width changes below it
    return sides


def is_standalone_line(line: str) -> bool:
    """Lines that never join their neighbours: headings, list items, column labels,
    jump markers, leads and bylines."""
    s = line.strip()
    return bool(
        HEADING_RE.match(s) or LIST_ITEM_RE.match(s) or COLUMN_LABEL_RE.match(s) or MARKER_LINE_RE.match(s)
        or SOURCE_LINE_RE.match(s)
    )


def should_join(
    prev: str, nxt: str, blanks: int, prev_w: float, col_ws: list[float], next_w: float, prev_first: bool = False,
    so_far: str = "",
) -> bool:
    """Decide whether line ``nxt`` continues the paragraph that ends with line ``prev``.

    A wrapped column line is (nearly) as wide as its column and does not end a
    sentence; OCR puts blank lines between columns, so a full line may continue
    across one or two blank lines. One-paragraph-per-line pages have long lines that
    only break mid-sentence when the source hard-wrapped them.
    """
    if is_standalone_line(prev) or is_standalone_line(nxt) or STANDALONE_RE.match(nxt):
        return False
    if nxt.lstrip().startswith(("——", "—")):
        return False  # a dash deck under a headline
    if INDENT_RE.match(nxt):
        return False
    if ends_sentence(prev) or blanks > 2:
        return False
    if blanks and (HAN_SPACE_HAN_RE.search(prev) or HAN_SPACE_HAN_RE.search(nxt)):
        return False  # spaced phrases are headline typography, not wrapped body text
    if blanks and len(so_far) >= 16 and not re.search(r"[，,。、；;：:！？!?）)”]", so_far):
        return False  # two lines without a mark are a headline, not a sentence broken by a column end
    if ATTENDANCE_RE.match(nxt.strip()) and "召开" not in nxt:
        return False  # a deck line (X主持 Y参加) under a headline
    # a paragraph's first line is indented by about two characters (within a column only)
    slack = 3.5 if prev_first and blanks == 0 else 1.5
    if any(col_w >= 6 and col_w - slack <= prev_w <= col_w + 3 for col_w in col_ws):
        return True
    if blanks == 0:
        # hard wrap in a long-line page (prose line broken mid-sentence)
        if prev_w >= 25:
            return True
        if prev.rstrip()[-1:] in "，、,":
            return True
    return False


COLUMN_MIN_LINES = 6


def is_column_text(lines: list[str]) -> bool:
    """Whether a page is OCR of narrow columns (a hard break every ~15 characters) rather than
    one paragraph per line, from its own line-length statistics: most lines are within a
    couple of characters of the width of a full line, that width is narrow and almost no
    line is wider than a column."""
    widths = sorted(text_width(line) for line in lines if line.strip())
    if len(widths) < COLUMN_MIN_LINES:
        return False
    full = widths[int(0.8 * (len(widths) - 1))]  # the width of a full column line
    near = sum(1 for w in widths if abs(w - full) <= 2.5) / len(widths)
    wide = sum(1 for w in widths if w > MAX_COLUMN_WIDTH) / len(widths)
    return full <= 40 and near >= 0.45 and wide <= 0.1


_NUMBERED_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.、．])")
_CLAUSE_MARKS = re.compile(r"[，,、；;：:]")
_SENTENCE_MARKS = re.compile(r"[，,。；;！？!?]")


def _outside_quotes(s: str) -> str:
    return re.sub(r"“[^“”]*”|\"[^\"]*\"|《[^《》]*》|「[^「」]*」", "", s)


def continues_across_break(prev: str, nxt: str, blanks: int) -> bool:
    """On a one-paragraph-per-line page, does ``nxt`` continue the sentence ``prev`` broke off?

    A column or page break inside a sentence (``…强化资金保`` / blank line / ``障，依法…``)
    leaves a prose line without final punctuation; a headline has none either, but it rarely
    has a clause mark. So: ``prev`` does not end a sentence and is prose (a clause mark outside
    quotes, or wider than a column), and ``nxt`` reads as prose too (it has sentence
    punctuation or ends a sentence), across at most two blank lines and no page furniture."""
    if blanks > 2 or ends_sentence(prev) or is_standalone_line(nxt) or STANDALONE_RE.match(nxt):
        return False
    if is_standalone_line(prev) or nxt.lstrip().startswith(("——", "—")) or INDENT_RE.match(nxt) and blanks:
        return False
    p = prev.strip()
    if _NUMBERED_RE.match(p) and len(p) <= 20:
        return False  # 二、举报方式: a numbered heading stands alone
    p = _NUMBERED_RE.sub("", p)
    if p[-1:] in "，、,":
        return not blanks or bool(_SENTENCE_MARKS.search(nxt))
    if blanks and two_clause_headline(_outside_quotes(p)):
        return False  # 蓝某当选…主任，金某当选…省长: a headline of two clauses
    prose = bool(_CLAUSE_MARKS.search(_outside_quotes(p))) or text_width(p) > MAX_COLUMN_WIDTH
    return prose and bool(_SENTENCE_MARKS.search(nxt) or ends_sentence(nxt))


_OPENER_END = re.compile(r"(?:强调|指出|表示|要求|认为|说|称|介绍|提出|显示|透露|获悉|了解到|看来|而言|来看|以来|期间|之际|同时)$")


def two_clause_headline(text: str) -> bool:
    """A guess: a headline with one comma joins two full clauses (``蓝佛安当选…主任，金湘军当选…省长``);
    ``会议强调，…`` or ``今年以来，…`` opens a sentence instead."""
    parts = re.split(r"[，,]", text)
    return len(parts) == 2 and all(len(x) >= 6 for x in parts) and not _OPENER_END.search(parts[0])


@dataclass
class Layout:
    """A page as paragraphs, plus the furniture lines taken out of it."""

    paragraphs: list[Paragraph]
    elements: list[PageElement] = field(default_factory=list)
    column: bool = False


def layout_page(text: str, paper_name: str = "") -> Layout:
    """Split a page into paragraphs (:func:`split_paragraphs`) after taking out its furniture
    (:mod:`indexer.furniture`; ``paper_name`` is the name its masthead prints); furniture lines
    count as blank lines for the joining rules, and no paragraph spans one."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    column = is_column_text(lines)
    furniture = find_furniture(lines, ocr_columns=column, paper_name=paper_name)
    elements = [PageElement(kind, lines[i].strip(), i + 1) for i, kind in sorted(furniture.items())]
    for i in furniture:
        lines[i] = ""
    paragraphs = _paragraphs(lines, column, set(furniture))
    taken = {i + 1 for i in furniture}
    for p in paragraphs:
        p.after_furniture = any((p.line_no - k) in taken for k in range(1, p.blank_before + 2))
    return Layout(paragraphs, elements, column)


def split_paragraphs(text: str) -> list[Paragraph]:
    """Split a page into paragraphs, joining wrapped lines without adding or losing characters
    (other than OCR spaces next to Han characters); page furniture is left out."""
    return layout_page(text).paragraphs


def _paragraphs(lines: list[str], column: bool, barriers: set[int] | None = None) -> list[Paragraph]:
    """Join lines into paragraphs; no paragraph spans a barrier line (page furniture)."""
    barriers = barriers or set()
    widths: list[float | None] = [text_width(line) or None for line in lines]
    paragraphs: list[Paragraph] = []
    current: list[str] = []
    current_start = 0
    current_blank_before = 0
    blanks = 0
    prev_index = -1

    def flush() -> None:
        nonlocal current
        if current:
            paragraphs.append(_make_paragraph(current, current_blank_before, current_start + 1, column))
            current = []

    crossed = False
    for i, line in enumerate(lines):
        if not line.strip():
            blanks += 1
            crossed = crossed or i in barriers
            continue
        if current:
            prev = lines[prev_index]
            if crossed:
                join = False
            elif column:
                join = should_join(
                    prev, line, blanks, widths[prev_index] or 0,
                    column_widths(lines, widths, prev_index, next_line_counts=blanks == 0), widths[i] or 0,
                    prev_first=len(current) == 1, so_far="".join(x.strip() for x in current),
                )
            else:
                join = continues_across_break(prev, line, blanks)
            if join:
                current.append(line)
                prev_index = i
                blanks = 0
                continue
            flush()
        current = [line]
        current_start = i
        current_blank_before = blanks
        prev_index = i
        blanks = 0
        crossed = False
    flush()
    return paragraphs


def _make_paragraph(lines: list[str], blank_before: int, line_no: int, column: bool = False) -> Paragraph:
    first = lines[0]
    indented = bool(INDENT_RE.match(first))
    m = HEADING_RE.match(first.strip())
    if m and len(lines) == 1:
        return Paragraph(tidy_spaces(m.group(2)), heading=len(m.group(1)), blank_before=blank_before,
                         line_no=line_no, indented=indented, display=tidy_headline(m.group(2)), column=column)
    joined = "".join(line.strip() for line in lines)
    list_item = bool(LIST_ITEM_RE.match(first.strip()))
    return Paragraph(tidy_spaces(joined), blank_before=blank_before, line_no=line_no, list_item=list_item,
                     indented=indented, display=tidy_headline(joined), column=column)
