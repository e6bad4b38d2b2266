"""Issue 7: web hardening, and fuzzing of the page parser and the query parser."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLE_ARCHIVE, examples
from indexer.layout import split_paragraphs
from indexer.parse import BODY, LEAD, MARKER, MARKER_RE, PageInfo, parse_page, role_of, split_marker
from search_app.query import QueryError, parse_query, to_whoosh

SAMPLE_LINES = [line for p in sorted(SAMPLE_ARCHIVE.rglob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("url", ["/", "/?q=刘星", "/api/search?q=刘星", "/static/style.css", "/nope", "/api/search?page=0",
                                 "/feed.atom", "/papers"])
def test_security_headers_everywhere(client, url):
    resp = client.get(url)
    resp.close()
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'none'" in csp and "unsafe-inline" not in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_style_in_pages(client):
    for url in ("/?q=刘星", "/official/刘星", "/region/晋中市", "/papers"):
        html = client.get(url).get_data(as_text=True)
        assert "<script" not in html and " style=" not in html and "<style" not in html, url


def test_errors_never_leak_a_stack_trace(app, client, monkeypatch):
    assert not app.debug
    engine = app.extensions["jinbao_engine"]

    def boom(*_args, **_kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(engine, "search", boom)
    for url in ("/api/search?q=x", "/?q=x"):
        resp = client.get(url)
        body = resp.get_data(as_text=True)
        assert resp.status_code == 500
        assert "secret" not in body and "Traceback" not in body and "服务器内部错误" in body


@pytest.mark.parametrize("params, name", [
    ({"q": "词 " * 20}, None),  # too many terms
    ({"region": "区" * 60}, "region"),
    ({"region": [f"县{i}" for i in range(30)]}, "region"),
    ({"year": "二〇二五"}, "year"),
    ({"per_page": "1e3"}, "per_page"),
])
def test_more_bad_parameters(client, params, name):
    resp = client.get("/api/search", query_string=params)
    assert resp.status_code == 400
    if name:
        assert name in resp.get_json()["error"]


def test_time_limit_marks_results_incomplete(app, client, monkeypatch):
    from whoosh import collectors

    from search_app.cache import ResultCache

    engine = app.extensions["jinbao_engine"]
    monkeypatch.setattr(engine, "results", ResultCache(16))
    normal = client.get("/api/search?q=发展").get_json()
    assert normal["incomplete"] is False and normal["total"] > 0

    def out_of_time(self):
        raise collectors.TimeLimit()  # as the collector does when its timer fires mid-search

    # no time at all: the term-at-a-time pass stops at once, and so does the grace pass
    monkeypatch.setattr(engine, "results", ResultCache(16))
    monkeypatch.setattr(engine, "time_limit", 0.0)
    with monkeypatch.context() as m:
        m.setattr(collectors.TimeLimitCollector, "collect_matches", out_of_time)
        resp = client.get("/api/search?q=发展")
    assert resp.status_code == 200 and resp.get_json()["incomplete"] is True
    # an answer cut short is not cached: with time again the full answer is searched for
    monkeypatch.setattr(engine, "time_limit", 3.0)
    again = client.get("/api/search?q=发展").get_json()
    assert again["cached"] is False and again["incomplete"] is False and again["total"] == normal["total"]


# --- fuzzing ------------------------------------------------------------------------------

page_text = st.one_of(
    st.text(max_size=2000),
    st.lists(st.sampled_from(SAMPLE_LINES), max_size=60).map("\n".join),
    st.lists(st.one_of(st.sampled_from(SAMPLE_LINES), st.text(max_size=40), st.just(""), st.just("（下转第4版）"),
                       st.just("本报记者 张三 摄"), st.just("## 标题")), max_size=40).map("\n".join),
)


def _nows(s: str) -> str:
    return re.sub(r"\s+", "", s)


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=page_text)
@example(text="0\n0(转第0版)\n001(转第0版)\n00,")  # orphans of orphans kept their fragments
@example(text="1(转第0版)\n000(转第0版)\n00,")
@example(text="0000年0月0日\n,")  # a date heading is a title, not lost text
@example(text="0000000000000000000日,00000000。")  # digits are no run-in headline
def test_page_parser_never_crashes_or_loses_body_text(text):
    articles = parse_page(text, PageInfo(paper="fuzz", date=None))
    # text may become a headline (a date heading) or a caption, but it is never dropped
    output = _nows("".join((a.title or "") + "".join(a.subtitles) + a.body + "".join(a.fragments)
                           + (a.signature or "") + "".join(a.captions) for a in articles))
    for p in split_paragraphs(text):
        if p.text and role_of(p) in (BODY, LEAD, MARKER):
            body = _nows(split_marker(p.text)[0])
            assert body in output, body[:40]
    for a in articles:
        assert a.body and not MARKER_RE.search(a.body)


@settings(max_examples=examples(300), deadline=None)
@given(q=st.text(max_size=250))
def test_query_parser_never_crashes(q):
    try:
        parsed = parse_query(q)
    except QueryError:
        return
    to_whoosh(parsed)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.one_of(st.text(max_size=60), st.sampled_from(['"', "(", "title:*", "a* b?", "x~3", "[a TO z]", "OR OR",
                                                           "- -", "标题:", "\x00", "\ud7ff"])),
       region=st.one_of(st.none(), st.text(max_size=10)))
def test_search_api_never_errors(client, q, region):
    params = {"q": q}
    if region is not None:
        params["region"] = region
    resp = client.get("/api/search", query_string=params)
    assert resp.status_code in (200, 400)  # the property: never a 500
    body = resp.get_json()
    if resp.status_code == 400:
        assert re.search(r"\b(?:q|region)\b", body["error"]), body  # the message names the parameter
    else:
        assert isinstance(body["total"], int) and len(body["results"]) <= body["total"]
