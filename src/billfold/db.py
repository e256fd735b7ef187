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
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import DateTime, TypeDecorator

__all__ = ["Database", "UTCDateTime", "Unit", "driver_error", "make_engine"]


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
    # upgrading a read lock; readers begin DEFERRED and never block in WAL mode. A unit of
    # work opens its transaction on the driver itself (see Database.unit), and SQLAlchemy
    # then only joins it.
    if conn.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        return
    conn.exec_driver_sql("BEGIN" if conn.info.get("readonly") else "BEGIN IMMEDIATE")


def driver_error(conn: Connection, exc: Exception, statement: str) -> StatementError:
    """A DBAPI error raised outside SQLAlchemy, wrapped as SQLAlchemy would have (``OperationalError`` …)."""
    return DBAPIError.instance(statement, None, exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect)


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


class Unit:
    """One unit of work: its connection (already in the unit's transaction) and its ORM session.

    The session is made on first use, so a read that needs only the connection never pays
    for a ``Session``.
    """

    __slots__ = ("_conn", "_session")

    def __init__(self, connection: Connection | None = None, session: Session | None = None) -> None:
        self._conn = connection
        self._session = session

    @classmethod
    def of(cls, session: Session) -> Unit:
        """A unit around a session someone else manages (the CLI, tests, the demo seed)."""
        return cls(None, session)

    @property
    def connection(self) -> Connection:
        """The unit's connection, inside its transaction.

        If the unit's session holds pending changes, they are flushed first (as an ORM query
        would autoflush them), so Core and driver-level reads see the unit's own writes.
        """
        session = self._session
        if session is not None:
            if session.autoflush:
                session.flush()
            if self._conn is None:
                self._conn = session.connection()
        assert self._conn is not None  # noqa: S101 - a unit has a connection or a session
        return self._conn

    @property
    def session(self) -> Session:
        """The unit's ORM session (created, on the unit's connection, at first use)."""
        session = self._session
        if session is None:
            conn = self.connection
            if not conn.in_transaction():
                # Let SQLAlchemy join the transaction the unit opened on the driver, so the
                # session nests in it (and never commits or rolls it back by itself).
                conn.begin()
            session = self._session = Session(bind=conn, expire_on_commit=False, autoflush=True)
        return session


class _UnitOfWork:
    """The context manager behind :meth:`Database.unit` (a class: it runs on every request)."""

    __slots__ = ("_db", "_readonly", "_unit")

    def __init__(self, db: Database, readonly: bool) -> None:
        self._db = db
        self._readonly = readonly

    def __enter__(self) -> Unit:
        db = self._db
        db._lock.acquire()  # noqa: SLF001
        try:
            self._unit = Unit(db._begin(self._readonly))  # noqa: SLF001
        except BaseException:
            db._lock.release()  # noqa: SLF001
            raise
        return self._unit

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        db = self._db
        unit = self._unit
        session = unit._session  # noqa: SLF001
        conn = unit._conn  # noqa: SLF001
        assert conn is not None  # noqa: S101 - set in __enter__
        try:
            if exc_type is not None:
                db._abort(conn, committing=False)  # noqa: SLF001
                return
            try:
                if session is not None:
                    session.flush()
            except BaseException:
                db._abort(conn, committing=False)  # noqa: SLF001
                raise
            try:
                db._commit(unit)  # noqa: SLF001
            except BaseException:
                db._abort(conn, committing=True)  # noqa: SLF001
                raise
        finally:
            if session is not None:
                session.close()
            db._lock.release()  # noqa: SLF001


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
        self._sqlite = self.engine.dialect.name == "sqlite"
        self._conn: Connection | None = None
        self._driver: Any = None
        self._lock = threading.RLock()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def _connection(self) -> Connection:
        conn = self._conn
        if conn is None or conn.closed or conn.invalidated:
            conn = self._conn = self.engine.connect()
            self._driver = conn.connection.driver_connection
        return conn

    def _begin(self, readonly: bool) -> Connection:
        """The process's connection with a transaction open on the driver.

        SQLite: ``BEGIN`` (reads) or ``BEGIN IMMEDIATE`` (writes), sent straight to the
        driver. PostgreSQL: psycopg opens the transaction at the first statement. Either
        way SQLAlchemy's own transaction object is made only if something goes through
        SQLAlchemy (the ORM session, a Core statement): its bookkeeping costs more than a
        whole hot read.
        """
        conn = self._connection()
        if conn.get_transaction() is not None:  # left over by an earlier failure: start clean
            conn.rollback()
        if self._sqlite:
            begin = "BEGIN" if readonly else "BEGIN IMMEDIATE"
            try:
                if self._driver.in_transaction:
                    self._driver.rollback()
                self._driver.execute(begin)
            except sqlite3.ProgrammingError:  # closed underneath us: reconnect once
                self._discard()
                conn = self._connection()
                self._driver.execute(begin)
            except sqlite3.Error as exc:  # e.g. "database is locked" after the busy timeout
                raise driver_error(conn, exc, begin) from exc
        return conn

    def unit(self, *, readonly: bool = False) -> _UnitOfWork:
        """One transaction on the process's connection, committed at the end or rolled back.

        ``with db.unit() as unit:`` gives ``unit.connection`` and (made on first use)
        ``unit.session``. ``readonly`` units (``GET``) begin ``DEFERRED`` on SQLite; the others ``IMMEDIATE``.
        A failed COMMIT drops the connection (the next unit opens a new one).
        """
        return _UnitOfWork(self, readonly)

    def _commit(self, unit: Unit) -> None:
        conn = unit._conn  # noqa: SLF001 - the database and its units work together
        if conn is None:
            return
        tx = conn.get_transaction()
        if tx is not None:
            tx.commit()
            return
        try:
            self._driver.commit()
        except conn.dialect.loaded_dbapi.Error as exc:
            raise driver_error(conn, exc, "COMMIT") from exc

    def _abort(self, conn: Connection, *, committing: bool) -> None:
        """Roll back after a failure; a failed COMMIT (or ROLLBACK) drops the connection.

        After a failed COMMIT the database may still hold the transaction (and its locks)
        while SQLAlchemy considers it over, so the connection is not trusted again.
        """
        if not committing and not conn.invalidated:
            try:
                tx = conn.get_transaction()
                if tx is not None:
                    tx.rollback()
                else:
                    self._driver.rollback()
            except Exception:  # noqa: BLE001 - the original error is what the caller sees
                committing = True
        if committing and not conn.invalidated:
            conn.invalidate()
        if conn.invalidated:
            self._discard()

    @contextmanager
    def unit_of_work(self, *, readonly: bool = False) -> Iterator[Session]:
        """A transaction with an ORM session on the process's connection; commit or roll back."""
        with self.unit(readonly=readonly) as unit:
            yield unit.session

    def _discard(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
                self._driver = None

    def close(self) -> None:
        """Close the connection and dispose of the engine."""
        with self._lock:
            self._discard()
            self.engine.dispose()
