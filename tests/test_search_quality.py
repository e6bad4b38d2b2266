"""Issue 5: what readers type is found, ranked by what they mean, and highlighted whole."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, examples
from helpers import ids_containing
from search_app.evaluation import flask_search, load_queries, run_all, summarize
from search_app.highlight import highlight_all
from search_app.query import parse_query

QUERIES = REPO / "tests" / "data" / "search_queries.json"


# nDCG@10 achieved on the judged queries (jinbao eval search, issue 14) minus a margin of 0.005:
# a floor far below what is achieved measures nothing (all ranking signals off still score 0.971)
ACHIEVED = {"all": 0.983, "official": 0.993, "topic": 0.986, "place": 0.998, "filter": 0.998, "traditional": 0.885,
            "substring": 1.0, "phrase": 0.932, "number": 1.0, "nothing": 1.0}
MARGIN = 0.005


def judged_summary(client, all_articles):
    judged = load_queries(QUERIES)
    assert len(judged) >= 30
    assert {q["kind"] for q in judged} >= set(ACHIEVED) - {"all"}
    return summarize(run_all(judged, flask_search(client), all_articles))


def test_judged_queries_meet_the_floors(client, all_articles):
    summary = judged_summary(client, all_articles)
    overall = summary["all"]
    assert overall.errors == 0 and overall.excluded == 0
    assert overall.recall == 1.0
    for kind, s in summary.items():
        assert s.ndcg >= ACHIEVED[kind] - MARGIN, (kind, s.ndcg)


def test_the_floors_measure_ranking(client, all_articles, monkeypatch):
    """Ablation: without the ranking signals (headline/lead, adjacency, official and place tags)
    the judged queries fall below the floors, overall and for the kinds the signals serve."""
    import search_app.query as query

    app = client.application
    app.extensions["jinbao_engine"].results.clear()
    for name in ("LEAD_BOOST", "ADJACENCY_BOOST", "OFFICIAL_BOOST", "REGION_BOOST"):
        monkeypatch.setattr(query, name, 0.0)
    summary = judged_summary(client, all_articles)
    assert summary["all"].ndcg < ACHIEVED["all"] - MARGIN
    for kind in ("official", "place", "phrase"):
        assert summary[kind].ndcg < ACHIEVED[kind] - MARGIN, kind
    app.extensions["jinbao_engine"].results.clear()


DEV_QUERIES = REPO / "tests" / "data" / "devpages_queries.json"
# nDCG@10 on the judged queries over the development pages (issue 17, jinbao eval search
# --pages tests/data/devpages), measured when the issue ended; the issue's floors are 0.95
# overall and 0.90 per kind, and every floor here is the higher of those and achieved - MARGIN
DEV_ACHIEVED = {"all": 0.968, "topic": 0.990, "abbreviation": 0.907, "single": 0.923, "pinyin": 0.986,
                "traditional": 1.0, "filter": 0.993, "official": 0.912, "place": 1.0, "phrase": 1.0, "nothing": 1.0}
ISSUE_FLOORS = {"all": 0.95}


def test_judged_queries_over_other_papers_meet_the_floors(dev_client, dev_articles):
    judged = load_queries(DEV_QUERIES)
    assert len(judged) >= 40
    summary = summarize(run_all(judged, flask_search(dev_client), dev_articles))
    assert set(summary) == set(DEV_ACHIEVED)
    overall = summary["all"]
    assert overall.errors == 0 and overall.excluded == 0
    assert overall.recall == 1.0  # every must-find article is listed
    for kind, s in summary.items():
        floor = max(ISSUE_FLOORS.get(kind, 0.90), DEV_ACHIEVED[kind] - MARGIN)
        assert s.ndcg >= floor, (kind, s.ndcg, floor)


def _han_runs(doc: dict) -> list[str]:
    text = "".join([doc.get("title") or "", *doc.get("subtitles", []), doc["body"], *doc.get("fragments", [])])
    return [r for r in re.findall(r"[\u4e00-\u9fff]+", re.sub(r"\s+", "", text)) if len(r) >= 2]


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_substring_finds_its_article(client, all_articles, data):
    doc = data.draw(st.sampled_from(all_articles))
    run = data.draw(st.sampled_from(_han_runs(doc)))
    start = data.draw(st.integers(0, len(run) - 2))
    length = data.draw(st.integers(2, min(8, len(run) - start)))
    needle = run[start:start + length]
    quoted = data.draw(st.booleans())
    q = f'"{needle}"' if quoted else needle
    # narrow to the article's issue so the check does not depend on page size
    resp = client.get("/api/search", query_string={"q": q, "paper": doc["paper"], "from": doc["date"],
                                                     "to": doc["date"], "per_page": 100})
    assert resp.status_code == 200
    assert doc["id"] in {r["id"] for r in resp.get_json()["results"]}, q


def test_traditional_fullwidth_and_case_are_normalised(client, all_articles):
    simplified = {r["id"] for r in client.get("/api/search?q=环境保护&per_page=100").get_json()["results"]}
    traditional = client.get("/api/search?q=環境保護&per_page=100").get_json()
    assert simplified == {r["id"] for r in traditional["results"]} == ids_containing(all_articles, "环境保护")
    assert "<mark>环境保护</mark>" in "".join(r["snippet"] + r["title_html"] for r in traditional["results"])
    expected = ids_containing(all_articles, "4A级景区")
    for q in ("４Ａ级景区", "4a级景区", "４ａ級景區"):
        assert {r["id"] for r in client.get("/api/search", query_string={"q": q}).get_json()["results"]} == expected


def test_highlights_mark_whole_strings():
    strings = parse_query("中华人民共和国").highlight_strings()
    assert highlight_all("人民日报报道，中华人民共和国成立", strings) == "人民日报报道，<mark>中华人民共和国</mark>成立"
    assert highlight_all("马克思如此写道，马克说", parse_query("马克思").highlight_strings()) == \
        "<mark>马克思</mark>如此写道，马克说"
    assert highlight_all("<b>刘星</b>", ["刘星"]) == "&lt;b&gt;<mark>刘星</mark>&lt;/b&gt;"


def test_query_understanding_is_shown(client):
    data = client.get("/api/search", query_string={"q": '生态环境保护督察整改 "正确政绩观" -太谷 标题:政绩'}).get_json()
    assert data["tokens"][0].count("/") >= 2  # the chunk is shown as its words
    assert "“正确政绩观”" in data["tokens"] and "-太谷" in data["tokens"] and "标题:政绩" in data["tokens"]
    html = client.get("/?q=刘星").get_data(as_text=True)
    assert "检索语法" in html and "检索词切分为" in html


def test_about_ranks_above_passing_mention(client):
    # 和顺县 opens the photo caption of 山居入画; the 交办 list names 和顺县 once among twelve counties
    results = client.get("/api/search", query_string={"q": "和顺"}).get_json()["results"]
    assert results[0]["title"] == "山居入画 文旅生金"
    # a short place name finds the full name's article first (榆次 -> 榆次区), not a school named after it
    results = client.get("/api/search", query_string={"q": "榆次"}).get_json()["results"]
    assert results[0]["title"] == "蔷薇盛放 绿意盎然"


def test_ties_are_broken_by_date(client):
    results = client.get("/api/search", query_string={"q": "", "paper": "jinzhong-daily", "per_page": 100}).get_json()
    dates = [r["date"] for r in results["results"]]
    assert len(set(dates)) >= 3 and dates == sorted(dates, reverse=True)


def test_zero_results_suggest_what_to_try(client):
    data = client.get("/api/search", query_string={"q": "刘星", "paper": "luzhou"}).get_json()
    assert data["total"] == 0
    assert data["suggestions"][0]["q"] == "刘星" and data["suggestions"][0]["count"] >= 4
    near = client.get("/api/search", query_string={"q": "刘新"}).get_json()["suggestions"]
    assert "刘星" in {s["q"] for s in near}
    html = client.get("/?q=刘新").get_data(as_text=True)
    assert "没有找到" in html and "您是否要找：刘星" in html


def test_eval_search_command_with_baseline(tmp_path):
    from click.testing import CliRunner

    from indexer.cli import main

    queries = tmp_path / "q.json"
    queries.write_text('{"queries": [{"kind": "phrase", "q": "\\"正确政绩观\\"", "judgments": '
                       '[{"anchor": "树牢正确政绩观从走好第一步开始", "grade": 3}]}]}', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "search", str(queries), "--baseline"])
    assert result.exit_code == 0, result.output
    tables = [line for line in result.output.splitlines() if line.startswith("| **all**")]
    assert len(tables) == 2
    assert tables[0].split("|")[4].strip().startswith("1.000")  # jinbao finds the phrase


def test_exact_strings_are_verified_not_just_bigrams(client, all_articles):
    # an article has every bigram of 政绩观念 (政绩, 绩观, 观念) but never prints the string
    from indexer.analysis import bigrams_of
    from helpers import article_text

    needle = "政绩观念"
    grams = bigrams_of(needle)
    have_grams = {d["id"] for d in all_articles if all(g in article_text(d) for g in grams)}
    have_string = ids_containing(all_articles, needle)
    assert have_grams - have_string, "the sample needs an article with the bigrams but not the string"
    found = {r["id"] for r in client.get("/api/search", query_string={"q": f'"{needle}"', "per_page": 100})
             .get_json()["results"]}
    assert found == have_string
