"""Whether a coupon or promotion code may be redeemed, and recording that it was.

Subscriptions, invoices and checkout call these before applying a discount. Every
refusal is a 400 naming the caller's parameter. Stripe has one error code for a
discount that can no longer be used, ``coupon_expired``; it is given when the coupon
is deleted, past ``redeem_by`` or used up, and when a promotion code is past
``expires_at`` or used up. Restrictions that do not fit the purchase (another
customer, a first-time offer, a minimum amount, another currency, an inactive code)
have no Stripe code and carry only a message and ``param``.
"""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from billfold.context import Ctx
from billfold.coupons.service import get_coupon
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.models import Coupon, PromotionCode
from billfold.money import CurrencyMismatchError

__all__ = [
    "check_coupon",
    "check_promotion_code",
    "discount_amount",
    "find_promotion_code",
    "record_redemption",
    "redeemable_coupon",
]

_EXPIRED = "coupon_expired"


def _basis_points(percent: str) -> int:
    """``"12.5"`` → 1250, with integers only (percent_off has at most two decimals)."""
    whole, _, fraction = percent.partition(".")
    return int(whole) * 100 + int((fraction + "00")[:2])


def discount_amount(coupon: Coupon, amount: int, *, currency: str | None = None) -> int:
    """The discount ``coupon`` gives on ``amount`` (minor units), between 0 and ``amount``.

    Percentages round to the nearest minor unit, halves up: 12.5 % of 1001 is 125.125,
    giving 125; 50 % of 1 is 0.5, giving 1. Fixed amounts are capped at ``amount``.
    A fixed amount in another currency than ``currency`` raises
    :class:`~billfold.money.CurrencyMismatchError`.
    """
    if amount <= 0:
        return 0
    if coupon.percent_off is not None:
        return (amount * _basis_points(coupon.percent_off) + 5_000) // 10_000
    if currency is not None and coupon.currency is not None and coupon.currency != currency.lower():
        raise CurrencyMismatchError(f"Cannot apply a {coupon.currency} coupon to a {currency.lower()} amount")
    return min(coupon.amount_off or 0, amount)


def check_coupon(ctx: Ctx, coupon: Coupon, *, currency: str | None, param: str | None) -> Coupon:
    """``coupon`` if it can be redeemed now in ``currency``; otherwise a 400 naming ``param``."""
    if coupon.deleted_at is not None:
        raise InvalidRequestError(f"The coupon '{coupon.id}' has been deleted.", code=_EXPIRED, param=param)
    if coupon.redeem_by is not None and ctx.clock.now() >= coupon.redeem_by:
        raise InvalidRequestError(f"The coupon '{coupon.id}' has expired.", code=_EXPIRED, param=param)
    if coupon.max_redemptions is not None and coupon.times_redeemed >= coupon.max_redemptions:
        raise InvalidRequestError(
            f"The coupon '{coupon.id}' has reached its maximum number of redemptions.", code=_EXPIRED, param=param
        )
    if currency is not None and coupon.currency is not None and coupon.currency != currency.lower():
        raise InvalidRequestError(
            f"The coupon '{coupon.id}' is in {coupon.currency}, which does not match the currency {currency.lower()}.",
            param=param,
        )
    return coupon


def redeemable_coupon(ctx: Ctx, coupon_id: str, *, param: str | None, currency: str | None = None) -> Coupon:
    """The live coupon ``coupon_id`` if it can be redeemed now (404 or 400 naming ``param``)."""
    return check_coupon(ctx, get_coupon(ctx, coupon_id, param=param), currency=currency, param=param)


def find_promotion_code(ctx: Ctx, code_or_id: str, *, param: str | None) -> PromotionCode:
    """A promotion code by id (``promo_…``) or by its code in any case, with its coupon."""
    stmt = (
        select(PromotionCode)
        .options(joinedload(PromotionCode.coupon))
        .where(PromotionCode.account_id == ctx.account_id)
    )
    # Codes are letters, digits and dashes, so an underscore can only mean an id.
    if code_or_id.startswith("promo_"):
        stmt = stmt.where(PromotionCode.id == code_or_id)
    else:
        stmt = stmt.where(PromotionCode.code_key == code_or_id.upper())
    promotion_code = ctx.session.scalars(stmt).one_or_none()
    if promotion_code is None:
        raise ResourceMissingError("promotion code", code_or_id, param=param)
    return promotion_code


def check_promotion_code(
    ctx: Ctx,
    code_or_id: str,
    *,
    customer_id: str | None,
    amount: int,
    currency: str,
    param: str | None,
    has_prior_transactions: bool = False,
) -> PromotionCode:
    """The promotion code if ``customer_id`` may redeem it on ``amount`` ``currency`` now.

    ``has_prior_transactions`` says whether the customer already paid an invoice, for
    ``first_time_transaction`` codes (callers know; invoices live elsewhere).
    """
    promo = find_promotion_code(ctx, code_or_id, param=param)
    label = f"The promotion code '{promo.code}'"
    if promo.coupon.deleted_at is not None:
        raise InvalidRequestError(f"{label} belongs to a deleted coupon.", code=_EXPIRED, param=param)
    if not promo.active:
        raise InvalidRequestError(f"{label} is not active.", param=param)
    if promo.expires_at is not None and ctx.clock.now() >= promo.expires_at:
        raise InvalidRequestError(f"{label} has expired.", code=_EXPIRED, param=param)
    if promo.max_redemptions is not None and promo.times_redeemed >= promo.max_redemptions:
        raise InvalidRequestError(f"{label} has reached its maximum number of redemptions.", code=_EXPIRED, param=param)
    if promo.customer_id is not None and promo.customer_id != customer_id:
        raise InvalidRequestError(f"{label} cannot be used by this customer.", param=param)
    if promo.first_time_transaction and has_prior_transactions:
        raise InvalidRequestError(f"{label} is only for customers without prior transactions.", param=param)
    _check_minimum(promo, amount, currency, label, param)
    check_coupon(ctx, promo.coupon, currency=currency, param=param)
    return promo


def _check_minimum(promo: PromotionCode, amount: int, currency: str, label: str, param: str | None) -> None:
    if promo.minimum_amount is None:
        return
    if promo.minimum_amount_currency != currency.lower():
        raise InvalidRequestError(
            f"{label} requires a minimum amount in {promo.minimum_amount_currency}, not {currency.lower()}.",
            param=param,
        )
    if amount < promo.minimum_amount:
        raise InvalidRequestError(
            f"{label} requires a minimum amount of {promo.minimum_amount} {promo.minimum_amount_currency}.",
            param=param,
        )


def _increment(ctx: Ctx, model: type[Coupon | PromotionCode], pk: int) -> int | None:
    """``times_redeemed + 1`` in one statement, only while below ``max_redemptions``."""
    stmt = (
        update(model)
        .where(
            model.pk == pk,
            or_(model.max_redemptions.is_(None), model.times_redeemed < model.max_redemptions),
        )
        .values(times_redeemed=model.times_redeemed + 1)
        .returning(model.times_redeemed)
        .execution_options(synchronize_session=False)
    )
    return ctx.session.execute(stmt).scalar_one_or_none()


def record_redemption(
    ctx: Ctx, coupon: Coupon, promotion_code: PromotionCode | None = None, *, param: str | None = None
) -> None:
    """Count one redemption of ``coupon`` (and of ``promotion_code``), atomically.

    The increment and the ``max_redemptions`` check are one UPDATE, so two concurrent
    redemptions of the last use cannot both succeed; the loser gets ``coupon_expired``.
    """
    if coupon.deleted_at is not None:
        raise InvalidRequestError(f"The coupon '{coupon.id}' has been deleted.", code=_EXPIRED, param=param)
    count = _increment(ctx, Coupon, coupon.pk)
    if count is None:
        raise InvalidRequestError(
            f"The coupon '{coupon.id}' has reached its maximum number of redemptions.", code=_EXPIRED, param=param
        )
    set_committed_value(coupon, "times_redeemed", count)
    if promotion_code is None:
        return
    count = _increment(ctx, PromotionCode, promotion_code.pk)
    if count is None:
        raise InvalidRequestError(
            f"The promotion code '{promotion_code.code}' has reached its maximum number of redemptions.",
            code=_EXPIRED,
            param=param,
        )
    set_committed_value(promotion_code, "times_redeemed", count)
