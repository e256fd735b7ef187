"""Engines, the per-process connection, and the unit of work.

Following docs/architecture.md: a request parses everything first, then runs its unit
of work synchronously on a connection the process keeps (no pool checkout, no await
inside the unit), commits once and renders. Units therefore never interleave on the
shared connection.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import DateTime, TypeDecorator

__all__ = ["Database", "UTCDateTime", "make_engine"]


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            msg = "naive datetime given to a UTC column"
            raise ValueError(msg)
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # SQLAlchemy's documented pysqlite recipe: let SQLAlchemy emit BEGIN itself so
    # SAVEPOINTs and rollbacks behave (otherwise a test rollback silently leaks).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # Writers take the lock up front (IMMEDIATE), so two processes never deadlock while
    # upgrading a read lock; readers begin DEFERRED and never block in WAL mode.
    conn.exec_driver_sql("BEGIN" if conn.info.get("readonly") else "BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:  # noqa: ANN401 - create_engine options
    """An engine with our SQLite pragmas applied; PostgreSQL through psycopg 3."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


class Database:
    """One long-lived connection per process, used by one unit of work at a time.

    A lock makes that explicit for code running in threads (the CLI, the worker);
    on the request path the event loop already serialises units.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = (
            make_engine(url, poolclass=StaticPool)
            if url.startswith("sqlite")
            else make_engine(
                url,
                pool_size=1,
                max_overflow=4,
            )
        )
        self._conn: Connection | None = None
        self._lock = threading.RLock()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self.engine.connect()
        return self._conn

    @contextmanager
    def unit_of_work(self, *, readonly: bool = False) -> Iterator[Session]:
        """A transaction with an ORM session on the process's connection; commit or roll back."""
        with self._lock:
            conn = self._connection()
            conn.info["readonly"] = readonly
            try:
                tx = conn.begin()
            except DBAPIError:
                self._discard()
                conn = self._connection()
                tx = conn.begin()
            session = Session(bind=conn, expire_on_commit=False, autoflush=True)
            try:
                yield session
                session.flush()
                tx.commit()
            except BaseException:
                if tx.is_active:
                    tx.rollback()
                elif not conn.invalidated:
                    # The COMMIT itself failed: the database may still hold the transaction
                    # (and its locks) while SQLAlchemy considers it over. Drop the connection.
                    conn.invalidate()
                if conn.invalidated:
                    self._discard()
                raise
            finally:
                session.close()

    def _discard(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def close(self) -> None:
        """Close the connection and dispose of the engine."""
        with self._lock:
            self._discard()
            self.engine.dispose()
