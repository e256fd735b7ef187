"""Coupons and promotion codes."""

from billfold.coupons.promotion_codes import (
    create_promotion_code,
    get_promotion_code,
    list_promotion_codes_query,
    update_promotion_code,
)
from billfold.coupons.redemption import (
    check_coupon,
    check_promotion_code,
    discount_amount,
    find_promotion_code,
    record_redemption,
    redeemable_coupon,
)
from billfold.coupons.service import (
    coupon_payload,
    create_coupon,
    delete_coupon,
    get_coupon,
    list_coupons_query,
    update_coupon,
)

__all__ = [
    "check_coupon",
    "check_promotion_code",
    "coupon_payload",
    "create_coupon",
    "create_promotion_code",
    "delete_coupon",
    "discount_amount",
    "find_promotion_code",
    "get_coupon",
    "get_promotion_code",
    "list_coupons_query",
    "list_promotion_codes_query",
    "record_redemption",
    "redeemable_coupon",
    "update_coupon",
    "update_promotion_code",
]
