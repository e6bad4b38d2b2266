"""Incremental re-indexing: change one page, delete one, add one."""

from __future__ import annotations

import json
import shutil

from conftest import copy_archive
from indexer.build import build_index, open_index


def stored_ids(index_dir) -> list[str]:
    ix = open_index(index_dir)
    with ix.searcher() as s:
        return [f["id"] for f in s.all_stored_fields()]


def test_change_delete_add(tmp_path, gazetteer):
    archive = copy_archive(tmp_path)
    index_dir = tmp_path / "index"
    first = build_index(archive, index_dir, gazetteer=gazetteer)
    assert (first.added, first.updated, first.removed, first.unchanged, first.skipped) == (5, 0, 0, 0, 0)
    ids_before = stored_ids(index_dir)
    assert len(ids_before) == len(set(ids_before)) == first.articles_total

    again = build_index(archive, index_dir, gazetteer=gazetteer)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 5)
    assert again.articles_written == 0
    assert sorted(stored_ids(index_dir)) == sorted(ids_before)

    # change: append a new short article to one page
    changed = archive / "taiyuan-daily" / "2021-12-23" / "01.txt"
    changed.write_text(
        changed.read_text(encoding="utf-8")
        + "\n\n万柏林区举办冬季长跑活动\n\n本报讯(记者测试)12月21日,万柏林区举办冬季长跑活动,千余名群众参加。\n",
        encoding="utf-8",
    )
    # delete one page, add one (a copy of another page under a new date)
    removed = archive / "luzhou" / "2026-06-04" / "01.txt"
    removed_count = len([i for i in ids_before if i.startswith("luzhou-2026-06-04-01-")])
    removed.unlink()
    new_dir = archive / "jinzhong-daily" / "2026-06-03"
    new_dir.mkdir()
    shutil.copy(archive / "jinzhong-daily" / "2026-06-02" / "01.txt", new_dir / "02.txt")

    third = build_index(archive, index_dir, gazetteer=gazetteer)
    assert (third.added, third.updated, third.removed, third.unchanged, third.skipped) == (1, 1, 1, 3, 0)
    ids_after = stored_ids(index_dir)
    assert len(ids_after) == len(set(ids_after)), "no duplicates"
    assert not [i for i in ids_after if i.startswith("luzhou-")]
    copied = [i for i in ids_after if i.startswith("jinzhong-daily-2026-06-03-02-")]
    originals = [i for i in ids_before if i.startswith("jinzhong-daily-2026-06-02-01-")]
    assert len(copied) == len(originals)
    taiyuan_before = [i for i in ids_before if i.startswith("taiyuan-daily-")]
    taiyuan_after = [i for i in ids_after if i.startswith("taiyuan-daily-")]
    assert len(taiyuan_after) == len(taiyuan_before) + 1
    assert len(ids_after) == len(ids_before) - removed_count + len(copied) + 1
    assert third.articles_total == len(ids_after)

    # the changed page's new article is searchable
    from search_app import create_app

    client = create_app({"INDEX_DIR": str(index_dir)}).test_client()
    data = client.get("/api/search", query_string={"q": "冬季长跑"}).get_json()
    assert data["total"] == 1 and data["results"][0]["paper"] == "taiyuan-daily"


def test_manifest_rebuilt_when_stale(tmp_path, gazetteer):
    archive = copy_archive(tmp_path)
    index_dir = tmp_path / "index"
    build_index(archive, index_dir, gazetteer=gazetteer)
    from indexer.build import active_dir

    manifest = active_dir(index_dir) / "pages.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["generation"] = -1  # as if the run crashed between the commit and the manifest write
    data["pages"] = {}
    manifest.write_text(json.dumps(data), encoding="utf-8")
    again = build_index(archive, index_dir, gazetteer=gazetteer)
    assert again.unchanged == 5 and again.added == 0


def test_jumped_article_parts_link_to_each_other(tmp_path, gazetteer):
    archive = copy_archive(tmp_path)
    page4 = archive / "jinzhong-daily" / "2026-06-26" / "04.txt"
    page4.write_text(
        "因地制宜发挥优势 以内涵式发展激发新动能\n\n"
        "(上接第1版)刘星强调,要加快推进城市更新,持续提升城市品质,让群众生活更方便、更舒心、更美好。\n\n"
        "全市夏粮收购工作有序开展\n\n本报讯(记者测试)6月25日,全市夏粮收购工作有序开展。\n",
        encoding="utf-8",
    )
    build_index(archive, tmp_path / "index", gazetteer=gazetteer)
    from search_app import create_app

    client = create_app({"INDEX_DIR": str(tmp_path / "index")}).test_client()
    hits = client.get("/api/search", query_string={"q": "标题:以内涵式发展激发新动能", "per_page": 10}).get_json()
    by_page = {r["page"]: r["id"] for r in hits["results"]}
    assert set(by_page) == {1, 4}
    first = client.get(f"/api/articles/{by_page[1]}").get_json()
    second = client.get(f"/api/articles/{by_page[4]}").get_json()
    assert first["continued_on"] == "第4版" and first["continued_on_id"] == by_page[4]
    assert second["continued_from"] == "第1版" and second["continued_from_id"] == by_page[1]
    html = client.get(f"/article/{by_page[1]}").get_data(as_text=True)
    assert f'href="/article/{by_page[4]}"' in html and "继续阅读" in html
    # the other article of page 4 is not mistaken for the continuation
    other = client.get("/api/search", query_string={"q": "夏粮收购"}).get_json()["results"][0]
    assert client.get(f"/api/articles/{other['id']}").get_json()["continued_from_id"] is None


def test_parallel_build_equals_sequential(tmp_path, gazetteer, monkeypatch):
    """Parsing on both cores (forked workers, the parsed pages kept on disk until the analysis)
    gives the same index as parsing in one process."""
    import indexer.build as build

    archive = copy_archive(tmp_path)
    build_index(archive, tmp_path / "seq", gazetteer=gazetteer)
    monkeypatch.setattr(build, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setenv("JINBAO_WORKERS", "2")
    summary = build_index(archive, tmp_path / "par", gazetteer=gazetteer)
    assert summary.added == 5 and not summary.problems
    assert stored_ids(tmp_path / "par") == stored_ids(tmp_path / "seq")
    from indexer.build import open_index

    def stored(index_dir):
        """The stored articles, but for the time each run added them (its own clock)."""
        import json

        with open_index(index_dir).searcher() as s:
            docs = [json.loads(f["doc"]) for f in s.all_stored_fields()]
        assert all(d.pop("added") for d in docs)
        return sorted(json.dumps(d, ensure_ascii=False, sort_keys=True) for d in docs)

    assert stored(tmp_path / "par") == stored(tmp_path / "seq")
    assert not list((tmp_path / "par").glob("parsed-*"))
    from search_app import create_app

    seq = create_app({"INDEX_DIR": str(tmp_path / "seq")}).test_client()
    par = create_app({"INDEX_DIR": str(tmp_path / "par")}).test_client()
    for q in ("刘星", '"正确政绩观"', "魏振东", "環境保護"):
        a = seq.get("/api/search", query_string={"q": q, "per_page": 100}).get_json()
        b = par.get("/api/search", query_string={"q": q, "per_page": 100}).get_json()
        assert a["total"] == b["total"] and {r["id"] for r in a["results"]} == {r["id"] for r in b["results"]}


def test_new_parser_version_reparses_every_page(tmp_path, gazetteer, monkeypatch):
    """An index built by an older parser is re-parsed page by page on the next ordinary run
    (no --full), the summary says why, and the run after it has nothing to do."""
    import indexer.build as build
    from indexer.build import active_dir, load_meta

    archive = copy_archive(tmp_path)
    index_dir = tmp_path / "index"
    build_index(archive, index_dir, gazetteer=gazetteer)
    meta_path = active_dir(index_dir) / build.META_FILE
    assert load_meta(active_dir(index_dir))["parser_version"] == build.PARSER_VERSION
    ids_before = sorted(stored_ids(index_dir))

    # the index as an older parser left it: same pages, an older version in the meta
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["parser_version"] = build.PARSER_VERSION - 1
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    generation = active_dir(index_dir).name

    # even a run limited to one paper re-parses all of them
    upgraded = build_index(archive, index_dir, gazetteer=gazetteer, paper="luzhou")
    assert (upgraded.added, upgraded.updated, upgraded.unchanged) == (0, 5, 0)
    assert f"parser {build.PARSER_VERSION - 1} -> {build.PARSER_VERSION}: every page re-parsed" in upgraded.line()
    assert active_dir(index_dir).name == generation  # an in-place commit, not a manual --full
    assert sorted(stored_ids(index_dir)) == ids_before
    assert load_meta(active_dir(index_dir))["parser_version"] == build.PARSER_VERSION

    after = build_index(archive, index_dir, gazetteer=gazetteer)
    assert after.unchanged == 5 and after.reparsed is None and "nothing to do" in after.line()


def test_pages_whose_file_is_unchanged_are_not_read_again(tmp_path, gazetteer, monkeypatch):
    """The quick check: a page whose file has the size and modification time it had when it
    was hashed is not read; one touched (same text) is read once and found unchanged; one
    changed is re-indexed, even when the change keeps the modification time but not the size."""
    import os

    import indexer.build as build

    archive = copy_archive(tmp_path)
    index_dir = tmp_path / "index"
    build_index(archive, index_dir, gazetteer=gazetteer)
    read: list[str] = []
    real_read = build.read_page
    monkeypatch.setattr(build, "read_page", lambda path: (read.append(str(path)), real_read(path))[1])

    summary = build_index(archive, index_dir, gazetteer=gazetteer)
    assert summary.unchanged == 5 and not summary.changed and read == []

    pages = sorted(archive.rglob("[0-9][0-9].txt"))
    touched, changed = pages[0], pages[1]
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    before = changed.stat()
    changed.write_text(changed.read_text(encoding="utf-8") + "\n本报讯 记者补记。\n", encoding="utf-8")
    os.utime(changed, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same time, another size
    summary = build_index(archive, index_dir, gazetteer=gazetteer)
    assert summary.updated == 1 and summary.unchanged == 4
    assert set(read) == {str(touched), str(changed)}  # (the changed one twice: hashed, then parsed)
    read.clear()
    summary = build_index(archive, index_dir, gazetteer=gazetteer)
    assert not summary.changed and read == [], "the touched page's new time was recorded"


def test_the_dictionary_keeps_each_words_frequency_for_the_server_and_later_runs(tmp_path, gazetteer):
    """userdict.txt holds every word with the frequency it was added with; a server (a fresh
    segmenter) gets exactly those, and a later run keeps them while adding new officials."""
    from indexer import segment
    from indexer.build import active_dir, read_userdict

    archive = copy_archive(tmp_path)
    index_dir = tmp_path / "index"
    build_index(archive, index_dir, gazetteer=gazetteer)
    first = read_userdict(active_dir(index_dir))
    assert len(first) > 1000 and all(isinstance(f, int) and f >= 1000 for f in first.values())
    assert "刘星" in first  # an official found in the run
    fresh = segment.Segmenter(first)
    assert fresh.freqs == first
    for word in ("刘星", "榆次区"):
        assert fresh.jieba.FREQ[word] == first[word]

    day = archive / "jinzhong-daily" / "2026-08-01"
    day.mkdir()
    (day / "01.txt").write_text("本报讯 8月1日，市委常委、副市长张新民主持召开会议，研究防汛工作。\n", encoding="utf-8")
    build_index(archive, index_dir, gazetteer=gazetteer)
    second = read_userdict(active_dir(index_dir))
    assert {w: second[w] for w in first} == first
    assert "张新民" in second and second.keys() > first.keys()
