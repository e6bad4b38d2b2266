"""Each article records when it entered the index (issue 16 §3): ``sort=added`` and the Atom
feed list a back-filled old issue before newer articles indexed earlier; a re-parsed article
keeps the time its text first came in."""

from __future__ import annotations

import datetime as dt
import time
import xml.etree.ElementTree as ET

from helpers import indexed_sample_copy
from indexer.build import build_index

ATOM = "{http://www.w3.org/2005/Atom}"
OLD_PAGE = """# 榆次市召开春耕生产动员会

本报讯（记者 张建华）5月11日，榆次市召开春耕生产动员会，部署全市春耕生产工作。会议要求抓好生态环境保护和春耕备耕。
"""


def test_a_back_filled_issue_reaches_the_feed_first(tmp_path, gazetteer):
    archive, index, client = indexed_sample_copy(tmp_path, gazetteer)
    first = client.get("/api/search?q=生态环境&sort=added&per_page=50").get_json()["results"]
    assert first and all(r["added"] for r in first)
    time.sleep(1.1)  # (times are kept to the second)
    page = archive / "jinzhong-daily" / "1998-05-12" / "01.txt"
    page.parent.mkdir()
    page.write_text(OLD_PAGE, encoding="utf-8")
    build_index(archive, index, gazetteer=gazetteer)
    added = client.get("/api/search?q=生态环境&sort=added&per_page=50").get_json()["results"]
    assert added[0]["date"] == "1998-05-12", "the newest in the archive, though the oldest issue"
    assert added[0]["added"] > max(r["added"] for r in first)
    newest = client.get("/api/search?q=生态环境&sort=newest&per_page=50").get_json()["results"]
    assert newest[-1]["date"] == "1998-05-12"
    # the feed: newly added first, updated = the time it was added
    root = ET.fromstring(client.get("/feed.atom?q=生态环境").get_data())
    entries = root.findall(f"{ATOM}entry")
    assert entries[0].find(f"{ATOM}published").text.startswith("1998-05-12")
    updated = dt.datetime.fromisoformat(entries[0].find(f"{ATOM}updated").text.replace("Z", "+00:00"))
    assert abs((dt.datetime.now(dt.UTC) - updated).total_seconds()) < 120
    assert '<strong aria-current="true">新收录</strong>' in client.get("/?q=生态环境&sort=added").get_data(as_text=True)
    # a page changed and parsed again: its unchanged articles keep their time
    before = {r["id"]: r["added"] for r in added}
    time.sleep(1.1)
    page.write_text(OLD_PAGE.replace("部署全市春耕生产工作。", "部署全市春耕生产工作，"), encoding="utf-8")
    build_index(archive, index, gazetteer=gazetteer)
    again = client.get("/api/search?q=春耕&sort=added").get_json()["results"]
    assert again[0]["id"] in before and again[0]["added"] == before[again[0]["id"]]
