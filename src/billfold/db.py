"""Engines, the per-process connection, and the unit of work.

Following docs/architecture.md: a request parses everything first, then runs its unit
of work synchronously on a connection the process keeps (no pool checkout, no await
inside the unit), commits once and renders. Units therefore never interleave on the
shared connection.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import DateTime, TypeDecorator

from billfold.checkpoints import BACKSTOP_PAGES, Checkpointer

__all__ = ["Database", "UTCDateTime", "Unit", "driver_error", "json_bytes", "json_text", "make_engine"]


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
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _backstop_checkpoints(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")


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


def json_bytes(value: Any) -> bytes:  # noqa: ANN401 - any JSON-able value
    """A value as JSON (UTF-8 bytes), as the JSON columns store it (orjson's, keys in their order)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def json_text(value: Any) -> str:  # noqa: ANN401 - any JSON-able value
    """A value as JSON text, as the JSON columns store it (orjson's, keys in their order)."""
    return json_bytes(value).decode()


def make_engine(url: str, **kwargs: Any) -> Engine:  # noqa: ANN401 - create_engine options
    """An engine with our SQLite pragmas applied; PostgreSQL through psycopg 3.

    JSON columns are read and written with orjson (the standard library's ``json`` took
    about a tenth of the worker's time decoding the rows of a batch). psycopg takes the
    bytes orjson makes; SQLite's driver wants text.
    """
    kwargs.setdefault("json_deserializer", orjson.loads)
    if url.startswith("sqlite"):
        kwargs.setdefault("json_serializer", json_text)
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("json_serializer", json_bytes)
    # Sessions in UTC, which psycopg hands back as datetime.UTC itself: converting a value to
    # UTC is then a no-op (with a server zone such as Etc/UTC it was a new object each time).
    kwargs.setdefault("connect_args", {"options": "-c TimeZone=UTC"})
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


class Inserter(Protocol):
    """What :meth:`Unit.append` takes: an ``INSERT`` run on a connection (``billfold.rows.FastInsert``)."""

    def execute(self, conn: Connection, rows: list[Mapping[str, Any]]) -> None:
        """Insert ``rows``."""


Append = tuple[Inserter, dict[str, Any]]


class Unit:
    """One unit of work: its connection (already in the unit's transaction) and its ORM session.

    The session is made on first use, so a read that needs only the connection never pays
    for a ``Session``.
    """

    __slots__ = ("_appends", "_conn", "_group_appends", "_session")

    def __init__(
        self,
        connection: Connection | None = None,
        session: Session | None = None,
        appends: list[Append] | None = None,
        group_appends: list[Append] | None = None,
    ) -> None:
        self._conn = connection
        self._session = session
        self._appends = appends
        self._group_appends = group_appends

    def append(self, insert: Inserter, row: dict[str, Any]) -> None:
        """Insert ``row``: now, or, in a unit that batches its appends, with its group's others.

        A batching unit (:meth:`Database.unit`, ``batch_appends``) hands its rows to its
        commit group when it succeeds, and the group inserts them, many rows per statement,
        just before it commits; a unit that fails drops them. Only for rows nothing reads
        back in the same unit (events, portal sessions).
        """
        if self._appends is None:
            insert.execute(self.connection, [row])
        else:
            self._appends.append((insert, row))

    def appended(self, insert: Inserter) -> list[dict[str, Any]]:
        """The rows this unit has appended with ``insert`` and not yet inserted."""
        return [row for into, row in self._appends or () if into is insert]

    def waiting(self, insert: Inserter) -> list[dict[str, Any]]:
        """The rows appended with ``insert`` and not yet inserted: by earlier units of the group, then this one."""
        return [row for into, row in self._group_appends or () if into is insert] + self.appended(insert)

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

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A savepoint: an exception inside rolls back only what was done inside, and re-raises.

        Through the ORM session when it exists (so its objects follow). Otherwise on the driver,
        with no session made for it; if code inside then made one, the objects it holds are
        discarded with the rollback, so nothing rolled back is flushed again later.
        """
        appends = self._appends
        mark = 0 if appends is None else len(appends)
        if self._session is not None:
            try:
                with self._session.begin_nested():
                    yield
            except BaseException:
                if appends is not None:
                    del appends[mark:]
                raise
            return
        conn = self.connection
        driver: Any = conn.connection.driver_connection
        _driver_statement(conn, driver, "SAVEPOINT billfold_nested")
        try:
            yield
        except BaseException:
            if appends is not None:
                del appends[mark:]
            _driver_statement(conn, driver, "ROLLBACK TO SAVEPOINT billfold_nested")
            _driver_statement(conn, driver, "RELEASE SAVEPOINT billfold_nested")
            if self._session is not None:
                self._session.expunge_all()
            raise
        if self._session is not None:
            self._session.flush()
        _driver_statement(conn, driver, "RELEASE SAVEPOINT billfold_nested")


def _driver_statement(conn: Connection, driver: Any, sql: str) -> None:  # noqa: ANN401 - a DBAPI connection
    try:
        driver.execute(sql)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise driver_error(conn, exc, sql) from exc


class _UnitOfWork:
    """The context manager behind :meth:`Database.unit` (a class: it runs on every request).

    A grouped unit (see :meth:`Database.unit`) runs in a savepoint of the open commit group
    and leaves ``group`` set to the future of that group's commit.
    """

    __slots__ = ("_batch_appends", "_db", "_grouped", "_readonly", "_unit", "group")

    def __init__(self, db: Database, readonly: bool, grouped: bool, batch_appends: bool) -> None:
        self._db = db
        self._readonly = readonly
        self._grouped = grouped
        self._batch_appends = batch_appends
        self.group: asyncio.Future[None] | None = None

    def __enter__(self) -> Unit:
        db = self._db
        db._lock.acquire()  # noqa: SLF001
        if db._in_grouped_unit:  # noqa: SLF001 - only this thread can be inside it (the lock)
            db._lock.release()  # noqa: SLF001
            msg = "units of work do not nest: this one would run inside a grouped unit"
            raise RuntimeError(msg)
        try:
            if self._grouped and (db._group is not None or not self._readonly):  # noqa: SLF001
                self.group = db._join_group(batch_appends=self._batch_appends)  # noqa: SLF001
                appends: list[Append] | None = [] if self._batch_appends else None
                self._unit = Unit(db._conn, appends=appends, group_appends=db._appends)  # noqa: SLF001
            else:
                if db._group is not None:  # noqa: SLF001 - a plain unit never runs inside a group
                    db._commit_group()  # noqa: SLF001
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
        grouped = self.group is not None
        try:
            if exc_type is not None:
                db._abort(conn, committing=False, grouped=grouped)  # noqa: SLF001
                return
            try:
                if session is not None:
                    session.flush()
            except BaseException:
                db._abort(conn, committing=False, grouped=grouped)  # noqa: SLF001
                raise
            try:
                db._commit(unit, grouped=grouped)  # noqa: SLF001
            except BaseException:
                db._abort(conn, committing=True, grouped=grouped)  # noqa: SLF001
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

    def __init__(self, url: str, *, background_checkpoints: bool = False) -> None:
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
        self.checkpointer: Checkpointer | None = None
        path = self.engine.url.database
        if background_checkpoints and self._sqlite and path and path != ":memory:":
            # billfold.checkpoints: the log is copied back by a thread, not by whichever
            # request commits the thousandth page; this connection only past the backstop.
            self.checkpointer = Checkpointer(path)
            event.listen(self.engine, "connect", _backstop_checkpoints)
        self._conn: Connection | None = None
        self._driver: Any = None
        self._lock = threading.RLock()
        self._group: asyncio.Future[None] | None = None
        self._appends: list[Append] = []  # rows of the open group's batching units, still to insert
        self._in_grouped_unit = False
        self._defer_commits_of_grouped_units()

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

    def unit(self, *, readonly: bool = False, grouped: bool = False, batch_appends: bool = False) -> _UnitOfWork:
        """One transaction on the process's connection, committed at the end or rolled back.

        ``with db.unit() as unit:`` gives ``unit.connection`` and (made on first use)
        ``unit.session``. ``readonly`` units (``GET``) begin ``DEFERRED`` on SQLite; the others ``IMMEDIATE``.
        A failed COMMIT drops the connection (the next unit opens a new one).

        ``grouped`` (the API, inside the event loop): the unit runs in a savepoint of a commit
        group that collects every unit the loop runs in this turn and the next, and commits them
        with one COMMIT (docs/architecture.md, "Group commit"). A write opens a group when
        none is open; a read joins an open group, since it may see that group's writes. The
        caller must ``await`` the context manager's ``group`` (when set) before answering.

        ``batch_appends`` (grouped units only): the unit's :meth:`Unit.append` rows wait for
        the group, which inserts them table by table, many rows per statement, just before
        its COMMIT. Any other unit joining the group inserts the waiting rows first, so
        whatever it reads or changes comes after them, as its place in the group says.
        """
        return _UnitOfWork(self, readonly, grouped, batch_appends and grouped)

    # -- group commit ------------------------------------------------------------------

    def _defer_commits_of_grouped_units(self) -> None:
        """Make SQLAlchemy's COMMIT and ROLLBACK no-ops for the connection's grouped units.

        Inside a grouped unit the transaction SQLAlchemy sees (the ORM session's) is a
        savepoint of the group's: ending it must release or roll back that savepoint, which
        the unit does itself, and never end the group's transaction.
        """
        dialect = self.engine.dialect
        do_commit, do_rollback = dialect.do_commit, dialect.do_rollback

        def in_grouped_unit(dbapi_conn: Any) -> bool:  # noqa: ANN401 - a pool-proxied DBAPI connection
            return self._in_grouped_unit and getattr(dbapi_conn, "driver_connection", dbapi_conn) is self._driver

        def commit(dbapi_conn: Any) -> None:  # noqa: ANN401
            if not in_grouped_unit(dbapi_conn):
                do_commit(dbapi_conn)

        def rollback(dbapi_conn: Any) -> None:  # noqa: ANN401
            if not in_grouped_unit(dbapi_conn):
                do_rollback(dbapi_conn)

        setattr(dialect, "do_commit", commit)  # noqa: B010 - an instance attribute, on purpose
        setattr(dialect, "do_rollback", rollback)  # noqa: B010

    def _driver_execute(self, sql: str) -> None:
        _driver_statement(self._connection(), self._driver, sql)

    def _join_group(self, *, batch_appends: bool) -> asyncio.Future[None]:
        """A savepoint in the open commit group (opened first, with its COMMIT scheduled, if none is)."""
        group = self._group
        if group is None:
            loop = asyncio.get_running_loop()
            self._begin(readonly=False)
            group = self._group = loop.create_future()
            self._lock.acquire()  # the group keeps the connection until it commits
            loop.call_soon(self._commit_group_next_turn, group, loop)
        elif self._appends and not batch_appends:
            try:
                self._insert_appends()
            except Exception as exc:
                self._fail_group(exc)
                raise
        self._driver_execute("SAVEPOINT billfold_unit")
        self._in_grouped_unit = True
        return group

    def _commit_group_next_turn(self, group: asyncio.Future[None], loop: asyncio.AbstractEventLoop) -> None:
        """Leave the group open one more turn of the loop, then commit it.

        The requests whose bytes the loop reads meanwhile join it too: under ``wrk -c16`` a
        commit then serves about 15 units instead of 8 (docs/architecture.md, "Writes").
        """
        loop.call_soon(self._commit_group, group)

    def _end_grouped_unit(self, *, success: bool) -> None:
        conn = self._connection()
        try:
            tx = conn.get_transaction()
            if tx is not None:  # the ORM's transaction: ends without touching the driver
                tx.commit() if success else tx.rollback()
            if not success:
                self._driver_execute("ROLLBACK TO SAVEPOINT billfold_unit")
            self._driver_execute("RELEASE SAVEPOINT billfold_unit")
        finally:
            self._in_grouped_unit = False

    def _commit_group(self, group: asyncio.Future[None] | None = None) -> None:
        """COMMIT the open group and tell its units (a scheduled call for an older group does nothing)."""
        if group is None:
            group = self._group
        if group is None or self._group is not group:
            return
        self._group = None
        try:
            self._insert_appends()
            self._commit_driver()
        except Exception as exc:  # noqa: BLE001 - every unit of the group answers with it
            self._discard()
            group.set_exception(exc)
            group.exception()  # retrieved here too: a group of failed units has no waiter
        else:
            group.set_result(None)
        finally:
            self._lock.release()

    def _insert_appends(self) -> None:
        """Insert the rows the group's batching units appended: table by table, in first-use order."""
        appends, self._appends = self._appends, []
        by_table: dict[Inserter, list[Mapping[str, Any]]] = {}
        for insert, row in appends:
            rows = by_table.get(insert)
            if rows is None:
                rows = by_table[insert] = []
            rows.append(row)
        conn = self._connection()
        for insert, rows in by_table.items():
            insert.execute(conn, rows)

    def _commit_driver(self) -> None:
        """COMMIT on the driver (the group's, which SQLAlchemy never sees)."""
        conn = self._connection()
        try:
            self._driver.commit()
        except conn.dialect.loaded_dbapi.Error as exc:
            raise driver_error(conn, exc, "COMMIT") from exc

    def _fail_group(self, exc: BaseException) -> None:
        """Roll the open group back: one of its savepoints could not be ended."""
        group, self._group = self._group, None
        self._appends = []
        if group is None:
            return
        self._discard()  # closing the connection rolls the transaction back
        group.set_exception(exc if isinstance(exc, Exception) else RuntimeError("commit group aborted"))
        group.exception()
        self._lock.release()

    # -- ending units ------------------------------------------------------------------

    def _commit(self, unit: Unit, *, grouped: bool = False) -> None:
        conn = unit._conn  # noqa: SLF001 - the database and its units work together
        if conn is None:
            return
        if grouped:
            self._end_grouped_unit(success=True)
            if unit._appends:  # noqa: SLF001
                self._appends.extend(unit._appends)  # noqa: SLF001
            return
        tx = conn.get_transaction()
        if tx is not None:
            tx.commit()
            return
        try:
            self._driver.commit()
        except conn.dialect.loaded_dbapi.Error as exc:
            raise driver_error(conn, exc, "COMMIT") from exc

    def _abort(self, conn: Connection, *, committing: bool, grouped: bool = False) -> None:
        """Roll back after a failure; a failed COMMIT (or ROLLBACK) drops the connection.

        After a failed COMMIT the database may still hold the transaction (and its locks)
        while SQLAlchemy considers it over, so the connection is not trusted again. A
        grouped unit rolls back to its savepoint; if even that fails, so does its group.
        """
        if grouped:
            try:
                self._end_grouped_unit(success=False)
            except Exception as exc:  # noqa: BLE001 - the unit's own error is what its caller sees
                self._fail_group(exc)
            return
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
        """Close the connection and dispose of the engine (after a last background checkpoint)."""
        if self.checkpointer is not None:
            self.checkpointer.stop()
        with self._lock:
            self._commit_group()
            self._discard()
            self.engine.dispose()
