"""A second reference: tantivy (Rust, via PyPI ``tantivy``) over the same articles and tokens.

What a user would pick instead of jinbao for a native engine. Built from the jinbao index
(the stored article JSON), so both hold the same articles, regions and officials:

* ``title``/``body`` — the articles' jieba words (the index's dictionary) joined by spaces,
  tokenised on whitespace: BM25 ranking (title boosted ×3) and AND of words;
* ``chars`` — the character bigrams jinbao indexes (a gap token where jinbao's ordinals
  leave one), with positions: an exact string is a phrase of consecutive bigrams;
* ``paper``/``region``/``leader``/``year``/``month`` — raw-token fast fields for filters and
  ``terms`` aggregations; ``day`` — a fast integer for date ranges and newest/oldest.

Query semantics follow :mod:`benchlib.fts5_ref` (an unquoted chunk: all its words, or the
chunk as an exact string; quoted: exact; ``OR``, ``-x``, ``标题:``). Each search does what
jinbao's does: the count of all matches, the facets over all matches (a facet with
selected values counted without its own filter) and the month histogram (aggregations),
then the first page ranked by BM25 (or by date) with snippets.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

import tantivy

FACET_SIZE = 50
GAP = "·"
_EPOCH = dt.date(1970, 1, 1)


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("title", stored=True, tokenizer_name="whitespace")
    sb.add_text_field("body", stored=True, tokenizer_name="whitespace")
    sb.add_text_field("chars", stored=False, tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("title_chars", stored=False, tokenizer_name="whitespace", index_option="position")
    for name in ("id", "paper", "region", "leader", "year", "month"):
        sb.add_text_field(name, stored=name == "id", tokenizer_name="raw", fast=True)
    sb.add_integer_field("day", stored=True, indexed=True, fast=True)
    return sb.build()


def _bigram_text(text: str) -> str:
    from indexer.analysis import CharBigramTokenizer

    out, last = [], -1
    for t in CharBigramTokenizer()(text, positions=True):
        if last >= 0 and t.pos > last + 1:
            out.append(GAP)
        out.append(t.text)
        last = t.pos
    return " ".join(out)


def _prepare(item: tuple[dict, list[str]]) -> dict:
    from indexer.analysis import JiebaTokenizer

    doc, region_path = item
    head = " ".join([doc.get("title") or "", *doc.get("subtitles", [])]).strip()
    text = "\n".join([doc["body"], *doc.get("fragments", []), doc.get("signature") or ""]).strip()
    words = JiebaTokenizer()
    return {"id": doc["id"], "title": " ".join(t.text for t in words(head)),
            "body": " ".join(t.text for t in words(text)), "chars": _bigram_text(head + "\n" + text),
            "title_chars": _bigram_text(head), "paper": doc["paper"], "region": region_path,
            "leader": list(doc.get("leaders", [])), "year": doc["date"][:4], "month": doc["date"][:7],
            "day": (dt.date.fromisoformat(doc["date"]) - _EPOCH).days}


def build(index_dir: Path, out_dir: Path, log=print) -> dict:
    """Build the tantivy index from the jinbao index in ``index_dir`` (2 indexing threads)."""
    import multiprocessing
    import shutil

    from indexer.build import active_dir, configure_segmenter, open_index, read_userdict, region_path
    from indexer.gazetteer import Gazetteer

    started = time.perf_counter()
    gazetteer = Gazetteer.load()
    configure_segmenter(gazetteer, read_userdict(active_dir(index_dir)))
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    index = tantivy.Index(_schema(), path=str(out_dir))
    writer = index.writer(heap_size=512 << 20, num_threads=2)
    ctx = multiprocessing.get_context("fork")
    n = 0
    with open_index(index_dir).searcher() as s, ctx.Pool(2) as pool:
        stored = ((json.loads(f["doc"]),) for f in s.all_stored_fields())
        items = ((doc, region_path(doc.get("regions", []), gazetteer)) for (doc,) in stored)
        for fields in pool.imap(_prepare, items, chunksize=64):
            writer.add_document(tantivy.Document(**fields))
            n += 1
            if log and n % 50000 == 0:
                log(f"  tantivy: {n} articles")
    writer.commit()
    writer.wait_merging_threads()
    size = sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file())
    return {"seconds": round(time.perf_counter() - started, 1), "articles": n, "bytes": size}


class Reference:
    """Searches the tantivy index; :meth:`search` answers ``/api/search``-style params."""

    def __init__(self, path: Path, index_dir: Path) -> None:
        from indexer import segment
        from indexer.build import active_dir, configure_segmenter, read_userdict
        from indexer.gazetteer import Gazetteer

        configure_segmenter(Gazetteer.load(), read_userdict(active_dir(index_dir)))
        self.index = tantivy.Index.open(str(path))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self._cut = segment.current().cut

    def _words(self, text: str) -> list[str]:
        from indexer.normalize import normalize

        words = [w.strip() for w in self._cut(normalize(text))]
        words = [w for w in words if w and any(c.isalnum() for c in w)]
        long_words = [w for w in words if len(w) > 1 or not ("\u4e00" <= w[0] <= "\u9fff")]
        return long_words or words

    def _term(self, field: str, value) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)

    def _exact(self, text: str, title_only: bool) -> tantivy.Query | None:
        from indexer.analysis import bigrams_of

        grams = bigrams_of(text)
        field = "title_chars" if title_only else "chars"
        if not grams:
            return None
        if len(grams) == 1:
            return self._term(field, grams[0])
        return tantivy.Query.phrase_query(self.schema, field, grams)

    def _chunk(self, text: str, exact: bool, title_only: bool) -> tuple[tantivy.Query | None, list[str]]:
        words = self._words(text)
        phrase = self._exact(text, title_only)
        if exact:
            return phrase, words
        fields = ("title",) if title_only else ("title", "body")
        if not words:
            return phrase, words
        every = tantivy.Query.boolean_query([
            (tantivy.Occur.Must, tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.boost_query(self._term(f, w), 3.0 if f == "title" else 1.0))
                 for f in fields])) for w in words])
        if phrase is None or len(re.sub(r"\s+", "", text)) < 3:
            return every, words
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, every),
                                            (tantivy.Occur.Should, tantivy.Query.const_score_query(phrase, 0.0))]), words

    def _words_query(self, q: str) -> tantivy.Query | None:
        from search_app.query import parse_query

        parsed = parse_query(q)
        clauses = []
        for group in parsed.groups:
            options = [c for c, _w in (self._chunk(t.text, t.exact, t.title_only) for t in group) if c is not None]
            if options:
                clauses.append((tantivy.Occur.Must, options[0] if len(options) == 1 else
                                tantivy.Query.boolean_query([(tantivy.Occur.Should, o) for o in options])))
        for term in parsed.excluded:
            c, _w = self._chunk(term.text, term.exact, term.title_only)
            if c is not None:
                clauses.append((tantivy.Occur.MustNot, c))
        if not any(occur == tantivy.Occur.Must for occur, _c in clauses):
            if not clauses:
                return None
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses)

    def _filters(self, params: dict, skip: str | None = None) -> list:
        def values(name: str) -> list[str]:
            v = params.get(name) or []
            return [v] if isinstance(v, str) else list(v)

        out = []
        for facet in ("region", "leader", "paper", "year"):
            v = values(facet)
            if v and facet != skip:
                out.append((tantivy.Occur.Must, tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, self._term(facet, x)) for x in v])))
        if params.get("from") or params.get("to"):
            lo = (dt.date.fromisoformat(params["from"]) - _EPOCH).days if params.get("from") else -(1 << 30)
            hi = (dt.date.fromisoformat(params["to"]) - _EPOCH).days if params.get("to") else 1 << 30
            out.append((tantivy.Occur.Must, tantivy.Query.range_query(self.schema, "day", tantivy.FieldType.Integer,
                                                                       lo, hi, True, True)))
        return out

    def _query(self, words: tantivy.Query | None, params: dict, skip: str | None = None) -> tantivy.Query:
        clauses = ([(tantivy.Occur.Must, words)] if words is not None else []) + self._filters(params, skip)
        if not clauses:
            return tantivy.Query.all_query()
        return clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)

    def search(self, params: dict) -> dict:
        started = time.perf_counter()
        words = self._words_query(params.get("q", ""))
        query = self._query(words, params)
        per_page = int(params.get("per_page", 10))
        offset = (int(params.get("page", 1)) - 1) * per_page
        sort = params.get("sort", "relevance")
        if sort == "relevance" and words is not None:
            found = self.searcher.search(query, limit=per_page, offset=offset, count=True)
        else:
            found = self.searcher.search(query, limit=per_page, offset=offset, count=True, order_by_field="day",
                                         order=tantivy.Order.Asc if sort == "oldest" else tantivy.Order.Desc)
        snippets = tantivy.SnippetGenerator.create(self.searcher, query, self.schema, "body") \
            if words is not None else None
        results = []
        for _score, address in found.hits:
            doc = self.searcher.doc(address)
            results.append({"id": doc["id"][0], "title": doc["title"][0] if doc["title"] else "",
                            "snippet": snippets.snippet_from_doc(doc).to_html() if snippets else ""})
        aggs = {f: {"terms": {"field": f, "size": FACET_SIZE if f in ("region", "leader") else 1000}}
                for f in ("region", "leader", "paper", "year")}
        aggs["month"] = {"terms": {"field": "month", "size": 1000}}
        counted = self.searcher.aggregate(query, aggs)
        facets = {}
        for facet in ("region", "leader", "paper", "year"):
            table = counted
            if params.get(facet):
                table = self.searcher.aggregate(self._query(words, params, facet), {facet: aggs[facet]})
            facets[facet] = [{"value": b["key"], "count": b["doc_count"]} for b in table[facet]["buckets"]]
        histogram = sorted(({"month": b["key"], "count": b["doc_count"]} for b in counted["month"]["buckets"]),
                           key=lambda h: h["month"])
        return {"total": found.count, "results": results, "facets": facets, "histogram": histogram,
                "took_ms": round((time.perf_counter() - started) * 1000, 1)}

    def close(self) -> None:
        self.searcher = None
