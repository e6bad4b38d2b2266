"""What the engine keeps between requests must never change an answer.

Pooled searchers and cached answers must show a re-index at the next request; in-memory
field lengths must score exactly as Whoosh's BM25F; selected facet values must be counted
over the words' matches and the other filters, exactly as if each were searched on its own.
"""

from __future__ import annotations

import json

import pytest
from whoosh import scoring

from conftest import copy_archive
from indexer.build import build_index
from search_app import create_app
from search_app.engine import SearchParams
from search_app.query import parse_query, to_whoosh

QUERIES = ["榆次", "刘星", "生态环境", "和顺 OR 平遥", '"高质量发展"', "督察 -信访", "林武"]


def scores(engine, searcher, q: str) -> dict[str, float]:
    hits = searcher.search(to_whoosh(parse_query(q), engine.hints()), limit=None)
    return {json.loads(h["doc"])["id"]: h.score for h in hits}


def assert_same_scores(engine) -> None:
    with engine.ix.searcher(weighting=scoring.BM25F()) as plain, engine.searcher() as cached:
        assert type(cached.weighting).__name__ == "CachedLengthBM25F"
        for q in QUERIES:
            expected, got = scores(engine, plain, q), scores(engine, cached, q)
            assert expected, q
            assert got.keys() == expected.keys(), q
            for doc_id, score in expected.items():
                assert got[doc_id] == pytest.approx(score, rel=1e-12), (q, doc_id)


def test_cached_lengths_score_exactly_as_whoosh(app):
    assert_same_scores(app.extensions["jinbao_engine"])


def test_pooled_searchers_see_a_reindex_and_score_across_segments(tmp_path, gazetteer):
    archive = copy_archive(tmp_path)
    index_dir = tmp_path / "index"
    build_index(archive, index_dir, gazetteer=gazetteer)
    app = create_app({"INDEX_DIR": str(index_dir)})
    client = app.test_client()
    engine = app.extensions["jinbao_engine"]
    before = client.get("/api/search", query_string={"q": "生态环境"}).get_json()["total"]
    assert client.get("/api/search", query_string={"q": "冬季长跑"}).get_json()["total"] == 0
    assert engine._idle, "the request's searcher went back to the pool"

    # a new issue: one page copied under a new date, plus a new article
    page = archive / "taiyuan-daily" / "2021-12-23" / "01.txt"
    new_day = archive / "taiyuan-daily" / "2021-12-24"
    new_day.mkdir()
    (new_day / "01.txt").write_text(
        page.read_text(encoding="utf-8")
        + "\n\n万柏林区举办冬季长跑活动\n\n本报讯(记者测试)12月22日,万柏林区举办冬季长跑活动,千余名群众参加。\n",
        encoding="utf-8")
    build_index(archive, index_dir, gazetteer=gazetteer)

    data = client.get("/api/search", query_string={"q": "冬季长跑"}).get_json()
    assert data["total"] == 1 and data["results"][0]["date"] == "2021-12-24"
    after = client.get("/api/search", query_string={"q": "生态环境"}).get_json()["total"]
    copied = client.get("/api/search", query_string={"q": "生态环境", "from": "2021-12-24",
                                                       "to": "2021-12-24"}).get_json()["total"]
    assert after == before + copied
    with engine.searcher() as s:
        assert len(s.reader().leaf_readers()) >= 2, "the re-index added a segment"
    assert_same_scores(engine)
    engine.close()


def test_selected_facet_counts_equal_separate_searches(app):
    """With region and year selected, each selected facet counts the words' matches under
    the *other* filters: the same numbers as searching with those filters only."""
    engine = app.extensions["jinbao_engine"]
    base = engine.search(SearchParams(q="生态环境"))
    region = base["facets"]["region"][0]["value"]
    year = base["facets"]["year"][0]["value"]
    both = engine.search(SearchParams(q="生态环境", regions=[region], years=[year]))
    only_year = engine.search(SearchParams(q="生态环境", years=[year]))
    only_region = engine.search(SearchParams(q="生态环境", regions=[region]))
    def counts(data: dict, facet: str) -> dict[str, int]:
        # a selected value is listed even with no match (count 0); the others have matches
        return {v["value"]: v["count"] for v in data["facets"][facet] if v["count"]}

    assert counts(both, "region") == counts(only_year, "region")
    assert counts(both, "year") == counts(only_region, "year")
    assert both["total"] <= min(only_year["total"], only_region["total"])


def test_repeated_search_is_answered_from_the_cache_unchanged(app, client):
    engine = app.extensions["jinbao_engine"]
    query = {"q": "生态环境", "region": "晋中市", "per_page": 3}
    first = client.get("/api/search", query_string=query).get_json()
    # the HTML page decorates the facets of its (copied) answer with links
    assert client.get("/", query_string=query).status_code == 200
    again = client.get("/api/search", query_string=query).get_json()
    assert again["cached"] is True and engine.results.hits >= 1
    for volatile in ("cached", "took_ms"):
        first.pop(volatile), again.pop(volatile)
    assert again == first
    assert all("toggle_url" not in v for values in again["facets"].values() for v in values)
    # another page of the same query is another answer
    second_page = client.get("/api/search", query_string={**query, "page": 2}).get_json()
    assert second_page["cached"] is False and second_page["results"] != first["results"]


def test_a_cache_size_of_zero_keeps_nothing(sample_index):
    index_dir, _summary = sample_index
    app = create_app({"INDEX_DIR": str(index_dir), "QUERY_CACHE": 0})
    client = app.test_client()
    for _ in range(2):
        data = client.get("/api/search", query_string={"q": "刘星"}).get_json()
        assert data["cached"] is False and data["total"] > 0
    assert len(app.extensions["jinbao_engine"].results) == 0
    app.extensions["jinbao_engine"].close()
