"""The index directory: its generations, files and how they are opened and written.

The operator's index directory holds generations (``gen-<timestamp>/``), each a complete
Whoosh index with its dictionary (``userdict.txt``), meta (``jinbao-meta.json``: schema
and parser versions), page manifest (``pages.json``), officials register and facet columns
(:mod:`indexer.columns`), and a ``CURRENT`` file naming the one readers use. Incremental
runs commit into the current generation (a Whoosh commit is atomic); ``--full`` and schema
upgrades build a new generation beside it and switch ``CURRENT`` with one rename, so
readers never see a half-built or empty index. The writer (:mod:`indexer.build`) and the
web app (:mod:`search_app`) both go through this module; it is the one owner of the layout.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import re
import secrets
import shutil
import struct
import time
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex

from .register import REGISTER_FILE

INDEX_NAME = "articles"
CURRENT_FILE = "CURRENT"
GENERATION_PREFIX = "gen-"
META_FILE = "jinbao-meta.json"
MANIFEST_FILE = "pages.json"
ALIASES_FILE = "aliases.json"
"""Earlier article ids -> the ids now holding their texts (:mod:`indexer.aliases`)."""
USERDICT_FILE = "userdict.txt"

# What a damaged table of contents or segment file raises when Whoosh opens it.
DAMAGE_ERRORS = (windex.EmptyIndexError, EOFError, pickle.UnpicklingError, struct.error, zlib.error, ValueError,
                 KeyError, IndexError, TypeError, AttributeError, OSError)


class IndexDamaged(RuntimeError):
    """The index cannot be opened or read; the message names the generation and the repair."""


def damage_message(path: Path, exc: BaseException) -> str:
    reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return (f"the index in {path} is damaged or unreadable ({reason}); rebuild it from the archive with "
            f"`jinbao index ARCHIVE --index {path.parent} --full`")


@contextlib.contextmanager
def quiet_leaks():
    """Whoosh leaves a table-of-contents file open when it fails to read it: inside this block
    such files are closed (when the failed reader is dropped, or by a collection at the end)
    without a ResourceWarning from wherever the garbage collector would run later."""
    import gc
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            yield
        finally:
            gc.collect()


def check_index(index_dir: Path) -> None:
    """Open the current generation and read one stored document; :class:`IndexDamaged` if that
    fails (FileNotFoundError when there is no index at all)."""
    active = active_dir(index_dir)
    if active is None:
        raise FileNotFoundError(f"no jinbao index in {index_dir} (run `jinbao index ARCHIVE --index {index_dir}`)")
    if not any(active.glob(f"_{INDEX_NAME}_*.toc")):  # (whoosh's exists_in would open, and raise on, a bad one)
        raise IndexDamaged(damage_message(active, FileNotFoundError("its table of contents (_articles_*.toc) is missing")))
    with quiet_leaks():
        try:
            ix = open_index(index_dir, mmap=False)
            with ix.searcher() as s:
                if s.doc_count_all():
                    next(iter(s.all_stored_fields()), None)
            return
        except DAMAGE_ERRORS as exc:
            message = damage_message(active, exc)
    raise IndexDamaged(message)


def remove_leftovers(index_dir: Path) -> list[str]:
    """What a killed run leaves behind: generations that never became complete (no officials
    register: it is written after the commit), with Whoosh's temporary pool files, and our
    ``*.tmp<pid>`` files of atomic writes. Removed at the start of the next run (under the lock)."""
    removed: list[str] = []
    current = active_dir(index_dir)
    for gen in index_dir.glob(f"{GENERATION_PREFIX}*"):
        if gen.is_dir() and gen != current and not (gen / REGISTER_FILE).exists():
            shutil.rmtree(gen, ignore_errors=True)
            removed.append(f"half-built generation {gen.name}")
    for folder in [index_dir, *(p for p in index_dir.glob(f"{GENERATION_PREFIX}*") if p.is_dir())]:
        for tmp in folder.iterdir():
            if tmp.is_file() and re.search(r"\.tmp[0-9]+$", tmp.name):
                with contextlib.suppress(OSError):
                    tmp.unlink()
                    removed.append(f"temporary file {tmp.relative_to(index_dir)}")
            elif folder == index_dir and tmp.is_dir() and re.search(r"\.tmp[0-9]+$", tmp.name):
                shutil.rmtree(tmp, ignore_errors=True)
                removed.append(f"temporary folder {tmp.relative_to(index_dir)}")
    return removed


JIEBA_BASE_DIR = "jieba-base"
"""A frozen copy of jieba's own dictionary, shared by the generations (see
:func:`indexer.segment.write_base`): a server starts without building jieba's dict."""


def write_userdict(index_dir: Path, words: Mapping[str, int | None] | Iterable[str]) -> None:
    """The index's jieba user dictionary: one word a line, with the frequency it was added
    with after a tab (see :class:`indexer.segment.Segmenter`)."""
    freqs = dict(words) if isinstance(words, Mapping) else {w: None for w in words}
    lines = [w if freqs[w] is None else f"{w}\t{freqs[w]}" for w in sorted(freqs)]
    _atomic_write(index_dir / USERDICT_FILE, "\n".join(lines) + "\n")


def read_userdict(index_dir: Path) -> dict[str, int | None]:
    """word -> frequency (None for a word written without one, by an older version)."""
    path = index_dir / USERDICT_FILE
    if not path.exists():
        return {}
    out: dict[str, int | None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _tab, freq = line.partition("\t")
        if word.strip():
            out[word.strip()] = int(freq) if freq.strip().isdigit() else None
    return out


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


# --- index generations ------------------------------------------------------------------


def active_dir(index_dir: Path) -> Path | None:
    """The generation readers use (None if there is no index yet)."""
    current = index_dir / CURRENT_FILE
    try:
        name = current.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        name = ""
    if name and (index_dir / name).is_dir() and "/" not in name:
        return index_dir / name
    return None


def new_generation(index_dir: Path) -> Path:
    # unique even for two runs of one process within a second
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{secrets.token_hex(3)}"
    path = index_dir / f"{GENERATION_PREFIX}{stamp}"
    path.mkdir(parents=True)
    return path


def switch_to(index_dir: Path, generation: Path) -> None:
    """Make ``generation`` the one readers use (atomic), then remove all but the previous one."""
    previous = active_dir(index_dir)
    _atomic_write(index_dir / CURRENT_FILE, generation.name + "\n")
    keep = {generation.name, previous.name if previous else ""}
    for old in index_dir.glob(f"{GENERATION_PREFIX}*"):
        if old.is_dir() and old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def open_index(index_dir: Path, *, mmap: bool = True) -> FileIndex:
    """Open the current index generation for searching; FileNotFoundError with a hint if absent.

    ``mmap=False`` is for long-lived readers: with mmap, Whoosh copies every segment file
    into a private buffer each time a reader opens (its ``BufferFile`` wraps the mapping in
    a ``BytesIO``), which costs time and memory in proportion to the index; without it a
    reader reads through the OS page cache and opens in about a millisecond."""
    active = active_dir(index_dir)
    if active is None or not windex.exists_in(str(active), indexname=INDEX_NAME):
        raise FileNotFoundError(f"no jinbao index in {index_dir} (run `jinbao index ARCHIVE --index {index_dir}`)")
    return FileStorage(str(active), supports_mmap=mmap).open_index(indexname=INDEX_NAME)


def open_generation(generation: Path) -> FileIndex:
    """Open one generation folder's index for writing and reading in the indexer, without
    mmap: with it, every reader Whoosh opens copies each segment's files into memory (its
    ``BufferFile``), and the indexer opens readers over every segment after each commit (the
    columns, the manifest, the register) — at 1,000,000 articles that was the build's 8.7 GB
    peak and most of a re-index run's fixed cost."""
    return FileStorage(str(generation), supports_mmap=False).open_index(indexname=INDEX_NAME)


def create_generation_index(generation: Path, schema) -> FileIndex:
    """A new, empty index in a generation folder (opened as :func:`open_generation` opens)."""
    return FileStorage(str(generation), supports_mmap=False).create().create_index(schema, indexname=INDEX_NAME)


def index_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


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


def save_manifest(index_dir: Path, ix: FileIndex, pages: dict[str, str],
                  stamps: dict[str, list[int]] | None = None) -> None:
    """The manifest, with each page's file size and modification time when its hash was
    taken (``stamps``, see :func:`load_stamps`)."""
    stamps = {k: v for k, v in (stamps or {}).items() if k in pages}
    _atomic_write(
        index_dir / MANIFEST_FILE,
        json.dumps({"generation": ix.latest_generation(), "pages": pages, "stamps": stamps},
                   ensure_ascii=False, sort_keys=True),
    )


def load_aliases(index_dir: Path | None) -> dict[str, str]:
    """A generation's article id aliases (empty when it has none or they cannot be read: old
    links then 404 as before, nothing else depends on them)."""
    if index_dir is None:
        return {}
    try:
        data = json.loads((index_dir / ALIASES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_aliases(index_dir: Path, aliases: dict[str, str]) -> None:
    _atomic_write(index_dir / ALIASES_FILE, json.dumps(aliases, ensure_ascii=False, sort_keys=True))


def load_stamps(index_dir: Path, ix: FileIndex) -> dict[str, list[int]]:
    """page key -> [size, mtime in ns] of the file whose hash the manifest holds.

    The quick check of a re-index (as rsync's): a page whose file has the same size and
    modification time as when it was hashed is not read again. Empty when the manifest is
    stale (every page is then read and hashed)."""
    try:
        data = json.loads((index_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("generation") != ix.latest_generation():
        return {}
    stamps = data.get("stamps")
    return dict(stamps) if isinstance(stamps, dict) else {}
