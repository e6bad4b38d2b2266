"""The fixed query mix, chosen deterministically from what the generator wrote.

Each kind is a list of variants ``(label, params)``; ``params`` are ``/api/search``
parameters (lists for repeatable ones). :func:`to_search_params` turns them into the
engine's :class:`~search_app.engine.SearchParams`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

COMMON = ["发展", "工作", "建设"]
PHRASES = ['"高质量发展"', '"正确政绩观"', '"营商环境"']
TRADITIONAL = ["環境保護", "經濟發展", "安全生產"]


def rare_words(meta: dict, rng: random.Random, count: Callable[[str], int] | None, k: int = 3) -> list[str]:
    """Dictionary words of 3–4 characters the generator put into a few articles, kept
    when they occur (as exact strings anywhere, ``count``) in 1–5 articles: the sample
    sentences and other words may contain them too."""
    df = meta["word_df"]
    cands = [w for _d, w in sorted((abs(c - 3), w) for w, c in df.items() if 1 <= c <= 10 and len(w) >= 3)]
    rng.shuffle(cands)
    out = []
    for w in cands[:500]:
        if count is None or 1 <= count(w) <= 5:
            out.append(w)
            if len(out) == k:
                break
    return out


FRESH = 50
"""Distinct common words asked once each (kind ``fresh``): no cache of decoded postings or
answers can have seen them in that process."""


def fresh_words(index_dir, rng: random.Random, k: int = FRESH) -> list[str]:
    """Common words of the index (in 2–40 % of its articles, two or more Han characters)
    other than the mix's own, each used once."""
    from indexer.indexdir import open_index

    used = set(COMMON) | {"项目", "工作", "调研", "乡村振兴", "安全生产", "督察", "安全"}
    with open_index(index_dir).reader() as r:
        n = max(1, r.doc_count())
        cands = []
        for term in r.lexicon("body"):
            word = term.decode("utf-8")
            if len(word) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in word) and word not in used:
                if 0.02 * n <= r.doc_frequency("body", term) <= 0.4 * n:
                    cands.append(word)
    rng.shuffle(cands)
    return sorted(cands[:k])


def officials(meta: dict) -> list[str]:
    """A busy official (most articles), one of medium frequency and a rarely named one."""
    names = list(meta["officials_df"])
    picks = [names[0], names[min(len(names) - 1, 40)], names[-1]]
    return list(dict.fromkeys(picks))


def query_mix(meta: dict, seed: int, count: Callable[[str], int] | None = None, index_dir=None
              ) -> list[tuple[str, str, list[tuple[str, dict]]]]:
    """[(kind key, description, variants)] in the order they are run and printed;
    ``count(text)`` (articles containing an exact string) helps choose the rare words."""
    rng = random.Random(seed + 4)
    rare = rare_words(meta, rng, count)
    names = officials(meta)
    counties = meta["counties"]["jinzhong-daily"]
    county = rng.choice([c for c in counties if len(c) >= 3])
    # a middle year in which every paper has pages (the multi-filter query needs jinzhong-daily)
    by_year = meta["pages_by_year"]
    years = sorted(set.intersection(*(set(y) for y in by_year.values())) or set(by_year["jinzhong-daily"]))
    year = years[len(years) // 2]
    straddle = meta["straddling"][:3]
    fresh = fresh_words(index_dir, random.Random(seed + 9)) if index_dir is not None else []
    mix = [
        ("common", "common word", [(q, {"q": q}) for q in COMMON]),
        *([("fresh", f"{len(fresh)} common words, each asked once (nothing cached)",
            [(q, {"q": q}) for q in fresh])] if fresh else []),
        ("rare", "rare word (1–5 articles)", [(q, {"q": q}) for q in rare]),
        ("official", "official's name", [(q, {"q": q}) for q in names]),
        ("phrase", "quoted phrase", [(q, {"q": q}) for q in PHRASES]),
        ("straddle", "exact string across jieba words", [(q, {"q": q}) for q in straddle]),
        ("or_not", "OR / NOT", [(q, {"q": q}) for q in ("太谷 OR 祁县 -督察", "平遥 OR 介休", "项目 -安全")]),
        ("traditional", "traditional characters", [(q, {"q": q}) for q in TRADITIONAL]),
        ("f_region", "word + region filter", [
            (f"发展 region={county}", {"q": "发展", "region": [county]}),
            ("安全生产 region=太原市", {"q": "安全生产", "region": ["太原市"]}),
        ]),
        ("f_paper", "word + paper filter", [
            ("项目 paper=datong-daily", {"q": "项目", "paper": ["datong-daily"]}),
            ("乡村振兴 paper=luzhou", {"q": "乡村振兴", "paper": ["luzhou"]}),
        ]),
        ("f_dates", "word + date range", [
            (f"乡村振兴 {year}", {"q": "乡村振兴", "from": f"{year}-01-01", "to": f"{year}-12-31"}),
            (f"发展 {year} Q2", {"q": "发展", "from": f"{year}-04-01", "to": f"{year}-06-30"}),
        ]),
        ("f_leader", "word + official filter", [
            (f"调研 leader={names[0]}", {"q": "调研", "leader": [names[0]]}),
            (f"工作 leader={names[1 % len(names)]}", {"q": "工作", "leader": [names[1 % len(names)]]}),
        ]),
        ("f_multi", "word + region + paper + year", [
            (f"发展 晋中市 jinzhong-daily {year}", {"q": "发展", "region": ["晋中市"], "paper": ["jinzhong-daily"],
                                               "year": [year]}),
        ]),
        ("empty", "no words, filters only (newest first)", [
            ("region=晋中市", {"region": ["晋中市"]}),
            (f"paper=luzhou {year}", {"paper": ["luzhou"], "from": f"{year}-01-01", "to": f"{year}-12-31"}),
            (f"leader={names[0]}", {"leader": [names[0]]}),
        ]),
    ]
    return mix


def to_search_params(params: dict):
    from search_app.engine import SearchParams

    def date(v: str | None) -> dt.date | None:
        return dt.date.fromisoformat(v) if v else None

    return SearchParams(q=params.get("q", ""), regions=list(params.get("region", [])),
                        leaders=list(params.get("leader", [])), papers=list(params.get("paper", [])),
                        years=list(params.get("year", [])), date_from=date(params.get("from")),
                        date_to=date(params.get("to")), sort=params.get("sort", "relevance"),
                        page=int(params.get("page", 1)), per_page=int(params.get("per_page", 10)))
