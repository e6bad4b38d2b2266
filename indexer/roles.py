"""What one paragraph of a page is: headline, lead, body, caption, credit, byline, source …

Each rule is a small named function about the shape of Chinese newspaper and news-site
text (leads, dispatch lines, credits, caption marks, headline length and punctuation,
dates opening a brief), never about the words of one page. The rules read the paragraph's
``norm`` text (pinyin glosses removed, traditional characters simplified), so a traditional
mirror (``本報訊``, ``記者 X 攝``) is read like its simplified original.
"""

from __future__ import annotations

import re

from .layout import (  # noqa: F401 - two_clause_headline is a rule of both modules
    ATTENDANCE_RE, COLUMN_LABEL_RE, SOURCE_LINE_RE, Paragraph, ends_sentence, text_width, two_clause_headline,
)

HEAD, LEAD, BODY, MARKER, CREDIT, BYLINE, SOURCE, DECOR, CAPTION, ORIGINAL = (
    "head", "lead", "body", "marker", "credit", "byline", "source", "decor", "caption", "original")

HAN = "\u4e00-\u9fff"
LEAD_RE = re.compile(
    r"^(?:本报讯|本报[^\s，,。]{0,12}电|(?:新华社|中新社|人民网|新华网|央广网|央视网)[^\s，,。]{0,12}电|"
    rf"(?:[^\s，,。]{{2,8}}(?:日报|晚报|都市报|报|新闻网|网|电视台|台|客户端|融媒体?|新闻中心|新闻)|[^\s，,。]{{2,6}}社)讯|"
    rf"[{HAN}]{{2,10}}(?:网|社|台|报|客户端|新闻)[{HAN}]{{0,6}}\d{{1,2}}月\d{{1,2}}日(?:电|讯|消息))"
)
MARKER_RE = re.compile(r"[（(]\s*([上下]?)\s*(接|转|轉)\s*(第\s*\S{1,3}\s*版)\s*[）)]")
_CREDIT_NAMES = rf"[{HAN}·]{{2,5}}(?:\s*[、,，/ ]\s*[{HAN}·]{{2,5}}){{0,3}}"
_CREDIT_ROLE = r"(?:(?:本报|新华社|特约)?(?:记者|通讯员|见习记者|摄影记者|摄影|特约摄影|融媒记者))"
PHOTO_CREDIT_RE = re.compile(rf"^(?:{_CREDIT_ROLE}|本报)?\s*{_CREDIT_NAMES}\s*/?\s*摄(?:影)?\s*$")
_GLUED_NAMES = rf"[{HAN}·]{{2,4}}(?:\s*、\s*[{HAN}·]{{2,4}}){{0,3}}"
GLUED_CREDIT_RES = (
    re.compile(rf"\s+(?P<credit>(?:{_CREDIT_ROLE}\s*)?{_GLUED_NAMES}(?:\s+[{HAN}·]{{2,4}}){{0,2}}\s*/?\s*摄(?:影)?)\s*$"),
    re.compile(rf"(?<=[。！？!?”）)])\s*(?P<credit>(?:{_CREDIT_ROLE}\s*)?{_GLUED_NAMES}\s*/?\s*摄(?:影)?)\s*$"),
)
BYLINE_RE = re.compile(rf"^[□■◎●]?\s*(?:本报(?:记者|通讯员)|记者|通讯员|特约撰稿人?|融媒记者)\s*[{HAN}\s、]{{2,20}}$")
AUTHOR_RE = re.compile(
    rf"^[{HAN}、]{{2,20}}(?:书记|主任|局长|县长|市长|区长|部长|主席|院长|校长|厅长|省长|委员|教授|研究员|主编|总编辑|社长|理事长)"
    rf"\s+[{HAN}·]{{2,4}}$"
)
WRITER_RE = re.compile(rf"^[（(]?\s*(?:文|图|文图|图文|文/图|撰文|口述)\s*[/／:：]\s*[{HAN}、 ·]{{2,20}}[）)]?$")
NUMBERED_HEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.、．])\S")
SECTION_MARK_RE = re.compile(r"^\d{1,2}\s+\S{1,4}$")
COUNTDOWN_RE = re.compile(r"倒计时\s*\d+\s*天$|^距.{2,20}还有\s*\d+\s*天$")
DATE_ONLY_RE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
OUTLET_DATE_RE = re.compile(rf"^(?P<outlet>[{HAN}·]{{2,16}})\s*(?P<date>(?:19|20)\d{{2}}-\d{{1,2}}-\d{{1,2}})$")
OUTLET_RE = re.compile(rf"^[{HAN}]{{2,12}}(?:日报|晚报|都市报|客户端|新闻网|融媒体中心|电视台|广播电视台|报社|新闻中心)$")
PAREN_CREDIT_RE = re.compile(rf"^[（(]\s*(?P<inner>[{HAN}·\s、]{{2,24}})\s*[）)]$")
TRAILING_CREDIT_RE = re.compile(
    rf"(?<=[。！？!?”])\s*[（(]\s*(?P<inner>(?:(?:本报)?(?:记者|通讯员|见习记者)\s*)?[{HAN}·]{{2,4}}(?:\s*[、 ]\s*[{HAN}·]{{2,4}}){{0,3}})\s*[）)]$"
)
ORIGINAL_TITLE_RE = re.compile(r"^[（(]?\s*(?:原标题|原题为?|原题目)\s*[:：]")
CAPTION_MARK_RE = re.compile(r"^(?:[▲△▼▽◀▶↑↓]|图为[:：]?|(?:上|下|左|右|组|资料|题)图[:：为]|图[:：])")
SCENE_CAPTION_RE = re.compile(r"(?:现场|会场|场景|一角|全景|掠影|剪影|留影|合影|现场图|侧记)$")
SPEECH_KICKER_RE = re.compile(r"(?:时|上|中)?(?:强调|指出|表示|要求|提出|寄语|称|说)$")
BULLET_RE = re.compile(r"^[◆●■◇□★☆▶►♦❖]")
_DATE_OPEN_RE = re.compile(
    r"^(?:[◆●■◇□★☆▶►♦❖•·\-]\s*)?(?:(?:19|20)\d{2}年)?(?:\d{1,2}月)?\d{1,2}日"
    r"(?:[上下]午|晚上?|早上|凌晨|中午|傍晚|晚间|夜间|\d{1,2}时(?:\d{1,2}分)?)?"
    r"(?:[，,]|[至到—\-]\d{1,2}日[，,]|消息[，,]|[" + HAN + r"]{2,6}[：:])"
)
MAX_HEADLINE_WIDTH = 46
MAX_DECK_WIDTH = 90
"""A deck of several spaced phrases (``罗清宇主持 魏民当选… 张新伟当选市长 …``) may run longer."""


def is_lead(text: str) -> bool:
    """A lead opens a news article: 本报讯（记者 X）…, 新华社…电, 山西日报讯, 人民网太原3月2日电."""
    return bool(LEAD_RE.match(text))


def is_photo_credit(text: str) -> bool:
    """``本报记者 刘勇摄`` / ``本报通讯员 张耀宇 摄``: a credit alone on its line, ending a photo item."""
    return len(text) <= 28 and bool(PHOTO_CREDIT_RE.match(text))


def split_glued_credit(text: str) -> tuple[str, str] | None:
    """``发放慰问品。冯晓磊 摄`` -> (``发放慰问品。``, ``冯晓磊 摄``): a caption with its credit on one
    line; None when there is no credit or nothing before it."""
    if len(text) > 160 or PHOTO_CREDIT_RE.match(text.strip()):
        return None
    found = [m for pattern in GLUED_CREDIT_RES if (m := pattern.search(text)) and text[: m.start()].strip()]
    if not found:
        return None
    m = min(found, key=lambda x: x.start())  # the whole credit: 。本报记者 孙四摄, not 孙四摄
    return text[: m.start()].strip(), m.group("credit").strip()


def is_caption(text: str) -> bool:
    """A photo caption printed with an article: a line with its credit glued on
    (:func:`split_glued_credit`), a line opened by a caption mark (``▲``, ``图为：``, ``资料图：``)
    or a short scene label (:func:`is_scene_caption`)."""
    if split_glued_credit(text):
        return True
    if CAPTION_MARK_RE.match(text) and len(text) <= 80:
        return True
    return is_scene_caption(text)


def is_scene_caption(text: str) -> bool:
    """A guess: a short unpunctuated line naming a scene (``大会闭幕现场``, ``开幕会场``) is the
    caption of a photo, not a headline."""
    return len(text) <= 24 and not re.search(r"[，,。；！？：:]", text) and bool(SCENE_CAPTION_RE.search(text))


def is_byline(text: str) -> bool:
    """A line that only names the author: ``□本报记者 郭婷婷``, ``文/张三``, ``吉县县委书记 崔绍民``."""
    t = text.strip()
    if len(t) > 28 or t.endswith("摄"):
        return False
    return bool(BYLINE_RE.match(t) or WRITER_RE.match(t) or AUTHOR_RE.match(t))


def is_author_line(text: str) -> bool:
    """A signed article's author with an office title (``吉县县委书记 崔绍民``): not a reporter."""
    return bool(AUTHOR_RE.match(text.strip()))


def is_source_line(text: str) -> bool:
    """``据《人民日报》`` / ``《山西日报》6月24日1版刊发`` / ``来源：平鲁报`` / ``大同晚报  2026-01-23`` /
    ``（泽州县融媒体中心）``: where an item comes from."""
    if len(text) > 30:
        return False
    return bool(SOURCE_LINE_RE.match(text) or OUTLET_DATE_RE.match(text) or is_paren_source(text))


def is_paren_source(text: str) -> bool:
    """A parenthesised credit on its own line: an organ (``（泽州县融媒体中心）``,
    ``（市委党史研究室供稿）``), not a list of names."""
    m = PAREN_CREDIT_RE.match(text.strip())
    if not m:
        return False
    inner = m.group("inner")
    return bool(re.search(r"(?:中心|供稿|提供|报社|电视台|研究室|办公室|部|局|委|社|台|站|网)$", inner))


def closes_item(text: str) -> bool:
    """Source lines that end the item above them: an outlet with its date (an aggregator's card)
    or a parenthesised credit."""
    return bool(OUTLET_DATE_RE.match(text.strip()) or is_paren_source(text))


def is_outlet_line(text: str) -> bool:
    """A line that only names an outlet (``山西日报客户端``), printed under a web headline."""
    return bool(OUTLET_RE.match(text.strip()))


def split_trailing_credit(text: str) -> tuple[str, str] | None:
    """``…进行了确认。（李茜 赵素宾）`` -> (body, ``李茜 赵素宾``): reporters credited in
    parentheses at the end of the last paragraph. Without a role word (记者 …) every part must
    read as a person's name, so an editorial note (``（公告另发）``) stays in the text."""
    m = TRAILING_CREDIT_RE.search(text)
    if not m:
        return None
    inner = m.group("inner").strip()
    if not re.match(r"(?:本报)?(?:记者|通讯员|见习记者)", inner):
        from .entities import looks_like_person_name

        if not all(looks_like_person_name(x) for x in re.split(r"[\s、]+", inner) if x):
            return None
    return text[: m.start()].rstrip(), inner


def is_original_title(text: str) -> bool:
    """``（原题为：《…》）`` / ``原标题：…``: a repost's original headline."""
    return bool(ORIGINAL_TITLE_RE.match(text))


_DECK_PHRASE_RE = re.compile(
    rf"^[{HAN}·、]{{2,16}}?等?(?:主持并讲话|出席并讲话|出席并致辞|主持|出席|参加|讲话|致辞|作安排|作部署|"
    rf"提出工作要求|提出要求|调研|会见|看望|陪同|宣读[{HAN}]{{0,10}}|作[{HAN}]{{0,10}}报告|当选[{HAN}]{{1,20}})"
    r"(?:会议并讲话|会议|活动)?$"
)


_NAMES_DECK_RE = re.compile(
    rf"^[{HAN}·]{{2,16}}(?:[ \u3000、]+[{HAN}·]{{2,4}}){{1,}}(?:等)?(?:一同|共同|分别)?(?:参加|出席|陪同|参会|调研|主持|观摩)$"
)


def is_attendance_line(text: str) -> bool:
    """Deck lines that report who chaired/attended (``刘星主持并讲话 冯晓雷参加``,
    ``常书铭刘星王建忠出席 任秀红主持并讲话``, ``罗清宇主持 魏民当选市人大常委会主任``): every
    phrase ends in such a verb. A headline that reports a meeting (``冯晓雷主持召开会议``) is not one."""
    if "召开" in text:
        return False
    if ATTENDANCE_RE.match(text) or _NAMES_DECK_RE.match(text.strip()):
        return True  # … or 市党政军领导杨某 邢某 贾某参加: names in a row and the shared verb
    phrases = [x for x in re.split(r"[ \u3000]+", text.strip()) if x]
    return len(phrases) >= 2 and all(_DECK_PHRASE_RE.match(x) for x in phrases)


def is_decoration(p: Paragraph) -> bool:
    """Page furniture, not articles: countdown boxes and slogan banners of three or more phrases."""
    if COUNTDOWN_RE.search(p.norm):
        return True
    phrases = [x for x in p.norm_display.split(" ") if x]
    return p.heading > 0 and len(phrases) >= 3 and all(len(x) >= 4 for x in phrases)


def _outside_quotes(s: str) -> str:
    return re.sub(r"“[^“”]*”|\"[^\"]*\"|《[^《》]*》|「[^「」]*」|『[^『』]*』", "", s)


def is_form_field(text: str) -> bool:
    """``举报电话:0354-…``, ``举报时间:2026年5月底…``, ``时间：8:00``: a short key and a value with
    numbers, not a headline with a colon."""
    if re.search(r"[:：]\s*[\d\-—()（）.:/@a-zA-Z ]{3,}$|\d\s*[:：]\s*\d", text):
        return True
    m = re.match(rf"^[{HAN}]{{2,6}}[:：](?P<value>.+)$", text)
    return bool(m and re.search(r"\d", m.group("value")))


def colon_headline(text: str) -> bool:
    """``盂县：小杂粮“种”出致富路``: a short topic, a colon and a phrase without digits — a headline's
    colon, not a form field or a clause that a colon introduces."""
    m = re.fullmatch(rf"([{HAN}]{{2,8}})[：:]([^:：\d]{{4,}})", text)
    return bool(m) and not SPEECH_KICKER_RE.search(m.group(1))


def is_headline_candidate(p: Paragraph) -> bool:
    """Short paragraphs that don't end a sentence: headlines, kickers, decks, labels.

    On OCR pages of narrow columns a short piece of a sentence looks the same, so there a
    comma or a colon rules a line out; on one-paragraph-per-line pages a headline may hold
    one comma (``蓝佛安当选…主任，金湘军当选…省长``) and a colon (``大同换帅：…``), and
    punctuation inside quotes never counts."""
    if p.heading:
        return True
    t = p.norm
    if p.list_item or not t or is_lead(t) or is_photo_credit(t) or is_byline(t) or is_source_line(t):
        return False
    if is_author_line(p.norm_display):
        return False
    if MARKER_RE.fullmatch(t) or DATE_ONLY_RE.match(t) or NUMBERED_HEADING_RE.match(t) or SECTION_MARK_RE.match(t):
        return False
    if is_caption(t) or is_original_title(t) or BULLET_RE.match(t):
        return False
    spaced_deck = len(re.findall(rf"[{HAN}] [{HAN}]", p.norm_display)) >= 2
    if text_width(t) > (MAX_DECK_WIDTH if spaced_deck else MAX_HEADLINE_WIDTH):
        return False
    if ends_sentence(t) and not (t.endswith(("：", ":")) and p.heading):
        return False
    if t[-1] in "，、,":
        return False
    if t.count("“") != t.count("”") or t.count("《") != t.count("》") or t.count("\"") % 2:
        return False  # an open quote: a piece of a sentence broken by the layout
    bare = _outside_quotes(t)
    commas = bare.count("，") + bare.count(",")
    if any(c in bare[:-1] for c in "。；") or (any(c in bare[:-1] for c in "！？") and (p.column or len(t) > 32)):
        return False  # (a web headline may exclaim: 暖气热起来 民心暖起来！我市全力保障今冬供暖)
    if p.column and (commas >= 2 or (commas and len(t) > 20)):
        return False  # a sentence fragment cut by the layout, not a headline
    if not p.column and (commas >= 2 or (commas and not two_clause_headline(bare))):
        return False
    if re.search(r"[:：]", bare) and not COLUMN_LABEL_RE.match(t):
        if is_form_field(t) or (p.column and not colon_headline(bare)):
            return False  # form fields (举报电话:…), times (8:00) and pieces of sentences are body text
    return True


def opens_with_date(text: str) -> bool:
    """A paragraph that opens with its own date (``12日，``, ``9月3日，``, ``2月5日天气预报：``,
    ``◆9月23日，``) or dispatch line (``人民网太原3月2日电``): how the briefs of a round-up start."""
    return bool(_DATE_OPEN_RE.match(text)) or bool(re.match(r"^[" + HAN + r"]{2,10}(?:网|社|台|报|客户端)[" + HAN
                                                          + r"]{0,6}\d{1,2}月\d{1,2}日(?:电|讯|消息)", text))


def is_bullet_item(text: str) -> bool:
    """``◆…``: an item of a list of briefs."""
    return bool(BULLET_RE.match(text))


def role_of(p: Paragraph) -> str:
    t = p.norm
    if is_decoration(p):
        return DECOR
    if is_headline_candidate(p):
        return HEAD
    if MARKER_RE.fullmatch(t):
        return MARKER
    if is_photo_credit(t):
        return CREDIT
    if is_byline(t) or is_author_line(p.norm_display):
        return BYLINE
    if is_source_line(t):
        return SOURCE
    if is_original_title(t):
        return ORIGINAL
    if is_lead(t):
        return LEAD
    if is_caption(t) and (not p.column or split_glued_credit(t) is None or len(t) < 60):
        return CAPTION
    return BODY


def looks_like_section_heading(text: str) -> bool:
    """An in-body subheading rather than a headline, when the layout cannot tell:
    numbered (一、…), a numbered marker (``01 张``) or a short clause with a comma
    (红线不能碰，谁都不例外)."""
    return bool(NUMBERED_HEADING_RE.match(text) or SECTION_MARK_RE.match(text)) or ("，" in text and len(text) <= 16)


# --- run-in headlines -----------------------------------------------------------------------

_FUNCTION_END = set("的在于是从到自至将和与及对为就把被让向同年月止前后今昨本当每近由经据以")
_RUN_IN_DATE = re.compile(
    r"^(?P<head>[^，。！？；,;!?\s]{6,40}?)(?P<rest>(?:\d{1,2}月)?\d{1,2}日(?:[上下]午|晚上?|早上|凌晨|中午|傍晚)?[，,])"
)
_CLOSING_QUOTE = re.compile(r"“[^“”]{1,14}”|\"[^\"]{1,14}\"|《[^《》]{1,20}》")


def split_run_in_headline(text: str) -> tuple[str, str] | None:
    """A headline glued to the first sentence with no break (aggregator cards, sidebars):
    ``大同市召开离退休干部情况通报会5月6日，…`` or ``山西路桥：党建引领 建好“四好农村路”围绕…``.

    Three shapes, each needing a full sentence after it: a phrase without punctuation ending
    right before the sentence's opening date (not after a function word: ``…第一天的2月11日``
    is prose); a phrase with headline spacing (two phrases and a space) that ends with a
    quoted word; ``X：…`` where the sentence opens with X's first two characters again
    (``晋中文旅：打造康养新名片晋中市文旅局…``). Returns (headline, rest) or None."""
    if "。" not in text and "！" not in text or len(text) < 30 or is_lead(text):
        return None
    m = _RUN_IN_DATE.match(text)
    if m and len(re.findall(rf"[{HAN}]", m.group("head"))) >= 4:
        head = m.group("head")
        if head[-1] not in _FUNCTION_END and not head.endswith(("截至", "日前", "近日", "期间")) and "记者" not in head:
            return head, text[m.start("rest"):]
    first = re.split(r"[，。！？；,;]", text, maxsplit=1)[0]
    spaced = re.search(rf"[{HAN}”\"》0-9][ \u3000][{HAN}“\"《]", first)
    if spaced:
        for q in _CLOSING_QUOTE.finditer(first, spaced.end()):
            end = q.end()
            if end < len(text) and re.match(rf"[{HAN}]", text[end]) and 6 <= end <= 40:
                return first[:end].strip(), text[end:]
    colon = re.match(rf"^(?P<label>[{HAN}]{{2,8}})[：:](?P<phrase>[^，。！？；,;：:]{{4,24}})", text)
    if colon:
        label = colon.group("label")
        start = colon.end("label") + 1
        k = text.find(label[:2], start + 4)
        if 0 < k <= colon.end("phrase") and k - start >= 4:
            return text[:k], text[k:]
    return None
