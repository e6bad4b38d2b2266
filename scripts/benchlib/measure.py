"""Measuring: subprocess runs with wall time and peak RSS, sizes on disk, percentiles,
bounded timing loops and the HTTP side (``jinbao serve`` on a loopback port)."""

from __future__ import annotations

import http.client
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[2]
PRODUCT = REPO
"""Where ``indexer`` and ``search_app`` are imported from: the working directory of every
subprocess (``python -m``/``-c`` put it first on sys.path); ``scripts/bench --rev`` points
it at an exported snapshot."""
JINBAO = [sys.executable, "-m", "indexer.cli"]


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def text_bytes(archive: Path) -> int:
    return sum(p.stat().st_size for p in Path(archive).rglob("*.txt"))


def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (None for no values)."""
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50": _r(pct(values, 50)), "p95": _r(pct(values, 95)), "p99": _r(pct(values, 99)),
            "max": _r(max(values) if values else None)}


def _r(x: float | None, nd: int = 1) -> float | None:
    return None if x is None else round(x, nd)


# --- processes ------------------------------------------------------------------------------


def _tree_rss_kb(root: int) -> int:
    """Resident set size of a process and all its descendants (Linux /proc), in KiB."""
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                    todo += [int(x) for x in f.read().split()]
        except (OSError, ValueError):
            continue
    return total


@dataclass
class RunResult:
    argv: list[str]
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    max_rss_mb: float  # largest single process of the tree (getrusage via wait4)
    tree_peak_rss_mb: float  # peak of the whole tree's RSS, sampled every 0.1 s

    def to_json(self) -> dict:
        return {"argv": " ".join(self.argv[1:]), "seconds": round(self.seconds, 2), "returncode": self.returncode,
                "stdout_tail": self.stdout.strip().splitlines()[-3:],
                "stderr_tail": self.stderr.strip().splitlines()[-5:],
                "max_rss_mb": round(self.max_rss_mb, 1), "tree_peak_rss_mb": round(self.tree_peak_rss_mb, 1)}


def run_measured(argv: list[str], cwd: Path | None = None, timeout: float | None = None) -> RunResult:
    """Run a command; wall time, peak RSS of its largest process (ru_maxrss of this child,
    which includes the descendants it waited for) and the sampled peak of the whole tree."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd or PRODUCT, stdout=out, stderr=err)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
                done.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        deadline = None if timeout is None else started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                proc.send_signal(signal.SIGTERM)
                deadline = None
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return RunResult(argv, seconds, proc.returncode, out.read(), err.read(), usage.ru_maxrss / 1024,
                         peak[0] / 1024)


# --- timing loops ---------------------------------------------------------------------------


@dataclass
class Loop:
    """Latencies of one query kind against one system (ms), plus the answers' totals."""

    latencies: list[float] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)  # variant label -> total
    errors: int = 0
    incomplete: int = 0

    def to_json(self) -> dict:
        return {**summary(self.latencies), "totals": self.totals, "errors": self.errors, "incomplete": self.incomplete}


def timed_loop(call: Callable[[dict], dict], variants: list[tuple[str, dict]], max_queries: int,
               time_cap: float) -> Loop:
    """Run ``call`` over the variants in turn: at most ``max_queries`` calls and about
    ``time_cap`` seconds (at least one call per variant)."""
    loop = Loop()
    started = time.perf_counter()
    i = 0
    while i < max_queries and (i < len(variants) or time.perf_counter() - started < time_cap):
        label, params = variants[i % len(variants)]
        t0 = time.perf_counter()
        try:
            answer = call(params)
        except Exception as exc:  # noqa: BLE001 - counted and reported, the bench goes on
            loop.errors += 1
            answer = {"total": -1, "error": f"{type(exc).__name__}: {exc}"}
        loop.latencies.append((time.perf_counter() - t0) * 1000)
        loop.totals.setdefault(label, answer.get("total", -1))
        loop.incomplete += bool(answer.get("incomplete"))
        i += 1
    return loop


# --- HTTP -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``jinbao serve`` on a loopback port, started cold (a fresh process)."""

    def __init__(self, index_dir: Path, threads: int = 4) -> None:
        self.index_dir = index_dir
        self.threads = threads
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.conn: http.client.HTTPConnection | None = None

    @staticmethod
    def no_cache() -> list[str]:
        """``--query-cache 0`` when the product has the option: every timed request searches."""
        cli = Path(PRODUCT) / "indexer" / "cli.py"
        return ["--query-cache", "0"] if cli.exists() and "query-cache" in cli.read_text(encoding="utf-8") else []

    def start(self, first: dict, timeout: float = 300.0) -> dict:
        """Start the server and send ``first`` as soon as it listens: seconds until it
        listens, until the first answer, and that first request's latency."""
        t0 = time.perf_counter()
        self.proc = subprocess.Popen([*JINBAO, "serve", "--index", str(self.index_dir), "--port", str(self.port),
                                      "--threads", str(self.threads), *self.no_cache()], cwd=PRODUCT, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jinbao serve exited: {self.proc.stderr.read().decode()[-2000:]}")
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError("jinbao serve did not listen in time")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.02)
        listening = time.perf_counter() - t0
        t1 = time.perf_counter()
        status, data = self.get(first)
        first_ms = (time.perf_counter() - t1) * 1000
        return {"listening_s": round(listening, 2), "first_answer_s": round(time.perf_counter() - t0, 2),
                "first_query_ms": round(first_ms, 1), "first_status": status, "first_total": data.get("total")}

    def get(self, params: dict, path: str = "/api/search") -> tuple[int, dict]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.conn.request("GET", path + "?" + urlencode(params, doseq=True))
                resp = self.conn.getresponse()
                body = resp.read()
                return resp.status, (json.loads(body) if resp.status == 200 else {"error": body[:200].decode()})
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def search(self, params: dict) -> dict:
        status, data = self.get(params)
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {data.get('error')}")
        return data

    def rss_mb(self) -> float:
        return _tree_rss_kb(self.proc.pid) / 1024 if self.proc else 0.0

    def stop(self) -> None:
        if self.conn is not None:
            self.conn.close()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


_COLD_SCRIPT = r"""
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
from search_app.engine import Engine
from benchlib.queries import to_search_params
t1 = time.perf_counter()
try:
    engine = Engine(Path(sys.argv[2]), query_cache=0)  # the second query searches again
except TypeError:  # a revision from before the cache
    engine = Engine(Path(sys.argv[2]))
t2 = time.perf_counter()
params = to_search_params(json.loads(sys.argv[3]))
first = engine.search(params)
t3 = time.perf_counter()
engine.search(params)
t4 = time.perf_counter()
print(json.dumps({"import_s": round(t1 - t0, 2), "engine_open_s": round(t2 - t1, 2),
                  "first_query_ms": round((t3 - t2) * 1000, 1), "second_query_ms": round((t4 - t3) * 1000, 1),
                  "first_total": first["total"]}))
"""


def cold_inprocess(index_dir: Path, params: dict) -> dict:
    """A fresh interpreter: import the search layer, open ``Engine(index_dir)`` (jieba and
    the index's dictionary load here), run one query, then the same query again."""
    r = run_measured([sys.executable, "-c", _COLD_SCRIPT, str(Path(__file__).resolve().parents[1]),
                      str(index_dir), json.dumps(params, ensure_ascii=False)])
    if r.returncode != 0:
        raise RuntimeError(f"cold in-process run failed: {r.stderr[-2000:]}")
    out = json.loads(r.stdout.strip().splitlines()[-1])
    out["process_s"] = round(r.seconds, 2)
    out["max_rss_mb"] = round(r.max_rss_mb, 1)
    return out
