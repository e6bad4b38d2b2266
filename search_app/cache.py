"""Answers of recent searches, keyed by the index state they were computed on.

Readers repeat themselves: the front page's facets, the names in the news this week,
a journalist paging back and forth. A search over the whole archive costs tens of
milliseconds in pure Python; its answer, once computed, is valid until the index
changes. The key therefore includes the index generation directory, the Whoosh commit
generation and the dictionary/register state the query was parsed with, so a re-index
makes every older entry unreachable (and the LRU order drops them). Answers cut by the
time limit are not kept: the next try may complete.
"""

from __future__ import annotations

import pickle
from collections.abc import Hashable
from typing import Any

from .lru import LRU

DEFAULT_SIZE = 256
"""Answers kept (a few kB each)."""


class ResultCache:
    """A thread-safe LRU of search answers; ``size=0`` keeps nothing."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        if size < 0:
            raise ValueError(f"query cache size must be 0 or more, not {size}")
        self.size = size
        self._lru: LRU[bytes] = LRU(size)

    @property
    def hits(self) -> int:
        """Answers served from the cache so far."""
        return self._lru.hits

    def get(self, key: Hashable) -> dict[str, Any] | None:
        """A private copy of the answer (callers decorate answers for their page)."""
        if not self.size:
            return None
        blob = self._lru.get(key)
        return None if blob is None else pickle.loads(blob)

    def put(self, key: Hashable, answer: dict[str, Any]) -> None:
        if self.size:
            self._lru.put(key, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))

    def __len__(self) -> int:
        return len(self._lru)

    def clear(self) -> None:
        """Forget every answer (the key already changes with the index; this is for callers that
        change how answers are computed, such as an ablation)."""
        self._lru.clear()
