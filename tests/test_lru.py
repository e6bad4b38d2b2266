"""The one LRU behind the posting, answer and text caches."""

from __future__ import annotations

from search_app.lru import LRU


def test_the_least_recently_used_go_first_and_the_budget_holds():
    lru: LRU[str] = LRU(10, len)
    lru.put("a", "xxxx")
    lru.put("b", "xxxx")
    assert lru.get("a") == "xxxx"  # a is now the most recent
    lru.put("c", "xxxx")  # 12 > 10: b goes
    assert "b" not in lru and "a" in lru and "c" in lru and lru.held == 8
    lru.put("a", "x")  # replacing counts the new cost only
    assert lru.held == 5 and len(lru) == 2
    assert lru.get("b") is None and (lru.hits, lru.misses) == (1, 1)
    lru.put("big", "x" * 11)  # more than the budget: it evicts everything, itself included
    assert len(lru) == 0 and lru.held == 0
