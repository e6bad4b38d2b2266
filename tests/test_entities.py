"""Region and official extraction: unit cases on real sentences of the sample pages, and the
gold-measured precision/recall over every gold article (floors just below what is achieved)."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.entities import extract_leaders, extract_regions
from indexer.gazetteer import Gazetteer

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "data" / "seeds_gold.json"
MANIFEST = REPO / "samples" / "manifest.csv"
ARCHIVE = REPO / "samples" / "archive"


@pytest.fixture(scope="module")
def gz() -> Gazetteer:
    return Gazetteer.load()


# ---------------------------------------------------------------------------- gazetteer
def test_gazetteer_lookups(gz: Gazetteer) -> None:
    d = gz.get("榆次区")
    assert d is not None and d.level == "county" and d.short_name == "榆次" and not d.ambiguous
    assert gz.parent("祁县") == "晋中市"
    assert gz.ancestors("榆次区") == ["晋中市"] and gz.ancestors("晋中市") == []
    assert gz.parent("晋中市") is None
    assert "平遥县" in gz.children("晋中市") and "祁县" in gz.children("晋中市")
    assert gz.get("小店区").ambiguous  # 小店 needs context


def test_gazetteer_duplicate_names_prefer_shanxi(gz: Gazetteer) -> None:
    all_chengqu = gz.get_all("城区")
    assert len(all_chengqu) > 1 and all_chengqu[0].province == "山西省"
    assert gz.get("城区").province == "山西省"
    assert gz.get("郊区").province == "山西省"
    assert gz.get("矿区", parent="阳泉市").code == "140303"
    # 上海市 is both a province and a prefecture row: the prefecture row wins
    assert gz.get("上海市").level == "prefecture"


def test_names_for_dictionary(gz: Gazetteer) -> None:
    names = set(gz.names_for_dictionary())
    assert {"榆次区", "榆次", "小店区", "晋中市", "巴南区"} <= names
    assert "小店" not in names and "城区" in names  # ambiguous short names stay out
    assert not any("开发区" in n and "山西" in n for n in names)  # functional zones stay out


def test_no_loading_or_jieba_at_import() -> None:
    code = (
        "import sys, jieba, indexer.entities, indexer.segment as seg, indexer.gazetteer as g;"
        "assert not jieba.dt.initialized, 'a jieba dictionary was loaded at import';"
        "assert seg._current is None"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


# ---------------------------------------------------------------------------- regions
def test_region_full_short_and_ocr_break(gz: Gazetteer) -> None:
    text = "涉及榆次区 10（+6）件、综\n改区晋中开发区 7件，太谷区 6件、祁\n县 8 件、平遥县 9 件、寿\n阳县 1（+1）件"
    assert extract_regions(text, gz) == ["太谷区", "寿阳县", "平遥县", "榆次区", "祁县"]
    # short name in a quote; the province (山西) is never a region
    assert extract_regions("“投资山西、投资晋中昔阳很温暖、有尊严”", gz) == ["昔阳县", "晋中市"]


def test_region_ambiguous_short_name_needs_context(gz: Gazetteer) -> None:
    # 小店 the subdistrict / shop is not 小店区; 小店区政协 is
    assert extract_regions("在小店街道恒大社区火热进行", gz) == []
    assert extract_regions("小店区政协委员开展此次活动", gz) == ["小店区"]
    assert extract_regions("太原市小店新区", gz) == ["太原市", "小店区"]
    # 城区 / 矿区 are words unless qualified
    assert extract_regions("统筹新老城区、老城区、古城三个板块", gz) == []
    assert extract_regions("阳泉矿区党委以“四抓四促”为抓手", gz) == ["矿区", "阳泉市"]
    # an ambiguous short name in an enumeration of places
    assert extract_regions("和顺、左权、榆社等县", gz) == ["和顺县", "左权县", "榆社县"]


def test_region_inside_organisation_names_is_not_counted(gz: Gazetteer) -> None:
    text = "晋中市总工会、运城市总工会、省总工会直属基层工委、定襄县总工会、中车太原机车车辆有限公司、山西振东健康产业集团就各自"
    assert extract_regions(text, gz) == ["定襄县", "晋中市", "运城市"]  # organs count, companies do not
    assert extract_regions("作为辖区重点骨干企业，首钢长治钢铁有限公司将绿色生产", gz) == []
    assert extract_regions("杏花岭区行政审批局与邮储银行太原市分行举行签约仪式", gz) == ["杏花岭区"]
    assert extract_regions("图为当日，榆次一中考点，数学考试结束", gz) == []
    assert extract_regions("《又见平遥》、五老峰、解州关帝庙、太原动物园、应县木塔等4A级景区", gz) == []
    assert extract_regions("充分利用“太原市\n政务服务一体化平台”", gz) == []
    assert extract_regions("主动融入太原都市圈", gz) == []
    assert extract_regions("在吉安煤矿，魏振东实地察看", gz) == []
    assert extract_regions("对沁源县煤矿瓦斯爆炸事故作出的重要指示", gz) == ["沁源县"]


def test_region_home_references(gz: Gazetteer) -> None:
    assert extract_regions("全省深化产业工人队伍建设改革现场推进会在我市召开", gz, "晋中市") == ["晋中市"]
    # a district paper: 区 words are the district, 市委 its prefecture
    text = "我区召开专题会。全区上下要深入贯彻党中央决策部署和省委、市委工作要求"
    assert extract_regions(text, gz, "潞州区") == ["潞州区", "长治市"]
    # 区 words cannot be resolved in a city paper; 城市/市场 are not 市 references
    assert extract_regions("区相关部门志愿者；文明城市创建；市场主体", gz, "太原市") == []
    assert extract_regions("县委书记张三主持", gz, "平遥县") == ["平遥县"]
    assert extract_regions("各市、县（市、区）设分会场", gz, "太原市") == []


def test_region_elsewhere_in_china(gz: Gazetteer) -> None:
    text = "前不久，在重庆市巴南区东温泉镇碾沱村。安徽桐城六尺巷、四川眉山三苏祠、河南开\n封包公祠。表姑在重庆主城"
    assert extract_regions(text, gz) == ["巴南区", "开封市", "桐城市", "眉山市"]
    assert extract_regions("确保社会长治久安", gz) == []  # 长治 inside an idiom
    assert extract_regions("全面落实北京冬奥会赛前和赛期各项治理管控措施", gz) == []


# ---------------------------------------------------------------------------- officials
def test_leaders_titles_as_printed_and_ocr_breaks() -> None:
    text = (
        "省人大常\n委会副主任、省总工会主席王纯出席\n并讲话。省总工会党组书记、常务副\n\n主席梁敬华主持。"
        "市委副书记、政法\n委书记冯晓雷致辞。市人大常委会副\n主任、市总工会主席段燕翔，副市长王\n帮富参加会议。"
    )
    assert extract_leaders(text) == {
        "王纯": "省人大常委会副主任、省总工会主席",
        "梁敬华": "省总工会党组书记、常务副主席",
        "冯晓雷": "市委副书记、政法委书记",
        "段燕翔": "市人大常委会副主任、市总工会主席",
        "王帮富": "副市长",
    }


def test_leaders_reporters_and_staff_are_not_officials() -> None:
    assert extract_leaders("本报讯 （记者张子珂）6月5日，全省推进会在我市召开") == {}
    assert extract_leaders("数学考试结束后考生有序走出考场。本报记者 杨洋 摄") == {}
    assert extract_leaders("□本报记者 郭婷婷") == {}
    assert extract_leaders("尚太锂电副总经理孙跃杰充满感慨") == {}
    assert extract_leaders("首钢长钢公司环保部处处长助理牛虎钢介绍") == {}
    assert extract_leaders("路段周边商户高红光说") == {}


def test_leaders_anonymised_names_excluded() -> None:
    text = "镇纪委书记刘科手持处分决定书说：“村党委书记、村委会主任高某某，村党委副书记李某\n某，因涉嫌违规”"
    assert extract_leaders(text) == {"刘科": "镇纪委书记"}


def test_leaders_lists_under_leaders_label() -> None:
    text = (
        "市委书记常书铭\n出席并讲话，市委副书记、市长刘星主\n持会议。市领导王兵、刘伟、李哲、张\n"
        "英杰、许利伟、李军、赵宏钟参加会议。"
    )
    got = extract_leaders(text)
    assert got["常书铭"] == "市委书记" and got["刘星"] == "市委副书记、市长"
    assert [n for n, t in got.items() if t == "市领导"] == ["王兵", "刘伟", "李哲", "张英杰", "许利伟", "李军", "赵宏钟"]


def test_leaders_no_greedy_capture() -> None:
    text = (
        "省委副书记、省长蓝佛安主持会议。省政协副主席李佳,省委副书记商黎光,省领导王拥军、张吉福、"
        "汤志平,于英杰出席,副省长贺天才通报有关情况。"
    )
    assert extract_leaders(text) == {
        "蓝佛安": "省委副书记、省长",
        "李佳": "省政协副主席",
        "商黎光": "省委副书记",
        "王拥军": "省领导",
        "张吉福": "省领导",
        "汤志平": "省领导",
        "于英杰": "省领导",
        "贺天才": "副省长",
    }
    assert extract_leaders("6月25日,市委书记刘星在太谷区调研。") == {"刘星": "市委书记"}
    # a shared title over a list, then a new title
    got = extract_leaders("市政协副主席牛革平、张学东、王宁照,秘书长孟玲璇出席会议。")
    assert got == {"牛革平": "市政协副主席", "张学东": "市政协副主席", "王宁照": "市政协副主席", "孟玲璇": "秘书长"}


def test_leaders_village_and_township_titles() -> None:
    text = "巴南区双河口镇茶店村党总支书记、村委会主任杨白仍记得表姐打来的那通电话"
    assert extract_leaders(text) == {"杨白": "巴南区双河口镇茶店村党总支书记、村委会主任"}
    assert extract_leaders("。”安昌村党支部书记、村委会主任王玉斌介绍。") == {"王玉斌": "安昌村党支部书记、村委会主任"}


def test_leaders_general_secretary() -> None:
    assert extract_leaders("深入学习贯彻习近平总书记关于安全生产的重要论述") == {"习近平": "总书记"}
    assert extract_leaders("在以习近平同志为核心的党中央坚强领导下；习近平生态文明思想") == {}
    # jieba would tag 惠民/施策 as names; without a title nothing is an official
    assert extract_leaders("学以致用促发展 动真碰硬惠民生，精准施策") == {}


# ---------------------------------------------------------------------------- gold measure
def _page_texts() -> dict[str, str]:
    out = {}
    with MANIFEST.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            path = ARCHIVE / row["paper_slug"] / row["issue_date"] / f"{row['page']}.txt"
            out[row["file"]] = (path.read_text(encoding="utf-8"), row["home_region"])
    return out


def _bodies(page: str, articles: list[dict]) -> list[str]:
    """Each gold article's body: from body_start to the end of body_end (whitespace removed)."""
    starts, cur = [], 0
    for a in articles:
        s = page.find(a["body_start"], cur)
        for head in [a["title"] or "", *a["subtitles"]]:
            h = re.sub(r"\s+", "", head)
            hp = page.find(h, cur) if h else -1
            if hp >= 0 and hp <= s < hp + len(h):  # the start also occurs inside a headline
                s = page.find(a["body_start"], hp + len(h))
        assert s >= 0, a["body_start"]
        starts.append(s)
        cur = s + 1
    bodies = []
    for i, a in enumerate(articles):
        s = starts[i]
        e = page.rfind(a["body_end"], s, starts[i + 1]) if i + 1 < len(articles) else -1
        if e < 0:
            e = page.find(a["body_end"], s)
        assert e >= 0, a["body_end"]
        bodies.append(page[s : e + len(a["body_end"])])
    return bodies


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@pytest.fixture(scope="module")
def gold_scores(gz: Gazetteer) -> dict:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    pages = _page_texts()
    counts = {"regions": [0, 0, 0], "officials": [0, 0, 0]}
    titles = [0, 0]
    errors = []
    for fname, info in gold.items():
        raw, home = pages[fname]
        page = re.sub(r"\s+", "", raw)
        for art, body in zip(info["articles"], _bodies(page, info["articles"]), strict=False):
            text = "。".join([h for h in [art["title"], *art["subtitles"]] if h] + [body])
            got_r = set(extract_regions(text, gz, home))
            gold_r = set(art["regions"])
            got_l = extract_leaders(text)
            gold_l = art["leader_titles"]
            for key, got, want in (("regions", got_r, gold_r), ("officials", set(got_l), set(gold_l))):
                counts[key][0] += len(got & want)
                counts[key][1] += len(got - want)
                counts[key][2] += len(want - got)
                if got != want:
                    errors.append((fname, key, sorted(got - want), sorted(want - got)))
            for name in set(got_l) & set(gold_l):
                titles[1] += 1
                titles[0] += got_l[name] == gold_l[name]
    return {
        "regions": _prf(*counts["regions"]),
        "officials": _prf(*counts["officials"]),
        "titles": titles[0] / titles[1] if titles[1] else 1.0,
        "errors": errors,
    }


def test_gold_regions(gold_scores: dict) -> None:
    p, r, f = gold_scores["regions"]
    assert p >= 0.97 and r >= 0.97 and f >= 0.97, (gold_scores["regions"], gold_scores["errors"])


def test_gold_officials(gold_scores: dict) -> None:
    p, r, f = gold_scores["officials"]
    assert p >= 0.98 and r >= 0.98 and f >= 0.98, (gold_scores["officials"], gold_scores["errors"])


def test_gold_titles_as_printed(gold_scores: dict) -> None:
    assert gold_scores["titles"] >= 0.98, gold_scores["titles"]


def test_traditional_characters(gz: Gazetteer) -> None:
    from indexer.build import configure_segmenter

    configure_segmenter(gz)  # loads the traditional -> simplified table with jieba
    assert extract_regions("晉中市召開會議，榆次區、平遙縣負責同志參加", gz) == ["平遥县", "晋中市", "榆次区"]
    assert extract_leaders("市委書記常書銘出席並講話") == {"常书铭": "市委书记"}


# ---------------------------------------------------------------------------- issue 12: officials in every way papers print them
@pytest.mark.parametrize("text, expected", [
    ("大会执行主席郝建平、韩丽萍、贾志强在主席台前排就座。",
     {"郝建平": "大会执行主席", "韩丽萍": "大会执行主席", "贾志强": "大会执行主席"}),
    ("会议由大会主席团常务主席、执行主席王建国主持。", {"王建国": "大会主席团常务主席、执行主席"}),
    ("本次大会执行主席刘晓东、张海燕在主席台前排就座。", {"刘晓东": "大会执行主席", "张海燕": "大会执行主席"}),
    ("李正印任吕梁代表团团长，刘晓东、王建国任副团长。",
     {"李正印": "吕梁代表团团长", "刘晓东": "副团长", "王建国": "副团长"}),
    ("省党政军领导王建国、李正明出席。", {"王建国": "省党政军领导", "李正明": "省党政军领导"}),
    ("县四套班子领导仝志刚、亓小龙、逯永福参加活动。",
     {"仝志刚": "县四套班子领导", "亓小龙": "县四套班子领导", "逯永福": "县四套班子领导"}),
    ("经选举，孙为民当选长治市人民政府市长。", {"孙为民": "长治市人民政府市长"}),
    ("会议决定任命蓝晓光为山西省人民政府副省长。", {"蓝晓光": "山西省人民政府副省长"}),
    ("会议通过关于接受林武辞去山西省人民政府省长职务请求的决定。", {"林武": "山西省人民政府省长"}),
    ("免去郭海平的晋城市中级人民法院副院长职务。", {"郭海平": "晋城市中级人民法院副院长"}),
    ("原市长赵振华、市政法委原书记钱学军出席。", {"赵振华": "原市长", "钱学军": "市政法委原书记"}),
    ("参加座谈的有：王海生，西沟乡党委书记；郭秀英，西沟村党总支书记、村委会主任；",
     {"王海生": "西沟乡党委书记", "郭秀英": "西沟村党总支书记、村委会主任"}),
    ("代表团团长为昭西苏曼·西萨銮萨。", {"昭西苏曼·西萨銮萨": "代表团团长"}),
    ("市政协副主席、孝义市委书记李真等参加座谈会。", {"李真": "市政协副主席、孝义市委书记"}),
    ("市长刘锋就主持召开了碰头会。", {"刘锋": "市长"}),
    ("忻州军分区司令员曲君参加。", {"曲君": "忻州军分区司令员"}),
    ("晋中地委副书记、行署专员吉光荣出席开工仪式。", {"吉光荣": "晋中地委副书记、行署专员"}),
])
def test_officials_as_papers_print_them(text, expected):
    assert extract_leaders(text) == expected


@pytest.mark.parametrize("text", [
    "张强、艾凌宇在主席台就座。",  # untitled rostrum list
    "市人大代表李正明发言。",  # a deputy titled only 代表
    "本报讯（记者 王建国 通讯员 李正明）3月2日，…",  # reporters
    "公司总经理史云章介绍。",  # company staff
    "大会主席台前排就座的有代表。",  # 主席台 is not a title
])
def test_not_officials(text):
    assert extract_leaders(text) == {}


def test_one_title_per_name_an_office_beats_a_group_label():
    got = extract_leaders("市领导薛明耀、孟贵芳出席大会。按照议程，市长薛明耀代表市政府作报告。")
    assert got == {"薛明耀": "市长", "孟贵芳": "市领导"}


def test_regions_of_people_venues_zones_and_deictic_cities(gz: Gazetteer) -> None:
    # 冯原平 is a person, not 原平市; 泽州会堂 a venue; 晋源东区 a planning zone
    assert extract_regions("大会执行主席冯原平出席。", gz, "太原市", exclude=["冯原平"]) == []
    assert extract_regions("会议在泽州会堂召开。晋源东区综合管廊获奖。", gz) == []
    # a county-level city's own story in its prefecture's paper: 市委 means the county-level city
    assert extract_regions("高平市七届人大会议召开，市委书记出席。", gz, "晋城市") == ["高平市"]
    # on a portal with no home region, 市委 means the prefecture of the district named
    assert extract_regions("尧都区举行茶话会，在市委、市政府坚强领导下。", gz) == ["临汾市", "尧都区"]
    # 郊区 acting in a paper of its own city; 延安 in a history without 陕西 is no region
    assert extract_regions("郊区在荫营镇开展演练。", gz, "阳泉市") == ["郊区"]
    assert extract_regions("晋绥抗日根据地曾为保卫延安筑起屏障。", gz) == []
    assert extract_regions("到浙江、陕西考察，西安让我们看到了带动作用。", gz) == ["西安市"]


def test_a_dispatch_place_is_not_a_region(gz: Gazetteer) -> None:
    assert extract_regions("新华社太原9月8日电（记者 张三）全省秋粮收购工作会议召开。", gz) == []
    assert extract_regions("太原7月15日电 会议在太原召开。", gz) == ["太原市"]  # named in the text too


def test_state_and_national_offices_and_posts_in_parentheses() -> None:
    assert extract_leaders("国务院总理李强主持会议。") == {"李强": "国务院总理"}
    assert extract_leaders("十四届全国政协副主席王东峰出席。") == {"王东峰": "十四届全国政协副主席"}
    assert extract_leaders("会议由王建国（已任长治市委书记）主持。") == {"王建国": "长治市委书记"}


def test_officials_from_the_second_blind_pages(gz: Gazetteer) -> None:
    # a surname the list does not know, before a list mark; 补选X为; 访 before a title; 结合 after a name
    assert extract_leaders("副县长禚海波、段晓峰参加会议。") == {"禚海波": "副县长", "段晓峰": "副县长"}
    assert extract_leaders("大会补选冶志强为市五届人大常委会副主任。") == {"冶志强": "市五届人大常委会副主任"}
    assert extract_leaders("——访隰县县委书记靳红梅") == {"靳红梅": "隰县县委书记"}
    assert extract_leaders("平陆县委书记张宏斌结合本地实际作交流发言。") == {"张宏斌": "平陆县委书记"}
    assert extract_leaders("总监票人、监票人和总计票人名单") == {}  # 监票人 is no name
    # regions: 和 in a list of places, a session ordinal before an organ, a division's own office
    assert extract_regions("两家企业分别位于盂县和郊区。", gz, "阳泉市") == ["盂县", "郊区"]
    assert extract_regions("市五届人大四次会议主席团举行会议。", gz, "朔州市") == ["朔州市"]
    assert extract_regions("芮城县与河南省灵宝市签约，灵宝市副市长高某出席。", gz, "芮城县") == ["灵宝市", "芮城县"]
