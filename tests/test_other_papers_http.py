"""Issue 12 through the real path: the development pages as an archive of other papers
(parse -> index -> HTTP). What a reader sees: no pseudo-articles made of page furniture,
session officials in the official facet, reporters on the article and in the exports, the
page's furniture shown apart from the text, and simplified queries finding traditional
mirrors whose words carry pinyin glosses."""

from __future__ import annotations

import csv
import io
import json
import re


def search(client, **params) -> dict:
    resp = client.get("/api/search", query_string={"per_page": 100, **params})
    assert resp.status_code == 200, resp.data
    return resp.get_json()


def test_no_result_is_made_of_page_furniture(dev_client):
    for q in ("当前位置", "上一版", "浏览次数", "ICP备", "查看精彩图片", "发布时间"):
        assert search(dev_client, q=f'"{q}"')["total"] == 0, q


def test_session_officials_are_in_the_official_facet(dev_client):
    data = search(dev_client, q="大会执行主席")
    leaders = {f["value"] for f in data["facets"]["leader"]}
    assert {"卢东亮", "丁国华", "姚锦"} <= leaders, leaders  # each executive chair of two 大同 sessions
    # every 大会执行主席 of the 杏花岭 report can be filtered by
    for name in ("侯森", "牛补忠", "齐明非"):
        hit = search(dev_client, leader=name)
        assert hit["total"] == 1 and hit["results"][0]["title"].startswith("太原市杏花岭区"), name


def test_reporters_on_the_article_page_and_in_the_exports(dev_client):
    data = search(dev_client, q='"第四十六次会议召开第一次全体会议"')
    assert data["total"] == 1
    art = dev_client.get(data["results"][0]["url"].replace("/article/", "/api/articles/")).get_json()
    assert art["reporters"] == ["刘小宇"] and "刘小宇" not in art["leaders"]
    page = dev_client.get(data["results"][0]["url"]).get_data(as_text=True)
    assert "记者：刘小宇" in page
    exported = dev_client.get("/export.csv", query_string={"q": '"第四十六次会议召开第一次全体会议"'}).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    assert rows[0][-1] == "reporters" and rows[1][-1] == "刘小宇"
    as_json = json.loads(dev_client.get("/export.json", query_string={"q": '"第四十六次会议召开第一次全体会议"'}).data)
    assert as_json["articles"][0]["reporters"] == ["刘小宇"]


def test_page_furniture_is_shown_apart_from_the_text(dev_client):
    data = search(dev_client, q='"忻州市被正式命名"')
    page = dev_client.get(data["results"][0]["url"]).get_data(as_text=True)
    details = re.search(r'<details class="page-elements">(.*?)</details>', page, re.S)
    assert details and "当前位置" in details.group(1) and "发布时间" in details.group(1)
    body = re.search(r'<div class="body">(.*?)</div>', page, re.S).group(1)
    assert "当前位置" not in body and "发布时间" not in body
    assert '<span class="label">图片说明</span> 资料图：人民公园秋景' in page  # the caption, apart from the text


def test_simplified_query_finds_a_glossed_traditional_mirror(dev_client):
    data = search(dev_client, q="高质量发展", paper="yuncheng-daily-mirror")
    assert data["total"] == 1
    snippet = data["results"][0]["snippet"]
    assert re.search(r"<mark>[^<]*發\(fā\)展</mark>", snippet), snippet  # the printed word, gloss and all
    hit = search(dev_client, q="新闻发布会", paper="linfen-news-mirror")
    assert hit["total"] == 1 and "<mark>" in hit["results"][0]["title_html"]


def test_round_up_briefs_are_separate_results(dev_client):
    data = search(dev_client, paper="zhangzi-county-paper")
    assert data["total"] == 6
    stored = [dev_client.get(f"/api/articles/{r['id']}").get_json() for r in data["results"]]
    assert all(a["title"] is None and a["body"].startswith("◆") for a in stored)  # 要闻简报 is no brief's title
    assert {r["leaders"][0] for r in data["results"] if r["leaders"]} >= {"李晋平", "范建宏"}
