"""A deterministic synthetic archive built from the sample pages' real sentences.

Layout: ``ARCHIVE/<slug>/paper.toml`` and ``ARCHIVE/<slug>/<YYYY-MM-DD>/<NN>.txt``, as
``jinbao index`` expects. Each page holds ~20 articles laid out the way the parser reads
them (paragraphs separated by blank lines):

* news (~77 %): a headline, sometimes an attendance deck (``X主持并讲话 Y参加``), a lead
  ``本报讯（记者 张三）6月5日，市委书记李四主持召开……。`` and body paragraphs;
* photo items (~12 %): a two-phrase headline, a caption and a credit ``本报记者 王五摄``;
* features (~6 %): a headline, a byline ``本报记者 赵六`` and body paragraphs;
* commentary (~5 %): a headline and body paragraphs.

Body sentences are the sample pages' sentences (their officials, places, numbers and
dates replaced), sentences mixed from their clauses, and template clauses carrying nouns
drawn from jieba's dictionary by frequency (so the vocabulary has a realistic long tail).
Officials come from a roster per paper (city or district offices and county offices, changing every 2–5 years)
drawn from a pool of a few thousand generated names; places are the counties of each
paper's home city (``indexer/data/china_divisions.csv``, Shanxi only).

Everything is drawn from ``random.Random(seed)``: the same seed and size give the same
bytes, as long as the product's parser reads the sample pages into the same sentences
(``sample_pool_sha`` in the metadata; a work directory keeps its archive, so versions of
the product compared on one work directory see the same archive).

:func:`generate` returns (and writes next to the archive) a metadata dict that the query
mix is chosen from (rare words with their article counts, officials, the strings that
straddle jieba words).
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import hashlib
import itertools
import json
import math
import random
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DIVISIONS_CSV = REPO / "indexer" / "data" / "china_divisions.csv"
SAMPLES = REPO / "samples" / "archive"

START = dt.date(2016, 1, 1)
END = dt.date(2025, 12, 31)
ARTICLES_PER_PAGE = 20
META_NAME = "synth-meta.json"


@dataclass(frozen=True)
class PaperSpec:
    slug: str
    name: str
    home: str  # home_region
    city: str  # the prefecture whose counties the paper writes about
    share: float  # share of the archive's pages
    district: bool = False  # a district paper (区委书记, 全区 …)


PAPERS = [
    PaperSpec("jinzhong-daily", "晋中日报", "晋中市", "晋中市", 0.25),
    PaperSpec("taiyuan-daily", "太原日报", "太原市", "太原市", 0.25),
    PaperSpec("changzhi-daily", "长治日报", "长治市", "长治市", 0.20),
    PaperSpec("datong-daily", "大同日报", "大同市", "大同市", 0.20),
    PaperSpec("luzhou", "潞州区报", "潞州区", "长治市", 0.10, district=True),
]

# common surnames (all known to the officials extractor) and given-name characters
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方邹孟熊秦邱江尹薛闫段雷侯龙史毛郝武乔贺靳霍"
            "牛樊葛邢安齐常温康")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志文斌宇浩凯鹏飞俊峰亮红玲晶雪琳颖婷慧"
         "鑫博晓东海波宁辉云春利旭光林龙新立伦瑞彬鸿毅振宏兴荣德庆祥忠胜永贵福玉兰梅凤佳欣雨晨阳帆睿"
         "哲思远航坤锋健晋润喜拥钟剑星瑾璐琦萍蕾薇娇媛菲琪莉馨蓉宸泽轩铭晖煜炜彤昊旻耀卫治宝河山川")

TOPICS = [
    "安全生产", "生态环境保护", "乡村振兴", "优化营商环境", "文旅融合", "招商引资", "防汛备汛", "民生实事",
    "基层治理", "科技创新", "项目建设", "城市更新", "大气污染防治", "黄河流域生态保护", "粮食生产",
    "森林防火", "疫情防控", "全国文明城市创建", "农村人居环境整治", "市场主体倍增", "数字经济",
    "新能源汽车", "能源革命", "煤矿安全", "非遗保护", "全域旅游", "教育强市", "健康晋中建设", "养老服务",
    "就业创业", "根治欠薪", "扫黑除恶", "信访维稳", "耕地保护", "河湖长制", "水污染防治", "垃圾分类",
    "老旧小区改造", "高标准农田建设", "特色农业", "开发区改革", "清廉建设", "作风建设", "党史学习教育",
    "主题教育", "干部队伍建设", "法治政府建设", "政务服务", "“一网通办”", "消费帮扶", "巩固拓展脱贫攻坚成果",
    "冬季供暖", "燃气安全", "交通运输", "道路交通安全", "校园安全", "食品安全", "药品监管", "医保改革",
    "文化惠民", "全民健身", "体育赛事", "人才引进", "技能培训", "中小企业发展", "民营经济", "外贸出口",
    "县域经济", "城乡融合", "美丽乡村建设", "清洁取暖", "节能降耗", "污染防治攻坚", "国土绿化", "水利建设",
    "应急管理", "防灾减灾", "退役军人服务", "统一战线", "民族团结", "宗教事务", "网络安全", "国防动员",
]
IDIOMS = ["春意盎然", "硕果累累", "绿意盎然", "山居入画", "文旅生金", "花开正艳", "麦浪翻滚", "瑞雪迎春",
          "金秋丰收", "古城新韵", "碧水蓝天", "稻香阵阵", "繁花似锦", "灯火璀璨", "冰雪奇缘", "层林尽染",
          "红叶似火", "夏日清凉", "非遗焕彩", "书香满城", "年味渐浓", "龙腾狮舞", "田园如画", "果香四溢"]
BUREAUS = ["发展和改革委员会", "生态环境局", "文化和旅游局", "应急管理局", "农业农村局", "住房和城乡建设局",
           "教育局", "卫生健康委员会", "交通运输局", "自然资源局", "水利局", "商务局", "工业和信息化局",
           "市场监督管理局", "人力资源和社会保障局", "民政局", "统计局", "税务局", "公安局", "司法局"]
ACTIVITIES = ["市民在步道上散步、赏花", "游客在景区内拍照留念", "农民在田间忙着收割", "志愿者为群众提供服务",
              "孩子们在广场上嬉戏", "工人们在施工现场加紧作业", "演员们为群众表演传统节目",
              "村民们在合作社里分拣果蔬", "环卫工人清扫街道积雪", "游人在古城街巷中体验民俗"]

# template clauses: N = dictionary noun, V = verbal noun, C = county, S = county short name,
# X = village name, K = number, T = topic
CLAUSES = [
    "加快推进N建设", "着力提升NV水平", "积极开展V活动", "N和N得到进一步改善", "推动N产业提质增效",
    "建成N示范点K个", "全面加强N管理", "切实做好V工作", "CX村依托N资源发展N产业", "深入推进T工作",
    "累计完成投资K亿元", "同比增长K.K%", "新增N项目K个", "围绕N和N开展专项行动", "S的N走出了新路子",
    "打造N特色品牌", "持续优化N服务", "有效破解N难题", "X村N合作社带动农户K户", "将N纳入V重点",
    "强化N保障", "完善N机制", "不断壮大N规模", "让群众在N中得到实惠", "开展V培训K场次",
]
HEADLINES = [
    "C召开T工作推进会", "O调研T工作", "O主持召开T专题会议", "全市T工作会议召开", "CT工作取得新成效",
    "以T助推高质量发展", "T跑出“加速度”", "我市K个项目入选N名单", "CK个重点项目集中开工", "I I",
    "X村的N新路", "S N产业拓宽增收路", "N为T注入新动能", "市政府召开常务会议", "CV工作综述",
    "聚焦T 打造N高地", "让N成为T的“金名片”", "O会见客商一行",
]


def shanxi_divisions() -> dict[str, list[tuple[str, str]]]:
    """Prefecture -> [(county full name, short name)] for Shanxi (functional zones left out)."""
    out: dict[str, list[tuple[str, str]]] = {}
    with DIVISIONS_CSV.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["province"] != "山西省" or row["level"] != "county" or "功能区" in row["kind"]:
                continue
            out.setdefault(row["parent_name"], []).append((row["name"], row["short_name"]))
    for counties in out.values():
        counties.sort()
    return out


def jieba_dict() -> list[tuple[str, int, str]]:
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                out.append((parts[0], int(parts[1]), parts[2]))
    return out


# --- the sample sentences as templates ----------------------------------------------------

OFFICIAL, COUNTY, CITY, COUNTY_SHORT, CITY_SHORT = "\ue000", "\ue001", "\ue002", "\ue003", "\ue004"
_NUM_RE = re.compile(r"(?P<y>(?:19|20)\d\d)(?=年)|(?P<m>\d{1,2})月(?P<d>\d{1,2})日|(?P<n>\d+)")
_SENT_RE = re.compile(r"[^。！？]*[。！？]")


def sample_sentences(gazetteer, divisions) -> tuple[list[str], list[str], list[str]]:
    """(sentences, clauses, titles) of the sample pages, as templates: officials, places
    and digits are marked and filled per article."""
    from indexer.archive import scan_archive
    from indexer.entities import extract_leaders
    from indexer.pipeline import Enricher, parse_text
    from indexer.textio import read_page

    cities = {c.removesuffix("市"): c for c in divisions}
    full = sorted({c for cs in divisions.values() for c, _s in cs}, key=len, reverse=True)
    short = sorted({s for cs in divisions.values() for _c, s in cs if len(s) >= 2}, key=len, reverse=True)
    articles = []
    for ref in scan_archive(SAMPLES).pages:
        articles += parse_text(read_page(ref.path).text, Enricher(gazetteer), paper=ref.paper.slug,
                               paper_name=ref.paper.name, home_region=ref.paper.home_region, date=ref.date,
                               page=ref.page)

    def templ(text: str) -> str:
        for name in extract_leaders(text):
            if name != "习近平":
                text = text.replace(name, OFFICIAL)
        for name in full:
            text = text.replace(name, COUNTY)
        for name in sorted(divisions, key=len, reverse=True):
            text = text.replace(name, CITY)
        for name in short:
            text = text.replace(name, COUNTY_SHORT)
        for s in sorted(cities, key=len, reverse=True):
            text = text.replace(s, CITY_SHORT)
        return text

    sentences, clauses = [], []
    for art in articles:
        for para in art.body.split("\n"):
            for s in _SENT_RE.findall(para):
                s = s.strip()
                # leads and credits of the samples would start or end articles of their own
                if not 15 <= len(s) <= 160 or re.search(r"[转接]第|版[）)]|摄$|本报|记者|通讯员|新华社|讯", s):
                    continue
                if s.count("“") != s.count("”") or s.count("(") != s.count(")") or s.count("（") != s.count("）"):
                    continue
                sentences.append(templ(s))
                for c in re.split(r"[，,；;]", s[:-1]):
                    c = c.strip()
                    if 4 <= len(c) <= 40 and c.count("“") == c.count("”") and c.count("《") == c.count("》"):
                        clauses.append(templ(c))
    titles = [templ(a.title) for a in articles if a.title and len(a.title) <= 30 and "：" not in a.title
              and ":" not in a.title]
    return sentences, clauses, titles


def straddling_strings(sentences: list[str], rng: random.Random, k: int = 6) -> list[str]:
    """3–4 character strings of the sample sentences that cut across jieba words (the end
    of one word and the next word), e.g. 展态势 from 发展|态势."""
    from indexer import segment

    found: set[str] = set()
    for s in sentences:
        if any(m in s for m in (OFFICIAL, COUNTY, CITY, COUNTY_SHORT, CITY_SHORT)):
            continue
        words = segment.current().cut(s)
        for w1, w2 in itertools.pairwise(words):
            if len(w1) >= 2 and len(w2) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in w1 + w2):
                cand = w1[-1] + w2[:3]
                if 3 <= len(cand) <= 4:
                    found.add(cand)
    pool = sorted(found)
    return rng.sample(pool, min(k, len(pool)))


# --- the generator --------------------------------------------------------------------------


class Roster:
    """Who holds which office of one paper's home region on a date (terms of 2–5 years)."""

    def __init__(self, offices: list[str], names: list[str], rng: random.Random) -> None:
        self.terms: dict[str, tuple[list[dt.date], list[str]]] = {}
        for office in offices:
            starts, holders = [], []
            day = START - dt.timedelta(days=rng.randint(0, 900))
            while day <= END + dt.timedelta(days=400):
                starts.append(day)
                holders.append(names.pop())
                day += dt.timedelta(days=rng.randint(730, 1825))
            self.terms[office] = (starts, holders)

    def holder(self, office: str, date: dt.date) -> str:
        starts, holders = self.terms[office]
        return holders[max(0, bisect.bisect_right(starts, date) - 1)]

    def to_json(self) -> dict:
        return {o: [[s.isoformat(), h] for s, h in zip(*t, strict=True)] for o, t in self.terms.items()}


class Generator:
    def __init__(self, seed: int, gazetteer) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        self.divisions = shanxi_divisions()
        self.sentences, self.clauses, self.titles = sample_sentences(gazetteer, self.divisions)
        words = jieba_dict()
        known = {w for w, _f, _t in words}
        nouns = [(w, f) for w, f, t in words if t in ("n", "nz") and 2 <= len(w) <= 4
                 and all("\u4e00" <= c <= "\u9fff" for c in w)]
        verbs = [(w, f) for w, f, t in words if t == "vn" and 2 <= len(w) <= 4]
        self.nouns = [w for w, _f in nouns]
        self.noun_cum = list(itertools.accumulate(f for _w, f in nouns))
        self.verbs = [w for w, _f in verbs]
        self.verb_cum = list(itertools.accumulate(f for _w, f in verbs))
        names: set[str] = set()
        while len(names) < 4000:
            given = "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.3 else 2))
            name = rng.choice(SURNAMES) + given
            if name not in known and len(set(given)) == len(given):
                names.add(name)
        self.names = sorted(names)
        rng.shuffle(self.names)
        pool = list(self.names)
        self.rosters: dict[str, Roster] = {}
        self.offices: dict[str, dict[str, list[str]]] = {}
        for p in PAPERS:
            counties = self.counties(p)
            if p.district:
                top = {"secretary": ["区委书记"], "head": ["区委副书记、区长"],
                       "deputy": ["常务副区长", "副区长", "副区长"],
                       "others": ["区人大常委会主任", "区政协主席", "区委常委、组织部部长"]}
            else:
                top = {"secretary": ["市委书记"], "head": ["市委副书记、市长"],
                       "deputy": ["市委常委、常务副市长", "副市长", "副市长", "副市长"],
                       "others": ["市人大常委会主任", "市政协主席", "市委常委、秘书长", "市委常委、市纪委书记"]}
            county_offices = []
            if not p.district:
                for full, _short in counties:
                    head = {"县": "县长", "区": "区长", "市": "市长"}[full[-1]]
                    county_offices += [f"{full}委书记", f"{full}{head}"]
            # offices are keyed "<title as printed>#<n>" (several 副市长 hold office at once)
            flat = iter(f"{o}#{i}" for i, o in enumerate(o for group in top.values() for o in group))
            groups = {k: [next(flat) for _ in v] for k, v in top.items()}
            groups["county"] = county_offices
            self.offices[p.slug] = groups
            self.rosters[p.slug] = Roster([o for g in groups.values() for o in g], pool, rng)
        self.reporters = pool[:600]
        self.word_df: Counter[str] = Counter()
        self.official_df: Counter[str] = Counter()
        self.chars = 0
        self.articles = 0
        self.kinds: Counter[str] = Counter()

    # --- small draws ------------------------------------------------------------------------

    def counties(self, p: PaperSpec) -> list[tuple[str, str]]:
        counties = self.divisions[p.city]
        if p.district:  # a district paper mostly writes about itself
            own = [c for c in counties if c[0] == p.home]
            return own * 6 + counties
        return counties

    def noun(self) -> str:
        w = self.nouns[bisect.bisect_left(self.noun_cum, self.rng.random() * self.noun_cum[-1])]
        self._words.add(w)
        return w

    def verb(self) -> str:
        w = self.verbs[bisect.bisect_left(self.verb_cum, self.rng.random() * self.verb_cum[-1])]
        self._words.add(w)
        return w

    def village(self) -> str:
        r = self.rng
        if r.random() < 0.6:
            return r.choice(GIVEN) + r.choice("家庄村沟坪峪堡河庄店里")
        return r.choice(GIVEN) + r.choice(GIVEN)

    def number(self, digits: int) -> str:
        if digits == 1:
            return str(self.rng.randint(1, 9))
        return str(self.rng.randint(10 ** (digits - 1), 10**digits - 1))

    def official(self, key: str) -> tuple[str, str]:
        """(title as printed, name) of an office group of the current paper on the current date."""
        office = self.rng.choice(self.offices[self.paper.slug][key])
        name = self.roster.holder(office, self.date)
        self._officials.add(name)
        return office.split("#")[0], name

    def any_official_name(self) -> str:
        keys = ["secretary", "head", "deputy", "others"] + ([] if self.paper.district else ["county"] * 2)
        key = self.rng.choice(keys)
        return self.official(key)[1]

    def event_date(self) -> dt.date:
        return self.date - dt.timedelta(days=self.rng.choice((0, 1, 1, 2, 2, 3, 4)))

    def fill(self, text: str) -> str:
        """Fill a template: officials, places, digits and dates of the current article."""
        r = self.rng
        county, short = r.choice(self.counties(self.paper))
        city = self.paper.city

        def num(m: re.Match) -> str:
            if m.group("y"):
                return str(self.date.year - r.choice((0, 0, 0, 1)))
            if m.group("m"):
                d = self.event_date()
                return f"{d.month}月{d.day}日"
            return self.number(len(m.group("n")))

        text = _NUM_RE.sub(num, text)
        if OFFICIAL in text:
            text = re.sub(OFFICIAL, lambda _m: self.any_official_name(), text)
        text = (text.replace(COUNTY, county).replace(CITY, city).replace(COUNTY_SHORT, short or county)
                .replace(CITY_SHORT, city.removesuffix("市")))
        return text

    def clause(self) -> str:
        r = self.rng
        t = r.choice(CLAUSES)
        county, short = r.choice(self.counties(self.paper))
        out = []
        for ch in t:
            if ch == "N":
                out.append(self.noun())
            elif ch == "V":
                out.append(self.verb())
            elif ch == "C":
                out.append(county)
            elif ch == "S":
                out.append(short or county)
            elif ch == "X":
                out.append(self.village())
            elif ch == "K":
                out.append(self.number(r.choice((1, 1, 2, 2, 3))))
            elif ch == "T":
                out.append(r.choice(TOPICS))
            else:
                out.append(ch)
        return "".join(out)

    def sentence(self) -> str:
        r = self.rng
        x = r.random()
        if x < 0.5:
            return self.fill(r.choice(self.sentences))
        parts = []
        for _ in range(r.randint(2, 4)):
            parts.append(self.fill(r.choice(self.clauses)) if r.random() < 0.6 else self.clause())
        return "，".join(parts) + "。"

    def paragraph(self, target: int) -> str:
        out = ""
        while len(out) < target:
            out += self.sentence()
        return out

    def body(self, chars: int) -> list[str]:
        paras, total = [], 0
        while total < chars:
            p = self.paragraph(self.rng.randint(80, 260))
            paras.append(p)
            total += len(p)
        return paras

    def headline(self, official: str | None) -> str:
        r = self.rng
        if r.random() < 0.15 and self.titles:
            t = self.fill(r.choice(self.titles))
            if len(t) <= 40:
                return t
        county, short = r.choice(self.counties(self.paper))
        t = r.choice(HEADLINES)
        if "O" in t and official is None:
            t = "CT工作取得新成效"
        out = []
        for ch in t:
            # every slot is drawn for every character (kept so that a seed gives the same archive)
            slots = {"C": county, "S": short or county, "O": official or "", "T": r.choice(TOPICS),
                     "K": self.number(r.choice((1, 2))), "X": self.village(),
                     "I": r.choice(IDIOMS[:12]) if out.count(" ") else r.choice(IDIOMS[12:])}
            out.append(slots.get(ch) or (self.noun() if ch == "N" else self.verb() if ch == "V" else ch))
        return "".join(out)

    def size(self) -> int:
        x = self.rng.random()
        if x < 0.6:
            return self.rng.randint(150, 350)
        if x < 0.9:
            return self.rng.randint(450, 900)
        return self.rng.randint(1200, 2200)

    # --- articles and pages ---------------------------------------------------------------

    def news(self) -> list[str]:
        r = self.rng
        d = self.event_date()
        when = "近日，" if r.random() < 0.1 else f"{d.month}月{d.day}日，"
        reporter = "、".join(r.sample(self.reporters, r.choice((1, 1, 2))))
        topic = r.choice(TOPICS)
        county, _short = r.choice(self.counties(self.paper))
        kind = r.random()
        official = None
        if kind < 0.6:
            key = r.choice(["secretary", "head", "head", "deputy", "others"]
                           + ([] if self.paper.district else ["county", "county"]))
            title, official = self.official(key)
            lead = r.choice([
                f"{title}{official}主持召开{topic}专题会议",
                f"{title}{official}深入{county}调研{topic}工作",
                f"{title}{official}带队督导{topic}工作",
                f"{title}{official}出席{topic}推进会并讲话",
                f"{title}{official}率队就{topic}开展专题视察",
            ])
        elif kind < 0.8:
            home = self.paper.home if self.paper.district else self.paper.city
            lead = f"记者从{home}{r.choice(BUREAUS)}获悉，{self.clause()}"
        else:
            lead = f"{county}{self.village()}村举办{topic}培训班，{self.clause()}"
        lead = f"本报讯（记者 {reporter}）{when}{lead}。"
        if official and r.random() < 0.3:
            others = {self.any_official_name() for _ in range(r.randint(2, 5))} - {official}
            if others:
                lead += f"{'区' if self.paper.district else '市'}领导{'、'.join(sorted(others))}参加。"
        lead += self.sentence()
        head = [self.headline(official)]
        if official and r.random() < 0.2:
            other = self.any_official_name()
            if other != official:
                head.append(f"{official}主持并讲话 {other}参加")
        return head + [lead] + self.body(self.size() - len(lead))

    def photo(self) -> list[str]:
        r = self.rng
        d = self.event_date()
        county, _s = r.choice(self.counties(self.paper))
        caption = f"{d.month}月{d.day}日，在{county}{self.village()}村，{r.choice(ACTIVITIES)}。{self.sentence()}"
        if r.random() < 0.7:
            credit = f"本报记者 {r.choice(self.reporters)}摄"
        else:
            credit = f"本报通讯员 {r.choice(self.reporters)} 摄"
        return [" ".join(r.sample(IDIOMS, 2)), caption, credit]

    def feature(self) -> list[str]:
        r = self.rng
        by = f"本报记者 {r.choice(self.reporters)}"
        if r.random() < 0.4:
            by += f" 通讯员 {r.choice(self.reporters)}"
        return [self.headline(None), by] + self.body(self.size())

    def commentary(self) -> list[str]:
        return [self.headline(None)] + self.body(self.size())

    def article(self, previous: str | None) -> tuple[str, list[str]]:
        """(kind, paragraphs) of the next article. Items without a lead (features, commentary)
        follow a photo credit or open the page: after another article's body the parser reads
        a headline without a lead as an in-body subheading (see the bench report)."""
        self._words: set[str] = set()
        self._officials: set[str] = set()
        x = self.rng.random()
        if previous in (None, "photo") and x < (0.3 if previous is None else 0.5):
            kind = "feature" if self.rng.random() < 0.55 else "commentary"
        else:
            kind = "photo" if self.rng.random() < 0.14 else "news"
        paras = getattr(self, kind)()
        self.word_df.update(self._words)
        self.official_df.update(self._officials)
        self.chars += sum(len(p) for p in paras)
        self.articles += 1
        self.kinds[kind] += 1
        return kind, paras

    def page(self, paper: PaperSpec, date: dt.date, n_articles: int) -> str:
        self.paper, self.date, self.roster = paper, date, self.rosters[paper.slug]
        blocks, kind = [], None
        for _ in range(n_articles):
            kind, paras = self.article(kind)
            blocks.append("\n\n".join(paras))
        return "\n\n".join(blocks) + "\n"


def plan(articles: int, rng: random.Random) -> list[tuple[PaperSpec, dt.date, int, int]]:
    """(paper, date, page number, articles on the page) for the whole archive."""
    n_pages = max(len(PAPERS), round(articles / ARTICLES_PER_PAGE))
    counts = [ARTICLES_PER_PAGE] * n_pages
    for i in range(0, n_pages - 1, 2):
        d = rng.randint(0, 3)
        counts[i] += d
        counts[i + 1] -= d
    rng.shuffle(counts)
    days = (END - START).days + 1
    out = []
    shares = [max(1, round(n_pages * p.share)) for p in PAPERS]
    shares[0] += n_pages - sum(shares)
    it = iter(counts)
    for paper, pages in zip(PAPERS, shares, strict=True):
        per_issue = min(16, max(2, math.ceil(pages / days)))
        issues = math.ceil(pages / per_issue)
        dates = sorted(START + dt.timedelta(days=d) for d in rng.sample(range(days), issues))
        left = pages
        for date in dates:
            for page in range(1, min(per_issue, left) + 1):
                out.append((paper, date, page, next(it)))
            left -= min(per_issue, left)
    return out


def write_paper_tomls(archive: Path) -> None:
    for p in PAPERS:
        (archive / p.slug).mkdir(parents=True, exist_ok=True)
        (archive / p.slug / "paper.toml").write_text(f'name = "{p.name}"\nhome_region = "{p.home}"\n', encoding="utf-8")


def generate(archive: Path, articles: int, seed: int, log=print) -> dict:
    """Write the archive (``archive`` must not exist) and return its metadata."""
    from indexer.build import configure_segmenter
    from indexer.gazetteer import Gazetteer

    started = time.perf_counter()
    gazetteer = Gazetteer.load()
    configure_segmenter(gazetteer)
    gen = Generator(seed, gazetteer)
    layout = plan(articles, random.Random(seed + 1))
    tmp = archive.with_name(archive.name + ".partial")
    if tmp.exists():
        import shutil

        shutil.rmtree(tmp)
    write_paper_tomls(tmp)
    text_bytes = 0
    checks = []
    seen_papers: set[str] = set()
    for i, (paper, date, page, n) in enumerate(layout):
        folder = tmp / paper.slug / date.isoformat()
        folder.mkdir(exist_ok=True)
        text = gen.page(paper, date, n)
        data = text.encode("utf-8")
        (folder / f"{page:02d}.txt").write_bytes(data)
        text_bytes += len(data)
        if paper.slug not in seen_papers or i % max(1, len(layout) // 5) == 0:
            seen_papers.add(paper.slug)
            checks.append({"path": f"{paper.slug}/{date.isoformat()}/{page:02d}.txt", "paper": paper.slug,
                           "paper_name": paper.name, "home_region": paper.home, "date": date.isoformat(),
                           "page": page, "articles": n})
        if log and (i + 1) % 5000 == 0:
            log(f"  generated {i + 1}/{len(layout)} pages")
    tmp.rename(archive)
    meta = {
        "seed": seed,
        "articles_requested": articles,
        "articles_generated": gen.articles,
        "pages": len(layout),
        "papers": [p.__dict__ for p in PAPERS],
        "text_bytes": text_bytes,
        "avg_article_chars": round(gen.chars / max(1, gen.articles), 1),
        "kinds": dict(gen.kinds),
        "pages_by_year": {p.slug: dict(sorted(Counter(str(d.year) for q, d, _n, _c in layout if q is p).items()))
                          for p in PAPERS},
        "first_date": min(d for _p, d, _n, _c in layout).isoformat(),
        "last_date": max(d for _p, d, _n, _c in layout).isoformat(),
        "seconds": round(time.perf_counter() - started, 1),
        "check_pages": checks,
        "straddling": straddling_strings(gen.sentences, random.Random(seed + 2)),
        "word_df": {w: c for w, c in gen.word_df.items() if c <= 50},
        "common_words": [w for w, _c in gen.word_df.most_common(20)],
        "officials_df": dict(gen.official_df.most_common(200)),
        "rosters": {slug: r.to_json() for slug, r in gen.rosters.items()},
        "counties": {p.slug: [c for c, _s in shanxi_divisions()[p.city]] for p in PAPERS},
        "sample_sentences": len(gen.sentences),
        "sample_pool_sha": hashlib.sha256("\n".join(gen.sentences + gen.clauses + gen.titles).encode()
                                          ).hexdigest()[:12],
        "sample_clauses": len(gen.clauses),
        "name_pool": len(gen.names),
    }
    (archive.parent / f"{archive.name}.{META_NAME}").write_text(json.dumps(meta, ensure_ascii=False, indent=1),
                                                               encoding="utf-8")
    return meta


def load_meta(archive: Path) -> dict | None:
    path = archive.parent / f"{archive.name}.{META_NAME}"
    if not archive.is_dir() or not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def new_day_folder(archive: Path) -> Path:
    """Where :func:`new_day` writes its issue (a week after the archive's last possible day)."""
    return archive / PAPERS[0].slug / (END + dt.timedelta(days=7)).isoformat()


def new_day(archive: Path, seed: int, pages: int = 3) -> tuple[Path, int]:
    """Write one new issue (``pages`` pages of 20 articles) of the first paper, dated after
    the archive's last day; returns its folder and the number of articles."""
    from indexer.build import configure_segmenter
    from indexer.gazetteer import Gazetteer

    gazetteer = Gazetteer.load()
    configure_segmenter(gazetteer)
    gen = Generator(seed + 3, gazetteer)
    paper = PAPERS[0]
    folder = new_day_folder(archive)
    date = dt.date.fromisoformat(folder.name)
    folder.mkdir(parents=True, exist_ok=True)
    for page in range(1, pages + 1):
        (folder / f"{page:02d}.txt").write_text(gen.page(paper, date, ARTICLES_PER_PAGE), encoding="utf-8")
    return folder, pages * ARTICLES_PER_PAGE


def check_parse(archive: Path, meta: dict, cwd: Path = REPO) -> dict:
    """Run ``jinbao parse`` on the check pages; articles generated vs parsed per page."""
    rows = []
    lengths = []
    for c in meta["check_pages"]:
        out = subprocess.run(
            [sys.executable, "-m", "indexer.cli", "parse", str(archive / c["path"]), "--paper", c["paper"],
             "--paper-name", c["paper_name"], "--home-region", c["home_region"], "--date", c["date"],
             "--page", str(c["page"])], cwd=cwd, capture_output=True, text=True, check=True)
        docs = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
        lengths += [len(d.get("title") or "") + len(d["body"]) for d in docs]
        rows.append({"page": c["path"], "generated": c["articles"], "parsed": len(docs),
                     "with_leaders": sum(1 for d in docs if d["leaders"]),
                     "with_regions": sum(1 for d in docs if d["regions"]),
                     "with_dateline": sum(1 for d in docs if d.get("dateline"))})
    gen = sum(r["generated"] for r in rows)
    parsed = sum(r["parsed"] for r in rows)
    return {"pages": rows, "generated": gen, "parsed": parsed,
            "parsed_per_page": round(parsed / max(1, len(rows)), 1),
            "avg_article_chars": round(sum(lengths) / max(1, len(lengths)), 1)}
