"""Dunning: retrying a failed renewal payment on a schedule, then giving up.

A renewal (or an update's invoice) that fails to charge makes the subscription
``past_due`` (:mod:`billfold.subscriptions.status`) and starts dunning here: retries at
``retry_days`` after that first failure (default 1, 3 and 7 days: three retries over a
week), each a job run by the worker or a test clock. A successful retry pays the invoice
and the subscription is ``active`` again. After the last failed retry the account's
``final_action`` applies: ``cancel`` (the default; the invoice is marked uncollectible)
or ``unpaid`` (the invoice stays open). Accounts set both in
``settings["dunning"] = {"retry_days": [1, 3, 7], "final_action": "cancel"}``.

A new default payment method on the customer or the subscription pays the open invoices
of its past-due or unpaid subscriptions at once (:func:`pay_after_new_payment_method`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from billfold.clock import from_unix, to_unix
from billfold.context import Ctx
from billfold.events import diff, record_event
from billfold.invoices.lifecycle import mark_uncollectible
from billfold.invoices.payment import pay_invoice
from billfold.jobs.queue import enqueue, has_job, retire_jobs
from billfold.models import Account, Customer, Invoice, Job, Subscription
from billfold.payments import PaymentGateway, get_gateway
from billfold.subscriptions.queries import subscription_payload
from billfold.subscriptions.status import set_status

__all__ = [
    "RETRY",
    "DunningSettings",
    "dunning_settings",
    "pay_after_new_payment_method",
    "retry_invoice",
    "start_dunning",
]

RETRY = "invoice.retry"
DEFAULT_RETRY_DAYS = (1, 3, 7)
FINAL_ACTIONS = frozenset({"cancel", "unpaid"})
_DUNNED_REASONS = frozenset({"subscription_cycle", "subscription_update"})


@dataclass(frozen=True, slots=True)
class DunningSettings:
    """When to retry (days after the first failure) and what to do when every retry failed."""

    retry_days: tuple[int, ...] = DEFAULT_RETRY_DAYS
    final_action: str = "cancel"


def dunning_settings(ctx: Ctx) -> DunningSettings:
    """The account's settings; anything missing or malformed falls back to the default."""
    settings = ctx.session.scalar(select(Account.settings).where(Account.id == ctx.account_id)) or {}
    given: dict[str, Any] = settings.get("dunning") or {}
    days = given.get("retry_days")
    valid_days = isinstance(days, list) and all(isinstance(d, int) and d >= 0 for d in days)
    action = given.get("final_action")
    return DunningSettings(
        retry_days=tuple(sorted(days)) if valid_days and days is not None else DEFAULT_RETRY_DAYS,
        final_action=action if action in FINAL_ACTIONS else "cancel",
    )


def _subscription(ctx: Ctx, invoice: Invoice) -> Subscription | None:
    if invoice.subscription_id is None:
        return None
    return ctx.session.scalars(
        select(Subscription).where(
            Subscription.account_id == ctx.account_id, Subscription.id == invoice.subscription_id
        ),
    ).one_or_none()


def start_dunning(ctx: Ctx, invoice: Invoice) -> None:
    """After a failed payment: schedule the first retry, unless this invoice is already being dunned."""
    if (
        invoice.status != "open"
        or invoice.collection_method != "charge_automatically"
        or invoice.billing_reason not in _DUNNED_REASONS
    ):
        return
    sub = _subscription(ctx, invoice)
    if sub is None or sub.status != "past_due" or has_job(ctx.session, kind=RETRY, subject_id=invoice.id):
        return
    _schedule(ctx, invoice, sub, 1, ctx.clock.now())


def _schedule(ctx: Ctx, invoice: Invoice, sub: Subscription, retry: int, first_failed_at: dt.datetime) -> None:
    settings = dunning_settings(ctx)
    if retry > len(settings.retry_days):
        _give_up(ctx, invoice, sub, settings.final_action)
        return
    at = max(first_failed_at + dt.timedelta(days=settings.retry_days[retry - 1]), ctx.clock.now())
    invoice.next_payment_attempt = at
    enqueue(
        ctx,
        kind=RETRY,
        key=f"{RETRY}:{invoice.id}:{retry}",
        subject_id=invoice.id,
        run_at=at,
        payload={"retry": retry, "first_failed_at": to_unix(first_failed_at)},
        test_clock_id=sub.test_clock_id,
    )
    ctx.session.flush()


def retry_invoice(ctx: Ctx, gateway: PaymentGateway, job: Job) -> None:
    """Run one scheduled retry: pay, or schedule the next retry, or give up."""
    invoice = ctx.session.scalars(
        select(Invoice).where(Invoice.account_id == ctx.account_id, Invoice.id == job.subject_id).with_for_update(),
    ).one_or_none()
    if invoice is None or invoice.status != "open":
        return  # paid, voided or deleted meanwhile: nothing left to retry
    sub = _subscription(ctx, invoice)
    if sub is None or sub.status in {"canceled", "incomplete_expired"}:
        return
    if pay_invoice(ctx, gateway, invoice).paid:
        return
    _schedule(ctx, invoice, sub, int(job.payload["retry"]) + 1, from_unix(int(job.payload["first_failed_at"])))


def _give_up(ctx: Ctx, invoice: Invoice, sub: Subscription, action: str) -> None:
    invoice.next_payment_attempt = None
    if action == "unpaid":
        ctx.session.flush()
        set_status(ctx, sub, "unpaid")
        return
    mark_uncollectible(ctx, invoice)
    before = subscription_payload(ctx, sub)
    now = ctx.clock.now()
    sub.status = "canceled"
    sub.canceled_at = sub.ended_at = now
    sub.cancellation_details = {
        "comment": None,
        "feedback": None,
        **(sub.cancellation_details or {}),
        "reason": "payment_failed",
    }
    ctx.session.flush()
    after = subscription_payload(ctx, sub)
    record_event(ctx, "customer.subscription.deleted", after, diff(before, after))


def pay_after_new_payment_method(ctx: Ctx, *, customer_id: str, subscription_id: str | None = None) -> None:
    """Try the open invoices a new default payment method now pays.

    Those of past-due or unpaid subscriptions: the customer's that have no default of
    their own, or those of ``subscription_id``.
    """
    stmt = (
        select(Invoice, Customer.test_clock_id)
        .join(Subscription, Subscription.id == Invoice.subscription_id)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(
            Invoice.account_id == ctx.account_id,
            Invoice.customer_id == customer_id,
            Invoice.status == "open",
            Invoice.collection_method == "charge_automatically",
            Invoice.default_payment_method_id.is_(None),
            Subscription.status.in_(["past_due", "unpaid"]),
        )
        .order_by(Invoice.pk)
    )
    if subscription_id is not None:
        stmt = stmt.where(Subscription.id == subscription_id)
    else:
        stmt = stmt.where(Subscription.default_payment_method_id.is_(None))
    from billfold.test_clocks.clock import on_test_clock

    for invoice, clock_id in list(ctx.session.execute(stmt)):
        clocked = on_test_clock(ctx, clock_id)
        if pay_invoice(clocked, get_gateway(), invoice).paid:
            retire_jobs(clocked, kind=RETRY, subject_id=invoice.id)
