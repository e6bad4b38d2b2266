"""The operator's commands: `jinbao index` and `scripts/reindex`, with their exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from conftest import REPO, copy_archive
from indexer.cli import main


def test_index_command_summary_and_exit_codes(tmp_path):
    archive = copy_archive(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["index", str(archive), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "5 added, 0 updated, 0 removed, 0 unchanged, 0 skipped" in result.output

    (archive / "luzhou" / "2026-06-04" / "02.txt").write_bytes(b"\x00\x00binary")
    result = runner.invoke(main, ["index", str(archive), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert "02.txt" in result.output and "binary" in result.output
    assert "0 added, 0 updated, 0 removed, 5 unchanged, 1 skipped" in result.output

    result = runner.invoke(main, ["index", str(tmp_path / "missing"), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_reindex_script(tmp_path):
    archive = copy_archive(tmp_path)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    cmd = [str(REPO / "scripts" / "reindex"), str(archive), "--index", str(tmp_path / "ix")]
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "5 added" in first.stdout
    second = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert second.returncode == 0
    assert "0 added, 0 updated, 0 removed, 5 unchanged" in second.stdout
