"""Split a newspaper page into articles.

The page is first turned into paragraphs (:mod:`indexer.layout`), each paragraph gets a
role (headline candidate, lead, body, continuation marker, photo credit, byline), and
articles are cut where the roles say one ends and the next begins. Pages print
headlines either before their bodies (most pages) or after them (some OCR dumps read
the columns bottom-up); the orientation is decided per page from the first paragraph.

Every rule is about the shape of a newspaper page (leads, credits, markers, headline
length and punctuation), never about the words of one sample page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .article import Article, make_article_id
from .dates import find_dateline
from .layout import Paragraph, ends_sentence, split_paragraphs, text_width

# --- paragraph roles ---------------------------------------------------------------

LEAD_RE = re.compile(
    r"^(?:本报讯|本报[^\s，,。]{0,12}电|新华社[^\s，,。]{0,12}电|[（(]?(?:记者|通讯员)[^）)]{0,20}[）)]|据《[^》]{1,12}》)"
)
MARKER_RE = re.compile(r"[（(]\s*([上下]?)\s*(接|转)\s*(第\s*\S{1,3}\s*版)\s*[）)]")
PHOTO_CREDIT_RE = re.compile(r"^(?:本报(?:记者|通讯员)?|记者|通讯员|见习记者)?\s*[\u4e00-\u9fff·\s]{2,16}\s*摄\s*$")
BYLINE_RE = re.compile(r"^[□■◎●]?\s*(?:本报(?:记者|通讯员)|记者|通讯员)\s*[\u4e00-\u9fff\s、]{2,20}$")
META_SUBTITLE_RE = re.compile(
    r"^[\u4e00-\u9fff·]{2,4}(?:主持|出席|参加|讲话|调研|强调|指出|致辞|作安排|提出|会见|看望|督导|检查|宣讲)"
)
COLUMN_LABEL_RE = re.compile(r"^[I|【\[]\s*(.+?)\s*[I|】\]]$")
SOURCE_NOTE_RE = re.compile(r"^(?:据?《[^》]+》.{0,20}(?:刊发|刊登|报道)|来源[:：])")

MAX_HEADLINE_WIDTH = 46


def is_lead(text: str) -> bool:
    """A lead opens a news article: 本报讯（记者 X）…, 新华社…电, 据《人民日报》…"""
    return bool(LEAD_RE.match(text))


def is_photo_credit(text: str) -> bool:
    """``本报记者 刘勇摄`` / ``本报通讯员 张耀宇 摄``: ends a photo item."""
    return len(text) <= 24 and bool(PHOTO_CREDIT_RE.match(text))


def is_byline(text: str) -> bool:
    """A line that only names the author (``□本报记者 郭婷婷``)."""
    return len(text) <= 24 and bool(BYLINE_RE.match(text))


def is_headline_candidate(p: Paragraph) -> bool:
    """Short paragraphs that don't end a sentence: headlines, kickers, subtitles, labels."""
    if p.heading:
        return True
    t = p.text
    if p.list_item or not t or is_lead(t) or is_photo_credit(t) or is_byline(t):
        return False
    if MARKER_RE.fullmatch(t):
        return False
    if text_width(t) > MAX_HEADLINE_WIDTH:
        return False
    if ends_sentence(t) or t[-1] in "，、,":
        return False
    if any(c in t[:-1] for c in "。！？；") or t.count("，") + t.count(",") >= 2:
        return False  # a sentence fragment cut by the layout, not a headline
    return True


def split_marker(text: str) -> tuple[str, str | None, str | None]:
    """Remove a continuation marker from a paragraph: returns (text, continued_on, continued_from)."""
    on = frm = None
    for m in list(MARKER_RE.finditer(text)):
        page = re.sub(r"\s+", "", m.group(3))
        if m.group(1) == "上" or m.group(2) == "接":
            frm = page
        else:
            on = page
    if on or frm:
        text = MARKER_RE.sub("", text).strip()
    return text, on, frm


# --- articles under construction ---------------------------------------------------


@dataclass
class _Draft:
    head_groups: list[list[Paragraph]] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    byline: str | None = None
    continued_on: str | None = None
    continued_from: str | None = None
    photo: bool = False
    closed: bool = False
    has_lead: bool = False

    @property
    def empty(self) -> bool:
        return not self.body and not self.head_groups


def _headline_groups(block: list[Paragraph]) -> list[list[Paragraph]]:
    """Group a run of headline paragraphs: paragraphs not separated by blank lines
    belong together (a main title wrapped over two lines)."""
    groups: list[list[Paragraph]] = []
    for p in block:
        if groups and p.blank_before == 0 and not p.heading and not groups[-1][-1].heading and not _is_meta(p.text) \
                and not _is_meta(groups[-1][-1].text):
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def _is_meta(text: str) -> bool:
    """Subtitle lines that report who chaired/attended, dash subtitles, source notes, column labels."""
    return bool(
        META_SUBTITLE_RE.match(text) or text.startswith(("——", "—", "--")) or SOURCE_NOTE_RE.match(text)
        or COLUMN_LABEL_RE.match(text)
    )


def choose_title(groups: list[list[Paragraph]]) -> tuple[str | None, list[str]]:
    """Pick the main title among headline groups; the rest become subtitles (kicker, deck).

    Preference: the highest-level markdown heading; otherwise the first group that is
    not a meta line (X主持 Y参加, ——dash deck, source note, column label), except that a
    kicker sentence before a parallel two-phrase title yields to it.
    """
    texts = ["".join(p.text for p in g) for g in groups]
    if not texts:
        return None, []
    candidates = [i for i, t in enumerate(texts) if not _is_meta(t)]
    levels = [min((p.heading for p in g if p.heading), default=0) for g in groups]
    marked = [i for i in candidates if levels[i]]
    if marked:
        best = min(marked, key=lambda i: (levels[i], i))
    elif candidates:
        best = candidates[0]
        later = [i for i in candidates[1:] if " " in texts[i] or len(groups[i]) > 1]
        if later and " " not in texts[best] and len(groups[best]) == 1:
            best = later[0]
    else:
        label = COLUMN_LABEL_RE.match(texts[0])
        return None, [label.group(1) if label else t for t in texts]
    title = _join_title(groups[best])
    subs = []
    for i, t in enumerate(texts):
        if i == best:
            continue
        label = COLUMN_LABEL_RE.match(t)
        subs.append(label.group(1) if label else t)
    return title, subs


def _join_title(group: list[Paragraph]) -> str:
    return "".join(p.text for p in group).strip()


# --- the parser ----------------------------------------------------------------------


@dataclass
class PageInfo:
    """What is known about the page from outside its text."""

    paper: str = "unknown"
    paper_name: str = ""
    date: dt.date | None = None
    page: int = 1
    date_source: str = "archive"


def _orientation(paragraphs: list[Paragraph]) -> str:
    """'before' when headlines precede their bodies, 'after' when the page opens with body text."""
    for p in paragraphs:
        if not p.text:
            continue
        if is_headline_candidate(p):
            return "before"
        return "after"
    return "before"


def _lookahead_has_photo_credit(paragraphs: list[Paragraph], start: int) -> bool:
    """Does a photo credit close the items that follow, before the next headline or lead?"""
    for p in paragraphs[start: start + 4]:
        if is_photo_credit(p.text):
            return True
        if is_headline_candidate(p) or is_lead(p.text):
            return False
    return False


def split_articles(text: str) -> list[_Draft]:
    """Cut a page into draft articles (headline groups + body paragraphs)."""
    paragraphs = [p for p in split_paragraphs(text) if p.text]
    orientation = _orientation(paragraphs)
    drafts: list[_Draft] = []
    cur = _Draft()

    def close() -> None:
        nonlocal cur
        if not cur.empty:
            drafts.append(cur)
        cur = _Draft()

    i = 0
    n = len(paragraphs)
    while i < n:
        p = paragraphs[i]
        if is_headline_candidate(p):
            j = i
            while j < n and is_headline_candidate(paragraphs[j]):
                j += 1
            block = paragraphs[i:j]
            following = paragraphs[j] if j < n else None
            if orientation == "after":
                _after_mode_headline(drafts, cur, block, following)
                if cur.head_groups:
                    close()
            else:
                starts_new = (
                    cur.empty or cur.closed or not cur.body or following is None
                    or is_lead(following.text) or len(block) > 1 or bool(block[0].heading and not cur.has_lead)
                    or _lookahead_has_photo_credit(paragraphs, j)
                )
                if following is None and not cur.empty and not cur.closed:
                    # trailing short lines (a notice's signature and date) stay with the article
                    cur.body.extend(q.text for q in block)
                elif starts_new:
                    close()
                    cur.head_groups = _headline_groups(block)
                else:
                    # a section heading inside the running article
                    cur.body.extend(q.text for q in block)
            i = j
            continue

        t = p.text
        if is_photo_credit(t):
            cur.byline = t
            cur.photo = True
            cur.closed = True
            if orientation == "after" or not cur.head_groups:
                close()
            else:
                close()
            i += 1
            continue
        if is_byline(t):
            if cur.body and orientation == "before":
                cur.byline = t  # byline printed after the body, before the jump marker
            else:
                if cur.closed or (cur.body and orientation == "after"):
                    close()
                cur.byline = t
            i += 1
            continue
        body_text, on, frm = split_marker(t)
        if is_lead(body_text) and cur.body:
            close()
        elif cur.closed:
            close()
        if frm:
            cur.continued_from = frm
        if body_text:
            if is_lead(body_text):
                cur.has_lead = True
            cur.body.append(body_text)
        if on:
            cur.continued_on = on
            cur.closed = True
            if orientation == "before":
                close()
        i += 1
    close()
    return drafts


def _after_mode_headline(drafts: list[_Draft], cur: _Draft, block: list[Paragraph], following: Paragraph | None) -> None:
    """In a headline-after-body page a headline block names the body before it."""
    groups = _headline_groups(block)
    if not cur.empty:
        cur.head_groups.extend(groups)
    elif drafts and not drafts[-1].head_groups:
        drafts[-1].head_groups.extend(groups)
    else:
        cur.head_groups.extend(groups)


def _dedupe(paragraphs: list[str]) -> list[str]:
    """Exact duplicate paragraphs (a layout artefact) are kept once."""
    seen: set[str] = set()
    out = []
    for para in paragraphs:
        key = re.sub(r"\s+", "", para)
        if len(key) >= 12 and key in seen:
            continue
        seen.add(key)
        out.append(para)
    return out


def classify_kind(title: str | None, body: str, photo: bool) -> str:
    """news / commentary / photo / notice / data / other, from the shape of the item."""
    if photo and len(body) < 400:
        return "photo"
    head = (title or "") + body[:60]
    if re.search(r"(公告|通告|决定|公示|启事|通知)$", title or "") or re.search(r"特此公告|现就有关事宜公告", body):
        return "notice"
    digits = sum(ch.isdigit() for ch in body)
    if body and digits / len(body) > 0.06 and not is_lead(body):
        return "data"
    if is_lead(body) or re.match(r"^\d{1,2}月\d{1,2}日", body):
        return "news"
    if re.search(r"评论|观察|时评|论坛|短评|述评", head):
        return "commentary"
    return "news" if re.search(r"\d{1,2}月\d{1,2}日", body[:80]) else "commentary"


def parse_page(text: str, info: PageInfo, home_region: str | None = None, enrich=None) -> list[Article]:
    """Parse one page into :class:`Article` records.

    ``enrich(article, home_region)`` fills regions/officials (see :mod:`indexer.pipeline`);
    it is a parameter so that the parser itself needs no gazetteer.
    """
    articles: list[Article] = []
    seq = 0
    for draft in split_articles(text):
        body_paras = _dedupe(draft.body)
        title, subtitles = choose_title(draft.head_groups)
        if not body_paras:
            continue  # a lone headline or decoration with no text under it
        seq += 1
        body = "\n".join(body_paras)
        date_iso = info.date.isoformat() if info.date else "0000-00-00"
        dateline = find_dateline(body, info.date)
        art = Article(
            id=make_article_id(info.paper, date_iso, info.page, seq),
            paper=info.paper,
            paper_name=info.paper_name,
            date=date_iso,
            page=info.page,
            seq=seq,
            title=title,
            subtitles=subtitles,
            body=body,
            kind=classify_kind(title, body, draft.photo),
            dateline=dateline.isoformat() if dateline else None,
            date_source=info.date_source if info.date else "unknown",
            byline=draft.byline,
            continued_on=draft.continued_on,
            continued_from=draft.continued_from,
        )
        if enrich is not None:
            enrich(art, home_region)
        articles.append(art)
    return articles
