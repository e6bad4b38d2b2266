"""Exact strings are checked against each segment's compact texts (indexer.texts), which must
be the stored articles' compact texts, and give the answers the stored documents give."""

from __future__ import annotations

import json
import shutil

import numpy as np

from indexer import columns, texts
from indexer.build import active_dir, open_index
from indexer.schema import LEAD_CHARS
from search_app import exact
from search_app.engine import Engine, SearchParams


def _segments(index_dir):
    with open_index(index_dir).reader() as r:
        for leaf, _offset in r.leaf_readers():
            yield leaf


def test_each_segments_texts_are_its_stored_articles_compact_texts(sample_index):
    index_dir = sample_index[0]
    checked = docs = 0
    for leaf in _segments(index_dir):
        seg = columns.load_texts(active_dir(index_dir), leaf.segment().segment_id(), leaf.doc_count_all())
        assert seg is not None, "the build writes every segment's compact texts"
        for d in range(leaf.doc_count_all()):
            docs += 1
            doc = json.loads(leaf.stored_fields(d)["doc"])
            for part in texts.PARTS:
                got = seg.text(d, part)
                if part == "all" or got is not None:
                    assert got == texts.compact(texts.article_text(doc, part)), (doc["id"], part)
                    checked += 1
    assert docs >= 30 and checked == 3 * docs  # (no headline or lead here is cut inside a gloss)


class _Reader:
    """The two calls texts.compute makes of a Whoosh segment reader, over given articles."""

    def __init__(self, docs: list[dict]) -> None:
        self.docs = docs

    def doc_count_all(self) -> int:
        return len(self.docs)

    def stored_fields(self, d: int) -> dict:
        return {"doc": json.dumps(self.docs[d], ensure_ascii=False)}


def test_a_match_straddling_two_characters_is_not_a_match():
    # UTF-16-LE of 丁丄 is 01 4E 04 4E: the middle bytes 4E 04 are ю (U+044E)
    seg = texts.compute(_Reader([{"title": "", "body": "丁丄"}, {"title": "", "body": "ю丁"}]))
    found = seg.contains(np.array([0, 1]), "ю", "all")
    assert found.tolist() == [0, 1]
    assert seg.contains(np.array([0, 1]), "丄", "all").tolist() == [1, 0]


def test_a_part_whose_normalisation_differs_at_the_cut_is_read_from_the_document():
    # a pinyin gloss cut by the lead's end is blanked in the whole text, not in the lead
    body = "一" * (LEAD_CHARS - 3) + "經(jīng)濟發展"
    seg = texts.compute(_Reader([{"title": "標題", "body": body}, {"title": "标题", "body": "经济发展"}]))
    assert seg.heads[0, 1] == -1 and seg.heads[1, 1] > 0
    assert seg.text(0, "lead") is None and seg.text(0, "title") == "标题"
    assert seg.contains(np.array([0, 1]), "经济", "lead").tolist() == [-1, 1]
    assert seg.contains(np.array([0, 1]), "经济", "all").tolist() == [1, 1]


def test_search_without_the_compact_texts_answers_alike(sample_index, tmp_path, monkeypatch):
    """A segment without its texts (an older index, a crash before they were written) is
    checked from the stored documents: the same articles for every exact string."""
    copy = tmp_path / "index"
    shutil.copytree(sample_index[0], copy)
    queries = ['"生态环境"', '"高质量发展"', '"太原"', '"晋中市"', '"經濟"', '"生态" 环境', '"工作"']
    with_texts = Engine(copy)
    expected = {q: [r["id"] for r in with_texts.search(SearchParams(q=q, per_page=100))["results"]] for q in queries}
    for folder in (active_dir(copy) / columns.COLUMNS_DIR).iterdir():
        for name in texts.FILES:
            (folder / name).unlink()
    loads = []
    real_load = columns.load_texts
    monkeypatch.setattr(columns, "load_texts", lambda *a: loads.append(a[1]) or real_load(*a))
    without = Engine(copy, query_cache=0)
    for q in queries:
        assert [r["id"] for r in without.search(SearchParams(q=q, per_page=100))["results"]] == expected[q], q
    assert sum(len(v) for v in expected.values()) > 20
    # a missing segment's texts are looked for again now and then, not once per candidate
    segments = len(list((active_dir(copy) / columns.COLUMNS_DIR).iterdir()))
    assert 0 < len(loads) <= segments
    assert not without.index.texts.segments
    # ... and found once they are there (the indexer writes them just after its commit)
    for folder in (active_dir(copy) / columns.COLUMNS_DIR).iterdir():
        for name in texts.FILES:
            shutil.copy(active_dir(sample_index[0]) / columns.COLUMNS_DIR / folder.name / name, folder / name)
    monkeypatch.setattr(exact, "MISSING_RETRY_S", 0.0)
    for q in queries:
        assert [r["id"] for r in without.search(SearchParams(q=q, per_page=100))["results"]] == expected[q], q
    assert len(without.index.texts.segments) == segments
