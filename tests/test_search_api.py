"""Search through the real HTTP API on the indexed sample archive."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest

from helpers import article_text, ids_containing


def search(client, **params):
    resp = client.get("/api/search", query_string=params)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def all_ids(client, **params) -> set[str]:
    data = search(client, per_page=100, **params)
    assert data["total"] <= 100
    return {r["id"] for r in data["results"]}


def test_response_shape(client):
    data = search(client, q="刘星")
    assert set(data) >= {"total", "page", "per_page", "took_ms", "tokens", "results", "facets"}
    assert set(data["facets"]) == {"region", "leader", "paper", "year"}
    r = data["results"][0]
    assert set(r) >= {"id", "title", "paper", "paper_name", "date", "page", "regions", "leaders", "snippet", "url"}
    assert r["url"] == f"/article/{r['id']}"


def test_name_query_finds_every_article_that_names_him(client, all_articles):
    expected = ids_containing(all_articles, "刘星")
    assert len(expected) >= 4  # he chairs meetings on several sample pages
    assert all_ids(client, q="刘星") == expected


def test_name_query_ranks_and_highlights(client):
    data = search(client, q="刘星")
    for r in data["results"]:
        assert "<mark>刘星</mark>" in r["title_html"] + "".join(r["subtitles_html"]) + r["snippet"]
    # the articles that print his title (市委书记、市长刘星 …) carry him as an official
    assert sum("刘星" in r["leaders"] for r in data["results"]) >= 3


def test_phrase_query_is_exact(client, all_articles):
    expected = ids_containing(all_articles, "正确政绩观")
    assert len(expected) >= 3
    data = search(client, q='"正确政绩观"', per_page=50)
    assert {r["id"] for r in data["results"]} == expected
    for r in data["results"]:
        shown = r["title_html"] + "".join(r["subtitles_html"]) + r["snippet"]
        assert "<mark>正确政绩观</mark>" in shown


def test_phrase_does_not_match_scattered_words(client, all_articles):
    # both words occur on the sample pages, but never as this exact string
    assert not ids_containing(all_articles, "政绩观刘星")
    assert search(client, q='"政绩观刘星"')["total"] == 0


def test_exact_string_recall_when_jieba_segments_differently(client, all_articles):
    # plain jieba segments "区长魏振东作具体安排" as 魏振东作 / 具体安排, so a word index alone misses 魏振东
    import jieba

    plain = jieba.Tokenizer()
    assert "魏振东" not in plain.lcut("区长魏振东作具体安排")
    expected = ids_containing(all_articles, "魏振东")
    assert expected
    assert all_ids(client, q="魏振东") == expected
    # strings that straddle word boundaries are found too
    assert all_ids(client, q="振东作具") == ids_containing(all_articles, "振东作具")


def test_register_names_segment_whole_at_query_time(client):
    from indexer import segment

    assert "魏振东" in segment.current().cut("区长魏振东作具体安排")
    assert "王帮富" in segment.current().cut("副市长王帮富参加会议")
    assert search(client, q="魏振东")["tokens"] == ["魏振东"]


@pytest.mark.parametrize("needle", ["尚太锂电", "60亿元", "第十一批", "帮富参加", "锂电池负极材料"])
def test_substrings_find_their_articles(client, all_articles, needle):
    expected = ids_containing(all_articles, needle)
    assert expected, needle
    assert expected <= all_ids(client, q=needle)


def test_region_filter_with_query(client, all_articles):
    data = search(client, q="生态环境", region="榆次区", per_page=50)
    assert data["total"] >= 1
    for r in data["results"]:
        assert "榆次区" in r["regions"]
    expected = {d["id"] for d in all_articles if "榆次区" in d["regions"] and "生态环境" in article_text(d)}
    assert {r["id"] for r in data["results"]} == expected


def test_region_filter_is_hierarchical(client, all_articles):
    county_ids = all_ids(client, region="榆次区")
    city_ids = all_ids(client, region="晋中市")
    assert county_ids and county_ids <= city_ids


def test_facet_counts_cover_all_matches(client):
    data = search(client, q="生态", per_page=1)
    assert data["total"] > 1 and len(data["results"]) == 1
    assert sum(v["count"] for v in data["facets"]["paper"]) == data["total"]
    assert sum(v["count"] for v in data["facets"]["year"]) == data["total"]
    # each region facet count equals the number of hits when filtering by it
    for v in data["facets"]["region"][:5]:
        assert search(client, q="生态", region=v["value"])["total"] == v["count"]


def test_leader_filter_and_facet(client):
    data = search(client, leader="刘星", per_page=100)
    assert data["total"] >= 1
    assert all("刘星" in r["leaders"] for r in data["results"])
    selected = [v for v in data["facets"]["leader"] if v["value"] == "刘星"]
    assert selected and selected[0]["selected"] and selected[0]["count"] == data["total"]


def test_empty_query_with_filter_lists_newest_first(client):
    data = search(client, paper="jinzhong-daily", per_page=100)
    dates = [r["date"] for r in data["results"]]
    assert len(set(dates)) >= 3 and dates == sorted(dates, reverse=True)  # an order over several issues
    assert {r["paper"] for r in data["results"]} == {"jinzhong-daily"}


def test_date_range_filter(client):
    data = search(client, **{"from": "2026-01-01", "to": "2026-12-31"}, per_page=100)
    assert data["total"] > 0
    assert all(r["date"].startswith("2026") for r in data["results"])


def test_sort_oldest(client):
    data = search(client, q="会议", sort="oldest", per_page=100)
    dates = [r["date"] for r in data["results"]]
    assert dates == sorted(dates)


def test_pagination_is_consistent(client):
    whole = search(client, q="发展", per_page=100)
    pages = []
    for p in range(1, 4):
        pages += [r["id"] for r in search(client, q="发展", per_page=5, page=p)["results"]]
    assert pages == [r["id"] for r in whole["results"]][:15]


def test_exclusion_and_or(client, all_articles):
    a = ids_containing(all_articles, "太谷")
    b = ids_containing(all_articles, "祁县")
    assert all_ids(client, q="太谷 OR 祁县") == a | b
    assert all_ids(client, q="刘星 -太谷") == ids_containing(all_articles, "刘星") - a


def test_title_only_search(client, all_articles):
    expected = {d["id"] for d in all_articles if "政绩" in (d.get("title") or "") + "".join(d.get("subtitles", []))}
    assert expected
    assert all_ids(client, q="标题:政绩") == expected


@pytest.mark.parametrize("params, name", [
    ({"from": "2025-13-45"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"per_page": "10000"}, "per_page"),
    ({"page": "-1"}, "page"),
    ({"page": "0"}, "page"),
    ({"sort": "random"}, "sort"),
    ({"from": "2026-02-01", "to": "2026-01-01"}, "from"),
    ({"q": "字" * 500}, None),
])
def test_bad_parameters_are_400_with_message(client, params, name):
    resp = client.get("/api/search", query_string=params)
    assert resp.status_code == 400
    message = resp.get_json()["error"]
    assert message
    if name:
        assert name in message
        # the field as the search form labels it, too
        label = {"from": "起", "to": "止", "sort": "排序", "page": "页码", "per_page": "每页篇数"}[name]
        assert message.startswith(f"{label}（参数 {name}）无效")
    html = client.get("/", query_string=params)
    assert html.status_code == 400


def test_raw_whoosh_syntax_is_plain_text(client):
    for q in ["title:*", "a* OR b?", "body:[a TO z]", "刘星~2", "(((", '"', "AND OR NOT"]:
        resp = client.get("/api/search", query_string={"q": q})
        assert resp.status_code == 200, q


def test_article_api_and_page(client):
    data = search(client, q="王帮富")
    assert data["total"] >= 1
    art_id = data["results"][0]["id"]
    doc = client.get(f"/api/articles/{art_id}").get_json()
    assert "王帮富" in doc["body"]  # the OCR line break inside the name is joined
    assert set(doc) >= {"id", "paper", "paper_name", "date", "dateline", "page", "title", "subtitles", "body",
                        "regions", "leaders", "leader_titles"}
    page = client.get(f"/article/{art_id}?q=王帮富")
    assert page.status_code == 200
    assert "<mark>王帮富</mark>" in page.get_data(as_text=True)


def test_unknown_article_is_404(client):
    assert client.get("/api/articles/nope-2025-01-01-01-01").status_code == 404
    assert client.get("/article/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get("/article/nope-2025-01-01-01-01").status_code == 404


def test_search_page_renders_results_and_facets(client):
    resp = client.get("/?q=刘星")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "<mark>刘星</mark>" in html
    assert "检索词切分为" in html
    assert 'href="/?q=%E5%88%98%E6%98%9F&amp;region=' in html  # facet links narrow the search


def test_zero_results_says_so(client):
    html = client.get("/?q=量子计算机").get_data(as_text=True)
    assert "没有找到" in html


def test_total_and_facets_cover_matches_beyond_the_ranked_candidates(app, client, monkeypatch, all_articles):
    """Ranking looks at the top candidates only; the count and the facets must not."""
    import search_app.engine as engine_module
    from search_app.cache import ResultCache

    monkeypatch.setattr(engine_module, "RERANK_DEPTH", 1)
    monkeypatch.setattr(app.extensions["jinbao_engine"], "results", ResultCache(0))  # search for real
    expected = ids_containing(all_articles, "发展")
    assert len(expected) > 5
    data = search(client, q="发展", per_page=1)
    assert data["total"] == len(expected)
    assert sum(v["count"] for v in data["facets"]["paper"]) == len(expected)


def test_text_outside_the_body_is_searchable_exactly(client, all_articles):
    """A string printed only in an article's fragment (a piece printed elsewhere on the page), its
    signature or a caption finds the article, quoted or not."""
    import re as _re

    checked = 0
    for doc in all_articles:
        for part in [*doc.get("fragments", []), doc.get("signature") or "", *doc.get("captions", [])]:
            body = _re.sub(r"\s+", "", doc["body"] + (doc.get("title") or ""))
            windows = [run[i:i + 6] for run in _re.findall(r"[\u4e00-\u9fff]{6,}", part)
                       for i in range(len(run) - 5) if run[i:i + 6] not in body]
            if not windows:
                continue
            needle = windows[0]
            for q in (needle, f'"{needle}"'):
                found = search(client, q=q, paper=doc["paper"], per_page=100)
                assert doc["id"] in {r["id"] for r in found["results"]}, (q, doc["id"])
            checked += 1
    assert checked >= 1  # the fragment of 001 (003's signature repeats its body)


def test_back_to_search_keeps_the_filters_and_the_page(client):
    """An article opened from page 2 of a filtered search: its "返回检索" leads back there."""
    query = {"q": "晋中", "region": "晋中市", "sort": "newest", "per_page": "2", "page": "2"}
    page = client.get("/", query_string=query).get_data(as_text=True)
    link = unescape(re.search(r'<li class="hit">\s*<h3><a href="([^"]+)"', page).group(1))
    assert link.startswith("/article/")
    carried = dict(parse_qsl(urlsplit(link).query))
    assert carried == query
    article = client.get(link).get_data(as_text=True)
    back = unescape(re.search(r'<a href="([^"]*)">返回检索</a>', article).group(1))
    assert dict(parse_qsl(urlsplit(back).query)) == query
    again = client.get(back).get_data(as_text=True)
    assert link in unescape(again), "the same page of the same search"
    # a bad page number in an article link is not an error: back to the first page
    odd = client.get(urlsplit(link).path + "?q=晋中&page=abc")
    assert odd.status_code == 200
    assert re.search(r'<a href="/\?q=%E6%99%8B%E4%B8%AD">返回检索</a>', odd.get_data(as_text=True))


def test_an_empty_query_is_labelled_newest_first(client):
    page = client.get("/", query_string={"region": "晋中市"}).get_data(as_text=True)
    assert '<strong aria-current="true">最新</strong>' in page
    ranked = client.get("/", query_string={"q": "生态环境"}).get_data(as_text=True)
    assert '<strong aria-current="true">相关度</strong>' in ranked
