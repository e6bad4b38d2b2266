"""The indexer's faster segmenter (jieba's tokenizer with jieba-next's native route per
block) must cut every text exactly as jieba does: the index and the queries (segmented by
the server with jieba alone) must agree token for token."""

from __future__ import annotations

import os

import pytest

from conftest import REPO, SAMPLE_ARCHIVE
from indexer import segment
from indexer.build import dictionary_words
from indexer.normalize import normalize

pytestmark = pytest.mark.skipif(not segment.native_route_available(),
                                reason="unavailable here: jieba-next is not installed")


def _texts() -> list[str]:
    pages = sorted(SAMPLE_ARCHIVE.rglob("*.txt")) + sorted((REPO / "tests" / "data").rglob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in pages]


@pytest.fixture(scope="module")
def synth_pages(tmp_path_factory) -> list[str]:
    """Pages of the bench's synthetic archive (1,000 articles, seed 7)."""
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    from benchlib import synth

    root = tmp_path_factory.mktemp("native") / "archive"
    synth.generate(root, 1000, 7, log=None)
    return [p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.txt"))]


@pytest.fixture(scope="module")
def pair(gazetteer):
    words = dictionary_words(gazetteer)
    return segment.Segmenter(words), segment.Segmenter(words, native=True)


def test_native_route_cuts_every_page_as_jieba_does(pair, synth_pages):
    plain, native = pair
    assert native.native and not plain.native
    texts = _texts() + synth_pages
    assert len(texts) > 100
    for text in texts:
        for t in (text, normalize(text)):
            assert native.words(t) == plain.words(t)
            assert list(native.tokenize(t)) == list(plain.tokenize(t))


def test_words_added_later_and_in_forked_workers_cut_alike(pair):
    plain, native = pair
    names = ["韩振东", "胡帮富", "贾晓峰"]
    text = "韩振东主持会议，胡帮富、贾晓峰出席。他说等等等一下，一七-二〇，刘鹓在晋中市榆次区。"
    plain.add_words(names)
    native.add_words(names)
    assert native.words(text) == plain.words(text)
    assert "韩振东" in native.words(text)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a forked worker, as the build's: the route computed there too
        os.close(read)
        native.add_words(["等一下"])
        os.write(write, repr(native.words(text)).encode("utf-8"))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        child = f.read().decode("utf-8")
    os.waitpid(pid, 0)
    plain.add_words(["等一下"])
    assert child == repr(plain.words(text))


def test_a_warmed_graph_is_shared_by_forked_workers(pair):
    """The build warms the native graph before forking: a child finds it built (not rebuilt
    at its first cut, ~0.4 s and ~60 MB each) and still cuts as jieba does."""
    plain, native = pair
    native.add_words(["郝晋阳"])
    plain.add_words(["郝晋阳"])
    assert native.jieba._prefix_dict is None  # stale after add_word
    native.warm()
    graph = native.jieba._prefix_dict
    assert graph is not None
    text = "郝晋阳在左权县调研，刘鹓在榆次区，一七-二〇。"
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        shared = native.jieba._prefix_dict is graph
        os.write(write, repr((shared, native.words(text), native.jieba._prefix_dict is graph)).encode("utf-8"))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        child = f.read().decode("utf-8")
    os.waitpid(pid, 0)
    assert child == repr((True, plain.words(text), True))
    plain.warm()  # jieba's own tokenizer: nothing to warm, nothing changes
    assert plain.words(text) == native.words(text)


def test_a_word_longer_than_the_native_graph_falls_back_to_jiebas_route():
    long_word = "晋中市" * 5  # every prefix a word: 15 word ends at its first character
    words = [long_word[:i] for i in range(2, 16)]
    seg = segment.Segmenter(words, native=True)
    assert not seg.native
    assert seg.words(long_word + "开会") == segment.Segmenter(words).words(long_word + "开会")


def test_a_server_on_the_frozen_dictionary_cuts_as_jieba_does(pair, synth_pages, tmp_path):
    """A server segments with jieba's dictionary frozen into arrays (no dictionary build at
    start) plus the index's words with their recorded frequencies: the same tokens."""
    plain, _native = pair
    segment.write_base(tmp_path / "base")
    words = dict(plain.freqs)
    frozen = segment.Segmenter(words, base=tmp_path / "base")
    assert isinstance(frozen.jieba.FREQ, segment.FrozenFreq) and frozen.jieba.total == plain.jieba.total
    for text in _texts()[:40] + synth_pages[:20]:
        for t in (text, normalize(text)):
            assert frozen.words(t) == plain.words(t)
            assert list(frozen.tokenize(t)) == list(plain.tokenize(t))
    for name in ("韩振东", "胡帮富"):  # words a later re-index adds, with and without a frequency
        frozen.add_words({name: plain.freqs.get(name)})
    plain.add_words(["韩振东", "胡帮富"])
    text = "韩振东主持会议，胡帮富出席。"
    assert frozen.words(text) == plain.words(text)
