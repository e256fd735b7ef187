"""``/v1/coupons``."""

from __future__ import annotations

from typing import Any

from billfold import coupons
from billfold.api.expand import EXPANDERS
from billfold.api.listing import paginate, range_filter
from billfold.api.params.coupons import CouponCreate, CouponDelete, CouponList, CouponRetrieve, CouponUpdate
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.models import Coupon
from billfold.objects import deleted_object

router = ApiRouter("Coupons")


def _applies_to(ctx: Ctx, value: Any, holder: dict[str, Any]) -> Any:  # noqa: ANN401
    # Stripe only includes applies_to when expanded; we always include it, so expanding is a no-op.
    return value


EXPANDERS.setdefault("coupon", {})["applies_to"] = _applies_to


@router.post("/v1/coupons", CouponCreate, "Create a coupon", "coupon")
def create(ctx: Ctx, params: CouponCreate) -> dict[str, Any]:
    return coupons.coupon_payload(ctx, coupons.create_coupon(ctx, params.given()))


@router.get("/v1/coupons", CouponList, "List coupons", "list")
def list_(ctx: Ctx, params: CouponList) -> dict[str, Any]:
    stmt = range_filter(coupons.list_coupons_query(ctx), Coupon.created, params.created)
    return paginate(
        ctx,
        Coupon,
        stmt,
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=lambda coupon: coupons.coupon_payload(ctx, coupon),
        url="/v1/coupons",
        kind="coupon",
    )


@router.get("/v1/coupons/{id}", CouponRetrieve, "Retrieve a coupon", "coupon")
def retrieve(ctx: Ctx, params: CouponRetrieve, id: str) -> dict[str, Any]:
    return coupons.coupon_payload(ctx, coupons.get_coupon(ctx, id))


@router.post("/v1/coupons/{id}", CouponUpdate, "Update a coupon", "coupon")
def update(ctx: Ctx, params: CouponUpdate, id: str) -> dict[str, Any]:
    return coupons.coupon_payload(ctx, coupons.update_coupon(ctx, id, params.given()))


@router.delete("/v1/coupons/{id}", CouponDelete, "Delete a coupon", "deleted_coupon")
def delete(ctx: Ctx, params: CouponDelete, id: str) -> dict[str, Any]:
    return deleted_object("coupon", coupons.delete_coupon(ctx, id))
