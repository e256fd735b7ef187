"""The subscription fields an update sets directly (no billing involved)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from billfold.catalog.pricing import amount_for_quantity
from billfold.clock import from_unix
from billfold.context import Ctx
from billfold.errors import InvalidRequestError
from billfold.metadata import merge_metadata
from billfold.models import Discount, Subscription
from billfold.payments import require_attached_payment_method
from billfold.subscriptions.discounts import apply_discounts
from billfold.subscriptions.queries import live_items

__all__ = ["apply_settings"]

_PLAIN = ("collection_method", "description", "on_behalf_of", "trial_settings")


def _cancellation(sub: Subscription, data: dict[str, Any]) -> None:
    if "cancel_at_period_end" in data:
        sub.cancel_at_period_end = bool(data["cancel_at_period_end"])
        if sub.cancel_at_period_end:
            sub.cancel_at = None
    if "cancel_at" in data:
        value = data["cancel_at"]
        sub.cancel_at = None if value is None else from_unix(value)
        if sub.cancel_at is not None:
            sub.cancel_at_period_end = False
    if data.get("cancellation_details") is not None:
        details = dict(sub.cancellation_details or {})
        details.update(data["cancellation_details"])
        sub.cancellation_details = details


def _check_cancel_at(ctx: Ctx, sub: Subscription) -> None:
    if sub.cancel_at is not None and sub.cancel_at <= ctx.clock.now():
        raise InvalidRequestError("cancel_at must be in the future.", param="cancel_at")


def _payment(ctx: Ctx, sub: Subscription, data: dict[str, Any]) -> None:
    if "default_payment_method" in data:
        pm = data["default_payment_method"]
        if pm is not None:
            require_attached_payment_method(ctx, sub.customer_id, pm, param="default_payment_method")
        sub.default_payment_method_id = pm
    if "days_until_due" in data:
        sub.days_until_due = data["days_until_due"]
    if sub.collection_method == "send_invoice" and sub.days_until_due is None:
        raise InvalidRequestError(
            "Missing required param: days_until_due (required with collection_method=send_invoice).",
            code="parameter_missing",
            param="days_until_due",
        )
    if sub.collection_method == "charge_automatically":
        sub.days_until_due = None


def _trial(ctx: Ctx, sub: Subscription, data: dict[str, Any]) -> None:
    value = data.get("trial_end")
    if value is None or value == "now":
        return
    end = from_unix(value)
    if end <= ctx.clock.now():
        raise InvalidRequestError("Invalid timestamp: must be in the future.", param="trial_end")
    if sub.status != "trialing":
        raise InvalidRequestError(
            "trial_end can only be changed while the subscription is trialing.",
            param="trial_end",
        )
    sub.trial_end = end
    # As in Stripe, the trial's end becomes the billing cycle anchor, and the items' period ends with it.
    sub.current_period_end = sub.billing_cycle_anchor = end
    for item, _price in live_items(ctx, sub.id):
        item.current_period_end = end


def _discounts(ctx: Ctx, sub: Subscription, data: dict[str, Any]) -> None:
    if "discounts" not in data:
        return
    ctx.session.execute(
        update(Discount)
        .where(Discount.subscription_id == sub.id, Discount.deleted_at.is_(None))
        .values(deleted_at=ctx.clock.now()),
        execution_options={"synchronize_session": False},
    )
    if data["discounts"]:
        amount = sum(amount_for_quantity(p, i.quantity) for i, p in live_items(ctx, sub.id))
        apply_discounts(
            ctx,
            data["discounts"],
            customer_id=sub.customer_id,
            subscription_id=sub.id,
            amount=amount,
            currency=sub.currency,
        )


def apply_settings(ctx: Ctx, sub: Subscription, data: dict[str, Any]) -> None:
    """Set everything in ``data`` that is not about items and billing."""
    for field in _PLAIN:
        if field in data:
            setattr(sub, field, data[field])
    _cancellation(sub, data)
    if "cancel_at" in data:
        _check_cancel_at(ctx, sub)
    _payment(ctx, sub, data)
    _trial(ctx, sub, data)
    if "pause_collection" in data:
        pause = data["pause_collection"]
        if (
            pause is not None
            and pause.get("resumes_at") is not None
            and from_unix(pause["resumes_at"]) <= ctx.clock.now()
        ):
            raise InvalidRequestError("resumes_at must be in the future.", param="pause_collection[resumes_at]")
        sub.pause_collection = pause
    if "metadata" in data:
        sub.metadata_ = merge_metadata(sub.metadata_, data["metadata"])
    _discounts(ctx, sub, data)
    ctx.session.flush()
