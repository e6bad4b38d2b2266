"""The page parser on the real sample pages (issue 2 level; gold metrics come with issue 3)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner

from conftest import SAMPLE_ARCHIVE
from indexer.cli import main
from indexer.dates import find_dateline, infer_issue_date, resolve_month_day
from indexer.layout import split_paragraphs
from indexer.parse import split_marker

PAGES = sorted(SAMPLE_ARCHIVE.glob("*/*/*.txt"))


def nospace(s: str) -> str:
    return re.sub(r"\s+", "", s)


def run_parse(path, *args) -> list[dict]:
    result = CliRunner().invoke(main, ["parse", str(path), *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines() if line.strip()]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_every_page_parses_into_articles_without_losing_text(path):
    articles = run_parse(path, "--date", path.parent.name, "--paper", path.parent.parent.name)
    assert len(articles) >= 4
    page_text = nospace(path.read_text(encoding="utf-8"))
    for art in articles:
        assert art["body"]
        assert not re.search(r"[（(][上下]转第", art["body"]), "continuation markers are kept out of the body"
        # every body paragraph is verbatim page text (OCR line breaks and spaces removed)
        for para in art["body"].split("\n"):
            assert nospace(para) in page_text
        assert art["date"] == path.parent.name
        assert re.fullmatch(r"[a-z-]+-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}", art["id"])
    assert len({a["id"] for a in articles}) == len(articles)


def test_ocr_wrapped_name_is_joined_and_jump_recorded():
    page = SAMPLE_ARCHIVE / "jinzhong-daily" / "2025-06-09" / "01.txt"
    articles = run_parse(page, "--date", "2025-06-09", "--home-region", "晋中市", "--paper-name", "晋中日报")
    first = articles[0]
    assert first["body"].startswith("本报讯（记者张子珂）6月5日")
    assert "副市长王帮富参加会议" in first["body"]
    assert first["continued_on"] == "第4版"
    assert first["dateline"] == "2025-06-05"
    assert first["paper_name"] == "晋中日报"
    assert "晋中市" in first["regions"]


def test_duplicate_paragraphs_are_shown_once():
    page = SAMPLE_ARCHIVE / "luzhou" / "2026-06-04" / "01.txt"
    raw = [p.text for p in split_paragraphs(page.read_text(encoding="utf-8"))]
    dupes = {p for p in raw if len(p) > 50 and raw.count(p) > 1}
    assert dupes, "the sample page prints some paragraphs twice"
    for art in run_parse(page, "--date", "2026-06-04"):
        paras = art["body"].split("\n")
        assert len(paras) == len(set(paras))


def test_headlines_before_body():
    page = SAMPLE_ARCHIVE / "jinzhong-daily" / "2026-06-02" / "01.txt"
    titles = [a["title"] for a in run_parse(page, "--date", "2026-06-02")]
    assert "全市安全生产工作暨经济运行分析会召开" in titles
    assert "我市1县上榜中国县域旅游传播力百强榜单" in titles


def test_loose_page_infers_its_date():
    page = SAMPLE_ARCHIVE / "taiyuan-daily" / "2021-12-23" / "01.txt"
    articles = run_parse(page)
    assert {a["date_source"] for a in articles} == {"inferred"}
    assert articles[0]["date"].startswith("2021-12")
    assert articles[0]["dateline"] == "2021-12-22"


def test_dateline_year_resolution():
    issue = dt.date(2026, 1, 2)
    assert resolve_month_day(12, 30, issue) == dt.date(2025, 12, 30)
    assert resolve_month_day(1, 1, issue) == dt.date(2026, 1, 1)
    assert find_dateline("本报讯（记者 X）12月30日，全市召开会议。", issue) == dt.date(2025, 12, 30)
    assert find_dateline("2025 年 6 月 7 日，中央第一生态环境保护督察组", None) == dt.date(2025, 6, 7)
    assert find_dateline("本报讯 6 月 7 日下午，我市召开", dt.date(2025, 6, 9)) == dt.date(2025, 6, 7)
    assert infer_issue_date("2025 年 6 月 7 日，…截至 6 月 8 日，…") == dt.date(2025, 6, 8)


def test_continuation_markers():
    assert split_marker("真不符合申请低保的条件。”（下转第4版）") == ("真不符合申请低保的条件。”", "第4版", None)
    assert split_marker("(上接第1版)会议强调") == ("会议强调", None, "第1版")


def test_parse_reports_unreadable_file(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    result = CliRunner().invoke(main, ["parse", str(bad)])
    assert result.exit_code != 0
    assert "bad.txt" in result.output and "binary" in result.output
