"""Citable (issue 16 §4): a GB/T 7714 reference with the reporters as authors and a permanent
link on each article page; exports say what was searched and when."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape
from urllib.parse import unquote

import pytest

from search_app.cite import MAX_AUTHORS, gbt7714


def _reference_lines(page: str) -> list[str]:
    return [unescape(x) for x in re.findall(r'<p class="reference">([^<]+)</p>', page)]


def test_article_page_cites_in_gbt7714_with_the_reporters(client, all_articles):
    with_reporter = next(a for a in all_articles if a.get("reporters") and a.get("title"))
    page = client.get(f"/article/{with_reporter['id']}").get_data(as_text=True)
    assert "引用本文" in page
    printed, online = _reference_lines(page)
    authors = ", ".join(with_reporter["reporters"][:MAX_AUTHORS])
    assert printed == (f"{authors}. {with_reporter['title'].rstrip('。')}[N]. {with_reporter['paper_name']}, "
                       f"{with_reporter['date']}({with_reporter['page']}).")
    link = f"http://127.0.0.1:5000/article/{with_reporter['id']}"
    assert online.startswith(f"{authors}. ") and "[N/OL]" in online
    assert online.endswith(f"[{dt.date.today().isoformat()}]. {link}.")
    assert f'<a href="{link}">{link}</a>' in page  # the permanent link, on the configured address
    assert client.get(f"/article/{with_reporter['id']}").status_code == 200


def test_a_reference_without_reporter_starts_with_the_title(all_articles):
    doc = dict(next(a for a in all_articles if a.get("title")), reporters=[])
    assert gbt7714(doc).startswith(doc["title"].rstrip("。"))
    many = dict(doc, reporters=["甲", "乙", "丙", "丁"])
    assert gbt7714(many).startswith("甲, 乙, 丙, 等. ")


def test_csv_headers_in_chinese_and_a_file_name_from_the_query(client):
    resp = client.get("/export.csv", query_string={"q": "生态环境", "region": "晋中市", "headers": "zh"})
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["文章编号", "日期", "报纸", "版次", "标题"]
    assert len(rows) > 1
    disposition = resp.headers["Content-Disposition"]
    name = unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1))
    assert name == f"jinbao-生态环境_晋中市-{dt.date.today().isoformat()}.csv"
    assert re.search(r'filename="[ -~]+"', disposition), "an ASCII fallback name"
    default = client.get("/export.csv", query_string={"q": "生态环境"}).get_data(as_text=True)
    assert default.lstrip("\ufeff").startswith("id,date,paper_name")  # unchanged for scripts


def test_json_export_records_the_query_and_the_time(client):
    resp = client.get("/export.json", query_string={"q": "生态环境", "year": "2025"})
    data = resp.get_json()
    assert data["query"]["q"] == "生态环境" and data["query"]["year"] == ["2025"]
    exported = dt.datetime.fromisoformat(data["exported_at"])
    assert abs((dt.datetime.now(exported.tzinfo) - exported).total_seconds()) < 120
    assert data["total"] == len(data["articles"]) > 0


@pytest.mark.parametrize("value", ["cn", "<b>", "zh-TW"])
def test_a_bad_headers_option_is_400(client, value):
    resp = client.get("/export.csv", query_string={"q": "生态环境", "headers": value})
    assert resp.status_code == 400
    assert "headers" in resp.get_json()["error"]


def test_a_hostile_query_in_the_file_name_is_harmless(client):
    resp = client.get("/export.csv", query_string={"q": '../"x"\r\n<y>'})
    assert resp.status_code == 200
    disposition = resp.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and "/" not in unquote(disposition.split("''")[1])
