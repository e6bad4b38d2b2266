"""Normalisation is fast by touching only the characters that change; it must give
exactly what the plain definition gives (translate every character, then lower case)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLE_ARCHIVE, examples
from indexer import normalize as norm


def by_definition(text: str) -> str:
    out = text.translate(norm._FULLWIDTH_TABLE)
    if norm._T2S:
        out = out.translate(norm._T2S)
    lowered = out.lower()
    if len(lowered) != len(out):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in out)
    return lowered


def test_sample_pages_normalise_as_defined(segmenter):
    assert norm.tables_loaded()
    pages = [p.read_text(encoding="utf-8") for p in sorted(SAMPLE_ARCHIVE.glob("*/*/*.txt"))]
    assert len(pages) == 5
    for text in pages:
        out = norm.normalize(text)
        assert out == by_definition(text) and len(out) == len(text)
    assert norm.normalize("環境保護，ＧＤＰ增長") == "环境保护,gdp增长"


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(), st.sampled_from("環境發展經濟ＡＢＣ，：　İ"))))
def test_any_text_normalises_as_defined(segmenter, text):
    out = norm.normalize(text)
    assert out == by_definition(text) and len(out) == len(text)
