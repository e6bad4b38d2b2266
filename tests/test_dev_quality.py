"""Issue 12: the parser and the extractors on pages of other Shanxi papers and news sites.

The development pages (``tests/data/devpages``: 30 pages, 60 articles in the layouts of other
papers — e-paper pages, article pages with site furniture, round-ups, session reports,
personnel notices, traditional mirrors with pinyin glosses) are measured with the same
definitions as the issue: an article is found when its body starts and ends within 40
characters of the gold anchors (whitespace ignored); title, dateline and kind accuracy over
the matched articles; officials pooled per page; regions over matched articles. The floors
are the issue's targets; the seeds must stay exact.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from conftest import GOLD, MANIFEST, REPO, SAMPLE_ARCHIVE
from indexer.cli import main
from indexer.evaluate import entity_overall, evaluate_articles, evaluate_entities, overall

DEV = REPO / "tests" / "data" / "devpages"
DEV_GOLD, DEV_PAGES = DEV / "gold.json", DEV / "pages"
BLIND = REPO / "tests" / "data" / "blindpages"  # written by a helper blind to the code (see its README)
BLIND2 = REPO / "tests" / "data" / "blindpages2"  # a second helper, after the first round of tuning

# The targets (what a set must reach) ...
F1, TITLES, DATELINES = 0.92, 0.90, 0.95
OFFICIALS_P, OFFICIALS_R, REGIONS_P, REGIONS_R = 0.97, 0.93, 0.97, 0.97
# ... and what each set achieves (issue 14): the floors are these minus a margin of 0.02
MARGIN = 0.02
ACHIEVED = {  # F1, titles, datelines, officials P, R, regions P, R
    "devpages": (0.992, 0.975, 1.000, 1.000, 1.000, 0.988, 1.000),
    "blindpages": (1.000, 1.000, 1.000, 1.000, 1.000, 1.000, 0.986),
    "blindpages2": (1.000, 1.000, 0.958, 1.000, 1.000, 1.000, 1.000),
}


def assert_achieved(name: str, results) -> None:
    total = overall(results)
    ent = entity_overall(evaluate_entities(results))
    got = (total.f1, total.rate("title_ok"), total.rate("dateline_ok"), *ent.officials[:2], *ent.regions[:2])
    floors = [a - MARGIN for a in ACHIEVED[name]]
    labels = ("F1", "titles", "datelines", "officials P", "officials R", "regions P", "regions R")
    low = [(label, round(g, 3), round(f, 3)) for label, g, f in zip(labels, got, floors, strict=True) if g < f]
    assert not low, (name, low, _errors(results))


@pytest.fixture(scope="module")
def dev_results(gazetteer):
    return evaluate_articles(DEV_GOLD, DEV_PAGES, gazetteer)


@pytest.fixture(scope="module")
def seed_results(gazetteer):
    return evaluate_articles(GOLD, SAMPLE_ARCHIVE, gazetteer, MANIFEST)


def _errors(results) -> list[str]:
    return [f"{r.name}: {e}" for r in results for e in r.errors]


def test_development_pages_hold_what_they_achieve(dev_results):
    assert_achieved("devpages", dev_results)


def test_development_pages_articles_at_the_targets(dev_results):
    total = overall(dev_results)
    assert total.gold == 60 and len(dev_results) == 30
    assert total.f1 >= F1, _errors(dev_results)
    assert total.rate("title_ok") >= TITLES, _errors(dev_results)
    assert total.rate("dateline_ok") >= DATELINES, _errors(dev_results)


def test_development_pages_entities_at_the_targets(dev_results):
    results = evaluate_entities(dev_results)
    total = entity_overall(results)
    op, orr, _ = total.officials
    rp, rr, _ = total.regions
    errors = [f"{r.name}: {e}" for r in results for e in r.errors]
    assert op >= OFFICIALS_P and orr >= OFFICIALS_R, errors
    assert rp >= REGIONS_P and rr >= REGIONS_R, errors
    assert total.official_tp >= 250 and total.region_tp >= 60  # floors over real volume


@pytest.mark.parametrize("folder, articles", [(BLIND, 29), (BLIND2, 24)], ids=["blindpages", "blindpages2"])
def test_blind_pages_at_the_targets(gazetteer, folder, articles):
    results = evaluate_articles(folder / "gold.json", folder / "pages", gazetteer)
    total = overall(results)
    assert total.gold == articles
    assert total.f1 >= F1 and total.rate("title_ok") >= TITLES and total.rate("dateline_ok") >= DATELINES, \
        _errors(results)
    ent = entity_overall(evaluate_entities(results))
    assert ent.officials[0] >= OFFICIALS_P and ent.officials[1] >= OFFICIALS_R
    assert ent.regions[0] >= REGIONS_P and ent.regions[1] >= REGIONS_R
    assert_achieved(folder.name, results)


def test_seeds_stay_exact(gazetteer, seed_results):
    for results in (seed_results, evaluate_articles(GOLD, SAMPLE_ARCHIVE, gazetteer, MANIFEST, tolerance=0)):
        total = overall(results)
        assert (total.f1, total.rate("title_ok"), total.rate("dateline_ok"), total.rate("kind_ok")) == (1, 1, 1, 1), \
            _errors(results)
    ent = entity_overall(evaluate_entities(seed_results))
    assert ent.officials[:2] == (1.0, 1.0) and ent.regions[:2] == (1.0, 1.0)


def test_both_sets_together_at_the_targets(dev_results, seed_results):
    total = overall(dev_results + seed_results)
    assert total.f1 >= F1 and total.rate("title_ok") >= TITLES and total.rate("dateline_ok") >= DATELINES
    ent = entity_overall(evaluate_entities(dev_results + seed_results))
    assert ent.officials[0] >= OFFICIALS_P and ent.officials[1] >= OFFICIALS_R
    assert ent.regions[0] >= REGIONS_P and ent.regions[1] >= REGIONS_R


def test_no_page_furniture_becomes_an_article(dev_results):
    """Breadcrumbs, meta lines, navigation, app prompts and footers are page elements, never
    an article's text; every gold page element is found as one."""
    for r in dev_results:
        for art in r.predicted:
            assert not re.search(r"当前位置|上一版|下一版|ICP备|打开.{0,6}查看|浏览次数", art.body), (r.name, art.body[:60])
        gold = json_gold()[r.name]
        elements = [re.sub(r"[\s•·]+", "", e["text"]) for a in r.predicted for e in a.page_elements]
        for e in gold.get("page_elements", []):
            if e["type"] in ("breadcrumb", "meta", "navigation", "footer", "ui", "app_ui", "masthead"):
                first = re.sub(r"[\s•·]+", "", e["text"])[:4]  # the gold merges some neighbouring lines
                assert any(x.startswith(first) for x in elements), (r.name, e)


_GOLD: dict = {}


def json_gold() -> dict:
    if not _GOLD:
        import json

        _GOLD.update(json.loads(DEV_GOLD.read_text(encoding="utf-8")))
    return _GOLD


def test_eval_commands_report_both_sets_per_page():
    for what in ("articles", "entities"):
        result = CliRunner().invoke(main, ["eval", what, str(GOLD), str(SAMPLE_ARCHIVE), "--manifest", str(MANIFEST),
                                           "--also", str(DEV_GOLD), str(DEV_PAGES)])
        assert result.exit_code == 0, result.output
        rows = result.output.splitlines()
        assert len([x for x in rows if re.match(r"\| (?:00\d_|[AB]\d\d\.txt)", x)]) == 35
        labels = [x.split("|")[1].strip() for x in rows if x.startswith("| **")]
        assert labels == ["**seeds_gold**", "**devpages**", "**all**"]


def test_reporters_are_in_the_article_not_the_officials(dev_results):
    """本报讯（记者 刘小宇）, （记者 李娟）, 记者 冯静宁: reporters go to ``reporters``, never to the officials."""
    by_page = {r.name: r.predicted for r in dev_results}
    a01 = by_page["A01.txt"][0]
    assert a01.reporters == ["刘小宇"] and "刘小宇" not in a01.leaders
    b01 = {a.reporters[0] for a in by_page["B01.txt"] if a.reporters}
    assert {"冯静宁", "李娟"} <= b01
    assert by_page["B14.txt"][0].reporters == ["景文婷"]  # 臨汾新聞網訊(記者 景文婷): traditional, glossed
    reporters = {n for r in dev_results for a in r.predicted for n in a.reporters}
    officials = {n for r in dev_results for a in r.predicted for n in a.leaders}
    assert not reporters & officials
