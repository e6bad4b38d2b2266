"""Walk an archive folder laid out as PAPER/paper.toml, PAPER/YYYY-MM-DD/NN.txt.

The scan never raises for a bad entry: it yields the good pages and collects a
:class:`Problem` (path + reason) for everything it had to skip, so that one bad
file never stops the day's re-index.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
DATE_DIR_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PAGE_FILE_RE = re.compile(r"^(\d{1,3})\.txt$")


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


def load_paper(folder: Path) -> Paper:
    """Read ``folder/paper.toml``; raise ValueError naming what is wrong."""
    toml_path = folder / "paper.toml"
    if not toml_path.is_file():
        raise ValueError("no paper.toml (every paper folder needs one with name = \"…\")")
    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"paper.toml is not valid TOML: {exc}") from exc
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("paper.toml has no name = \"…\" (the paper's Chinese name)")
    home = data.get("home_region")
    if home is not None and (not isinstance(home, str) or not home.strip()):
        raise ValueError("paper.toml: home_region must be a non-empty string")
    return Paper(slug=folder.name, name=name.strip(), home_region=home.strip() if home else None)


def parse_date_dir(name: str) -> dt.date:
    """``2025-06-09`` -> date; ValueError with a reason otherwise."""
    if not DATE_DIR_RE.match(name):
        raise ValueError("folder name is not a date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(name)
    except ValueError as exc:
        raise ValueError(f"folder name is not a valid date: {exc}") from exc


def scan_archive(root: Path, paper: str | None = None, since: dt.date | None = None) -> ScanResult:
    """List every page of the archive under ``root``, with problems for what doesn't fit."""
    result = ScanResult()
    if not root.is_dir():
        result.problems.append(Problem(root, "archive folder does not exist or is not a folder"))
        return result
    for folder in sorted(p for p in root.iterdir() if not p.name.startswith(".")):
        if not folder.is_dir():
            result.problems.append(Problem(folder, "not a paper folder (expected PAPER/paper.toml and PAPER/YYYY-MM-DD/)"))
            continue
        if paper is not None and folder.name != paper:
            continue
        if not SLUG_RE.match(folder.name):
            result.problems.append(Problem(folder, "paper folder name must be a slug of a-z, 0-9, - and _"))
            continue
        try:
            info = load_paper(folder)
        except ValueError as exc:
            result.problems.append(Problem(folder / "paper.toml", str(exc)))
            continue
        result.papers[info.slug] = info
        for day in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
            if day.name == "paper.toml":
                continue
            if not day.is_dir():
                result.problems.append(Problem(day, "unexpected file in a paper folder (pages go in YYYY-MM-DD/ folders)"))
                continue
            try:
                date = parse_date_dir(day.name)
            except ValueError as exc:
                result.problems.append(Problem(day, str(exc)))
                continue
            if since is not None and date < since:
                continue
            seen: dict[int, Path] = {}
            for page_file in sorted(p for p in day.iterdir() if not p.name.startswith(".")):
                m = PAGE_FILE_RE.match(page_file.name)
                if not m or not page_file.is_file():
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
                result.pages.append(PageRef(info, date, number, page_file))
    return result


def content_hash(text: str) -> str:
    """Hash of the decoded page text: re-encoding a page doesn't count as a change."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
