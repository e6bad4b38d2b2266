"""Parsed pages kept on disk between the parse and the analysis of a run.

Why: a run analyses its pages only after all of them are parsed (the officials found anywhere
in the run join the dictionary first, so their names segment whole in every new document), so a
run over a whole archive would otherwise hold every parsed article in memory — 3.3 GB at
100,000 articles, ~33 GB at a million. Instead each parse worker appends its pages' pickled
articles to a file of its own next to the index, the run keeps one :class:`Spilled` (file,
offset, length) per page, and the analysis workers read them back.

The files are named like the atomic-write temporaries (``*.tmp<run pid>``), so what a killed
run leaves behind is removed by :func:`indexer.indexdir.remove_leftovers` at the next start.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Spilled:
    """Where one page's parsed articles are stored."""

    path: str
    offset: int
    length: int


class SpillWriter:
    """Appends pickled objects to ``parsed-<pid>.tmp<run pid>`` in ``folder``, one file per
    process: made before the workers are forked, each worker opens its own file on first use
    (no shared file offset, no interleaved writes)."""

    def __init__(self, folder: Path, run_pid: int | None = None) -> None:
        self.folder = folder
        self.run_pid = os.getpid() if run_pid is None else run_pid
        self._fd: int | None = None
        self._owner: int | None = None
        self._path = ""

    def put(self, obj: object) -> Spilled:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        if self._fd is None or self._owner != os.getpid():
            self._owner = os.getpid()
            self._path = str(self.folder / f"parsed-{self._owner}.tmp{self.run_pid}")
            self._fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        offset = os.lseek(self._fd, 0, os.SEEK_END)
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view):]
        return Spilled(self._path, offset, len(data))

    def remove(self) -> None:
        """Delete every process's file of this run (at its end, whatever the outcome)."""
        if self._fd is not None and self._owner == os.getpid():
            os.close(self._fd)
            self._fd = None
        for path in self.folder.glob(f"parsed-*.tmp{self.run_pid}"):
            path.unlink(missing_ok=True)


def load(spilled: Spilled) -> object:
    """The object stored at ``spilled`` (written by :meth:`SpillWriter.put`)."""
    with open(spilled.path, "rb") as f:
        f.seek(spilled.offset)
        data = f.read(spilled.length)
    if len(data) != spilled.length:
        raise OSError(f"{spilled.path}: parsed page cut short ({len(data)} of {spilled.length} bytes)")
    return pickle.loads(data)
