"""Issue 6: facets, histogram, entity pages, browse pages, exports, feeds, OpenSearch."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

from helpers import ids_containing

ATOM = "{http://www.w3.org/2005/Atom}"


def api(client, **params):
    resp = client.get("/api/search", query_string=params)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_values_of_one_facet_combine_with_or_facets_with_and(client):
    a = {r["id"] for r in api(client, region="太谷区", per_page=100)["results"]}
    b = {r["id"] for r in api(client, region="祁县", per_page=100)["results"]}
    both = api(client, region=["太谷区", "祁县"], per_page=100)
    assert {r["id"] for r in both["results"]} == a | b
    # a selected facet is counted without its own filter, so other values stay addable
    counts = {v["value"]: v["count"] for v in both["facets"]["region"]}
    assert counts["太谷区"] == len(a) and counts["祁县"] == len(b)
    narrowed = api(client, region=["太谷区", "祁县"], paper="jinzhong-daily", year="2025", per_page=100)
    assert {r["id"] for r in narrowed["results"]} == {r for r in a | b if r.startswith("jinzhong-daily-2025")}


def test_year_facet_filters_and_histogram_covers_all_matches(client):
    data = api(client, q="会议")
    years = {v["value"]: v["count"] for v in data["facets"]["year"]}
    assert sum(years.values()) == data["total"]
    for year, count in years.items():
        assert api(client, q="会议", year=year)["total"] == count
    assert sum(b["count"] for b in data["histogram"]) == data["total"]
    months = [b["month"] for b in data["histogram"]]
    assert months == sorted(months) and months[0] <= "2021-12" and months[-1] >= "2026-06"
    bad = client.get("/api/search?year=20x5")
    assert bad.status_code == 400 and "year" in bad.get_json()["error"]


def test_search_page_state_is_in_links(client):
    html = client.get("/?q=生态环境&region=榆次区").get_data(as_text=True)
    assert 'class="chip" href="/?q=%E7%94%9F%E6%80%81%E7%8E%AF%E5%A2%83"' in html  # removing the chip
    assert "<svg" in html and 'aria-label="2025-06：' in html  # month bars are links
    assert "/export.csv?q=" in html and "/feed.atom?q=" in html
    assert "今年" in html and "近30天" in html
    assert 'rel="search"' in html and "<script" not in html  # works without JavaScript


def test_export_csv_and_json_hold_all_matches(client, all_articles):
    expected = ids_containing(all_articles, "生态")
    assert len(expected) > 10  # more than one page of results
    rows = list(csv.DictReader(io.StringIO(client.get("/export.csv?q=生态").get_data(as_text=True).lstrip("\ufeff"))))
    assert {r["id"] for r in rows} == expected
    assert all(r["url"].endswith("/article/" + r["id"]) and r["body"] for r in rows)
    data = json.loads(client.get("/export.json?q=生态").get_data(as_text=True))
    assert data["total"] == len(expected) and not data["truncated"]
    assert {a["id"] for a in data["articles"]} == expected
    assert client.get("/export.csv?from=bad").status_code == 400


def test_atom_feed_for_a_search(client, all_articles):
    resp = client.get("/feed.atom", query_string={"region": "平遥县"})
    assert resp.mimetype == "application/atom+xml"
    root = ET.fromstring(resp.data)
    entries = root.findall(f"{ATOM}entry")
    expected = {d["id"] for d in all_articles if "平遥县" in d["regions"]}
    assert {e.find(f"{ATOM}link").get("href").rsplit("/", 1)[1] for e in entries} == expected
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert len(updated) >= 2 and updated == sorted(updated, reverse=True)
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith("/feed.atom?region=%E5%B9%B3%E9%81%A5%E5%8E%BF")


def test_opensearch_description(client):
    root = ET.fromstring(client.get("/opensearch.xml").data)
    ns = "{http://a9.com/-/spec/opensearch/1.1/}"
    templates = [u.get("template") for u in root.findall(f"{ns}Url")]
    assert any(t.endswith("/?q={searchTerms}") for t in templates)
    assert root.find(f"{ns}ShortName").text == "晋报检索"


def test_official_page(client, all_articles):
    html = client.get("/official/刘星").get_data(as_text=True)
    assert "市委书记、市长" in html and "市委副书记、市长" in html
    assert "<svg" in html  # timeline
    assert 'href="/official/%E5%88%98%E4%BC%9F"' in html  # officials named with him
    latest = [d for d in all_articles if "刘星" in d["leaders"]]
    newest = max(latest, key=lambda d: d["date"])
    assert f'/article/{newest["id"]}' in html
    assert client.get("/official/不存在").status_code == 404


def test_region_page(client):
    html = client.get("/region/榆次区").get_data(as_text=True)
    assert 'href="/region/%E6%99%8B%E4%B8%AD%E5%B8%82"' in html and "山西省" in html  # place in the hierarchy
    city = client.get("/region/晋中市").get_data(as_text=True)
    assert "下辖县级行政区" in city and "榆次区" in city and "常见官员" in city
    assert client.get("/region/山西省").status_code == 404
    assert client.get("/region/不存在").status_code == 404


def test_browse_papers_and_issue(client):
    html = client.get("/papers").get_data(as_text=True)
    for name in ("晋中日报", "潞州区报", "太原日报"):
        assert name in html
    assert 'href="/paper/jinzhong-daily/2026-06-26"' in html
    issue = client.get("/paper/jinzhong-daily/2026-06-26").get_data(as_text=True)
    assert "第1版" in issue and "市政协召开五届二十二次常委会议" in issue
    assert 'rel="prev" href="/paper/jinzhong-daily/2026-06-02"' in issue
    assert client.get("/paper/jinzhong-daily/2030-01-01").status_code == 404
    assert client.get("/paper/..%2Fetc/2026-06-26").status_code == 404


def test_article_page_links(client):
    doc_id = api(client, q="标题:山居入画")["results"][0]["id"]
    html = client.get(f"/article/{doc_id}?q=和顺").get_data(as_text=True)
    assert "<mark>和顺</mark>" in html
    assert "同版其他文章" in html and "相似文章" in html and "本期目录" in html
    assert 'href="/?region=%E5%92%8C%E9%A1%BA%E5%8E%BF"' in html
