"""Fault injection for the crash-safety tests.

``checkpoint(name)`` kills the current process with SIGKILL when the environment variable
``JINBAO_CRASH_AT`` names that point, so the tests can stop a re-index exactly before or
after its commit. It does nothing otherwise.
"""

from __future__ import annotations

import os
import signal

ENV = "JINBAO_CRASH_AT"


def checkpoint(name: str) -> None:
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
