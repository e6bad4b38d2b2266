"""Decoded posting lists kept between requests, bounded by their bytes.

Segments never change once written (a deletion only marks documents, and those are
dropped at query time), so a term's decoded arrays stay valid for as long as its segment
is part of the index. The cache belongs to the engine's index handle; entries of segments
that left the index simply age out.
"""

from __future__ import annotations

import numpy as np

from .lru import LRU

DEFAULT_BYTES = 256 << 20
"""Decoded postings kept per engine (~256 MB: the hot terms of a million-article archive)."""
MIN_POSTINGS = 4096
"""Shorter lists decode in well under a millisecond: not worth a cache slot."""


class PostingCache:
    """(segment id, field, term bytes) -> (ids, weights), least recently used out first."""

    def __init__(self, max_bytes: int = DEFAULT_BYTES) -> None:
        self.max_bytes = max_bytes
        self._lru: LRU[tuple[np.ndarray, np.ndarray]] = LRU(max_bytes, lambda v: v[0].nbytes + v[1].nbytes)

    def get(self, key: tuple) -> tuple[np.ndarray, np.ndarray] | None:
        return self._lru.get(key)

    def put(self, key: tuple, value: tuple[np.ndarray, np.ndarray]) -> None:
        size = value[0].nbytes + value[1].nbytes
        if len(value[0]) < MIN_POSTINGS or size > self.max_bytes // 4 or key in self._lru:
            return
        for a in value:
            a.setflags(write=False)  # shared between requests: nobody may change them
        self._lru.put(key, value)

    def clear(self) -> None:
        self._lru.clear()
