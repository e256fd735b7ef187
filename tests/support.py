"""Test plumbing: databases per backend, a live server in a thread, accounts with keys."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import uvicorn
from starlette.applications import Starlette

from billfold.accounts import create_account, create_api_key
from billfold.app import create_app
from billfold.clock import FrozenClock
from billfold.config import Settings
from billfold.db import Database
from billfold.migrate import migrate

__all__ = ["SECRET", "Account", "LiveServer", "backends", "fresh_database", "new_account", "remove_templates"]

SECRET = "test-server-secret"
START = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
PG_URL = os.environ.get("BILLFOLD_TEST_DATABASE_URL", "")
_TMP = Path(tempfile.mkdtemp(prefix="billfold-tests-"))
_templates: dict[str, str] = {}
_lock = threading.Lock()
_counter = iter(range(1_000_000))


def backends() -> list[str]:
    """SQLite always; PostgreSQL when BILLFOLD_TEST_DATABASE_URL is set."""
    return ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _pg_admin() -> sa.Engine:
    return sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def _pg_url(name: str) -> str:
    return str(sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False))


def _template(backend: str) -> str:
    """A migrated database to copy from, made once per test worker and backend."""
    with _lock:
        if backend in _templates:
            return _templates[backend]
        if backend == "sqlite":
            path = _TMP / "template.db"
            migrate(f"sqlite:///{path}")
            Database(f"sqlite:///{path}").close()
            target = str(path)
        else:
            name = f"billfold_tpl_{_worker()}_{os.getpid()}"
            engine = _pg_admin()
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            engine.dispose()
            migrate(_pg_url(name))
            target = name
        _templates[backend] = target
        return target


def remove_templates() -> None:
    """Drop this process's template databases and temporary files (at the end of its session)."""
    with _lock:
        name = _templates.get("postgresql")
        _templates.clear()
    if name is not None:
        engine = _pg_admin()
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()
    shutil.rmtree(_TMP, ignore_errors=True)


def fresh_database(backend: str) -> str:
    """The URL of a new, migrated, empty database."""
    template = _template(backend)
    n = next(_counter)
    if backend == "sqlite":
        path = _TMP / f"db{n}.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    name = f"billfold_t_{_worker()}_{os.getpid()}_{n}"
    engine = _pg_admin()
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    engine.dispose()
    return _pg_url(name)


def drop_database(url: str) -> None:
    """Remove a database made by :func:`fresh_database`."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    engine = _pg_admin()
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Account:
    """An account made for one test, with its secret key."""

    id: str
    key: str


class LiveServer:
    """The real app served by uvicorn in a thread, on a database of its own."""

    def __init__(self, backend: str, *, database_url: str | None = None) -> None:
        self.backend = backend
        self.database_url = database_url or fresh_database(backend)
        self.clock = FrozenClock(START)
        self.settings = Settings(
            database_url=self.database_url,
            secret_key=SECRET,
            public_base_url="http://127.0.0.1",
        )
        self.database = Database(self.database_url)
        self.app: Starlette = create_app(self.settings, clock=self.clock, database=self.database)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.settings.public_base_url = self.url
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> LiveServer:
        """Start serving and wait until the socket accepts."""
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                msg = "live server did not start"
                raise RuntimeError(msg)
            time.sleep(0.01)
        return self

    def stop(self, *, drop: bool = True) -> None:
        """Stop serving and drop the database."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.database.close()
        if drop:
            drop_database(self.database_url)

    def new_account(self, business_name: str = "Acme Inc.", parent_id: str | None = None) -> Account:
        """A fresh account and secret key on this server's database."""
        return new_account(self.database, self.clock, business_name, parent_id)


def new_account(db: Database, clock: FrozenClock, business_name: str, parent_id: str | None = None) -> Account:
    """Create an account and a secret key directly through the services."""
    with db.unit_of_work() as session:
        account = create_account(session, clock, business_name=business_name, parent_id=parent_id)
        _row, key = create_api_key(session, clock, SECRET, account.id)
        return Account(account.id, key)
