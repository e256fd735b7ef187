"""Turning ``phases[]`` parameters into stored phases: prices, dates, trials, discounts.

Each phase is stored as the API shows it, with ``start_date``/``end_date`` resolved to
unix seconds: a phase starts where the previous one ends, and ends at ``end_date``, after
``duration``, after ``iterations`` billing periods of its prices, or (none given) after
one billing period. Every refusal names the parameter as sent (``phases[1][end_date]``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from billfold.clock import from_unix, to_unix
from billfold.context import Ctx
from billfold.coupons.redemption import find_promotion_code, redeemable_coupon
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.models import Discount, Price
from billfold.payments import require_attached_payment_method
from billfold.subscriptions.items import check_compatible, resolve_price
from billfold.subscriptions.periods import period_start

__all__ = ["MAX_TRIAL", "check_default_settings", "resolve_phases", "schedule_end"]

MAX_TRIAL = dt.timedelta(days=730)


def schedule_end(phases: list[dict[str, Any]]) -> dt.datetime:
    """When the last phase ends."""
    return from_unix(phases[-1]["end_date"])


def _when(ctx: Ctx, value: int | str) -> dt.datetime:
    return ctx.clock.now() if value == "now" else from_unix(int(value))


def _items(ctx: Ctx, entry: dict[str, Any], where: str) -> tuple[list[dict[str, Any]], list[Price]]:
    entries = entry.get("items") or []
    if not entries:
        raise InvalidRequestError(
            f"Missing required param: {where}[items].",
            code="parameter_missing",
            param=f"{where}[items]",
        )
    items, prices = [], []
    for index, item in enumerate(entries):
        at = f"{where}[items][{index}]"
        price = resolve_price(ctx, item, at)
        prices.append(price)
        items.append({"price": price.id, "quantity": item.get("quantity") or 1, "metadata": item.get("metadata") or {}})
    check_compatible([(p, f"{where}[items][{i}][price]") for i, p in enumerate(prices)])
    return items, prices


def _end(entry: dict[str, Any], start: dt.datetime, price: Price, ctx: Ctx, where: str) -> dt.datetime:
    given = [key for key in ("end_date", "iterations", "duration") if entry.get(key) is not None]
    if len(given) > 1:
        raise InvalidRequestError(
            f"You may only specify one of these parameters: {', '.join(given)}.",
            code="parameters_exclusive",
            param=f"{where}[{given[1]}]",
        )
    interval, count = price.recurring_interval or "month", price.recurring_interval_count or 1
    if not given:
        end = period_start(start, interval, count, 1)
    elif given[0] == "end_date":
        end = _when(ctx, entry["end_date"])
    elif given[0] == "iterations":
        end = period_start(start, interval, count, int(entry["iterations"]))
    else:
        duration = entry["duration"]
        end = period_start(start, duration["interval"], duration.get("interval_count") or 1, 1)
    if end <= start:
        raise InvalidRequestError(
            f"The phase's end_date ({to_unix(end)}) must be after its start_date ({to_unix(start)}).",
            param=f"{where}[{given[0] if given else 'end_date'}]",
        )
    return end


def _trial_end(entry: dict[str, Any], start: dt.datetime, end: dt.datetime, where: str) -> int | None:
    if entry.get("trial") and entry.get("trial_end") is not None:
        raise InvalidRequestError(
            "You may only specify one of these parameters: trial, trial_end.",
            code="parameters_exclusive",
            param=f"{where}[trial]",
        )
    if entry.get("trial"):
        trial_end = end
    elif entry.get("trial_end") in {None, "now"}:
        return None
    else:
        trial_end = from_unix(int(entry["trial_end"]))
    if not start < trial_end <= end:
        raise InvalidRequestError(
            "trial_end must be after the phase's start_date and no later than its end_date.",
            param=f"{where}[trial_end]",
        )
    if trial_end - start > MAX_TRIAL:
        raise InvalidRequestError("A trial can last at most two years.", param=f"{where}[trial_end]")
    return to_unix(trial_end)


def _discount(
    ctx: Ctx, entry: dict[str, Any], *, currency: str, subscription_id: str | None, where: str
) -> dict[str, Any]:
    given = [key for key in ("coupon", "promotion_code", "discount") if entry.get(key)]
    if len(given) != 1:
        raise InvalidRequestError(
            "Each discount needs exactly one of coupon, promotion_code or discount.",
            param=f"{where}[coupon]",
        )
    kind = given[0]
    param = f"{where}[{kind}]"
    if kind == "coupon":
        coupon = redeemable_coupon(ctx, entry["coupon"], param=param, currency=currency)
        return {"coupon": coupon.id, "discount": None, "promotion_code": None}
    if kind == "promotion_code":
        promo = find_promotion_code(ctx, entry["promotion_code"], param=param)
        if not promo.active:
            raise InvalidRequestError(f"The promotion code '{promo.code}' is not active.", param=param)
        return {"coupon": None, "discount": None, "promotion_code": promo.id}
    found = (
        ctx.session.scalar(
            select(Discount.id).where(
                Discount.account_id == ctx.account_id,
                Discount.id == entry["discount"],
                Discount.deleted_at.is_(None),
                Discount.subscription_id == subscription_id,
            ),
        )
        if subscription_id
        else None
    )
    if found is None:
        raise ResourceMissingError("discount", entry["discount"], param=param)
    return {"coupon": None, "discount": found, "promotion_code": None}


def _payment_settings(
    ctx: Ctx, entry: dict[str, Any], defaults: dict[str, Any], customer_id: str, where: str
) -> dict[str, Any]:
    method = entry.get("collection_method")
    days = (entry.get("invoice_settings") or {}).get("days_until_due")
    if (
        (method or defaults.get("collection_method")) == "send_invoice"
        and days is None
        and (defaults.get("days_until_due") is None)
    ):
        raise InvalidRequestError(
            "Missing required param: days_until_due (required with collection_method=send_invoice).",
            code="parameter_missing",
            param=f"{where}[invoice_settings][days_until_due]",
        )
    if entry.get("default_payment_method"):
        require_attached_payment_method(
            ctx,
            customer_id,
            entry["default_payment_method"],
            param=f"{where}[default_payment_method]",
        )
    return {
        "collection_method": method,
        "days_until_due": days,
        "default_payment_method": entry.get("default_payment_method"),
    }


def _phase(
    ctx: Ctx,
    entry: dict[str, Any],
    start: dt.datetime,
    *,
    customer_id: str,
    currency: str | None,
    defaults: dict[str, Any],
    subscription_id: str | None,
    where: str,
) -> dict[str, Any]:
    items, prices = _items(ctx, entry, where)
    phase_currency = prices[0].currency
    if entry.get("currency") is not None and entry["currency"].lower() != phase_currency:
        raise InvalidRequestError(
            f"The phase's currency {entry['currency'].lower()} does not match its prices' currency {phase_currency}.",
            param=f"{where}[currency]",
        )
    if currency is not None and phase_currency != currency:
        raise InvalidRequestError(
            f"All phases of a schedule must use one currency; this phase's prices are in {phase_currency}, "
            f"not {currency}.",
            param=f"{where}[items][0][price]",
        )
    end = _end(entry, start, prices[0], ctx, where)
    discounts = [
        _discount(ctx, d, currency=phase_currency, subscription_id=subscription_id, where=f"{where}[discounts][{k}]")
        for k, d in enumerate(entry.get("discounts") or [])
    ]
    return {
        "start_date": to_unix(start),
        "end_date": to_unix(end),
        "items": items,
        "currency": phase_currency,
        "proration_behavior": entry.get("proration_behavior") or "create_prorations",
        "discounts": discounts,
        "trial": bool(entry.get("trial")) or None,
        "trial_end": _trial_end(entry, start, end, where),
        **_payment_settings(ctx, entry, defaults, customer_id, where),
        "description": entry.get("description"),
        "billing_cycle_anchor": entry.get("billing_cycle_anchor"),
        "metadata": entry.get("metadata") or {},
    }


def _start(
    ctx: Ctx, entry: dict[str, Any], index: int, previous_end: dt.datetime | None, first_start: dt.datetime | None
) -> dt.datetime:
    where = f"phases[{index}]"
    if entry.get("start_date") is None:
        if index == 0 and first_start is not None:
            return first_start
        if previous_end is None:
            raise InvalidRequestError(
                f"Missing required param: {where}[start_date].",
                code="parameter_missing",
                param=f"{where}[start_date]",
            )
        return previous_end
    start = _when(ctx, entry["start_date"])
    if previous_end is not None and start != previous_end:
        kind = "overlaps the previous phase" if start < previous_end else "leaves a gap after the previous phase"
        raise InvalidRequestError(
            f"Phase {index} starts at {to_unix(start)}, which {kind} (it ends at {to_unix(previous_end)}). "
            "Each phase must start when the previous one ends.",
            param=f"{where}[start_date]",
        )
    return start


def resolve_phases(
    ctx: Ctx,
    entries: list[dict[str, Any]],
    *,
    customer_id: str,
    defaults: dict[str, Any],
    start: dt.datetime | None = None,
    subscription_id: str | None = None,
) -> list[dict[str, Any]]:
    """Stored phases for ``entries``.

    ``start`` is the schedule's start when creating (phases then carry no ``start_date``),
    ``None`` when updating (the first phase must give one).
    """
    if not entries:
        raise InvalidRequestError("Missing required param: phases.", code="parameter_missing", param="phases")
    phases: list[dict[str, Any]] = []
    previous_end: dt.datetime | None = None
    currency: str | None = None
    for index, entry in enumerate(entries):
        phase_start = _start(ctx, entry, index, previous_end, start)
        phase = _phase(
            ctx,
            entry,
            phase_start,
            customer_id=customer_id,
            currency=currency,
            defaults=defaults,
            subscription_id=subscription_id,
            where=f"phases[{index}]",
        )
        currency = phase["currency"]
        previous_end = from_unix(phase["end_date"])
        phases.append(phase)
    return phases


def check_default_settings(ctx: Ctx, given: dict[str, Any], customer_id: str) -> dict[str, Any]:
    """``default_settings`` as stored: collection method, payment method, description, days until due."""
    settings = {
        "billing_cycle_anchor": given.get("billing_cycle_anchor"),
        "collection_method": given.get("collection_method"),
        "default_payment_method": given.get("default_payment_method"),
        "description": given.get("description"),
        "days_until_due": (given.get("invoice_settings") or {}).get("days_until_due"),
    }
    if settings["default_payment_method"]:
        require_attached_payment_method(
            ctx,
            customer_id,
            settings["default_payment_method"],
            param="default_settings[default_payment_method]",
        )
    if settings["collection_method"] == "send_invoice" and settings["days_until_due"] is None:
        raise InvalidRequestError(
            "Missing required param: days_until_due (required with collection_method=send_invoice).",
            code="parameter_missing",
            param="default_settings[invoice_settings][days_until_due]",
        )
    return settings
