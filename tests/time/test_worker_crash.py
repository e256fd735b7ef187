"""Real ``billfold worker`` processes on one PostgreSQL database never double-bill or skip.

Two at once, and one killed with SIGKILL in the middle of a batch, never bill a
(subscription, period) twice and never skip one. Skipped without
BILLFOLD_TEST_DATABASE_URL.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa

from billfold.packed_json import unpack
from tests.support import PG_URL, drop_database
from tests.time.worker_processes import mixed_due_database, scalar

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (BILLFOLD_TEST_DATABASE_URL)")

N = 300
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
BILLFOLD = str(Path(sys.executable).parent / "billfold")
APP = "billfold-crash-test"


@pytest.fixture
def database() -> Iterator[str]:
    """A migrated PostgreSQL database with N subscriptions due at NOW.

    Every 7th is two periods behind (the general path); every 10th is paid by a card that
    declines (dunning).
    """
    url = mixed_due_database(N, NOW)
    yield url
    drop_database(url)


def _worker(url: str, batch_size: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BILLFOLD_DATABASE_URL": f"{url}?application_name={APP}"}
    command = [BILLFOLD, "worker", "--once", "--batch-size", str(batch_size), "--now", str(int(NOW.timestamp()))]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603 - ours


def _scalar(url: str, sql: str) -> int:
    """One number from ``sql``, where ``:now`` is NOW and ``:app`` the workers' application name."""
    return scalar(url, sql, now=NOW, app=APP)


CYCLE = "SELECT count(*) FROM invoices WHERE billing_reason = 'subscription_cycle'"
# Each must be 0 once every worker is done.
BILLED_ONCE = {
    "periods billed twice": "SELECT count(*) - count(DISTINCT (subscription_id, period_start)) FROM invoices "
    "WHERE billing_reason = 'subscription_cycle'",
    "subscriptions still due": "SELECT count(*) FROM subscriptions WHERE current_period_end <= :now",
    "attempts charged twice": "SELECT count(*) FROM (SELECT invoice_id, attempt_number FROM payment_attempts "
    "GROUP BY 1, 2 HAVING count(*) > 1) AS twice",
    "invoices without lines": "SELECT count(*) FROM invoices i WHERE billing_reason = 'subscription_cycle' "
    "AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id)",
}
# Each must be 0 at any time: whatever committed is whole.
WHOLE = {
    "renewed without invoice": "SELECT count(*) FROM subscriptions s WHERE s.current_period_end > :now "
    "AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.subscription_id = s.id "
    "AND i.billing_reason = 'subscription_cycle')",
}
OPEN_TRANSACTIONS = "SELECT count(*) FROM pg_stat_activity WHERE application_name = :app AND xact_start IS NOT NULL"


def _invoices_without_event(url: str) -> int:
    """Cycle invoices with no ``invoice.created`` event naming them (payloads read as the app reads them)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        invoices = set(conn.scalars(sa.text(CYCLE.replace("count(*)", "id"))))
        stored = conn.scalars(sa.text("SELECT data FROM events WHERE type = 'invoice.created'"))
        announced = {orjson.loads(unpack(data))["object"]["id"] for data in stored}
    engine.dispose()
    return len(invoices - announced)


def _whole(url: str) -> dict[str, int]:
    """What must be 0 at any time (WHOLE, and every cycle invoice announced)."""
    found = {name: _scalar(url, sql) for name, sql in WHOLE.items()}
    return {**found, "invoices without event": _invoices_without_event(url)}


def _assert_billed_exactly_once(url: str) -> None:
    """One cycle invoice per (subscription, period), each complete, and nothing left due."""
    expected = N + N // 7  # every 7th owed two periods
    assert _scalar(url, CYCLE) == expected
    assert _scalar(url, "SELECT count(*) FROM events WHERE type = 'invoice.created'") == expected
    billed_once = {name: _scalar(url, sql) for name, sql in BILLED_ONCE.items()}
    assert {**billed_once, **_whole(url)} == dict.fromkeys([*BILLED_ONCE, *WHOLE, "invoices without event"], 0)
    assert _scalar(url, "SELECT count(*) FROM subscriptions WHERE status = 'past_due'") == N // 10


def test_two_workers_at_once_bill_each_period_once(database: str) -> None:
    first, second = _worker(database, 20), _worker(database, 20)
    for process in (first, second):
        _out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err.decode()
    _assert_billed_exactly_once(database)


def test_a_worker_killed_mid_batch_leaves_nothing_partial(database: str) -> None:
    victim = _worker(database, 40)
    deadline = time.monotonic() + 300
    # Wait until a batch has committed and the next one is open, then kill without warning.
    while not (_scalar(database, CYCLE) > 0 and _scalar(database, OPEN_TRANSACTIONS) > 0):
        assert victim.poll() is None, "the worker finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    assert 0 < _scalar(database, CYCLE) < N + N // 7
    assert _whole(database) == dict.fromkeys([*WHOLE, "invoices without event"], 0)
    rerun = _worker(database, 40)
    _out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err.decode()
    _assert_billed_exactly_once(database)
