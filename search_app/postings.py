"""Decoded posting lists kept between requests, bounded by their bytes.

Segments never change once written (a deletion only marks documents, and those are
dropped at query time), so a term's decoded arrays stay valid for as long as its segment
is part of the index. The cache belongs to the engine's index handle; entries of segments
that left the index simply age out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

DEFAULT_BYTES = 256 << 20
"""Decoded postings kept per engine (~256 MB: the hot terms of a million-article archive)."""
MIN_POSTINGS = 4096
"""Shorter lists decode in well under a millisecond: not worth a cache slot."""


class PostingCache:
    """(segment id, field, term bytes) -> (ids, weights), least recently used out first."""

    def __init__(self, max_bytes: int = DEFAULT_BYTES) -> None:
        self.max_bytes = max_bytes
        self.held = 0
        self._data: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> tuple[np.ndarray, np.ndarray] | None:
        with self._lock:
            found = self._data.get(key)
            if found is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: tuple, value: tuple[np.ndarray, np.ndarray]) -> None:
        size = value[0].nbytes + value[1].nbytes
        if len(value[0]) < MIN_POSTINGS or size > self.max_bytes // 4:
            return
        for a in value:
            a.setflags(write=False)  # shared between requests: nobody may change them
        with self._lock:
            if key in self._data:
                return
            self._data[key] = value
            self.held += size
            while self.held > self.max_bytes and self._data:
                _key, (ids, weights) = self._data.popitem(last=False)
                self.held -= ids.nbytes + weights.nbytes

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.held = 0
