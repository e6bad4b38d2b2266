"""The officials register: who appears in the archive, with which titles, when and where.

Rebuilt by every ``jinbao index`` run over the whole index (so it always describes exactly
what the index holds) and saved next to it as ``officials.json``, tagged with the index
generation it was built from. It is read from the segments' facet columns
(:mod:`indexer.columns`: dates, papers, regions and each document's officials with their
titles), not from the stored articles: a daily run over a large archive must not unpickle
every article.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from whoosh.searching import Searcher

from . import columns

REGISTER_FILE = "officials.json"


def build_register(searcher: Searcher, generation: Path | None = None) -> dict[str, dict[str, Any]]:
    """name -> {name, articles, first, last, papers, titles: [...], regions: [...]}, over the
    live documents; ``generation`` is where the segments' columns are stored (computed from
    the segments when absent)."""
    articles: Counter[str] = Counter()
    first: dict[str, str] = {}
    last: dict[str, str] = {}
    papers: dict[str, set[str]] = defaultdict(set)
    regions: dict[str, Counter[str]] = defaultdict(Counter)
    titles: dict[tuple[str, str], dict[str, Any]] = {}
    for leaf, _offset in searcher.reader().leaf_readers():
        segment = leaf.segment() if hasattr(leaf, "segment") else None
        cols = columns.load(generation, segment.segment_id(), leaf.doc_count_all(), officials=True) \
            if generation is not None and segment is not None else None
        cols = cols or columns.compute(leaf)
        deleted = leaf.deleted_docs_set if leaf.has_deletions() else set()
        for d, officials_json in enumerate(cols.officials):
            if not officials_json or d in deleted:
                continue
            officials = json.loads(officials_json)
            if not officials:
                continue
            date, paper = columns.day_iso(int(cols.day[d])), cols.papers[int(cols.paper[d])]
            article_regions = [r for r in cols.official_regions[d].split(",") if r]
            for name, title in officials.items():
                articles[name] += 1
                first[name] = min(first.get(name, date), date)
                last[name] = max(last.get(name, date), date)
                papers[name].add(paper)
                regions[name].update(article_regions)
                entry = titles.setdefault((name, title), {"title": title, "first": date, "last": date,
                                                          "papers": set(), "articles": 0})
                entry["first"] = min(entry["first"], date)
                entry["last"] = max(entry["last"], date)
                entry["papers"].add(paper)
                entry["articles"] += 1
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (name, _title), entry in titles.items():
        by_name[name].append(entry)
    register: dict[str, dict[str, Any]] = {}
    for name in sorted(articles):
        held = [dict(v, papers=sorted(v["papers"])) for v in by_name[name]]
        held.sort(key=lambda t: (t["first"], t["title"]))
        register[name] = {
            "name": name,
            "articles": articles[name],
            "first": first[name],
            "last": last[name],
            "papers": sorted(papers[name]),
            "titles": held,
            "regions": [{"region": r, "count": c} for r, c in regions[name].most_common()],
        }
    return register


def save_register(index_dir: Path, register: dict[str, dict[str, Any]], generation: int) -> None:
    path = index_dir / REGISTER_FILE
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.write_text(json.dumps({"generation": generation, "officials": register}, ensure_ascii=False, indent=1),
                   encoding="utf-8")
    os.replace(tmp, path)


def register_generation(index_dir: Path) -> int | None:
    """The index generation the saved register describes (None if absent or unreadable)."""
    try:
        return json.loads((index_dir / REGISTER_FILE).read_text(encoding="utf-8")).get("generation")
    except (OSError, ValueError):
        return None


def load_register(index_dir: Path) -> dict[str, dict[str, Any]]:
    path = index_dir / REGISTER_FILE
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("officials", {})
    except (OSError, ValueError):
        return {}
