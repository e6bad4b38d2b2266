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

import collections
import contextlib
import ctypes
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
import dataclasses
import datetime as dt
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import difflib

from whoosh import writing
from whoosh.index import FileIndex

from . import aliases, columns, segment, spill
from .bulkwriter import Analysed, BulkWriter, analyse
from .archive import PageRef, Problem, content_hash, scan_archive
from .faults import checkpoint
from .spill import Spilled, SpillWriter
from .indexdir import (  # noqa: F401 - the index directory's API, also imported from here
    INDEX_NAME, CURRENT_FILE, GENERATION_PREFIX, META_FILE, MANIFEST_FILE, USERDICT_FILE, DAMAGE_ERRORS, IndexDamaged, damage_message, quiet_leaks, check_index, remove_leftovers, write_userdict, read_userdict, load_meta, _atomic_write, active_dir, new_generation, switch_to, open_index, open_generation, create_generation_index, index_size, load_manifest, save_manifest, load_stamps, JIEBA_BASE_DIR, load_aliases, save_aliases,
)
from .locking import RunLock
from .article import Article
from .gazetteer import Gazetteer
from .pipeline import PARSER_VERSION, Enricher, parse_text
from .register import build_register, register_generation, save_register
from .schema import SCHEMA_VERSION, build_schema, issue_order_keys
from .textio import PageReadError, read_page



MAX_ARTICLES_PER_PAGE = 999
"""Article ids and order keys hold three digits of position on a page; a page with more
articles than that was not split into articles (the rest is kept in the last one, reported)."""
MAX_ARTICLE_CHARS = 200_000
"""A newspaper article is a few thousand characters; one of more than this is a parse failure."""

def check_home_regions(papers: dict, gazetteer: Gazetteer) -> list[tuple[str, str]]:
    """(paper slug, reason) for every ``home_region`` that is not a prefecture or county of the
    gazetteer, with the nearest names; such a paper is indexed without it."""
    names = sorted({d.name for d in gazetteer.divisions if d.level in ("prefecture", "county")})
    bad = []
    for slug, paper in papers.items():
        home = paper.home_region
        div = gazetteer.get(home) if home else None
        if home and (div is None or div.level not in ("prefecture", "county")):
            near = difflib.get_close_matches(home, names, n=3, cutoff=0.5)
            hint = f" (did you mean {'、'.join(near)}?)" if near else ""
            bad.append((slug, f"home_region {home!r} is not a prefecture or county{hint}; 我市/我区 … stay "
                              "untagged until it is fixed"))
    return bad


@dataclass
class IndexSummary:
    """What a run did; :meth:`line` is the one summary line the CLI prints."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    purged: int = 0
    articles_written: int = 0
    articles_total: int = 0
    seconds: float = 0.0
    index_bytes: int = 0
    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)  # skipped entries (exit code 1)
    warnings: list[Problem] = field(default_factory=list)  # repaired and indexed (exit code 1)
    plan: list[str] = field(default_factory=list)  # what changes (or would, with --dry-run)
    reparsed: str | None = None  # why every page was parsed again (a new parser version)
    cleaned: list[str] = field(default_factory=list)  # leftovers of a killed run, removed

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.purged)

    def line(self) -> str:
        verb = "would be" if self.dry_run else ""
        counts = (f"{self.added} added, {self.updated} updated, {self.removed} removed, "
                  f"{self.unchanged} unchanged, {self.skipped} skipped with errors")
        if self.purged:
            counts += f", {self.purged} purged"
        if self.dry_run:
            return f"dry run: pages {verb}: {counts}; nothing was written; {self.seconds:.1f} s"
        nothing = "" if self.changed else "nothing to do; "
        why = f"{self.reparsed}; " if self.reparsed else ""
        if self.cleaned:
            why += f"removed leftovers of an earlier run ({'; '.join(self.cleaned)}); "
        return (
            f"pages: {counts}; {why}{nothing}{self.articles_written} articles written, {self.articles_total} in the index; "
            f"{self.seconds:.1f} s; index {self.index_bytes / 1e6:.1f} MB"
        )


def dictionary_words(gazetteer: Gazetteer) -> list[str]:
    """Words added to jieba's dictionary so that place names segment whole."""
    return gazetteer.names_for_dictionary()


def configure_segmenter(gazetteer: Gazetteer, extra_words: Mapping[str, int | None] | Iterable[str] | None = None,
                        native: bool = True) -> segment.Segmenter:
    """Load jieba with the indexing dictionary (once per process unless the words change):
    the gazetteer's names plus ``extra_words`` (an index's earlier dictionary with the
    frequencies its words were added with, officials); ``native``: with jieba-next's route
    (same tokens; worth its ~0.3 s set-up from a few dozen pages on)."""
    words: dict[str, int | None] = dict.fromkeys(dictionary_words(gazetteer))
    words.update(extra_words if isinstance(extra_words, Mapping) else dict.fromkeys(extra_words or []))
    return segment.ensure(words, native=native)


def region_path(regions: list[str], gazetteer: Gazetteer) -> list[str]:
    """The regions an article names plus the prefectures that contain them (for hierarchical filters)."""
    out: list[str] = []
    for name in regions:
        for r in [name, *gazetteer.ancestors(name)]:
            if r not in out:
                out.append(r)
    return out


def article_document(article: Article, page_key: str, page_hash: str, gazetteer: Gazetteer,
                     added: str | None = None) -> dict:
    """The Whoosh document for one article; ``added``: when it entered the index (ISO time)."""
    head = " ".join([article.title or "", *article.subtitles]).strip()
    # fragments printed elsewhere on the page, a notice's signature, the byline and photo captions are
    # searchable too (a reader looks for a reporter's or a signed author's articles by name)
    text = "\n".join([article.body, *article.fragments, article.signature or "", article.byline or "",
                      *article.captions]).strip()
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
        "regions": ",".join(article.regions),
        "region_path": ",".join(region_path(article.regions, gazetteer)),
        "leaders": ",".join(article.leaders),
        "officials": json.dumps(article.leader_titles, ensure_ascii=False),
        "doc": json.dumps({**article.to_dict(), **({"added": added} if added else {})}, ensure_ascii=False),
    }


class IndexWriteError(RuntimeError):
    """The index could not be written (read-only, disk full …); it is unchanged."""


@dataclass
class PageChange:
    """One parsed page of a run: its articles in memory (small runs) or on disk (:mod:`.spill`),
    with what the run needs before the analysis (the count, the officials' names, warnings)."""

    ref: PageRef
    digest: str
    existed: bool
    count: int
    names: list[str]
    notes: list[str]
    held: list[Article] | Spilled

    def articles(self) -> list[Article]:
        held = self.held
        return held if isinstance(held, list) else spill.load(held)  # type: ignore[return-value]


ProgressFn = Callable[[int, int, str], None]


def build_index(
    archive: Path,
    index_dir: Path,
    *,
    gazetteer: Gazetteer | None = None,
    paper: str | None = None,
    since: dt.date | None = None,
    full: bool = False,
    dry_run: bool = False,
    purge_paper: str | None = None,
    purge_range: tuple[dt.date, dt.date] | None = None,
    log: Callable[[str], None] | None = None,
    progress: ProgressFn | None = None,
) -> IndexSummary:
    """Bring the index in ``index_dir`` up to date with ``archive``; see the module docstring.

    ``full`` rebuilds every page into a new generation and switches to it atomically;
    ``dry_run`` only reports what would change; ``purge_paper``/``purge_range`` remove a
    batch of articles (pages still in the archive come back on the next ordinary run).
    Raises :class:`~indexer.locking.LockHeld` when another run holds the lock and
    :class:`IndexWriteError` when the index cannot be written.
    """
    log = log or (lambda _msg: None)
    gazetteer = gazetteer or Gazetteer.load()
    if dry_run:
        return _run(archive, index_dir, gazetteer, paper, since, full, True, purge_paper, purge_range, log, progress)
    index_dir.mkdir(parents=True, exist_ok=True)
    with RunLock(index_dir):
        return _run(archive, index_dir, gazetteer, paper, since, full, False, purge_paper, purge_range, log, progress)


@dataclass
class RunPlan:
    """What a run found to do, from the archive scan against the index (made by :func:`_run`,
    carried out by :func:`_write_run`)."""

    index_dir: Path
    current: Path | None  # the generation readers use (None: no index yet)
    ix_old: FileIndex | None  # it, opened (None when rebuilding)
    indexed: dict[str, str]  # page key -> content hash, updated as the run writes
    stamps: dict[str, list[int]]  # page key -> (size, mtime_ns) when its hash was taken
    stamps_learned: bool  # pages read again and found unchanged: their stamps are new
    todo: list[tuple[PageRef, bool]]  # pages to parse, and whether each was indexed before
    removed: list[str]  # pages gone from the archive
    purged: list[str]  # pages removed by --purge
    rebuild: bool  # a new generation from every page
    words: dict[str, int | None]  # the dictionary's user words and their frequencies


def _run(archive, index_dir, gazetteer, paper, since, full, dry_run, purge_paper, purge_range, log, progress):
    started = time.monotonic()
    summary = IndexSummary(dry_run=dry_run)
    if not dry_run:
        summary.cleaned = remove_leftovers(index_dir)
        for line in summary.cleaned:
            log(f"removed {line}")
    current = active_dir(index_dir)
    meta = load_meta(current) if current else {}
    rebuild = full or current is None or meta.get("schema_version") != SCHEMA_VERSION
    if current is not None and rebuild and not full:
        log(f"index schema {meta.get('schema_version')} -> {SCHEMA_VERSION}: rebuilding every page")
    # articles cut by an older parser are replaced: every page in scope is parsed again
    reparse = not rebuild and meta.get("parser_version", 1) != PARSER_VERSION
    if reparse:
        summary.reparsed = f"parser {meta.get('parser_version', 1)} -> {PARSER_VERSION}: every page re-parsed"
        if paper is not None or since is not None:
            paper = since = None  # the new version is recorded for the whole index, so all of it is re-parsed
            summary.reparsed += " (--paper/--since ignored)"
        log(summary.reparsed)
    ix_old, indexed = _open_current(current, rebuild)
    # the dictionary only grows (officials found later are added), so earlier documents
    # stay consistent with it; jieba is loaded (~1–2 s) only when there are pages to parse
    words = {} if rebuild else read_userdict(current)

    scan = scan_archive(archive, paper=paper, since=since)
    summary.problems.extend(scan.problems)
    homeless = dict(check_home_regions(scan.papers, gazetteer))
    for slug, reason in homeless.items():
        summary.problems.append(Problem(archive / slug / "paper.toml", reason))
    if homeless:
        scan.pages = [dataclasses.replace(r, paper=dataclasses.replace(r.paper, home_region=None))
                      if r.paper.slug in homeless else r for r in scan.pages]
    in_scope = _in_scope(paper, since)
    purge = _purge_filter(purge_paper, purge_range)
    seen: set[str] = set()
    todo: list[tuple[PageRef, bool]] = []
    stamps = load_stamps(current, ix_old) if ix_old is not None and not reparse else {}
    learned = False  # stamps of pages read again and found unchanged
    for ref in scan.pages:
        seen.add(ref.key)
        if purge(ref.key):
            continue
        old = indexed.get(ref.key)
        if old is not None and _same_file(ref, stamps.get(ref.key)):
            summary.unchanged += 1  # the file is as it was when its hash was taken: not read again
            continue
        try:
            page = read_page(ref.path)
        except PageReadError as exc:
            summary.problems.append(Problem(ref.path, str(exc)))
            summary.skipped += 1
            continue
        if page.warning:
            summary.warnings.append(Problem(ref.path, page.warning))
        if old == content_hash(page.text) and not rebuild and not reparse:
            summary.unchanged += 1
            if ref.stamp:
                stamps[ref.key], learned = list(ref.stamp[2:]), True
            continue
        # (the parse reads the page again: a run holds no page texts, and the hash it records
        # is of the text it parsed)
        todo.append((ref, old is not None))
        summary.plan.append(f"{'update' if old is not None else 'add'} {ref.key}")
    removed = ([k for k in indexed if k not in seen and in_scope(k) and not purge(k) and not scan.covers(k)]
               if not rebuild else [])
    purged = [k for k in indexed if purge(k)]
    summary.plan += [f"remove {k}" for k in removed] + [f"purge {k}" for k in purged]
    if dry_run:
        summary.added = sum(1 for line in summary.plan if line.startswith("add"))
        summary.updated = sum(1 for line in summary.plan if line.startswith("update"))
        summary.removed, summary.purged = len(removed), len(purged)
        summary.seconds = time.monotonic() - started
        return summary

    spiller = SpillWriter(index_dir) if len(todo) >= PARALLEL_MIN_PAGES else None
    try:
        plan = RunPlan(index_dir, current, ix_old, indexed, stamps, learned, todo, removed, purged, rebuild, words)
        return _write_run(plan, gazetteer, summary, spiller, log, progress, started)
    finally:
        if spiller is not None:
            spiller.remove()


def _write_run(plan: RunPlan, gazetteer: Gazetteer, summary: IndexSummary, spiller: SpillWriter | None,
               log: Callable[[str], None], progress, started: float) -> IndexSummary:
    """Parse the run's pages, analyse and write them, finish the generation."""
    native = len(plan.todo) >= PARALLEL_MIN_PAGES
    seg = configure_segmenter(gazetteer, plan.words, native=native) if plan.todo or plan.rebuild else None
    changes: list[PageChange] = []
    try:
        for done, (item, result) in enumerate(_parse_all(plan.todo, gazetteer, spiller), 1):
            ref, existed = item
            if isinstance(result, str):
                summary.problems.append(Problem(ref.path, result))
                summary.skipped += 1
                continue
            summary.warnings.extend(Problem(ref.path, note) for note in result.notes)
            changes.append(result)
            if len(changes) == 1:
                checkpoint("mid-parse")
            log(f"{'updated' if existed else 'added'} {ref.key}: {result.count} articles")
            if progress:
                progress(done, len(plan.todo), ref.key)
    except OSError as exc:  # the parsed pages could not be kept on disk
        raise IndexWriteError(f"cannot write the parsed pages in {plan.index_dir}: {exc.strerror or exc}; "
                              "nothing was written, the index is unchanged") from exc
    checkpoint("after-parse")
    # names of officials segment whole in the new documents and in queries alike
    if seg is not None:
        seg.add_words(name for c in changes for name in c.names)
        plan.words = seg.freqs

    target = new_generation(plan.index_dir) if plan.rebuild else plan.current
    assert target is not None
    try:
        ix = create_generation_index(target, build_schema()) if plan.rebuild else plan.ix_old
        # the dictionary is written before the commit: a superset is harmless, a missing word is not
        write_userdict(target, plan.words)
        _atomic_write(target / META_FILE,
                      json.dumps({"schema_version": SCHEMA_VERSION, "parser_version": PARSER_VERSION,
                                  "dictionary": segment.Segmenter.fingerprint_of(plan.words)}, indent=1))
        moved = _write(ix, changes, plan.removed + plan.purged, gazetteer, target, summary, fresh=plan.rebuild) \
            if changes or plan.removed or plan.purged or plan.rebuild else {}
    except WorkerDied:
        if plan.rebuild:
            shutil.rmtree(target, ignore_errors=True)
        raise
    except OSError as exc:
        if plan.rebuild:
            shutil.rmtree(target, ignore_errors=True)
        raise IndexWriteError(f"cannot write the index in {target}: {exc.strerror or exc}; "
                              "the index is unchanged") from exc
    # ids whose texts moved (after the commit: a crash before loses the aliases, not articles),
    # carried into a new generation
    before = load_aliases(plan.current)
    after = aliases.merge(before, moved)
    if after != before or (plan.rebuild and after):
        save_aliases(target, after)
    for key in plan.removed + plan.purged:
        plan.indexed.pop(key, None)
    for c in changes:
        plan.indexed[c.ref.key] = c.digest
        if c.ref.stamp:  # (taken before the parse read it: a file changed since is read again next time)
            plan.stamps[c.ref.key] = list(c.ref.stamp[2:])
    summary.added = sum(1 for c in changes if not c.existed)
    summary.updated = sum(1 for c in changes if c.existed)
    summary.removed, summary.purged = len(plan.removed), len(plan.purged)
    with contextlib.suppress(OSError):  # (once per index and jieba dictionary; servers manage without)
        segment.write_base(plan.index_dir / JIEBA_BASE_DIR)
    if summary.changed or plan.rebuild or register_generation(target) != ix.latest_generation():
        finish(target, ix, plan.indexed, plan.stamps)
    else:  # segments of an older columns format (or without them) get theirs now
        columns.ensure(target, ix)
        if plan.stamps_learned:  # (pages touched without a change: not read again next time)
            save_manifest(target, ix, plan.indexed, plan.stamps)
    if plan.rebuild:
        switch_to(plan.index_dir, target)
    with ix.searcher() as s:
        summary.articles_total = s.doc_count()
    summary.index_bytes = index_size(target)
    summary.seconds = time.monotonic() - started
    return summary


def _open_current(current: Path | None, rebuild: bool) -> tuple[FileIndex | None, dict[str, str]]:
    """The generation readers use and its manifest. A rebuild (``--full``, a schema upgrade)
    does not open it — it may be the damage being repaired — and only reads its manifest file
    to tell updated pages from new ones. An incremental run that cannot open it raises
    :class:`IndexDamaged` naming the repair."""
    if current is None:
        return None, {}
    if rebuild:
        try:
            data = json.loads((current / MANIFEST_FILE).read_text(encoding="utf-8"))
            return None, dict(data.get("pages") or {})
        except (OSError, ValueError, AttributeError, TypeError):
            return None, {}
    with quiet_leaks():
        try:
            ix = open_generation(current)
            return ix, load_manifest(current, ix)
        except DAMAGE_ERRORS as exc:
            message = damage_message(current, exc)
    raise IndexDamaged(message)


def _same_file(ref: PageRef, stamp: list[int] | None) -> bool:
    """Whether a page's file has the size and modification time it had when its indexed
    hash was taken (then it is not read again; ``--full`` reads every page)."""
    return stamp is not None and ref.stamp is not None and list(ref.stamp[2:]) == stamp


def cap_articles(articles: list[Article]) -> tuple[list[Article], list[str]]:
    """At most :data:`MAX_ARTICLES_PER_PAGE` articles a page (the rest joins the last one, so no
    text is lost), and a warning for every article longer than :data:`MAX_ARTICLE_CHARS`."""
    notes = []
    if len(articles) > MAX_ARTICLES_PER_PAGE:
        last, rest = articles[MAX_ARTICLES_PER_PAGE - 1], articles[MAX_ARTICLES_PER_PAGE:]
        last.fragments.extend(a.body for a in rest)
        notes.append(f"{len(articles)} articles on one page: the page was not split into articles as printed; "
                     f"articles {MAX_ARTICLES_PER_PAGE} to {len(articles)} are kept as one")
        articles = articles[:MAX_ARTICLES_PER_PAGE]
    for a in articles:
        size = len(a.body) + sum(len(f) for f in a.fragments)
        if size > MAX_ARTICLE_CHARS:
            notes.append(f"article {a.seq} has {size:,} characters: the page was probably not split into "
                         "articles (indexed as one; check the page)")
    return articles, notes


PARALLEL_MIN_PAGES = 16
"""Below this many pages, worker processes cost more than they save."""


def workers() -> int:
    return max(1, min(os.cpu_count() or 1, int(os.environ.get("JINBAO_WORKERS", "0")) or os.cpu_count() or 1))


_POOL_GAZETTEER: Gazetteer | None = None
_POOL_SCHEMA = None
_POOL_SPILL: SpillWriter | None = None
_POOL_ADDED: str | None = None
"""The time this run adds its articles (their ``added``; a re-parsed article keeps its own)."""


class WorkerDied(IndexWriteError):
    """A parse or analysis worker process ended without an answer (killed, out of memory)."""


def _parse_one(item: tuple[PageRef, bool]) -> PageChange | str:
    """Read and parse one page (in a worker process or inline); a failure comes back as its
    message. With a spill writer the articles go to disk and only their place comes back."""
    ref, existed = item
    assert _POOL_GAZETTEER is not None
    checkpoint("in-parse")  # (in a worker process when the run uses several)
    try:
        text = read_page(ref.path).text
    except PageReadError as exc:
        return str(exc)
    try:
        articles = parse_text(text, Enricher(_POOL_GAZETTEER), paper=ref.paper.slug, paper_name=ref.paper.name,
                              home_region=ref.paper.home_region, date=ref.date, page=ref.page)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run
        return f"parser failed: {type(exc).__name__}: {exc}"
    articles, notes = cap_articles(articles)
    held: list[Article] | Spilled = _POOL_SPILL.put(articles) if _POOL_SPILL is not None else articles
    return PageChange(ref, content_hash(text), existed, len(articles),
                      [name for art in articles for name in art.leaders], notes, held)


def _analyse_one(change: PageChange) -> list[tuple[dict, Analysed]]:
    """The index documents of one page's articles with their indexed fields analysed."""
    assert _POOL_GAZETTEER is not None and _POOL_SCHEMA is not None
    checkpoint("in-analysis")
    out = []
    for art in change.articles():
        fields = article_document(art, change.ref.key, change.digest, _POOL_GAZETTEER, _POOL_ADDED)
        out.append((fields, analyse(_POOL_SCHEMA, fields)))
    return out


def _die_with_parent(parent: int) -> None:
    """Worker initializer: end when the run's process ends (even by SIGKILL), so no worker
    outlives it holding the inherited re-index and Whoosh locks."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


PR_SET_PDEATHSIG = 1
"""``prctl`` option (Linux): the signal a process gets when its parent ends."""


def _apply(fn, items: list) -> list:
    return [fn(item) for item in items]


IN_FLIGHT_CHUNKS = 4
"""Chunks of pages each worker may be ahead of the writer: the results waiting to be written
stay a few pages' worth however slow the writer is."""


def _on_all_cores(fn, items: list, gazetteer: Gazetteer, what: str, chunk: int = 4):
    """``fn`` over ``items`` in order, on all cores when there are many.

    Workers are forked, so they share the configured jieba dictionary (as it is *now*:
    analysis runs after the run's officials were added) and the gazetteer without loading
    them again. At most :data:`IN_FLIGHT_CHUNKS` chunks a worker are submitted ahead of the
    consumer (``Executor.map`` would submit every item at once and keep every result). A worker
    that dies stops the run with :class:`WorkerDied` (the index is unchanged: nothing has been
    committed); ``multiprocessing.Pool`` would wait for it forever."""
    global _POOL_GAZETTEER, _POOL_SCHEMA
    _POOL_GAZETTEER, _POOL_SCHEMA = gazetteer, build_schema()
    n = workers()
    if n > 1 and len(items) >= PARALLEL_MIN_PAGES and "fork" in multiprocessing.get_all_start_methods():
        if segment.is_configured():
            segment.current().warm()  # one native word graph, shared copy-on-write by the workers
        pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_die_with_parent, initargs=(os.getpid(),))
        try:
            chunks = (items[i:i + chunk] for i in range(0, len(items), chunk))
            pending: collections.deque = collections.deque()
            for part in chunks:
                pending.append(pool.submit(_apply, fn, part))
                if len(pending) >= n * IN_FLIGHT_CHUNKS:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BrokenProcessPool as exc:
            raise WorkerDied(f"a {what} worker process died (killed or out of memory); "
                             "nothing was written, the index is unchanged") from exc
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    else:
        for item in items:
            yield fn(item)


def _parse_all(todo: list, gazetteer: Gazetteer, spiller: SpillWriter | None):
    """(item, :class:`PageChange` or error message) for every page."""
    global _POOL_SPILL
    _POOL_SPILL = spiller
    try:
        yield from zip(todo, _on_all_cores(_parse_one, todo, gazetteer, "parse"), strict=True)
    finally:
        _POOL_SPILL = None


FULL_BUILD_SEGMENT = 50_000
"""A new generation (``--full``, a first build, a schema upgrade) is written a segment of this
many articles at a time, each committed as it is done: readers do not see the generation
before the switch, and the writer holds one segment's postings, not the archive's."""


def _write(ix: FileIndex, changes: list[PageChange], deleted: list[str], gazetteer: Gazetteer, target: Path,
           summary: IndexSummary, fresh: bool = False) -> dict[str, str | None]:
    """All changes of a run in one Whoosh commit (a new generation: one per segment).

    One writer (:class:`BulkWriter`: postings sorted in numpy) in this process; parsing and
    analysis, the larger shares, run on all cores. Whoosh's own multi-process writer is not
    used: it hangs for good when one of its sub-writers dies (its job queue fills up with
    nobody reading it), and it can drop a sub-writer's segment on a slow hand-over.

    Returns where each earlier article of a re-parsed page went (:func:`aliases.successors`)."""
    global _POOL_ADDED
    _POOL_ADDED = dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")
    writer = BulkWriter(ix, limitmb=64)
    in_segment = 0
    moved: dict[str, str | None] = {}
    earlier = ix.searcher() if not fresh and any(c.existed for c in changes) else None
    try:
        for key in deleted:
            writer.delete_by_term("page_key", key)
        analysed = _on_all_cores(_analyse_one, changes, gazetteer, "analysis")
        for n, (c, docs) in enumerate(zip(changes, analysed, strict=True)):
            if n == len(changes) // 2:
                checkpoint("mid-write")  # some documents of the run added, not committed
            if c.existed:
                if earlier is not None:
                    moved.update(_carry_over(earlier, c.ref.key, docs))
                writer.delete_by_term("page_key", c.ref.key)
            for fields, terms in docs:
                writer.add_analysed(fields, terms)
            summary.articles_written += len(docs)
            in_segment += len(docs)
            if fresh and in_segment >= FULL_BUILD_SEGMENT and n < len(changes) - 1:
                writer.commit(mergetype=writing.NO_MERGE)
                writer, in_segment = BulkWriter(ix, limitmb=64), 0
        checkpoint("before-commit")
    except BaseException:
        writer.cancel()
        raise
    finally:
        if earlier is not None:
            earlier.close()
    try:
        writer.commit(mergetype=writing.MERGE_SMALL)
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise
    checkpoint("after-commit")
    return moved


def _carry_over(earlier, page_key: str, docs: list[tuple[dict, Analysed]]) -> dict[str, str | None]:
    """A re-parsed page: where each earlier article's text went (:func:`aliases.successors`);
    the article now holding it keeps the time the text first entered the index."""
    old_docs = [json.loads(d["doc"]) for d in earlier.documents(page_key=page_key)]
    new_docs = [json.loads(f["doc"]) for f, _terms in docs]
    found = aliases.successors([(d["id"], _searchable(d)) for d in old_docs],
                               [(d["id"], _searchable(d)) for d in new_docs])
    first: dict[str, str] = {}
    for d in old_docs:
        target = found.get(d["id"])
        if target is not None and d.get("added"):
            first[target] = min(first.get(target, d["added"]), d["added"])
    for (fields, _terms), doc in zip(docs, new_docs, strict=True):
        if doc["id"] in first and doc.get("added") != first[doc["id"]]:
            fields["doc"] = json.dumps({**doc, "added": first[doc["id"]]}, ensure_ascii=False)
    return found


def _searchable(doc: dict) -> str:
    """An article's headline and text, as its id's successor is found by."""
    return "\n".join([doc.get("title") or "", *doc.get("subtitles", []), doc.get("body") or ""])


def finish(target: Path, ix: FileIndex, indexed: dict[str, str], stamps: dict[str, list[int]] | None = None) -> None:
    """Derived files of a generation, tagged with the index generation they describe; a
    crash before they are written is repaired by the next run (they are rebuilt when stale)."""
    save_manifest(target, ix, indexed, stamps)
    columns.ensure(target, ix)  # (the register is read from the columns)
    with ix.searcher() as s:
        save_register(target, build_register(s, target), ix.latest_generation())


def ensure_derived(index_dir: Path) -> None:
    """Rebuild a generation's manifest/register if a crash left them behind the index."""
    active = active_dir(index_dir)
    if active is None:
        return
    ix = open_generation(active)
    if register_generation(active) != ix.latest_generation():
        finish(active, ix, load_manifest(active, ix))
    else:
        columns.ensure(active, ix)


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


def _purge_filter(paper: str | None, date_range: tuple[dt.date, dt.date] | None) -> Callable[[str], bool]:
    def check(key: str) -> bool:
        slug, date, _page = key.split("/")
        if paper is not None and slug == paper:
            return True
        if date_range is not None and date_range[0].isoformat() <= date <= date_range[1].isoformat():
            return True
        return False

    return check
