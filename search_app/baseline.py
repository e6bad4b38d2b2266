"""The baseline for ``jinbao eval search --baseline``: plain Whoosh + jieba's bundled
``ChineseAnalyzer`` over the same articles, queried with Whoosh's own ``QueryParser``.

Evaluation code only (it uses jieba's global default tokenizer, which the product never
does); it answers with the same JSON shape as ``/api/search`` so the same harness scores
both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh import query as wq
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.qparser import MultifieldParser


class BaselineSearch:
    def __init__(self, docs: list[dict[str, Any]], index_dir: Path, gazetteer) -> None:
        from jieba.analyse import ChineseAnalyzer

        analyzer = ChineseAnalyzer()
        schema = Schema(id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer, field_boost=2.0),
                        body=TEXT(analyzer=analyzer), region_path=KEYWORD(commas=True), leaders=KEYWORD(commas=True),
                        paper=ID, date=ID(sortable=True))
        index_dir.mkdir(parents=True, exist_ok=True)
        self.ix = windex.create_in(str(index_dir), schema)
        with self.ix.writer() as w:
            for d in docs:
                path = {r for name in d.get("regions", []) for r in [name, *gazetteer.ancestors(name)]}
                w.add_document(id=d["id"], title=" ".join([d.get("title") or "", *d.get("subtitles", [])]),
                               body=d["body"], region_path=",".join(path), leaders=",".join(d.get("leaders", [])),
                               paper=d["paper"], date=d["date"])
        self.parser = MultifieldParser(["title", "body"], schema)

    def search(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        q = params.get("q") or ""
        main = self.parser.parse(q) if q.strip() else wq.Every()
        filters: list[wq.Query] = []
        for field_name, key in (("region_path", "region"), ("leaders", "leader"), ("paper", "paper")):
            values = params.get(key) or []
            if values:
                filters.append(wq.Or([wq.Term(field_name, v) for v in values]))
        if params.get("from") or params.get("to"):
            filters.append(wq.TermRange("date", params.get("from"), params.get("to")))
        with self.ix.searcher() as s:
            hits = s.search(main, filter=wq.And(filters) if filters else None, limit=params.get("per_page", 10))
            return 200, {"total": len(hits), "results": [{"id": h["id"]} for h in hits]}
