"""Regions and officials named in an article, by general rules over the text.

Why rules and not a statistical tagger: the archive is OCR of many Shanxi papers and the two
facets must be precise (a wrong region or a reporter listed as an official is worse than a
miss).  Chinese newspaper prose is formulaic enough that the decisive evidence is local:

* a **region** is a division name from the gazetteer (full name, or short name when that short
  name is unambiguous), which is not part of an organisation / brand / facility name, or a
  deictic reference (我市, 全区, 县委 …) resolved against the paper's home region;
* an **official** is a name printed right after a public-office title (市委副书记、市长刘星)
  or in a list under 市领导 / 省领导 ….  Titles and list contexts decide; jieba's person tags
  are unreliable on this prose (it tags 惠民/施策 as names) and are not used.

All functions first remove whitespace: OCR of narrow columns breaks lines inside names
(``祁\\n县``, ``副市长王\\n帮富``).  jieba is used for one thing only — to check that a short
name (长治, 五台) is not swallowed by a longer ordinary word (长治久安, 五台山) — through a
private :class:`jieba.Tokenizer` created lazily on first use, never at import time.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import segment
from .normalize import strip_glosses, to_simplified
from .gazetteer import Division, Gazetteer

if TYPE_CHECKING:  # pragma: no cover
    import jieba

__all__ = ["extract_regions", "extract_leaders"]

_WS = re.compile(r"\s+")
HAN = "\u4e00-\u9fff"
_IS_HAN = re.compile(f"[{HAN}]")


def _strip(text: str) -> str:
    """Whitespace removed (OCR breaks inside names), pinyin glosses removed (``習(xí)近平``) and
    traditional characters simplified (晉中市)."""
    return to_simplified(_WS.sub("", strip_glosses(text or "")))


# =========================================================================== jieba
# The process-wide segmenter configured by indexer.segment (loaded once, explicitly, with
# the index's user dictionary); its POS tokenizer is derived from it on first use.
_POSTOK = None
_TOK_LOCK = threading.Lock()


def _tokenizer() -> jieba.Tokenizer:
    return segment.current().jieba


def _pos_tokenizer():
    global _POSTOK
    tok = _tokenizer()
    with _TOK_LOCK:
        if _POSTOK is None or _POSTOK.tokenizer is not tok:
            import jieba.posseg as pseg

            _POSTOK = pseg.POSTokenizer(tok)
    return _POSTOK


def _tokens(text: str) -> list[tuple[int, int, str]]:
    out, i = [], 0
    for w in _tokenizer().cut(text, HMM=False):
        out.append((i, i + len(w), w))
        i += len(w)
    return out


# =========================================================================== regions
# Words that, right after a place name, make the name part of an organisation, brand or
# facility rather than a reference to the division (榆次一中, 太原动物园, 应县木塔 …).
_FACILITY_SUFFIX = re.compile(
    r"(?:[一二三四五六七八九十]中|第?[一二三四五六七八九十]+(?:中学|小学)|中学|小学|大学|学院|"
    r"职业|医院|动物园|植物园|博物馆|纪念馆|图书馆|美术馆|体育馆|体育场|大剧院|剧院|"
    r"木塔|古城|老城|石窟|都市圈|机场|火车站|高铁站|南站|北站|东站|西站|大街|大道|路|街|"
    r"会堂|礼堂|文化宫|会议中心|剧场|[东西南北]区|片区|"
    r"广场|公园|宾馆|饭店|酒店|大厦|经济技术开发区|开发区|高新区|经开区|示范区|园区|"
    r"日报|晚报|电视台|广播|老陈醋|陈醋|方言)"
)
_INDUSTRY_SUFFIX = re.compile(r"煤矿|煤业|矿业|电厂|钢铁|焦化|化工|水泥|能源|物流|电力")
# Organisation heads that can end a name a few characters later
# (中车太原机车车辆有限公司, 邮储银行太原市分行, 首钢长治钢铁有限公司).
_ORG_SUFFIX = re.compile(
    r"有限责任公司|有限公司|股份|集团|公司|银行|分行|支行|信用社|农商行|商会|协会|学会|"
    r"基金会|研究院|研究所|出版社|报社|大学|学院|中学|小学|学校|医院"
)
# Characters that end the stretch in which an organisation suffix is looked for.
_ORG_BREAK = set("的在与和及向对为是把将从到赴于等、，,。；;：:！!？?（()）“”\"‘’'《》·—")
_ORG_WINDOW = 10

# A character of an organ's name (市城市管理局): not a function word, so that 市里要求…办
# is not read as an organ.
_ORGAN_CHAR = rf"(?:(?![的在要是了与及对把将从到为向等并就也都还又被让使各个])[{HAN}])"
# Deictic references to the home region.  The level word decides which region they mean.
_ORGAN = (
    r"(?:委|政府|人民政府|人大|政协|纪委|监委|领导|直|长|级|中级人民法院|人民法院|"
    r"人民检察院|检察院|总工会|妇联|团委|"
    rf"{_ORGAN_CHAR}{{1,8}}?(?:局|委员会|办公室|办))"
)
# Characters after which 市/区/县 + organ is *not* a deictic reference (城市管理局, 园区管委会 …).
_REF_BAD_BEFORE = {
    "市": set("城都超夜股上各地县门集菜花早坊互省书"),
    "区": set("城矿郊社园景小辖片街山湖新发范灾牧老市各湾营"),
    "县": set("各市郡州知"),
}


def _ref_pattern(level: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?P<pron>[我全本]){level}|(?P<organ>{level})(?!场|民|区|县|值|面|井|容|政(?!府|协))"
        + r"(?:第?[一二三四五六七八九十]+届)?" + _ORGAN
    )


_REF_PATTERNS = {lv: _ref_pattern(lv) for lv in ("市", "区", "县")}

# Quoted names of platforms/brands: “太原市政务服务一体化平台”.
_QUOTED_BRAND = re.compile(r"(?:平台|品牌|系统|商标|APP|App|小程序|公众号|网站|热线)$")

# Words after an ambiguous name that make it a place: its own organs (左权县委 is matched as a
# full name; these cover 矿区党委, 城区政府 …).
_PLACE_ORGAN_AFTER = re.compile(
    r"(?:党委|党工委|区委|县委|市委|委员会|人民政府|政府|人大|政协|纪委|监委|"
    r"[{HAN}]{{0,4}}?局)".replace("{HAN}", HAN)
)


@dataclass
class _Form:
    """A surface form of one or more divisions."""

    text: str
    full: list[Division] = field(default_factory=list)  # divisions whose full/former name it is
    short: list[Division] = field(default_factory=list)  # divisions whose short name it is


@dataclass
class _RegionIndex:
    forms: dict[str, _Form]
    max_len: int
    province_forms: frozenset[str]
    province_prefixes: dict[str, set[str]]  # province full name -> {安徽省, 安徽}
    heads: frozenset[str] = frozenset()  # first two characters of every form: most positions fail here


_INDEX_CACHE: dict[int, _RegionIndex] = {}


def _index(gz: Gazetteer) -> _RegionIndex:
    key = id(gz)
    idx = _INDEX_CACHE.get(key)
    if idx is not None:
        return idx
    forms: dict[str, _Form] = {}
    province_forms: set[str] = set()
    province_prefixes: dict[str, set[str]] = {}
    for d in gz.divisions:
        if d.level == "province":
            province_forms.update(n for n in (d.name, d.short_name) if n)
            province_prefixes[d.name] = {n for n in (d.name, d.short_name) if n}
    current_names = {d.name for d in gz.divisions}
    for d in gz.divisions:
        if d.level == "province" or d.is_functional_zone or d.name in province_forms:
            continue  # 重庆市 has a prefecture row too: province-level all the same
        forms.setdefault(d.name, _Form(d.name)).full.append(d)
        for old in d.former_names:
            # a former name counts only if no current division uses it (城区 → 潞州区 does not)
            if old not in current_names and len(old) >= 3:
                forms.setdefault(old, _Form(old)).full.append(d)
        s = d.short_name
        if s and len(s) >= 2 and s != d.name and not s.endswith(("区", "新区")):
            forms.setdefault(s, _Form(s)).short.append(d)
    idx = _RegionIndex(
        forms=forms,
        max_len=max(len(k) for k in forms),
        province_forms=frozenset(province_forms),
        province_prefixes=province_prefixes,
        heads=frozenset(f[:2] for f in [*forms, *province_forms]),
    )
    _INDEX_CACHE[key] = idx
    return idx


def _quote_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of 《…》 and “…” spans (kind = the opening mark)."""
    spans = []
    for m in re.finditer(r"《[^《》]{1,40}》|“[^“”]{1,30}”|\"[^\"]{1,30}\"", text):
        spans.append((m.start() + 1, m.end() - 1, m.group()[0]))
    return spans


def _in_org_name(text: str, start: int, end: int, short: bool) -> bool:
    """Is text[start:end] (a place name) the first part of an organisation or facility name?"""
    if _FACILITY_SUFFIX.match(text, end):
        return True
    if short and _INDUSTRY_SUFFIX.match(text, end):
        return True  # 吉安煤矿 is a mine's name; 沁源县煤矿 is a mine in 沁源县
    window = []
    for ch in text[end : end + _ORG_WINDOW + 6]:
        if ch in _ORG_BREAK or not _IS_HAN.match(ch):
            break
        window.append(ch)
    stretch = "".join(window)
    m = _ORG_SUFFIX.search(stretch)
    return m is not None and m.start() <= _ORG_WINDOW


def _embedded_in_word(text: str, start: int, end: int, idx: _RegionIndex) -> bool:
    """True when jieba reads the characters as part of a longer ordinary word (长治久安)."""
    lo = max(0, start - 6)
    hi = min(len(text), end + 6)
    for ts, te, w in _tokens(text[lo:hi]):
        ts += lo
        te += lo
        if te <= start or ts >= end:
            continue
        if ts <= start and te >= end and (ts, te) != (start, end):
            if w in idx.forms:  # 太原市 contains 太原: a division name, fine
                continue
            return True
        if (ts < start < te) or (ts < end < te):
            # the token straddles a boundary: the name is not word-aligned (莅临县委 ≠ 临县)
            if w in idx.forms or w in idx.province_forms:
                continue
            return True
    return False


def _preceded_by(text: str, start: int, names: set[str]) -> bool:
    return any(n and text.endswith(n, 0, start) for n in names)


def _parent_names(gz: Gazetteer, d: Division) -> set[str]:
    p = gz.parent_division(d)
    if p is None:
        return set()
    return {n for n in (p.name, p.short_name) if n}


def _enumeration_neighbour(text: str, start: int, end: int, accepted: set[tuple[int, int]]) -> bool:
    """Is the name one item of a list next to an accepted place (平遥、左权、和顺; 盂县和郊区)?"""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before in "、和及与" and any(e == start - 1 for _, e in accepted):
        return True
    if after in "、和及与" and any(s == end + 1 for s, _ in accepted):
        return True
    return False


@dataclass
class _Match:
    start: int
    end: int
    form: _Form


def _scan(text: str, idx: _RegionIndex) -> list[_Match]:
    """Longest-match scan for division surface forms (and province names, kept as blockers)."""
    out: list[_Match] = []
    i, n = 0, len(text)
    heads = idx.heads
    while i < n:
        if text[i:i + 2] not in heads:
            i += 1
            continue
        hit = None
        for ln in range(min(idx.max_len, n - i), 1, -1):
            s = text[i : i + ln]
            if s in idx.forms or s in idx.province_forms:
                hit = s
                break
        if hit is None:
            i += 1
            continue
        form = idx.forms.get(hit) or _Form(hit)  # province: a form with no divisions
        out.append(_Match(i, i + len(hit), form))
        i += len(hit)
    return out


_GENERIC_FULL = re.compile(r"^[城矿郊东西南北中新]区$")


def generic_name_as_subject(text: str, start: int, end: int) -> bool:
    """A guess: a word-like district name (郊区, 城区, 矿区) opening a clause and followed by a
    verb-like character is the district acting (``郊区开展…``), not the outskirts
    (``老城区``, ``郊区的农民``)."""
    before = text[start - 1] if start > 0 else "。"
    after = text[end] if end < len(text) else "。"
    return before in "。，；：！？“”\n、□" and _IS_HAN.match(after) is not None and after not in "的里内外中和与及居人村镇乡街一各"


def _needs_context_full(d: Division) -> bool:
    """Full names that are also ordinary words (城区, 矿区, 郊区) or flagged (应县, 代县)."""
    return bool(_GENERIC_FULL.match(d.name)) or (d.ambiguous and d.short_name == d.name)


def _resolve(
    text: str, m: _Match, gz: Gazetteer, idx: _RegionIndex, accepted: set[tuple[int, int]],
    home: Division | None,
) -> Division | None:
    """Decide whether one scanned form is a reference to a division, and to which."""
    form = m.form
    if not form.full and not form.short:
        return None  # province name
    start, end = m.start, m.end

    def has_parent_prefix(d: Division) -> bool:
        return _preceded_by(text, start, _parent_names(gz, d))

    def has_province_prefix(d: Division) -> bool:
        return _preceded_by(text, start, idx.province_prefixes.get(d.province, set()))

    def organ_after() -> bool:
        return bool(_PLACE_ORGAN_AFTER.match(text, end))

    if form.full:
        cands = sorted(form.full, key=gz._rank)
        parented = [d for d in cands if has_parent_prefix(d)]
        if parented:
            return parented[0]
        if home is not None:
            near = [d for d in cands if d.parent_code in (home.code, home.parent_code)]
            if near and len(cands) > 1:
                cands = near
        d = cands[0]
        if _needs_context_full(d):
            if organ_after() or _enumeration_neighbour(text, start, end, accepted):
                return d
            if home is not None and d.parent_code == home.code and generic_name_as_subject(text, start, end):
                return d  # 郊区在荫营镇开展…, in a paper of the city that 郊区 belongs to
            return None
        if not d.is_shanxi and d.level == "county":
            # a county elsewhere in China is read as such only when the text also names its
            # prefecture or province (重庆市巴南区 … 巴南区); 老城区/大社区 are words
            anchors = _parent_names(gz, d) | idx.province_prefixes.get(d.province, set())
            if not any(a in text for a in anchors):
                return None
        if len(form.text) == 2 and _embedded_in_word(text, start, end, idx):
            return None  # 临县 in 莅临县委
        return d

    # short names
    cands = sorted(form.short, key=gz._rank)
    for d in cands:
        if has_parent_prefix(d) or has_province_prefix(d):
            return d
    shanxi = [d for d in cands if d.is_shanxi]
    if shanxi:
        d = shanxi[0]
        if d.ambiguous:
            if organ_after() or _enumeration_neighbour(text, start, end, accepted):
                return d
            return None
        if _embedded_in_word(text, start, end, idx):
            return None
        return d
    # elsewhere in China: a prefecture's short name read by jieba as a place on its own
    prefs = [d for d in cands if d.level == "prefecture"]
    # … and only where the text also names its province or its full name (西安 beside 陕西;
    # not 延安 in a history of the revolutionary years)
    prefs = [d for d in prefs if d.name in text or any(a in text for a in idx.province_prefixes.get(d.province, ()))]
    if len(prefs) == 1 and not _embedded_in_word(text, start, end, idx):
        lo = max(0, start - 4)
        pos = 0
        for w in _pos_tokenizer().cut(text[lo : end + 4]):
            ws = lo + pos
            pos += len(w.word)
            if ws == start and w.word == form.text:
                return prefs[0] if w.flag == "ns" else None
    return None


def deictic_city(home: Division | None, named: list[Division], text: str, gz: Gazetteer) -> Division | None:
    """The city that 市委 / 全市 / 市长 … refer to.

    In a prefecture's paper, an article that names one of its county-level cities and no other
    division, and never the prefecture (高平市七届人大… 市委书记…), means that city; on a portal with no home region,
    they mean the prefecture of the county-level divisions the article names, when there is
    one (尧都区 … 在市委、市政府坚强领导下 -> 临汾市)."""
    if home is not None and home.level == "prefecture":
        cities = {d.name: d for d in named if d.kind == "县级市" and d.parent_code == home.code}
        home_names = {n for n in (home.name, home.short_name) if n}
        if len(cities) == 1 and len(named) == 1 and not any(n in text for n in home_names):
            return next(iter(cities.values()))  # the story of one county-level city: its 市委, its 全市
        return home
    if home is None:
        parents = {d.parent_code for d in named if d.level == "county" and d.kind != "县级市"}
        prefectures = [d for d in named if d.level == "prefecture"]
        if len(parents) == 1 and not prefectures:
            return gz.by_code(next(iter(parents)))
    return None


def _home_refs(text: str, gz: Gazetteer, home: Division | None, taken: list[tuple[int, int]],
               named: list[Division] | None = None) -> set[str]:
    """Resolve 我市 / 全区 / 县委 … to the home region (or its prefecture) when the level fits."""
    named = named or []
    targets: dict[str, Division | None] = {}
    if home is None:
        city = deictic_city(None, named, text, gz)
        if city is None:
            return set()
        targets["市"] = city
        home = city
    parent = gz.parent_division(home)
    if "市" in targets:
        pass
    elif home.level == "prefecture":
        targets["市"] = deictic_city(home, named, text, gz)
    elif home.kind == "县级市":
        targets["市"] = home
    elif home.kind == "市辖区":
        targets["市"] = parent
        targets["区"] = home
    elif home.kind == "县":
        targets["市"] = parent
        targets["县"] = home
    found: set[str] = set()
    for level, target in targets.items():
        if target is None or target.level == "province":
            continue
        for m in _REF_PATTERNS[level].finditer(text):
            if m.group("pron") is None:
                pos = m.start("organ")
                if any(s <= pos < e for s, e in taken):
                    continue  # 晋中市委: the 市 belongs to a division name
                if any(e <= pos <= e + 3 and text[e:pos] in ("", "副", "常务副") for _s, e in taken):
                    continue  # 灵宝市副市长: the named division's own office
                if pos > 0 and text[pos - 1] in _REF_BAD_BEFORE[level]:
                    continue
            found.add(target.name)
            break
    return found


_DISPATCH_RE = re.compile(
    rf"(?:新华社|中新社|人民网|新华网|央广网|央视网|中国新闻网|光明网|本报)?(?P<place>[{HAN}]{{2,4}}?)(?:\d{{1,2}}月)?\d{{1,2}}日(?:电|讯)"
)


def mask_dispatch_places(text: str) -> str:
    """``新华社太原9月8日电``, ``太原7月15日电``: where a dispatch was filed is not a place the article
    is about (the place is masked; the article still counts it if its text names it)."""
    return _DISPATCH_RE.sub(lambda m: m.group().replace(m.group("place"), "□" * len(m.group("place"))), text)


def extract_regions(text: str, gazetteer: Gazetteer, home_region: str | None = None,
                    exclude: Iterable[str] = ()) -> list[str]:
    """Canonical full names of the prefecture- and county-level divisions the text names.

    Provinces are never returned.  See the module docstring for the rules; in short: full
    names count unless they start an organisation/facility name; unambiguous short names
    count unless jieba reads them inside a longer word; ambiguous short names (小店, 左权 …)
    and word-like full names (城区, 矿区) need a parent-name prefix, an organ word after them
    or a neighbouring place in a 、-list; names elsewhere in China need their province or
    parent as prefix unless they are prefecture short names that jieba tags as places.
    我市/全区/县委 … are resolved to ``home_region`` when its level fits (see :func:`deictic_city`).
    ``exclude``: strings that are not places (the article's officials and reporters).
    """
    text = _strip(text)
    for name in sorted({n for n in exclude if n}, key=len, reverse=True):
        text = text.replace(name, "□" * len(name))  # people's names: 冯原平 holds no 原平市
    text = mask_dispatch_places(text)
    if not text:
        return []
    idx = _index(gazetteer)
    home = gazetteer.get(home_region) if home_region else None
    matches = _scan(text, idx)
    quotes = _quote_spans(text)
    taken = [(m.start, m.end) for m in matches]
    accepted: set[tuple[int, int]] = set()
    result: set[str] = set()
    pending: list[_Match] = []
    for m in matches:
        if any(s <= m.start and m.end <= e and k == "《" for s, e, k in quotes):
            continue  # 《又见平遥》, 《晋中市…条例》: titles of works
        if any(
            s == m.start and m.end <= e and k != "《" and _QUOTED_BRAND.search(text[s:e])
            for s, e, k in quotes
        ):
            continue  # “太原市政务服务一体化平台”
        if not (m.form.full or m.form.short):
            accepted.add((m.start, m.end))  # a province still anchors an enumeration
            continue
        if _in_org_name(text, m.start, m.end, short=not m.form.full):
            continue
        pending.append(m)
    # repeat until stable, so that enumeration context (和顺、左权、榆社) can propagate
    changed = True
    while changed:
        changed = False
        for m in pending:
            if (m.start, m.end) in accepted:
                continue
            d = _resolve(text, m, gazetteer, idx, accepted, home)
            if d is not None and d.level in ("prefecture", "county"):
                accepted.add((m.start, m.end))
                result.add(d.name)
                changed = True
    named = [d for n in result if (d := gazetteer.get(n)) is not None]
    result |= _home_refs(text, gazetteer, home, taken, named)
    return sorted(result)


# =========================================================================== officials
# Common Chinese surnames: a general resource, not fitted to any page.  Characters that are
# far more often title or function words than surnames (副, 市, 省, 秘 …) are left out.
_SURNAMES_1 = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔汤向常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁"
    "蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂"
    "全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝封储钮智揭"
    "糜郁索荆尉郜禹闻惠弓平贝冀练茅鄢井卿都晋亓芮乐权逯郗仝蔺隗钦鄂于习阎栗扈暴来豆原信屠燕"
    "邰廉巨蒿郇綦薄闰支双冶凤东郦濮白訾琚拜贡操兀粟昝帅冼敬眭谈宓晁笪邸丰扶盖杭衡弘宦桓暨蓟"
    "郏鞠阚亢蒯匡况旷赖劳厉郦禄满墨逄蓬皮浦谯丘秋裘容殳束宿危蔚乌鲜咸萧幸胥宣荀仰伊"
    "湛祖竺诸滑蔡邴厍楼禚"
)
_SURNAMES_2 = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙",
    "宇文", "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "呼延", "百里", "申屠",
    "澹台", "万俟", "赫连", "拓跋", "钟离", "宗政", "濮阳", "公冶", "闻人",
}
# Given-name characters that signal we are reading a word, not a name.
_NOT_GIVEN = set("某市省县区委的了在、，,。他她我你")
_NOT_NAMES = {"干部", "班子", "成员", "同志", "代表", "委员", "主任", "书记", "群众", "任上", "任内", "任期",
              "任职", "任务", "全体", "全市", "全县", "全区", "全省", "全面", "同时", "同期", "主持", "出席",
              "参加", "分别", "相关", "有关", "其他", "各位", "大家", "以及", "还有", "一同", "一起"}
# Characters that never stand in a name read from a list without a known surname.
_NOT_IN_UNKNOWN_NAME = set("的了在是和与及等对为就也都各这那其此该本我你他她们所把被让向从到将于以并或而及、某会人")

# Text right after a name: punctuation or a predicate (刘星主持, 王纯出席, 刘科手持 …).
_AFTER_NAME = re.compile(
    r"(?:[，,。、；;：:！!？?（(）)“”\"‘’'《》·\-—…]|$|"
    r"主持|出席|参加|列席|讲话|致辞|说|指出|强调|表示|介绍|要求|通报|作|做|提出|对|等|同志|"
    r"一行|率|带队|深入|赴|到|来|调研|察看|视察|听取|会见|会谈|宣读|宣布|代表|分别|也|就|为|"
    r"向|与|和|及|应邀|陪同|手持|仍|翻出|看望|慰问|检查|考察|走访|部署|发表|前往|参观|接受|"
    r"详细|认真|带领|召开|致|还|则|又|首先|随后|亲自|同|是|将|把|从|于|以|通过|担任|兼|在|"
    r"的|了|并|已|被|曾|称|认为|回答|希望|充分|对此|一起|一同|先后|实地|现场|专题|主动|逐一|"
    r"看到|谈到|告诉|坦言|感慨|笑着|正在|带头|领衔|作出|批示|签发|宣讲|讲授|解读|汇报|"
    r"座谈|进行|集体|关于|当选|任|出任|兼任|辞去|不再|率队|率团|一道|共同|会同|商谈|对接|签约|"
    r"结合|围绕|针对|坐镇|督导|调度|点评|总结|传达|主讲|领学|发言|交流|按照|作为|均|亦|专门|再次|多次|高度)"
)
# A third character that is a function word: read the name as two characters (李军在…),
# unless (for the weaker ones, which also end given names: 李春和) a clear predicate follows.
_FUNC3_STRONG = set("在说是将把从于以的了等就")
_FUNC3_WEAK = set("和与及对为也向到赴并率同作致任")
_CLEAR_AFTER = re.compile(
    r"[，,。、；;：:！!？?）)]|$|主持|出席|参加|列席|讲话|致辞|指出|强调|表示|介绍|调研|说"
)

_TITLE_WORDS = sorted(
    """总书记 党组书记 党委书记 常务副书记 副书记 书记 常务副主任 副主任 主任 常务副主席 副主席 主席
    常务副省长 副省长 省长 常务副市长 副市长 市长 常务副区长 副区长 区长 常务副县长 副县长 县长
    副镇长 镇长 副乡长 乡长 村长 副州长 州长 副盟长 盟长 副旗长 旗长 副秘书长 秘书长 常务副部长
    副部长 部长 副局长 局长 副厅长 厅长 副院长 院长 副检察长 检察长 副庭长 庭长 常委 副组长 组长
    副科长 科长 副处长 处长 政委 副政委 主任委员 副主任委员 党组成员 监察专员 督察长 副主委 主委
    所长 副所长 站长 副站长 队长 副队长 大队长 支队长 总队长 街道办主任 工委书记
    委员长 副委员长 总理 副总理 国务委员 一级巡视员 二级巡视员 巡视员 一级调研员 二级调研员
    纪委委员 监委委员 党委委员 党组委员 常委会委员 党工委委员 常务委员会委员 委员会委员
    大会主席团常务主席 主席团常务主席 大会执行主席 执行主席 常务主席 团长 副团长 司令员 副司令员 政治委员 参谋长 副参谋长 宣传部长 组织部长 统战部长
    总经济师 总工程师 馆长 副馆长 社长 副社长 主委 专员 副专员 地委书记 地委副书记""".split(),
    key=len,
    reverse=True,
)
_LEVEL = r"(?:中央|国家|全国|自治区|省|地区|市|州|盟|区|县|旗|镇|乡|街道|村|社区)"
def _han_class_without(chars: str) -> str:
    """A character class of the Han block minus ``chars``, written as ranges (one class test per
    character instead of a lookahead: the title patterns run over every article)."""
    ranges, start = [], 0x4E00
    for cp in sorted({ord(c) for c in chars}):
        if cp > start:
            ranges.append(f"\\u{start:04x}-\\u{cp - 1:04x}" if cp - 1 > start else f"\\u{start:04x}")
        start = cp + 1
    ranges.append(f"\\u{start:04x}-\\u9fff")
    return "[" + "".join(ranges) + "]"


# a character of a place or organ name: not a function word or a verb that starts a clause
_NAME_CHAR = _han_class_without("由的在与和及向对为是把将从到等还有也就了访选任当")
_PLACE = rf"(?:{_NAME_CHAR}{{2,6}}?(?:省|地区|市|州|盟|区|县|旗|镇|乡|街道|村|社区))"
_SESSION = r"(?:第?[一二三四五六七八九十]+届|大会主席团|主席团|大会)"
_BODY = (
    r"(?:党委|党组|党工委|党总支|党支部|纪委监委|纪委|监委|监察委|政法委|组织部|宣传部|统战部|"
    r"人大常委会|人大|政协|人民政府|政府|总工会|工会|妇联|团委|中级人民法院|高级人民法院|人民法院|人民检察院|"
    r"国务院|检察院|法院|人民代表大会常务委员会|人民代表大会|常务委员会|常委会|村委会|居委会|地委|行政公署|行署|委|军分区|警备区|"
    rf"{_NAME_CHAR}{{0,6}}?代表团|{_NAME_CHAR}{{1,10}}?(?:局|厅|委员会|工委|办公室|办|科|处|组|支队|总队|大队)|"
    rf"{_NAME_CHAR}{{2,4}}?(?:地委|行署)|"
    rf"{_NAME_CHAR}{{1,6}}?(?=局长|部长|厅长|处长|科长|所长|站长|院长|馆长|社长))"
)
_TITLE_WORD = "(?:" + "|".join(_TITLE_WORDS) + ")(?!台)"
_MODIFIER = r"(?:原|代理|时任|前任)?"
_UNIT = rf"(?:{_MODIFIER}(?:{_PLACE}|{_LEVEL}|{_SESSION}|{_BODY}){{0,6}}?{_MODIFIER}{_TITLE_WORD})"
# a chain may hold a deputy's seat before the office (市人大代表、县委书记柴哲)
_CHAIN_ITEM = rf"(?:{_UNIT}|(?:{_PLACE}|{_LEVEL}|{_BODY}){{1,3}}?代表)"
# Allowed just before a title: a non-Han character, a function word (由市委书记…), or 本次/本届.
_TITLE_LEFT = r"(?:(?<![" + HAN + r"])|(?<=[由和与及同是为任的了对向请邀在据经并等即讯日有访])|(?<=本次)|(?<=本届))"
_TITLE_RE = re.compile(rf"{_TITLE_LEFT}(?P<title>(?:{_CHAIN_ITEM}、)*{_UNIT})(?:有|为|是)?")
_GROUP_LABEL = (
    rf"(?:(?:{_PLACE}|{_LEVEL}|{_BODY})?(?:党政军|四套班子|四大班子|党政|班子)?领导(?:同志)?|"
    rf"(?:{_PLACE}|{_LEVEL}|{_BODY})?(?:班子成员|两长))"
)
_LIST_RE = re.compile(rf"{_TITLE_LEFT}(?P<title>{_GROUP_LABEL})")
_NAME_BEFORE_TITLE_RE = re.compile(r"总书记|(?<!副)总理|副总理|委员长")
# Organisations whose staff are not officials even with a 书记/主任 title.
_NON_PUBLIC = re.compile(r"公司|集团|企业|银行|工厂|[^国]厂|商店|饭店|酒店|门店|协会|商会|学校|中学|小学|大学|学院|医院|车间")


def _is_surname_start(text: str, i: int) -> int:
    """Length of the surname starting at text[i] (0 if none)."""
    if text[i : i + 2] in _SURNAMES_2:
        return 2
    if i < len(text) and text[i] in _SURNAMES_1:
        return 1
    return 0


def looks_like_person_name(text: str) -> bool:
    """Two to four Han characters starting with a known surname (``赵素宾``; not ``公告另发``)."""
    sl = _is_surname_start(text, 0) if text else 0
    return bool(sl) and 2 <= len(text) <= 4 and _valid_name(text, sl)


def _valid_name(name: str, sl: int) -> bool:
    if not all("\u4e00" <= c <= "\u9fff" for c in name):
        return False
    given = name[sl:]
    if not 1 <= len(given) <= 2 or any(c in _NOT_GIVEN for c in given):
        return False
    return name not in _NOT_NAMES


def _name_at(text: str, i: int, after: re.Pattern[str] = _AFTER_NAME) -> str | None:
    """The person name starting at ``i``, if what follows it is a plausible boundary."""
    sl = _is_surname_start(text, i)
    if not sl:
        return _foreign_name_at(text, i)
    foreign = _foreign_name_at(text, i)
    if foreign:
        return foreign
    lengths = [sl + 2, sl + 1]
    third = text[i + sl + 1] if len(text) > i + sl + 1 else ""
    if third in _FUNC3_STRONG:
        lengths = [sl + 1]  # 刘锋就主持, 李真等参加
    elif third in _FUNC3_WEAK and not _CLEAR_AFTER.match(text, i + sl + 2):
        lengths = [sl + 1, sl + 2]
    best: tuple[int, str] | None = None
    for ln in lengths:
        name = text[i : i + ln]
        if len(name) < ln or not _valid_name(name, sl):
            continue
        m = after.match(text, i + ln)
        if m is None:
            continue
        # punctuation > a predicate word > a single function character: 张三陪同 is 张三,
        # not 张三陪 + 同; on a tie the order above decides
        strength = 3 if not m.group() or not _IS_HAN.match(m.group()) else min(len(m.group()), 2)
        if best is None or strength > best[0]:
            best = (strength, name)
    return best[1] if best else None


_FOREIGN_NAME_RE = re.compile(rf"[{HAN}]{{1,8}}(?:·[{HAN}]{{1,8}})+")


def _foreign_name_at(text: str, i: int) -> str | None:
    """A transliterated name with a middle dot (``昭西苏曼·西萨銮萨``)."""
    m = _FOREIGN_NAME_RE.match(text, i)
    if not m or len(m.group()) > 16:
        return None
    return m.group()


def _list_item_name(item: str) -> str | None:
    """The name in one item of a 、-list after a title or a group label: a known surname and
    a boundary (:func:`_name_at`), or — a list says its items are people — any two or three
    Han characters without function characters (rare surnames: 仝, 亓, 琚 …)."""
    item = re.sub(r"[（(][^（）()]{1,12}[）)]", "", item)  # 丁国华（市人大）
    item = re.sub(r"(?:等同志|同志|等)$", "", item)
    if not item:
        return None
    name = _name_at(item + "，", 0)
    if name:
        return name
    if 2 <= len(item) <= 3 and re.fullmatch(rf"[{HAN}]+", item) and not set(item) & _NOT_IN_UNKNOWN_NAME \
            and item not in _NOT_NAMES and not re.search(_TITLE_WORD + "$", item):
        return item
    return None


_LIST_END_PRED = re.compile(r"出席|参加|列席|陪同|参会|等|在主席台|当选|任|分别")
_ITEM_RE = re.compile(rf"[{HAN}·]+(?:[（(][^（）()]{{1,12}}[）)])?")


def _names_list(text: str, pos: int) -> tuple[list[str], int]:
    """Names from ``pos`` on: ``X、Y、Z`` (and a last ``，W出席`` item), with the end offset.

    Each 、-separated item is read on its own (:func:`_list_item_name`), so one name that
    is not recognised does not end the list."""
    names: list[str] = []
    name = _name_at(text, pos) or _unknown_name_after_title(text, pos)
    if not name:
        return names, pos
    names.append(name)
    pos += len(name)
    while pos < len(text) and text[pos] in "、，,和及与":
        sep = text[pos]
        if sep == "、":
            m = _ITEM_RE.match(text, pos + 1)
            if not m:
                break
            nxt = _name_at(text, pos + 1)
            if nxt is None:
                item_end = _item_end(text, pos + 1, m.end())
                nxt = _list_item_name(text[pos + 1:item_end])
                if nxt is None:
                    break
                step = item_end - pos - 1
            else:
                step = len(nxt)
                if text.startswith(("（", "("), pos + 1 + step):
                    close = re.match(r"[（(][^（）()]{1,12}[）)]", text[pos + 1 + step:])
                    step += len(close.group()) if close else 0
            names.append(nxt)
            pos += 1 + step
            continue
        nxt = _name_at(text, pos + 1)
        if not nxt:
            break
        # 汤志平，于英杰出席 / 王刚和李四出席: a comma or conjunction only continues a
        # list when the item ends in the shared predicate
        if not _LIST_END_PRED.match(text, pos + 1 + len(nxt)):
            break
        names.append(nxt)
        pos += 1 + len(nxt)
        break
    return names, pos


_UNKNOWN_AFTER_TITLE_RE = re.compile(rf"[{HAN}]{{2,3}}(?=、|主持|出席|参加|列席|讲话|致辞|陪同)")


def _unknown_name_after_title(text: str, pos: int) -> str | None:
    """A name with a surname the list does not know (禚海波), right after a title and before a
    list mark or a clear predicate: a title says a person follows."""
    m = _UNKNOWN_AFTER_TITLE_RE.match(text, pos)
    if not m:
        return None
    return _list_item_name(m.group())


def _item_end(text: str, start: int, end: int) -> int:
    """Where a list item ends: at the next separator, or before a predicate that closes the
    list (``石新亭以及…``, ``王波在主席台就座``)."""
    m = re.search(r"以及|及|和|与|等|在|出席|参加|列席|陪同|当选|分别|同志", text[start + 2:end])
    return start + 2 + m.start() if m else end


# --- titles after the name ---------------------------------------------------------------------

# X当选… / X、Y任…: the verb is found first (cheap), then the office after it and the names before it
_ELECTED_VERB_RE = re.compile(r"当选为|当选|被选举为|被任命为|被决定任命为|升任|出任|兼任|担任|就任|调任|转任|现任|继任|任")
_TITLE_CHAIN_RE = re.compile(rf"{_UNIT}(?:、{_UNIT})*")
_NAMES_BEFORE_RE = re.compile(rf"(?P<names>[{HAN}·]{{2,8}}(?:、[{HAN}·]{{2,8}})*)(?:等\d+名同志|等同志|同志|等)?$")
_NAME_COMMA_TITLE_RE = re.compile(
    rf"(?:^|(?<=[：:；;。\n]))(?P<name>[{HAN}·]{{2,8}})[，,](?P<title>{_CHAIN_ITEM}(?:、{_CHAIN_ITEM})*)(?=[；;。]|$)"
)
_REMOVE_RE = re.compile(rf"免去(?P<name>[{HAN}·]{{2,8}}?)(?:同志)?的(?P<title>{_UNIT}(?:、{_UNIT})*)职务")
_NOW_HOLDS_RE = re.compile(rf"(?P<name>[{HAN}·]{{2,8}}?)[（(](?:已任|现任|已调任)(?P<title>{_UNIT}(?:、{_UNIT})*)[）)]")
_LEFT_RE = re.compile(rf"(?P<name>[{HAN}·]{{2,4}})(?:同志)?不再担任(?P<title>{_UNIT}(?:、{_UNIT})*)")
_APPOINT_RE = re.compile(rf"(?:任命|补选|选举|提名)(?P<name>[{HAN}·]{{2,8}}?)(?:同志)?为(?P<title>(?:{_MODIFIER}{_UNIT})(?:、{_MODIFIER}{_UNIT})*)")
_RESIGN_RE = re.compile(rf"接受(?P<name>[{HAN}·]{{2,8}}?)(?:同志)?辞去(?P<title>{_UNIT}(?:、{_UNIT})*)职务")


_UNIT_END = re.compile(rf"{_TITLE_WORD}$")


def _names_before(chunk: str) -> list[str]:
    """The names of ``X、Y`` right before 当选/任: read from the end, each item on its own."""
    names = []
    for item in chunk.split("、"):
        item = re.sub(r"(?:等\d+名同志|等同志|同志|等)$", "", item)
        m = re.search(rf"[{HAN}·]{{2,8}}$", item)
        if not m:
            continue
        cand = m.group()
        name = None
        for ln in (3, 2, 4):  # the tail of the text before the verb: 经选举，孙为军 -> 孙为军
            tail = cand[-ln:]
            if len(tail) == ln and (_is_surname_start(tail, 0) and _valid_name(tail, _is_surname_start(tail, 0))):
                name = tail
                break
        if name is None and "·" in cand:
            name = cand
        if name:
            names.append(name)
    return names


def _titles_after_names(text: str) -> list[tuple[str, str, int]]:
    """(name, title, offset) from 当选/任/任命…为/接受…辞去…职务: the office elected to, appointed
    to or resigned (``张文伟当选大同市监察委员会主任``, ``李正印任吕梁代表团团长``,
    ``任命蓝佛安为山西省人民政府副省长``, ``接受林武辞去山西省人民政府省长职务``)."""
    out: list[tuple[str, str, int]] = []
    for m in _APPOINT_RE.finditer(text):
        name = _name_at(text, m.start("name")) or (m.group("name") if "·" in m.group("name") else None)
        if name and name == m.group("name"):
            out.append((name, m.group("title"), m.start()))
    for pattern in (_RESIGN_RE, _REMOVE_RE, _NAME_COMMA_TITLE_RE):
        for m in pattern.finditer(text):
            name = _list_item_name(m.group("name"))  # the pattern says it is a person: rare surnames too
            if name == m.group("name") and not _NON_PUBLIC.search(m.group("title")) and _UNIT_END.search(m.group("title")):
                out.append((name, m.group("title"), m.start()))
    for pattern in (_LEFT_RE, _NOW_HOLDS_RE):
        for m in pattern.finditer(text):
            for name in _names_before(m.group("name")):
                out.append((name, m.group("title"), m.start()))
    for verb in _ELECTED_VERB_RE.finditer(text):
        title = _TITLE_CHAIN_RE.match(text, verb.end())
        if not title or _NON_PUBLIC.search(title.group()):
            continue
        before = _NAMES_BEFORE_RE.search(text, max(0, verb.start() - 60), verb.start())
        if before:
            for name in _names_before(before.group("names")):
                out.append((name, title.group(), before.start()))
    return out


def _is_group_label(title: str) -> bool:
    return title.endswith(("领导", "领导同志", "班子成员", "两长"))


def extract_leaders(text: str) -> dict[str, str]:
    """Officials named in the text: ``{name: office title as printed}``, first mention first.

    An official is a name printed right after a public-office title (市委副书记、市长刘星;
    the title keeps its printed organ chain, 巴南区双河口镇茶店村党总支书记、村委会主任;
    session roles such as 大会主席团常务主席、执行主席 and 代表团团长 count), every name of a list
    after such a title or after a group label (市领导, 省党政军领导, 县四套班子领导, 班子成员 —
    the label is the title), a name before the office it is elected or appointed to or resigns
    (X当选…, 任命X为…, 接受X辞去…职务, 免去X的…职务, X不再担任…, X任…), a name and its title
    after a comma in a list of participants (``仝某，某县县委书记；``), and a name before
    总书记/总理/委员长 (习近平总书记).
    One title per name: an office beats a group label, otherwise the first printed.
    Reporters, company staff and anonymised names (高某某) are never produced: no title
    precedes them, the title belongs to a company, or the name fails the name checks.
    """
    text = _strip(text)
    found: dict[str, tuple[int, str]] = {}

    def add(name: str, title: str, at: int) -> None:
        if name not in found or (_is_group_label(found[name][1]) and not _is_group_label(title)):
            found[name] = (min(at, found[name][0]) if name in found else at, title)

    pos = 0
    while True:
        m = _TITLE_RE.search(text, pos)
        if m is None:
            break
        title = m.group("title")
        names, end = _names_list(text, m.end())
        if _NON_PUBLIC.search(title):
            pos = max(end, m.end())  # company/school staff: skip the whole title and names
            continue
        if names:
            for n in names:
                add(n, title, m.start())
            pos = end
        else:
            pos = m.start() + 1
    for m in _LIST_RE.finditer(text):
        names, _ = _names_list(text, m.end())
        for n in names:
            add(n, m.group("title"), m.start())
    for name, title, at in _titles_after_names(text):
        add(name, title, at)
    for m in _NAME_BEFORE_TITLE_RE.finditer(text):
        # 习近平总书记 / 李强总理: the name precedes the title
        for ln in (3, 2, 4):
            s = m.start() - ln
            if s < 0:
                continue
            sl = _is_surname_start(text, s)
            name = text[s : m.start()]
            if sl and _valid_name(name, sl) and (s == 0 or not _IS_HAN.match(text[s - 1]) or ln == 3):
                add(name, m.group(), s)
                break
    ordered = sorted(found.items(), key=lambda kv: kv[1][0])
    return {name: title for name, (_, title) in ordered}
