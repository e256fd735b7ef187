"""The worker's fast path for plain renewals: a batch's worth in a few statements.

:func:`~billfold.subscriptions.renewal.advance_subscription` reads and writes one
subscription at a time, about fifty statements a renewal. For the common case it is the
same rows, so this path loads what a whole batch needs with one query per kind of row
(:mod:`billfold.jobs.renewal_batch`), builds every invoice, line, payment attempt and
event in memory with the same functions (``period_lines``, the serializers) and writes
them with one statement per table (:mod:`billfold.jobs.bulk_write`: on PostgreSQL a binary
``COPY`` per inserted table, the events streaming into theirs while the batch is built,
and one ``UPDATE … FROM unnest(…)`` per updated table; elsewhere an ``executemany`` each).

Each object is serialised once per renewal: the later snapshots its events carry (the
invoice finalized, then paid; the subscription renewed) are the first one with the
fields that changed re-read (:func:`~billfold.objects.invoice.invoice_object_restated`,
:func:`~billfold.objects.subscription.subscription_object_renewed`), and each event's
payload is turned into JSON once, as it is made.

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
from types import SimpleNamespace
from typing import Any, cast

import orjson
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from billfold.context import Ctx
from billfold.errors import CardError
from billfold.events import diff, event_row, record_event
from billfold.ids import new_id, random_token
from billfold.invoices.builder import DraftLine, line_fields
from billfold.invoices.payment import record_declined_card
from billfold.jobs.bulk_write import Rows, streamed_events, write
from billfold.jobs.renewal_batch import Batch, Items, load_batch, looks_plain, plain_terms
from billfold.models import Customer, Invoice, InvoiceLine, PaymentMethod, Subscription
from billfold.objects.invoice import LINES_PAGE, invoice_object, invoice_object_restated
from billfold.objects.subscription import subscription_object, subscription_object_renewed
from billfold.payments import PaymentGateway, decline_for, invoice_attempt_key
from billfold.subscriptions.lines import period_lines
from billfold.subscriptions.queries import subscription_payload
from billfold.subscriptions.renewal import renewal_key

__all__ = ["renew_plain"]


def _event(ctx: Ctx, rows: Rows, event_type: str, obj: dict[str, Any], previous: dict[str, Any] | None = None) -> None:
    """The row ``record_event`` would add, its payload serialised now (later snapshots share parts of it)."""
    row = event_row(ctx, event_type, obj, previous)
    row["data"] = orjson.dumps(row["data"])
    (rows.emit or rows.events.append)(row)


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

    def restated(self, previous: dict[str, Any], invoice: SimpleNamespace) -> dict[str, Any]:
        return invoice_object_restated(previous, cast("Invoice", invoice), base_url=self.ctx.public_base_url)


def _finalize(renewal: _Renewal, rows: Rows, invoice: SimpleNamespace, customer: Customer) -> None:
    """What ``finalize_invoice`` does to it (no balance to apply: a plain customer has none)."""
    ctx = renewal.ctx
    invoice.number = f"{customer.invoice_prefix}-{customer.next_invoice_sequence:04d}"
    # Stored by bulk_write.write with the batch's other changes; the session takes it as stored already.
    set_committed_value(customer, "next_invoice_sequence", customer.next_invoice_sequence + 1)
    rows.customers[customer.id] = customer
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


def _move_period(renewal: _Renewal, rows: Rows, new_end: dt.datetime, invoice_id: str) -> None:
    """The subscription and its items enter the next period: stored by ``write``, taken as stored by the session."""
    sub = renewal.sub
    boundary = sub.current_period_end
    for name, value in (("current_period_start", boundary), ("current_period_end", new_end)):
        set_committed_value(sub, name, value)
        for item, _price in renewal.items:
            set_committed_value(item, name, value)
    set_committed_value(sub, "latest_invoice_id", invoice_id)
    rows.subscriptions.append(sub)
    rows.items += [item for item, _price in renewal.items]


def _renew(
    renewal: _Renewal, rows: Rows, new_end: dt.datetime, method: PaymentMethod, gateway: PaymentGateway
) -> dict[str, Any]:
    """Everything ``renew_once`` does to a plain subscription, up to the charge; returns the attempt."""
    ctx, sub = renewal.ctx, renewal.sub
    customer = renewal.batch.customers[sub.customer_id]
    before = renewal.before = subscription_object(sub, renewal.items, [])
    boundary, old_start = sub.current_period_end, sub.current_period_start
    drafts = period_lines(renewal.items, renewal.batch.names, boundary, new_end, sub.id)
    invoice = _draft(ctx, sub, customer, drafts, (old_start, boundary))
    renewal.lines = [_line(invoice, line, position) for position, line in enumerate(drafts)]
    rows.invoices.append(invoice)  # written once the batch is built, as it ends up
    rows.lines += [line.__dict__ for line in renewal.lines]
    created = renewal.invoice_payload(invoice)
    _event(ctx, rows, "invoice.created", created)
    _move_period(renewal, rows, new_end, invoice.id)
    _finalize(renewal, rows, invoice, customer)
    finalized = renewal.restated(created, invoice)
    _event(ctx, rows, "invoice.finalized", finalized)
    attempt = _charge(ctx, invoice, method, gateway)
    rows.attempts.append(attempt)
    if attempt["status"] != "succeeded":
        return attempt  # the general payment code records the decline (see _declined)
    invoice.attempt_count, invoice.attempted = 1, True
    paid_before = renewal.restated(finalized, invoice)
    invoice.amount_paid += invoice.amount_remaining
    invoice.amount_remaining, invoice.status, invoice.paid_at = 0, "paid", ctx.clock.now()
    paid_after = renewal.restated(paid_before, invoice)
    paid_changes = diff(paid_before, paid_after)
    _event(ctx, rows, "invoice.payment_succeeded", paid_after, paid_changes)
    _event(ctx, rows, "invoice.paid", paid_after, paid_changes)
    after = subscription_object_renewed(before, sub, renewal.items)
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


def _loaded(batch: Batch, subs: list[Subscription]) -> bool:
    """Whether building the renewals of ``subs`` can read nothing more from the database.

    Everything they use was just loaded; a refresh elsewhere in the batch could have
    expired something, and a lazy load cannot run while a ``COPY`` holds the connection.
    """
    objects: list[object] = [*subs, *batch.customers.values(), *batch.methods.values()]
    objects += [o for pairs in batch.items.values() for pair in pairs for o in pair]
    return not any(sa.inspect(o).unloaded for o in objects)


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
    plain = []
    for sub in candidates:
        terms = plain_terms(batch, sub, now)
        if terms is None:
            rest.append(sub)
        else:
            plain.append((sub, terms))
    rows = Rows()
    declined: list[tuple[_Renewal, dict[str, Any]]] = []
    with streamed_events(session, rows, stream=bool(plain) and _loaded(batch, candidates)):
        for sub, (items, new_end, method) in plain:
            renewal = _Renewal(contexts[sub.account_id], batch, sub, items)
            attempt = _renew(renewal, rows, new_end, method, gateway)
            if attempt["status"] != "succeeded":
                declined.append((renewal, attempt))
    write(session, rows)
    if declined:
        invoices = {
            i.id: i
            for i in session.scalars(select(Invoice).where(Invoice.id.in_([a["invoice_id"] for _, a in declined])))
        }
        for renewal, attempt in declined:
            _declined(renewal, invoices[attempt["invoice_id"]], attempt)
    return sorted(rest, key=lambda s: (s.customer_id, s.id))
