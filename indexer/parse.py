"""Split a newspaper page into articles.

1. The page becomes paragraphs (:mod:`indexer.layout`).
2. Each paragraph gets a role (:func:`role_of`): headline candidate, lead (本报讯…),
   body, jump marker, photo credit, byline, source line, page decoration.
3. Articles are cut where the roles say one ends and the next begins. Most pages print
   headlines before their bodies; some OCR dumps read the columns so that headlines
   trail their bodies. The orientation is decided per page from its first paragraph.
4. Headline blocks are split into groups (lines printed together) and the main title is
   chosen among kicker, title, deck and attendance lines (:func:`choose_title`).

Every rule is about the shape of a newspaper page (leads, credits, markers, headline
length, punctuation and typography), never about the words of one sample page; rules
that are guesses are small named functions with their own tests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .article import Article, make_article_id
from .dates import find_dateline, full_dates
from .layout import ATTENDANCE_RE, COLUMN_LABEL_RE, SOURCE_LINE_RE, Paragraph, ends_sentence, split_paragraphs, text_width

# --- paragraph roles ---------------------------------------------------------------

HEAD, LEAD, BODY, MARKER, CREDIT, BYLINE, SOURCE, DECOR = (
    "head", "lead", "body", "marker", "credit", "byline", "source", "decor")

LEAD_RE = re.compile(
    r"^(?:本报讯|本报[^\s，,。]{0,12}电|新华社[^\s，,。]{0,12}电|(?:[^\s，,。]{2,8}日报|[^\s，,。]{2,6}社)讯)"
)
MARKER_RE = re.compile(r"[（(]\s*([上下]?)\s*(接|转)\s*(第\s*\S{1,3}\s*版)\s*[）)]")
PHOTO_CREDIT_RE = re.compile(r"^(?:本报(?:记者|通讯员)?|记者|通讯员|见习记者)?\s*[\u4e00-\u9fff·\s、]{2,20}\s*摄\s*$")
BYLINE_RE = re.compile(r"^[□■◎●]?\s*(?:本报(?:记者|通讯员)|记者|通讯员|特约撰稿人?)\s*[\u4e00-\u9fff\s、]{2,20}$")
NUMBERED_HEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.、．])\S")
COUNTDOWN_RE = re.compile(r"倒计时\s*\d+\s*天$|^距.{2,20}还有\s*\d+\s*天$")
DATE_ONLY_RE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")

MAX_HEADLINE_WIDTH = 46


def is_lead(text: str) -> bool:
    """A lead opens a news article: 本报讯（记者 X）…, 新华社…电, 山西日报讯 …"""
    return bool(LEAD_RE.match(text))


def is_photo_credit(text: str) -> bool:
    """``本报记者 刘勇摄`` / ``本报通讯员 张耀宇 摄``: ends a photo item."""
    return len(text) <= 28 and bool(PHOTO_CREDIT_RE.match(text))


def is_byline(text: str) -> bool:
    """A line that only names the author (``□本报记者 郭婷婷``)."""
    return len(text) <= 28 and not text.rstrip().endswith("摄") and bool(BYLINE_RE.match(text))


def is_source_line(text: str) -> bool:
    """``据《人民日报》`` / ``《山西日报》6月24日1版刊发``: where a reprint comes from."""
    return len(text) <= 30 and bool(SOURCE_LINE_RE.match(text))


def is_attendance_line(text: str) -> bool:
    """Deck lines that report who chaired/attended (``刘星主持并讲话 冯晓雷参加``); a headline
    that reports a meeting (``冯晓雷主持召开会议``) is not one."""
    return "召开" not in text and bool(ATTENDANCE_RE.match(text))


def is_decoration(p: Paragraph) -> bool:
    """Page furniture, not articles: countdown boxes and slogan banners of three or more phrases."""
    if COUNTDOWN_RE.search(p.text):
        return True
    phrases = [x for x in p.display.split(" ") if x]
    return p.heading > 0 and len(phrases) >= 3 and all(len(x) >= 4 for x in phrases)


def is_headline_candidate(p: Paragraph) -> bool:
    """Short paragraphs that don't end a sentence: headlines, kickers, decks, labels."""
    if p.heading:
        return True
    t = p.text
    if p.list_item or not t or is_lead(t) or is_photo_credit(t) or is_byline(t) or is_source_line(t):
        return False
    if MARKER_RE.fullmatch(t) or DATE_ONLY_RE.match(t) or NUMBERED_HEADING_RE.match(t):
        return False
    if text_width(t) > MAX_HEADLINE_WIDTH:
        return False
    if ends_sentence(t) or t[-1] in "，、,":
        return False
    commas = t.count("，") + t.count(",")
    if any(c in t[:-1] for c in "。！？；") or commas >= 2 or (commas and len(t) > 20):
        return False  # a sentence fragment cut by the layout, not a headline
    if re.search(r"[:：]", t) and not COLUMN_LABEL_RE.match(t):
        return False  # form fields (举报电话:…) and times (8:00) are body text
    return True


def role_of(p: Paragraph) -> str:
    t = p.text
    if is_decoration(p):
        return DECOR
    if is_headline_candidate(p):
        return HEAD
    if MARKER_RE.fullmatch(t):
        return MARKER
    if is_photo_credit(t):
        return CREDIT
    if is_byline(t):
        return BYLINE
    if is_source_line(t):
        return SOURCE
    if is_lead(t):
        return LEAD
    return BODY


def looks_like_section_heading(text: str) -> bool:
    """An in-body subheading rather than a headline, when the layout cannot tell:
    numbered (一、…) or a short clause with a comma (红线不能碰，谁都不例外)."""
    return bool(NUMBERED_HEADING_RE.match(text)) or ("，" in text and len(text) <= 16)


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


# --- headline groups -----------------------------------------------------------------


@dataclass
class Group:
    """Headline lines printed together (one group per blank-line-separated run)."""

    paras: list[Paragraph]
    trailing: bool = False  # printed after the body it belongs to

    @property
    def text(self) -> str:
        return "".join(p.display for p in self.paras).strip()

    @property
    def level(self) -> int:
        return min((p.heading for p in self.paras if p.heading), default=0)

    @property
    def meta(self) -> bool:
        t = self.text
        return is_attendance_line(t) or t.startswith(("——", "—", "--")) or bool(COLUMN_LABEL_RE.match(t))


def headline_groups(block: list[Paragraph]) -> list[Group]:
    """Group a run of headline paragraphs: paragraphs not separated by blank lines
    belong together (a main title wrapped over two lines), except markdown headings and
    deck lines, which always stand alone."""
    groups: list[Group] = []
    for p in block:
        last = groups[-1] if groups else None
        if (last is not None and p.blank_before == 0 and not p.heading and not last.paras[-1].heading
                and not last.meta and not Group([p]).meta):
            last.paras.append(p)
        else:
            groups.append(Group([p]))
    return groups


def _label_text(text: str) -> str:
    m = re.match(r"^\s*(?:I\s*(.+?)\s*I|【(.+?)】|「(.+?)」)\s*$", text)
    return next((g for g in m.groups() if g), text) if m else text


def choose_title(groups: list[Group], prefer_trailing: bool = False) -> tuple[str | None, list[str]]:
    """Pick the main title among headline groups; the rest become subtitles in printed order.

    Preference: the highest-level markdown heading; else, on pages that print headlines
    before bodies, a headline printed after the body (a 'mixed' layout: kicker above,
    title below); else the first group that is not a deck line (X主持 Y参加, ——deck,
    column label), except that a plain one-line kicker yields to a later two-phrase
    (``A B``) or multi-line title.
    """
    if not groups:
        return None, []
    candidates = [i for i, g in enumerate(groups) if not g.meta]
    marked = [i for i in candidates if groups[i].level]
    trailing = [i for i in candidates if groups[i].trailing]
    if prefer_trailing and trailing:
        best = trailing[0]
    elif marked:
        best = min(marked, key=lambda i: (groups[i].level, i))
    elif candidates:
        best = candidates[0]
        later = [i for i in candidates[1:] if " " in groups[i].text or len(groups[i].paras) > 1]
        if later and " " not in groups[best].text and len(groups[best].paras) == 1:
            best = later[0]
    else:
        return None, [_label_text(g.text) for g in groups]
    subs = [_label_text(g.text) for i, g in enumerate(groups) if i != best]
    return groups[best].text, subs


# --- drafts ---------------------------------------------------------------------------


@dataclass
class Draft:
    """An article under construction."""

    groups: list[Group] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    byline: str | None = None
    source: str | None = None
    continued_on: str | None = None
    continued_from: str | None = None
    fragments: list[str] = field(default_factory=list)
    photo: bool = False
    closed: bool = False
    has_lead: bool = False

    @property
    def empty(self) -> bool:
        return not self.body and not self.groups

    @property
    def has_main_title(self) -> bool:
        """A real title (not only a kicker/column label) is already known."""
        non_meta = [g for g in self.groups if not g.meta]
        return any(g.level and g.level <= 2 for g in non_meta) or len(non_meta) >= 2 or any(
            " " in g.text or len(g.paras) > 1 for g in non_meta)

    def add_body(self, text: str) -> None:
        text, on, frm = split_marker(text)
        if frm and not self.body:
            self.continued_from = frm
        elif frm:
            self.continued_from = self.continued_from or frm
        if text:
            if is_lead(text):
                self.has_lead = True
            self.body.append(text)
        if on:
            self.continued_on = on
            self.closed = True


class _Segmenter:
    """Walks the paragraphs of one page and cuts them into drafts."""

    def __init__(self, paragraphs: list[Paragraph]) -> None:
        self.paras = [p for p in paragraphs if p.text]
        self.roles = [role_of(p) for p in self.paras]
        self.drafts: list[Draft] = []
        self.cur: Draft | None = None
        self.pending: list[list[Group]] = []  # displaced headlines waiting for their leads
        self.after = self._headlines_after()

    def _headlines_after(self) -> bool:
        """Headlines trail their bodies when the page opens with body text."""
        for role in self.roles:
            if role == DECOR:
                continue
            return role in (LEAD, BODY)
        return False

    # -- helpers
    def new(self, groups: list[Group] | None = None) -> Draft:
        self.close()
        self.cur = Draft(groups=list(groups or []))
        return self.cur

    def close(self) -> None:
        if self.cur is not None and not self.cur.empty:
            self.drafts.append(self.cur)
        self.cur = None

    def next_role(self, j: int, skip: tuple[str, ...] = ()) -> str | None:
        while j < len(self.roles) and self.roles[j] in skip:
            j += 1
        return self.roles[j] if j < len(self.roles) else None

    def leads_ahead(self, j: int) -> int:
        """Leads between position ``j`` and the next headline block."""
        count = 0
        while j < len(self.roles) and self.roles[j] != HEAD:
            count += self.roles[j] == LEAD
            j += 1
        return count

    def photo_ahead(self, j: int) -> bool:
        for role in self.roles[j: j + 4]:
            if role == CREDIT:
                return True
            if role in (HEAD, LEAD):
                return False
        return False

    # -- the walk
    def run(self) -> list[Draft]:
        i, n = 0, len(self.paras)
        while i < n:
            role, p = self.roles[i], self.paras[i]
            if role == DECOR:
                if p.heading and i + 1 < n and COUNTDOWN_RE.search(self.paras[i + 1].text):
                    i += 1  # the countdown's caption line goes with it
                i += 1
                continue
            if role in (HEAD, SOURCE) and (role == HEAD or self.next_role(i + 1) == HEAD):
                j = i
                while j < n and self.roles[j] in (HEAD, SOURCE):
                    j += 1
                self.headline_block(i, j)
                i = j
                continue
            self.other(role, p)
            i += 1
        self.close()
        return self.drafts

    def other(self, role: str, p: Paragraph) -> None:
        t = p.text
        cur = self.cur
        if role == CREDIT:
            if cur is None:
                cur = self.new()
            cur.byline, cur.photo, cur.closed = t, True, True
            return
        if role == BYLINE:
            if cur is None:
                cur = self.new()
            cur.byline = t
            return
        if role == SOURCE:
            if cur is None:
                cur = self.new()
            cur.source = t
            return
        if role == MARKER:
            if cur is not None:
                cur.add_body(t)
            return
        # body or lead
        if cur is None or cur.closed or (role == LEAD and cur.body):
            cur = self.new(self.pending.pop(0) if self.pending and role == LEAD else None)
        cur.add_body(t)

    def headline_block(self, i: int, j: int) -> None:
        block = [p for p, r in zip(self.paras[i:j], self.roles[i:j], strict=True) if r == HEAD]
        sources = [p.text for p, r in zip(self.paras[i:j], self.roles[i:j], strict=True) if r == SOURCE]
        groups = headline_groups(block)
        cur = self.cur
        after_block = self.next_role(j, skip=(BYLINE,))

        if self.after:
            if cur is not None and not cur.empty:
                if len(groups) == 1 and looks_like_section_heading(groups[0].text) and after_block == BODY \
                        and not cur.closed:
                    cur.body.append(groups[0].text)
                    return
                for g in groups:
                    g.trailing = True
                cur.groups.extend(groups)
                cur.source = cur.source or (sources[0] if sources else None)
                cur.closed = True
            else:
                self.new(groups)
            return

        # headlines before bodies
        if sources and self.roles[i] == SOURCE and cur is not None and cur.body:
            cur.source = cur.source or sources.pop(0)
        if cur is not None and cur.body and after_block in (MARKER, CREDIT, None):
            # a headline printed after its body, before the jump marker or at the page end
            for g in groups:
                g.trailing = True
            cur.groups.extend(groups)
            return
        if cur is not None and cur.body and not cur.closed and not cur.has_main_title:
            # 'mixed' layout: plain lines before a markdown headline finish the running article
            k = next((idx for idx, g in enumerate(groups) if g.level), None)
            if k:
                for g in groups[:k]:
                    g.trailing = True
                cur.groups.extend(groups[:k])
                groups = groups[k:]
        if (cur is not None and cur.body and not cur.closed and len(groups) == 1 and not groups[0].level
                and after_block == BODY and not self.photo_ahead(j)):
            cur.body.append(groups[0].text)  # an in-body section heading
            return
        titles = [idx for idx, g in enumerate(groups) if not g.meta]
        level = min((groups[idx].level for idx in titles if groups[idx].level), default=0)
        mains = [idx for idx in titles if level and groups[idx].level == level]
        if len(mains) >= 2 and self.leads_ahead(j) >= len(mains):
            # displaced headlines: several same-level titles printed above their leads
            cuts = [0, *mains[1:], len(groups)]
            parts = [groups[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
            self.new(parts[0])
            self.pending.extend(parts[1:])
        else:
            self.new(groups)
        if sources:
            self.cur.source = sources[0]  # type: ignore[union-attr]


# --- finishing articles -------------------------------------------------------------------


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


def split_signature(body: list[str]) -> tuple[list[str], str | None]:
    """A notice's 落款 (issuer line + date line at the end) is not body text."""
    if len(body) >= 3 and DATE_ONLY_RE.match(body[-1]) and len(body[-2]) <= 30 and not ends_sentence(body[-2]):
        return body[:-2], body[-2] + " " + body[-1]
    if len(body) >= 2 and DATE_ONLY_RE.match(body[-1]):
        return body[:-1], body[-1]
    return body, None


def classify_kind(title: str | None, subtitles: list[str], body: str, photo: bool, source: str | None) -> str:
    """news / commentary / photo / notice / data / other, from the shape of the item."""
    heads = " ".join([title or "", *subtitles])
    if photo and len(body) < 400:
        return "photo"
    if re.search(r"(公告|通告|决定|公示|启事|通知|通报)$", title or "") or re.search(r"特此公告|现就有关事宜公告", body):
        return "notice"
    digits = sum(ch.isdigit() for ch in body)
    if body and digits / len(body) > 0.05 and not is_lead(body):
        return "data"
    if re.search(r"评论|时评|短评|述评|论坛|随笔|杂谈|观察", heads):
        return "commentary"
    if not is_lead(body) and source and source.startswith("据") and find_dateline(body, None) is None:
        return "commentary"  # a reprinted essay: no lead, no dateline
    return "news"


def _similarity(a: str, b: str) -> float:
    grams_a = {a[i:i + 2] for i in range(len(a) - 1)}
    grams_b = {b[i:i + 2] for i in range(len(b) - 1)}
    return len(grams_a & grams_b) / (len(grams_a | grams_b) or 1)


def attach_orphans(drafts: list[Draft]) -> list[Draft]:
    """Body text with no headline, lead or credit, printed between two articles on a
    headlines-before-bodies page, is an out-of-order piece of a neighbour: keep it as a
    fragment of the neighbour whose text it resembles most."""
    out: list[Draft] = []
    for k, d in enumerate(drafts):
        orphan = not d.groups and not d.has_lead and not d.photo and d.body and 0 < k
        if not orphan:
            out.append(d)
            continue
        text = "".join(d.body)
        prev = out[-1] if out else None
        nxt = drafts[k + 1] if k + 1 < len(drafts) else None
        best = max((x for x in (prev, nxt) if x is not None and x.body),
                   key=lambda x: _similarity(text, "".join(x.body)), default=None)
        if best is None:
            out.append(d)
        else:
            best.fragments.extend(d.body)
    return out


@dataclass
class PageInfo:
    """What is known about the page from outside its text."""

    paper: str = "unknown"
    paper_name: str = ""
    date: dt.date | None = None
    page: int = 1
    date_source: str = "archive"


def split_articles(text: str) -> list[Draft]:
    """Cut a page into draft articles (headline groups + body paragraphs)."""
    seg = _Segmenter(split_paragraphs(text))
    drafts = seg.run()
    return drafts if seg.after else attach_orphans(drafts)


def notice_date(subtitles: list[str], signature: str | None, issue: dt.date | None) -> dt.date | None:
    """A notice is dated by its signature or by the 题注 under its title."""
    for text in [signature or "", *subtitles]:
        dates = full_dates(text)
        if dates:
            return dates[0]
    return None


def parse_page(text: str, info: PageInfo, home_region: str | None = None,
               enrich: Callable[[Article, str | None], None] | None = None) -> list[Article]:
    """Parse one page into :class:`Article` records.

    ``enrich(article, home_region)`` fills regions/officials (see :mod:`indexer.pipeline`);
    it is a parameter so that the parser itself needs no gazetteer.
    """
    articles: list[Article] = []
    seq = 0
    drafts = split_articles(text)
    for draft in drafts:
        body_paras, signature = split_signature(_dedupe(draft.body))
        title, subtitles = choose_title(draft.groups, prefer_trailing=not _is_after(drafts, draft))
        if not body_paras:
            continue  # a lone headline or decoration with no text under it
        seq += 1
        body = "\n".join(body_paras)
        date_iso = info.date.isoformat() if info.date else "0000-00-00"
        kind = classify_kind(title, subtitles, body, draft.photo, draft.source)
        dateline = notice_date(subtitles, signature, info.date) if kind == "notice" else None
        dateline = dateline or find_dateline(body, info.date)
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
            kind=kind,
            dateline=dateline.isoformat() if dateline else None,
            date_source=info.date_source if info.date else "unknown",
            byline=draft.byline,
            source=draft.source,
            signature=signature,
            fragments=list(draft.fragments),
            continued_on=draft.continued_on,
            continued_from=draft.continued_from,
        )
        if enrich is not None:
            enrich(art, home_region)
        articles.append(art)
    return articles


def _is_after(drafts: list[Draft], draft: Draft) -> bool:
    """Whether this draft's headlines were all printed after its body (headlines-after pages)."""
    return bool(draft.groups) and all(g.trailing for g in draft.groups) and not any(
        not g.trailing for d in drafts for g in d.groups)
