"""Rules for promotion codes: customer-facing codes that hand out a coupon.

Codes are unique per account in any case (``code_key`` is the upper-cased code), so
``SAVE10`` and ``save10`` cannot both exist, even when one of them is inactive.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import Select, exists, false, select
from sqlalchemy.orm import joinedload

from billfold.clock import from_unix
from billfold.context import Ctx
from billfold.coupons.redemption import check_coupon
from billfold.coupons.service import get_coupon, inserted_or
from billfold.customers import get_customer
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.events import diff, record_event
from billfold.ids import new_id
from billfold.metadata import merge_metadata
from billfold.models import Coupon, PromotionCode
from billfold.objects.promotion_code import promotion_code_object

__all__ = [
    "create_promotion_code",
    "get_promotion_code",
    "list_promotion_codes_query",
    "update_promotion_code",
]

# Generated codes avoid look-alikes (0/O, 1/I/L) because people type them.
_READABLE = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_GENERATED_LENGTH = 8


def get_promotion_code(ctx: Ctx, promotion_code_id: str, *, param: str | None = "id") -> PromotionCode:
    """A promotion code of this account (with its coupon loaded), or 404."""
    promo = ctx.session.scalars(
        select(PromotionCode)
        .options(joinedload(PromotionCode.coupon))
        .where(PromotionCode.account_id == ctx.account_id, PromotionCode.id == promotion_code_id),
    ).one_or_none()
    if promo is None:
        raise ResourceMissingError("promotion code", promotion_code_id, param=param)
    return promo


def _taken(ctx: Ctx, code: str) -> bool:
    return bool(
        ctx.session.scalar(
            select(exists().where(PromotionCode.account_id == ctx.account_id, PromotionCode.code_key == code.upper())),
        )
    )


def _code_taken_error(code: str) -> InvalidRequestError:
    return InvalidRequestError(
        f"A promotion code with code '{code}' already exists (codes are compared without regard to case).",
        code="resource_already_exists",
        param="code",
    )


def _new_code(ctx: Ctx) -> str:
    for _ in range(10):
        code = "".join(secrets.choice(_READABLE) for _ in range(_GENERATED_LENGTH))
        if not _taken(ctx, code):
            return code
    raise InvalidRequestError("Could not generate a free promotion code; pass code explicitly.", param="code")


def _coupon(ctx: Ctx, coupon_id: str) -> Coupon:
    coupon = get_coupon(ctx, coupon_id, param="promotion[coupon]")
    return check_coupon(ctx, coupon, currency=None, param="promotion[coupon]")


def _expires_at(ctx: Ctx, coupon: Coupon, value: int | None) -> dt.datetime | None:
    if value is None:
        return None
    at = from_unix(value)
    if at <= ctx.clock.now():
        raise InvalidRequestError("expires_at must be in the future.", param="expires_at")
    if coupon.redeem_by is not None and at > coupon.redeem_by:
        raise InvalidRequestError("expires_at cannot be after the coupon's redeem_by.", param="expires_at")
    return at


def _max_redemptions(coupon: Coupon, value: int | None) -> int | None:
    if value is not None and coupon.max_redemptions is not None and value > coupon.max_redemptions:
        raise InvalidRequestError(
            f"max_redemptions cannot exceed the coupon's max_redemptions ({coupon.max_redemptions}).",
            param="max_redemptions",
        )
    return value


def create_promotion_code(ctx: Ctx, data: dict[str, Any]) -> PromotionCode:
    """A new code for a live coupon; a readable random code when none is given."""
    coupon = _coupon(ctx, data["promotion"]["coupon"])
    customer_id = data.get("customer")
    if customer_id is not None:
        customer_id = get_customer(ctx, customer_id, param="customer").id
    code = data.get("code")
    if code is None:
        code = _new_code(ctx)
    elif _taken(ctx, code):
        raise _code_taken_error(code)
    restrictions = data.get("restrictions") or {}
    currency = restrictions.get("minimum_amount_currency")
    promo = PromotionCode(
        id=new_id("promo"),
        account_id=ctx.account_id,
        created=ctx.clock.now(),
        code=code,
        code_key=code.upper(),
        coupon_pk=coupon.pk,
        coupon=coupon,
        active=data.get("active", True),
        customer_id=customer_id,
        expires_at=_expires_at(ctx, coupon, data.get("expires_at")),
        max_redemptions=_max_redemptions(coupon, data.get("max_redemptions")),
        times_redeemed=0,
        first_time_transaction=bool(restrictions.get("first_time_transaction")),
        minimum_amount=restrictions.get("minimum_amount"),
        minimum_amount_currency=currency.lower() if currency else None,
        metadata_=merge_metadata({}, data.get("metadata") or {}),
    )
    with inserted_or(ctx, _code_taken_error(code)):
        ctx.session.add(promo)
    record_event(ctx, "promotion_code.created", promotion_code_object(promo))
    return promo


def update_promotion_code(ctx: Ctx, promotion_code_id: str, data: dict[str, Any]) -> PromotionCode:
    """Change ``active`` or ``metadata``; a code of a deleted coupon cannot be reactivated."""
    promo = get_promotion_code(ctx, promotion_code_id)
    before = promotion_code_object(promo)
    if data.get("active") is not None:
        if data["active"] and promo.coupon.deleted_at is not None:
            raise InvalidRequestError(
                f"The promotion code '{promo.code}' cannot be reactivated: its coupon has been deleted.",
                param="active",
            )
        promo.active = data["active"]
    if "metadata" in data:
        promo.metadata_ = merge_metadata(promo.metadata_, data["metadata"])
    after = promotion_code_object(promo)
    if after != before:
        ctx.session.flush()
        record_event(ctx, "promotion_code.updated", after, diff(before, after))
    return promo


def list_promotion_codes_query(ctx: Ctx, filters: dict[str, Any]) -> Select[PromotionCode]:
    """Promotion codes of this account matching the list filters, coupons loaded."""
    stmt = (
        select(PromotionCode)
        .options(joinedload(PromotionCode.coupon))
        .where(PromotionCode.account_id == ctx.account_id)
    )
    if filters.get("active") is not None:
        stmt = stmt.where(PromotionCode.active == filters["active"])
    if filters.get("code") is not None:
        stmt = stmt.where(PromotionCode.code_key == filters["code"].upper())
    if filters.get("coupon") is not None:
        coupon_pks = select(Coupon.pk).where(Coupon.account_id == ctx.account_id, Coupon.id == filters["coupon"])
        stmt = stmt.where(PromotionCode.coupon_pk.in_(coupon_pks))
    if filters.get("customer") is not None:
        stmt = stmt.where(PromotionCode.customer_id == filters["customer"])
    if filters.get("customer_account") is not None:
        # Codes cannot be restricted to an account here, so none match.
        stmt = stmt.where(false())
    return stmt
