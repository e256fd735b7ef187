"""Renewals: the worker against the floor of one set-based UPDATE, on PostgreSQL.

Run it with ``make bench-renewals`` (or ``.venv/bin/python benchmarks/renewals.py --help``).
For each ``--n`` (default 100,000; repeat the option to compare sizes) it creates a scratch
database on the PostgreSQL server named by ``--database-url`` or
``BILLFOLD_BENCH_DATABASE_URL``, migrates it, and writes with set-based INSERTs one account,
one monthly price and N customers, each with a saved card and one active subscription whose
period ended a minute ago. Then it times, on the same data, each from a vacuumed and
checkpointed database:

(a) the floor: one ``UPDATE`` that moves every due subscription to its next period (rolled
    back, so the worker starts from the same state), best of three;
(b) ``billfold worker --once --concurrency C`` in a subprocess (C worker processes, by default
    one per core): every renewal with its invoice, line, payment attempt and events, in
    batches of ``--batch-size``, each one transaction.

It prints both, the ratio (b)/(a) and, with several sizes, how (b) grew. The database is
dropped at the end unless ``--keep``. Read benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from billfold.accounts import create_account  # noqa: E402
from billfold.catalog import create_price  # noqa: E402 - after the path set-up above
from billfold.clock import FrozenClock, SystemClock, to_unix  # noqa: E402
from billfold.context import Ctx  # noqa: E402
from billfold.customers.service import create_customer, update_customer  # noqa: E402
from billfold.db import Database  # noqa: E402
from billfold.migrate import migrate  # noqa: E402
from billfold.payments import attach_payment_method, get_gateway  # noqa: E402

TARGET_RATIO = 20
UNIT_AMOUNT = 1_000


def _admin(url: str) -> sa.Engine:
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def _with_database(url: str, name: str) -> str:
    return str(sa.make_url(url).set(database=name).render_as_string(hide_password=False))


def create_database(url: str, name: str) -> str:
    """A new, migrated database ``name`` on the server of ``url``."""
    with _admin(url).connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    target = _with_database(url, name)
    migrate(target)
    return target


def drop_database(url: str, name: str) -> None:
    """Drop the scratch database."""
    with _admin(url).connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(url: str, n: int, now: dt.datetime) -> str:
    """One account, a monthly price, a template customer with a card; then N copies of it with due subscriptions."""
    db = Database(url)
    clock = FrozenClock(now - dt.timedelta(days=40))
    with db.unit_of_work() as session:
        account = create_account(session, clock, business_name="Bench Inc.")
        ctx = Ctx(session, account.id, clock)
        price = create_price(
            ctx,
            {
                "currency": "usd",
                "unit_amount": UNIT_AMOUNT,
                "recurring": {"interval": "month"},
                "product_data": {"name": "Pro"},
            },
        )
        template = create_customer(ctx, {"email": "template@example.com", "name": "Template"})
        card = attach_payment_method(ctx, get_gateway(), "pm_card_visa", template.id)
        update_customer(ctx, template.id, {"invoice_settings": {"default_payment_method": card.id}})
        ids = (account.id, price.id, template.id, card.id)
    db.close()
    _copy_rows(url, n, now, ids)
    return ids[0]


def _copy_rows(url: str, n: int, now: dt.datetime, ids: tuple[str, str, str, str]) -> None:
    account_id, price_id, template_id, card_id = ids
    end = now - dt.timedelta(minutes=1)
    start = end - dt.timedelta(days=31)
    params = {"a": account_id, "p": price_id, "t": template_id, "c": card_id, "n": n, "start": start, "end": end}
    statements = [
        # Customers (invoice prefixes unique per account), each with a copy of the card as its default.
        """INSERT INTO customers (id, created, account_id, email, name, balance, delinquent, invoice_prefix,
               next_invoice_sequence, invoice_settings, preferred_locales, tax_exempt, metadata_)
           SELECT 'cus_b' || i, :start, :a, 'c' || i || '@example.com', 'Customer ' || i, 0, false,
               'B' || lpad(i::text, 9, '0'), 1,
               jsonb_build_object('default_payment_method', 'pm_b' || i),
               '[]', 'none', '{}'
           FROM generate_series(1, :n) AS i""",
        """INSERT INTO payment_methods (id, created, account_id, customer_id, type, card, billing_details,
               allow_redisplay, verify_behavior, charge_behavior, metadata_)
           SELECT 'pm_b' || i, pm.created, pm.account_id, 'cus_b' || i, pm.type, pm.card, pm.billing_details,
               pm.allow_redisplay, pm.verify_behavior, pm.charge_behavior, '{}'
           FROM payment_methods pm, generate_series(1, :n) AS i WHERE pm.id = :c""",
        """INSERT INTO subscriptions (id, created, account_id, customer_id, status, currency, collection_method,
               billing_cycle_anchor, start_date, current_period_start, current_period_end, cancel_at_period_end,
               metadata_)
           SELECT 'sub_b' || i, :start, :a, 'cus_b' || i, 'active', 'usd', 'charge_automatically', :start, :start,
               :start, :end, false, '{}'
           FROM generate_series(1, :n) AS i""",
        """INSERT INTO subscription_items (id, created, account_id, subscription_id, price_id, quantity,
               current_period_start, current_period_end, metadata_)
           SELECT 'si_b' || i, :start, :a, 'sub_b' || i, :p, 1, :start, :end, '{}'
           FROM generate_series(1, :n) AS i""",
    ]
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement), params)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


def settle(url: str) -> None:
    """VACUUM and CHECKPOINT: each timing starts from the same clean state, no earlier writes still being flushed.

    Without it the floor sometimes ran during the checkpoint the seeding had set off, and
    the worker met the floor's three rolled-back updates of every subscription.
    """
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
        conn.exec_driver_sql("CHECKPOINT")
    engine.dispose()


def time_floor(url: str, now: dt.datetime) -> float:
    """(a): one UPDATE advancing every due subscription's period, rolled back; the best of three runs."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    best = float("inf")
    for _ in range(3):
        with engine.connect() as conn:
            transaction = conn.begin()
            started = time.perf_counter()
            conn.execute(
                sa.text(
                    "UPDATE subscriptions SET current_period_start = current_period_end, "
                    "current_period_end = current_period_end + interval '1 month' "
                    "WHERE status = 'active' AND current_period_end <= :now",
                ),
                {"now": now},
            )
            best = min(best, time.perf_counter() - started)
            transaction.rollback()
    engine.dispose()
    return best


def time_worker(url: str, now: dt.datetime, batch_size: int, concurrency: int) -> tuple[float, float]:
    """(b): ``billfold worker --once`` renewing everything due, in a subprocess; its wall and CPU (user + sys) time.

    The CPU time includes the worker's own child processes (``--concurrency``): it waits for them.
    """
    env = {**os.environ, "BILLFOLD_DATABASE_URL": url}
    command = [
        str(ROOT / ".venv" / "bin" / "billfold"),
        "worker",
        "--once",
        "--batch-size",
        str(batch_size),
        "--concurrency",
        str(concurrency),
        "--now",
        str(to_unix(now)),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def check(url: str, n: int, now: dt.datetime) -> dict[str, int]:
    """What the worker wrote: one cycle invoice per subscription, its events, nothing left due."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        counts = {
            "cycle invoices": conn.scalar(
                sa.text("SELECT count(*) FROM invoices WHERE billing_reason = 'subscription_cycle' AND status = 'paid'")
            ),
            "distinct (subscription, period)": conn.scalar(
                sa.text("SELECT count(DISTINCT renewal_key) FROM invoices WHERE renewal_key IS NOT NULL")
            ),
            "invoice lines": conn.scalar(sa.text("SELECT count(*) FROM invoice_lines")),
            "payment attempts": conn.scalar(sa.text("SELECT count(*) FROM payment_attempts")),
            "events": conn.scalar(sa.text("SELECT count(*) FROM events")),
            "still due": conn.scalar(
                sa.text("SELECT count(*) FROM subscriptions WHERE current_period_end <= :now"), {"now": now}
            ),
        }
    engine.dispose()
    assert counts["cycle invoices"] == n, counts  # noqa: S101 - a benchmark that billed wrongly must fail
    assert counts["distinct (subscription, period)"] == n, counts  # noqa: S101
    return {key: int(value or 0) for key, value in counts.items()}


def run(url: str, n: int, batch_size: int, concurrency: int, *, keep: bool) -> tuple[float, float, float]:
    """Create, seed, time (a) and (b) for ``n`` subscriptions; returns (a), (b) and (b)'s fixed start-up, in seconds."""
    name = f"billfold_bench_renewals_{n}_{os.getpid()}"
    target = create_database(url, name)
    try:
        now = SystemClock().now()
        started = time.perf_counter()
        seed(target, n, now)
        print(f"\nN = {n:,}: seeded in {time.perf_counter() - started:.1f} s (set-based INSERTs)")
        settle(target)
        floor = time_floor(target, now)
        settle(target)  # the floor's rolled-back versions are gone before the worker starts
        worker, cpu = time_worker(target, now, batch_size, concurrency)
        counts = check(target, n, now)
        # The same command again, with nothing left due: what (b) spends whatever N is.
        startup, _cpu = time_worker(target, now, batch_size, concurrency)
        print(f"  (a) one set-based UPDATE of the periods: {floor:8.3f} s")
        print(
            f"  (b) billfold worker --once --concurrency {concurrency}: {worker:8.3f} s  "
            f"({worker / n * 1e6:,.0f} µs and {counts['events'] / n:.1f} events per renewal)"
        )
        print(
            f"      the worker processes' CPU (user + system): {cpu:8.3f} s  "
            f"({cpu / n * 1e6:,.0f} µs per renewal, all {concurrency} processes together)"
        )
        print(f"      of (b), start-up and a pass finding nothing due (timed alone after): {startup:6.3f} s")
        verdict = "meets" if worker / floor <= TARGET_RATIO else "misses"
        print(f"  (b)/(a) = {worker / floor:,.1f}x  ({verdict} the target of ≤ {TARGET_RATIO}x)")
        print("  " + ", ".join(f"{key}: {value:,}" for key, value in counts.items()))
        return floor, worker, startup
    finally:
        if keep:
            print(f"  kept database {name}")
        else:
            drop_database(url, name)


def main() -> None:
    """Parse arguments and run each size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BILLFOLD_BENCH_DATABASE_URL"),
        help="A PostgreSQL URL whose server may create and drop databases (default: $BILLFOLD_BENCH_DATABASE_URL)",
    )
    parser.add_argument("--n", type=int, action="append", help="Subscriptions due (repeat to compare; default 100000)")
    parser.add_argument("--batch-size", type=int, default=500, help="The worker's batch size (default 500)")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=os.cpu_count() or 1,
        help="Worker processes side by side (default: one per core, %(default)s here)",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the scratch databases")
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgresql"):
        parser.error("a PostgreSQL --database-url (or BILLFOLD_BENCH_DATABASE_URL) is required")
    sizes = args.n or [100_000]
    results = [(n, *run(args.database_url, n, args.batch_size, args.concurrency, keep=args.keep)) for n in sizes]
    if len(results) > 1:
        (n0, _, w0, s0), (n1, _, w1, s1) = results[0], results[-1]
        growth = (w1 - s1) / (w0 - s0)
        shape = "about linear" if 0.7 <= growth / (n1 / n0) <= 1.3 else "not linear"
        print(
            f"\nGrowth from {n0:,} to {n1:,} ({n1 / n0:.1f}x the work): the worker took {w1 / w0:.2f}x as long, "
            f"{growth:.2f}x without its start-up ({shape})."
        )


if __name__ == "__main__":
    main()
