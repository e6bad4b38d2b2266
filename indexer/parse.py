"""Split a newspaper page into articles.

1. The page's furniture (breadcrumbs, meta lines, e-paper navigation, app prompts, footers,
   index entries) is taken out and kept as page elements (:mod:`indexer.furniture`), and
   the rest becomes paragraphs (:mod:`indexer.layout`): OCR of narrow columns is joined
   line by line, one-paragraph-per-line text only where a sentence was broken off.
2. Each paragraph gets a role (:func:`indexer.roles.role_of`): headline candidate, lead
   (本报讯…), body, jump marker, photo credit, caption, byline, source line, original title,
   page decoration; run-in headlines are cut off their paragraph first.
3. Articles are cut where the roles say one ends and the next begins: a new headline or
   lead, a jump marker, a credit, a byline or a source line under the text, the next brief
   of a round-up. Most pages print headlines before their bodies; OCR dumps of columns
   that open with body text read so that headlines trail their bodies.
4. Headline blocks are split into groups (lines printed together) and the main title is
   chosen among kicker, title, deck and attendance lines (:func:`choose_title`).

Every rule is about the shape of a newspaper page or news site (leads, credits, markers,
headline length, punctuation and typography, site furniture), never about the words of one
page; rules that are guesses are small named functions with their own tests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .article import Article, make_article_id
from .dates import find_dateline, full_dates, resolve_relative_day, title_date
from .furniture import PageElement, meta_author, meta_source
from .layout import COLUMN_LABEL_RE, Paragraph, ends_sentence, layout_page, tidy_spaces
from .bylines import reporters_of
from .normalize import plain
from .roles import (  # noqa: F401 - re-exported: the rules' public home is indexer.roles
    BODY, BYLINE, CAPTION, CREDIT, DATE_ONLY_RE, DECOR, HEAD, LEAD, MARKER, MARKER_RE, ORIGINAL, SOURCE,
    COUNTDOWN_RE, NUMBERED_HEADING_RE, SPEECH_KICKER_RE, closes_item, is_attendance_line, is_author_line,
    is_bullet_item, is_byline, is_caption, is_decoration, is_headline_candidate, is_lead, is_outlet_line,
    is_photo_credit, is_scene_caption, is_source_line, looks_like_section_heading, opens_with_date, role_of,
    split_glued_credit, split_run_in_headline, split_trailing_credit,
)


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

COLUMN_KICKER_RE = re.compile(
    r"^(?:聚焦|关注|直击|特写|视点|链接|走进|专题|话题|热点|观察|图说|声音|快讯|简讯|一线|现场|记者手记|延伸阅读)\s*[：:]"
)


def is_column_kicker(text: str) -> bool:
    """A guess: ``聚焦：大同进入两会时间`` — a column word and a colon open a kicker, not the title."""
    return bool(COLUMN_KICKER_RE.match(text))


@dataclass
class Group:
    """Headline lines printed together (one group per blank-line-separated run)."""

    paras: list[Paragraph]
    trailing: bool = False  # printed after the body it belongs to
    web_title: bool = False  # page furniture (a meta line) separates it from the headline lines below

    @property
    def text(self) -> str:
        return "".join(p.display for p in self.paras).strip()

    @property
    def norm(self) -> str:
        return plain(self.text)

    @property
    def level(self) -> int:
        return min((p.heading for p in self.paras if p.heading), default=0)

    @property
    def meta(self) -> bool:
        """A deck, a column label (``【…】``) or a 题注 in parentheses: never the title."""
        t = self.norm
        return self.deck or bool(COLUMN_LABEL_RE.match(t)) or is_headnote(t)

    @property
    def deck(self) -> bool:
        """A deck under a title: an attendance line (``X出席 Y主持``) or a dash subtitle."""
        t = plain(self.text)
        return is_attendance_line(t) or t.startswith(("——", "—", "--"))


def is_headnote(text: str) -> bool:
    """``（2026年1月26日…第五次全体会议通过）``: a 题注 under a resolution's or a notice's title."""
    return bool(re.fullmatch(r"[（(][^（）()]{6,80}[）)]", text.strip())) and bool(re.search(r"\d|通过|批准|发布", text))


def headline_groups(block: list[Paragraph]) -> list[Group]:
    """Group a run of headline paragraphs: paragraphs not separated by blank lines
    belong together (a main title wrapped over two lines), except markdown headings and
    deck lines, which always stand alone; on one-paragraph-per-line pages every line is
    its own group."""
    groups: list[Group] = []
    for p in block:
        last = groups[-1] if groups else None
        if (last is not None and p.column and p.blank_before == 0 and not p.heading and not last.paras[-1].heading
                and not last.meta and not Group([p]).meta):
            last.paras.append(p)
        else:
            if last is not None and p.after_furniture and not p.column:
                last.web_title = True
            groups.append(Group([p]))
    return groups


def _label_text(text: str) -> str:
    m = re.match(r"^\s*(?:I\s*(.+?)\s*I|【(.+?)】|「(.+?)」)\s*$", text)
    return next((g for g in m.groups() if g), text) if m else text


def choose_title(groups: list[Group], prefer_trailing: bool = False) -> tuple[str | None, list[str]]:
    """Pick the main title among headline groups; the rest become subtitles in printed order.

    Preference: the highest-level markdown heading; else, on pages that print headlines
    before bodies, a headline printed after the body (a 'mixed' layout: kicker above,
    title below); else, among the groups that are not deck lines (X主持 Y参加, ——deck,
    column label): a web page's own title (:attr:`Group.web_title`); the line after a
    kicker that ends in a speech verb (``…时强调``) or opens with a column word
    (:func:`is_column_kicker`); the line right above a deck; the first, except that a plain
    one-line kicker yields to a later two-phrase (``A B``) or multi-line title.
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
        best = _best_plain_title(groups, candidates)
    else:
        return None, [_label_text(g.text) for g in groups]
    subs = [_label_text(g.text) for i, g in enumerate(groups) if i != best]
    return groups[best].text, subs


def _best_plain_title(groups: list[Group], candidates: list[int]) -> int:
    web = [i for i in candidates if groups[i].web_title]
    if web:
        return web[0]
    for a, b in zip(candidates, candidates[1:], strict=False):
        if SPEECH_KICKER_RE.search(groups[a].norm) or is_column_kicker(groups[a].norm):
            return b
    for i in candidates:
        if i + 1 < len(groups) and groups[i + 1].deck:
            return i
    best = candidates[0]
    later = [i for i in candidates[1:] if " " in groups[i].text or len(groups[i].paras) > 1]
    if later and " " not in groups[best].text and len(groups[best].paras) == 1:
        best = later[0]
    return best


_LABEL_PREFIX_RE = re.compile(r"^\s*【(?P<label>[^】]{1,16})】\s*(?P<rest>\S.*)$")
_SITE_SUFFIX_RE = re.compile(r"(?:\s*[_|｜]\s*[^_|｜]{1,16}){1,3}$")


def clean_title(title: str | None) -> tuple[str | None, list[str]]:
    """``【聚焦潞城两会】长治市…开幕`` -> (``长治市…开幕``, [``聚焦潞城两会``]); a site suffix
    (``…开幕_山西_新闻网``) is dropped: column labels and site names are not the title."""
    if not title:
        return title, []
    labels: list[str] = []
    m = _LABEL_PREFIX_RE.match(title)
    if m:
        labels.append(m.group("label"))
        title = m.group("rest")
    if "_" in title or "|" in title or "｜" in title:
        stripped = _SITE_SUFFIX_RE.sub("", title)
        if len(stripped) >= 6:
            title = stripped
    return title, labels


# --- drafts ---------------------------------------------------------------------------


@dataclass
class Draft:
    """An article under construction."""

    groups: list[Group] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    byline: str | None = None
    source: str | None = None
    source_date: dt.date | None = None  # the date on an aggregator card's source line
    continued_on: str | None = None
    continued_from: str | None = None
    fragments: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)  # bylines and trailing credits, for reporters
    original_title: str | None = None
    photo: bool = False
    closed: bool = False
    has_lead: bool = False
    author: bool = False  # signed by an office holder (a commentary)
    first_line: int = 0
    lead_display: str = ""  # the first body paragraph as printed (spaces kept: 记者 张三 李四)

    @property
    def empty(self) -> bool:
        return not self.body and not self.groups

    @property
    def dated(self) -> bool:
        """Every body paragraph opens with its own date (a brief of a round-up)."""
        return bool(self.body) and all(opens_with_date(plain(b)) for b in self.body)

    @property
    def bulleted(self) -> bool:
        """Every body paragraph is a ◆-item."""
        return bool(self.body) and all(is_bullet_item(plain(b)) for b in self.body)

    @property
    def has_main_title(self) -> bool:
        """A real title (not only a kicker/column label) is already known."""
        non_meta = [g for g in self.groups if not g.meta]
        return any(g.level and g.level <= 2 for g in non_meta) or len(non_meta) >= 2 or any(
            " " in g.text or len(g.paras) > 1 for g in non_meta)

    def add_body(self, text: str, line: int = 0, display: str = "") -> None:
        text, on, frm = split_marker(text)
        if frm and not self.body:
            self.continued_from = frm
        elif frm:
            self.continued_from = self.continued_from or frm
        if text:
            norm = plain(text)
            if is_lead(norm):
                self.has_lead = True
            if not self.body:
                self.lead_display = display or text
            self.body.append(text)
            self.first_line = self.first_line or line
        if on:
            self.continued_on = on
            self.closed = True

    def starts_brief(self, norm: str) -> bool:
        """Whether a paragraph opening with its own date (or a ◆) starts the next brief of a
        round-up: this draft is an untitled brief whose paragraphs all opened the same way."""
        if not self.body or self.groups:
            return False
        if is_bullet_item(norm) and self.bulleted:
            return True
        return opens_with_date(norm) and self.dated


class _Segmenter:
    """Walks the paragraphs of one page and cuts them into drafts."""

    def __init__(self, paragraphs: list[Paragraph], column: bool = True) -> None:
        self.column = column
        self.paras = _split_run_ins([p for p in paragraphs if p.text])
        self.roles = _broken_column_lines(_date_headings([role_of(p) for p in self.paras], self.paras), self.paras)
        self.drafts: list[Draft] = []
        self.cur: Draft | None = None
        self.pending: list[list[Group]] = []  # displaced headlines waiting for their leads
        self.labels: list[Paragraph] = []  # column labels of round-ups (page elements)
        self.after = self._headlines_after()

    def _headlines_after(self) -> bool:
        """Headlines trail their bodies when an OCR page of columns opens with body text (the
        reading order of the columns put each headline under its article). Web and e-paper
        text prints headlines first; an untitled first item there is just untitled."""
        if not self.column:
            return False
        for role in self.roles:
            if role == DECOR:
                continue
            return role in (LEAD, BODY)
        return False

    # -- helpers
    def new(self, groups: list[Group] | None = None, line: int = 0) -> Draft:
        self.close()
        self.cur = Draft(groups=list(groups or []))
        self.cur.first_line = line or (self.cur.groups[0].paras[0].line_no if self.cur.groups else 0)
        return self.cur

    def close(self) -> None:
        if self.cur is not None and not self.cur.empty:
            self.drafts.append(self.cur)
        self.cur = None

    def next_role(self, j: int, skip: tuple[str, ...] = ()) -> str | None:
        while j < len(self.roles) and self.roles[j] in skip:
            j += 1
        return self.roles[j] if j < len(self.roles) else None

    def next_text(self, j: int) -> str:
        """The rules' text of the next body or lead paragraph from ``j`` on."""
        for k in range(j, len(self.paras)):
            if self.roles[k] in (BODY, LEAD):
                return self.paras[k].norm
        return ""

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

    def briefs_ahead(self, j: int) -> bool:
        """A round-up follows: two ◆-items, three leads in a row, or three paragraphs that open with
        their own date."""
        items = [self.paras[k].norm for k in range(j, min(j + 3, len(self.paras))) if self.roles[k] in (BODY, LEAD)]
        if len(items) >= 2 and all(is_bullet_item(t) for t in items[:2]):
            return True
        leads = self.roles[j:j + 3] == [LEAD, LEAD, LEAD]  # three untitled 本报讯 briefs in a row
        return leads or (len(items) >= 3 and all(opens_with_date(t) for t in items))

    # -- the walk
    def run(self) -> list[Draft]:
        i, n = 0, len(self.paras)
        while i < n:
            role, p = self.roles[i], self.paras[i]
            if role == DECOR:
                if p.heading and i + 1 < n and COUNTDOWN_RE.search(self.paras[i + 1].norm):
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
        t, norm = p.text, p.norm
        cur = self.cur
        if role == CREDIT:
            if cur is None:
                cur = self.new(line=p.line_no)
            if not cur.body and cur.captions:
                for caption in cur.captions:  # a photo item: its caption is its text
                    cur.add_body(caption, p.line_no)
                cur.captions = []
            elif starts_photo_item(cur.body) and not cur.photo and not self.after:
                caption = cur.body.pop()  # the last paragraph is a photo item of its own
                cur = self.new(line=p.line_no)
                cur.add_body(caption, p.line_no)
            cur.byline, cur.photo, cur.closed = t, True, True
            return
        if role == BYLINE:
            if cur is None or (cur.closed and cur.body and cur.byline):
                cur = self.new(line=p.line_no)
            cur.byline = f"{cur.byline} {t}" if cur.byline and not cur.body else (cur.byline or t)
            cur.credits.append(norm)
            cur.author = cur.author or is_author_line(p.norm_display)
            if cur.body and not self.after:
                cur.closed = True  # a byline under the text ends the article
            return
        if role == SOURCE:
            if cur is None:
                cur = self.new(line=p.line_no)
            cur.source = t
            if closes_item(norm) and cur.body:
                m = re.search(r"((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})", norm)
                if m:
                    cur.source_date = _safe_date(int(m[1]), int(m[2]), int(m[3]))
                cur.closed = True
            return
        if role == ORIGINAL:
            if cur is None:
                cur = self.new(line=p.line_no)
            cur.original_title = t
            return
        if role == CAPTION:
            if cur is None or cur.closed:
                cur = self.new(line=p.line_no)
            glued = split_glued_credit(p.display)  # the printed spacing: 记者 赵二 摄
            cur.captions.append(tidy_spaces(glued[0]) if glued else t)
            if glued and not cur.byline:
                cur.byline = glued[1]
            return
        if role == MARKER:
            if cur is not None:
                cur.add_body(t, p.line_no)
            return
        # body or lead
        if cur is None or cur.closed or (role == LEAD and cur.body) or cur.starts_brief(norm):
            cur = self.new(self.pending.pop(0) if self.pending and role == LEAD else None, line=p.line_no)
        cur.add_body(t, p.line_no, p.display)
        if not self.column and split_trailing_credit(norm):
            cur.closed = True  # …（记者 王天晓）: the reporters' credit ends the item

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
            if closes_item(plain(cur.source)):
                cur.closed = True
        if len(groups) == 1 and not groups[0].level and self.briefs_ahead(j):
            self.labels.extend(groups[0].paras)  # a round-up's column label (要闻简报): no item's title
            self.close()
            return
        if cur is not None and cur.body and after_block in (MARKER, CREDIT, None) and not (
                after_block is None and not self.column):
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
                and after_block == BODY and not self.photo_ahead(j) and not groups[0].paras[0].run_in
                and is_in_body_heading(groups[0].text, self.next_text(j))):
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


def is_in_body_heading(text: str, next_text: str) -> bool:
    """A single headline line between two body paragraphs is an in-body section heading (小标题)
    or a line the layout broke off a sentence, unless the text under it opens with its own date
    or a lead, as a new article does, or it is a date heading or an introducer (``…议程——``)."""
    if DATE_ONLY_RE.match(next_text):
        return True  # a notice's issuer above its date: the signature, kept with the text
    if opens_with_date(next_text) or is_lead(next_text):
        return False
    t = plain(text)
    if DATE_ONLY_RE.match(t):
        return False  # a date heading (today in history) opens an entry
    return not t.endswith(("——", "—", "：", ":"))  # 本次会议议程——: it introduces an item of its own


def starts_photo_item(body: list[str]) -> bool:
    """A guess: a credit line (``记者 X 摄``) under a text of several paragraphs whose last one
    opens with its own date or with 图为 credits that paragraph only — a photo item printed
    after the article, not the article's photographer."""
    if len(body) < 2:
        return False
    last = plain(body[-1])
    return len(last) <= 200 and (opens_with_date(last) or last.startswith(("图为", "图：")))


def _split_run_ins(paras: list[Paragraph]) -> list[Paragraph]:
    """Paragraphs that open with a run-in headline (:func:`split_run_in_headline`) become a
    headline paragraph and a body paragraph (one-paragraph-per-line pages only)."""
    out: list[Paragraph] = []
    for p in paras:
        split = None if p.column or p.heading else split_run_in_headline(p.norm_display)
        if split is None:
            out.append(p)
            continue
        k = _printed_offset(p.display, len(split[0]))
        head, rest = p.display[:k].strip(), tidy_spaces(p.display[k:])
        out.append(Paragraph(tidy_spaces(head), blank_before=max(p.blank_before, 1), line_no=p.line_no, column=False,
                             display=head, run_in=True))
        out.append(Paragraph(rest, blank_before=0, line_no=p.line_no, column=False))
    return out


def _printed_offset(text: str, norm_offset: int) -> int:
    """The index in printed ``text`` of the character at ``norm_offset`` in its plain form
    (glosses removed): glosses are skipped while counting."""
    from .normalize import GLOSS_RE

    spans = [(m.start(), m.end()) for m in GLOSS_RE.finditer(text)]
    count, i = 0, 0
    while i < len(text) and count < norm_offset:
        span = next((s for s in spans if s[0] == i), None)
        if span:
            i = span[1]
            continue
        count += 1
        i += 1
    while True:  # a gloss right after the last counted character belongs to it
        span = next((s for s in spans if s[0] == i), None)
        if not span:
            return i
        i = span[1]


def _broken_column_lines(roles: list[str], paras: list[Paragraph]) -> list[str]:
    """On OCR pages of columns, a short line that runs on into the next line (no blank line,
    no indent opening a new block: ``举报人可通过书信、电话、电子邮`` / ``件等方式进行举报。``) is a
    piece of a sentence the joining rules left, not a headline."""
    out = list(roles)
    for k, p in enumerate(paras[:-1]):
        nxt = paras[k + 1]
        if (out[k] == HEAD and p.column and not p.heading and roles[k + 1] == BODY and nxt.blank_before == 0
                and not nxt.indented and re.search(r"[，、,]", p.norm) and p.norm[-1:].isalpha()):
            out[k] = BODY
    return out


def _date_headings(roles: list[str], paras: list[Paragraph]) -> list[str]:
    """A date alone on its line (``1979年4月4日``) heads the text under it (a today-in-history
    entry); at the end of a notice, before a headline or the page end, it is the signature's date."""
    out = list(roles)
    for k, p in enumerate(paras):
        if DATE_ONLY_RE.match(p.norm) and k + 1 < len(paras) and roles[k + 1] == BODY and not p.column:
            out[k] = HEAD
    return out


# --- finishing articles -------------------------------------------------------------------


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


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
    if len(body) >= 3 and DATE_ONLY_RE.match(plain(body[-1])) and len(body[-2]) <= 30 and not ends_sentence(body[-2]):
        return body[:-2], body[-2] + " " + body[-1]
    if len(body) >= 2 and DATE_ONLY_RE.match(plain(body[-1])):
        return body[:-1], body[-1]
    return body, None


def split_credit_off(body: list[str]) -> tuple[list[str], str | None]:
    """A reporters' credit in parentheses at the end of the last paragraph (``…确认。（李茜 赵素宾）``)
    is not body text."""
    if not body:
        return body, None
    split = split_trailing_credit(body[-1])
    if split is None:
        return body, None
    last, credit = split
    return [*body[:-1], last] if last else body[:-1], credit


def classify_kind(title: str | None, subtitles: list[str], body: str, photo: bool, source: str | None,
                  author: bool = False) -> str:
    """news / commentary / photo / notice / data / other, from the shape of the item."""
    heads = " ".join([title or "", *subtitles])
    if photo and len(body) < 400:
        return "photo"
    if re.search(r"(公告|通告|决定|决议|公示|启事|通知|通报|议程|日程|须知)[—：:]*$", title or "") or re.search(r"特此公告|现就有关事宜公告", body):
        return "notice"
    if title and DATE_ONLY_RE.match(title):
        return "other"  # a today-in-history entry, headed by its date
    if is_data_item(body) or re.search(r"数据|统计公报", title or ""):
        return "data"
    if re.search(r"评论|时评|短评|述评|论坛|随笔|杂谈|观察", heads) or author:
        return "commentary"
    if not is_lead(body) and source and source.startswith("据") and find_dateline(body, None) is None:
        return "commentary"  # a reprinted essay: no lead, no dateline
    return "news"


def is_data_item(body: str) -> bool:
    """A guess: tables of counts and forecasts are data — many numbers with counting units
    (``榆次区4件``, ``气温4~-10度``), not a report that quotes a few figures or percentages."""
    if not body or is_lead(body):
        return False
    numbers = re.findall(r"\d+(?:\.\d+)?\s*(?:[+（(][^）)]*[）)])?\s*(?:件|个|人次|户|处|起|项|度|℃)", body)
    return len(numbers) >= 4 and len(numbers) * 40 >= len(body) or bool(re.search(r"天气预报|气温\s*-?\d", body[:60]))


def _similarity(a: str, b: str) -> float:
    grams_a = {a[i:i + 2] for i in range(len(a) - 1)}
    grams_b = {b[i:i + 2] for i in range(len(b) - 1)}
    return len(grams_a & grams_b) / (len(grams_a | grams_b) or 1)


def attach_orphans(drafts: list[Draft]) -> list[Draft]:
    """Body text with no headline, lead, credit, byline, source or caption, printed between two
    articles on a headlines-before-bodies page, is an out-of-order piece of a neighbour: keep
    it as a fragment of the neighbour whose text it resembles most. A brief that opens with its
    own date, and text after an article that its byline or source closed, stand on their own."""
    out: list[Draft] = []
    for k, d in enumerate(drafts):
        closed_before = k > 0 and bool(drafts[k - 1].byline or drafts[k - 1].source) and not drafts[k - 1].photo
        orphan = (not d.groups and not d.has_lead and not d.photo and d.body and 0 < k and not d.byline
                  and not d.source and not d.captions and not (d.dated or d.bulleted) and not closed_before)
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
            best.fragments.extend([*d.body, *d.fragments])  # an orphan may hold an earlier orphan
    return out


@dataclass
class PageInfo:
    """What is known about the page from outside its text."""

    paper: str = "unknown"
    paper_name: str = ""
    date: dt.date | None = None
    page: int = 1
    date_source: str = "archive"


@dataclass
class PageDrafts:
    """A page cut into drafts, with the furniture and labels that are no article's text."""

    drafts: list[Draft]
    elements: list[PageElement]
    after: bool = False


def cut_page(text: str, paper_name: str = "") -> PageDrafts:
    """Cut a page into draft articles (headline groups + body paragraphs) and page elements."""
    layout = layout_page(text, paper_name)
    seg = _Segmenter(layout.paragraphs, layout.column)
    drafts = seg.run()
    elements = list(layout.elements) + [PageElement("column", p.text, p.line_no) for p in seg.labels]
    elements.sort(key=lambda e: e.line)
    return PageDrafts(drafts if seg.after else attach_orphans(drafts), elements, seg.after)


def split_articles(text: str) -> list[Draft]:
    """Cut a page into draft articles (headline groups + body paragraphs)."""
    return cut_page(text).drafts


def notice_date(subtitles: list[str], signature: str | None, issue: dt.date | None) -> dt.date | None:
    """A notice is dated by its signature or by the 题注 under its title."""
    for text in [signature or "", *subtitles]:
        dates = full_dates(plain(text))
        if dates:
            return dates[0]
    return None


def article_dateline(kind: str, title: str | None, subtitles: list[str], signature: str | None, body: str,
                     reference: dt.date | None) -> dt.date | None:
    """The event date: a notice's signature or 题注; a date heading; else the lead's date
    (relative days such as 昨天 resolved against ``reference``), or, in a feature that opens with
    scene-setting, the first paragraph that opens with a date. A commentary has none."""
    if kind == "commentary":
        return None
    if kind == "notice":
        d = notice_date(subtitles, signature, reference)
        if d:
            return d
    d = title_date(plain(title or ""))
    if d:
        return d
    norm = plain(body)
    d = find_dateline(norm, reference)
    if d is None and reference is not None:
        d = resolve_relative_day(norm, reference)
    if d is None and reference is not None:
        for para in norm.split("\n")[1:3]:
            if opens_with_date(para):
                d = find_dateline(para, reference, window=20)
                break
    return d


def parse_page(text: str, info: PageInfo, home_region: str | None = None,
               enrich: Callable[[Article, str | None], None] | None = None) -> list[Article]:
    """Parse one page into :class:`Article` records.

    ``enrich(article, home_region)`` fills regions/officials (see :mod:`indexer.pipeline`);
    it is a parameter so that the parser itself needs no gazetteer. The page's furniture
    (breadcrumbs, meta lines, navigation …) travels with its first article as
    ``page_elements``; a meta line's source and author go to the article they stand in.
    """
    articles: list[Article] = []
    page = cut_page(text, info.paper_name)
    drafts = page.drafts
    seq = 0
    kept: list[Draft] = []
    for draft in drafts:
        body_paras, signature = split_signature(_dedupe(draft.body))
        body_paras, credit = split_credit_off(body_paras)
        if credit:
            draft.credits.append(credit)
            draft.byline = draft.byline or credit
        title, subtitles = choose_title(draft.groups, prefer_trailing=not _is_after(drafts, draft))
        title, labels = clean_title(title)
        subtitles = labels + subtitles
        if not body_paras:
            continue  # a lone headline or decoration with no text under it
        seq += 1
        kept.append(draft)
        body = "\n".join(body_paras)
        date_iso = info.date.isoformat() if info.date else "0000-00-00"
        kind = classify_kind(title, subtitles, plain(body), draft.photo, draft.source, draft.author)
        dateline = article_dateline(kind, title, subtitles, signature, body, draft.source_date or info.date)
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
            captions=list(draft.captions),
            original_title=draft.original_title,
            reporters=reporters_of([draft.lead_display or body_paras[0], *draft.credits]),
        )
        articles.append(art)
    _attach_elements(articles, kept, page.elements)
    if enrich is not None:
        for art in articles:
            enrich(art, home_region)
    return articles


def _attach_elements(articles: list[Article], drafts: list[Draft], elements: list[PageElement]) -> None:
    """Page elements go with the first article; a meta line's source and author fill the
    fields of the article it stands in (the last one starting at or before its line)."""
    if not articles:
        return
    articles[0].page_elements = [e.to_dict() for e in elements]
    for e in elements:
        if e.type != "meta":
            continue
        owner = 0
        for k, d in enumerate(drafts):
            if d.first_line and d.first_line <= e.line:
                owner = k
        art = articles[owner]
        source, author = meta_source(e.text), meta_author(e.text)
        if source and not art.source:
            art.source = source
        if author:
            art.byline = art.byline or author
            for name in reporters_of([author]):
                if name not in art.reporters:
                    art.reporters.append(name)


def _is_after(drafts: list[Draft], draft: Draft) -> bool:
    """Whether this draft's headlines were all printed after its body (headlines-after pages)."""
    return bool(draft.groups) and all(g.trailing for g in draft.groups) and not any(
        not g.trailing for d in drafts for g in d.groups)
