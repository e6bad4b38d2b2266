"""Issue 14: the engine against an independent oracle on a larger archive.

A deterministic synthetic archive of ~2,000 articles (the bench's generator, seed 7) is built once
per session. For fixed and random queries, the oracle is a plain Python scan of the stored
articles: a query string matches an article when it occurs in the article's searchable text
(normalised, whitespace removed — the exact-string guarantee; the fixed words are single jieba
tokens, so matching them as words cannot find more), facets are counted from the stored tags.
Totals, every page of results, facet counts, filters, sort orders and the export limit must agree,
also where a query matches far more articles than the reranking depth."""

from __future__ import annotations

import random
import re
import sys
from collections import Counter

import pytest

from conftest import REPO
from indexer.normalize import normalize

sys.path.insert(0, str(REPO / "scripts"))

ARTICLES = 2000


@pytest.fixture(scope="session")
def synth(tmp_path_factory, gazetteer):
    from benchlib import synth as generator

    from indexer.build import build_index

    root = tmp_path_factory.mktemp("synth")
    generator.generate(root / "archive", ARTICLES, 7, log=None)
    summary = build_index(root / "archive", root / "index", gazetteer=gazetteer)
    assert summary.skipped == 0
    from search_app import create_app

    app = create_app({"INDEX_DIR": str(root / "index"), "TESTING": True, "QUERY_CACHE": 0})
    engine = app.extensions["jinbao_engine"]
    import json

    with engine.searcher() as s:
        docs = [json.loads(f["doc"]) for f in s.all_stored_fields()]
    region_paths = {}
    with engine.searcher() as s:
        for f in s.all_stored_fields():
            region_paths[f["id"]] = [r for r in (f.get("region_path") or "").split(",") if r]
    return app.test_client(), docs, region_paths


def searchable(doc: dict) -> str:
    parts = [doc.get("title") or "", *doc.get("subtitles", []), doc["body"], *doc.get("fragments", []),
             doc.get("signature") or "", *doc.get("captions", [])]
    return re.sub(r"\s+", "", normalize(" ".join(parts)))


def contains(docs: list[dict], s: str) -> set[str]:
    needle = re.sub(r"\s+", "", normalize(s))
    return {d["id"] for d in docs if needle in searchable(d)}


def every_page(client, **params) -> list[dict]:
    out, page = [], 1
    while True:
        data = client.get("/api/search", query_string={**params, "page": page, "per_page": 100}).get_json()
        out += data["results"]
        if page >= data["pages"]:
            return out
        page += 1


def oracle_facets(docs: list[dict], ids: set[str], region_paths: dict) -> dict[str, Counter]:
    chosen = [d for d in docs if d["id"] in ids]
    return {
        "region": Counter(r for d in chosen for r in region_paths[d["id"]]),
        "leader": Counter(n for d in chosen for n in d["leaders"]),
        "paper": Counter(d["paper"] for d in chosen),
        "year": Counter(d["date"][:4] for d in chosen),
    }


def check(client, docs, region_paths, expected: set[str], unfiltered: set[str] | None = None, facets: bool = True,
          **params):
    """Total, every page and the facets of a search against the oracle's ``expected`` set; the
    facet of a selected filter is counted over ``unfiltered`` (the matches without that filter:
    values of one facet combine with OR)."""
    data = client.get("/api/search", query_string={**params, "per_page": 10}).get_json()
    assert data["total"] == len(expected), params
    results = every_page(client, **params)
    ids = [r["id"] for r in results]
    assert len(ids) == len(set(ids)) and set(ids) == expected, params
    want = oracle_facets(docs, expected, region_paths)
    facet_param = {"region": "region", "leader": "leader", "paper": "paper", "year": "year"}
    if unfiltered is not None:
        own = oracle_facets(docs, unfiltered, region_paths)
        for name, param in facet_param.items():
            if param in params:
                want[name] = own[name]
    for name, values in (data["facets"].items() if facets else ()):
        counts = [v["count"] for v in values]
        if name != "year":
            assert counts == sorted(counts, reverse=True), (name, params)
        for v in values:
            if not v["selected"]:
                assert v["count"] == want[name][v["value"]], (name, v, params)
        if not any(v["selected"] for v in values):
            shown = {v["value"] for v in values}
            assert len(shown) == min(len(want[name]), 50) or name == "year", (name, params)
    return data


FIXED = ["发展", "工作", "项目", "建设", '"高质量发展"', '"营商环境"']


@pytest.mark.parametrize("q", FIXED)
def test_words_and_phrases_match_exactly_what_the_texts_hold(synth, q):
    client, docs, region_paths = synth
    expected = contains(docs, q.strip('"'))
    assert len(expected) > 70  # more matches than the reranking depth
    check(client, docs, region_paths, expected, q=q)


def test_boolean_queries(synth):
    client, docs, region_paths = synth
    a, b = contains(docs, "项目"), contains(docs, "安全")
    check(client, docs, region_paths, a | b, q="项目 OR 安全")
    check(client, docs, region_paths, a - b, q="项目 -安全")
    check(client, docs, region_paths, a & contains(docs, "会议"), q="项目 会议")


def test_filters_combine_with_the_words(synth):
    client, docs, region_paths = synth
    words = contains(docs, "发展")
    by_id = {d["id"]: d for d in docs}
    city = Counter(r for i in words for r in region_paths[i]).most_common(1)[0][0]
    check(client, docs, region_paths, {i for i in words if city in region_paths[i]}, words, q="发展", region=city)
    year = Counter(by_id[i]["date"][:4] for i in words).most_common(1)[0][0]
    check(client, docs, region_paths, {i for i in words if by_id[i]["date"].startswith(year)}, words, q="发展",
          year=year)
    paper = by_id[next(iter(words))]["paper"]
    check(client, docs, region_paths, {i for i in words if by_id[i]["paper"] == paper}, words, q="发展", paper=paper)
    leader = Counter(n for i in words for n in by_id[i]["leaders"]).most_common(1)[0][0]
    check(client, docs, region_paths, {i for i in words if leader in by_id[i]["leaders"]}, words, q="发展",
          leader=leader)
    # no words: filters alone list every article they select
    everything = {d["id"] for d in docs}
    check(client, docs, region_paths, {i for i in everything if city in region_paths[i]}, everything, region=city)
    # two facets: each is counted with the other's filter, not its own
    both = {i for i in words if city in region_paths[i] and by_id[i]["date"].startswith(year)}
    data = check(client, docs, region_paths, both, None, False, q="发展", region=city, year=year)
    regions = {v["value"]: v["count"] for v in data["facets"]["region"]}
    years = {v["value"]: v["count"] for v in data["facets"]["year"]}
    in_year = {i for i in words if by_id[i]["date"].startswith(year)}
    in_city = {i for i in words if city in region_paths[i]}
    want = oracle_facets(docs, in_year, region_paths)["region"]
    assert len(regions) >= min(50, len(want))  # the top 50, and the selected one if it is not among them
    assert all(c == want[r] for r, c in regions.items()) and regions[city] == len(in_year & in_city)
    assert years[year] == len(in_city & in_year) and sum(years.values()) == len(in_city)


def test_random_exact_strings(synth):
    client, docs, region_paths = synth
    rng = random.Random(20261201)
    for _ in range(12):
        text = re.sub(r"[^\u4e00-\u9fff]", "", rng.choice(docs)["body"])
        start = rng.randrange(max(1, len(text) - 4))
        s = text[start:start + rng.choice((2, 3, 4))]
        check(client, docs, region_paths, contains(docs, s), q=f'"{s}"')


@pytest.mark.parametrize("sort, reverse", [("newest", True), ("oldest", False)])
def test_sort_orders_hold_over_every_page(synth, sort, reverse):
    client, docs, _ = synth
    results = every_page(client, q="发展", sort=sort)
    keys = [(r["date"], -r["page"]) if reverse else (r["date"], r["page"]) for r in results]
    assert len(results) > 300 and keys == sorted(keys, reverse=reverse)


def test_export_limit_cuts_in_ranking_order_and_says_so(synth, monkeypatch):
    client, _, _ = synth
    import search_app.engine as engine_module
    import search_app.views.feeds as feeds_module

    monkeypatch.setattr(engine_module, "EXPORT_LIMIT", 37)
    monkeypatch.setattr(feeds_module, "EXPORT_LIMIT", 37)
    exported = client.get("/export.json", query_string={"q": "发展", "sort": "newest"}).get_json()
    assert exported["truncated"] is True and len(exported["articles"]) == 37
    first = [r["id"] for r in every_page(client, q="发展", sort="newest")[:37]]
    assert [a["id"] for a in exported["articles"]] == first
    csv_rows = client.get("/export.csv", query_string={"q": "发展"}).get_data(as_text=True).strip().splitlines()
    assert len(csv_rows) >= 38  # header + 37 rows (bodies may hold line breaks)


def plain_register(index_dir) -> dict:
    """The officials register counted article by article from the live stored documents."""
    import json
    from collections import defaultdict

    from indexer.build import open_index

    entries: dict = {}
    with open_index(index_dir).searcher() as s:
        for f in s.all_stored_fields():
            named = json.loads(f.get("officials") or "{}")
            date, paper = f["date"], f["paper"]
            own = [r for r in (f.get("regions") or "").split(",") if r]
            for name, title in named.items():
                e = entries.setdefault(name, {"name": name, "articles": 0, "first": date, "last": date,
                                              "papers": set(), "titles": {}, "regions": defaultdict(int)})
                e["articles"] += 1
                e["first"], e["last"] = min(e["first"], date), max(e["last"], date)
                e["papers"].add(paper)
                for r in own:
                    e["regions"][r] += 1
                t = e["titles"].setdefault(title, {"title": title, "first": date, "last": date, "papers": set(),
                                                   "articles": 0})
                t["first"], t["last"] = min(t["first"], date), max(t["last"], date)
                t["papers"].add(paper)
                t["articles"] += 1
    out = {}
    for name in sorted(entries):
        e = entries[name]
        titles = sorted(({**t, "papers": sorted(t["papers"])} for t in e["titles"].values()),
                        key=lambda t: (t["first"], t["title"]))
        regions = sorted(e["regions"].items(), key=lambda rc: (-rc[1], rc[0]))
        out[name] = {**e, "papers": sorted(e["papers"]), "titles": titles,
                     "regions": [{"region": r, "count": c} for r, c in regions]}
    return out


def test_the_officials_register_is_a_plain_count_of_the_live_articles(synth, tmp_path, gazetteer):
    """After pages are removed and changed (deletions in the built segment, a new segment), the
    register built from the columns is the article-by-article count of what the index holds."""
    import shutil
    from pathlib import Path

    from indexer.build import active_dir, build_index
    from indexer.register import load_register

    src = Path(synth[0].application.config["INDEX_DIR"])
    archive, index = tmp_path / "archive", tmp_path / "index"
    shutil.copytree(src.parent / "archive", archive)
    shutil.copytree(src, index)
    pages = sorted(archive.rglob("*.txt"))
    for page in pages[::9]:
        page.unlink()
    changed = pages[4]
    changed.write_text(changed.read_text(encoding="utf-8").replace("。", "。\n", 1), encoding="utf-8")
    summary = build_index(archive, index, gazetteer=gazetteer)
    assert summary.removed >= 5 and summary.updated == 1
    got, expected = load_register(active_dir(index)), plain_register(index)
    assert len(expected) > 50 and sum(e["articles"] for e in expected.values()) > 500
    assert list(got) == list(expected)
    for name in expected:
        assert got[name] == expected[name], name
