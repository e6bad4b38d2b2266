"""Issue 7: kill the re-index (SIGKILL) at several points; the index still opens and
serves the last committed state, and the next run completes the work with no duplicates
and nothing missing (compared with a clean build of the same archive)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, copy_archive
from indexer.build import active_dir, build_index, open_index
from indexer.register import load_register, register_generation


def ids(index_dir: Path) -> list[str]:
    with open_index(index_dir).searcher() as s:
        return sorted(f["id"] for f in s.all_stored_fields())


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, gazetteer):
    """An indexed archive, then a day's changes: 12 new pages, one changed, one deleted."""
    root = tmp_path_factory.mktemp("crash")
    archive = copy_archive(root)
    base_index = root / "base-index"
    build_index(archive, base_index, gazetteer=gazetteer)
    pages = sorted(archive.rglob("*.txt"))
    for i in range(12):
        day = archive / "jinzhong-daily" / f"2026-07-{i + 1:02d}"
        day.mkdir()
        shutil.copy(pages[i % len(pages)], day / "01.txt")
    changed = archive / "taiyuan-daily" / "2021-12-23" / "01.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n补记\n\n本报讯(记者测试)12月22日,迎泽区举办冬季长跑。\n",
                       encoding="utf-8")
    (archive / "luzhou" / "2026-06-04" / "01.txt").unlink()
    clean = root / "clean-index"
    build_index(archive, clean, gazetteer=gazetteer)
    return archive, base_index, ids(base_index), ids(clean)


def run_killed(archive: Path, index_dir: Path, *, crash_at: str | None = None, pause_at: str | None = None,
               full: bool = False) -> int:
    """Run a re-index that is killed: by itself at a checkpoint (``crash_at``), or from outside
    while it waits at a checkpoint (``pause_at``: the kill is known to land mid-run)."""
    env = {**os.environ}
    marker = index_dir.parent / "paused"
    if crash_at:
        env["JINBAO_CRASH_AT"] = crash_at
    if pause_at:
        env["JINBAO_PAUSE_AT"], env["JINBAO_PAUSE_FILE"] = pause_at, str(marker)
    cmd = [sys.executable, "-m", "indexer.cli", "index", str(archive), "--index", str(index_dir)]
    if full:
        cmd.append("--full")
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if pause_at:
        deadline = time.monotonic() + 120
        while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the re-index never reached the pause point"
        proc.send_signal(signal.SIGKILL)
    return proc.wait(timeout=300)


CASES = [
    {"crash_at": "after-parse"},
    {"crash_at": "before-commit"},
    {"crash_at": "after-commit"},
    {"pause_at": "mid-parse"},
    {"pause_at": "mid-write"},
    {"pause_at": "mid-write", "full": True},
    {"crash_at": "before-commit", "full": True},
    {"crash_at": "after-commit", "full": True},
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
def test_kill_then_recover(tmp_path, scenario, gazetteer, case):
    archive, base_index, before, expected = scenario
    index_dir = tmp_path / "index"
    shutil.copytree(base_index, index_dir)
    code = run_killed(archive, index_dir, **case)
    assert code == -signal.SIGKILL  # every case is killed mid-run, none finishes first

    # the index opens and serves the last committed state: all before or all after
    state = ids(index_dir)
    assert state in (before, expected), "a half-applied change is visible"
    from search_app import create_app

    client = create_app({"INDEX_DIR": str(index_dir)}).test_client()
    assert client.get("/api/search?q=刘星").status_code == 200

    # the next run completes the work: same ids as a clean build, no duplicates
    spilled = sorted(p.name for p in index_dir.glob("parsed-*"))  # pages parsed by the killed run
    summary = build_index(archive, index_dir, gazetteer=gazetteer)
    assert not summary.problems
    assert all(any(name in line for line in summary.cleaned) for name in spilled)
    assert not list(index_dir.glob("parsed-*"))
    after = ids(index_dir)
    assert after == expected and len(after) == len(set(after))
    # derived files describe the committed index again
    active = active_dir(index_dir)
    with open_index(index_dir).searcher() as s:
        generation = s.reader().generation()
    assert register_generation(active) == generation
    manifest = json.loads((active / "pages.json").read_text(encoding="utf-8"))
    assert manifest["generation"] == generation and "luzhou/2026-06-04/01" not in manifest["pages"]
    assert "刘星" in load_register(active)
    assert build_index(archive, index_dir, gazetteer=gazetteer).changed is False  # and then nothing is left to do


@pytest.mark.parametrize("point", ["in-parse", "in-analysis"])
def test_a_worker_that_dies_stops_the_run_and_changes_nothing(scenario, tmp_path, point):
    """A parse or analysis worker killed (as by the OOM killer): the run stops with exit 2
    and a message, instead of waiting for it forever; the index is what it was."""
    archive, base_index, base_ids, _clean_ids = scenario
    index_dir = tmp_path / "index"
    shutil.copytree(base_index, index_dir)
    before = active_dir(index_dir)
    env = {**os.environ, "JINBAO_CRASH_AT": point, "JINBAO_WORKERS": "2"}
    # --full: every page of the archive (17) is parsed and analysed, enough for worker processes
    cmd = [sys.executable, "-m", "indexer.cli", "index", str(archive), "--index", str(index_dir), "--full"]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "worker process died" in proc.stderr and "unchanged" in proc.stderr
    assert active_dir(index_dir) == before
    assert ids(index_dir) == base_ids
    assert [p.name for p in index_dir.iterdir() if p.name.startswith("gen-")] == [before.name]
    assert not list(index_dir.glob("parsed-*")), "the parsed pages kept on disk are removed"
