"""The worker against the live server's database.

What it renews, what it leaves alone, that a batch is all or nothing, reruns, dunning
retries and notices, the CLI and the in-process thread.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
import stripe
from sqlalchemy import func, select
from typer.testing import CliRunner

from billfold.cli import app
from billfold.clock import FrozenClock
from billfold.config import get_settings
from billfold.jobs import bulk
from billfold.jobs.bulk import renew_plain
from billfold.jobs.due import run_subscription
from billfold.jobs.worker import Worker, start_in_background
from billfold.models import Event, Invoice, Job
from billfold.payments import get_gateway
from tests.support import START, Account, LiveServer
from tests.time.helpers import advance, customer_with_card, invoice_totals, make_clock, monthly_price

DAY = dt.timedelta(days=1)


def _worker(server: LiveServer, at: dt.datetime, *, bulk: bool = True, batch_size: int = 100) -> Worker:
    return Worker(
        server.database,
        FrozenClock(at),
        get_gateway(),
        batch_size,
        public_base_url=server.url,
        bulk=renew_plain if bulk else None,
    )


def _cycle_invoices(server: LiveServer, sub_id: str) -> int:
    with server.database.unit_of_work() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Invoice)
                .where(Invoice.subscription_id == sub_id, Invoice.billing_reason == "subscription_cycle")
            )
            or 0
        )


@pytest.fixture
def three(api: Account) -> list[stripe.Subscription]:
    """A plain subscription (the fast path), one with a coupon and one in a trial (the general path)."""
    price = monthly_price(1_000)
    coupon = stripe.Coupon.create(percent_off=50, duration="forever")
    return [
        stripe.Subscription.create(customer=customer_with_card(None).id, items=[{"price": price.id}]),
        stripe.Subscription.create(
            customer=customer_with_card(None).id, items=[{"price": price.id}], discounts=[{"coupon": coupon.id}]
        ),
        stripe.Subscription.create(
            customer=customer_with_card(None).id, items=[{"price": price.id}], trial_period_days=10
        ),
    ]


def test_renews_what_is_due_once(server: LiveServer, three: list[stripe.Subscription]) -> None:
    plain, discounted, trial = three
    worker = _worker(server, START + 32 * DAY)
    assert worker.run_until_idle() >= 3
    assert invoice_totals(plain) == [1_000, 1_000]
    assert invoice_totals(discounted) == [500, 500]
    assert invoice_totals(trial) == [0, 1_000]
    assert stripe.Subscription.retrieve(trial.id).status == "active"
    assert worker.run_until_idle() == 0  # a rerun finds nothing due
    assert _worker(server, START + 33 * DAY, bulk=False).run_until_idle() == 0


def test_catching_up_bills_each_period_once(server: LiveServer, api: Account) -> None:
    sub = stripe.Subscription.create(customer=customer_with_card(None).id, items=[{"price": monthly_price(700).id}])
    _worker(server, START + 95 * DAY).run_until_idle()  # three boundaries passed while it was down
    assert invoice_totals(sub) == [700] * 4


def test_leaves_test_clock_subscriptions_to_their_clock(server: LiveServer, api: Account) -> None:
    clock = make_clock("2026-01-15T12:00:00Z")
    sub = stripe.Subscription.create(customer=customer_with_card(clock).id, items=[{"price": monthly_price(900).id}])
    assert _worker(server, START + 40 * DAY).run_until_idle() == 0
    assert invoice_totals(sub) == [900]
    advance(clock, "2026-02-15T12:00:00Z")
    assert invoice_totals(sub) == [900, 900]


def test_a_failing_batch_leaves_nothing_and_the_next_run_picks_up(
    server: LiveServer,
    three: list[stripe.Subscription],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = run_subscription
    calls: list[str] = []

    def crash_on_second(ctx: Any, gateway: Any, sub: Any) -> int:
        calls.append(sub.id)
        if len(calls) == 2:
            msg = "the worker died here"
            raise RuntimeError(msg)
        return int(real(ctx, gateway, sub))

    monkeypatch.setattr("billfold.jobs.worker.run_subscription", crash_on_second)
    crashing = _worker(server, START + 32 * DAY)
    crashing.run_batch()
    # The plain one went through the fast path and the first general one ran; all rolled back.
    assert [_cycle_invoices(server, s.id) for s in three] == [0, 0, 0]
    assert crashing.skipped == {calls[1]}
    monkeypatch.setattr("billfold.jobs.worker.run_subscription", real)
    assert _worker(server, START + 32 * DAY).run_until_idle() >= 3
    assert [_cycle_invoices(server, s.id) for s in three] == [1, 1, 1]


def test_dunning_retries_run_as_jobs(server: LiveServer, api: Account) -> None:
    customer = customer_with_card(None)
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_200).id}])
    failing = stripe.PaymentMethod.attach("pm_card_chargeCustomerFail", customer=customer.id)
    stripe.Subscription.modify(sub.id, default_payment_method=failing.id)
    failed_at = START + 31 * DAY + dt.timedelta(hours=1)  # the worker ran an hour after the period's end
    _worker(server, failed_at).run_until_idle()
    invoice = stripe.Invoice.retrieve(str(stripe.Subscription.retrieve(sub.id).latest_invoice))
    assert (invoice.attempt_count, invoice.next_payment_attempt) == (1, int((failed_at + DAY).timestamp()))
    with server.database.unit_of_work() as session:
        jobs = [(j.kind, j.run_at, j.done_at) for j in session.scalars(select(Job).where(Job.subject_id == invoice.id))]
    assert jobs == [("invoice.retry", failed_at + DAY, None)]
    renewal = failed_at
    _worker(server, renewal + 2 * DAY).run_until_idle()
    assert stripe.Invoice.retrieve(invoice.id).attempt_count == 2
    _worker(server, renewal + 30 * DAY).run_until_idle()
    assert stripe.Subscription.retrieve(sub.id).status == "canceled"
    assert stripe.Invoice.retrieve(invoice.id).status == "uncollectible"


def test_notices_go_out_once(server: LiveServer, api: Account) -> None:
    sub = stripe.Subscription.create(
        customer=customer_with_card(None).id, items=[{"price": monthly_price(500).id}], trial_period_days=5
    )
    for hours in (48, 49, 60):  # from two days after the start, the trial ends within three days
        _worker(server, START + dt.timedelta(hours=hours)).run_until_idle()
    notices = stripe.Event.list(type="customer.subscription.trial_will_end").data
    assert [e.data.object.id for e in notices] == [sub.id]
    assert notices[0].created == int((START + dt.timedelta(hours=48)).timestamp())


def test_cancel_at_pause_resume_and_incomplete_expiry(server: LiveServer, api: Account) -> None:
    price = monthly_price(800)
    ending = stripe.Subscription.create(
        customer=customer_with_card(None).id, items=[{"price": price.id}], cancel_at=int((START + 10 * DAY).timestamp())
    )
    paused = stripe.Subscription.create(customer=customer_with_card(None).id, items=[{"price": price.id}])
    stripe.Subscription.modify(
        paused.id, pause_collection={"behavior": "void", "resumes_at": int((START + 5 * DAY).timestamp())}
    )
    failing = customer_with_card(None, "pm_card_chargeCustomerFail")
    incomplete = stripe.Subscription.create(customer=failing.id, items=[{"price": price.id}])
    _worker(server, START + 12 * DAY).run_until_idle()
    assert stripe.Subscription.retrieve(ending.id).status == "canceled"
    assert stripe.Subscription.retrieve(paused.id).pause_collection is None
    assert stripe.Subscription.retrieve(incomplete.id).status == "incomplete_expired"


def test_the_cli_runs_until_idle(server: LiveServer, api: Account, monkeypatch: pytest.MonkeyPatch) -> None:
    sub = stripe.Subscription.create(customer=customer_with_card(None).id, items=[{"price": monthly_price(300).id}])
    monkeypatch.setenv("BILLFOLD_DATABASE_URL", server.database_url)
    get_settings.cache_clear()
    try:
        at = str(int((START + 40 * DAY).timestamp()))
        result = CliRunner().invoke(app, ["worker", "--once", "--batch-size", "10", "--now", at])
        assert result.exit_code == 0, result.output
        assert "Processed" in result.output
        assert invoice_totals(sub) == [300, 300]
        again = CliRunner().invoke(app, ["worker", "--once", "--now", at])
        assert "Processed 0 due items." in again.output
    finally:
        get_settings.cache_clear()


def test_the_in_process_worker_thread(server: LiveServer, api: Account) -> None:
    sub = stripe.Subscription.create(customer=customer_with_card(None).id, items=[{"price": monthly_price(400).id}])
    thread, stop = start_in_background(
        server.database_url,
        gateway=get_gateway(),
        clock=FrozenClock(START + 40 * DAY),
        interval=0.05,
        public_base_url=server.url,
    )
    try:
        deadline = time.monotonic() + 20
        while _cycle_invoices(server, sub.id) == 0:
            assert time.monotonic() < deadline, "the background worker did not renew"
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert invoice_totals(sub) == [400, 400]


def test_a_failing_fast_path_falls_back_to_the_general_path(
    server: LiveServer, three: list[stripe.Subscription]
) -> None:
    def broken(*_args: Any) -> set[int]:
        msg = "the fast path is broken"
        raise RuntimeError(msg)

    worker = _worker(server, START + 32 * DAY)
    worker.bulk = broken
    assert worker.run_until_idle() >= 3
    assert worker.bulk is None
    assert worker.skipped == set()
    assert [_cycle_invoices(server, s.id) for s in three] == [1, 1, 1]


def test_a_renewal_raising_mid_batch_leaves_none_of_its_streamed_events(
    server: LiveServer, api: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the fast path's events are already in a COPY when a later renewal raises."""
    price = monthly_price(1_000)
    subs = [
        stripe.Subscription.create(customer=customer_with_card(None).id, items=[{"price": price.id}]) for _ in range(3)
    ]
    renew, calls = bulk._renew, []

    def flaky(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            msg = "the second renewal breaks"
            raise RuntimeError(msg)
        return renew(*args)

    monkeypatch.setattr(bulk, "_renew", flaky)
    worker = _worker(server, START + 32 * DAY)
    assert worker.run_until_idle() >= 3
    assert worker.bulk is None  # the general path took over
    assert [_cycle_invoices(server, s.id) for s in subs] == [1, 1, 1]
    with server.database.unit_of_work() as session:
        created = session.scalars(
            select(Event.data).where(Event.account_id == api.id, Event.type == "invoice.created")
        ).all()
    cycle = [d["object"]["id"] for d in created if d["object"]["billing_reason"] == "subscription_cycle"]
    assert len(cycle) == len(set(cycle)) == 3
