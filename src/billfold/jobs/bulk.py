"""The worker's fast path for plain renewals: a batch's worth in a few statements.

:func:`~billfold.subscriptions.renewal.advance_subscription` reads and writes one
subscription at a time, about fifty statements a renewal. For the common case it is the
same rows, so this path loads what a whole batch needs with one query per kind of row, as light rows rather than
ORM entities (:mod:`billfold.jobs.renewal_batch`), builds every invoice, line, payment attempt and
event in memory with the same functions (``period_lines``, the serializers) and writes
them with one statement per table (:mod:`billfold.jobs.bulk_write`: on PostgreSQL a binary
``COPY`` per inserted table, the events streaming into theirs while the batch is built,
and one ``UPDATE … FROM unnest(…)`` per updated table; elsewhere an ``executemany`` each).

Each object is serialised once per renewal: the later snapshots its events carry (the
invoice finalized, then paid; the subscription renewed) are the first one with the
fields that changed re-read (:func:`~billfold.objects.invoice.invoice_restated_fields`,
:func:`~billfold.objects.subscription.subscription_object_renewed`), and each event's
payload is turned into JSON once, as it is made. What is the same for every renewal of a
batch (a price's objects, a kind of renewal's invoice lines, an account's event columns)
is made once for the batch (``_Shared``).

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
from collections.abc import Collection, Sequence
from types import SimpleNamespace
from typing import Any, cast

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from billfold.context import Ctx
from billfold.errors import CardError
from billfold.events import diff, event_row, record_event
from billfold.ids import new_id, random_token
from billfold.invoices.builder import line_fields
from billfold.invoices.payment import record_declined_card
from billfold.jobs.bulk_write import Rows, streamed_events, write
from billfold.jobs.renewal_batch import Batch, Items, Row, load_batch, load_subscriptions, looks_plain, plain_terms
from billfold.jobs.worker import ContextFor
from billfold.models import Invoice, InvoiceLine, PaymentMethod, Subscription
from billfold.objects.invoice import LINES_PAGE, invoice_object, invoice_restated_fields
from billfold.objects.subscription import (
    RENEWED_FIELDS,
    PriceObjects,
    subscription_object,
    subscription_object_renewed,
)
from billfold.packed_json import pack
from billfold.payments import PaymentGateway, decline_for, invoice_attempt_key
from billfold.subscriptions.lines import period_lines
from billfold.subscriptions.queries import subscription_payload
from billfold.subscriptions.renewal import renewal_key

__all__ = ["renew_plain"]


class _Shared:
    """What the renewals of one batch share: made once, used by each (all of it made by the usual functions).

    - each price's ``plan`` and ``price`` objects, as every subscription on it shows them;
    - the invoice lines of a kind of renewal (the same prices and quantities over the same
      period): ``period_lines`` and ``line_fields`` run once, each renewal's lines are copies
      with their own ids;
    - per account, the event columns all its events share (``event_row``'s);
    - random characters for the invoices' hosted-page tokens, drawn from the OS once for many.
    """

    def __init__(self, batch: Batch, rows: Rows) -> None:
        self.batch, self.rows = batch, rows
        self.shown_prices: PriceObjects = {}
        self.lines: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        self.event_columns: dict[str, dict[str, Any]] = {}
        self._random, self._taken = "", 0

    def token(self, length: int) -> str:
        """A ``random_token(length)``: a slice of one drawn for many (its characters are independent alike)."""
        if self._taken + length > len(self._random):
            self._random, self._taken = random_token(length * 256), 0
        start = self._taken
        self._taken += length
        return self._random[start : self._taken]

    def event(self, ctx: Ctx, event_type: str, data: bytes) -> None:
        """Add the row ``record_event`` would add, its payload (``data``) serialised and packed already."""
        shared = self.event_columns.get(ctx.account_id)
        if shared is None:
            template = event_row(ctx, event_type, {})
            shared = self.event_columns[ctx.account_id] = {
                k: v for k, v in template.items() if k not in {"id", "created", "type", "data"}
            }
        row = {**shared, "id": new_id("evt"), "created": ctx.clock.now(), "type": event_type, "data": data}
        (self.rows.emit or self.rows.events.append)(row)

    def line_rows(self, sub: Row, items: Items, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
        """The columns of the lines ``write_lines`` writes for ``period_lines`` (no discounts on a plain renewal).

        Every renewal with the same prices and quantities over the same period gets the same
        lines but for its own ids; they are made once, with placeholders for those.
        """
        key = (start, end, *[(price.id, item.quantity) for item, price in items])
        template = self.lines.get(key)
        if template is None:
            drafts = period_lines(items, self.batch.names, start, end, sub.id)
            template = self.lines[key] = [
                line_fields(account_id="", invoice_id="", created=start, line=line, position=position, parts=[])
                for position, line in enumerate(drafts)
            ]
        return [
            {**columns, "subscription_id": sub.id, "subscription_item_id": item.id}
            for columns, (item, _price) in zip(template, items, strict=True)
        ]


def _event(
    shared: _Shared, ctx: Ctx, event_type: str, obj: dict[str, Any], previous: dict[str, Any] | None = None
) -> bytes:
    """Add the event ``record_event`` would add for ``obj``; returns its payload, serialised and packed now.

    Packed (:mod:`billfold.packed_json`): a renewal's five payloads are 17 KB of JSON, and
    at about 300 bytes each PostgreSQL has little to compress, log and store.
    """
    data: dict[str, Any] = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    payload = pack(orjson.dumps(data))
    shared.event(ctx, event_type, payload)
    return payload


def _changes(before: dict[str, Any], after: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """``diff(before, after)`` for an ``after`` that is ``before`` with ``fields`` (in its order) re-read.

    Every other field holds the very same value, which ``diff`` would compare equal and
    leave out, so it looks at these alone: an invoice's 17 of 90.
    """
    return diff({key: before[key] for key in fields}, {key: after[key] for key in fields})


def _draft(
    renewal: _Renewal,
    customer: Row,
    lines: list[dict[str, Any]],
    period: tuple[dt.datetime, dt.datetime],
) -> SimpleNamespace:
    """The cycle invoice as ``create_invoice`` leaves it: a draft, every column as after its INSERT."""
    ctx, sub = renewal.ctx, renewal.sub
    total = sum(line["amount"] for line in lines)
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
        access_token=renewal.shared.token(40),
        renewal_key=renewal_key(sub, period[1]),
        metadata_={},
    )


class _Renewal:
    """One plain renewal being built: its rows and the payloads its events carry.

    ``sub`` and ``items`` are rows; moving the period replaces them with the moved ones.
    """

    def __init__(self, ctx: Ctx, shared: _Shared, sub: Row, items: Items) -> None:
        self.ctx, self.shared, self.batch, self.sub, self.items = ctx, shared, shared.batch, sub, items
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

    def restated(self, previous: dict[str, Any], invoice: SimpleNamespace) -> tuple[dict[str, Any], list[str]]:
        """``previous`` with the fields finalizing and paying change re-read, and which those were."""
        fields = invoice_restated_fields(cast("Invoice", invoice), base_url=self.ctx.public_base_url)
        return {**previous, **fields}, list(fields)


def _finalize(renewal: _Renewal, rows: Rows, invoice: SimpleNamespace) -> None:
    """What ``finalize_invoice`` does to it (no balance to apply: a plain customer has none)."""
    ctx, batch = renewal.ctx, renewal.batch
    customer = batch.customers[renewal.sub.customer_id]
    invoice.number = f"{customer.invoice_prefix}-{customer.next_invoice_sequence:04d}"
    # The customer's next renewal in this batch numbers from here; stored by bulk_write.write.
    batch.customers[customer.id] = rows.customers[customer.id] = customer._replace(
        next_invoice_sequence=customer.next_invoice_sequence + 1
    )
    invoice.customer_snapshot = {
        "address": customer.address,
        "email": customer.email,
        "name": customer.name,
        "phone": customer.phone,
        "shipping": customer.shipping,
        "tax_exempt": customer.tax_exempt,
        "tax_ids": batch.tax_ids.get(customer.id, []),
    }
    invoice.starting_balance, invoice.ending_balance = 0, 0
    invoice.amount_remaining = invoice.amount_due
    invoice.status, invoice.finalized_at = "open", ctx.clock.now()


def _charge(ctx: Ctx, invoice: SimpleNamespace, method: Row, gateway: PaymentGateway) -> dict[str, Any]:
    """Charge attempt 1, as ``charge_invoice_attempt`` records it."""
    result = gateway.charge(
        payment_method=cast("PaymentMethod", method),
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
    """The subscription and its items enter the next period (stored by ``write``)."""
    boundary = renewal.sub.current_period_end
    renewal.sub = renewal.sub._replace(
        current_period_start=boundary, current_period_end=new_end, latest_invoice_id=invoice_id
    )
    renewal.items = [
        (item._replace(current_period_start=boundary, current_period_end=new_end), price)
        for item, price in renewal.items
    ]
    rows.subscriptions.append(renewal.sub)
    rows.items += [item for item, _price in renewal.items]


def _renew(
    renewal: _Renewal,
    rows: Rows,
    new_end: dt.datetime,
    method: Row,
    gateway: PaymentGateway,
) -> dict[str, Any]:
    """Everything ``renew_once`` does to a plain subscription, up to the charge; returns the attempt."""
    ctx, sub, shared = renewal.ctx, renewal.sub, renewal.shared
    customer = renewal.batch.customers[sub.customer_id]
    before = renewal.before = subscription_object(sub, renewal.items, [], shown_prices=shared.shown_prices)
    boundary, old_start = sub.current_period_end, sub.current_period_start
    lines = shared.line_rows(sub, renewal.items, boundary, new_end)
    invoice = _draft(renewal, customer, lines, (old_start, boundary))
    for line in lines:
        line["id"], line["account_id"] = new_id("il"), invoice.account_id
        line["invoice_id"], line["created"] = invoice.id, invoice.created
    renewal.lines = [SimpleNamespace(**line) for line in lines]
    rows.invoices.append(invoice)  # written once the batch is built, as it ends up
    rows.lines += lines
    created = renewal.invoice_payload(invoice)
    _event(shared, ctx, "invoice.created", created)
    _move_period(renewal, rows, new_end, invoice.id)
    _finalize(renewal, rows, invoice)
    finalized, _fields = renewal.restated(created, invoice)
    _event(shared, ctx, "invoice.finalized", finalized)
    attempt = _charge(ctx, invoice, method, gateway)
    rows.attempts.append(attempt)
    if attempt["status"] != "succeeded":
        return attempt  # the general payment code records the decline (see _declined)
    invoice.attempt_count, invoice.attempted = 1, True
    paid_before, _fields = renewal.restated(finalized, invoice)
    invoice.amount_paid += invoice.amount_remaining
    invoice.amount_remaining, invoice.status, invoice.paid_at = 0, "paid", ctx.clock.now()
    paid_after, fields = renewal.restated(paid_before, invoice)
    # Both events carry the same payload: serialised once.
    paid = _event(shared, ctx, "invoice.payment_succeeded", paid_after, _changes(paid_before, paid_after, fields))
    shared.event(ctx, "invoice.paid", paid)
    after = subscription_object_renewed(before, renewal.sub, renewal.items)
    _event(shared, ctx, "customer.subscription.updated", after, _changes(before, after, RENEWED_FIELDS))
    return attempt


def _declined(renewal: _Renewal, sub: Subscription, invoice: Invoice, attempt: dict[str, Any]) -> None:
    """A declined charge: the general payment code takes over (its events, past_due, dunning)."""
    ctx = renewal.ctx
    decline = decline_for(attempt["decline_code"] or "generic_decline")
    error = CardError(
        attempt["failure_message"] or decline.message, code=decline.code, decline_code=decline.decline_code
    )
    record_declined_card(ctx, invoice, attempt["payment_method_id"], error)
    after = subscription_payload(ctx, sub)
    record_event(ctx, "customer.subscription.updated", after, diff(renewal.before, after))


def renew_plain(session: Session, contexts: ContextFor, pks: Collection[int], gateway: PaymentGateway) -> set[int]:
    """Renew the plain subscriptions among ``pks`` (claimed, see the module docstring); returns the others.

    What it writes goes around the session, so the session's entities are expired after it:
    anything the rest of the batch reads again comes from the database.
    """
    if not pks:
        return set()
    session.flush()  # what the batch changed so far, before reading around the session
    subs = load_subscriptions(session, pks)
    now = contexts(subs[0].account_id).clock.now() if subs else None
    candidates = [sub for sub in subs if now is not None and looks_plain(sub, now)]
    if not candidates or now is None:
        return set(pks)
    batch = load_batch(session, candidates)
    plain = []
    for sub in candidates:
        terms = plain_terms(batch, sub, now)
        if terms is not None:
            plain.append((sub, terms))
    rows = Rows()
    shared = _Shared(batch, rows)
    declined: list[tuple[_Renewal, dict[str, Any]]] = []
    with streamed_events(session, rows, stream=bool(plain)):
        for sub, (items, new_end, method) in plain:
            renewal = _Renewal(contexts(sub.account_id), shared, sub, items)
            attempt = _renew(renewal, rows, new_end, method, gateway)
            if attempt["status"] != "succeeded":
                declined.append((renewal, attempt))
    write(session, rows)
    session.expire_all()
    if declined:
        invoices = {
            i.id: i
            for i in session.scalars(select(Invoice).where(Invoice.id.in_([a["invoice_id"] for _, a in declined])))
        }
        entities = {
            s.id: s
            for s in session.scalars(select(Subscription).where(Subscription.id.in_([r.sub.id for r, _ in declined])))
        }
        for renewal, attempt in declined:
            _declined(renewal, entities[renewal.sub.id], invoices[attempt["invoice_id"]], attempt)
    renewed = {sub.pk for sub, _terms in plain}
    return {pk for pk in pks if pk not in renewed}
