"""The server's SQLite WAL is checkpointed by a thread, not by the request that commits."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from billfold.checkpoints import BACKSTOP_PAGES
from billfold.db import Database
from tests.support import drop_database, fresh_database


@pytest.fixture
def db() -> Iterator[Database]:
    url = fresh_database("sqlite")
    database = Database(url, background_checkpoints=True)
    yield database
    database.close()
    drop_database(url)


def _fill(db: Database, rows: int, batch: int = 0) -> None:
    with db.unit() as unit:
        unit.connection.execute(
            sa.text(
                "INSERT INTO idempotency_records (account_id, key, request_fingerprint, status_code, "
                "response_body, created) VALUES ('acct', :k, 'f', 200, :b, '2026-01-01 00:00:00.000000')"
            ),
            [{"k": f"key-{batch}-{n}", "b": b"x" * 2000} for n in range(rows)],
        )


def test_requests_leave_checkpoints_to_the_thread(db: Database) -> None:
    assert db.checkpointer is not None
    with db.unit(readonly=True) as unit:
        assert unit.connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == BACKSTOP_PAGES
    # 1,500 pages of log: past SQLite's default of 1,000, the request connection keeps them.
    for batch in range(3):
        _fill(db, 1000, batch)
    done = db.checkpointer.run_once()
    assert not done.busy
    assert done.log_frames > 1000
    assert done.checkpointed == done.log_frames


def test_the_thread_checkpoints_and_a_last_checkpoint_runs_at_close() -> None:
    url = fresh_database("sqlite")
    db = Database(url, background_checkpoints=True)
    assert db.checkpointer is not None
    db.checkpointer.start()
    _fill(db, 300)
    db.close()  # stops the thread after one last checkpoint
    path = sa.make_url(url).database
    assert path is not None
    with sqlite3.connect(path) as conn:
        busy, frames, checkpointed = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert (busy, checkpointed) == (0, frames)
    drop_database(url)


def test_other_databases_have_no_checkpoint_thread() -> None:
    assert Database("sqlite:///:memory:", background_checkpoints=True).checkpointer is None
    url = fresh_database("sqlite")
    assert Database(url).checkpointer is None  # the CLI and the worker keep SQLite's own
    drop_database(url)
