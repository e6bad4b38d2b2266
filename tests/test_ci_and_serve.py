"""Issue 14: CI cannot pass by skipping, and the README's first command is tested as it runs:
``jinbao demo`` indexes the sample archive and serves it, as a process, on a real port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

from conftest import REPO, UNAVAILABLE


def _pytest(folder, env_ci: str) -> int:
    env = {**os.environ, "CI": env_ci}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
                          cwd=folder, env=env, capture_output=True, text=True).returncode


def test_a_forced_skip_fails_on_ci_unless_the_machine_cannot_have_it(tmp_path):
    shutil.copy(REPO / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_forced.py").write_text("import pytest\n\ndef test_needs_a_browser():\n"
                                             "    pytest.skip('no Chromium on this machine')\n", encoding="utf-8")
    assert _pytest(tmp_path, "true") != 0  # CI: the skip fails the run
    assert _pytest(tmp_path, "") == 0  # elsewhere it is a skip
    (tmp_path / "test_forced.py").write_text(f"import pytest\n\ndef test_needs_root():\n"
                                             f"    pytest.skip('{UNAVAILABLE} needs root')\n", encoding="utf-8")
    assert _pytest(tmp_path, "true") == 0  # the machine truly cannot have it


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_jinbao_demo_indexes_the_samples_and_serves_them(tmp_path):
    port = _free_port()
    index_dir = tmp_path / "index"
    proc = subprocess.Popen([sys.executable, "-m", "indexer.cli", "demo", "--index", str(index_dir), "--port", str(port)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, page = time.monotonic() + 120, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/?q=%E5%88%98%E6%98%9F", timeout=5) as resp:
                    page = resp.read().decode("utf-8")
                    break
            except OSError:
                time.sleep(0.3)
        assert page is not None, proc.stdout.read() if proc.poll() is not None else "no answer"
        assert "晋报检索" in page and "<mark>刘星</mark>" in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=%E5%88%98%E6%98%9F", timeout=5) as resp:
            assert b'"total":4' in resp.read().replace(b" ", b"")
    finally:
        proc.terminate()
        proc.communicate(timeout=30)  # reads and closes the output pipe
