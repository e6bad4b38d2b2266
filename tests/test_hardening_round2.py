"""Issue 13: the defects an outside test of the re-index and the site found, each met the way an
operator or a reader meets it (the CLI, HTTP), each failing before its fix."""

from __future__ import annotations

import csv
import io
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_archive
from indexer.build import active_dir, open_index
from indexer.cli import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["index", *args])
    return result.exit_code, result.output


def ids(index_dir: Path) -> list[str]:
    with open_index(index_dir).searcher() as s:
        return sorted(f["id"] for f in s.all_stored_fields())


def client_for(index_dir: Path, **config):
    from search_app import create_app

    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True, **config}).test_client()


@pytest.fixture()
def built(tmp_path):
    archive = copy_archive(tmp_path)
    index_dir = tmp_path / "ix"
    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 0, out
    return archive, index_dir


def add_page(archive: Path, date: str, text: str, number: str = "01", paper: str = "jinzhong-daily") -> Path:
    day = archive / paper / date
    day.mkdir(parents=True, exist_ok=True)
    page = day / f"{number}.txt"
    page.write_text(text, encoding="utf-8")
    return page


# 1 ---------------------------------------------------------------------------------------------
def test_links_out_of_the_archive_are_refused(built, tmp_path):
    archive, index_dir = built
    before = ids(index_dir)
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("本报讯 机密文件：外部文本不应被索引。", encoding="utf-8")
    day = archive / "jinzhong-daily" / "2026-07-01"
    day.mkdir()
    (day / "01.txt").symlink_to(secret)
    (day / "02.txt").symlink_to("/proc/self/status")
    (archive / "jinzhong-daily" / "2026-07-02").symlink_to(secret.parent, target_is_directory=True)
    inside = archive / "jinzhong-daily" / "2026-07-03"
    inside.mkdir()
    (inside / "01.txt").symlink_to(archive / "luzhou" / "2026-06-04" / "01.txt")  # inside: read once
    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 1, out
    assert out.count("outside the archive") == 3, out
    assert "the same file as" in out
    client = client_for(index_dir)
    assert client.get("/api/search", query_string={"q": "机密文件"}).get_json()["total"] == 0
    assert ids(index_dir) == before  # nothing outside was indexed, the page linked inside not twice


# 2 ---------------------------------------------------------------------------------------------
def _toc(index_dir: Path) -> Path:
    return next(active_dir(index_dir).glob("_articles_*.toc"))


@pytest.mark.parametrize("damage", ["delete", "truncate"])
def test_a_damaged_index_is_named_and_full_rebuilds_it(built, damage):
    archive, index_dir = built
    before = ids(index_dir)
    toc = _toc(index_dir)
    if damage == "delete":
        toc.unlink()
    else:
        toc.write_bytes(toc.read_bytes()[:40])
    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 2, out
    assert "damaged" in out and "--full" in out and str(active_dir(index_dir)) in out
    # the server refuses to start on it, with the same message
    served = CliRunner().invoke(main, ["serve", "--index", str(index_dir), "--port", "5999"])
    assert served.exit_code == 2 and "damaged" in served.output and "--full" in served.output
    code, out = run(str(archive), "--index", str(index_dir), "--full")
    assert code == 0, out
    assert ids(index_dir) == before


def test_a_running_server_answers_503_when_its_index_becomes_unreadable(built):
    _archive, index_dir = built
    client = client_for(index_dir, QUERY_CACHE=0)
    assert client.get("/api/search", query_string={"q": "刘星"}).status_code == 200
    _toc(index_dir).unlink()
    for url in ("/api/search?q=刘星", "/?q=刘星", "/papers"):
        resp = client.get(url)
        assert resp.status_code == 503, url
        assert "索引无法读取" in resp.get_data(as_text=True)


# 3 ---------------------------------------------------------------------------------------------
def test_an_unreadable_folder_or_paper_toml_is_skipped_and_its_pages_kept(built, monkeypatch):
    archive, index_dir = built
    before = ids(index_dir)
    blocked_day = archive / "jinzhong-daily" / "2026-06-02"
    blocked_toml = archive / "luzhou" / "paper.toml"
    add_page(archive, "2026-07-05", "泰山路开通\n\n本报讯（记者 测试）7月4日，榆次区泰山路正式通车。\n")
    real_scandir, real_read_text = os.scandir, Path.read_text

    def scandir(path):  # (the tests run as root, whom chmod does not stop)
        if Path(path) == blocked_day:
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    def read_text(self, *args, **kwargs):
        if self == blocked_toml:
            raise PermissionError(13, "Permission denied")
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(Path, "read_text", read_text)
    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 1, out
    assert f"{blocked_day}: cannot read folder: Permission denied" in out
    assert f"{blocked_toml}: cannot read paper.toml: Permission denied" in out
    assert "0 removed" in out and "1 added" in out
    after = ids(index_dir)
    assert set(before) <= set(after) and len(after) == len(before) + 1


# 4 ---------------------------------------------------------------------------------------------
def test_csv_cells_that_spreadsheets_would_run_are_neutralised(built):
    archive, index_dir = built
    add_page(archive, "2026-07-06", "=HYPERLINK(\"http://evil.example\",\"点我\")\n\n"
                                    "@SUM(1+1)公式测试，本报讯 7月5日，公式注入测试。\n\n-2+3 公式测试第二段。\n")
    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 0, out
    client = client_for(index_dir)
    body = client.get("/export.csv", query_string={"q": "公式测试"}).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    header, cells = rows[0], [c for row in rows[1:] for c in row]
    assert rows[1:] and all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    body = rows[1][header.index("body")]
    assert body.startswith("'=HYPERLINK")


# 5 ---------------------------------------------------------------------------------------------
def test_huge_pages_are_refused_and_long_articles_reported_and_bounded(built, monkeypatch):
    archive, index_dir = built
    add_page(archive, "2026-07-07", "生态环境" * 700_000)  # 2.8 MB: over the 2 MB page cap
    long_text = "本报讯 7月6日，" + "生态环境保护工作会议召开，" * 20_000 + "\n"  # 260,000 characters
    add_page(archive, "2026-07-08", long_text)
    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 1, out
    assert "file too large for a page" in out
    assert "characters: the page was probably not split into articles" in out
    client = client_for(index_dir, QUERY_CACHE=0)
    data = client.get("/api/search", query_string={"q": "生态环境保护"}).get_json()
    long_hit = [r for r in data["results"] if r["date"] == "2026-07-08"][0]
    assert 0 < long_hit["snippet"].count("<mark>") <= 10
    page = client.get(long_hit["url"] + "?q=生态环境保护").get_data(as_text=True)
    from search_app.highlight import MAX_SPANS

    assert 0 < page.count("<mark>") <= MAX_SPANS + 5  # the article page's marks are bounded too

    # highlighting counts against the time budget: past it the answer says incomplete
    import search_app.engine as engine_module

    engine = client.application.extensions["jinbao_engine"]
    real = engine_module.snippet

    def slow_snippet(text, strings, width=120):
        import time

        time.sleep(0.05)
        return real(text, strings, width)

    monkeypatch.setattr(engine_module, "snippet", slow_snippet)
    monkeypatch.setattr(engine, "time_limit", 0.5)
    data = client.get("/api/search", query_string={"q": "会议", "per_page": 30}).get_json()
    assert data["incomplete"] is True and data["total"] >= 12
    assert "<mark>" not in data["results"][-1]["snippet"]


# 6 ---------------------------------------------------------------------------------------------
def test_control_characters_never_break_the_feed(built):
    archive, index_dir = built
    add_page(archive, "2026-07-09", "控制字符测试\x07\n\n本报讯 7月8日，控制\x01字符\x1b测试文章。\n")
    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 1 and "control character(s) removed" in out, out
    client = client_for(index_dir)
    for q in ("控制字符", "控制\x01字符", "\x0b"):
        resp = client.get("/feed.atom", query_string={"q": q})
        assert resp.status_code in (200, 400)
        if resp.status_code == 200:
            ET.fromstring(resp.data)  # well-formed XML
    ET.fromstring(client.get("/opensearch.xml").data)
    feed = ET.fromstring(client.get("/feed.atom", query_string={"q": "控制字符"}).data)
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 1


# 7 ---------------------------------------------------------------------------------------------
def test_a_page_of_more_than_999_articles_is_capped_and_every_id_resolves(built):
    archive, index_dir = built
    briefs = "\n".join(f"◆3月{1 + i % 28}日，某县第{i}次简报会议召开，部署工作。" for i in range(1200))
    add_page(archive, "2026-07-10", briefs)
    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 1 and "1200 articles on one page" in out, out
    page_ids = [i for i in ids(index_dir) if i.startswith("jinzhong-daily-2026-07-10-01-")]
    assert len(page_ids) == 999
    client = client_for(index_dir)
    for article_id in (page_ids[0], page_ids[-1]):
        assert client.get(f"/api/articles/{article_id}").status_code == 200
    last = client.get(f"/api/articles/{page_ids[-1]}").get_json()
    assert "第1199次简报" in "".join(last["fragments"])  # the rest kept, not lost
    newest = client.get("/api/search", query_string={"paper": "jinzhong-daily", "sort": "newest"}).get_json()
    assert newest["results"][0]["date"] == "2026-07-10"


# 8 ---------------------------------------------------------------------------------------------
def test_absolute_urls_use_the_configured_address_not_the_host_header(built):
    _archive, index_dir = built
    client = client_for(index_dir, BASE_URL="https://jinbao.example.cn")
    headers = {"Host": "evil.example"}
    for url in ("/opensearch.xml", "/feed.atom?q=刘星", "/export.json?q=刘星", "/export.csv?q=刘星"):
        text = client.get(url, headers=headers).get_data(as_text=True)
        assert "evil.example" not in text, url
        assert "https://jinbao.example.cn/" in text, url
    result = CliRunner().invoke(main, ["serve", "--index", str(index_dir), "--base-url", "javascript:alert(1)"])
    assert result.exit_code == 2 and "--base-url" in result.output


# 9 ---------------------------------------------------------------------------------------------
def test_paper_toml_values_are_validated(built):
    archive, index_dir = built
    huge = archive / "huge-paper"
    (huge / "2026-07-11").mkdir(parents=True)
    (huge / "paper.toml").write_text('name = "' + "报" * 1_000_000 + '"\n', encoding="utf-8")
    (huge / "2026-07-11" / "01.txt").write_text("本报讯 测试。\n", encoding="utf-8")
    mars = archive / "mars-daily"
    (mars / "2026-07-11").mkdir(parents=True)
    (mars / "paper.toml").write_text('name = "火星日报"\nhome_region = "晋中巿"\n', encoding="utf-8")
    (mars / "2026-07-11" / "01.txt").write_text("我市召开会议\n\n本报讯 7月10日，我市召开会议。\n", encoding="utf-8")
    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 1, out
    assert f"{huge / 'paper.toml'}: paper.toml is larger than 64 KB" in out
    assert "home_region '晋中巿' is not a prefecture or county (did you mean 晋中市" in out
    mars_ids = [i for i in ids(index_dir) if i.startswith("mars-daily-")]
    assert len(mars_ids) == 1  # indexed, without the home region
    assert not [i for i in ids(index_dir) if i.startswith("huge-paper-")]


# 10 --------------------------------------------------------------------------------------------
def test_names_must_match_whole_with_ascii_digits(built):
    archive, index_dir = built
    day = archive / "jinzhong-daily" / "2026-07-12"
    day.mkdir()
    for name in ("01.txt\n", "０２.txt", "٠٣.txt"):
        (day / name).write_text("本报讯 7月11日，文件名测试。\n", encoding="utf-8")
    bad_paper = archive / "luzhou2\n"
    (bad_paper / "2026-07-12").mkdir(parents=True)
    (bad_paper / "paper.toml").write_text('name = "测试报"\n', encoding="utf-8")
    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 1, out
    assert out.count("not a page file (expected NN.txt)") == 3
    assert "paper folder name must be a slug" in out
    assert not [i for i in ids(index_dir) if "2026-07-12" in i]
    client = client_for(index_dir)
    first = ids(index_dir)[0]
    assert client.get(f"/api/articles/{first}%0A").status_code == 404
    assert client.get("/paper/luzhou/2026-06-04%0A").status_code == 404


# 11 --------------------------------------------------------------------------------------------
def test_leftovers_of_killed_runs_are_removed_and_reported(built):
    archive, index_dir = built
    half = index_dir / "gen-20260101T000000-1-abcdef"
    half.mkdir()
    (half / "_articles_1.pool").write_bytes(b"\0" * 1024)
    stray = active_dir(index_dir) / f"pages.json.tmp{os.getpid() + 1}"
    stray.write_text("{}", encoding="utf-8")
    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 0, out
    assert "removed leftovers of an earlier run" in out and "half-built generation" in out
    assert not half.exists() and not stray.exists()
    code, out = run(str(archive), "--index", str(index_dir))
    assert "leftovers" not in out  # nothing left the second time


# 12 --------------------------------------------------------------------------------------------
def test_utf16_pages_with_a_byte_order_mark_are_read(built):
    archive, index_dir = built
    page = archive / "jinzhong-daily" / "2026-07-13" / "01.txt"
    page.parent.mkdir()
    page.write_bytes("测试编码的新闻\n\n本报讯（记者 王某）7月12日，UTF-16编码测试文章发布。\n".encode("utf-16"))
    no_bom = archive / "jinzhong-daily" / "2026-07-13" / "02.txt"
    no_bom.write_bytes("ASCII in UTF-16 without a BOM\n".encode("utf-16-le"))
    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 1, out
    assert "UTF-16 text needs a byte-order mark" in out
    data = client_for(index_dir).get("/api/search", query_string={"q": "编码测试"}).get_json()
    assert data["total"] == 1
