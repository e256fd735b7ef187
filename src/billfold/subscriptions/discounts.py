"""Applying ``discounts[]`` (coupons and promotion codes) to a subscription."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import exists, select

from billfold.context import Ctx
from billfold.coupons.redemption import check_promotion_code, record_redemption, redeemable_coupon
from billfold.errors import InvalidRequestError
from billfold.ids import new_id
from billfold.models import Coupon, Discount, Invoice
from billfold.subscriptions.periods import period_start

__all__ = ["apply_discounts", "discount_end"]

MAX_DISCOUNTS = 20


def discount_end(coupon: Coupon, start: dt.datetime) -> dt.datetime | None:
    """When a discount stops applying: after N months for ``repeating``, never otherwise.

    ``once`` discounts end when they first reduce an invoice (see invoices.builder).
    """
    if coupon.duration == "repeating" and coupon.duration_in_months:
        return period_start(start, "month", coupon.duration_in_months, 1)
    return None


def _has_paid_invoice(ctx: Ctx, customer_id: str) -> bool:
    return bool(
        ctx.session.scalar(
            select(
                exists().where(Invoice.customer_id == customer_id, Invoice.status == "paid", Invoice.amount_paid > 0)
            ),
        ),
    )


def apply_discounts(
    ctx: Ctx,
    entries: list[dict[str, Any]],
    *,
    customer_id: str,
    subscription_id: str | None,
    amount: int,
    currency: str,
    param: str = "discounts",
) -> list[Discount]:
    """Validate every entry against its restrictions and attach the discounts.

    With ``subscription_id=None`` the discounts are the customer's (invoice previews).
    """
    if len(entries) > MAX_DISCOUNTS:
        raise InvalidRequestError(f"A subscription can have at most {MAX_DISCOUNTS} discounts.", param=param)
    now = ctx.clock.now()
    made: list[Discount] = []
    seen: set[int] = set()
    for index, entry in enumerate(entries):
        where = f"{param}[{index}]"
        given = [key for key in ("coupon", "promotion_code", "discount") if entry.get(key)]
        if len(given) != 1:
            raise InvalidRequestError(
                "Each discount needs exactly one of coupon or promotion_code.",
                param=f"{where}[coupon]",
            )
        if given[0] == "discount":
            raise InvalidRequestError(
                "Reusing an existing discount is not supported; pass its coupon instead.",
                param=f"{where}[discount]",
            )
        promo = None
        if given[0] == "promotion_code":
            promo = check_promotion_code(
                ctx,
                entry["promotion_code"],
                customer_id=customer_id,
                amount=amount,
                currency=currency,
                param=f"{where}[promotion_code]",
                has_prior_transactions=_has_paid_invoice(ctx, customer_id),
            )
            coupon = promo.coupon
        else:
            coupon = redeemable_coupon(ctx, entry["coupon"], param=f"{where}[coupon]", currency=currency)
        if coupon.pk in seen:
            raise InvalidRequestError("The same coupon cannot be applied twice.", param=f"{where}[{given[0]}]")
        seen.add(coupon.pk)
        record_redemption(ctx, coupon, promo, param=f"{where}[{given[0]}]")
        discount = Discount(
            id=new_id("di"),
            account_id=ctx.account_id,
            created=now,
            coupon_pk=coupon.pk,
            promotion_code_id=promo.id if promo else None,
            customer_id=customer_id,
            subscription_id=subscription_id,
            start=now,
            end=discount_end(coupon, now),
        )
        ctx.session.add(discount)
        made.append(discount)
    ctx.session.flush()
    return made
