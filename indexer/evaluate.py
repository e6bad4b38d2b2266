"""Measure the parser and the extractors against a hand-made gold file.

The gold format is that of ``tests/data/seeds_gold.json`` (see ``tests/data/GOLD_README.md``):
per page file, every article in page order with ``body_start``/``body_end`` anchors
(verbatim text with all whitespace removed), ``title``, ``subtitles``, ``kind``,
``dateline``, ``regions``, ``leaders`` and ``leader_titles``.

A predicted article *matches* a gold article when its body, whitespace removed, starts
with the gold ``body_start`` and ends with the gold ``body_end`` (one-to-one, in order).
Title, dateline and kind accuracies are over all gold articles (an unmatched gold
article counts as wrong), so they measure what a reader gets, not what the parser got
right once the boundary was right.

Page metadata (paper, issue date, page, home region) comes from a ``manifest.csv`` in
the pages folder (or given with ``--manifest``) in the format of ``samples/manifest.csv``;
without one, the issue date is inferred from the text and the home region from the
paper's name in the gold file (晋中日报 -> 晋中市).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .article import Article
from .gazetteer import Gazetteer
from .pipeline import Enricher, parse_text
from .textio import read_page

_WS = re.compile(r"\s+")


def nows(s: str | None) -> str:
    return _WS.sub("", s or "")


@dataclass
class PageMeta:
    path: Path
    paper: str = "unknown"
    paper_name: str = ""
    date: dt.date | None = None
    page: int = 1
    home_region: str | None = None


@dataclass
class Counts:
    """Running totals for one page or for all pages.

    Title, dateline and kind accuracies are over *matched* articles (what the issue's
    measurements define): a wrong boundary is counted once, in F1. ``titled`` counts the
    matched articles where the gold or the parser has a headline, so an invented title on an
    untitled item is an error too."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    titled: int = 0
    title_ok: int = 0
    dateline_ok: int = 0
    kind_ok: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def rate(self, name: str) -> float:
        denominator = self.titled if name == "title_ok" else self.matched
        return getattr(self, name) / denominator if denominator else 1.0


@dataclass
class PageResult:
    name: str
    counts: Counts
    errors: list[str] = field(default_factory=list)
    pairs: list[tuple[dict, Article]] = field(default_factory=list)  # matched (gold, predicted)
    gold_articles: list[dict] = field(default_factory=list)
    predicted: list[Article] = field(default_factory=list)


def load_gold(path: Path) -> dict[str, dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected an object of page file name -> page gold")
    return data


def paper_home_region(paper_name: str, gazetteer: Gazetteer) -> str | None:
    """晋中日报 -> 晋中市, 潞州区报 -> 潞州区: the division a paper is named after, if any."""
    stem = re.sub(r"(日报|晚报|周报|报|新闻)$", "", paper_name or "")
    for candidate in (stem, stem + "市", stem + "区", stem + "县"):
        div = gazetteer.get(candidate)
        if div is not None and div.level in ("prefecture", "county"):
            return div.name
    return None


def load_page_meta(pages_dir: Path, names: list[str], gold: dict[str, dict], gazetteer: Gazetteer,
                   manifest: Path | None = None) -> dict[str, PageMeta]:
    """Where each gold page is and what is known about it."""
    rows: dict[str, dict] = {}
    manifest = manifest or (pages_dir / "manifest.csv")
    if manifest.exists():
        with manifest.open(encoding="utf-8") as fh:
            rows = {r["file"]: r for r in csv.DictReader(fh)}
    metas: dict[str, PageMeta] = {}
    for name in names:
        row = rows.get(name)
        flat = pages_dir / name
        if row:
            archived = pages_dir / row["paper_slug"] / row["issue_date"] / f"{row['page']}.txt"
            path = flat if flat.exists() else archived
            metas[name] = PageMeta(
                path=path, paper=row["paper_slug"], paper_name=row["paper_name"],
                date=dt.date.fromisoformat(row["issue_date"]), page=int(row["page"]),
                home_region=row.get("home_region") or None,
            )
        else:
            paper_name = gold[name].get("paper") or ""
            metas[name] = PageMeta(path=flat, paper_name=paper_name,
                                   home_region=paper_home_region(paper_name, gazetteer))
    return metas


def parse_gold_page(meta: PageMeta, enricher: Enricher) -> list[Article]:
    text = read_page(meta.path).text
    return parse_text(
        text, enricher, paper=meta.paper, paper_name=meta.paper_name, home_region=meta.home_region,
        date=meta.date, page=meta.page, date_source="archive" if meta.date else "inferred",
    )


TOLERANCE = 40
"""Characters (whitespace ignored) a predicted body may start or end away from the gold anchors."""


def anchor_spans(page_text: str, gold_articles: list[dict]) -> list[tuple[int, int] | None]:
    """Where each gold body starts and ends in the whitespace-free page (anchors in page order)."""
    flat = nows(page_text)
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for g in gold_articles:
        s, e = nows(g["body_start"]), nows(g["body_end"])
        i = flat.find(s, cursor)
        if i < 0:
            i = flat.find(s)
        j = flat.find(e, i) if i >= 0 else -1
        if i < 0 or j < 0:
            spans.append(None)
            continue
        spans.append((i, j + len(e)))
        cursor = i + 1
    return spans


def body_span(flat_page: str, body: str, cursor: int = 0, probe: int = 12) -> tuple[int, int] | None:
    """Where a predicted body starts and ends in the whitespace-free page: its first and last
    ``probe`` characters located in the page (the first after ``cursor`` when repeated)."""
    b = nows(body)
    if not b:
        return None
    head, tail = b[:probe], b[-probe:]
    i = flat_page.find(head, cursor)
    if i < 0:
        i = flat_page.find(head)
    if i < 0:
        return None
    j = flat_page.find(tail, i + len(head) - min(len(head), len(b)))
    if j < 0:
        j = flat_page.rfind(tail)
    if j < 0:
        return None
    return i, j + len(tail)


def match_articles(gold_articles: list[dict], predicted: list[Article], page_text: str | None = None,
                   tolerance: int = TOLERANCE) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs: the predicted body starts and ends within
    ``tolerance`` characters of the gold anchors, whitespace ignored (``tolerance=0`` or no page
    text: the body must start with ``body_start`` and end with ``body_end`` exactly)."""
    bodies = [nows(a.body) for a in predicted]
    used: set[int] = set()
    pairs = []
    if page_text is not None and tolerance > 0:
        flat = nows(page_text)
        gold_spans = anchor_spans(page_text, gold_articles)
        pred_spans = []
        cursor = 0
        for a in predicted:
            span = body_span(flat, a.body, cursor)
            pred_spans.append(span)
            if span:
                cursor = span[0] + 1
        candidates = []
        for gi, gs in enumerate(gold_spans):
            for pi, ps in enumerate(pred_spans):
                exact = bodies[pi].startswith(nows(gold_articles[gi]["body_start"])) and bodies[pi].endswith(
                    nows(gold_articles[gi]["body_end"]))
                if exact:
                    candidates.append((0, gi, pi))
                elif gs and ps and abs(gs[0] - ps[0]) <= tolerance and abs(gs[1] - ps[1]) <= tolerance:
                    candidates.append((abs(gs[0] - ps[0]) + abs(gs[1] - ps[1]), gi, pi))
        taken_gold: set[int] = set()
        for _cost, gi, pi in sorted(candidates):
            if gi not in taken_gold and pi not in used:
                taken_gold.add(gi)
                used.add(pi)
                pairs.append((gi, pi))
        return sorted(pairs)
    for gi, g in enumerate(gold_articles):
        start, end = nows(g["body_start"]), nows(g["body_end"])
        for pi, body in enumerate(bodies):
            if pi not in used and body.startswith(start) and body.endswith(end):
                used.add(pi)
                pairs.append((gi, pi))
                break
    return pairs


def evaluate_page(name: str, gold_page: dict, predicted: list[Article], page_text: str | None = None,
                  tolerance: int = TOLERANCE) -> PageResult:
    gold_articles = gold_page["articles"]
    counts = Counts(gold=len(gold_articles), predicted=len(predicted))
    result = PageResult(name, counts, gold_articles=gold_articles, predicted=predicted)
    pairs = match_articles(gold_articles, predicted, page_text, tolerance)
    counts.matched = len(pairs)
    matched_gold = {gi for gi, _ in pairs}
    for gi, pi in pairs:
        g, p = gold_articles[gi], predicted[pi]
        result.pairs.append((g, p))
        if g.get("title") or p.title:
            counts.titled += 1
            if nows(g.get("title")) == nows(p.title):
                counts.title_ok += 1
            else:
                result.errors.append(f"title: gold {g.get('title')!r} got {p.title!r}")
        if g.get("dateline") == p.dateline:
            counts.dateline_ok += 1
        else:
            result.errors.append(f"dateline: gold {g.get('dateline')} got {p.dateline} ({nows(g['body_start'])})")
        if g.get("kind") == p.kind:
            counts.kind_ok += 1
        else:
            result.errors.append(f"kind: gold {g.get('kind')} got {p.kind} ({nows(g['body_start'])})")
    for gi, g in enumerate(gold_articles):
        if gi not in matched_gold:
            result.errors.append(f"missed: {nows(g['body_start'])} … {nows(g['body_end'])}")
    matched_pred = {pi for _, pi in pairs}
    for pi, p in enumerate(predicted):
        if pi not in matched_pred:
            body = nows(p.body)
            result.errors.append(f"spurious: {body[:16]} … {body[-16:]}")
    return result


@dataclass
class GoldSet:
    """One gold file with its pages folder (and manifest), e.g. the seeds or the development pages."""

    gold: Path
    pages_dir: Path
    manifest: Path | None = None
    label: str = ""

    def manifest_path(self) -> Path | None:
        """The manifest given, else ``manifest.csv`` in the pages folder or beside it."""
        if self.manifest is not None:
            return self.manifest
        for candidate in (self.pages_dir / "manifest.csv", self.pages_dir.parent / "manifest.csv"):
            if candidate.exists():
                return candidate
        return None


def evaluate_articles(gold_path: Path, pages_dir: Path, gazetteer: Gazetteer,
                      manifest: Path | None = None, tolerance: int = TOLERANCE) -> list[PageResult]:
    gold = load_gold(gold_path)
    manifest = GoldSet(gold_path, pages_dir, manifest).manifest_path()
    metas = load_page_meta(pages_dir, sorted(gold), gold, gazetteer, manifest)
    enricher = Enricher(gazetteer)
    results = []
    for name in sorted(gold):
        text = read_page(metas[name].path).text
        results.append(evaluate_page(name, gold[name], parse_gold_page(metas[name], enricher), text, tolerance))
    return results


def markdown_table(header: list[str], sets: list[tuple[str, list]], total_of, row) -> str:
    """Per-page rows of each labelled set of results, a total row per set when there are
    several, and an overall row: ``row(name, counts)`` gives a row's cells, ``total_of(results)``
    sums a set."""
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    everything: list = []
    for label, results in sets:
        lines += [row(r.name, r.counts) for r in results]
        if len(sets) > 1:
            lines.append(row(f"**{label}**", total_of(results)))
        everything += results
    lines.append(row("**all**", total_of(everything)))
    return "\n".join(lines)


def article_table(results: list[PageResult] | list[tuple[str, list[PageResult]]]) -> str:
    """The per-page and overall table of article quality (Markdown), for one set or several."""
    header = ["page", "gold", "found", "matched", "P", "R", "F1", "title", "dateline", "kind"]
    return markdown_table(header, _as_sets(results), overall, _row)


def _as_sets(results: list) -> list[tuple[str, list]]:
    return results if results and isinstance(results[0], tuple) else [("all", results)]


def _row(name: str, c: Counts) -> str:
    return (f"| {name} | {c.gold} | {c.predicted} | {c.matched} | {c.precision:.3f} | {c.recall:.3f} | {c.f1:.3f} | "
            f"{c.rate('title_ok'):.3f} | {c.rate('dateline_ok'):.3f} | {c.rate('kind_ok'):.3f} |")


def overall(results: list[PageResult]) -> Counts:
    total = Counts()
    for r in results:
        total.add(r.counts)
    return total


# --- regions and officials -------------------------------------------------------------------


@dataclass
class EntityCounts:
    """Regions over matched articles; officials pooled per page (every official of the page's
    predicted articles against every official of its gold articles, so extraction is measured
    apart from boundaries) and, for titles as printed, over matched articles."""

    region_tp: int = 0
    region_fp: int = 0
    region_fn: int = 0
    official_tp: int = 0
    official_fp: int = 0
    official_fn: int = 0
    title_checked: int = 0  # officials of matched articles found by the parser
    title_ok: int = 0  # … whose title as printed equals the gold

    def add(self, other: EntityCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def regions(self) -> tuple[float, float, float]:
        return self.prf(self.region_tp, self.region_fp, self.region_fn)

    @property
    def officials(self) -> tuple[float, float, float]:
        return self.prf(self.official_tp, self.official_fp, self.official_fn)

    @property
    def title_rate(self) -> float:
        return self.title_ok / self.title_checked if self.title_checked else 1.0


@dataclass
class EntityResult:
    name: str
    counts: EntityCounts
    errors: list[str] = field(default_factory=list)


def evaluate_entities(pages: list[PageResult]) -> list[EntityResult]:
    """Regions per matched article, officials per page, titles per matched article."""
    results = []
    for page in pages:
        c = EntityCounts()
        res = EntityResult(page.name, c)
        for gold, got in page.pairs:
            where = nows(gold["body_start"])[:10]
            g_regions, p_regions = set(gold.get("regions") or []), set(got.regions)
            c.region_tp += len(g_regions & p_regions)
            c.region_fp += len(p_regions - g_regions)
            c.region_fn += len(g_regions - p_regions)
            res.errors += [f"region extra {r} ({where})" for r in sorted(p_regions - g_regions)]
            res.errors += [f"region missed {r} ({where})" for r in sorted(g_regions - p_regions)]
            gold_titles = gold.get("leader_titles") or {}
            for name in sorted(set(gold.get("leaders") or []) & set(got.leaders)):
                c.title_checked += 1
                if nows(gold_titles.get(name)) == nows(got.leader_titles.get(name)):
                    c.title_ok += 1
                else:
                    res.errors.append(f"title of {name}: gold {gold_titles.get(name)} got {got.leader_titles.get(name)}")
        g_off = {n for g in page.gold_articles for n in g.get("leaders") or []}
        p_off = {n for a in page.predicted for n in a.leaders}
        c.official_tp += len(g_off & p_off)
        c.official_fp += len(p_off - g_off)
        c.official_fn += len(g_off - p_off)
        res.errors += [f"official extra {n}" for n in sorted(p_off - g_off)]
        res.errors += [f"official missed {n}" for n in sorted(g_off - p_off)]
        results.append(res)
    return results


def entity_table(results: list[EntityResult] | list[tuple[str, list[EntityResult]]]) -> str:
    """Regions (matched articles), officials (per page) and titles as printed, per page and overall."""
    header = ["page", "regions P", "R", "F1", "officials P", "R", "F1", "titles as printed"]
    return markdown_table(header, _as_sets(results), entity_overall, _entity_row)


def _entity_row(name: str, c: EntityCounts) -> str:
    rp, rr, rf = c.regions
    op, orr, of = c.officials
    return f"| {name} | {rp:.3f} | {rr:.3f} | {rf:.3f} | {op:.3f} | {orr:.3f} | {of:.3f} | {c.title_rate:.3f} |"


def entity_overall(results: list[EntityResult]) -> EntityCounts:
    total = EntityCounts()
    for r in results:
        total.add(r.counts)
    return total
