"""Issue 7: the operator's re-index under bad input, options, locks and write failures.

Each bad input gets a message naming the file and the reason, the rest is indexed,
nothing already indexed is lost, and the exit code says what happened.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, UNAVAILABLE, copy_archive
from indexer.build import active_dir, build_index, open_index
from indexer.cli import main
from indexer.locking import RunLock

SAMPLE_ARTICLES = 30


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["index", *args])
    return result.exit_code, result.output


def ids(index_dir: Path) -> list[str]:
    with open_index(index_dir).searcher() as s:
        return sorted(f["id"] for f in s.all_stored_fields())


@pytest.fixture()
def built(tmp_path):
    archive = copy_archive(tmp_path)
    index_dir = tmp_path / "ix"
    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 0, out
    return archive, index_dir


def test_second_run_touches_nothing_and_says_so(built):
    archive, index_dir = built
    generation_files = sorted(p.name for p in active_dir(index_dir).iterdir())
    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 0 and "5 unchanged" in out and "nothing to do" in out
    assert sorted(p.name for p in active_dir(index_dir).iterdir()) == generation_files
    assert "index " in out and " MB" in out and " s;" in out


def test_bad_inputs_each_reported_rest_indexed(built):
    archive, index_dir = built
    before = ids(index_dir)
    jz = archive / "jinzhong-daily"
    day = jz / "2026-06-27"
    day.mkdir()
    good = "全市夏粮收购工作有序开展\n\n本报讯（记者测试）6月26日，全市夏粮收购工作有序开展，榆次区收购进度过半。\n"
    (day / "01.txt").write_text(good, encoding="utf-8")  # a good new page
    (day / "02.txt").write_bytes(b"\xef\xbb\xbf" + good.replace("夏粮", "秋粮").encode("utf-8"))  # BOM
    (day / "03.txt").write_bytes(good.replace("夏粮", "春耕").encode("gb18030"))  # GB18030
    (day / "04.txt").write_bytes(b"")  # empty
    (day / "05.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")  # binary
    (day / "06.txt").write_bytes(b"x" * (20 * 1024 * 1024))  # 20 MB
    long_line = ("本报讯（记者测试）6月26日，" + "榆次区测试长行第一段，" * 10_000)[:100_000]
    (day / "07.txt").write_text(long_line, encoding="utf-8")  # one 100,000-character line
    broken = good.replace("夏粮", "蔬菜").encode("utf-8")
    (day / "08.txt").write_bytes(broken[:40] + b"\xff\xfe" + broken[40:])  # invalid UTF-8 inside a character
    (archive / "bad-toml").mkdir()
    (archive / "bad-toml" / "paper.toml").write_text('name = "未闭合\n', encoding="utf-8")  # malformed
    (jz / "2025-13-45").mkdir()  # not a date
    (jz / "2025-13-45" / "01.txt").write_text(good, encoding="utf-8")

    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 1, out
    lines = out.splitlines()

    def reported(name: str, reason: str) -> bool:
        return any(name in line and reason in line for line in lines)

    assert reported("04.txt", "empty page")
    assert reported("05.txt", "binary")
    assert reported("06.txt", "too large")
    assert reported("08.txt", "invalid UTF-8 at byte 38")  # the split character starts at 38; repaired, indexed
    assert reported("paper.toml", "not valid TOML")
    assert reported("2025-13-45", "not a valid date")
    assert "5 added" in out and "5 unchanged" in out and "3 skipped" in out  # 01 02 03 07 08 added

    after = ids(index_dir)
    assert set(before) <= set(after), "nothing already indexed is lost"
    from search_app import create_app

    client = create_app({"INDEX_DIR": str(index_dir)}).test_client()
    for q in ("夏粮收购", "秋粮收购", "春耕收购", "蔬菜收购", "测试长行第一段"):
        assert client.get("/api/search", query_string={"q": q}).get_json()["total"] == 1, q


def test_page_disappearing_mid_run(built, monkeypatch):
    archive, index_dir = built
    day = archive / "luzhou" / "2026-06-05"
    day.mkdir()
    for n in (1, 2):
        (day / f"0{n}.txt").write_text(f"第{n}版标题\n\n本报讯(记者测试)6月4日,潞州区举办第{n}场活动。\n", encoding="utf-8")
    import indexer.build as build

    real = build.read_page

    def vanishing(path: Path):
        if path.name == "02.txt":
            path.unlink()  # the operator's sync removed it after the scan listed it
        return real(path)

    monkeypatch.setattr(build, "read_page", vanishing)
    summary = build_index(archive, index_dir)
    assert [(p.path.name, p.reason) for p in summary.problems] == [("02.txt", "file disappeared before it could be read")]
    assert summary.added == 1 and summary.unchanged == 5


def test_lock_held_by_another_run(built):
    archive, index_dir = built
    with RunLock(index_dir):
        code = subprocess.run([sys.executable, "-m", "indexer.cli", "index", str(archive), "--index", str(index_dir)],
                              capture_output=True, text=True, timeout=120, cwd=REPO)
    assert code.returncode == 2
    assert f"pid {os.getpid()}" in code.stderr and "since 20" in code.stderr


def test_dry_run_writes_nothing(built):
    archive, index_dir = built
    (archive / "luzhou" / "2026-06-04" / "01.txt").unlink()
    stamp = sorted((p.name, p.stat().st_mtime) for p in active_dir(index_dir).iterdir())
    code, out = run(str(archive), "--index", str(index_dir), "--dry-run")
    assert code == 0
    assert "would remove luzhou/2026-06-04/01" in out and "nothing was written" in out
    assert sorted((p.name, p.stat().st_mtime) for p in active_dir(index_dir).iterdir()) == stamp


def test_full_rebuild_switches_generation_atomically(built):
    archive, index_dir = built
    from search_app import create_app

    client = create_app({"INDEX_DIR": str(index_dir)}).test_client()
    old_generation = active_dir(index_dir)
    before = client.get("/api/search?q=刘星").get_json()
    code, out = run(str(archive), "--index", str(index_dir), "--full")
    assert code == 0 and "5 updated" in out
    assert active_dir(index_dir) != old_generation and old_generation.exists()  # kept for in-flight readers
    after = client.get("/api/search?q=刘星").get_json()  # the running app follows without a restart
    assert [r["id"] for r in after["results"]] == [r["id"] for r in before["results"]]
    code, _out = run(str(archive), "--index", str(index_dir), "--full")  # at once: names must not collide
    assert code == 0
    assert not old_generation.exists()  # older generations are cleaned up


def test_purge_paper_and_range(built):
    archive, index_dir = built
    code, out = run(str(archive), "--index", str(index_dir), "--purge-paper", "luzhou")
    assert code == 0 and "1 purged" in out
    assert not [i for i in ids(index_dir) if i.startswith("luzhou-")]
    code, out = run(str(archive), "--index", str(index_dir), "--purge-range", "2026-06-01", "2026-06-30")
    assert code == 0 and "2 purged" in out
    assert all(not i.startswith("jinzhong-daily-2026-06") for i in ids(index_dir))
    code, out = run(str(archive), "--index", str(index_dir))  # the archive still has them: they come back
    assert "3 added" in out and len(ids(index_dir)) == SAMPLE_ARTICLES
    assert run(str(archive), "--index", str(index_dir), "--purge-range", "2026-06", "x")[0] == 2


@contextlib.contextmanager
def tmpfs(path: Path, size: str):
    path.mkdir()
    if os.geteuid() != 0:
        pytest.skip(f"{UNAVAILABLE} mounting a tmpfs needs root; the mocked write errors below cover the same path")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:  # root, and still no mount: on CI that fails the run
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()})")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_read_only_index_directory(tmp_path):
    archive = copy_archive(tmp_path)
    with tmpfs(tmp_path / "ro", "64m") as mnt:
        index_dir = mnt / "ix"
        assert run(str(archive), "--index", str(index_dir))[0] == 0
        before = ids(index_dir)
        (archive / "luzhou" / "2026-06-04" / "01.txt").unlink()
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        try:
            code, out = run(str(archive), "--index", str(index_dir))
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(mnt)], check=True)
        assert code == 2 and str(index_dir) in out and "Read-only file system" in out
        assert ids(index_dir) == before


# Whoosh leaves its segment files open when a commit fails half-way (its own code); the
# process ends after a failed run, so this is a warning, not a leak that matters.
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_disk_full(tmp_path):
    archive = copy_archive(tmp_path)
    with tmpfs(tmp_path / "small", "3m") as mnt:
        index_dir = mnt / "ix"
        code, out = run(str(archive), "--index", str(index_dir))
        assert code == 2 and "No space left on device" in out and "unchanged" in out
        assert active_dir(index_dir) is None  # no half-built generation became current


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_mocked_write_errors_leave_the_index_unchanged(built, monkeypatch, error):
    archive, index_dir = built
    before = ids(index_dir)
    (archive / "luzhou" / "2026-06-04" / "01.txt").unlink()
    from whoosh.writing import SegmentWriter

    def failing_commit(self, *args, **kwargs):
        self.cancel()
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(SegmentWriter, "commit", failing_commit)
    code, out = run(str(archive), "--index", str(index_dir))
    assert code == 2 and os.strerror(error) in out and "unchanged" in out
    assert ids(index_dir) == before
    monkeypatch.undo()
    code, out = run(str(archive), "--index", str(index_dir))  # the next run completes the work
    assert code == 0 and "1 removed" in out
