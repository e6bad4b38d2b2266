"""An archive that says what it holds (issue 16 §3): coverage per paper with gaps, on /papers,
/paper/<slug> and the home page; the month chart tells "no issue held" from "no match" and
offers matches ÷ articles held."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest
from pypinyin import lazy_pinyin

from search_app.coverage import gaps, month_range


def test_gaps_are_runs_of_months_without_an_issue():
    assert month_range("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert gaps(["2025-06-09", "2025-06-20", "2025-09-01", "2025-10-02", "2026-01-05"]) == [
        ("2025-07", "2025-08"), ("2025-11", "2025-12")]
    assert gaps(["2025-06-09"]) == [] and gaps([]) == []


def _held(all_articles):
    issues: dict[str, set[str]] = defaultdict(set)
    for a in all_articles:
        issues[a["paper"]].add(a["date"])
    return issues


def test_papers_page_shows_each_papers_coverage_and_gaps(client, all_articles):
    issues = _held(all_articles)
    page = client.get("/papers").get_data(as_text=True)
    assert f"本库收录 {len(issues)} 种报纸" in page
    assert f"共 {sum(len(d) for d in issues.values())} 期、{len(all_articles)} 篇" in page
    per_paper = Counter(a["paper"] for a in all_articles)
    for slug, dates in issues.items():
        first, last = min(dates), max(dates)
        assert f"收录 {first} 至 {last} · {len(dates)} 期 · {per_paper[slug]} 篇" in page
        one = client.get(f"/paper/{slug}").get_data(as_text=True)
        assert f"收录 {first} 至 {last}" in one
        for a, b in gaps(dates):
            assert (f"{a} 至 {b}" if a != b else a) in one
    assert any(gaps(d) for d in issues.values()), "the sample has a paper with months missing"
    assert client.get("/paper/no-such-paper").status_code == 404
    assert client.get("/paper/..%2Fx").status_code == 404


def test_home_page_says_what_the_archive_holds(client, all_articles):
    issues = _held(all_articles)
    home = client.get("/").get_data(as_text=True)
    first = min(min(d) for d in issues.values())
    assert f"本库收录 {len(issues)} 种报纸，{first} 至" in home
    assert "各报收录情况与缺期" in home
    assert "本库收录" not in client.get("/?q=生态环境").get_data(as_text=True)


def test_the_month_chart_tells_no_issue_held_from_no_match(client, all_articles):
    data = client.get("/api/search?q=生态环境").get_json()
    held = Counter(a["date"][:7] for a in all_articles)
    assert data["histogram"]
    for item in data["histogram"]:
        assert item["held"] == held.get(item["month"], 0)
        assert item["share"] == (round(item["count"] / item["held"], 4) if item["held"] else None)
    unheld = [i for i in data["histogram"] if i["held"] == 0]
    assert unheld, "the matches span months the archive holds no issue of"
    page = client.get("/?q=生态环境").get_data(as_text=True)
    assert page.count('class="unheld"') == len(unheld)
    assert f"{unheld[0]['month']}：本库未收录该月报纸" in page
    share = client.get("/?q=生态环境&hist=share").get_data(as_text=True)
    assert "占当月收录篇数的比例" in share and '<strong aria-current="true">占当月收录比例</strong>' in share
    with_paper = client.get("/api/search?q=生态环境&paper=luzhou").get_json()
    luzhou = Counter(a["date"][:7] for a in all_articles if a["paper"] == "luzhou")
    assert all(i["held"] == luzhou.get(i["month"], 0) for i in with_paper["histogram"])


@pytest.mark.parametrize("value", ["bar", "<x>"])
def test_a_bad_chart_view_is_400(client, value):
    resp = client.get("/", query_string={"q": "生态环境", "hist": value})
    assert resp.status_code == 400
    assert "柱高（参数 hist）无效" in resp.get_data(as_text=True)


def test_officials_register_page_by_articles_letter_and_region(client, app):
    everyone = app.extensions["jinbao_engine"].officials()
    page = client.get("/officials").get_data(as_text=True)
    names = re.findall(r'<td><a href="/official/[^"]+">([^<]+)</a></td><td>(\d+)</td>', page)
    assert [n for n, _c in names] == [e["name"] for e in everyone]  # by number of articles
    assert [int(c) for _n, c in names] == sorted((int(c) for _n, c in names), reverse=True)
    liu = client.get("/officials?letter=L").get_data(as_text=True)
    shown = re.findall(r'<td><a href="/official/[^"]+">([^<]+)</a>', liu)
    assert "刘星" in shown and all(lazy_pinyin(n)[0][0].upper() == "L" for n in shown)
    in_county = client.get("/officials", query_string={"region": "左权县"}).get_data(as_text=True)
    shown = re.findall(r'<td><a href="/official/[^"]+">([^<]+)</a>', in_county)
    expected = [e["name"] for e in everyone if any(r["region"] == "左权县" for r in e["regions"])]
    assert shown == expected and 0 < len(shown) < len(everyone)
    bad = client.get("/officials?letter=AB")
    assert bad.status_code == 400 and "letter" in bad.get_data(as_text=True)


def test_regions_page_is_the_tree_with_counts(client, all_articles, gazetteer):
    """Each city counts the articles naming it or one of its counties; each county its own."""
    page = client.get("/regions").get_data(as_text=True)
    for name in ("晋中市", "左权县", "太原市"):
        shown = int(re.search(f'>{name}</a> <span class="count">(\\d+)</span>', page).group(1))
        expected = sum(1 for a in all_articles
                       if name in a["regions"] or any(gazetteer.parent(r) == name for r in a["regions"]))
        assert shown == expected, name
    assert page.index(">晋中市<") < page.index(">左权县<")  # the county under its city
