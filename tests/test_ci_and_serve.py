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


def test_jinbao_serve_on_the_frozen_dictionary_answers_as_the_indexer_segments(sample_index, app):
    """`jinbao serve` in its own process maps jieba's frozen dictionary (index/jieba-base)
    instead of building it; its answers equal those of a process that built jieba's dict."""
    import json
    import urllib.parse

    from indexer import segment
    from indexer.build import JIEBA_BASE_DIR

    index_dir = sample_index[0]
    assert segment.load_base(index_dir / JIEBA_BASE_DIR) is not None, "the indexer froze jieba's dictionary"
    queries = ["刘星", "生态环境", "正确政绩观", "環境保護", "太谷 OR 祁县 -督察", "魏振东作具体安排", "高质量发展 改革"]
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "indexer.cli", "serve", "--index", str(index_dir), "--port", str(port)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        served = {}
        deadline = time.monotonic() + 60
        for q in queries:
            while True:
                try:
                    url = f"http://127.0.0.1:{port}/api/search?per_page=50&q={urllib.parse.quote(q)}"
                    with urllib.request.urlopen(url, timeout=5) as resp:
                        served[q] = json.loads(resp.read())
                    break
                except OSError:
                    assert proc.poll() is None and time.monotonic() < deadline, "jinbao serve did not answer"
                    time.sleep(0.2)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    client = app.test_client()
    for q in queries:
        here = client.get("/api/search", query_string={"q": q, "per_page": 50}).get_json()
        assert (served[q]["total"], [r["id"] for r in served[q]["results"]]) == \
            (here["total"], [r["id"] for r in here["results"]]), q
    assert sum(served[q]["total"] for q in queries) > 20


def test_a_taken_port_is_one_line_and_exit_2(sample_index, tmp_path):
    """`jinbao serve` / `jinbao demo` on a port another program holds: one line naming the
    port and the option, exit 2, no traceback, and demo does not index first."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        for args in (["serve", "--index", str(sample_index[0])], ["demo", "--index", str(tmp_path / "demo-index")]):
            done = subprocess.run([sys.executable, "-m", "indexer.cli", *args, "--port", str(port)], cwd=REPO,
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 2, done
            assert done.stderr.strip() == f"端口 {port} 已被占用，用 --port 指定其他端口", done.stderr
            assert "Traceback" not in done.stderr + done.stdout
        assert not (tmp_path / "demo-index").exists(), "demo checked the port before indexing"
