"""A reference search engine in SQLite FTS5 over the same articles and the same tokens.

Built from the jinbao index itself (the stored article JSON), so both engines hold exactly
the same articles with the same regions and officials. Tables:

* ``docs`` — one row per article (paper, date, year, month, page, title, body);
* ``doc_region`` / ``doc_leader`` — article -> region (with the prefectures above it, as
  jinbao's region filter and facet use) and article -> official;
* ``w`` — FTS5 over the articles' jieba words (``indexer.analysis.JiebaTokenizer``, the
  index's dictionary) joined by spaces, title and body columns: AND of words, ranking
  (``bm25``, title ×3) and snippets (``snippet()``);
* ``c`` — contentless FTS5 with the ``trigram`` tokenizer over the normalised text: exact
  strings of three or more characters (quoted strings, strings that straddle words).

Query semantics (close to jinbao's, not identical): an unquoted chunk matches if all its
jieba words occur as words or, for 3+ characters, the chunk occurs as an exact string; a
quoted chunk must occur exactly (trigram table; under 3 characters: a phrase of words);
``OR`` joins chunks, ``-x`` excludes, ``标题:`` searches the title column only. jinbao's
extras (a short place name matching its full name and region tag, ranking boosts) are not
reproduced, so totals may differ slightly; the bench prints both.

Each search does the same work as jinbao's: every match is collected (a temp table),
facet counts over all matches (GROUP BY per facet, a facet with selected values counted
without its own filter), the month histogram, then the first page ranked by bm25 with
snippets.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import re
import sqlite3
import time
from pathlib import Path

FACET_SIZE = 50

SCHEMA = """
CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT, paper TEXT, paper_name TEXT, date TEXT, year TEXT,
                  month TEXT, page INT, seq INT, title TEXT, body TEXT, regions TEXT, leaders TEXT);
CREATE TABLE doc_region(doc INT, region TEXT);
CREATE TABLE doc_leader(doc INT, leader TEXT);
CREATE VIRTUAL TABLE w USING fts5(title, body, tokenize="unicode61 remove_diacritics 0");
CREATE VIRTUAL TABLE c USING fts5(title, body, tokenize="trigram", content='');
"""
INDEXES = """
CREATE INDEX docs_paper ON docs(paper, date);
CREATE INDEX docs_date ON docs(date);
CREATE INDEX docs_year ON docs(year);
CREATE INDEX region_by_value ON doc_region(region, doc);
CREATE INDEX region_by_doc ON doc_region(doc, region);
CREATE INDEX leader_by_value ON doc_leader(leader, doc);
CREATE INDEX leader_by_doc ON doc_leader(doc, leader);
"""


def fts5_available() -> bool:
    try:
        sqlite3.connect(":memory:").execute("create virtual table t using fts5(x, tokenize='trigram')")
        return True
    except sqlite3.OperationalError:
        return False


# --- building ------------------------------------------------------------------------------


def _tokens(text: str) -> str:
    from indexer.analysis import JiebaTokenizer

    return " ".join(t.text for t in JiebaTokenizer()(text))


def _prepare(item: tuple[int, dict, list[str]]) -> tuple:
    from indexer.normalize import normalize

    rowid, doc, region_path = item
    head = " ".join([doc.get("title") or "", *doc.get("subtitles", [])]).strip()
    text = "\n".join([doc["body"], *doc.get("fragments", []), doc.get("signature") or ""]).strip()
    return (rowid, doc, region_path, head, text, _tokens(head), _tokens(text),
            re.sub(r"\s+", "", normalize(head)), re.sub(r"\s+", "", normalize(text)))


def build(index_dir: Path, db_path: Path, log=print) -> dict:
    """Build the reference database from the jinbao index in ``index_dir``."""
    from indexer.build import active_dir, configure_segmenter, open_index, read_userdict, region_path
    from indexer.gazetteer import Gazetteer

    started = time.perf_counter()
    gazetteer = Gazetteer.load()
    configure_segmenter(gazetteer, read_userdict(active_dir(index_dir)))  # the index's dictionary
    tmp = db_path.with_name(db_path.name + ".partial")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
    ix = open_index(index_dir)
    ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    chars = rowid = 0
    with ix.searcher() as s:
        n_docs = s.doc_count()
        workers = min(2, multiprocessing.cpu_count()) if ctx and n_docs > 2000 else 1
        pool = ctx.Pool(workers) if workers > 1 else None
        stored = s.all_stored_fields()
        while True:
            batch = []
            for f in stored:
                rowid += 1
                doc = json.loads(f["doc"])
                batch.append((rowid, doc, region_path(doc.get("regions", []), gazetteer)))
                if len(batch) == 5000:
                    break
            if not batch:
                break
            rows = pool.map(_prepare, batch, chunksize=64) if pool else map(_prepare, batch)
            for rid, doc, path, head, text, head_tok, text_tok, head_norm, text_norm in rows:
                chars += len(head) + len(text)
                db.execute("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           (rid, doc["id"], doc["paper"], doc["paper_name"], doc["date"], doc["date"][:4],
                            doc["date"][:7], doc["page"], doc["seq"], head, text, ",".join(path),
                            ",".join(doc.get("leaders", []))))
                db.executemany("INSERT INTO doc_region VALUES (?,?)", [(rid, r) for r in path])
                db.executemany("INSERT INTO doc_leader VALUES (?,?)", [(rid, x) for x in doc.get("leaders", [])])
                db.execute("INSERT INTO w(rowid, title, body) VALUES (?,?,?)", (rid, head_tok, text_tok))
                db.execute("INSERT INTO c(rowid, title, body) VALUES (?,?,?)", (rid, head_norm, text_norm))
            if log and rowid % 50000 < 5000:
                log(f"  reference: {rowid}/{n_docs} articles")
        if pool:
            pool.close()
            pool.join()
    db.executescript(INDEXES + "INSERT INTO w(w) VALUES('optimize'); INSERT INTO c(c) VALUES('optimize'); ANALYZE;")
    db.commit()
    db.close()
    tmp.replace(db_path)
    return {"seconds": round(time.perf_counter() - started, 1),
            "articles": rowid, "chars": chars, "bytes": db_path.stat().st_size, "workers": workers}


# --- querying ------------------------------------------------------------------------------


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class Reference:
    """Searches the reference database; :meth:`search` answers ``/api/search``-style params."""

    def __init__(self, db_path: Path, index_dir: Path) -> None:
        from indexer import segment
        from indexer.build import active_dir, configure_segmenter, read_userdict
        from indexer.gazetteer import Gazetteer
        from indexer.normalize import normalize

        configure_segmenter(Gazetteer.load(), read_userdict(active_dir(index_dir)))  # as the index was built

        self.db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)
        self.db.execute("PRAGMA temp_store=MEMORY")
        self.db.execute("PRAGMA cache_size=-262144")  # 256 MB page cache
        self._cut = segment.current().cut
        self._normalize = normalize

    # query language -> SQL over rowids

    def _words(self, text: str) -> list[str]:
        words = [w.strip() for w in self._cut(text)]
        words = [w for w in words if w and any(c.isalnum() for c in w)]
        long_words = [w for w in words if len(w) > 1 or not ("\u4e00" <= w[0] <= "\u9fff")]
        return long_words or words

    def _chunk(self, text: str, exact: bool, title_only: bool) -> tuple[str, list, list[str]]:
        """(SQL selecting rowids as r, its parameters, words to rank and highlight by)."""
        col = "{title} : " if title_only else ""
        compact = re.sub(r"\s+", "", text)
        words = self._words(text)
        if exact:
            if len(compact) >= 3:
                return "SELECT rowid AS r FROM c WHERE c MATCH ?", [col + _fts_string(compact)], words
            return ("SELECT rowid AS r FROM w WHERE w MATCH ?", [col + _fts_string(" ".join(words))], words)
        sql = "SELECT rowid AS r FROM w WHERE w MATCH ?"
        params: list = [col + "(" + " AND ".join(_fts_string(w) for w in words) + ")"]
        if len(compact) >= 3:
            sql += " UNION SELECT rowid AS r FROM c WHERE c MATCH ?"
            params.append(col + _fts_string(compact))
        return sql, params, words

    def parse(self, q: str) -> tuple[str | None, list, list[str]]:
        """The query as one SELECT of rowids (None: no positive terms), its parameters and
        the words to rank by."""
        from search_app.query import parse_query  # the product's grammar: AND, OR, -, "…", 标题:

        parsed = parse_query(q)
        groups: list[list[tuple[str, list]]] = []
        excluded = []
        rank_words: list[str] = []
        for group in parsed.groups:
            groups.append([])
            for term in group:
                sql, params, words = self._chunk(term.text, term.exact, term.title_only)
                groups[-1].append((sql, params))
                rank_words += words
        for term in parsed.excluded:
            sql, params, _words = self._chunk(term.text, term.exact, term.title_only)
            excluded.append((sql, params))
        if not groups:
            return None, [], []
        parts, params = [], []
        for group in groups:
            parts.append("SELECT r FROM (" + " UNION ".join(s for s, _p in group) + ")")
            params += [p for _s, ps in group for p in ps]
        sql = " INTERSECT ".join(parts)
        if excluded:
            sql += " EXCEPT SELECT r FROM (" + " UNION ".join(s for s, _p in excluded) + ")"
            params += [p for _s, ps in excluded for p in ps]
        return sql, params, rank_words

    @staticmethod
    def _filters(params: dict, skip: str | None = None) -> tuple[str, list]:
        where, args = [], []

        def values(name: str) -> list[str]:
            v = params.get(name) or []
            return [v] if isinstance(v, str) else list(v)

        for facet, name, sql in (("region", "region", "d.rowid IN (SELECT doc FROM doc_region WHERE region IN ({}))"),
                                 ("leader", "leader", "d.rowid IN (SELECT doc FROM doc_leader WHERE leader IN ({}))"),
                                 ("paper", "paper", "d.paper IN ({})"), ("year", "year", "d.year IN ({})")):
            v = values(name)
            if v and facet != skip:
                where.append(sql.format(",".join("?" * len(v))))
                args += v
        if params.get("from"):
            where.append("d.date >= ?")
            args.append(params["from"])
        if params.get("to"):
            where.append("d.date <= ?")
            args.append(params["to"])
        return (" AND ".join(where) or "1"), args

    def _collect(self, table: str, match: str | None, match_args: list, params: dict, skip: str | None) -> int:
        where, args = self._filters(params, skip)
        self.db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table}(r INTEGER PRIMARY KEY)")
        self.db.execute(f"DELETE FROM {table}")
        source = f"d.rowid IN ({match}) AND " if match else ""
        cur = self.db.execute(f"INSERT INTO {table} SELECT d.rowid FROM docs d WHERE {source}{where}",
                              [*match_args, *args])
        return cur.rowcount

    def search(self, params: dict) -> dict:
        started = time.perf_counter()
        match, match_args, words = self.parse(params.get("q", ""))
        total = self._collect("m", match, match_args, params, None)
        per_page = int(params.get("per_page", 10))
        offset = (int(params.get("page", 1)) - 1) * per_page
        sort = params.get("sort", "relevance")
        hits: list[tuple[int, str]] = []
        if sort == "relevance" and words:
            query = " OR ".join(_fts_string(w) for w in dict.fromkeys(words))
            # ranked first, snippets for the page only (in one statement SQLite would compute
            # snippet() for every match before sorting); "+rowid" keeps FTS5 from looking up
            # the query once per collected match
            top = self.db.execute(
                "SELECT rowid FROM w WHERE w MATCH ? AND +rowid IN (SELECT r FROM m) "
                "ORDER BY bm25(w, 3.0, 1.0) LIMIT ? OFFSET ?", (query, per_page, offset)).fetchall()
            for (rowid,) in top:
                hits += self.db.execute("SELECT rowid, snippet(w, 1, '<mark>', '</mark>', '…', 24) FROM w "
                                        "WHERE w MATCH ? AND rowid = ?", (query, rowid)).fetchall()
        if len(hits) < per_page and total > offset + len(hits):
            # newest first, and after the ranked ones those only an exact string matched
            seen = {h[0] for h in hits}
            order = "ASC" if sort == "oldest" else "DESC"
            more = self.db.execute(
                f"SELECT d.rowid, substr(d.body, 1, 80) FROM docs d JOIN m ON d.rowid = m.r "
                f"ORDER BY d.date {order}, d.page, d.seq LIMIT ? OFFSET ?",
                (per_page - len(hits) + len(seen), 0 if hits else offset)).fetchall()
            hits += [h for h in more if h[0] not in seen][: per_page - len(hits)]
        results = []
        for rowid, snip in hits:
            row = self.db.execute("SELECT id, title, paper, paper_name, date, page, regions, leaders FROM docs "
                                  "WHERE rowid = ?", (rowid,)).fetchone()
            results.append({"id": row[0], "title": row[1], "paper": row[2], "paper_name": row[3], "date": row[4],
                            "page": row[5], "regions": row[6].split(",") if row[6] else [],
                            "leaders": row[7].split(",") if row[7] else [], "snippet": snip})
        facets = {}
        for facet, sql in (
            ("region", "SELECT region, count(*) FROM doc_region JOIN {t} ON doc = {t}.r GROUP BY region "
                       f"ORDER BY 2 DESC, 1 LIMIT {FACET_SIZE}"),
            ("leader", "SELECT leader, count(*) FROM doc_leader JOIN {t} ON doc = {t}.r GROUP BY leader "
                       f"ORDER BY 2 DESC, 1 LIMIT {FACET_SIZE}"),
            ("paper", "SELECT d.paper, count(*) FROM docs d JOIN {t} ON d.rowid = {t}.r GROUP BY d.paper "
                      "ORDER BY 2 DESC"),
            ("year", "SELECT d.year, count(*) FROM docs d JOIN {t} ON d.rowid = {t}.r GROUP BY d.year "
                     "ORDER BY 1 DESC"),
        ):
            table = "m"
            if params.get(facet):
                table = "m_" + facet
                self._collect(table, match, match_args, params, facet)
            facets[facet] = [{"value": v, "count": c} for v, c in self.db.execute(sql.format(t=table))]
        histogram = [{"month": v, "count": c} for v, c in self.db.execute(
            "SELECT d.month, count(*) FROM docs d JOIN m ON d.rowid = m.r GROUP BY d.month ORDER BY 1")]
        return {"total": total, "results": results, "facets": facets, "histogram": histogram,
                "took_ms": round((time.perf_counter() - started) * 1000, 1)}

    def count_exact(self, text: str) -> int:
        """Articles containing ``text`` (3+ characters) as an exact string."""
        compact = re.sub(r"\s+", "", self._normalize(text))
        return self.db.execute("SELECT count(*) FROM c WHERE c MATCH ?", (_fts_string(compact),)).fetchone()[0]

    def close(self) -> None:
        self.db.close()


def as_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
