"""Places with their history (issue 16 §2): Shanxi's dated division changes since 1949, a
1998 issue in the old names tagged with today's divisions, former names searched and shown,
and region pages for former names."""

from __future__ import annotations

import csv
import re
import shutil
from html import unescape

import pytest

from conftest import SAMPLE_ARCHIVE
from indexer.build import build_index
from indexer.gazetteer import Gazetteer
from indexer.history import CHANGES, HISTORY_PATH, load_history
from search_app import create_app

DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def test_every_change_is_dated_sourced_and_resolves_to_current_divisions(gazetteer):
    with HISTORY_PATH.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == ["date", "change", "old_name", "old_level", "old_parent", "new_name", "new_level",
                      "new_parent", "successor", "successor_code", "source", "confidence", "note"]
    history = load_history()
    assert len(history) > 200
    assert [c.date for c in history] == sorted(c.date for c in history)
    for c in history:
        assert DATE.fullmatch(c.date) and 1949 <= int(c.date[:4]) <= 2026, c
        assert c.change in CHANGES and c.old_name and c.source and c.confidence in ("high", "medium", "low"), c
        assert c.successors and len(c.successors) == len(c.successor_codes), c
        for name, code in zip(c.successors, c.successor_codes, strict=True):
            current = gazetteer.by_code(code)
            assert current is not None and current.name == name and current.is_shanxi, (c, name, code)
    # every name that ended resolves to a current division, or its page says where it went
    for c in history:
        if c.ends_name and c.old_name not in {d.name for d in gazetteer.divisions}:
            found = gazetteer.resolve_place(c.old_name)
            assert (found is not None and found[0].name in c.successors) or len(c.successor_codes) > 1, c


@pytest.mark.parametrize("former, now", [("榆次市", "榆次区"), ("晋中地区", "晋中市"), ("太谷县", "太谷区"),
                                         ("忻县地区", "忻州市"), ("长治县", "上党区"), ("大同县", "云州区")])
def test_former_names_resolve_to_todays_division(gazetteer, former, now):
    found = gazetteer.resolve_place(former)
    assert found is not None and found[0].name == now


PAGE_1998 = """# 榆次市召开春耕生产动员会

本报讯（记者 张建华）5月11日，榆次市召开春耕生产动员会，部署全市春耕生产工作。晋中地区行署有关负责人出席会议并讲话。

会议要求，各乡镇要抓好良种调运和农资供应，确保不误农时。太谷县、祁县也相继召开会议，安排春耕备耕工作。
"""


PAGE_1995 = """# 忻州市举行经贸洽谈会

本报讯（记者 李文明）3月7日，忻州市在市区举行1995年经贸洽谈会，签约项目二十余个。临汾市、原平县的客商也参加了洽谈。
"""


@pytest.fixture(scope="module")
def old_issue(tmp_path_factory, gazetteer):
    """The sample archive plus a 1998 issue printed in the old place names."""
    root = tmp_path_factory.mktemp("history")
    archive, index = root / "archive", root / "index"
    shutil.copytree(SAMPLE_ARCHIVE, archive)
    page = archive / "jinzhong-daily" / "1998-05-12" / "01.txt"
    page.parent.mkdir()
    page.write_text(PAGE_1998, encoding="utf-8")
    for date, text in (("1995-03-08", PAGE_1995), ("2010-03-08", PAGE_1995.replace("1995", "2010"))):
        other = archive / "jinzhong-daily" / date / "01.txt"
        other.parent.mkdir()
        other.write_text(text, encoding="utf-8")
    build_index(archive, index, gazetteer=gazetteer)
    return create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()


def _old_article(client) -> dict:
    found = client.get("/api/search?q=春耕生产动员会").get_json()["results"]
    article = next(r for r in found if r["date"] == "1998-05-12")
    return client.get(f"/api/articles/{article['id']}").get_json()


def test_a_1998_article_is_tagged_with_todays_divisions(old_issue):
    doc = _old_article(old_issue)
    assert {"榆次区", "太谷区", "晋中市"} <= set(doc["regions"])
    page = old_issue.get(f"/article/{doc['id']}").get_data(as_text=True)
    assert "榆次市（今榆次区）" in page and "太谷县（今太谷区）" in page
    facet = old_issue.get("/api/search?q=春耕&region=晋中市").get_json()["facets"]["region"]
    assert any(v["value"] == "榆次区" and v["count"] >= 1 for v in facet)


def test_a_former_name_searches_the_current_one_and_says_so(old_issue):
    data = old_issue.get("/api/search?q=太谷县").get_json()
    assert {"typed": "太谷县", "also": ["太谷区"], "why": "今名"} in data["expansions"]
    dates = {r["date"] for r in data["results"]}
    assert "1998-05-12" in dates and len(dates) > 1, "the 1998 article and today's 太谷区 articles"
    page = old_issue.get("/?q=太谷县").get_data(as_text=True)
    assert "同时检索：" in page and "太谷区</mark>（太谷县的今名）" in page
    assert "<mark>太谷区</mark>" in page, "the variant that matched is highlighted"


def test_the_current_name_finds_the_former_one_and_says_so(old_issue):
    data = old_issue.get("/api/search?q=榆次区").get_json()
    assert any(e["why"] == "旧称" and "榆次市" in e["also"] for e in data["expansions"])
    old = [r for r in data["results"] if r["date"] == "1998-05-12"]
    assert old and "<mark>榆次市</mark>" in old[0]["snippet"]
    # the region tag matches too (an article may say only 我区): said as well
    assert {"typed": "榆次区", "also": ["榆次区"], "why": "地区标注"} in data["expansions"]
    assert "标注为“榆次区”的文章" in old_issue.get("/?q=榆次区").get_data(as_text=True)


def test_region_pages_for_former_names(old_issue):
    page = old_issue.get("/region/榆次市")
    assert page.status_code == 200
    html = unescape(page.get_data(as_text=True))
    assert "“榆次市”是旧称，今为榆次区。" in html and "名称沿革" in html
    assert re.search(r"<td>1999[-0-9]*</td><td>改设</td><td>榆次市", html)
    assert old_issue.get("/region/太谷县").status_code == 200
    gone = unescape(old_issue.get("/region/雁北地区").get_data(as_text=True))
    assert "已不存在的行政区划" in gone and "大同市" in gone and "朔州市" in gone
    assert old_issue.get("/region/没有这个县").status_code == 404


def test_a_gazetteer_without_history_still_loads(tmp_path):
    """Another table (tests, other provinces) loads without Shanxi's history."""
    path = tmp_path / "t.csv"
    path.write_text("code,name,level,kind,parent_code,parent_name,short_name,short_name_ambiguous,former_names,"
                    "in_nbs_2022,province\n140000,山西省,province,province,,,山西,,,,山西省\n", encoding="utf-8")
    g = Gazetteer.load(path)
    assert g.history == [] and g.get("山西省") is not None


def test_a_reused_name_is_read_as_of_the_articles_date(old_issue, gazetteer):
    """忻州市 and 临汾市 were county-level cities (today 忻府区, 尧都区) until 2000: a 1995
    article naming them is tagged with those; the same text in 2010 names the prefectures."""
    assert gazetteer.meant_on("忻州市", "1995-03-08").name == "忻府区"
    assert gazetteer.meant_on("忻州市", "2010-03-08") is None
    found = {r["date"]: r for r in old_issue.get("/api/search?q=经贸洽谈会").get_json()["results"]}
    then = old_issue.get(f"/api/articles/{found['1995-03-08']['id']}").get_json()
    later = old_issue.get(f"/api/articles/{found['2010-03-08']['id']}").get_json()
    assert {"忻府区", "尧都区"} <= set(then["regions"]) and "忻州市" not in then["regions"]
    assert {"忻州市", "临汾市"} <= set(later["regions"]) and "忻府区" not in later["regions"]
    page = old_issue.get(f"/article/{then['id']}").get_data(as_text=True)
    assert "忻州市（今忻府区）" in page
