"""What the engine does for speed must never change an answer.

Pooled searchers and cached answers must show a re-index at the next request; in-memory
field lengths must score exactly as Whoosh's BM25F; the term-at-a-time evaluator must find
the same documents with the same scores as Whoosh's matchers; selected facet values must be
counted over the words' matches and the other filters, exactly as if each were searched on
its own.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from whoosh import scoring

from conftest import copy_archive
from indexer.build import build_index
from search_app import create_app
from search_app.engine import SearchParams
from search_app.query import parse_query, to_whoosh
from search_app.vector import VectorEvaluator

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


def whoosh_matches(q, searcher) -> dict[int, float]:
    """Every match and its score, walking Whoosh's own matcher tree segment by segment."""
    out = {}
    for leaf, offset in searcher.subsearchers or [(searcher, 0)]:
        m = q.matcher(leaf, leaf.context())
        while m.is_active():
            out[m.id() + offset] = m.score()
            m.next()
    return out


def judged_queries() -> list[str]:
    data = json.loads((Path(__file__).parent / "data" / "search_queries.json").read_text(encoding="utf-8"))
    return [q["q"] for q in data["queries"] if q.get("q")]


def assert_evaluator_agrees(engine) -> int:
    """The evaluator against Whoosh on the judged queries and a few more; returns how many
    queries matched something."""
    with engine.searcher() as s:
        # a bare evaluator (Whoosh's scorer per posting) and the engine's (BM25F on arrays)
        bare, nonempty = VectorEvaluator(s), 0
        for text in [*judged_queries(), *QUERIES, "标题:生态", "项目 -安全", "魏振东", "環境保護"]:
            q = to_whoosh(parse_query(text), engine.hints())
            expected = whoosh_matches(q, s)
            for evaluator in (bare, engine.evaluator(s)):
                got = evaluator.scores(q)
                assert got.keys() == expected.keys() == evaluator.docs(q), text
                for d, score in expected.items():
                    assert got[d] == pytest.approx(score, rel=1e-12), (text, d)
            nonempty += bool(expected)
        evaluator = bare
        for params in (SearchParams(regions=["晋中市"], years=["2026"]), SearchParams(years=["2021", "2025"]),
                       # the values of the pages a re-index replaced: their old documents are deleted
                       SearchParams(papers=["taiyuan-daily"]), SearchParams(regions=["太原市"]),
                       SearchParams(date_from=dt.date(2025, 6, 9), date_to=dt.date(2026, 6, 2)),
                       SearchParams(date_from=dt.date(2026, 6, 3)), SearchParams(date_to=dt.date(2025, 6, 9))):
            flt = engine.filter_query(params)
            expected = set(s.docs_for_query(flt))
            assert expected, params
            # from the postings, and with date ranges answered by the facet table
            assert evaluator.docs(flt) == engine.evaluator(s).docs(flt) == expected, params
    return nonempty


def test_cached_lengths_score_exactly_as_whoosh(app):
    assert_same_scores(app.extensions["jinbao_engine"])


def test_term_at_a_time_evaluation_equals_whoosh(app):
    assert assert_evaluator_agrees(app.extensions["jinbao_engine"]) >= 40


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
    # two segments, and deleted documents in the first (the copied page's day was new, but
    # a changed page replaces its articles)
    page.write_text(page.read_text(encoding="utf-8") + "\n\n本报讯 测试段落，生态环境。\n", encoding="utf-8")
    build_index(archive, index_dir, gazetteer=gazetteer)
    assert client.get("/api/search", query_string={"q": "测试段落"}).get_json()["total"] == 1
    with engine.searcher() as s:
        assert any(r.has_deletions() for r, _offset in s.reader().leaf_readers())
    assert_evaluator_agrees(engine)
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
    # (the API's own click links, not the page's)
    assert all(v["toggle_url"].startswith("/api/search") for values in again["facets"].values() for v in values)
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


@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("q, regions", [("", ["晋中市"]), ("生态环境", []), ("", [])])
def test_issue_order_equals_whoosh_sorting(app, sort, q, regions):
    """Newest/oldest lists come from a per-generation order of all documents; they must
    list the same order keys as Whoosh's sorted search (ties may list other articles)."""
    engine = app.extensions["jinbao_engine"]
    params = SearchParams(q=q, regions=regions, sort=sort, per_page=100)
    key = "order_desc" if sort == "newest" else "order_asc"
    with engine.searcher() as s:
        keys = s.reader().column_reader(key)
        main = to_whoosh(parse_query(q), engine.hints())
        hits = s.search(main, filter=engine.filter_query(params), limit=None, sortedby=key, reverse=sort == "newest")
        expected = [keys[h.docnum] for h in hits][:100]
        ranked, matched = engine.ranked_docnums(params, parse_query(q), s, 100)
        data = engine.search(params, s)
        got = [keys[d] for d in ranked]
    assert len(matched) == data["total"] == len(hits)
    assert expected and got == expected
    dates = [r["date"] for r in data["results"]]
    assert dates == sorted(dates, reverse=sort == "newest")
