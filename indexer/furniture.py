"""Page furniture: the lines of an e-paper or news-site page that are not article text.

Web exports and e-paper pages carry the site around the article: breadcrumbs
(``当前位置：首页 > 要闻 > 正文``), meta lines (``来源：…  作者：…  发布时间：2024-03-05 09:12``),
e-paper navigation (``上一版  下一版``, ``第02版：要闻``), app prompts (``打开…查看更多图片``),
footers (``沪ICP备…``), index entries that repeat a later headline, and page titles that repeat
the headline with a site prefix. These lines are kept as the page's *elements* (type, text,
line) and removed from the text the parser cuts into articles, so they never set the page's
orientation, join a headline or a paragraph, or become an article.

Every rule is about the vocabulary and shape of site furniture (the words sites use for
navigation and metadata, separators, timestamps, phone numbers), never about one page. Each
is a small named function; :func:`find_furniture` applies them to a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import normalize, strip_glosses

_WS = re.compile(r"\s+")
_SENTENCE_PUNCT = re.compile(r"[。！？!?；;]")
_COMMA = re.compile(r"[，,]")
DATETIME_RE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*\d{1,2}\s*:\s*\d{2}(?::\d{2})?")
ISO_DATE_RE = re.compile(r"(?:19|20)\d{2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}")
FULL_DATE_RE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


@dataclass
class PageElement:
    """One furniture line of a page: its kind, its printed text and its 1-based line."""

    type: str
    text: str
    line: int

    def to_dict(self) -> dict:
        return {"type": self.type, "text": self.text, "line": self.line}


def key(line: str) -> str:
    """The line as the rules read it: glosses removed, half-width, simplified, lower case,
    runs of whitespace as one space."""
    return _WS.sub(" ", normalize(strip_glosses(line))).strip()


# --- single-line rules ------------------------------------------------------------------------

_CRUMB_HEAD = re.compile(r"^(?:您?(?:当前|现在|所在)?的?(?:位置|位于)|当前位置|所在位置)\s*[:：>]")
# a lone > separates crumbs only with a space beside it (首页 > 要闻; not <b>粗体</b>)
_CRUMB_SEP = re.compile(r"\s*(?:>>|›|»|→)\s*|\s+>\s*|\s*>(?:\s+|$)")


def is_breadcrumb(k: str) -> bool:
    """``当前位置：首页 > 要闻 > 正文``, ``黄河新闻网 > 阳泉频道``, ``人事风向 >``: a location path."""
    if _CRUMB_HEAD.match(k):
        return True
    if not _CRUMB_SEP.search(k) or _SENTENCE_PUNCT.search(k) or _COMMA.search(k) or len(k) > 80:
        return False
    parts = [p for p in _CRUMB_SEP.split(k) if p.strip()]
    return bool(parts) and all(len(p) <= 16 and "<" not in p for p in parts)


_META_KEYS = (
    "来源", "稿源", "出处", "作者", "编辑", "责编", "责任编辑", "发布时间", "发布日期", "发布者", "更新时间",
    "时间", "日期", "浏览次数", "浏览量", "浏览", "阅读量", "阅读数", "点击数", "点击量", "点击", "人气",
    "字体大小", "字体", "字号", "文章字数", "字数", "审核", "校对", "监制", "分享到", "分享",
    "分类", "有效性", "文号", "发布机构", "索引号", "主题分类", "发文机关",
)
# a key at the start of a field: not the end of a longer word (报名时间：… is a notice's text)
_META_KEY_RE = re.compile(r"(?:^|(?<=[\s|丨/，,。\]】)]))(?:" + "|".join(sorted(_META_KEYS, key=len, reverse=True))
                          + r")\s*[:：]")
_MACHINE_TIME_RE = re.compile(r"(?:19|20)\d{2}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}")
_META_TABLE_RE = re.compile(r"^(?:索引号|发文字号|发文机关|发文时间|主题词|主题分类|成文日期|发布机构|信息来源|文号|公开方式|公开范围)")
_UI_WORDS = re.compile(r"打印本页|打印|关闭窗口|放大|缩小|收藏|【\s*[大中小]\s*】|\[\s*[大中小]\s*\]")


def is_meta_line(k: str) -> bool:
    """``来源：…  作者：…  发布时间：2024-03-05 09:12  浏览次数：…``, ``2021-06-04 11:45``,
    ``文章字数:846``, a metadata-table row (``索引号…``): an article's or page's metadata, not text."""
    if _SENTENCE_PUNCT.search(k) or len(k) > 140:
        return False
    if _META_TABLE_RE.match(k):
        return True
    keys = len(_META_KEY_RE.findall(k))
    if DATETIME_RE.search(k):
        rest = len(re.sub(r"[\d\s:：/.\-年月日|丨]", "", DATETIME_RE.sub("", k)))
        # a machine timestamp (2022-02-12 10:02:22) with a few words, a date and time with a key,
        # or an account's byline (古交发布 2024年11月22日 19:06 山西): no field of a notice (会议时间：…)
        no_field = not re.search(r"[:：]", DATETIME_RE.sub("", k))
        return keys >= 1 or rest == 0 or (bool(_MACHINE_TIME_RE.search(k)) and rest <= 20) or (no_field and rest <= 12)
    if keys >= 2 or (keys and _UI_WORDS.search(k)):
        return True
    if keys == 1 and re.match(r"^(?:发布|更新)?(?:时间|日期)\s*[:：]\s*(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*"
                              r"\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$", k):
        return True
    return bool(keys == 1 and re.match(r"^(?:文章)?字数\s*[:：]\s*\d+$|^(?:浏览|阅读|点击)\S{0,2}\s*[:：]\s*\d*$", k))


_NAV_RE = re.compile(
    r"上一版|下一版|上一篇|下一篇|当前版|版面导航|标题导航|本版导航|返回目录|通版|往期回顾|"
    r"^第?\s*[0-9a-z]{1,3}\s*版\s*[:：]|^\d{1,5}\s*期\s*/|(?:数字报|电子报|电子版)$|第\s*[0-9一二三四五六七八九十]{1,3}\s*版(?![权面])|"
    r"pdf下载|^第\s*\d+\s*期"
)


def is_navigation(k: str) -> bool:
    """E-paper navigation: ``当前版: 02版 上一版 下一版``, ``第01版：要闻``, ``1886 期 / 第2版：2``, ``大同日报数字报``."""
    if re.search(r"[上下]?\s*[转接轉]\s*第", k):
        return False  # （下转第4版）: a jump line belongs to its article
    return len(k) <= 60 and not _SENTENCE_PUNCT.search(k) and bool(_NAV_RE.search(k))


_UI_RE = re.compile(
    r"打开.{0,10}(?:查看|阅读|浏览).{0,6}$|点击(?:上方|蓝字|关注|进入|投稿|查看|阅读|播放|此处)|扫码|扫一扫|二维码|"
    r"下载.{0,6}(?:客户端|app)|^(?:登录|注册|收藏|分享|举报|我要举报|评论|点赞|在看|关注|字号|返回|返回顶部|"
    r"展开全文|阅读全文|收起|展开|更多|加载更多|没有更多了|相关资讯|相关阅读|相关链接|推荐阅读|延伸阅读|热点查询.*|"
    r"移动平台|手机版|[•·]?\s*\+\s*\d+)$|logo|保存为word|打印本页|关闭窗口|手机网址|新闻投递|长按识别|关注我们|"
    r"打开.{0,12}(?:app|客户端)|阅读体验更佳"
)


_UI_WORD = re.compile(r"^(?:登录|注册|收藏|分享|举报|评论|点赞|在看|关注|字号|返回|打印|关闭|纠错|下载|扫码|更多|[大中小])$")


def is_ui_prompt(k: str) -> bool:
    """App and site controls: ``打开网易新闻 查看精彩图片``, ``点击上方蓝字关注我们``, ``下载客户端``,
    ``+1``, a row of control words (``字号 分享``)."""
    if len(k) > 50 or _SENTENCE_PUNCT.search(k):
        return False
    words = k.split(" ")
    if len(words) >= 2 and all(_UI_WORD.match(w) for w in words):
        return True
    return bool(_UI_RE.search(k.lstrip("•·- ")))


_FOOTER_RE = re.compile(
    r"icp备|公网安备|许可证|版权所有|copyright|©|未经(?:授权|许可|同意).{0,6}(?:不得|禁止)|特别声明|报料|"
    r"违法和不良信息|^(?:主办|承办|协办|技术支持)\s*[:：]"
)
_EDITOR_RE = re.compile(r"^[（(\[【]?\s*(?:责编|责任编辑|编辑|值班编辑|美编|审核|校对|监制|终审|初审|二审|三审|编审)\s*[:：]")


def is_footer(k: str) -> bool:
    """Site footers and notices: ``沪ICP备…``, ``版权所有``, ``未经授权不得转载``, ``特别声明：…``."""
    return len(k) <= 120 and bool(_FOOTER_RE.search(k))


def is_editor_line(k: str) -> bool:
    """``(责编：张杰)``, ``责任编辑：万婷婷``, ``编辑:阿朔``: the page's editor."""
    return len(k) <= 40 and bool(_EDITOR_RE.match(k))


_PHONE_RE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)|\b[\w.+-]+@[\w-]+\.[\w.]+")


def is_site_header(k: str) -> bool:
    """Contact strips and site slogans: ``联系热线:0350-…``, ``0356-… news@…``, ``…官方发布平台``."""
    if _SENTENCE_PUNCT.search(k) or len(k) > 80:
        return False
    if _PHONE_RE.search(k) and len(re.sub(r"[\d\s\-:：|@.a-z]", "", k)) <= 20:
        return True
    return bool(re.search(r"(?:官方|信息|新闻)?发布平台$|官方网站$|官方(?:网|微博|微信)$|主办$|主办单位", k))


def is_image_file(k: str) -> bool:
    """An image file name left by the export (``20240301_a1.jpg``)."""
    return len(k) <= 80 and bool(re.search(r"\.(?:jpe?g|png|gif|webp|bmp)\b", k))


def is_counter(k: str) -> bool:
    """A stray widget number (``0``) on a line of its own."""
    return bool(re.fullmatch(r"\d{1,6}", k))


def is_link_bar(k: str) -> bool:
    """A bar of links or tabs: ``• 黄河新闻网  • 黄河新闻网阳泉频道``, ``相关资讯 | 最新``,
    ``首页 资讯 风采 资源 建设 产业 合作``, ``中国政府网 | 山西省政府 | 长治市政府``."""
    if _SENTENCE_PUNCT.search(k) or _COMMA.search(k) or len(k) > 100:
        return False
    bullets = [p.strip() for p in re.split(r"[•·]", k) if p.strip()]
    if k.count("•") + k.count("·") >= 2 and len(bullets) >= 2 and all(len(p) <= 16 for p in bullets):
        return True
    bars = [p.strip() for p in re.split(r"[|丨｜]", k)]
    if len(bars) >= 2 and all(0 < len(p) <= 12 for p in bars):
        return True
    words = k.split(" ")
    return len(words) >= 5 and all(1 <= len(w) <= 4 for w in words) or (
        len(words) >= 4 and all(len(w) == 2 for w in words))


def is_topic_header(k: str) -> bool:
    """An aggregator's topic label: ``话题 · 大同``, ``专题：两会``."""
    return len(k) <= 20 and bool(re.match(r"^(?:话题|专题|专栏|热点|聚合)\s*[·:：|]", k))


def is_summary(k: str) -> bool:
    """A ``[导读]`` / ``摘要：`` block that repeats the lead."""
    return bool(re.match(r"^(?:[\[【(（]\s*(?:导读|摘要|提要|内容提要)\s*[\]】)）]|(?:导读|摘要|内容提要|提要)\s*[:：])", k))


def is_masthead(k: str) -> bool:
    """``晋中日报　2025年3月1日　星期六``: the paper's name with the issue date and weekday."""
    return len(k) <= 40 and bool(re.search(r"(?:星期|周|礼拜)[一二三四五六日天]", k)) and bool(
        FULL_DATE_RE.search(k) or ISO_DATE_RE.search(k))


LINE_RULES: tuple[tuple[str, object], ...] = (
    ("breadcrumb", is_breadcrumb),
    ("masthead", is_masthead),
    ("navigation", is_navigation),
    ("summary", is_summary),
    ("meta", is_meta_line),
    ("editor", is_editor_line),
    ("footer", is_footer),
    ("ui", is_ui_prompt),
    ("image", is_image_file),
    ("links", is_link_bar),
    ("topic_header", is_topic_header),
)


def furniture_kind(line: str, *, ocr_columns: bool = False) -> str | None:
    """The furniture type of one line, or None for article text.

    On OCR pages of narrow columns a line is a fragment of a sentence, so only the rules
    that cannot fire on a fragment apply there (navigation, masthead, footers, UI, image names)."""
    return _kind_of_key(key(line), ocr_columns)


def _kind_of_key(k: str, ocr_columns: bool) -> str | None:
    if not k or len(k) > 150:
        return None  # a paragraph of text
    for name, rule in LINE_RULES:
        if ocr_columns and name in ("meta", "links", "site_header", "editor", "summary", "breadcrumb"):
            continue
        if rule(k):  # type: ignore[operator]
            return name
    if not ocr_columns and is_counter(k):
        return "counter"
    return None


# --- page-level rules -----------------------------------------------------------------------

_HEADLINE_PUNCT = re.compile(r"[。！？!?；;]$")


_JUMP_RE = re.compile(r"^[(（]\s*[上下]?\s*[转接]")


def _headline_like(k: str) -> bool:
    return 4 <= len(k) <= 60 and not _HEADLINE_PUNCT.search(k) and not _JUMP_RE.match(k)


def repeated_headline_lines(lines: list[str], keys: list[str] | None = None) -> dict[int, str]:
    """Lines that repeat a later headline-like line: headline-index entries (``· 晋中是座大学城``),
    a page title printed twice (``平定满怀信心…`` / ``平定满怀信心…``) and page titles that are
    the headline with a site prefix (``吉县：学先进…`` before ``学先进…``, ``标题【…】…``). The
    *earlier* line is the furniture; the last one is the headline."""
    keys = [re.sub(r"\s+", "", k).lstrip("·•-*") for k in (keys or [key(x) for x in lines])]
    found: dict[int, str] = {}
    for i, ki in enumerate(keys):
        if not _headline_like(ki):
            continue
        for j in range(i + 1, len(keys)):
            kj = keys[j]
            if not _headline_like(kj) or len(kj) < 6:
                continue
            if ki == kj or (ki.endswith(kj) and len(ki) - len(kj) <= 12 and re.search(r"[:：】\]]|^标题", ki[: len(ki) - len(kj)] or "")):
                found[i] = "headline_index" if lines[i].lstrip().startswith(("·", "•")) else "page_title"
                break
    return found


def index_block(lines: list[str], keys: list[str] | None = None) -> dict[int, str]:
    """The entries under a ``标题导航`` / ``本版导读`` line (bullet lines up to the first other line)
    and under a ``推荐阅读`` / ``相关阅读`` line (the headline-like lines up to a blank line)."""
    found: dict[int, str] = {}
    keys = keys or [key(x) for x in lines]
    for i, _line in enumerate(lines):
        if re.match(r"^(?:推荐阅读|相关阅读|延伸阅读|相关新闻|相关链接|往期回顾|热门推荐|猜你喜欢|精彩推荐)\s*[:：]?$", keys[i]):
            found[i] = "links"
            for j in range(i + 1, len(lines)):
                if not keys[j] or len(keys[j]) > 40 or keys[j].endswith("。"):
                    break
                found[j] = "links"
            continue
        if re.match(r"^(?:标题导航|本版导读|本版目录|目录|导航)$", keys[i]):
            found[i] = "headline_index"
            for j in range(i + 1, len(lines)):
                s = lines[j].strip()
                if not s:
                    continue
                if s.startswith(("·", "•")):
                    found[j] = "headline_index"
                else:
                    break
    return found


# site and paper names (a headline may end in 网 — 织密安全防护网 — so a bare 网 is not enough)
_SITE_NAME_RE = re.compile(r"(?:新闻网|资讯网|信息网|门户网|网站|门户|客户端|频道|在线|数字报|电子报|日报|晚报|都市报|周报|时报|商报)$")
_SITE_OWNER_RE = re.compile(r"(?:人民政府|政府网|门户网站|融媒体中心|新闻中心)$")  # a portal's owner as its header
_SECTION_RE = re.compile(r"^[\u4e00-\u9fff]{0,4}(?:新闻|要闻|专版|专刊|特刊|副刊|综合|时政|经济|社会|文化|体育|国际|国内|县区|县市区|评论|理论|视点|专题)$")


def is_section_label(k: str) -> bool:
    """``要闻``, ``县市区``, ``地方新闻``: a section of the paper, printed above the text."""
    return len(k) <= 6 and bool(_SECTION_RE.match(k))


def top_site_names(lines: list[str], taken: set[int], paper_name: str = "",
                   keys: list[str] | None = None) -> dict[int, str]:
    """Site headers and mastheads printed above everything else, before the first line of text:
    short site or paper names (``山西大院资讯网``, ``忻州日报``, the paper's own name), contact
    strips (:func:`is_site_header`) and section labels (:func:`is_section_label`)."""
    found: dict[int, str] = {}
    names = {key(n).replace(" ", "") for n in re.split(r"[（()）]", paper_name or "") if len(key(n)) >= 2}
    keys = keys or [key(x) for x in lines]
    for i, _line in enumerate(lines):
        k = keys[i]
        if not k:
            continue
        if i in taken:
            continue
        bare = k.replace(" ", "")
        if any(re.fullmatch(re.escape(n) + r"[\d年月日星期一二三四五六日天第版期：:·|/\-]*", bare) for n in names):
            found[i] = "masthead"  # the paper's own name, with its date and page at most
            continue
        if is_site_header(k) or (
                len(k) <= 14 and (_SITE_NAME_RE.search(k) or _SITE_OWNER_RE.search(k)) and not _SENTENCE_PUNCT.search(k)
                and " " not in k):
            found[i] = "site_header"
            continue
        if is_section_label(bare) and any(j < i for j in [*taken, *found]):
            found[i] = "page_label"  # under a masthead or navigation line
            continue
        break
    return found


def find_furniture(lines: list[str], *, ocr_columns: bool = False, paper_name: str = "") -> dict[int, str]:
    """Line index -> furniture type for a page's lines (``paper_name``: the paper's own name,
    which its masthead prints)."""
    found: dict[int, str] = {}
    keys = [key(line) for line in lines]
    for i, k in enumerate(keys):
        kind = _kind_of_key(k, ocr_columns)
        if kind:
            found[i] = kind
    if not ocr_columns:
        for i, kind in {**index_block(lines, keys), **repeated_headline_lines(lines, keys)}.items():
            found.setdefault(i, kind)
    found.update({i: k for i, k in top_site_names(lines, set(found), paper_name, keys).items() if i not in found})
    return found


# --- what furniture says about the article ----------------------------------------------------

_SOURCE_VALUE = re.compile(r"(?:来源|稿源|出处)\s*[:：]\s*([^\s|丨:：]{2,20})")
_AUTHOR_VALUE = re.compile(r"作者\s*[:：]\s*([^|丨:：]{2,24}?)(?=\s{2,}|\s*(?:19|20)\d{2}|\s*[|丨]|\s*\S{2,4}\s*[:：]|$)")


def meta_source(text: str) -> str | None:
    """The outlet a meta line names (``来源：太行日报编辑：…`` -> ``太行日报``)."""
    k = key(text)
    m = _SOURCE_VALUE.search(k)
    if not m:
        return None
    value = re.split(r"(?:编辑|作者|发布|时间|日期|责编|浏览)", m.group(1))[0]
    return value or None


def meta_author(text: str) -> str | None:
    """The author a meta line names (``作者: 梁涛 2021年…`` -> ``梁涛``)."""
    k = key(text)
    m = _AUTHOR_VALUE.search(k)
    return m.group(1).strip() if m and m.group(1).strip() else None
