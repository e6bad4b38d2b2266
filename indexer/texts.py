"""The compact article texts exact strings are checked against, per segment.

An article contains an exact string when its *compact* text — normalised (:func:`normalize`:
full-width → half-width, traditional → simplified, lower case, pinyin glosses blanked) and
with all whitespace removed — contains the string's compact form. The bigram postings give the
candidates; this text decides.

Reading the text from each candidate's stored document (decompress, unpickle, parse the JSON,
normalise) costs ~70 µs: a phrase as common as 高质量发展 has tens of thousands of candidates
in 100,000 articles, i.e. seconds. So each segment keeps its documents' compact texts next to
the facet columns (:mod:`indexer.columns` writes them into the same folder):

- ``text.bin``: every document's compact text, UTF-16-LE (Han characters take two bytes, not
  UTF-8's three), one after the other in document order;
- ``text_ptr.npy``: int64, ``n + 1`` byte offsets (document ``d`` is ``ptr[d]:ptr[d+1]``);
- ``text_heads.npy``: int32 ``(n, 2)``: the byte lengths of the headline part and of the
  headline + lead part (the searchable prefixes), or ``-1`` where that part is not a prefix of
  the whole text (its normalisation differs at the cut) and is read from the stored document.

A check is ``bytes.find`` on the memory-mapped file within the document's range, at an even
offset (a match at an odd byte offset straddles two characters and does not count).
"""

from __future__ import annotations

import json
import mmap
import re
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import numpy as np

from .normalize import normalize
from .schema import LEAD_CHARS

PARTS = ("all", "title", "lead")
ENCODING = "utf-16-le"
FILES = ("text.bin", "text_ptr.npy", "text_heads.npy")
_WS = re.compile(r"\s+")


def compact(text: str) -> str:
    """Normalised text without whitespace: the form exact strings are compared in."""
    return _WS.sub("", normalize(text))


def article_text(doc: dict, part: str) -> str:
    """The searchable text of a stored article (its ``doc`` JSON) for one part."""
    head = "".join([doc.get("title") or "", *doc.get("subtitles", [])])
    if part == "title":
        return head
    if part == "lead":
        return head + doc["body"][:LEAD_CHARS]
    # what the index holds for the article (build.article_document): photo captions too
    return "".join([head, doc["body"], *doc.get("fragments", []), doc.get("signature") or "", doc.get("byline") or "",
                    *doc.get("captions", [])])


def encode(text: str) -> bytes:
    return text.encode(ENCODING, "surrogatepass")


def decode(data: bytes) -> str:
    return data.decode(ENCODING, "surrogatepass")


@dataclass
class SegmentTexts:
    """One segment's compact texts (a memory map, or bytes while they are being written)."""

    blob: bytes | mmap.mmap
    ptr: np.ndarray
    heads: np.ndarray

    def span(self, docnum: int, part: str) -> tuple[int, int] | None:
        """Byte range of a document's part; None when the part is not a prefix (see the module)."""
        start = int(self.ptr[docnum])
        if part == "all":
            return start, int(self.ptr[docnum + 1])
        size = int(self.heads[docnum, 0 if part == "title" else 1])
        return None if size < 0 else (start, start + size)

    def text(self, docnum: int, part: str) -> str | None:
        span = self.span(docnum, part)
        return None if span is None else decode(self.blob[span[0]:span[1]])

    def contains(self, docnums: np.ndarray, needle: str, part: str) -> np.ndarray:
        """For each document, whether its part contains ``needle`` (a compact string); -1 for
        documents whose part must be read from the stored document, else 0 or 1 (int8)."""
        starts = self.ptr[docnums]
        if part == "all":
            ends = self.ptr[docnums + 1]
            unknown = np.zeros(len(docnums), dtype=bool)
        else:
            sizes = self.heads[docnums, 0 if part == "title" else 1]
            unknown = sizes < 0
            ends = starts + np.maximum(sizes, 0)
        pattern = encode(needle)
        find = self.blob.find
        # one C-level call per document (``map`` over three iterables: no Python bytecode per
        # document); the rare match at an odd offset is looked at again one by one
        at = np.fromiter(map(find, repeat(pattern, len(docnums)), starts.tolist(), ends.tolist()),
                         dtype=np.int64, count=len(docnums))
        for n in np.flatnonzero((at >= 0) & ((at - starts) & 1 == 1)).tolist():
            start, end, pos = int(starts[n]), int(ends[n]), int(at[n])
            while pos >= 0 and (pos - start) & 1:  # straddles two characters: look further
                pos = find(pattern, pos + 1, end)
            at[n] = pos
        out = (at >= 0).astype(np.int8)
        out[unknown] = -1
        return out


def compute(reader, each=None) -> SegmentTexts:
    """The compact texts of every document of a segment (deleted ones included), from the
    stored documents; ``each(docnum, doc)`` sees every parsed document too (the columns read
    other values from it in the same pass)."""
    n = reader.doc_count_all()
    parts: list[bytes] = []
    ptr = np.zeros(n + 1, dtype=np.int64)
    heads = np.full((n, 2), -1, dtype=np.int32)
    at = 0
    for d in range(n):
        doc = json.loads(reader.stored_fields(d)["doc"])
        if each is not None:
            each(d, doc)
        whole = encode(compact(article_text(doc, "all")))
        for col, part in enumerate(("title", "lead")):
            prefix = encode(compact(article_text(doc, part)))
            if whole.startswith(prefix):
                heads[d, col] = len(prefix)
        parts.append(whole)
        at += len(whole)
        ptr[d + 1] = at
    return SegmentTexts(b"".join(parts), ptr, heads)


def save(folder: Path, texts: SegmentTexts) -> None:
    (folder / "text.bin").write_bytes(texts.blob)
    np.save(folder / "text_ptr.npy", texts.ptr, allow_pickle=False)
    np.save(folder / "text_heads.npy", texts.heads, allow_pickle=False)


def load(folder: Path, doc_count: int) -> SegmentTexts | None:
    """A segment's texts, memory-mapped; None when missing or not the segment's size."""
    try:
        ptr = np.load(folder / "text_ptr.npy", mmap_mode="r", allow_pickle=False)
        heads = np.load(folder / "text_heads.npy", mmap_mode="r", allow_pickle=False)
        with open(folder / "text.bin", "rb") as f:
            size = f.seek(0, 2)
            blob: bytes | mmap.mmap = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
    except (OSError, ValueError):
        return None
    if len(ptr) != doc_count + 1 or len(heads) != doc_count or int(ptr[-1]) != len(blob):
        return None
    return SegmentTexts(blob, ptr, heads)
