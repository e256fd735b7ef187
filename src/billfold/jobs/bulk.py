"""The worker's fast path for plain renewals: a batch's worth in a few queries.

:func:`~billfold.subscriptions.renewal.advance_subscription` reads and writes one
subscription at a time, about fifty statements a renewal. For the common case it is the
same rows, so this path loads what a whole batch needs with one query per kind of row,
builds every invoice, line, payment attempt and event in memory with the same functions
(``period_lines``, the serializers, ``record_event``) and writes them in one flush.

Plain means: an ``active`` subscription charged automatically, without schedule,
discount, pause, ``cancel_at``/``cancel_at_period_end``, pending invoice items or
customer balance, exactly one period due, a priced item and a saved default card.
Anything else (and any renewal already billed) goes back to the general path. A declined
charge finishes through the general payment code
(:func:`~billfold.invoices.payment.record_declined_card`, so dunning starts as usual).
``tests/time/test_bulk_renewal.py`` checks that both paths write the same rows and events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import orjson
import sqlalchemy as sa
from sqlalchemy import ColumnElement, Insert, Text, bindparam, insert, select
from sqlalchemy.orm import Session

from billfold.context import Ctx
from billfold.errors import CardError
from billfold.events import diff, record_event
from billfold.ids import new_id, random_token
from billfold.invoices.builder import DraftLine, line_fields
from billfold.invoices.payment import record_declined_card
from billfold.jobs.renewal_batch import Batch, Items, load_batch, looks_plain, plain_terms
from billfold.models import (
    Customer,
    Event,
    Invoice,
    InvoiceLine,
    PaymentAttempt,
    PaymentMethod,
    Subscription,
)
from billfold.objects.invoice import LINES_PAGE, invoice_object
from billfold.objects.subscription import subscription_object
from billfold.payments import PaymentGateway, decline_for, invoice_attempt_key
from billfold.subscriptions.lines import period_lines
from billfold.subscriptions.queries import subscription_payload
from billfold.subscriptions.renewal import renewal_key

__all__ = ["renew_plain"]


@dataclass(slots=True)
class _Rows:
    """What a batch writes, in the order the general path would write it."""

    invoices: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def _event(ctx: Ctx, rows: _Rows, event_type: str, obj: dict[str, Any], previous: dict[str, Any] | None = None) -> None:
    """The row ``record_event`` would add."""
    data: dict[str, Any] = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    rows.events.append(
        {
            "id": new_id("evt"),
            "account_id": ctx.account_id,
            "created": ctx.clock.now(),
            "type": event_type,
            "data": data,
            "api_version": ctx.api_version,
            "request_id": ctx.request_id,
            "idempotency_key": ctx.idempotency_key,
            "pending_webhooks": 0,
        }
    )


def _line(invoice: SimpleNamespace, line: DraftLine, position: int) -> SimpleNamespace:
    """The row ``write_lines`` writes for ``line`` (no discounts on a plain renewal)."""
    return SimpleNamespace(
        **line_fields(
            account_id=invoice.account_id,
            invoice_id=invoice.id,
            created=invoice.created,
            line=line,
            position=position,
            parts=[],
        ),
    )


def _draft(
    ctx: Ctx, sub: Subscription, customer: Customer, lines: list[DraftLine], period: tuple[dt.datetime, dt.datetime]
) -> SimpleNamespace:
    """The cycle invoice as ``create_invoice`` leaves it: a draft, every column as after its INSERT."""
    total = sum(line.amount for line in lines)
    return SimpleNamespace(
        id=new_id("in"),
        account_id=ctx.account_id,
        created=ctx.clock.now(),
        customer_id=customer.id,
        subscription_id=sub.id,
        status="draft",
        number=None,
        currency=sub.currency,
        billing_reason="subscription_cycle",
        collection_method=sub.collection_method,
        description=None,
        footer=(customer.invoice_settings or {}).get("footer"),
        due_date=None,
        period_start=period[0],
        period_end=period[1],
        subtotal=total,
        total_discount_amounts=[],
        total=total,
        starting_balance=0,
        ending_balance=None,
        amount_due=max(total, 0),
        amount_paid=0,
        amount_remaining=max(total, 0),
        attempt_count=0,
        attempted=False,
        auto_advance=True,
        next_payment_attempt=None,
        default_payment_method_id=None,
        finalized_at=None,
        paid_at=None,
        voided_at=None,
        marked_uncollectible_at=None,
        customer_snapshot={},
        last_finalization_error=None,
        last_payment_error=None,
        access_token=random_token(40),
        renewal_key=renewal_key(sub, period[1]),
        metadata_={},
    )


class _Renewal:
    """One plain renewal being built: its rows and the payloads its events carry."""

    def __init__(self, ctx: Ctx, batch: Batch, sub: Subscription, items: Items) -> None:
        self.ctx, self.batch, self.sub, self.items = ctx, batch, sub, items
        self.lines: list[SimpleNamespace] = []
        self.before: dict[str, Any] = {}  # the subscription before the renewal

    def invoice_payload(self, invoice: SimpleNamespace) -> dict[str, Any]:
        name, country = self.batch.accounts.get(self.ctx.account_id, (None, None))
        lines = cast("list[InvoiceLine]", self.lines[:LINES_PAGE])
        return invoice_object(
            cast("Invoice", invoice),
            lines,
            base_url=self.ctx.public_base_url,
            account_name=name,
            account_country=country,
            discount_ids=[],
            has_more_lines=len(self.lines) > LINES_PAGE,
        )

    def subscription_payload(self) -> dict[str, Any]:
        return subscription_object(self.sub, self.items, [])


def _finalize(renewal: _Renewal, rows: _Rows, invoice: SimpleNamespace, customer: Customer) -> None:
    """What ``finalize_invoice`` does to it (no balance to apply: a plain customer has none)."""
    ctx = renewal.ctx
    invoice.number = f"{customer.invoice_prefix}-{customer.next_invoice_sequence:04d}"
    customer.next_invoice_sequence += 1
    invoice.customer_snapshot = {
        "address": customer.address,
        "email": customer.email,
        "name": customer.name,
        "phone": customer.phone,
        "shipping": customer.shipping,
        "tax_exempt": customer.tax_exempt,
        "tax_ids": renewal.batch.tax_ids.get(customer.id, []),
    }
    invoice.starting_balance, invoice.ending_balance = 0, 0
    invoice.amount_remaining = invoice.amount_due
    invoice.status, invoice.finalized_at = "open", ctx.clock.now()
    _event(ctx, rows, "invoice.finalized", renewal.invoice_payload(invoice))


def _charge(ctx: Ctx, invoice: SimpleNamespace, method: PaymentMethod, gateway: PaymentGateway) -> dict[str, Any]:
    """Charge attempt 1, as ``charge_invoice_attempt`` records it."""
    result = gateway.charge(
        payment_method=method,
        amount=invoice.amount_remaining,
        currency=invoice.currency,
        idempotency_key=invoice_attempt_key(invoice.id, 1),
    )
    now = ctx.clock.now()
    return {
        "id": new_id("py"),
        "account_id": ctx.account_id,
        "created": now,
        "invoice_id": invoice.id,
        "attempt_number": 1,
        "payment_method_id": method.id,
        "amount": invoice.amount_remaining,
        "currency": invoice.currency,
        "status": "succeeded" if result.succeeded else "failed",
        "decline_code": result.decline_code,
        "failure_message": result.message,
        "charge_id": result.charge_id,
        "attempted_at": now,
    }


def _renew(
    renewal: _Renewal, rows: _Rows, new_end: dt.datetime, method: PaymentMethod, gateway: PaymentGateway
) -> dict[str, Any]:
    """Everything ``renew_once`` does to a plain subscription, up to the charge; returns the attempt."""
    ctx, sub = renewal.ctx, renewal.sub
    customer = renewal.batch.customers[sub.customer_id]
    before = renewal.before = renewal.subscription_payload()
    boundary, old_start = sub.current_period_end, sub.current_period_start
    sub.current_period_start, sub.current_period_end = boundary, new_end
    for item, _price in renewal.items:
        item.current_period_start, item.current_period_end = boundary, new_end
    drafts = period_lines(renewal.items, renewal.batch.names, boundary, new_end, sub.id)
    invoice = _draft(ctx, sub, customer, drafts, (old_start, boundary))
    renewal.lines = [_line(invoice, line, position) for position, line in enumerate(drafts)]
    rows.invoices.append(invoice.__dict__)
    rows.lines += [line.__dict__ for line in renewal.lines]
    _event(ctx, rows, "invoice.created", renewal.invoice_payload(invoice))
    sub.latest_invoice_id = invoice.id
    _finalize(renewal, rows, invoice, customer)
    attempt = _charge(ctx, invoice, method, gateway)
    rows.attempts.append(attempt)
    if attempt["status"] != "succeeded":
        return attempt  # the general payment code records the decline (see _declined)
    invoice.attempt_count, invoice.attempted = 1, True
    paid_before = renewal.invoice_payload(invoice)
    invoice.amount_paid += invoice.amount_remaining
    invoice.amount_remaining, invoice.status, invoice.paid_at = 0, "paid", ctx.clock.now()
    paid_after = renewal.invoice_payload(invoice)
    _event(ctx, rows, "invoice.payment_succeeded", paid_after, diff(paid_before, paid_after))
    _event(ctx, rows, "invoice.paid", paid_after, diff(paid_before, paid_after))
    after = renewal.subscription_payload()
    _event(ctx, rows, "customer.subscription.updated", after, diff(before, after))
    return attempt


def _declined(renewal: _Renewal, invoice: Invoice, attempt: dict[str, Any]) -> None:
    """A declined charge: the general payment code takes over (its events, past_due, dunning)."""
    ctx = renewal.ctx
    decline = decline_for(attempt["decline_code"] or "generic_decline")
    error = CardError(
        attempt["failure_message"] or decline.message, code=decline.code, decline_code=decline.decline_code
    )
    record_declined_card(ctx, invoice, attempt["payment_method_id"], error)
    after = subscription_payload(ctx, renewal.sub)
    record_event(ctx, "customer.subscription.updated", after, diff(renewal.before, after))


def _events_insert(session: Session) -> Insert:
    """``INSERT INTO events`` taking ``data`` already serialised (orjson: the payloads are most of the bytes)."""
    table = cast("sa.Table", Event.__table__)
    data: ColumnElement[Any] = bindparam("data", type_=Text)
    if session.get_bind().dialect.name == "postgresql":
        data = sa.cast(data, table.c.data.type)
    values = {c.name: bindparam(c.name, type_=c.type) for c in table.columns if c.name not in {"pk", "data"}}
    return insert(table).values({**values, "data": data})


def _write(session: Session, rows: _Rows) -> None:
    """Plain INSERTs, one ``executemany`` per table (nothing is read back)."""
    for model, values in ((Invoice, rows.invoices), (InvoiceLine, rows.lines), (PaymentAttempt, rows.attempts)):
        if values:
            session.execute(insert(cast("sa.Table", model.__table__)), values)
    if rows.events:
        events = [{**event, "data": orjson.dumps(event["data"]).decode()} for event in rows.events]
        session.execute(_events_insert(session), events)


def renew_plain(
    session: Session, contexts: dict[str, Ctx], subs: list[Subscription], gateway: PaymentGateway
) -> list[Subscription]:
    """Renew the plain subscriptions among ``subs`` (see the module docstring); returns the others."""
    if not subs:
        return subs
    now = contexts[subs[0].account_id].clock.now()
    candidates = [s for s in subs if looks_plain(s, now)]
    if not candidates:
        return subs
    batch = load_batch(session, candidates)
    rest = [s for s in subs if not looks_plain(s, now)]
    rows = _Rows()
    declined: list[tuple[_Renewal, dict[str, Any]]] = []
    for sub in candidates:
        plain = plain_terms(batch, sub, now)
        if plain is None:
            rest.append(sub)
            continue
        items, new_end, method = plain
        renewal = _Renewal(contexts[sub.account_id], batch, sub, items)
        attempt = _renew(renewal, rows, new_end, method, gateway)
        if attempt["status"] != "succeeded":
            declined.append((renewal, attempt))
    session.flush()
    _write(session, rows)
    if declined:
        invoices = {
            i.id: i
            for i in session.scalars(select(Invoice).where(Invoice.id.in_([a["invoice_id"] for _, a in declined])))
        }
        for renewal, attempt in declined:
            _declined(renewal, invoices[attempt["invoice_id"]], attempt)
    return sorted(rest, key=lambda s: (s.customer_id, s.id))
