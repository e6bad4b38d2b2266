"""One re-index at a time per index directory.

An ``flock`` on ``<index>/reindex.lock`` (released by the kernel if the holder dies, even
by SIGKILL, so a crash never leaves a stale lock), plus the holder's pid, host and start
time written into the file so that a second run can say who holds it and since when.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
from pathlib import Path

LOCK_FILE = "reindex.lock"


class LockHeld(RuntimeError):
    """Another re-index is running on the same index; ``str()`` says which and since when."""


class RunLock:
    def __init__(self, index_dir: Path) -> None:
        self.path = Path(index_dir) / LOCK_FILE
        self.fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise LockHeld(
                f"another re-index holds the lock on {self.path.parent} "
                f"(pid {holder.get('pid', '?')} on {holder.get('host', '?')}, since {holder.get('since', '?')})"
            ) from None
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "since": dt.datetime.now().astimezone().isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def _read_holder(fd: int) -> dict:
    try:
        return json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (OSError, ValueError):
        return {}
