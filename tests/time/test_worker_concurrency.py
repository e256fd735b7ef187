"""``billfold worker --concurrency N``: N real processes on one PostgreSQL database.

With ``--once`` they renew every due subscription exactly once and print one total, and
the command fails if a child dies. Without it, SIGTERM to the parent stops them all; a
child that dies stops the rest and fails the command; children do not outlive a parent
killed outright. Skipped without BILLFOLD_TEST_DATABASE_URL (SQLite refuses more than one
process: tests/test_cli.py).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from typer.testing import CliRunner

from billfold.cli import app
from billfold.config import get_settings
from billfold.jobs import pool
from tests.support import PG_URL, drop_database
from tests.time.worker_processes import mixed_due_database, scalar

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (BILLFOLD_TEST_DATABASE_URL)")

N = 48
BEHIND = N // 7  # every 7th subscription owes two periods (the general path)
DECLINED = N // 10  # every 10th card declines (dunning)
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
BILLFOLD = str(Path(sys.executable).parent / "billfold")
APP = "billfold-concurrency-test"
# Small batches, so that each of the processes gets some of the work.
COMMAND = [BILLFOLD, "worker", "--batch-size", "4", "--now", str(int(NOW.timestamp())), "--concurrency", "3"]


@pytest.fixture
def database() -> Iterator[str]:
    """A migrated PostgreSQL database with N subscriptions due at NOW (as in test_worker_crash)."""
    url = mixed_due_database(N, NOW)
    yield url
    drop_database(url)


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "BILLFOLD_DATABASE_URL": f"{url}?application_name={APP}"}


def _scalar(url: str, sql: str) -> int:
    """One number from ``sql``, where ``:now`` is NOW and ``:app`` the workers' application name."""
    return scalar(url, sql, now=NOW, app=APP)


# The workers' connections to this database (other test runs may use the same server at once).
CONNECTED = "SELECT count(*) FROM pg_stat_activity WHERE application_name = :app AND datname = current_database()"
STILL_DUE = "SELECT count(*) FROM subscriptions WHERE current_period_end <= :now"


def _until(condition: Callable[[], bool], log: Path | None = None, seconds: float = 30) -> None:
    """Wait for ``condition``; on timeout, fail with the workers' log."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out; the workers' log:\n{log.read_text() if log else ''}"
        time.sleep(0.05)


@contextmanager
def _workers(url: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``billfold worker`` (not ``--once``) with its stderr in ``log``, in a process group of its own.

    Whatever the test does, the whole group is killed at the end: a failing test leaves no
    worker running.
    """
    with log.open("wb") as err:
        parent = subprocess.Popen(  # noqa: S603 - our own command
            [*COMMAND, "--interval", "0.05"], env=_env(url), stderr=err, start_new_session=True
        )
    try:
        yield parent
    finally:
        with suppress(ProcessLookupError):
            os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _running(pid: int) -> bool:
    """Whether ``pid`` runs (an orphan that has exited may stay a zombie until someone reaps it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in {"Z", "X"}


def _assert_renewed_exactly_once(url: str) -> None:
    """One cycle invoice per (subscription, period), each with its event, and nothing left due."""
    counts = {
        "cycle invoices": "SELECT count(*) FROM invoices WHERE billing_reason = 'subscription_cycle'",
        "distinct (subscription, period)": "SELECT count(DISTINCT (subscription_id, period_start)) FROM invoices "
        "WHERE billing_reason = 'subscription_cycle'",
        "invoice.created events": "SELECT count(*) FROM events WHERE type = 'invoice.created'",
        "subscriptions invoiced": "SELECT count(DISTINCT subscription_id) FROM invoices "
        "WHERE billing_reason = 'subscription_cycle'",
        "past due": "SELECT count(*) FROM subscriptions WHERE status = 'past_due'",
        "still due": STILL_DUE,
    }
    assert {name: _scalar(url, sql) for name, sql in counts.items()} == {
        "cycle invoices": N + BEHIND,
        "distinct (subscription, period)": N + BEHIND,
        "invoice.created events": N + BEHIND,
        "subscriptions invoiced": N,
        "past due": DECLINED,
        "still due": 0,
    }


def test_three_processes_renew_each_subscription_once(database: str) -> None:
    result = subprocess.run(  # noqa: S603 - our own command
        [*COMMAND, "--once"], env=_env(database), capture_output=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().strip() == f"Processed {N} due items."
    _assert_renewed_exactly_once(database)


def test_once_fails_when_a_child_dies(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def die(*_: object) -> None:
        os._exit(3)

    monkeypatch.setattr(pool, "_until_idle_child", die)  # forked children run it; the parent does not
    monkeypatch.setenv("BILLFOLD_DATABASE_URL", database)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["worker", "--once", "--now", str(int(NOW.timestamp())), "--concurrency", "2"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1, result.output
    assert f"Processed {N} due items." in result.output  # the parent did it all
    assert re.search(r"Failed: worker process billfold-worker-1 \(pid \d+\) exited with code 3\.", result.output)
    _assert_renewed_exactly_once(database)


def test_sigterm_to_the_parent_stops_every_process(database: str, tmp_path: Path) -> None:
    log = tmp_path / "stderr"
    with _workers(database, log) as parent:
        _until(lambda: _scalar(database, STILL_DUE) == 0, log)
        _until(lambda: _scalar(database, CONNECTED) == 3, log)  # the parent and two children, each on its connection
        children = _children(parent.pid)
        assert len(children) == 2
        parent.send_signal(signal.SIGTERM)
        parent.wait(timeout=30)
        assert parent.returncode == 0, log.read_text()
        assert not any(_running(pid) for pid in children)
    _until(lambda: _scalar(database, CONNECTED) == 0)
    _assert_renewed_exactly_once(database)


def test_a_child_that_dies_stops_the_others_and_fails_the_command(database: str, tmp_path: Path) -> None:
    log = tmp_path / "stderr"
    with _workers(database, log) as parent:
        _until(lambda: _scalar(database, CONNECTED) == 3, log)
        victim, survivor = _children(parent.pid)
        os.kill(victim, signal.SIGKILL)
        parent.wait(timeout=30)
        assert parent.returncode == 1, log.read_text()
        assert f"(pid {victim}) was killed by SIGKILL; stopping the other worker processes" in log.read_text()
        assert not _running(survivor)
    _until(lambda: _scalar(database, CONNECTED) == 0)


def test_children_stop_when_the_parent_is_killed(database: str, tmp_path: Path) -> None:
    log = tmp_path / "stderr"
    with _workers(database, log) as parent:
        _until(lambda: _scalar(database, CONNECTED) == 3, log)
        children = _children(parent.pid)
        parent.kill()  # no chance to forward SIGTERM
        parent.wait(timeout=30)
        _until(lambda: not any(_running(pid) for pid in children), log)
    _until(lambda: _scalar(database, CONNECTED) == 0)
