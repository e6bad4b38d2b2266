"""A Whoosh segment writer that sorts postings in numpy instead of one tuple at a time.

Whoosh's ``SegmentWriter`` sends every posting through a pool of Python tuples, sorts and
pickles them in runs, merges the runs and then writes them one ``add_posting`` call at a
time, looking up the document's field length for each: about 25 µs per posting, most of a
build's time (an article has ~600 postings). :class:`BulkWriter` keeps Whoosh's segment
files, commit, deletions and merge policies, and changes only the postings: each field's
postings are appended to three flat arrays (term code, document, weight/frequency), sorted
once per field with a stable ``argsort`` when the segment is written, and written a block
of up to :data:`indexer.codec.BLOCK_LIMIT` postings at a time. Segments merged in at commit
(``MERGE_SMALL``) come the same way: each term's posting list decoded whole.

Documents arrive either as Whoosh's ``add_document(**fields)`` (analysed here) or already
analysed (:func:`analyse`, run in the parse workers) through :meth:`BulkWriter.add_analysed`.
The schema may use only what the article index uses: fields with ``Existence`` or
``Frequency`` postings, no term vectors, no separate spelling fields.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from typing import Any

import numpy as np
from whoosh import formats
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from .codec import BLOCK_LIMIT, LENGTH_OF_BYTE, JinbaoCodec, _pack_ids, length_bytes, matcher_postings, unfiltered

Analysed = dict[str, tuple[list[bytes], list[int], int]]
"""fieldname -> (term bytes, frequencies, field length) of one document's indexed fields."""



def analyse(schema, fields: dict[str, Any]) -> Analysed:
    """The indexed fields of one document as its terms and frequencies (what Whoosh's
    ``field.index`` gives), so that analysis can run in another process."""
    out: Analysed = {}
    for name, value in fields.items():
        if value is None or name.startswith("_"):
            continue
        field = schema[name]
        if not field.indexed:
            continue
        counts = getattr(field.analyzer, "term_counts", None)
        if counts is not None and isinstance(value, str):  # the analyzers of indexer.analysis
            found = counts(value)
            terms, freqs = [t.encode("utf-8") for t in found], list(found.values())
        else:
            terms, freqs = [], []
            for tbytes, freq, _weight, _vbytes in field.index(value):
                terms.append(tbytes)
                freqs.append(freq)
        out[name] = (terms, freqs, sum(freqs) if field.scorable else 0)
    return out


class _FieldPostings:
    """One field's postings in arrival order (documents ascending)."""

    __slots__ = ("codes", "docs", "freqs", "terms")

    def __init__(self) -> None:
        self.terms: dict[bytes, int] = {}
        self.codes = array("I")
        self.docs = array("I")
        self.freqs = array("I")

    def add(self, docnum: int, terms: list[bytes], freqs: list[int]) -> None:
        known = self.terms
        self.codes.extend([known.setdefault(t, len(known)) for t in terms])
        self.docs.extend([docnum] * len(terms))
        self.freqs.extend(freqs)

    def add_list(self, term: bytes, docs: np.ndarray, freqs: np.ndarray) -> None:
        code = self.terms.setdefault(term, len(self.terms))
        self.codes.frombytes(np.full(len(docs), code, dtype=np.uint32).tobytes())
        self.docs.frombytes(docs.astype(np.uint32).tobytes())
        self.freqs.frombytes(freqs.astype(np.uint32).tobytes())


class _Block:
    """What ``W3TermInfo.add_block`` reads of a block."""

    __slots__ = ("_weights", "ids", "lengths", "maxweight")

    def __init__(self, ids: np.ndarray, weights: np.ndarray, lengths: np.ndarray) -> None:
        self.ids, self._weights, self.lengths = ids, weights, lengths
        self.maxweight = float(weights.max())

    def __len__(self) -> int:
        return len(self.ids)

    def min_length(self) -> int:
        return int(self.lengths.min())

    def max_length(self) -> int:
        return int(self.lengths.max())

    def max_weight(self) -> float:
        return self.maxweight

    def min_id(self) -> int:
        return int(self.ids[0])

    def max_id(self) -> int:
        return int(self.ids[-1])


class BulkWriter(SegmentWriter):
    """``SegmentWriter`` with array postings (see the module docstring)."""

    def __init__(self, ix, **kwargs) -> None:
        kwargs.setdefault("codec", JinbaoCodec())
        super().__init__(ix, **kwargs)
        for name, field in self.schema.items():
            if field.indexed and type(field.format) not in (formats.Existence, formats.Frequency):
                raise ValueError(f"BulkWriter: field {name!r} has {type(field.format).__name__} postings")
            if field.vector or field.separate_spelling():
                raise ValueError(f"BulkWriter: field {name!r} has term vectors or spelling")
        self._postings: dict[str, _FieldPostings] = {}

    def _field(self, name: str) -> _FieldPostings:
        found = self._postings.get(name)
        if found is None:
            found = self._postings[name] = _FieldPostings()
        return found

    # --- documents ----------------------------------------------------------------------

    def add_document(self, **fields) -> None:
        self.add_analysed(fields, analyse(self.schema, fields))

    def add_analysed(self, fields: dict[str, Any], analysed: Analysed) -> None:
        """Add one document whose indexed fields :func:`analyse` has already read."""
        self._check_state()
        names = sorted(n for n in fields if not n.startswith("_"))
        self._check_fields(self.schema, names)
        perdoc, docnum = self.perdocwriter, self.docnum
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = self.schema[name]
                length = 0
                if field.indexed:
                    terms, freqs, length = analysed[name]
                    if terms:
                        self._field(name).add(docnum, terms, freqs)
                perdoc.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def add_reader(self, reader) -> None:
        """Copy a segment's live documents (a merge): stored fields and columns as Whoosh
        does, postings a whole term list at a time."""
        self._check_state()
        basedoc = self.docnum
        indexed = {n for n in reader.indexed_field_names() if n in self.schema}
        docmap = self.write_per_doc(set(self.schema.names()) | indexed, reader)
        lut = None
        if docmap is not None:
            lut = np.full(reader.doc_count_all(), -1, dtype=np.int64)
            if docmap:
                old = np.fromiter(docmap.keys(), dtype=np.int64, count=len(docmap))
                lut[old] = np.fromiter(docmap.values(), dtype=np.int64, count=len(docmap))
        for name in sorted(indexed):
            field = self.schema[name]
            boost = field.format.field_boost if isinstance(field.format, formats.Frequency) else 1.0
            target = self._field(name)
            for term in reader.lexicon(name):
                m = reader.postings(name, term)
                found = matcher_postings(unfiltered(m))
                if found is None:
                    raise ValueError(f"BulkWriter: cannot read the postings of {name}:{term!r}")
                ids, weights = found
                if lut is not None:
                    ids = lut[ids]
                    keep = ids >= 0
                    ids, weights = ids[keep], weights[keep]
                else:
                    ids = ids + basedoc
                if len(ids):
                    target.add_list(term, ids, np.rint(weights / boost))
        self._added = True

    # --- writing the segment -------------------------------------------------------------------

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader()
        try:
            writer = self.fieldwriter
            for name in sorted(self._postings):
                self._write_field(writer, name, pdr)
            writer.close()
        finally:
            pdr.close()

    def _lengths(self, pdr, name: str, count: int) -> np.ndarray:
        """Field lengths of every document as the scorer will read them (decoded bytes)."""
        if not self.schema[name].scorable:
            return np.zeros(count, dtype=np.int64)
        raw = length_bytes(pdr, name, count)
        return np.zeros(count, dtype=np.int64) if raw is None else LENGTH_OF_BYTE[raw]

    def _write_field(self, writer, name: str, pdr) -> None:
        acc = self._postings[name]
        if not acc.terms:
            return
        field = self.schema[name]
        fmt = field.format
        frequency = isinstance(fmt, formats.Frequency)
        boost = np.float32(fmt.field_boost) if frequency else np.float32(1.0)
        codes = np.frombuffer(acc.codes, dtype=np.uint32)
        order = np.argsort(codes, kind="stable")  # per term, documents stay ascending
        docs = np.frombuffer(acc.docs, dtype=np.uint32)[order].astype(np.int64)
        freqs = np.frombuffer(acc.freqs, dtype=np.uint32)[order]
        weights = freqs.astype(np.float32) * boost if frequency else np.ones(len(freqs), dtype=np.float32)
        counts = np.bincount(codes, minlength=len(acc.terms))
        starts = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        lengths = self._lengths(pdr, name, self.docnum)[docs]
        single = _SingleBlocks(docs, weights, freqs if frequency else None, lengths, starts)
        writer.start_field(name, field)
        post = writer._postwriter
        for term in sorted(acc.terms):
            code = acc.terms[term]
            writer.start_term(term)
            if counts[code] <= BLOCK_LIMIT:
                single.write(post, code)
            else:
                lo, hi = int(starts[code]), int(starts[code + 1])
                _write_blocks(post, docs[lo:hi], weights[lo:hi], freqs[lo:hi] if frequency else None,
                              lengths[lo:hi])
            writer.finish_term()
        writer.finish_field()
        acc.terms.clear()


def _length_bytes(lengths: np.ndarray) -> np.ndarray:
    """``length_to_byte`` of many lengths (0 stays 0)."""
    return np.minimum(np.searchsorted(_BYTE_LENGTHS, lengths, side="left"), 255)


_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.int64)


class _SingleBlocks:
    """Terms whose postings fit one block, written from field-wide arrays: the per-term
    figures (count, last id, weights, lengths, id width) are computed for all terms at once
    and each term's block data is a slice of field-wide byte strings."""

    def __init__(self, docs, weights, freqs, lengths, starts) -> None:
        n = len(docs)
        heads = starts[:-1]
        deltas = np.diff(docs, prepend=0)
        deltas[heads[heads < n]] = docs[heads[heads < n]]
        self.starts = starts.tolist()
        self.max_w = np.maximum.reduceat(weights, heads).astype(np.float64).tolist() if n else []
        same = np.minimum.reduceat(weights, heads) == np.maximum.reduceat(weights, heads)
        self.same = same.tolist()
        self.first_w = weights[heads].astype(np.float64).tolist()
        self.sum_w = np.add.reduceat(weights.astype(np.float64), heads).tolist()
        self.min_len = _length_bytes(np.minimum.reduceat(lengths, heads)).tolist()
        self.max_len = _length_bytes(np.maximum.reduceat(lengths, heads)).tolist()
        self.min_len_raw = np.minimum.reduceat(lengths, heads).tolist()
        self.max_len_raw = np.maximum.reduceat(lengths, heads).tolist()
        top = np.maximum.reduceat(deltas, heads)
        self.width = np.where(top < 1 << 8, 1, np.where(top < 1 << 16, 2, 4)).tolist()
        self.first_id = docs[heads].tolist()
        self.last_id = docs[starts[1:] - 1].tolist()
        self.ids = {1: deltas.astype("<u1").tobytes(), 2: deltas.astype("<u2").tobytes(),
                    4: deltas.astype("<u4").tobytes()}
        self.codes = {1: b"B", 2: b"H", 4: b"I"}
        self.w = weights.astype("<f4").tobytes()
        self.values = None if freqs is None else freqs.astype(">u4").tobytes()

    def write(self, post, code: int) -> None:
        lo, hi = self.starts[code], self.starts[code + 1]
        width = self.width[code]
        ids = self.codes[width] + self.ids[width][lo * width:hi * width]
        if self.same[code]:
            first = self.first_w[code]
            weights = None if first == 1.0 else first
        else:
            weights = self.w[lo * 4:hi * 4]
        values = None if self.values is None else self.values[lo * 4:hi * 4]
        maxweight = self.max_w[code]
        _emit_block(post, ids, weights, values, hi - lo, self.last_id[code], maxweight, self.min_len[code],
                    self.max_len[code], last=True)
        ti = post._terminfo
        # what W3TermInfo.add_block does with a block's figures
        ti._weight += self.sum_w[code]
        ti._df += hi - lo
        ml = self.min_len_raw[code]
        ti._minlength = ml if ti._minlength is None else min(ti._minlength, ml)
        ti._maxlength = max(ti._maxlength, self.max_len_raw[code])
        ti._maxweight = max(ti._maxweight, maxweight)
        if ti._minid is None:
            ti._minid = self.first_id[code]
        ti._maxid = self.last_id[code]


def _write_blocks(post, ids: np.ndarray, weights: np.ndarray, freqs: np.ndarray | None,
                  lengths: np.ndarray) -> None:
    """One term's postings as Whoosh 3 blocks (the layout of ``W3PostingsWriter._write_block``
    with the data of :class:`indexer.codec.JinbaoPostingsWriter`)."""
    terminfo = post._terminfo
    assert isinstance(terminfo, W3TermInfo)
    n = len(ids)
    for start in range(0, n, BLOCK_LIMIT):
        stop = min(n, start + BLOCK_LIMIT)
        b_ids, b_w, b_len = ids[start:stop], weights[start:stop], lengths[start:stop]
        block = _Block(b_ids, b_w, b_len)
        terminfo.add_block(block)
        first = float(b_w[0])
        mini_w = (None if first == 1.0 else first) if bool((b_w == b_w[0]).all()) else b_w.astype("<f4").tobytes()
        values = None if freqs is None else freqs[start:stop].astype(">u4").tobytes()
        _emit_block(post, _pack_ids(b_ids), mini_w, values, stop - start, int(b_ids[-1]), block.maxweight,
                    length_to_byte(block.min_length() or None), length_to_byte(block.max_length()), last=stop == n)


def _emit_block(post, ids: bytes, weights, values: bytes | None, count: int, last_id: int, maxweight: float,
                min_len: int, max_len: int, last: bool) -> None:
    """One block in the layout of ``W3PostingsWriter._write_block`` (header magic before a
    term's first block; the size negative on its last), its data as
    :class:`indexer.codec.JinbaoPostingsWriter` packs it."""
    comp = post._compression
    data = pickle.dumps((ids, weights, values), 2)
    if comp:
        data = zlib.compress(data, comp)
    info = pickle.dumps((count, last_id, maxweight, comp, min_len, max_len), 2)
    postfile = post._postfile
    if not post._blockcount:
        postfile.write(WHOOSH3_HEADER_MAGIC)
    size = len(info) + len(data)
    postfile.write_int(-size if last else size)
    postfile.write(info)
    postfile.write(data)
    post._blockcount += 1
