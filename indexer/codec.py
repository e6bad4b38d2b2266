"""The postings format of the index: Whoosh's ``W3Codec`` with blocks numpy can read.

Whoosh 3 stores each block of a posting list as a pickled tuple of Python ints (the id
deltas) and floats (the weights). Decoding a common word's postings then costs one Python
object per posting, which at a million articles is most of a query's time. This codec
keeps Whoosh's file layout (block headers, term infos, compression) and changes only what
a block's data holds: the id deltas as one little-endian integer array (the narrowest of
uint8/16/32 that holds them, its type in the first byte) and the weights as float32 bytes
(or, as before, ``None`` for all ones and one float for a constant). Blocks hold up to
:data:`BLOCK_LIMIT` postings instead of 128, so a posting list is a few large reads.

:func:`decode_postings` turns a whole posting list (either format: segments written
before this codec keep Whoosh's) into two numpy arrays; :class:`JinbaoLeafMatcher` is the
Whoosh matcher over the same bytes, so every Whoosh query (phrases, the writer's merges,
``jinbao``'s own fallback paths) reads new and old segments alike.

The codec instance is pickled into each segment's table of contents: this module path and
the class names are part of the index format and must not move.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from array import array
from bisect import bisect_left

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3Codec, W3LeafMatcher, W3PostingsWriter, _lenfield
from whoosh.matching import FilterMatcher, ListMatcher, ReadTooFar
from whoosh.util.numeric import byte_to_length

BLOCK_LIMIT = 1024
"""Postings per block: few enough that a skip inside a block stays cheap (a bisection),
many enough that a posting list of 700,000 ids is ~700 reads, not 5,500."""

_INT = struct.Struct("!i")
_ID_TYPES = {b"B"[0]: np.dtype("<u1"), b"H"[0]: np.dtype("<u2"), b"I"[0]: np.dtype("<u4")}
_F32 = np.dtype("<f4")


def _pack_ids(ids: array) -> bytes:
    """Ascending ids as their deltas (the first one absolute), type byte first."""
    a = np.frombuffer(ids, dtype=np.uint32) if isinstance(ids, array) and ids.typecode == "I" else \
        np.asarray(ids, dtype=np.uint32)
    deltas = np.diff(a, prepend=np.uint32(0))
    top = int(deltas.max()) if len(deltas) else 0
    code, dtype = (b"B", _ID_TYPES[b"B"[0]]) if top < 1 << 8 else \
        (b"H", _ID_TYPES[b"H"[0]]) if top < 1 << 16 else (b"I", _ID_TYPES[b"I"[0]])
    return code + deltas.astype(dtype).tobytes()


def _unpack_ids(data) -> np.ndarray:
    """A block's ids (int64, absolute) from either format."""
    if isinstance(data, bytes):
        return np.cumsum(np.frombuffer(data, dtype=_ID_TYPES[data[0]], offset=1), dtype=np.int64)
    return np.cumsum(np.asarray(data, dtype=np.int64))  # Whoosh's tuple of deltas


def _unpack_weights(data, count: int) -> np.ndarray:
    if data is None:
        return np.ones(count, dtype=_F32)
    if isinstance(data, float):
        return np.full(count, data, dtype=_F32)
    if isinstance(data, bytes):
        return np.frombuffer(data, dtype=_F32)
    return np.asarray(data, dtype=_F32)


class JinbaoPostingsWriter(W3PostingsWriter):
    """Whoosh's postings writer with numpy-readable block data (see the module docstring)."""

    def _mini_ids(self):
        if self._byteids:  # term vectors: Whoosh's own format
            return super()._mini_ids()
        return _pack_ids(self._ids)

    def _mini_weights(self):
        weights = self._weights
        first = weights[0]
        if all(w == first for w in weights):
            return None if first == 1.0 else first
        return np.asarray(weights, dtype=_F32).tobytes()


class JinbaoLeafMatcher(W3LeafMatcher):
    """Whoosh's block matcher reading both block formats; ``skip_to`` bisects in a block."""

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        data = self._data[0]
        if isinstance(data, bytes) and not self._byteids:
            ids = array("q")
            ids.frombytes(_unpack_ids(data).tobytes())
            self._ids = ids
        else:
            super()._read_ids()

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        data = self._data[1]
        if isinstance(data, bytes):
            weights = array("f")
            weights.frombytes(np.frombuffer(data, dtype=_F32).astype(np.float32).tobytes())
            self._weights = weights
        else:
            super()._read_weights()

    def skip_to(self, targetid):
        if not self.is_active():
            raise ReadTooFar
        if targetid <= self.id():
            return
        if targetid > self._maxid:
            self._skip_to_block(lambda: targetid > self._maxid)
            if not self.is_active():
                return
        if self._ids is None:
            self._read_ids()
        self._i = bisect_left(self._ids, targetid, self._i, self._blocklength)
        if self._i >= self._blocklength:  # cannot happen: the block's last id >= target
            self._next_block()


class JinbaoCodec(W3Codec):
    """``W3Codec`` writing :class:`JinbaoPostingsWriter` blocks of :data:`BLOCK_LIMIT`."""

    def __init__(self, blocklimit: int = BLOCK_LIMIT, compression: int = 3, inlinelimit: int = 1) -> None:
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        return JinbaoPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                    compression=self._compression, inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)
        offset, length = terminfo.extent()
        return JinbaoLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


def decode_postings(raw: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(ids int64, weights float32) of a whole posting list as stored on disk (either block
    format), in one pass over its blocks."""
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError("not a Whoosh 3 posting list")
    pos, end = 4, len(raw)
    id_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    view = memoryview(raw)
    while pos < end:
        (length,) = _INT.unpack_from(raw, pos)
        pos += 4
        last = length < 0
        stop = pos + abs(length)
        block = io.BytesIO(view[pos:stop])
        count, _maxid, _maxweight, compression, _mn, _mx = pickle.load(block)
        data = block.read()
        ids, weights, _values = pickle.loads(zlib.decompress(data) if compression else data)
        id_parts.append(_unpack_ids(ids))
        weight_parts.append(_unpack_weights(weights, count))
        pos = stop
        if last:
            break
    if not id_parts:
        return np.empty(0, np.int64), np.empty(0, _F32)
    if len(id_parts) == 1:
        return id_parts[0], weight_parts[0]
    return np.concatenate(id_parts), np.concatenate(weight_parts)


def matcher_postings(m) -> tuple[np.ndarray, np.ndarray] | None:
    """The arrays of a term matcher as Whoosh's codec returns it (a block matcher or the
    list matcher of an inlined posting list); None for any other matcher."""
    if isinstance(m, W3LeafMatcher):
        length = m._length[0] if isinstance(m._length, tuple) else m._length  # a 1-tuple in Whoosh's term infos
        return decode_postings(m._postfile.get(m._startoffset, length))
    if type(m) is ListMatcher:
        ids = np.asarray(m._ids, dtype=np.int64)
        if m._weights is not None:
            return ids, np.asarray(m._weights, dtype=_F32)
        return ids, np.full(len(ids), m._all_weights or 1.0, dtype=_F32)
    return None


def unfiltered(m):
    """A segment's term matcher without the filter Whoosh wraps around it to skip deleted
    documents (the callers drop or map those themselves)."""
    if isinstance(m, FilterMatcher) and m._exclude:
        return m.child
    return m


LENGTH_OF_BYTE = np.array([byte_to_length(b) if b else 0 for b in range(256)], dtype=np.int64)
"""A field-length byte decoded as Whoosh's readers decode it (0: no value)."""


def length_bytes(perdoc, fieldname: str, count: int) -> np.ndarray | None:
    """The stored length byte of one field for each of a segment's ``count`` documents
    (uint8, zeros past the column's end), in one read of its fixed-width column; None when
    the segment has no lengths column for the field. ``perdoc`` is whoosh-reloaded 2.7.5's
    per-document reader (AttributeError for another layout)."""
    col = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if col is None:
        return None
    raw = np.frombuffer(col._dbfile.get(col._basepos, col._count), dtype=np.uint8)[:count]
    if len(raw) < count:
        raw = np.concatenate([raw, np.zeros(count - len(raw), dtype=np.uint8)])
    return raw


__all__ = ["BLOCK_LIMIT", "LENGTH_OF_BYTE", "JinbaoCodec", "JinbaoLeafMatcher", "decode_postings", "length_bytes",
           "matcher_postings", "unfiltered"]
