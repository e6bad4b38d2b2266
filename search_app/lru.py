"""One least-recently-used map, bounded by the total cost of what it holds.

The engine keeps three kinds of things between requests — decoded posting lists (bounded by
their bytes), answers (by their number) and compact article texts (by their characters) —
and all three are this map with a different cost function.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LRU(Generic[V]):
    """A thread-safe LRU holding values whose ``cost`` adds up to at most ``budget``."""

    def __init__(self, budget: int, cost: Callable[[V], int] = lambda _value: 1) -> None:
        self.budget = budget
        self.cost = cost
        self.held = 0
        self.hits = self.misses = 0
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Hashable, value: V) -> None:
        """Keep ``value`` (replacing one under the same key), then drop the least recently
        used until the budget holds."""
        size = self.cost(value)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.held -= self.cost(old)
            self._items[key] = value
            self.held += size
            while self.held > self.budget and self._items:
                _key, dropped = self._items.popitem(last=False)
                self.held -= self.cost(dropped)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.held = 0
