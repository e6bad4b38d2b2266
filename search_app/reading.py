"""The reading room: an article, its page and issue, its continuations and neighbours,
the papers' issue lists, and the pages of an official or a region over the years."""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from indexer.aliases import resolve
from indexer.jumps import page_number, pick_continuation

from .coverage import paper_coverage
from .facets import month_histogram
from .handle import IndexHandle


class ReadingRoom:
    """Everything a reader opens besides a result list, over one :class:`IndexHandle`."""

    def __init__(self, handle: IndexHandle) -> None:
        self.index = handle
        self._papers: tuple[Any, list[dict[str, Any]]] | None = None  # (facet table, papers)

    def article(self, article_id: str, searcher: Searcher | None = None) -> dict[str, Any] | None:
        own = searcher is None
        searcher = searcher or self.index.borrow()
        try:
            stored = searcher.document(id=article_id)
            return json.loads(stored["doc"]) if stored else None
        finally:
            if own:
                self.index.give_back(searcher)

    def successor(self, article_id: str, searcher: Searcher) -> str | None:
        """Where the text of an id that no longer exists went (a re-parse split its page
        differently), or None."""
        return resolve(article_id, self.index.aliases(), lambda i: searcher.document(id=i) is not None)

    def earlier_text_moved(self, article_id: str, searcher: Searcher) -> str | None:
        """For a live id that held another text before a re-parse: the id holding that text now."""
        target = self.index.aliases().get(article_id)
        return target if target is not None and searcher.document(id=target) is not None else None

    def page_articles(self, paper: str, date: str, page: int, searcher: Searcher) -> list[dict[str, Any]]:
        """The articles of one printed page, in page order."""
        key = f"{paper}/{date}/{page:02d}"
        docs = [json.loads(f["doc"]) for f in searcher.documents(page_key=key)]
        return sorted(docs, key=lambda d: d["seq"])

    def issue_articles(self, paper: str, date: str, searcher: Searcher) -> list[dict[str, Any]]:
        """Every article of one issue, by page and position."""
        query = wq.And([wq.Term("paper", paper), wq.Term("date", date)])
        docs = [json.loads(searcher.stored_fields(n)["doc"]) for n in searcher.docs_for_query(query)]
        return sorted(docs, key=lambda d: (d["page"], d["seq"]))

    def continuations(self, doc: dict[str, Any], searcher: Searcher) -> dict[str, dict | None]:
        """The other parts of a jumped article (下转/上接) when the archive holds them."""
        links: dict[str, dict | None] = {"on": None, "from": None}
        for direction, label in (("on", doc.get("continued_on")), ("from", doc.get("continued_from"))):
            target = page_number(label)
            if target is None or target == doc["page"]:
                continue
            candidates = self.page_articles(doc["paper"], doc["date"], target, searcher)
            links[direction] = pick_continuation(doc, candidates, direction)
        return links

    def more_like(self, doc: dict[str, Any], searcher: Searcher, top: int = 5, numterms: int = 15) -> list[dict[str, Any]]:
        """Articles sharing the most distinctive words of this one: tf-idf over the words the
        article shares with others (words found in no other article cannot connect it)."""
        text = " ".join([doc.get("title") or "", *doc.get("subtitles", []), doc["body"]])
        analyzer = searcher.schema["body"].analyzer
        tf = Counter(t.text for t in analyzer(text) if len(t.text) > 1)
        n = max(searcher.doc_count(), 1)
        scored = []
        for word, freq in tf.items():
            df = searcher.doc_frequency("body", word)
            if 2 <= df <= max(2, n // 3):
                scored.append((freq * math.log(n / df), word))
        terms = [wq.Term("body", w, boost=score) for score, w in sorted(scored, reverse=True)[:numterms]]
        if not terms:
            return []
        hits = searcher.search(wq.AndNot(wq.Or(terms), wq.Term("id", doc["id"])), limit=top)
        return [json.loads(h["doc"]) for h in hits]

    def issue_neighbours(self, doc: dict[str, Any], searcher: Searcher) -> dict[str, Any]:
        """Previous/next page of the same issue and the issue's page numbers."""
        pages = self.index.table(searcher).issue_pages(doc["paper"], doc["date"])
        i = pages.index(doc["page"]) if doc["page"] in pages else -1
        return {
            "pages": pages,
            "prev": pages[i - 1] if i > 0 else None,
            "next": pages[i + 1] if 0 <= i < len(pages) - 1 else None,
        }

    def papers(self, searcher: Searcher) -> list[dict[str, Any]]:
        """Papers with their issues grouped by year (newest first) and their coverage
        (:func:`search_app.coverage.paper_coverage`: first/last issue, issues, articles, gaps)."""
        table = self.index.table(searcher)
        if self._papers is not None and self._papers[0] is table:  # once per index generation
            return self._papers[1]
        issues = table.issues()
        out = []
        for slug in sorted(issues, key=lambda s: table.paper_names.get(s, s)):
            dates, articles = issues[slug]
            by_year: dict[str, list[str]] = {}
            for date in sorted(dates, reverse=True):
                by_year.setdefault(date[:4], []).append(date)
            out.append({"slug": slug, "name": table.paper_names.get(slug, slug), "years": by_year,
                        **paper_coverage(dates, articles)})
        self._papers = (table, out)
        return out

    def entity_stats(self, field_name: str, value: str, searcher: Searcher, latest: int = 10) -> dict[str, Any]:
        """Timeline, co-occurring officials and regions, and latest articles of an official
        (``leaders``) or a region (``region_path``)."""
        table = self.index.table(searcher)
        docs = self.index.evaluator(searcher).ids(wq.Term(field_name, value))
        officials = table.count(docs, "leader")
        regions = table.count(docs, "region")
        if field_name == "leaders":
            officials.pop(value, None)
        else:
            regions.pop(value, None)
        newest = table.in_order(docs, "newest", latest)
        return {
            "total": len(docs),
            "timeline": month_histogram(table.count(docs, "month")),
            "officials": officials.most_common(15),
            "regions": regions.most_common(15),
            "latest": [json.loads(searcher.stored_fields(n)["doc"]) for n in newest],
        }
