"""Walk an archive folder laid out as PAPER/paper.toml, PAPER/YYYY-MM-DD/NN.txt.

The scan never raises for a bad entry: it yields the good pages and collects a
:class:`Problem` (path + reason) for everything it had to skip, so that one bad
file never stops the day's re-index.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

# Names are matched whole (fullmatch) and with ASCII digits only: ``luzhou2\n`` (``$`` allows a final
# newline) and ``０２.txt`` / ``٠٣.txt`` (``\d`` is any Unicode digit) are not archive names.
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
DATE_DIR_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
PAGE_FILE_RE = re.compile(r"([0-9]{1,3})\.txt")
MAX_PAPER_NAME = 40
"""A paper's name (晋中日报, 太原日报（太原新闻网繁体镜像）) is a few characters, never a page of text."""


@dataclass(frozen=True)
class Paper:
    """One newspaper of the archive (from its paper.toml)."""

    slug: str
    name: str
    home_region: str | None = None


@dataclass(frozen=True)
class PageRef:
    """Where one page file lives and what the layout says about it."""

    paper: Paper
    date: dt.date
    page: int
    path: Path
    stamp: tuple[int, int, int, int] | None = None
    """(device, inode, size, mtime in ns) of the file when the archive was scanned."""

    @property
    def key(self) -> str:
        """Stable identity of the page inside the archive, e.g. ``jinzhong-daily/2025-06-09/01``."""
        return f"{self.paper.slug}/{self.date.isoformat()}/{self.page:02d}"


@dataclass(frozen=True)
class Problem:
    """Something in the archive that was skipped, with the reason."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class ScanResult:
    pages: list[PageRef] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    papers: dict[str, Paper] = field(default_factory=dict)
    # page-key prefixes (``paper/`` or ``paper/date/``) that could not be read: their pages are
    # not in ``pages`` but must not be treated as removed from the archive
    unreadable: list[str] = field(default_factory=list)

    def covers(self, key: str) -> bool:
        """Whether the page key lies under a folder that could not be read."""
        return any(key.startswith(prefix) for prefix in self.unreadable)


def load_paper(folder: Path) -> Paper:
    """Read ``folder/paper.toml``; raise ValueError naming what is wrong."""
    toml_path = folder / "paper.toml"
    if not toml_path.is_file():
        raise ValueError("no paper.toml (every paper folder needs one with name = \"…\")")
    try:
        if toml_path.stat().st_size > 64 * 1024:
            raise ValueError("paper.toml is larger than 64 KB (it holds a name and a home region)")
        data = tomllib.loads(toml_path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"paper.toml is not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ValueError(f"cannot read paper.toml: {exc.strerror or exc}") from exc
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("paper.toml has no name = \"…\" (the paper's Chinese name)")
    if len(name.strip()) > MAX_PAPER_NAME or any(ord(c) < 32 for c in name):
        raise ValueError(f"paper.toml: name must be one line of at most {MAX_PAPER_NAME} characters "
                         f"(it has {len(name.strip())})")
    home = data.get("home_region")
    if home is not None and (not isinstance(home, str) or not home.strip() or len(home.strip()) > 20):
        raise ValueError("paper.toml: home_region must be a division's name (晋中市, 潞州区 …)")
    return Paper(slug=folder.name, name=name.strip(), home_region=home.strip() if home else None)


def parse_date_dir(name: str) -> dt.date:
    """``2025-06-09`` -> date; ValueError with a reason otherwise."""
    if not DATE_DIR_RE.fullmatch(name):
        raise ValueError("folder name is not a date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(name)
    except ValueError as exc:
        raise ValueError(f"folder name is not a valid date: {exc}") from exc


def _entries(folder: Path, result: ScanResult, prefix: str) -> list[os.DirEntry] | None:
    """The visible entries of a folder by name, or None (reported; its pages are not
    removed) if it cannot be read. ``os.scandir`` gives each entry's type with the listing,
    so a page costs one ``stat`` (its size and time), not three (1M-article archive: 50,000
    pages, the scan of a re-index with nothing to do)."""
    try:
        with os.scandir(folder) as listing:
            return sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as exc:
        result.problems.append(Problem(folder, f"cannot read folder: {exc.strerror or exc}; skipped, "
                                               "its pages stay in the index as they are"))
        result.unreadable.append(prefix)
        return None


def _outside(path: Path, root: Path, is_link: bool | None = None) -> str | None:
    """Why ``path`` may not be read: a link that leads outside the archive (or nowhere).

    The scan checks a folder before it lists it, so an entry that is not itself a link lies
    where its checked folder does (``is_link`` from the listing, else one ``lstat``; not a
    ``realpath`` per page)."""
    if not (path.is_symlink() if is_link is None else is_link):
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # a dangling link or a loop
        return f"broken or looping link: {getattr(exc, 'strerror', None) or exc}"
    if target != root and root not in target.parents:
        return f"link to {target}, outside the archive: not read"
    return None


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def scan_archive(root: Path, paper: str | None = None, since: dt.date | None = None) -> ScanResult:
    """List every page of the archive under ``root``, with problems for what doesn't fit.

    Links are followed only inside the archive, and a file reached twice is read once."""
    result = ScanResult()
    if not root.is_dir():
        result.problems.append(Problem(root, "archive folder does not exist or is not a folder"))
        return result
    real_root = root.resolve()
    for entry in _entries(root, result, "") or []:
        folder = root / entry.name
        if paper is not None and entry.name != paper:
            continue
        if (why := _outside(folder, real_root, entry.is_symlink())) is not None:
            result.problems.append(Problem(folder, why))
            result.unreadable.append(f"{entry.name}/")
            continue
        if not _is_dir(entry):
            result.problems.append(Problem(folder, "not a paper folder (expected PAPER/paper.toml and PAPER/YYYY-MM-DD/)"))
            continue
        if not SLUG_RE.fullmatch(entry.name):
            result.problems.append(Problem(folder, "paper folder name must be a slug of a-z, 0-9, - and _"))
            continue
        try:
            if (why := _outside(folder / "paper.toml", real_root)) is not None and (folder / "paper.toml").is_symlink():
                raise ValueError(why)
            info = load_paper(folder)
        except ValueError as exc:
            result.problems.append(Problem(folder / "paper.toml", str(exc)))
            result.unreadable.append(f"{entry.name}/")
            continue
        result.papers[info.slug] = info
        for day_entry in _entries(folder, result, f"{entry.name}/") or []:
            if day_entry.name == "paper.toml":
                continue
            day = folder / day_entry.name
            if (why := _outside(day, real_root, day_entry.is_symlink())) is not None:
                result.problems.append(Problem(day, why))
                result.unreadable.append(f"{entry.name}/{day_entry.name}/")
                continue
            if not _is_dir(day_entry):
                result.problems.append(Problem(day, "unexpected file in a paper folder (pages go in YYYY-MM-DD/ folders)"))
                continue
            try:
                date = parse_date_dir(day_entry.name)
            except ValueError as exc:
                result.problems.append(Problem(day, str(exc)))
                continue
            if since is not None and date < since:
                continue
            seen: dict[int, Path] = {}
            for file_entry in _entries(day, result, f"{entry.name}/{day_entry.name}/") or []:
                page_file = day / file_entry.name
                m = PAGE_FILE_RE.fullmatch(file_entry.name)
                if m and (why := _outside(page_file, real_root, file_entry.is_symlink())) is not None:
                    result.problems.append(Problem(page_file, why))
                    continue
                try:
                    st = file_entry.stat() if m else None
                except OSError:
                    st = None
                if st is None or not stat.S_ISREG(st.st_mode):
                    result.problems.append(Problem(page_file, "not a page file (expected NN.txt)"))
                    continue
                number = int(m.group(1))
                if number == 0:
                    result.problems.append(Problem(page_file, "page number must start at 1"))
                    continue
                if number in seen:
                    result.problems.append(Problem(page_file, f"duplicate page number {number} (also {seen[number].name})"))
                    continue
                seen[number] = page_file
                result.pages.append(PageRef(info, date, number, page_file,
                                            (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)))
    _read_each_file_once(result)
    return result


def _read_each_file_once(result: ScanResult) -> None:
    """A file reached twice (a link inside the archive to another page) is read once: as the
    page that is the file itself, else as the first link to it."""
    by_file: dict[object, list[PageRef]] = {}
    for ref in result.pages:
        by_file.setdefault(ref.stamp[:2] if ref.stamp else ref.path.resolve(), []).append(ref)
    dropped: set[int] = set()
    for refs in by_file.values():
        if len(refs) < 2:
            continue
        keep = next((r for r in refs if not r.path.is_symlink()), refs[0])
        for r in refs:
            if r is not keep:
                result.problems.append(Problem(r.path, f"the same file as {keep.path} (a link): read once"))
                dropped.add(id(r))
    result.pages = [r for r in result.pages if id(r) not in dropped]


def content_hash(text: str) -> str:
    """Hash of the decoded page text: re-encoding a page doesn't count as a change."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def archive_from_manifest(manifest: Path, pages_dir: Path, dest: Path) -> Path:
    """Lay out loose pages (``pages_dir/FILE`` with a ``manifest.csv`` row each: file,
    paper_slug, paper_name, home_region, issue_date, page) as an archive under ``dest``.

    The development and blind page sets are kept as loose files with a manifest, the way
    they were collected; the indexer reads archives. Two rows naming the same page of the
    same issue, or a row whose file is missing, raise ValueError naming the row."""
    import csv

    seen: dict[Path, str] = {}
    with manifest.open(encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            source = pages_dir / row["file"]
            if not source.is_file():
                raise ValueError(f"{manifest}:{n}: no page file {source}")
            paper = dest / row["paper_slug"]
            target = paper / row["issue_date"] / f"{int(row['page']):02d}.txt"
            if target in seen:
                raise ValueError(f"{manifest}:{n}: {row['file']} is the same page as {seen[target]}")
            seen[target] = row["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            home = f'\nhome_region = "{row["home_region"]}"' if row.get("home_region") else ""
            (paper / "paper.toml").write_text(f'name = "{row["paper_name"]}"{home}\n', encoding="utf-8")
            target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return dest
