"""SQLite WAL checkpoints from a background thread, off the request path.

In WAL mode each commit appends pages to the log, and every ``wal_autocheckpoint`` pages
(1000 by default) the committing connection copies the log back into the database file
and syncs both files. With ``synchronous=NORMAL`` those syncs are the only ones SQLite
makes, and they landed on whichever request happened to commit the thousandth page: most
of a small write's cost (docs/architecture.md, "Measured"). As SQLite's documentation
suggests for such applications, the server's connection instead leaves checkpoints to a
thread with its own connection, which runs a ``PASSIVE`` checkpoint (never blocking
readers or writers) every ``interval`` seconds while the log holds frames. The server's
connection keeps a high ``wal_autocheckpoint`` as a backstop, so the log stays bounded
even if the thread falls behind.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import NamedTuple

__all__ = ["BACKSTOP_PAGES", "Checkpoint", "Checkpointer"]

log = logging.getLogger("billfold.checkpoints")

# The request connection checkpoints by itself only past this many log pages (~40 MB).
BACKSTOP_PAGES = 10_000


class Checkpoint(NamedTuple):
    """What ``PRAGMA wal_checkpoint`` reported."""

    busy: bool
    log_frames: int
    checkpointed: int


class Checkpointer:
    """A daemon thread checkpointing one SQLite database file's WAL."""

    def __init__(self, path: str, interval: float = 0.5) -> None:
        self._path = path
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> Checkpoint:
        """One ``PASSIVE`` checkpoint, on a connection of its own."""
        conn = sqlite3.connect(self._path, timeout=10, isolation_level=None, check_same_thread=False)
        try:
            return self._checkpoint(conn)
        finally:
            conn.close()

    @staticmethod
    def _checkpoint(conn: sqlite3.Connection) -> Checkpoint:
        busy, frames, done = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return Checkpoint(bool(busy), int(frames), int(done))

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="billfold-checkpoints", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread after a last checkpoint."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, timeout=10, isolation_level=None, check_same_thread=False)
        try:
            while not self._stop.wait(self._interval):
                self._safely(conn)
            self._safely(conn)
        finally:
            conn.close()

    def _safely(self, conn: sqlite3.Connection) -> None:
        try:
            self._checkpoint(conn)
        except sqlite3.Error:  # e.g. busy past the timeout: the next round (or the backstop) catches up
            log.warning("WAL checkpoint of %s failed", self._path, exc_info=True)
