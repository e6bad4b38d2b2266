"""Issue 12: each rule added for pages of other papers and sites, on made-up lines in the
shapes those pages print (no line of a development page is needed for a rule to hold)."""

from __future__ import annotations

import datetime as dt

import pytest

from indexer.bylines import reporters_of
from indexer.dates import arabic_dates, find_dateline, resolve_relative_day, title_date
from indexer.furniture import (
    find_furniture,
    furniture_kind,
    is_breadcrumb,
    is_link_bar,
    is_meta_line,
    is_navigation,
    is_summary,
    is_ui_prompt,
    key,
    meta_author,
    meta_source,
    repeated_headline_lines,
)
from indexer.layout import Paragraph, continues_across_break, ends_sentence, is_column_text, layout_page
from indexer.normalize import blank_glosses, normalize, plain, strip_glosses
from indexer.parse import (
    PageInfo,
    clean_title,
    cut_page,
    is_column_kicker,
    is_data_item,
    is_headnote,
    is_in_body_heading,
    parse_page,
)
from indexer.roles import (
    closes_item,
    is_attendance_line,
    is_author_line,
    is_byline,
    is_caption,
    is_form_field,
    is_headline_candidate,
    is_lead,
    is_original_title,
    is_paren_source,
    is_scene_caption,
    is_source_line,
    opens_with_date,
    split_glued_credit,
    split_run_in_headline,
    split_trailing_credit,
    two_clause_headline,
)

# --- page furniture ---------------------------------------------------------------------------


@pytest.mark.parametrize("line, kind", [
    ("当前位置：首页 > 要闻 > 正文", "breadcrumb"),
    ("您现在的位置：网站首页 >> 县区新闻", "breadcrumb"),
    ("长治新闻网 > 县区频道", "breadcrumb"),
    ("来源：长治日报  作者：王一鸣  编辑：赵二  发布时间：2024-03-05 09:12  浏览次数：125", "meta"),
    ("2023-11-02 08:30", "meta"),
    ("发布日期：2024年03月05日", "meta"),
    ("文章字数:1203", "meta"),
    ("索引号 11140400/2024-00123", "meta"),
    ("上一版  下一版", "navigation"),
    ("第03版：县区新闻", "navigation"),
    ("阳泉日报电子版", "navigation"),
    ("打开今日头条 查看更多图片", "ui"),
    ("点击上方蓝字关注我们", "ui"),
    ("扫码下载客户端", "ui"),
    ("晋ICP备12345678号", "footer"),
    ("版权所有 未经授权不得转载", "footer"),
    ("（责任编辑：李四）", "editor"),
    ("【导读】会议强调要抓好春耕备耕。", "summary"),
    ("首页 新闻 政务 民生 文旅 视频", "links"),
    ("相关阅读", "ui"),
    ("晋城日报　2024年5月6日　星期一", "masthead"),
    ("P020240301.jpg", "image"),
    ("话题 · 运城", "topic_header"),
])
def test_furniture_lines(line, kind):
    assert furniture_kind(line) == kind


@pytest.mark.parametrize("line", [
    "3月5日，全市春耕备耕工作推进会召开。",
    "学先进 取真经 横下心 加油干",  # a two-phrase headline is not a bar of links
    "大同换帅：某某任大同市委书记",
    "举报电话：0351-1234567",  # a notice's contact line stays text
    "市委书记张三主持会议并讲话，市长李四出席。",
    "会议时间：上午9:00",
])
def test_not_furniture(line):
    assert furniture_kind(line) is None


def test_furniture_rules_read_traditional_and_glossed_lines():
    assert key("您當(dāng)前的位置 : 忻州新聞網(wǎng) >> 本地新聞") == "您当前的位置 : 忻州新闻网 >> 本地新闻"
    assert is_breadcrumb(key("您當(dāng)前的位置 : 忻州新聞網(wǎng) >> 本地新聞"))
    assert is_meta_line(key("來源:忻州日報(bào) 作者: 某某 2021年02月26日 08:11"))


def test_meta_lines_give_source_and_author():
    assert meta_source("来源：朔州日报编辑：张三发布时间：2021-05-06 10:00:00") == "朔州日报"
    assert meta_author("来源: 太报全媒体 作者:太报全媒体记者 王五 2024年02月04日 19:33") == "太报全媒体记者 王五"
    assert meta_source("浏览次数：32") is None


def test_repeated_headline_lines_are_index_entries_and_page_titles():
    lines = ["标题导航", "· 某县召开春耕生产推进会", "平定县：乡村振兴开新局", "",
             "某县召开春耕生产推进会", "乡村振兴开新局", "本报讯 3月2日，某县召开…"]
    found = repeated_headline_lines(lines)
    assert found == {1: "headline_index", 2: "page_title"}
    assert 4 not in found and 5 not in found  # the headlines themselves stay
    assert find_furniture(lines)[0] == "navigation"  # 标题导航 itself


def test_ocr_pages_only_get_the_rules_a_sentence_fragment_cannot_trigger():
    assert furniture_kind("来源：", ocr_columns=True) is None  # a fragment of a column line
    assert furniture_kind("上一版 下一版", ocr_columns=True) == "navigation"
    assert is_navigation(key("当前版: 02版"))
    assert is_ui_prompt(key("打开网易新闻 查看精彩图片"))
    assert is_summary(key("摘要：某某当选市长。"))
    assert not is_link_bar(key("压紧压实责任 加大推进力度"))


def test_site_header_only_above_the_text():
    page = "某某资讯网\n0351-1234567 info@example.cn\n\n标题在这里\n\n正文，联系电话0351-7654321。\n某某网"
    found = find_furniture(page.split("\n"))
    assert found.get(0) == "site_header" and found.get(1) == "site_header"
    assert 5 not in found and 6 not in found


# --- layout --------------------------------------------------------------------------------


def test_column_text_told_by_line_statistics():
    ocr = ["本报讯（记者 张三）3月2日，甲县召", "开春耕生产推进会，会议要求抓好春", "耕生产各项工作，确保粮食生产稳定", "",
           "会议指出，要压实责任，抓好落实，", "确保各项措施落地见效，为全年粮食", "丰收打下坚实基础。"]
    web = ["甲县召开春耕生产推进会", "发布时间：2024-03-02",
           "3月2日，甲县召开春耕生产推进会，会议要求抓好春耕生产各项工作，确保粮食生产稳定，为全年粮食丰收打下坚实基础。",
           "会议指出，要压实责任，抓好落实，确保各项措施落地见效。", "乙镇、丙镇作表态发言。", "（编辑：李四）"]
    assert is_column_text(ocr) and not is_column_text(web)


@pytest.mark.parametrize("prev, nxt, blanks, joined", [
    ("会议要求，要强化资金保", "障，依法依规推进项目建设。", 1, True),  # a column break inside a word
    ("他表示，", "要把各项工作抓实抓细。", 0, True),
    ("甲县召开春耕生产推进会", "3月2日，甲县召开春耕生产推进会。", 1, False),  # a headline
    ("蓝某当选市人大常委会主任，金某当选市长", "1月16日，市人大会议举行第三次全体会议。", 2, False),
    ("二、举报方式", "举报人可通过书信、电话等方式进行举报。", 1, False),
    ("会议强调，要抓好落实。", "会议要求，各级各部门要强化担当。", 0, False),
])
def test_line_pages_join_only_broken_sentences(prev, nxt, blanks, joined):
    assert continues_across_break(prev, nxt, blanks) is joined


def test_furniture_between_lines_stops_a_join():
    page = "会议要求，要强化资金保\n\n发布时间：2024-03-02\n\n障，依法依规推进项目建设。\n"
    layout = layout_page(page)
    assert [p.text for p in layout.paragraphs] == ["会议要求，要强化资金保", "障，依法依规推进项目建设。"]
    assert [e.type for e in layout.elements] == ["meta"]


def test_a_credit_after_the_last_sentence_ends_it():
    assert ends_sentence("…对票决结果进行了确认。（李某 赵某）")
    assert not ends_sentence("…进行了确认（李某")


# --- paragraph roles -------------------------------------------------------------------------


@pytest.mark.parametrize("text, caption, credit", [
    ("发放慰问品。王一 摄", "发放慰问品。", "王一 摄"),
    ("图说考察团与我市座谈交流现场。 记者 赵二 摄", "图说考察团与我市座谈交流现场。", "记者 赵二 摄"),
    ("资料图：公园秋景 钱三/摄", "资料图：公园秋景", "钱三/摄"),
    ("市长在会上讲话。本报记者 孙四摄", "市长在会上讲话。", "本报记者 孙四摄"),
])
def test_captions_with_their_credit(text, caption, credit):
    assert split_glued_credit(text) == (caption, credit)
    assert is_caption(text)


def test_caption_marks_and_scene_labels():
    assert is_caption("▲开幕式现场") and is_caption("图为：群众在广场参加活动")
    assert is_scene_caption("大会闭幕现场") and is_scene_caption("会议现场一角")
    assert not is_scene_caption("甲县召开现场推进会，部署春耕。")
    assert split_glued_credit("本报记者 刘勇摄") is None  # a credit alone closes a photo item instead
    assert not is_caption("他们在现场拍摄了整个过程。")


@pytest.mark.parametrize("text, expected", [
    ("甲县召开春耕生产推进会3月5日，甲县召开春耕生产推进会。会议要求抓好春耕。",
     ("甲县召开春耕生产推进会", "3月5日，")),
    ("晋中文旅：打造康养新名片晋中市文旅局近日推出系列康养旅游线路，受到游客欢迎。",
     ("晋中文旅：打造康养新名片", "晋中市文旅局")),
    ("某集团：党建引领 建好“致富路”围绕“质量提升年”这一主题，集团党委扎实推进各项工作。",
     ("某集团：党建引领 建好“致富路”", "围绕")),
    ("节后上班第一天的2月11日一大早，市长主持召开碰头会，安排部署工作。", None),  # prose
    ("本报讯 3月5日，甲县召开春耕生产推进会。会议要求抓好春耕生产。", None),  # a lead
    ("甲县召开春耕生产推进会", None),  # a headline alone
])
def test_run_in_headlines(text, expected):
    got = split_run_in_headline(text)
    if expected is None:
        assert got is None
    else:
        assert got is not None and got[0] == expected[0] and got[1].startswith(expected[1])


@pytest.mark.parametrize("text, expected", [
    ("12日，县委召开常委会。", True),
    ("9月3日，全县秋收工作会召开。", True),
    ("◆9月23日，我县召开调度会。", True),
    ("2月5日天气预报：晴，气温4~-10度。", True),
    ("人民网太原3月2日电 记者从省统计局获悉…", True),
    ("3月5日上午，会议召开。", True),
    ("会议于3月5日召开。", False),
    ("2024年是关键之年。", False),
])
def test_paragraphs_opening_with_their_own_date(text, expected):
    assert opens_with_date(text) is expected


@pytest.mark.parametrize("text, lead", [
    ("临汾新闻网讯(记者 张三) 3月29日下午，…", True),
    ("新华社太原3月2日电（记者 李四）…", True),
    ("山西日报客户端6月4日消息，省人大常委会会议召开。", True),
    ("长治日报讯 3月2日，…", True),
    ("会议指出，要抓好落实。", False),
])
def test_leads_of_other_outlets(text, lead):
    assert is_lead(text) is lead


def test_bylines_authors_and_sources():
    assert is_byline("记者 王一 李二") and is_byline("文/张三") and is_byline("（文/张三）")
    assert is_author_line("某县县委书记 崔某某") and is_byline("某县县委书记 崔某某")
    assert not is_author_line("某县召开会议 部署工作")
    assert is_paren_source("（泽州县融媒体中心）") and is_paren_source("（市委党史研究室供稿）")
    assert not is_paren_source("（李茜 赵素宾）")
    assert is_source_line("大同晚报  2026-01-23") and closes_item("黄河新闻网大同频道2025-02-12")
    assert is_source_line("来源：平鲁报") and not closes_item("来源：平鲁报")
    assert is_original_title("（原题为：《某某会议召开》）") and is_original_title("原标题：某某会议召开")


def test_trailing_credits_but_not_editorial_notes():
    assert split_trailing_credit("…进行了确认。（李茜 赵素宾）") == ("…进行了确认。", "李茜 赵素宾")
    assert split_trailing_credit("…申请全额退款。（记者王天晓）") == ("…申请全额退款。", "记者王天晓")
    assert split_trailing_credit("…列为民生实事项目。（公告另发）") is None


@pytest.mark.parametrize("text, column, expected", [
    ("蓝某当选山西省人大常委会主任，金某当选山西省省长", False, True),  # one comma, two clauses
    ("会议强调，中央生态环境保护督察工作是对生态环境保护工作的一次", False, False),
    ("蓝某当选山西省人大常委会主任，金某当选山西省省长", True, False),  # on OCR pages a comma rules out
    ("大同换帅：某某任大同市委书记", False, True),  # a colon inside a headline
    ("举报时间：2026年5月底至12月底", False, False),  # a form field
    ("尧都区举行“乡音乡情话尧都，同心同德谋发展”新春茶话会", False, True),  # punctuation inside quotes
    ("“我们累计投入近40亿元开展超低排放、节能减污降碳专项改", False, False),  # an open quote
    ("01 张", False, False),  # an in-body section mark
])
def test_headline_candidates_on_web_and_ocr_pages(text, column, expected):
    assert is_headline_candidate(Paragraph(text, column=column)) is expected


def test_small_guesses():
    assert two_clause_headline("蓝某当选主任委员会，金某当选省人民政府省长") and not two_clause_headline("今年以来，各地加强")
    assert is_form_field("举报电话:0354-3039689") and is_form_field("时间：8:00") and not is_form_field("聚焦：大同两会")
    assert is_attendance_line("常书铭刘星王建忠出席 任秀红主持并讲话")
    assert is_attendance_line("罗某主持 魏某当选市人大常委会主任 张某当选市长")
    assert not is_attendance_line("冯某主持召开会议")
    assert is_headnote("（2026年1月26日某市第八届人民代表大会第六次会议第五次全体会议通过）")
    assert not is_headnote("（上接第1版）") and is_column_kicker("聚焦：两会时间")


def test_titles_lose_column_labels_and_site_suffixes():
    assert clean_title("【聚焦两会】某区人民代表大会开幕") == ("某区人民代表大会开幕", ["聚焦两会"])
    assert clean_title("某县召开春耕生产推进会_山西_黄河新闻网") == ("某县召开春耕生产推进会", [])
    assert clean_title("大同换帅：某某任大同市委书记") == ("大同换帅：某某任大同市委书记", [])


def test_in_body_headings_and_new_items():
    assert is_in_body_heading("学深悟透 筑牢根基", "政绩观是党员干部的总开关。")
    assert not is_in_body_heading("甲县召开春耕生产推进会", "3月2日，甲县召开春耕生产推进会。")
    assert not is_in_body_heading("1979年4月4日", "这一天，市委印发通知。")
    assert not is_in_body_heading("本次会议议程——", "一、听取工作报告。")
    assert is_in_body_heading("某某督导组", "2026年6月1日")  # a notice's issuer above its date


def test_data_items():
    assert is_data_item("交办信访件10件，其中重点件1件。按区域划分，甲区4件、乙县2件、丙县2件、丁市1件。")
    assert is_data_item("2月5日天气预报：晴，气温4~-10度，微风。")
    assert not is_data_item("2月3日，市血液中心发布消息：2023年，全市参加无偿献血的达11.8万人次，位列全国第三。")


# --- dates ---------------------------------------------------------------------------------


def test_dates_in_chinese_numerals_relative_days_and_report_times():
    assert arabic_dates("二〇二四年三月二十日上午") == "2024年3月20日上午"
    assert find_dateline("三月二十日，全市春耕工作会议召开。", dt.date(2024, 3, 21)) == dt.date(2024, 3, 20)
    assert resolve_relative_day("本报讯（记者 李某） 昨天下午，大会闭幕。", dt.date(2023, 3, 23)) == dt.date(2023, 3, 22)
    assert resolve_relative_day("近日，昨天的会议…", dt.date(2023, 3, 23)) is None
    assert find_dateline("北京时间3月12日，据新华社消息，当地时间10日，会议召开。", dt.date(2024, 3, 13)) == dt.date(2024, 3, 10)
    assert title_date("1985年4月4日") == dt.date(1985, 4, 4) and title_date("某县召开会议") is None


def test_feature_dated_by_its_first_dated_paragraph_and_cards_by_their_source_line():
    page = ("春潮涌动，万物生长，大地迎来两会时间。\n时间走到新的节点，历史写下新的刻度，委员们满怀豪情。\n"
            "2月26日，市政协五届三次会议开幕，全体委员出席。\n")
    art = parse_page(page, PageInfo(date=dt.date(2024, 3, 1)))[0]
    assert art.dateline == "2024-02-26"
    cards = ("某市召开离退休干部情况通报会5月6日，某市举行离退休干部情况通报会，听取意见建议。\n某某新闻网  2023-05-07\n")
    art = parse_page(cards, PageInfo(date=dt.date(2026, 1, 23)))[0]
    assert art.title == "某市召开离退休干部情况通报会" and art.dateline == "2023-05-06" and art.source


# --- glosses, reporters ---------------------------------------------------------------------------


def test_pinyin_glosses():
    assert strip_glosses("經(jīng)濟發(fā)展") == "經濟發展"
    assert blank_glosses("經(jīng)濟") == "經      濟" and len(normalize("經(jīng)濟")) == len("經(jīng)濟")
    assert plain("領(lǐng)導(dǎo)") == "领导"
    assert strip_glosses("会议（2024年）召开 (GDP)") == "会议（2024年）召开 (GDP)"  # not pinyin


def test_reporters():
    assert reporters_of(["本报讯（记者 张一 李二）3月2日，…"]) == ["张一", "李二"]
    assert reporters_of(["本报讯 记者王三报道：节后…"]) == ["王三"]
    assert reporters_of(["x", "（通讯员 王五）", "记者 赵六", "李七 周八", "本报记者 刘九摄"]) == ["王五", "赵六", "李七", "周八"]
    assert reporters_of(["x", "某县县委书记 崔某某"]) == []  # an author, not a reporter


# --- whole pages ---------------------------------------------------------------------------------


def test_a_web_article_page_with_furniture():
    page = "\n".join([
        "当前位置：首页 > 县区 > 正文", "", "某县召开春耕生产推进会", "",
        "来源：某某日报  作者：王一  发布时间：2024-03-05 09:12  浏览次数：88", "",
        "会议现场。记者 赵二 摄", "",
        "本报讯（记者 王一 通讯员 钱三）3月4日，某县召开春耕生产推进会，副县长孙四出席并讲话。",
        "会议要求，要抓好春耕备耕各项工作。", "", "（责任编辑：周五）", "晋ICP备12345678号",
    ])
    articles = parse_page(page, PageInfo(date=dt.date(2024, 3, 5)))
    assert len(articles) == 1
    art = articles[0]
    assert art.title == "某县召开春耕生产推进会"
    assert art.body.startswith("本报讯") and art.body.endswith("各项工作。")
    assert art.captions == ["会议现场。"] and art.byline == "记者 赵二 摄"
    assert art.reporters == ["王一", "钱三"] and art.source == "某某日报" and art.dateline == "2024-03-04"
    assert [e["type"] for e in art.page_elements] == ["breadcrumb", "meta", "editor", "footer"]


def test_a_round_up_of_briefs_under_a_column_label():
    page = "\n".join(["要闻简报", "◆9月23日，我县召开调度会，副县长李某到会。", "◆9月25日，副县长李某带队开展执法检查。",
                      "◆9月27日，县政协举办联谊活动，县政协副主席范某参加。"])
    result = cut_page(page)
    assert len(result.drafts) == 3 and all(not d.groups for d in result.drafts)
    assert [e.type for e in result.elements] == ["column"]
    arts = parse_page(page, PageInfo(date=dt.date(2023, 9, 28)))
    assert [a.dateline for a in arts] == ["2023-09-23", "2023-09-25", "2023-09-27"]


def test_more_small_guesses():
    from indexer.furniture import is_section_label, top_site_names
    from indexer.parse import starts_photo_item
    from indexer.roles import colon_headline

    assert colon_headline("盂县：小杂粮“种”出致富路") and not colon_headline("会议强调：要抓好落实") \
        and not colon_headline("时间：8月30日")
    assert is_attendance_line("市党政军领导杨某某 邢某某 訾某某参加")
    assert starts_photo_item(["谷雨前后，牡丹盛开。", "4月22日，在汾河公园，市民赏花。"])
    assert not starts_photo_item(["会议指出，要抓好落实。", "会议要求，各级要强化担当。"])
    assert is_section_label("地方新闻") and is_section_label("要闻") and not is_section_label("某县召开会议")
    lines = ["今日平顺", "2024年4月3日　星期三　　第1版：要闻", "地方新闻", "某县召开植树活动", "正文。"]
    assert top_site_names(lines, {1}, "今日平顺") == {0: "masthead", 2: "page_label"}
    assert find_furniture(["阳泉日报  2022年10月13日  第2版 综合新闻"])[0] == "navigation"
    assert find_furniture(["（下转第4版）"]) == {}  # a jump line belongs to its article


def test_furniture_rules_leave_a_notices_fields_and_headlines_alone():
    from indexer.furniture import top_site_names

    for line in ("报名时间：2024年3月5日 14:30", "时间：3月5日上午9时 地点：县政府三楼会议室", "会议时间：2024年3月5日",
                 "联系人：张三 联系电话：0351-1234567"):
        assert furniture_kind(line) is None, line
    assert furniture_kind("发布时间：2024-03-05") == "meta" and furniture_kind("时间:2025-04-10 浏览次数:") == "meta"
    assert furniture_kind("网络编辑 大同 2022-02-12 10:02:22 0 高质量") == "meta"
    # a headline at the top that ends in 网, or opens with the paper's name, is a headline
    assert top_site_names(["织密安全防护网", "正文。"], set()) == {}
    assert top_site_names(["晋中日报社召开青年座谈会", "正文。"], set(), "晋中日报") == {}
    assert top_site_names(["晋中日报 2025年3月1日 星期六", "正文。"], set(), "晋中日报") == {0: "masthead"}
    assert top_site_names(["文化经济", "正文。"], set()) == {}  # a section label only under a masthead


def test_rules_from_the_second_blind_pages():
    from indexer.furniture import top_site_names

    assert furniture_kind("发布日期：2023-06-20                     分类：应急管理") == "meta"
    assert furniture_kind("古交发布  2024年11月22日 19:06  山西") == "meta"
    assert furniture_kind("会议时间：2024年3月5日 14:30") is None
    lines = ["正文。", "", "推荐阅读", "某市开展冬季消防安全专项检查", "初雪里的古交，美成了一幅画！", "", "分享  收藏  点赞  在看"]
    assert find_furniture(lines) == {2: "ui", 3: "links", 4: "links", 6: "ui"}  # 推荐阅读 itself is a control
    assert top_site_names(["襄垣县人民政府", "首页 | 政务公开", "正文。"], set()) == {0: "site_header"}
    assert is_headline_candidate(Paragraph("暖气热起来 民心暖起来！我市全力保障今冬供暖"))
    assert not is_headline_candidate(Paragraph("暖气热起来！民心暖起来", column=True))
    page = "\n".join(["县域短波", "本报讯（记者 甲一）4月3日，县政府召开常务会议。", "本报讯（记者 乙二）4月6日，县里签订协议。",
                      "本报讯（记者 丙三）4月7日，县人大开展执法检查。"])
    arts = parse_page(page, PageInfo(date=dt.date(2025, 4, 8)))
    assert len(arts) == 3 and all(a.title is None for a in arts)
    assert [e["type"] for e in arts[0].page_elements] == ["column"]
