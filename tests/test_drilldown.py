"""A facet count is what its click returns (issue 16 §1): a county chosen under its city
narrows, values that are not nested stay OR and show what they add, and after any sequence
of clicks the total is the number the clicked value showed."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search_app.drilldown import click_regions, crumbs, effective_regions


def _api(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_click_rules_follow_the_gazetteer(gazetteer):
    parent = gazetteer.parent
    assert parent("左权县") == "晋中市"
    # a county under a chosen city narrows; the city stays as a crumb of the trail
    assert click_regions(["晋中市"], "左权县", parent) == ["晋中市", "左权县"]
    assert effective_regions(["晋中市", "左权县"], parent) == ["左权县"]
    assert crumbs("左权县", ["晋中市", "左权县"], parent) == ["晋中市"]
    # removing the county goes back to the city; clicking the crumb broadens to it
    assert click_regions(["晋中市", "左权县"], "左权县", parent) == ["晋中市"]
    assert click_regions(["晋中市", "左权县", "平遥县"], "晋中市", parent) == ["晋中市"]
    # a city above a chosen county (not chosen itself) replaces it
    assert click_regions(["左权县"], "晋中市", parent) == ["晋中市"]
    # not nested: OR
    assert click_regions(["左权县"], "平遥县", parent) == ["左权县", "平遥县"]
    assert effective_regions(["左权县", "平遥县"], parent) == ["左权县", "平遥县"]
    assert click_regions(["晋中市"], "太原市", parent) == ["晋中市", "太原市"]
    assert effective_regions(["晋中市", "太原市", "小店区"], parent) == ["晋中市", "小店区"]


def test_choosing_a_county_under_its_city_narrows_to_the_county(client, all_articles):
    """The issue's case: 生态环境, 晋中市, then its county 左权县 — the total becomes the
    county's count and no article that never names the county is listed."""
    first = _api(client, "/api/search?q=生态环境&region=晋中市")
    county = next(v for v in first["facets"]["region"] if v.get("parent") == "晋中市")
    assert county["count"] < first["total"], "the sample must have a county narrower than its city"
    narrowed = _api(client, county["toggle_url"])
    assert narrowed["total"] == county["count"] == county["total_after"]
    named = {a["id"] for a in all_articles if county["value"] in a.get("regions", [])}
    assert narrowed["results"] and {r["id"] for r in narrowed["results"]} <= named
    # the page: the chip reads city › county, its removal goes back to the city
    page = client.get(county["toggle_url"].replace("/api/search", "/")).get_data(as_text=True)
    assert f"共 <strong>{county['count']}</strong> 篇" in page
    chip = re.search(r'<a class="chip" href="([^"]+)">地区：晋中市 › ' + county["value"], page)
    assert chip, "chip 晋中市 › county"
    back = _api(client, "/api/search?" + urlsplit(unescape(chip.group(1))).query)
    assert back["total"] == first["total"]
    assert "同一栏内多选为“或”" in page


def test_an_or_value_shows_what_it_adds(client):
    """A value that is not nested with the chosen ones is shown as "+N": the click adds N."""
    start = _api(client, "/api/search?q=生态环境&region=晋中市")
    other = [v for v in start["facets"]["region"] if v["adds"] is not None]
    assert other, "a region outside 晋中市"
    for v in other:
        after = _api(client, v["toggle_url"])
        assert after["total"] == start["total"] + v["adds"] == v["total_after"]
    page = client.get("/?q=生态环境&region=晋中市").get_data(as_text=True)
    assert f'title="加入后共 {other[0]["total_after"]} 篇">+{other[0]["adds"]}</span>' in page


START = ["/api/search?q=生态环境", "/api/search?q=发展", "/api/search", "/api/search?q=工作&paper=jinzhong-daily"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.sampled_from(START), picks=st.lists(st.tuples(st.sampled_from(["region", "leader", "paper", "year"]),
                                                               st.integers(0, 30)), min_size=1, max_size=5))
def test_after_every_click_the_total_is_what_the_value_showed(client, start, picks):
    """Random sequences of facet clicks on the sample archive: after each one, the total is the
    value's ``total_after`` — its count, or the earlier total plus what it said it adds."""
    data = _api(client, start)
    for facet, n in picks:
        values = data["facets"][facet]
        if not values:
            continue
        v = values[n % len(values)]
        after = _api(client, v["toggle_url"])
        assert after["total"] == v["total_after"], (v, dict(parse_qsl(urlsplit(v["toggle_url"]).query)))
        if v["adds"] is not None:
            assert after["total"] == data["total"] + v["adds"]
        data = after
