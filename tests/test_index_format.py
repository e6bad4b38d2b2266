"""The index format written for speed must hold exactly what Whoosh's own writer writes.

BulkWriter (numpy-sorted postings, jinbao's block data) against Whoosh's SegmentWriter with
its own codec, on the sample articles: every term of every field has the same documents,
weights, frequencies and term statistics, every document the same field lengths, and a
merge of the two formats (an old segment merged into a new one) keeps all of it. The
per-segment facet columns agree with the stored articles.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from whoosh import index as windex
from whoosh import writing
from whoosh.codec.whoosh3 import W3Codec

from indexer import columns
from indexer.article import Article
from indexer.build import active_dir, article_document, open_index
from indexer.bulkwriter import BulkWriter, analyse
from indexer import bulkwriter
from indexer.codec import JinbaoCodec, JinbaoLeafMatcher, decode_postings, matcher_postings
from indexer.schema import build_schema


def sample_documents(index_dir, gazetteer) -> list[dict]:
    """The index documents of the sample archive, rebuilt from its stored articles."""
    names = {f.name for f in dataclasses.fields(Article)}
    with open_index(index_dir).searcher() as s:
        stored = [json.loads(f["doc"]) for f in s.all_stored_fields()]
    out = []
    for doc in sorted(stored, key=lambda d: d["id"]):
        art = Article(**{k: v for k, v in doc.items() if k in names})
        key = f"{doc['paper']}/{doc['date']}/{doc['page']:02d}"
        out.append(article_document(art, key, "hash", gazetteer))
    return out


def everything(ix) -> dict:
    """Every posting, value and term statistic of an index, and every field length."""
    out: dict = {}
    with ix.reader() as r:
        for fieldname in sorted(r.indexed_field_names()):
            for term in r.lexicon(fieldname):
                m = r.postings(fieldname, term)
                postings = []
                while m.is_active():
                    postings.append((m.id(), round(m.weight(), 4), m.value()))
                    m.next()
                ti = r.term_info(fieldname, term)
                out[(fieldname, term)] = (postings, ti.doc_frequency(), round(ti.weight(), 3), ti.min_length(),
                                          ti.max_length(), round(ti.max_weight(), 4), ti.min_id(), ti.max_id())
        for fieldname in ("title", "body", "chars", "title_chars"):
            out[("lengths", fieldname)] = [r.doc_field_length(d, fieldname) for d in range(r.doc_count_all())]
    return out


def build(tmp_path, name, docs, writer_class, **kwargs):
    folder = tmp_path / name
    folder.mkdir()
    ix = windex.create_in(str(folder), build_schema(), indexname="articles")
    w = writer_class(ix, **kwargs)
    for fields in docs:
        w.add_document(**fields)
    w.commit(mergetype=writing.NO_MERGE)
    return ix


@pytest.fixture(scope="module")
def built_index(sample_index):
    return sample_index[0]


@pytest.fixture(scope="module")
def documents(built_index, gazetteer):
    return sample_documents(built_index, gazetteer)


def test_bulk_writer_writes_what_whoosh_writes(tmp_path, documents):
    whoosh_ix = build(tmp_path, "whoosh", documents, writing.SegmentWriter, codec=W3Codec())
    bulk_ix = build(tmp_path, "bulk", documents, BulkWriter)
    expected, got = everything(whoosh_ix), everything(bulk_ix)
    assert len(expected) > 5000
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == value, key


def test_analysis_ahead_of_the_writer_is_the_writers_analysis(tmp_path, documents):
    """Documents analysed in a worker (``analyse``) and added with ``add_analysed``."""
    inline = everything(build(tmp_path, "inline", documents, BulkWriter))
    folder = tmp_path / "ahead"
    folder.mkdir()
    ix = windex.create_in(str(folder), build_schema(), indexname="articles")
    w = BulkWriter(ix)
    for fields in documents:
        w.add_analysed(fields, analyse(ix.schema, fields))
    w.commit()
    assert everything(ix) == inline


def test_a_merge_of_old_and_new_segments_keeps_every_posting(tmp_path, documents):
    """Half the documents in a segment of Whoosh's format, half in jinbao's, one deleted;
    a merge into one segment (BulkWriter.add_reader) equals one segment written at once."""
    half = len(documents) // 2
    folder = tmp_path / "merged"
    folder.mkdir()
    ix = windex.create_in(str(folder), build_schema(), indexname="articles")
    w = writing.SegmentWriter(ix, codec=W3Codec())
    for fields in documents[:half]:
        w.add_document(**fields)
    w.commit(mergetype=writing.NO_MERGE)
    w = BulkWriter(ix)
    for fields in documents[half:]:
        w.add_document(**fields)
    w.delete_by_term("id", documents[0]["id"])
    w.commit(mergetype=writing.NO_MERGE)
    assert len(ix._segments()) == 2
    w = BulkWriter(ix)
    w.commit(optimize=True)
    assert len(ix._segments()) == 1
    one = build(tmp_path, "one", documents[1:], BulkWriter)
    assert everything(ix) == everything(one)


@pytest.mark.parametrize("variant", ["whoosh", "jinbao-codec", "bulk", "bulk-small-blocks"])
def test_decoding_both_block_formats(tmp_path, documents, monkeypatch, variant):
    """Posting lists of several blocks (4 postings a block) decode whole to what the matcher
    walks, in Whoosh's block data and in jinbao's, written by either writer."""
    writer, kwargs = {"whoosh": (writing.SegmentWriter, {"codec": W3Codec(blocklimit=4)}),
                      "jinbao-codec": (writing.SegmentWriter, {"codec": JinbaoCodec(blocklimit=4)}),
                      "bulk": (BulkWriter, {}), "bulk-small-blocks": (BulkWriter, {})}[variant]
    if variant == "bulk-small-blocks":
        monkeypatch.setattr(bulkwriter, "BLOCK_LIMIT", 4)
    ix = build(tmp_path, variant, documents, writer, **kwargs)
    with ix.reader() as r:
        long_lists = 0
        for term in r.lexicon("chars"):
            ids, weights = matcher_postings(r.postings("chars", term))
            walked = list(r.postings("chars", term).items_as("weight"))
            assert ids.tolist() == [d for d, _w in walked]
            assert np.allclose(weights, [w for _d, w in walked])
            long_lists += len(ids) > 4
        assert long_lists > 20
        if variant != "whoosh":
            m = r.postings("body", "发展".encode())
            assert isinstance(m, JinbaoLeafMatcher)
            targets = matcher_postings(r.postings("body", "发展".encode()))[0].tolist()
            assert len(targets) > 4
            for target in targets[::3]:  # skip_to bisects inside a block
                m.skip_to(target)
                assert m.id() == target
    if variant == "bulk-small-blocks":
        assert everything(ix) == everything(build(tmp_path, "reference", documents, BulkWriter))


def test_a_damaged_posting_list_is_an_error():
    with pytest.raises(ValueError, match="not a Whoosh 3 posting list"):
        decode_postings(b"nope")


def test_facet_columns_agree_with_the_stored_articles(built_index):
    generation = active_dir(built_index)
    ix = open_index(built_index)
    with ix.reader() as r:
        for leaf, _offset in r.leaf_readers():
            cols = columns.load(generation, leaf.segment().segment_id(), leaf.doc_count_all())
            assert cols is not None, "written at commit"
            for d in range(leaf.doc_count_all()):
                doc = json.loads(leaf.stored_fields(d)["doc"])
                assert columns.day_iso(cols.day[d]) == doc["date"]
                assert cols.page[d] == doc["page"]
                assert cols.papers[cols.paper[d]] == doc["paper"]
                assert cols.paper_names[doc["paper"]] == doc["paper_name"]
                stored = leaf.stored_fields(d)
                regions = [cols.regions[c] for c in cols.region_val[cols.region_ptr[d]:cols.region_ptr[d + 1]]]
                leaders = [cols.leaders[c] for c in cols.leader_val[cols.leader_ptr[d]:cols.leader_ptr[d + 1]]]
                assert sorted(regions) == sorted(v for v in stored["region_path"].split(",") if v)
                assert sorted(leaders) == sorted(v for v in stored["leaders"].split(",") if v)


def test_a_new_generation_written_a_segment_at_a_time_answers_alike(tmp_path, gazetteer, monkeypatch, sample_index):
    """A full build commits a segment every FULL_BUILD_SEGMENT articles (bounded memory);
    searches, counts and facets over those segments equal those of the one-segment build."""
    from conftest import SAMPLE_ARCHIVE
    from indexer import build
    from search_app.engine import Engine, SearchParams

    monkeypatch.setattr(build, "FULL_BUILD_SEGMENT", 8)
    index_dir = tmp_path / "index"
    build.build_index(SAMPLE_ARCHIVE, index_dir, gazetteer=gazetteer)
    with open_index(index_dir).reader() as r:
        assert len(list(r.leaf_readers())) >= 3
    split, whole = Engine(index_dir, gazetteer), Engine(sample_index[0], gazetteer)
    for params in (SearchParams(q="发展"), SearchParams(q='"高质量发展"'), SearchParams(q="", regions=["晋中市"]),
                   SearchParams(q="生态", sort="newest")):
        a, b = split.search(params), whole.search(params)
        assert a["total"] == b["total"] > 0, params
        assert [r["id"] for r in a["results"]] == [r["id"] for r in b["results"]], params
        assert a["facets"] == b["facets"], params
