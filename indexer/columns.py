"""Facet columns: per segment, the values facets, filters and sorting need, as arrays.

Counting a facet over every match (the counts a reader quotes are exact) and sorting
matches by date must not touch a Python object per document. So for each Whoosh segment
the index keeps, next to its own files, ``columns/<segment id>/``:

- ``day.npy`` (int32 days since 1970-01-01, the issue date), ``page.npy``, ``seq.npy``
  (int32 position of the article on its page), ``paper.npy`` (int32 code into the
  segment's paper list);
- ``region_ptr.npy``/``region_val.npy`` and ``leader_ptr.npy``/``leader_val.npy``: the
  multi-valued fields (regions with the prefectures that contain them, officials) in CSR
  form, codes into the segment's value lists;
- ``values.json``: the value lists, the papers' display names and :data:`FORMAT`;
- ``titles_ptr.npy``/``titles_name.npy``/``titles_title.npy``: for each document, the officials it
  names with their titles as printed (its ``officials`` field), and ``own_ptr.npy``/
  ``own_val.npy`` the regions it names itself (no parents) where it names officials — CSR,
  codes into the lists in ``officials.json``; read only by the officials register;
- ``text.bin``, ``text_ptr.npy``, ``text_heads.npy``: the documents' compact texts, which
  exact strings are checked against (:mod:`indexer.texts` owns their layout);
- ``added.npy`` (int64 seconds since 1970 each document entered the index, 0 unknown), for
  ``sort=added`` and the feeds of newly added articles; optional (segments written before it
  sort as unknown);
- ``grams_last.npy`` (the ``chars`` field's two-character terms ordered by their last
  character, ``<U2``) and ``grams_longer.json`` (its longer terms, an ASCII unit with a
  character, that end with a character): which terms end with a character, for queries of
  one character (:class:`BigramsByLast`); optional (computed by the server when missing).

Segments never change once written (deletions are marked in the segment's TOC and read
at query time), so these files are written once, right after the commit that made the
segment (:func:`ensure`), and a reader maps them with ``numpy.load(mmap_mode="r")``. A
segment without them (an index from before this format, or a crash between commit and
write) is computed from the segment itself — slower, same values — and written by the next
indexer run. This module is the one owner of the format.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import texts as texts_mod
from .codec import matcher_postings, unfiltered

COLUMNS_DIR = "columns"
FORMAT = 4
NO_DAY = np.iinfo(np.int32).min
"""The day of a document without a readable date (sorts oldest, matches no range)."""
_EPOCH = dt.date(1970, 1, 1)
_ARRAYS = ("day", "page", "seq", "paper", "region_ptr", "region_val", "leader_ptr", "leader_val")
_REGISTER_ARRAYS = ("titles_ptr", "titles_name", "titles_title", "own_ptr", "own_val")


@dataclass
class SegmentColumns:
    """The facet columns of one segment (every document number, deleted ones included)."""

    day: np.ndarray
    page: np.ndarray
    seq: np.ndarray
    paper: np.ndarray
    region_ptr: np.ndarray
    region_val: np.ndarray
    leader_ptr: np.ndarray
    leader_val: np.ndarray
    papers: list[str]
    paper_names: dict[str, str]
    regions: list[str]
    leaders: list[str]
    register: RegisterColumns | None = None  # (loaded with officials=True)
    texts: texts_mod.SegmentTexts | None = None  # (written with the columns; loaded by load_texts)
    added: np.ndarray | None = None  # int64 seconds since 1970 each entered the index; 0 unknown
    grams: BigramsByLast | None = None  # (written with the columns; loaded by load_grams)

    def __len__(self) -> int:
        return len(self.day)


@dataclass
class BigramsByLast:
    """One segment's bigram terms (of the ``chars`` field) by their last character: a term
    that ends with a character is found by a binary search, not by reading the lexicon
    (Whoosh reads it at ~7 µs a term: a second per 50,000 articles)."""

    pairs: np.ndarray  # <U2, ordered by the last character
    longer: list[str]  # terms of an ASCII unit and a character (5g晋), ending with a character

    def ending_with(self, char: str) -> list[str]:
        lo, hi = np.searchsorted(self.pairs.view(np.uint32).reshape(-1, 2)[:, 1], [ord(char), ord(char) + 1]) \
            if len(self.pairs) else (0, 0)
        return [*self.pairs[lo:hi].tolist(), *(t for t in self.longer if t[-1] == char)]

    @classmethod
    def compute(cls, reader, fieldname: str = "chars") -> BigramsByLast:
        pairs: list[str] = []
        longer: list[str] = []
        if fieldname in reader.indexed_field_names():
            for raw in reader.lexicon(fieldname):
                term = _text(raw)
                if len(term) == 2:
                    pairs.append(term)
                elif len(term) > 2 and "\u3400" <= term[-1] <= "\u9fff":
                    longer.append(term)
        grams = np.array(pairs, dtype="<U2")
        last = grams.view(np.uint32).reshape(-1, 2)[:, 1] if len(grams) else np.zeros(0, dtype=np.uint32)
        return cls(grams[np.argsort(last, kind="stable")], longer)


def day_number(iso: str) -> int:
    """Days since 1970-01-01 of an ISO date (``NO_DAY`` when it is not one)."""
    try:
        return (dt.date.fromisoformat(iso) - _EPOCH).days
    except (TypeError, ValueError):
        return int(NO_DAY)


def day_iso(day: int) -> str:
    return (_EPOCH + dt.timedelta(days=int(day))).isoformat()


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _postings_ids(reader, fieldname: str, term: bytes) -> np.ndarray:
    m = reader.postings(fieldname, term)
    found = matcher_postings(unfiltered(m))
    if found is not None:
        return found[0]
    return np.fromiter(m.all_ids(), dtype=np.int64)


def _multi(reader, fieldname: str, n: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A keyword field's values of every document as CSR (ptr, codes) and the value list,
    from the field's postings (one decode per distinct value)."""
    values: list[str] = []
    ids_parts: list[np.ndarray] = []
    code_parts: list[np.ndarray] = []
    if fieldname in reader.indexed_field_names():
        for term in reader.lexicon(fieldname):
            ids = _postings_ids(reader, fieldname, term)
            ids_parts.append(ids)
            code_parts.append(np.full(len(ids), len(values), dtype=np.int32))
            values.append(_text(term))
    if not ids_parts:
        return np.zeros(n + 1, dtype=np.int64), np.empty(0, dtype=np.int32), values
    ids = np.concatenate(ids_parts)
    codes = np.concatenate(code_parts)
    order = np.argsort(ids, kind="stable")  # by document, values in lexicon order
    counts = np.bincount(ids, minlength=n)[:n]
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr, codes[order], values


def compute(reader) -> SegmentColumns:
    """The columns of one segment, read from its date/page/seq columns and the postings of
    its keyword fields; the compact texts from the stored documents."""
    import json as _json

    n = reader.doc_count_all()
    dates = reader.column_reader("date")
    day = np.fromiter((day_number(_text(dates[d])) for d in range(n)), dtype=np.int32, count=n)
    page = np.fromiter((int(v or 0) for v in reader.column_reader("page")), dtype=np.int32, count=n)
    seq = np.fromiter((int(v or 0) for v in reader.column_reader("seq")), dtype=np.int32, count=n)
    paper = np.full(n, -1, dtype=np.int32)
    papers: list[str] = []
    names: dict[str, str] = {}
    if "paper" in reader.indexed_field_names():
        for term in reader.lexicon("paper"):
            ids = _postings_ids(reader, "paper", term)
            slug = _text(term)
            paper[ids] = len(papers)
            papers.append(slug)
            if len(ids):
                names[slug] = _json.loads(reader.stored_fields(int(ids[0]))["doc"]).get("paper_name", slug)
    region_ptr, region_val, regions = _multi(reader, "region_path", n)
    leader_ptr, leader_val, leaders = _multi(reader, "leaders", n)
    added = np.zeros(n, dtype=np.int64)

    def note_added(d: int, doc: dict) -> None:
        added[d] = added_seconds(doc.get("added"))

    found_texts = texts_mod.compute(reader, note_added)
    return SegmentColumns(day, page, seq, paper, region_ptr, region_val, leader_ptr, leader_val,
                          papers, names, regions, leaders, _register_columns(reader, leader_ptr),
                          found_texts, added, BigramsByLast.compute(reader))


def added_seconds(stamp: str | None) -> int:
    """Seconds since 1970 of an article's ``added`` time (ISO, with its offset); 0 when the
    article has none (indexed before articles recorded it)."""
    try:
        return int(dt.datetime.fromisoformat(stamp).timestamp()) if stamp else 0
    except (TypeError, ValueError):
        return 0


@dataclass
class RegisterColumns:
    """What the officials register reads of a segment: per document, the officials it names
    with their titles as printed, and its own regions (CSR; codes into the three lists)."""

    titles_ptr: np.ndarray
    titles_name: np.ndarray
    titles_title: np.ndarray
    own_ptr: np.ndarray
    own_val: np.ndarray
    names: list[str]
    titles: list[str]
    regions: list[str]


def _register_columns(reader, leader_ptr: np.ndarray) -> RegisterColumns:
    n = reader.doc_count_all()
    codes: dict[str, dict[str, int]] = {"names": {}, "titles": {}, "regions": {}}

    def code(kind: str, value: str) -> int:
        return codes[kind].setdefault(value, len(codes[kind]))

    t_count, t_name, t_title = np.zeros(n, dtype=np.int64), [], []
    o_count, o_val = np.zeros(n, dtype=np.int64), []
    for d in np.flatnonzero(np.diff(leader_ptr)).tolist():  # only documents that name officials
        stored = reader.stored_fields(d)
        named = json.loads(stored.get("officials") or "{}") or {}
        own = [r for r in (stored.get("regions") or "").split(",") if r] if named else []
        t_count[d], o_count[d] = len(named), len(own)
        for name, title in named.items():
            t_name.append(code("names", name))
            t_title.append(code("titles", title))
        o_val.extend(code("regions", r) for r in own)

    def ptr(counts: np.ndarray) -> np.ndarray:
        out = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=out[1:])
        return out

    return RegisterColumns(ptr(t_count), np.array(t_name, dtype=np.int32), np.array(t_title, dtype=np.int32),
                           ptr(o_count), np.array(o_val, dtype=np.int32),
                           list(codes["names"]), list(codes["titles"]), list(codes["regions"]))


def segment_dir(generation: Path, segment_id: str) -> Path:
    return generation / COLUMNS_DIR / segment_id


def save(generation: Path, segment_id: str, cols: SegmentColumns) -> None:
    """Write one segment's columns (into a temporary folder renamed at the end: a reader
    sees all of them or none)."""
    final = segment_dir(generation, segment_id)
    if final.exists():
        return
    tmp = final.with_name(f"{final.name}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name in _ARRAYS:
        np.save(tmp / f"{name}.npy", getattr(cols, name), allow_pickle=False)
    (tmp / "values.json").write_text(json.dumps(
        {"format": FORMAT, "papers": cols.papers, "paper_names": cols.paper_names, "regions": cols.regions,
         "leaders": cols.leaders}, ensure_ascii=False), encoding="utf-8")
    reg = cols.register
    assert reg is not None, "columns to save are computed, with their register columns"
    for name in _REGISTER_ARRAYS:
        np.save(tmp / f"{name}.npy", getattr(reg, name), allow_pickle=False)
    (tmp / "officials.json").write_text(json.dumps(
        {"names": reg.names, "titles": reg.titles, "regions": reg.regions}, ensure_ascii=False), encoding="utf-8")
    if cols.texts is not None:
        texts_mod.save(tmp, cols.texts)
    if cols.added is not None:
        np.save(tmp / "added.npy", cols.added, allow_pickle=False)
    if cols.grams is not None:
        _write_grams(tmp, cols.grams)
    os.replace(tmp, final)


def _write_grams(folder: Path, grams: BigramsByLast) -> None:
    np.save(folder / "grams_last.npy", grams.pairs, allow_pickle=False)
    (folder / "grams_longer.json").write_text(json.dumps(grams.longer, ensure_ascii=False), encoding="utf-8")


def save_grams(generation: Path, segment_id: str, grams: BigramsByLast) -> None:
    """Add the bigram map to a segment's columns written before it (each file is written
    under a temporary name and renamed: the JSON, which :func:`load_grams` reads last, after
    the array)."""
    folder = segment_dir(generation, segment_id)
    tmp = folder / f"grams.tmp{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    _write_grams(tmp, grams)
    os.replace(tmp / "grams_last.npy", folder / "grams_last.npy")
    os.replace(tmp / "grams_longer.json", folder / "grams_longer.json")
    shutil.rmtree(tmp, ignore_errors=True)


def load(generation: Path, segment_id: str, doc_count: int, officials: bool = False) -> SegmentColumns | None:
    """One segment's columns, memory-mapped; None when missing, of another format or not
    the segment's size. ``officials`` reads the officials' titles too (the register's)."""
    folder = segment_dir(generation, segment_id)
    try:
        values = json.loads((folder / "values.json").read_text(encoding="utf-8"))
        if values.get("format") != FORMAT:
            return None
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
        register = None
        if officials:
            named = json.loads((folder / "officials.json").read_text(encoding="utf-8"))
            register = RegisterColumns(
                **{name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
                   for name in _REGISTER_ARRAYS}, names=named["names"], titles=named["titles"],
                regions=named["regions"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(arrays["day"]) != doc_count:
        return None
    try:  # (optional: segments written before articles recorded the time they were added)
        added = np.load(folder / "added.npy", mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError):
        added = None
    return SegmentColumns(**arrays, papers=values["papers"], paper_names=values["paper_names"],
                          regions=values["regions"], leaders=values["leaders"], register=register,
                          added=added if added is not None and len(added) == doc_count else None)


def load_texts(generation: Path, segment_id: str, doc_count: int) -> texts_mod.SegmentTexts | None:
    """One segment's compact texts, memory-mapped; None when missing (checked from the stored
    documents instead) or of another columns format."""
    folder = segment_dir(generation, segment_id)
    try:
        if json.loads((folder / "values.json").read_text(encoding="utf-8")).get("format") != FORMAT:
            return None
    except (OSError, ValueError):
        return None
    return texts_mod.load(folder, doc_count)


def load_grams(generation: Path, segment_id: str) -> BigramsByLast | None:
    """One segment's bigram terms by last character, memory-mapped; None when missing
    (segments written before them) or of another columns format."""
    folder = segment_dir(generation, segment_id)
    try:
        if json.loads((folder / "values.json").read_text(encoding="utf-8")).get("format") != FORMAT:
            return None
        pairs = np.load(folder / "grams_last.npy", mmap_mode="r", allow_pickle=False)
        longer = json.loads((folder / "grams_longer.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return BigramsByLast(pairs, longer)


def ensure(generation: Path, ix) -> list[str]:
    """Columns for every segment of the index's latest commit, and none for segments that
    left it (merged away or deleted); returns the ids of the segments written now."""
    written = []
    with ix.reader() as reader:
        leaves = [leaf for leaf, _offset in reader.leaf_readers()]
        live = set()
        for leaf in leaves:
            segment = leaf.segment() if hasattr(leaf, "segment") else None
            if segment is None:
                continue
            sid = segment.segment_id()
            live.add(sid)
            if load(generation, sid, leaf.doc_count_all()) is None:
                shutil.rmtree(segment_dir(generation, sid), ignore_errors=True)
                save(generation, sid, compute(leaf))
                written.append(sid)
            elif load_grams(generation, sid) is None:  # columns from before the bigram map
                save_grams(generation, sid, BigramsByLast.compute(leaf))
    root = generation / COLUMNS_DIR
    if root.is_dir():
        for child in root.iterdir():
            if child.name not in live:
                shutil.rmtree(child, ignore_errors=True)
    return written
