"""The small, named rules of the page parser, each on real lines from the sample pages
and on variants a paper we don't have would print."""

from __future__ import annotations

import datetime as dt

import pytest

from indexer.dates import find_dateline, resolve_day
from indexer.jumps import page_number, pick_continuation, same_story
from indexer.layout import Paragraph, should_join, split_paragraphs, tidy_headline
from indexer.parse import (
    Group,
    attach_orphans,
    Draft,
    choose_title,
    classify_kind,
    is_attendance_line,
    is_byline,
    is_decoration,
    is_headline_candidate,
    is_lead,
    is_photo_credit,
    is_source_line,
    looks_like_section_heading,
    split_articles,
    split_signature,
)


def g(text: str, level: int = 0, trailing: bool = False, lines: int = 1) -> Group:
    paras = [Paragraph(text, heading=level, display=text)]
    paras += [Paragraph("", display="") for _ in range(lines - 1)]
    return Group(paras, trailing=trailing)


@pytest.mark.parametrize("line, expected", [
    ("刘星主持并讲话 冯晓雷参加", True),
    ("贺思宇主持 魏振东作安排 郭红胜参加", True),
    ("蓝佛安主持 李佳商黎光出席", True),
    ("王建忠出席会议并讲话", True),
    ("刘星提出工作要求", True),
    ("冯晓雷主持召开会议", False),  # a meeting headline, not a deck line
    ("全市安全生产工作暨经济运行分析会召开", False),
])
def test_attendance_lines(line, expected):
    assert is_attendance_line(line) is expected


@pytest.mark.parametrize("line, lead, credit, byline, source", [
    ("本报讯 （记者张子珂）6月5日，全省深化产业工人队伍建设改革现场推进会", True, False, False, False),
    ("本报讯(山西日报记者 杨文)12月22日,我省召开", True, False, False, False),
    ("新华社太原6月1日电 记者从省政府获悉", True, False, False, False),
    ("本报记者 刘勇摄", False, True, False, False),
    ("本报通讯员 张耀宇 摄", False, True, False, False),
    ("□本报记者 郭婷婷", False, False, True, False),
    ("本报记者 雷甫", False, False, True, False),
    ("据《人民日报》", False, False, False, True),
    ("《山西日报》6月24日1版刊发", False, False, False, True),
])
def test_line_roles(line, lead, credit, byline, source):
    assert is_lead(line) is lead
    assert is_photo_credit(line) is credit
    assert is_byline(line) is byline
    assert is_source_line(line) is source


@pytest.mark.parametrize("text, expected", [
    ("攻坚践初心 破难出政绩", True),
    ("举报电话:0354-3039689", False),
    ("一、举报内容", False),
    ("2026年6月1日", False),
    ("“一个偶然机会，我儿子提出想跟其他人一起承接村里项目。我知道这不合规矩，但见他", False),
    ("会议强调，中央生态环境保护督察工作是对生态环境保护工作的一次", False),
])
def test_headline_candidates(text, expected):
    assert is_headline_candidate(Paragraph(text)) is expected


def test_decorations():
    assert is_decoration(Paragraph("倒计时64天"))
    slogan = "提升城市首位度 建设幸福新潞州 以打造区域消费中心为引领 加快建设首善之区"
    assert is_decoration(Paragraph(slogan.replace(" ", ""), heading=2, display=slogan))
    title = "交出整改工作合格答卷 把发展和生态两条底线守得更牢更好"
    assert not is_decoration(Paragraph(title.replace(" ", ""), heading=1, display=title))


def test_section_heading_guess():
    assert looks_like_section_heading("红线不能碰，谁都不例外")
    assert looks_like_section_heading("二、举报方式")
    assert not looks_like_section_heading("“阳光雨露”润沃土")


def test_choose_title_kicker_main_deck():
    groups = [g("我市召开中央生态环境保护督察组交办群众信访举报问题整改工作推进会"),
              g("压紧压实责任 加大推进力度以整改实效推动生态环境持续向好", lines=2), g("常书铭出席并讲话 刘星主持")]
    title, subs = choose_title(groups)
    assert title.startswith("压紧压实责任")
    assert subs == ["我市召开中央生态环境保护督察组交办群众信访举报问题整改工作推进会", "常书铭出席并讲话 刘星主持"]


def test_choose_title_markdown_levels_and_mixed_layout():
    assert choose_title([g("魏振东专题调研安全生产和生态环保工作", 3), g("守牢安全底线生态红线", 2)])[0] == "守牢安全底线生态红线"
    # kicker printed above the body, the title below it ('mixed')
    title, subs = choose_title([g("树立和践行正确政绩观", 3), g("树牢正确政绩观从走好第一步开始", trailing=True)],
                               prefer_trailing=True)
    assert title == "树牢正确政绩观从走好第一步开始" and subs == ["树立和践行正确政绩观"]
    assert choose_title([g("I锲而不舍落实中央八项规定精神I")]) == (None, ["锲而不舍落实中央八项规定精神"])


def test_displaced_headlines_go_to_their_leads_in_order():
    page = "\n\n".join([
        "## 甲县召开春耕生产推进会",
        "本报讯(记者 张三)3月2日,甲县召开春耕生产推进会。会议要求抓好春耕。",
        "## 乙县举办消夏晚会",
        "## 丙县开展义诊活动",
        "本报讯(记者 李四)3月2日,乙县举办消夏晚会,群众踊跃参加。",
        "本报讯(记者 王五)3月1日,丙县开展义诊活动,服务群众五百余人次。",
    ])
    drafts = split_articles(page)
    titles = [choose_title(d.groups)[0] for d in drafts]
    assert titles == ["甲县召开春耕生产推进会", "乙县举办消夏晚会", "丙县开展义诊活动"]
    assert [d.body[0][:10] for d in drafts] == ["本报讯(记者张三)3", "本报讯(记者李四)3", "本报讯(记者王五)3"]


def test_headlines_after_bodies_page():
    page = "\n".join([
        " 本报讯（记者 张三）3月2日，甲县召开", "春耕生产推进会，会议要求抓好春耕", "生产各项工作。", "",
        "甲县部署春耕生产", "",
        " 本报讯（记者 李四）3月1日，乙县举", "办消夏晚会，群众踊跃参加，现场气氛", "热烈。", "",
        "乙县消夏晚会精彩纷呈",
    ])
    drafts = split_articles(page)
    assert [choose_title(d.groups)[0] for d in drafts] == ["甲县部署春耕生产", "乙县消夏晚会精彩纷呈"]
    assert drafts[0].body == ["本报讯（记者张三）3月2日，甲县召开春耕生产推进会，会议要求抓好春耕生产各项工作。"]


def test_ocr_wrapped_lines_join_without_losing_characters():
    # the first lines of the 晋中日报 page of 2025-06-09, as printed in the archive
    page = "\n".join([
        " 本报讯 （记者张子珂）6月5日，", "全省深化产业工人队伍建设改革现场", "推进会在我市召开，2025 年“劳模工",
        "匠助企行”活动同步启动。省人大常", "委会副主任、省总工会主席王纯出席", "并讲话。省总工会党组书记、常务副", "",
        "主席梁敬华主持。市委副书记、政法", "委书记冯晓雷致辞。市人大常委会副", "主任、市总工会主席段燕翔，副市长王",
        "帮富参加会议。", "", "会上，省教育厅、省人社厅、晋中市",
    ])
    paras = split_paragraphs(page)
    assert len(paras) == 2
    assert paras[0].text.endswith("常务副主席梁敬华主持。市委副书记、政法委书记冯晓雷致辞。"
                                  "市人大常委会副主任、市总工会主席段燕翔，副市长王帮富参加会议。")
    assert paras[0].text.startswith("本报讯（记者张子珂）6月5日，全省深化产业工人队伍建设改革现场推进会在我市召开，2025年")
    assert not should_join("参加会议。", "会议要求，", 1, 5, [15.0], 5)


def test_headline_spacing_kept_ocr_spacing_dropped():
    assert tidy_headline("压紧压实责任 加大推进力度") == "压紧压实责任 加大推进力度"
    assert tidy_headline("—— 昔阳县以暖心服务打造一流营商环境") == "——昔阳县以暖心服务打造一流营商环境"
    assert tidy_headline("倒计时 64 天") == "倒计时64天"


def test_signature_split():
    body = ["一、举报内容", "- 存在监控系统造假行为;", "山西省煤矿安全风险隐患排查第七督导组", "2026年6月1日"]
    assert split_signature(body) == (body[:2], "山西省煤矿安全风险隐患排查第七督导组 2026年6月1日")
    assert split_signature(["会议强调，要抓好落实。"]) == (["会议强调，要抓好落实。"], None)


def test_orphan_fragment_goes_to_the_most_similar_neighbour():
    prev = Draft(groups=[g("太谷区城市更新调研")], body=["本报讯 市委书记在太谷区调研城市更新和污水处理厂建设。"], has_lead=True)
    orphan = Draft(body=["严厉打击安全生产非法违法行为，坚决守牢安全稳定底线。"])
    nxt = Draft(groups=[g("专题研究全市安全生产工作")], body=["本报讯 会议研究安全生产工作，部署安全生产隐患排查。"], has_lead=True)
    out = attach_orphans([prev, orphan, nxt])
    assert out == [prev, nxt]
    assert nxt.fragments == orphan.body and not prev.fragments


@pytest.mark.parametrize("title, body, photo, source, kind", [
    (None, "6月7日上午9时，2025年高考拉开大幕。", True, None, "photo"),
    ("关于开展专项举报的公告", "现就有关事宜公告如下：", False, None, "notice"),
    ("交办情况", "2025年6月7日，交办10件，其中重点件1件。按区域划分，榆次区4件、昔阳县2件、榆社县2件。", False, None, "data"),
    ("树牢正确政绩观从走好第一步开始", "“万事开头难，每门科学都是如此。”", False, "据《人民日报》", "commentary"),
    ("甲县召开会议", "本报讯（记者 张三）3月2日，甲县召开会议。", False, None, "news"),
])
def test_kinds(title, body, photo, source, kind):
    assert classify_kind(title, [], body, photo, source) == kind


def test_dateline_rules():
    issue = dt.date(2021, 12, 23)
    assert find_dateline("本报讯(记者 贾尚志)22日,迈点研究院发布", issue) == dt.date(2021, 12, 22)
    assert find_dateline("本报讯 (记者刘佳桦)近日,迈点研究院独家发布“2026年4月中国县域", issue) is None
    assert resolve_day(30, dt.date(2026, 1, 2)) == dt.date(2025, 12, 30)


def test_jump_pages():
    assert page_number("第4版") == 4 and page_number("第二版") == 2 and page_number("第十二版") == 12
    assert same_story("因地制宜发挥优势 以内涵式发展激发新动能", "因地制宜发挥优势以内涵式发展激发新动能")
    source = {"page": 1, "title": "守牢安全底线生态红线", "continued_on": "第二版"}
    parts = [{"id": "x", "title": "守牢安全底线生态红线", "subtitles": [], "continued_from": "第一版"},
             {"id": "y", "title": "别的文章", "subtitles": [], "continued_from": None}]
    assert pick_continuation(source, parts, "on")["id"] == "x"
    assert pick_continuation(source, parts[1:], "on") is None
