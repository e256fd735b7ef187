"""What the tests of real ``billfold worker`` processes on PostgreSQL share.

(test_worker_crash.py: two at once and one killed mid-batch; test_worker_concurrency.py:
``--concurrency``.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from benchmarks.renewals import seed
from tests.support import fresh_database

__all__ = ["mixed_due_database", "scalar"]


def mixed_due_database(n: int, now: dt.datetime) -> str:
    """A new migrated PostgreSQL database with ``n`` subscriptions due at ``now``.

    Every 7th is two periods behind (the general path); every 10th is paid by a card that
    declines (dunning).
    """
    url = fresh_database("postgresql")
    seed(url, n, now)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE subscriptions SET current_period_start = current_period_start - interval '1 month', "
                "current_period_end = current_period_end - interval '1 month' "
                "WHERE id LIKE 'sub_b%' AND substr(id, 6)::int % 7 = 0"
            )
        )
        conn.execute(
            sa.text(
                "UPDATE payment_methods SET charge_behavior = 'insufficient_funds' "
                "WHERE id LIKE 'pm_b%' AND substr(id, 5)::int % 10 = 0"
            )
        )
    engine.dispose()
    return url


def scalar(url: str, sql: str, **params: Any) -> int:
    """One number from ``sql`` with ``params`` bound (0 for NULL)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        value = conn.scalar(sa.text(sql), params)
    engine.dispose()
    return int(value or 0)
