"""The tokenizers honour Whoosh's contract, so phrases and highlights work."""

from __future__ import annotations

import json
import pickle

import pytest
from whoosh.filedb.filestore import RamStorage

from indexer.analysis import CharBigramTokenizer, JiebaTokenizer, bigrams_of
from indexer.schema import build_schema
from search_app.exact import ExactString

TEXT = "区委副书记、区长魏振东作具体安排。总投资60亿元、年产20万吨"


@pytest.mark.parametrize("tokenizer", [JiebaTokenizer(), CharBigramTokenizer()])
def test_positions_are_ordinals_and_chars_are_offsets(tokenizer):
    tokens = [(t.text, t.pos, t.startchar, t.endchar) for t in tokenizer(TEXT, positions=True, chars=True)]
    positions = [p for _t, p, _s, _e in tokens]
    assert positions == sorted(positions) and positions[0] == 0
    assert max(positions) < len(tokens) + 10  # ordinals, not character offsets
    for text, _p, start, end in tokens:
        assert TEXT[start:end].replace(" ", "").lower() == text


@pytest.mark.parametrize("tokenizer", [JiebaTokenizer(), CharBigramTokenizer()])
def test_start_pos_start_char_and_tokenize_false(tokenizer):
    base = [(t.pos, t.startchar) for t in tokenizer(TEXT, positions=True, chars=True)]
    shifted = [(t.pos, t.startchar) for t in tokenizer(TEXT, positions=True, chars=True, start_pos=5, start_char=100)]
    assert shifted == [(p + 5, c + 100) for p, c in base]
    whole = list(tokenizer("魏振东", positions=True, chars=True, tokenize=False))
    assert len(whole) == 1 and whole[0].text == "魏振东" and (whole[0].startchar, whole[0].endchar) == (0, 3)
    assert list(tokenizer("", positions=True)) == []


@pytest.mark.parametrize("tokenizer", [JiebaTokenizer(), CharBigramTokenizer()])
def test_picklable_without_state(tokenizer):
    clone = pickle.loads(pickle.dumps(tokenizer))
    assert [t.text for t in clone(TEXT)] == [t.text for t in tokenizer(TEXT)]


def test_bigrams_ignore_ocr_whitespace_and_break_at_punctuation():
    assert bigrams_of("副市长王\n帮富") == bigrams_of("副市长王帮富")
    assert bigrams_of("60 亿元") == ["60亿", "亿元"]
    grams = [(t.text, t.pos) for t in CharBigramTokenizer()("刘星，市长", positions=True)]
    assert grams == [("刘星", 0), ("市长", 2)]  # no phrase can span the comma
    assert bigrams_of("ＧＤＰ增长") == ["gdp增", "增长"]


def test_phrase_queries_work_in_a_real_index():
    ix = RamStorage().create_index(build_schema())
    with ix.writer() as w:
        for doc_id, seq, text in (("a", 1, TEXT), ("b", 2, "具体安排由区长作出")):
            w.add_document(id=doc_id, page_key="p/2025-01-01/01", page_hash="x", paper="p", date="2025-01-01",
                           page=1, seq=seq, title="", body=text, chars=text,
                           doc=json.dumps({"title": None, "subtitles": [], "body": text}))
    with ix.searcher() as s:
        # word fields rank without positions; every phrase is answered by the bigram fields
        assert not s.schema["body"].format.supports("positions")
        assert [h["id"] for h in s.search(ExactString("chars", "魏振东"))] == ["a"]
        assert [h["id"] for h in s.search(ExactString("chars", "安排由区长"))] == ["b"]
        assert [h["id"] for h in s.search(ExactString("chars", "区长具体安排"))] == []
