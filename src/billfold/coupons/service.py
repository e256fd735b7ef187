"""Rules for coupons: create, update, delete and read.

Coupon ids may be chosen by the caller, so they are unique per account, not globally,
and a deleted coupon keeps its row (promotion codes still point at it), so its id
cannot be reused on the same account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.exc import IntegrityError

from billfold.catalog import get_product
from billfold.clock import from_unix
from billfold.context import Ctx
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.events import diff, record_event
from billfold.ids import random_token
from billfold.metadata import merge_metadata
from billfold.models import Coupon, PromotionCode
from billfold.objects.coupon import coupon_object
from billfold.objects.promotion_code import promotion_code_object

__all__ = [
    "coupon_payload",
    "create_coupon",
    "delete_coupon",
    "get_coupon",
    "inserted_or",
    "list_coupons_query",
    "update_coupon",
]


def coupon_payload(ctx: Ctx, coupon: Coupon) -> dict[str, Any]:
    """The coupon as the API shows it now (``valid`` depends on the clock)."""
    return coupon_object(coupon, now=ctx.clock.now())


def get_coupon(ctx: Ctx, coupon_id: str, *, param: str | None = "id", include_deleted: bool = False) -> Coupon:
    """A coupon of this account, or 404 naming ``param``; deleted ones only if asked."""
    stmt = select(Coupon).where(Coupon.account_id == ctx.account_id, Coupon.id == coupon_id)
    if not include_deleted:
        stmt = stmt.where(Coupon.deleted_at.is_(None))
    coupon = ctx.session.scalars(stmt).one_or_none()
    if coupon is None:
        raise ResourceMissingError("coupon", coupon_id, param=param)
    return coupon


@contextmanager
def inserted_or(ctx: Ctx, error: InvalidRequestError) -> Iterator[None]:
    """Flush inside a savepoint; a unique-key race becomes ``error`` instead of a 500."""
    try:
        with ctx.session.begin_nested():
            yield
            ctx.session.flush()
    except IntegrityError:
        raise error from None


def _exists_error(coupon_id: str) -> InvalidRequestError:
    return InvalidRequestError(f"Coupon already exists: {coupon_id}", code="resource_already_exists", param="id")


def _percent_text(value: Decimal | str | float | None) -> str | None:
    """Exact decimal text such as ``"12.5"``; the request model already checked the range."""
    if value is None:
        return None
    return format(Decimal(str(value)).normalize(), "f")


def _products(ctx: Ctx, applies_to: dict[str, Any] | None) -> list[str] | None:
    products = (applies_to or {}).get("products") or []
    for index, product_id in enumerate(products):
        get_product(ctx, product_id, param=f"applies_to[products][{index}]")
    return list(dict.fromkeys(products)) or None


def _redeem_by(ctx: Ctx, value: int | None) -> dt.datetime | None:
    if value is None:
        return None
    at = from_unix(value)
    if at <= ctx.clock.now():
        raise InvalidRequestError("redeem_by must be in the future.", param="redeem_by")
    return at


def create_coupon(ctx: Ctx, data: dict[str, Any]) -> Coupon:
    """A new coupon; the caller may choose its id (8 random base62 characters otherwise)."""
    coupon_id = data.get("id") or random_token(8)
    taken = ctx.session.scalar(
        select(exists().where(Coupon.account_id == ctx.account_id, Coupon.id == coupon_id)),
    )
    if taken:
        raise _exists_error(coupon_id)
    currency = data.get("currency")
    coupon = Coupon(
        id=coupon_id,
        account_id=ctx.account_id,
        created=ctx.clock.now(),
        name=data.get("name"),
        amount_off=data.get("amount_off"),
        currency=currency.lower() if currency else None,
        percent_off=_percent_text(data.get("percent_off")),
        duration=data.get("duration") or "once",
        duration_in_months=data.get("duration_in_months"),
        max_redemptions=data.get("max_redemptions"),
        redeem_by=_redeem_by(ctx, data.get("redeem_by")),
        times_redeemed=0,
        applies_to_products=_products(ctx, data.get("applies_to")),
        currency_options=None,
        metadata_=merge_metadata({}, data.get("metadata") or {}),
    )
    with inserted_or(ctx, _exists_error(coupon_id)):
        ctx.session.add(coupon)
    record_event(ctx, "coupon.created", coupon_payload(ctx, coupon))
    return coupon


def update_coupon(ctx: Ctx, coupon_id: str, data: dict[str, Any]) -> Coupon:
    """Change ``name`` or ``metadata`` (all Stripe lets change); emits ``coupon.updated``."""
    coupon = get_coupon(ctx, coupon_id)
    before = coupon_payload(ctx, coupon)
    if "name" in data:
        coupon.name = data["name"]
    if "metadata" in data:
        coupon.metadata_ = merge_metadata(coupon.metadata_, data["metadata"])
    after = coupon_payload(ctx, coupon)
    if after != before:
        ctx.session.flush()
        record_event(ctx, "coupon.updated", after, diff(before, after))
    return coupon


def delete_coupon(ctx: Ctx, coupon_id: str) -> str:
    """Delete a coupon; its promotion codes stay but are deactivated for good."""
    coupon = get_coupon(ctx, coupon_id)
    coupon.deleted_at = ctx.clock.now()
    ctx.session.flush()
    _deactivate_codes(ctx, coupon)
    record_event(ctx, "coupon.deleted", coupon_payload(ctx, coupon))
    return coupon.id


def _deactivate_codes(ctx: Ctx, coupon: Coupon) -> None:
    codes = ctx.session.scalars(
        select(PromotionCode).where(
            PromotionCode.account_id == ctx.account_id,
            PromotionCode.coupon_pk == coupon.pk,
            PromotionCode.active.is_(True),
        ),
    )
    for code in codes.all():
        before = promotion_code_object(code)
        code.active = False
        after = promotion_code_object(code)
        record_event(ctx, "promotion_code.updated", after, diff(before, after))
    ctx.session.flush()


def list_coupons_query(ctx: Ctx) -> Select[Coupon]:
    """Live coupons of this account."""
    return select(Coupon).where(Coupon.account_id == ctx.account_id, Coupon.deleted_at.is_(None))
