"""Build or incrementally update the Whoosh index from an archive folder.

Change detection is by page: each page's decoded text is hashed; new and changed pages
are (re)parsed and their articles replace the old ones, pages gone from the archive are
removed, unchanged pages are not touched. All changes of a run go into one Whoosh
commit, so a reader sees either the old or the new state, never a mix.

A small manifest (page key -> hash) next to the index makes the change check cheap;
it records the index generation it belongs to and is rebuilt from the index's stored
fields whenever it is missing or stale (e.g. after a crash between commit and write).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as windex
from whoosh.index import FileIndex

from . import segment
from .archive import PageRef, Problem, content_hash, scan_archive
from .article import Article
from .gazetteer import Gazetteer
from .pipeline import Enricher, parse_text
from .register import build_register, save_register
from .schema import LEAD_CHARS, SCHEMA_VERSION, build_schema, issue_order_keys
from .textio import PageReadError, read_page

INDEX_NAME = "articles"
META_FILE = "jinbao-meta.json"
MANIFEST_FILE = "pages.json"
USERDICT_FILE = "userdict.txt"


@dataclass
class IndexSummary:
    """What a run did; :meth:`line` is the one summary line the CLI prints."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    articles_written: int = 0
    articles_total: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"pages: {self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged, {self.skipped} skipped with errors; "
            f"{self.articles_written} articles written, {self.articles_total} in the index; "
            f"{self.seconds:.1f} s"
        )


def dictionary_words(gazetteer: Gazetteer) -> list[str]:
    """Words added to jieba's dictionary so that place names segment whole."""
    return gazetteer.names_for_dictionary()


def configure_segmenter(gazetteer: Gazetteer, extra_words: list[str] | None = None) -> segment.Segmenter:
    """Load jieba with the indexing dictionary (once per process unless the words change):
    the gazetteer's names plus ``extra_words`` (an index's earlier dictionary, officials)."""
    words = sorted(set(dictionary_words(gazetteer)) | set(extra_words or []))
    return segment.ensure(words)


def write_userdict(index_dir: Path, words: list[str]) -> None:
    _atomic_write(index_dir / USERDICT_FILE, "\n".join(sorted(set(words))) + "\n")


def read_userdict(index_dir: Path) -> list[str]:
    path = index_dir / USERDICT_FILE
    if not path.exists():
        return []
    return [w for w in path.read_text(encoding="utf-8").splitlines() if w.strip()]


def load_meta(index_dir: Path) -> dict:
    path = index_dir / META_FILE
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def open_or_create(index_dir: Path) -> FileIndex:
    """Open the article index in ``index_dir``, creating an empty one if there is none."""
    index_dir.mkdir(parents=True, exist_ok=True)
    if windex.exists_in(str(index_dir), indexname=INDEX_NAME):
        return windex.open_dir(str(index_dir), indexname=INDEX_NAME)
    return windex.create_in(str(index_dir), build_schema(), indexname=INDEX_NAME)


def open_index(index_dir: Path) -> FileIndex:
    """Open an existing index for searching; raises FileNotFoundError with a hint if absent."""
    if not windex.exists_in(str(index_dir), indexname=INDEX_NAME):
        raise FileNotFoundError(f"no jinbao index in {index_dir} (run `jinbao index ARCHIVE --index {index_dir}`)")
    return windex.open_dir(str(index_dir), indexname=INDEX_NAME)


def _stored_manifest(ix: FileIndex) -> dict[str, str]:
    pages: dict[str, str] = {}
    with ix.searcher() as s:
        for fields in s.all_stored_fields():
            pages[fields["page_key"]] = fields["page_hash"]
    return pages


def load_manifest(index_dir: Path, ix: FileIndex) -> dict[str, str]:
    """page key -> content hash of what the index holds (rebuilt from the index when stale)."""
    path = index_dir / MANIFEST_FILE
    generation = ix.latest_generation()
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("generation") == generation:
                return dict(data["pages"])
        except (OSError, ValueError, KeyError):
            pass
    return _stored_manifest(ix)


def save_manifest(index_dir: Path, ix: FileIndex, pages: dict[str, str]) -> None:
    _atomic_write(
        index_dir / MANIFEST_FILE,
        json.dumps({"generation": ix.latest_generation(), "pages": pages}, ensure_ascii=False, sort_keys=True),
    )


def region_path(regions: list[str], gazetteer: Gazetteer) -> list[str]:
    """The regions an article names plus the prefectures that contain them (for hierarchical filters)."""
    out: list[str] = []
    for name in regions:
        for r in [name, *gazetteer.ancestors(name)]:
            if r not in out:
                out.append(r)
    return out


def article_document(article: Article, page_key: str, page_hash: str, gazetteer: Gazetteer) -> dict:
    """The Whoosh document for one article."""
    head = " ".join([article.title or "", *article.subtitles]).strip()
    # fragments printed elsewhere on the page and a notice's signature are searchable too
    text = "\n".join([article.body, *article.fragments, article.signature or ""]).strip()
    order_asc, order_desc = issue_order_keys(article.date, article.page, article.seq)
    return {
        "order_asc": order_asc,
        "order_desc": order_desc,
        "id": article.id,
        "page_key": page_key,
        "page_hash": page_hash,
        "paper": article.paper,
        "date": article.date,
        "page": article.page,
        "seq": article.seq,
        "kind": article.kind,
        "title": head,
        "body": text,
        "title_chars": head,
        "chars": head + "\n" + text,
        "lead_chars": head + "\n" + article.body[:LEAD_CHARS],
        "regions": ",".join(article.regions),
        "region_path": ",".join(region_path(article.regions, gazetteer)),
        "leaders": ",".join(article.leaders),
        "officials": json.dumps(article.leader_titles, ensure_ascii=False),
        "doc": json.dumps(article.to_dict(), ensure_ascii=False),
    }


def build_index(
    archive: Path,
    index_dir: Path,
    *,
    gazetteer: Gazetteer | None = None,
    paper: str | None = None,
    since: dt.date | None = None,
    log: Callable[[str], None] | None = None,
) -> IndexSummary:
    """Bring the index in ``index_dir`` up to date with ``archive``; see the module docstring."""
    started = time.monotonic()
    log = log or (lambda _msg: None)
    gazetteer = gazetteer or Gazetteer.load()
    summary = IndexSummary()

    ix = open_or_create(index_dir)
    meta = load_meta(index_dir)
    # the dictionary only grows (officials found later are added), so earlier documents
    # stay consistent with it; a schema change re-indexes everything
    seg = configure_segmenter(gazetteer, read_userdict(index_dir))
    rebuild_all = meta.get("schema_version") not in (None, SCHEMA_VERSION)

    scan = scan_archive(archive, paper=paper, since=since)
    summary.problems.extend(scan.problems)
    indexed = load_manifest(index_dir, ix)
    if rebuild_all:
        log("dictionary or schema changed: re-indexing every page")

    seen_keys: set[str] = set()
    changes: list[tuple[PageRef, str, list[Article], bool]] = []
    enricher = Enricher(gazetteer)
    for ref in scan.pages:
        seen_keys.add(ref.key)
        try:
            text, _encoding = read_page(ref.path)
        except PageReadError as exc:
            summary.problems.append(Problem(ref.path, str(exc)))
            summary.skipped += 1
            continue
        digest = content_hash(text)
        old = indexed.get(ref.key)
        if old == digest and not rebuild_all:
            summary.unchanged += 1
            continue
        try:
            articles = parse_text(
                text, enricher, paper=ref.paper.slug, paper_name=ref.paper.name,
                home_region=ref.paper.home_region, date=ref.date, page=ref.page,
            )
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run
            summary.problems.append(Problem(ref.path, f"parser failed: {type(exc).__name__}: {exc}"))
            summary.skipped += 1
            continue
        changes.append((ref, digest, articles, old is not None))

    in_scope = _in_scope(paper, since)
    removed_keys = [k for k in indexed if k not in seen_keys and in_scope(k)]

    # names of officials segment whole in the new documents and in queries alike
    seg.add_words(name for _ref, _d, articles, _e in changes for art in articles for name in art.leaders)

    if changes or removed_keys:
        writer = ix.writer(limitmb=256)
        try:
            for key in removed_keys:
                writer.delete_by_term("page_key", key)
            for ref, digest, articles, existed in changes:
                if existed:
                    writer.delete_by_term("page_key", ref.key)
                for art in articles:
                    writer.add_document(**article_document(art, ref.key, digest, gazetteer))
                summary.articles_written += len(articles)
                log(f"{'updated' if existed else 'added'} {ref.key}: {len(articles)} articles")
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        for key in removed_keys:
            indexed.pop(key, None)
            log(f"removed {key}")
        for ref, digest, _articles, existed in changes:
            indexed[ref.key] = digest
            if existed:
                summary.updated += 1
            else:
                summary.added += 1
        summary.removed = len(removed_keys)
    write_userdict(index_dir, seg.user_words)
    _atomic_write(
        index_dir / META_FILE,
        json.dumps({"schema_version": SCHEMA_VERSION, "dictionary": seg.fingerprint}, indent=1),
    )
    save_manifest(index_dir, ix, indexed)
    with ix.searcher() as s:
        summary.articles_total = s.doc_count()
        if changes or removed_keys or not (index_dir / "officials.json").exists():
            save_register(index_dir, build_register(s), ix.latest_generation())
    summary.seconds = time.monotonic() - started
    return summary


def _in_scope(paper: str | None, since: dt.date | None) -> Callable[[str], bool]:
    """Pages outside a --paper/--since limited scan are not considered removed."""

    def check(key: str) -> bool:
        slug, date, _page = key.split("/")
        if paper is not None and slug != paper:
            return False
        if since is not None and date < since.isoformat():
            return False
        return True

    return check
