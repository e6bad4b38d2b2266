"""Article ids survive a re-parse (issue 16 §4): when a page is split differently, a cited id
whose text moved redirects to the article now holding it, and an id that now holds another
text says where its earlier text went."""

from __future__ import annotations

import re

from helpers import indexed_sample_copy
from indexer.aliases import merge, resolve, successors
from indexer.build import build_index

PAGE = ("taiyuan-daily", "2021-12-23", 1)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_cited_id_follows_its_text_after_the_page_is_split_again(tmp_path, gazetteer):
    archive, index, client = indexed_sample_copy(tmp_path, gazetteer)
    before = client.get("/api/search?q=&paper=taiyuan-daily&per_page=50&sort=oldest").get_json()["results"]
    before = [r for r in before if r["page"] == PAGE[2]]
    titles = {r["id"]: r["title"] for r in before}
    assert len(titles) >= 3
    first = client.get(f"/api/articles/{before[0]['id']}").get_json()
    # the page printed without its first article: every other article moves up one place
    own = _compact("".join([first["title"], *first["subtitles"], first["body"]]))
    page = archive / PAGE[0] / PAGE[1] / f"{PAGE[2]:02d}.txt"
    lines = page.read_text(encoding="utf-8").split("\n")
    page.write_text("\n".join(x for x in lines if not (x.strip() and _compact(x.lstrip("# ")) in own)), encoding="utf-8")
    summary = build_index(archive, index, gazetteer=gazetteer)
    assert summary.updated == 1
    now = {r["title"]: r["id"] for r in client.get("/api/search?q=&paper=taiyuan-daily&per_page=50").get_json()["results"]}
    last = before[-1]["id"]
    assert titles[last] in now and now[titles[last]] != last
    # an id that no longer exists: a permanent redirect to where its text is, query kept
    gone = client.get(f"/article/{last}?q=景区")
    assert gone.status_code == 301
    assert gone.headers["Location"].endswith(f"/article/{now[titles[last]]}?q=%E6%99%AF%E5%8C%BA")
    assert client.get(f"/article/{last}", follow_redirects=True).get_data(as_text=True).count(titles[last]) >= 1
    api = client.get(f"/api/articles/{last}")
    assert api.status_code == 301 and api.headers["Location"].endswith(f"/api/articles/{now[titles[last]]}")
    # an id that holds another text now: the page says where its earlier text went
    second = before[1]["id"]
    page_html = client.get(f"/article/{second}").get_data(as_text=True)
    assert "版面重新切分后" in page_html and f'href="/article/{now[titles[second]]}"' in page_html
    # an article whose id did not change has no notice; unknown ids stay 404
    assert client.get("/article/taiyuan-daily-2021-12-23-01-99").status_code == 404


def test_successor_rules():
    old = [("a-01", "甲乙丙丁戊己庚辛"), ("a-02", "子丑寅卯辰巳午未"), ("a-03", "天地玄黄宇宙洪荒")]
    new = [("a-01", "子丑寅卯辰巳午未申"), ("a-02", "天地玄黄宇宙洪荒")]
    found = successors(old, new)
    assert found == {"a-01": None, "a-02": "a-01", "a-03": "a-02"}
    aliases = merge({"a-01": "x-09"}, found)
    assert aliases == {"a-01": "x-09", "a-02": "a-01", "a-03": "a-02"}
    assert merge(aliases, {"a-02": "a-02"}) == {"a-01": "x-09", "a-03": "a-02"}  # back where it was
    live = {"a-01", "a-02"}
    assert resolve("a-03", aliases, live.__contains__) == "a-02"
    assert resolve("a-09", {"a-09": "a-08", "a-08": "a-09"}, live.__contains__) is None  # a cycle
    assert resolve("a-07", {"a-07": "a-06", "a-06": "a-01"}, live.__contains__) == "a-01"  # moved twice
