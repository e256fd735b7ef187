"""``/v1/promotion_codes``."""

from __future__ import annotations

from typing import Any

from billfold import coupons
from billfold.api.expand import EXPANDERS
from billfold.api.listing import paginate, range_filter
from billfold.api.params.promotion_codes import (
    PromotionCodeCreate,
    PromotionCodeList,
    PromotionCodeRetrieve,
    PromotionCodeUpdate,
)
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.customers import get_customer
from billfold.models import PromotionCode
from billfold.objects import deleted_object
from billfold.objects.customer import customer_object
from billfold.objects.promotion_code import promotion_code_object

router = ApiRouter("Promotion codes")


def _coupon(ctx: Ctx, value: Any, holder: dict[str, Any]) -> Any:  # noqa: ANN401
    coupon = coupons.get_coupon(ctx, value, include_deleted=True)
    if coupon.deleted_at is not None:
        return deleted_object("coupon", coupon.id)
    return coupons.coupon_payload(ctx, coupon)


def _customer(ctx: Ctx, value: Any, holder: dict[str, Any]) -> Any:  # noqa: ANN401
    if value is None:
        return None
    customer = get_customer(ctx, value, include_deleted=True)
    if customer.deleted_at is not None:
        return deleted_object("customer", customer.id)
    return customer_object(customer)


EXPANDERS.setdefault("promotion_code", {}).update({"promotion.coupon": _coupon, "customer": _customer})


@router.post("/v1/promotion_codes", PromotionCodeCreate, "Create a promotion code", "promotion_code")
def create(ctx: Ctx, params: PromotionCodeCreate) -> dict[str, Any]:
    return promotion_code_object(coupons.create_promotion_code(ctx, params.given()))


@router.get("/v1/promotion_codes", PromotionCodeList, "List promotion codes", "list")
def list_(ctx: Ctx, params: PromotionCodeList) -> dict[str, Any]:
    stmt = coupons.list_promotion_codes_query(ctx, params.given())
    stmt = range_filter(stmt, PromotionCode.created, params.created)
    return paginate(
        ctx,
        PromotionCode,
        stmt,
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=promotion_code_object,
        url="/v1/promotion_codes",
        kind="promotion code",
    )


@router.get("/v1/promotion_codes/{id}", PromotionCodeRetrieve, "Retrieve a promotion code", "promotion_code")
def retrieve(ctx: Ctx, params: PromotionCodeRetrieve, id: str) -> dict[str, Any]:
    return promotion_code_object(coupons.get_promotion_code(ctx, id))


@router.post("/v1/promotion_codes/{id}", PromotionCodeUpdate, "Update a promotion code", "promotion_code")
def update(ctx: Ctx, params: PromotionCodeUpdate, id: str) -> dict[str, Any]:
    return promotion_code_object(coupons.update_promotion_code(ctx, id, params.given()))
