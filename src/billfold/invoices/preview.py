"""Invoice previews (``POST /v1/invoices/create_preview``): the invoice a change would produce.

A preview is never a re-implementation of billing. Inside a SAVEPOINT it runs the real
operations — :func:`~billfold.subscriptions.update.update_subscription`,
:func:`~billfold.subscriptions.create.create_subscription`,
:func:`~billfold.subscriptions.cancel.cancel_subscription`, and the renewal
:func:`~billfold.subscriptions.renewal.renew_once` on a clock set to the period's end —
with ``collect=False`` so nothing is finalized, numbered or charged, then serializes the
invoice they produced and rolls the savepoint back: no row, event or invoice number
survives.

- If the change bills at once (``always_invoice``, a billing-cycle-anchor reset, an
  interval change, ``cancel_now``), the preview is that invoice.
- Otherwise it is the upcoming invoice: the cycle invoice the renewal makes at the end of
  the current period — the pending invoice items (with the prorations the change
  created) plus the next period's charges for the items after the change, with the
  discounts active then — shown with ``billing_reason=upcoming``.
- ``preview_mode=recurring`` leaves out prorations and invoice items: the next full
  period's charges only.

The customer's balance is shown as finalizing would apply it (``starting_balance``,
``amount_due``), by the same rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import or_, select, update

from billfold.clock import FrozenClock, to_unix
from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.errors import ApiError, BillfoldError, InvalidRequestError
from billfold.invoices.builder import create_invoice, pending_items
from billfold.invoices.lifecycle import applicable_balance, balance_change
from billfold.invoices.preview_items import add_invoice_items, reject_unsupported, replace_discounts
from billfold.invoices.queries import get_invoice, invoice_payload
from billfold.models import Customer, Invoice, InvoiceItem, InvoiceLine, PaymentMethod, Subscription
from billfold.objects.invoice import line_item_object
from billfold.payments.interfaces import ChargeResult
from billfold.subscriptions.cancel import cancel_subscription
from billfold.subscriptions.create import create_subscription
from billfold.subscriptions.queries import get_subscription
from billfold.subscriptions.renewal import renew_once
from billfold.subscriptions.update import update_subscription
from billfold.test_clocks.clock import on_test_clock

__all__ = ["preview_invoice"]

_ENDED = frozenset({"canceled", "incomplete_expired"})
_NO_RENEWAL = _ENDED | {"incomplete", "paused"}  # what advance_subscription does not renew
# subscription_details keys handed to the subscription code; its errors are renamed under them.
_DETAILS = frozenset(
    {
        "billing_cycle_anchor",
        "cancel_at",
        "cancel_at_period_end",
        "cancel_now",
        "items",
        "metadata",
        "proration_behavior",
        "proration_date",
        "trial_end",
    }
)
_PASSED = (
    "items",
    "proration_behavior",
    "proration_date",
    "cancel_at",
    "cancel_at_period_end",
    "trial_end",
    "metadata",
)


class _NoCharges:
    """The gateway a preview hands over: with ``collect=False`` nothing may reach it."""

    def verify_card(self, payment_method: PaymentMethod) -> None:
        raise ApiError(f"An invoice preview tried to verify {payment_method.id}.")

    def charge(
        self, *, payment_method: PaymentMethod, amount: int, currency: str, idempotency_key: str
    ) -> ChargeResult:
        raise ApiError(
            f"An invoice preview tried to charge {amount} {currency} to {payment_method.id} ({idempotency_key}).",
        )


@contextmanager
def _under_details() -> Iterator[None]:
    """Name the subscription code's errors as the caller sent them.

    ``items[0][price]`` becomes ``subscription_details[items][0][price]``.
    """
    try:
        yield
    except BillfoldError as exc:
        root, bracket, rest = (exc.param or "").partition("[")
        if root in _DETAILS:
            exc.param = f"subscription_details[{root}]" + (bracket + rest if bracket else "")
        raise


def _nothing(what: str) -> InvalidRequestError:
    return InvalidRequestError(f"No upcoming invoices for {what}.", code="invoice_upcoming_none")


def _target(ctx: Ctx, data: dict[str, Any]) -> tuple[Subscription | None, Customer]:
    if data.get("subscription"):
        sub = get_subscription(ctx, data["subscription"], param="subscription")
        if data.get("customer") and data["customer"] != sub.customer_id:
            raise InvalidRequestError(
                f"The subscription {sub.id} does not belong to the customer {data['customer']}.",
                param="customer",
            )
        if data.get("currency") and data["currency"].lower() != sub.currency:
            raise InvalidRequestError(
                f"The subscription is billed in {sub.currency}, not {data['currency'].lower()}.",
                param="currency",
            )
        return sub, get_customer(ctx, sub.customer_id, param="subscription", include_deleted=True)
    if not data.get("customer"):
        raise InvalidRequestError(
            "Missing required param: customer (or subscription).",
            code="parameter_missing",
            param="customer",
        )
    return None, get_customer(ctx, data["customer"], param="customer")


def _currency_hint(data: dict[str, Any], sub: Subscription | None, customer: Customer) -> str | None:
    """The preview's currency when it can be known before anything runs."""
    if sub is not None:
        return sub.currency
    if data.get("currency"):
        return str(data["currency"]).lower()
    return customer.currency


def _anchor(details: dict[str, Any], *, new: bool) -> str | int | None:
    value = details.get("billing_cycle_anchor")
    if isinstance(value, dict):
        value = value.get("timestamp") if value["type"] == "timestamp" else value["type"]
    if isinstance(value, int) and not new:
        raise InvalidRequestError(
            "For an existing subscription, billing_cycle_anchor can only be now or unchanged.",
            param="subscription_details[billing_cycle_anchor]",
        )
    if value is None and isinstance(details.get("billing_cycle_anchor"), dict):
        raise InvalidRequestError(
            "Missing required param: subscription_details[billing_cycle_anchor][timestamp].",
            code="parameter_missing",
            param="subscription_details[billing_cycle_anchor][timestamp]",
        )
    return value


def _change_data(details: dict[str, Any], *, recurring: bool, new: bool) -> dict[str, Any]:
    data = {key: details[key] for key in _PASSED if key in details}
    anchor = _anchor(details, new=new)
    if anchor is not None and anchor != "unchanged" and not (new and anchor == "now"):
        data["billing_cycle_anchor"] = anchor
    if recurring:
        data["proration_behavior"] = "none"
    return data


def _at(ctx: Ctx, when: dt.datetime) -> Ctx:
    """``ctx`` as it will be at ``when`` (an upcoming invoice is made at the period's end)."""
    return Ctx(
        ctx.session, ctx.account_id, FrozenClock(when), ctx.request_id, None, ctx.api_version, ctx.public_base_url
    )


def _set_aside_pending(ctx: Ctx, sub: Subscription) -> None:
    """``preview_mode=recurring`` ignores invoice items: hide them (inside the savepoint only)."""
    ctx.session.execute(
        update(InvoiceItem)
        .where(
            InvoiceItem.account_id == ctx.account_id,
            InvoiceItem.customer_id == sub.customer_id,
            InvoiceItem.invoice_id.is_(None),
            InvoiceItem.deleted_at.is_(None),
            or_(InvoiceItem.subscription_id.is_(None), InvoiceItem.subscription_id == sub.id),
        )
        .values(deleted_at=ctx.clock.now()),
        execution_options={"synchronize_session": False},
    )


def _upcoming(ctx: Ctx, sub: Subscription, *, include_pending: bool) -> Invoice:
    """The invoice ``sub`` will produce when its period ends: the renewal itself, run at that instant."""
    if sub.status in _NO_RENEWAL:
        raise _nothing(f"subscription: {sub.id}")
    if not include_pending:
        _set_aside_pending(ctx, sub)
    later = _at(ctx, sub.current_period_end)
    if sub.cancel_at_period_end or (sub.cancel_at is not None and sub.cancel_at <= sub.current_period_end):
        # It ends instead of renewing: only what is pending is left to bill.
        if not pending_items(ctx, sub.customer_id, sub.currency, sub.id):
            raise _nothing(f"subscription: {sub.id}")
        customer = get_customer(ctx, sub.customer_id, param="subscription", include_deleted=True)
        return create_invoice(
            later,
            customer,
            currency=sub.currency,
            lines=[],
            billing_reason="upcoming",
            period_start=sub.current_period_start,
            period_end=sub.current_period_end,
            subscription_id=sub.id,
            collection_method=sub.collection_method,
            days_until_due=sub.days_until_due,
        )
    invoice = renew_once(later, _NoCharges(), sub, collect=False)
    if invoice is None:  # that period was billed already
        raise _nothing(f"subscription: {sub.id}")
    invoice.billing_reason = "upcoming"
    return invoice


def _renewing_first(ctx: Ctx, customer: Customer) -> Subscription | None:
    return ctx.session.scalars(
        select(Subscription)
        .where(
            Subscription.account_id == ctx.account_id,
            Subscription.customer_id == customer.id,
            Subscription.status.not_in(_ENDED),
        )
        .order_by(Subscription.current_period_end, Subscription.pk)
        .limit(1),
    ).one_or_none()


def _customer_upcoming(ctx: Ctx, customer: Customer, currency: str | None, *, include_pending: bool) -> Invoice:
    """Without a subscription: the customer's soonest renewal, else their pending invoice items."""
    sub = _renewing_first(ctx, customer)
    if sub is not None:
        return _upcoming(ctx, sub, include_pending=include_pending)
    if currency is None:  # a customer without a currency yet: that of their oldest pending item
        currency = ctx.session.scalar(
            select(InvoiceItem.currency)
            .where(
                InvoiceItem.account_id == ctx.account_id,
                InvoiceItem.customer_id == customer.id,
                InvoiceItem.invoice_id.is_(None),
                InvoiceItem.deleted_at.is_(None),
            )
            .order_by(InvoiceItem.pk)
            .limit(1),
        )
    items = pending_items(ctx, customer.id, currency, None) if include_pending and currency else []
    if currency is None or not items:
        raise _nothing(f"customer: {customer.id}")
    now = ctx.clock.now()
    return create_invoice(
        ctx, customer, currency=currency, lines=[], billing_reason="upcoming", period_start=now, period_end=now
    )


def _cancel_now(ctx: Ctx, sub: Subscription, details: dict[str, Any]) -> Invoice:
    before = sub.latest_invoice_id
    prorate_unused = details.get("proration_behavior", "create_prorations") != "none"
    cancel_subscription(ctx, _NoCharges(), sub, {"prorate": prorate_unused, "invoice_now": True}, collect=False)
    if sub.latest_invoice_id in (None, before):
        raise _nothing(f"subscription: {sub.id}")
    return get_invoice(ctx, str(sub.latest_invoice_id))


def _changed_subscription(ctx: Ctx, sub: Subscription, details: dict[str, Any], *, recurring: bool) -> Invoice:
    if details.get("cancel_now"):
        if recurring:
            raise _nothing(f"subscription: {sub.id}")
        with _under_details():
            return _cancel_now(ctx, sub, details)
    with _under_details():
        result = update_subscription(
            ctx, _NoCharges(), sub, _change_data(details, recurring=recurring, new=False), collect=False
        )
    if result.invoice is not None and not recurring:
        return result.invoice
    return _upcoming(ctx, result.subscription, include_pending=not recurring)


def _new_subscription(ctx: Ctx, customer: Customer, details: dict[str, Any], *, recurring: bool) -> Invoice:
    for index, item in enumerate(details["items"]):
        for key in ("id", "deleted"):
            if item.get(key) is not None:
                raise InvalidRequestError(
                    f"A new subscription's items cannot name {key}; preview an existing subscription with "
                    "subscription.",
                    param=f"subscription_details[items][{index}][{key}]",
                )
    data = {
        "customer": customer.id,
        "payment_behavior": "default_incomplete",
        **_change_data(details, recurring=False, new=True),
    }
    with _under_details():
        sub = create_subscription(ctx, _NoCharges(), data, collect=False)
    if recurring:
        return _upcoming(ctx, sub, include_pending=False)
    return get_invoice(ctx, str(sub.latest_invoice_id))


def _build(ctx: Ctx, data: dict[str, Any]) -> tuple[Ctx, Invoice]:
    """The invoice, and the context it was made in (a test clock's customer lives at its time)."""
    sub, customer = _target(ctx, data)
    ctx = on_test_clock(ctx, customer.test_clock_id)
    return ctx, _invoice(ctx, data, sub, customer)


def _invoice(ctx: Ctx, data: dict[str, Any], sub: Subscription | None, customer: Customer) -> Invoice:
    details = data.get("subscription_details")
    recurring = data.get("preview_mode") == "recurring"
    currency = _currency_hint(data, sub, customer)
    if data.get("invoice_items") and not recurring:
        add_invoice_items(ctx, customer, data["invoice_items"], currency)
    if "discounts" in data:
        replace_discounts(ctx, customer, sub, data["discounts"], currency=currency)
    if sub is not None and details is not None:
        return _changed_subscription(ctx, sub, details, recurring=recurring)
    if sub is not None:
        return _upcoming(ctx, sub, include_pending=not recurring)
    if details is not None and details.get("items"):
        return _new_subscription(ctx, customer, details, recurring=recurring)
    if details is not None:
        raise InvalidRequestError(
            "Pass subscription to preview changes to a subscription, or subscription_details[items] to preview a "
            "new one.",
            param="subscription",
        )
    return _customer_upcoming(ctx, customer, currency, include_pending=not recurring)


def _present(ctx: Ctx, invoice: Invoice, proration_date: int | None) -> dict[str, Any]:
    """The draft as the API shows a preview: ``upcoming_in_…``, every line embedded, balance applied."""
    customer = get_customer(ctx, invoice.customer_id, param="customer", include_deleted=True)
    balance = applicable_balance(customer, invoice.currency)
    _change, due = balance_change(invoice.total, balance)
    invoice.starting_balance, invoice.ending_balance = balance, None
    invoice.amount_due = invoice.amount_remaining = due
    payload = invoice_payload(ctx, invoice)
    preview_id = f"upcoming_{invoice.id}"
    rows = ctx.session.scalars(
        select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.position),
    )
    lines = []
    for row in rows:
        line = line_item_object(row)
        line["id"] = "il_tmp_" + row.id.removeprefix("il_")
        line["invoice"] = preview_id
        lines.append(line)
    payload.update(
        id=preview_id,
        lines={
            "object": "list",
            "data": lines,
            "has_more": False,
            "total_count": len(lines),
            "url": f"/v1/invoices/{preview_id}/lines",
        },
        webhooks_delivered_at=None,
    )
    if proration_date is not None and payload["parent"] is not None:
        payload["parent"]["subscription_details"]["subscription_proration_date"] = proration_date
    return payload


def _proration_date(ctx: Ctx, data: dict[str, Any]) -> int | None:
    details = data.get("subscription_details")
    if not data.get("subscription") or details is None:
        return None
    if details.get("proration_date") is not None:
        return int(details["proration_date"])
    return to_unix(ctx.clock.now())


def preview_invoice(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
    """The invoice ``data`` describes, built by the real code and rolled back."""
    reject_unsupported(data)
    savepoint = ctx.session.begin_nested()
    try:
        ctx, invoice = _build(ctx, data)
        ctx.session.flush()
        return _present(ctx, invoice, _proration_date(ctx, data))
    finally:
        savepoint.rollback()
