"""Fault injection for the crash-safety tests.

``checkpoint(name)`` kills the current process with SIGKILL when the environment variable
``JINBAO_CRASH_AT`` names that point, so the tests can stop a re-index exactly before or
after its commit. When ``JINBAO_PAUSE_AT`` names it, the process writes ``JINBAO_PAUSE_FILE``
and waits there, so a test can kill it from outside at a moment it knows is mid-run (a timed
kill that lands after the run has finished proves nothing). It does nothing otherwise.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ENV = "JINBAO_CRASH_AT"
PAUSE_ENV = "JINBAO_PAUSE_AT"
PAUSE_FILE_ENV = "JINBAO_PAUSE_FILE"


def checkpoint(name: str) -> None:
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(PAUSE_ENV) == name:
        marker = os.environ.get(PAUSE_FILE_ENV)
        if marker:
            Path(marker).write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(120)
