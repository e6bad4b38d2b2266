"""The archive input contract: layout, encodings, and bad entries reported, not fatal."""

from __future__ import annotations

import datetime as dt

from conftest import SAMPLE_ARCHIVE, copy_archive
from indexer.archive import scan_archive
from indexer.build import build_index
from indexer.textio import PageReadError, decode_page


def test_sample_archive_layout():
    scan = scan_archive(SAMPLE_ARCHIVE)
    assert not scan.problems
    assert {p.key for p in scan.pages} == {
        "jinzhong-daily/2025-06-09/01", "jinzhong-daily/2026-06-02/01", "jinzhong-daily/2026-06-26/01",
        "luzhou/2026-06-04/01", "taiyuan-daily/2021-12-23/01",
    }
    assert scan.papers["jinzhong-daily"].name == "晋中日报"
    assert scan.papers["jinzhong-daily"].home_region == "晋中市"


def test_encodings():
    text = "本报讯（记者张子珂）6月5日，全省深化产业工人队伍建设改革现场推进会在我市召开。"
    assert (decode_page(text.encode("utf-8")).text, decode_page(text.encode("utf-8")).encoding) == (text, "utf-8")
    bom = decode_page(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert (bom.text, bom.encoding) == (text, "utf-8-sig")
    gb = decode_page(text.encode("gb18030"))
    assert (gb.text, gb.encoding, gb.warning) == (text, "gb18030", None)
    broken = text.encode("utf-8")
    broken = broken[:30] + b"\xff" + broken[30:]
    repaired = decode_page(broken)
    assert "\ufffd" in repaired.text and "byte 30" in repaired.warning
    assert repaired.text.replace("\ufffd", "") == text
    for junk in (b"\x00\x01\x02binary", bytes(range(128, 256)) * 4):
        try:
            decode_page(junk)
        except PageReadError as exc:
            assert str(exc)
        else:
            raise AssertionError("binary junk must be refused")


def test_bad_entries_are_reported_and_the_rest_indexed(tmp_path, gazetteer):
    archive = copy_archive(tmp_path)
    (archive / "no-toml" / "2025-01-01").mkdir(parents=True)
    (archive / "no-toml" / "2025-01-01" / "01.txt").write_text("本报讯 测试", encoding="utf-8")
    (archive / "jinzhong-daily" / "2025-13-45").mkdir()
    (archive / "jinzhong-daily" / "2026-06-02" / "notes.md").write_text("x", encoding="utf-8")
    (archive / "jinzhong-daily" / "2026-06-02" / "02.txt").write_bytes(b"\x00\x00\x89PNG binary")
    gbk_dir = archive / "jinzhong-daily" / "2026-06-05"
    gbk_dir.mkdir()
    (gbk_dir / "01.txt").write_bytes("榆社县召开春耕生产推进会\n\n本报讯（记者测试）6月4日，榆社县召开春耕生产推进会。".encode("gb18030"))

    summary = build_index(archive, tmp_path / "index", gazetteer=gazetteer)
    reasons = {p.path.name: p.reason for p in summary.problems}
    assert "no paper.toml" in reasons["paper.toml"]
    assert "not a valid date" in reasons["2025-13-45"]
    assert "not a page file" in reasons["notes.md"]
    assert "binary" in reasons["02.txt"]
    assert summary.skipped == 1  # the binary page; the others are layout problems
    assert summary.added == 6  # five sample pages + the GB18030 page

    from search_app import create_app

    client = create_app({"INDEX_DIR": str(tmp_path / "index")}).test_client()
    data = client.get("/api/search", query_string={"q": "春耕生产"}).get_json()
    assert data["total"] == 1 and data["results"][0]["date"] == "2026-06-05"


def test_script_in_page_stays_escaped(tmp_path, gazetteer):
    archive = copy_archive(tmp_path)
    day = archive / "luzhou" / "2026-06-05"
    day.mkdir()
    (day / "01.txt").write_text(
        "<script>alert(1)</script>潞州区举办消夏晚会\n\n本报讯(记者测试)6月4日,<b>潞州区</b>举办消夏晚会<script>alert('x')</script>,群众纷纷点赞。\n",
        encoding="utf-8",
    )
    build_index(archive, tmp_path / "index", gazetteer=gazetteer)
    from search_app import create_app

    client = create_app({"INDEX_DIR": str(tmp_path / "index")}).test_client()
    html = client.get("/?q=消夏晚会").get_data(as_text=True)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html
    html = client.get("/?q=script").get_data(as_text=True)  # the match itself is marked, still escaped
    assert "<script>" not in html and "&lt;<mark>script</mark>&gt;" in html
    api = client.get("/api/search", query_string={"q": "消夏晚会"}).get_json()
    art = api["results"][0]
    assert "<script>" not in art["snippet"] and "<b>" not in art["snippet"]
    page = client.get(art["url"]).get_data(as_text=True)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert dt.date.fromisoformat(art["date"]) == dt.date(2026, 6, 5)
