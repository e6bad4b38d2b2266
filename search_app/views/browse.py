"""Browsing by paper and date, for readers who don't start from a query."""

from __future__ import annotations


from flask import abort, render_template

from indexer.archive import DATE_DIR_RE as DATE_RE
from indexer.archive import SLUG_RE

from ..coverage import archive_coverage
from .common import blueprint, engine, searcher

bp = blueprint("browse")


@bp.route("/papers")
def papers_page():
    papers = engine().papers(searcher())
    return render_template("papers.html", papers=papers, coverage=archive_coverage(papers), single=False)


@bp.route("/paper/<slug>")
def paper_page(slug: str):
    """One paper: what the archive holds of it and its issues by year."""
    paper = next((p for p in engine().papers(searcher()) if p["slug"] == slug), None) if SLUG_RE.fullmatch(slug) \
        else None
    if paper is None:
        abort(404)
    return render_template("papers.html", papers=[paper], coverage=None, single=True)


@bp.route("/paper/<slug>/<date>")
def issue_page(slug: str, date: str):
    if not SLUG_RE.fullmatch(slug) or not DATE_RE.fullmatch(date):
        abort(404)
    articles = engine().issue_articles(slug, date, searcher())
    if not articles:
        abort(404)
    pages: dict[int, list[dict]] = {}
    for a in articles:
        pages.setdefault(a["page"], []).append(a)
    papers = {p["slug"]: p for p in engine().papers(searcher())}
    dates = sorted(d for ds in papers[slug]["years"].values() for d in ds)
    i = dates.index(date)
    return render_template("issue.html", paper=papers[slug], date=date, pages=pages,
                           prev_issue=dates[i - 1] if i > 0 else None,
                           next_issue=dates[i + 1] if i + 1 < len(dates) else None)
