"""``expand[]`` loaders for the billing objects: subscriptions, invoices, their lines and items.

Each loader takes ``(ctx, value, holder)`` and reads only the calling account's rows.
Lists of ids (``discounts``) expand element by element. Imported for its side effect
by :mod:`billfold.api.routes`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from billfold.api.expand import EXPANDERS
from billfold.api.routes.payment_methods import expand_payment_method
from billfold.api.routes.tax_ids import expand_customer
from billfold.catalog.prices import get_price
from billfold.context import Ctx
from billfold.coupons import coupon_payload, get_coupon, get_promotion_code
from billfold.errors import ResourceMissingError
from billfold.invoices.queries import get_invoice, invoice_payload
from billfold.models import Coupon, Discount
from billfold.objects import deleted_object
from billfold.objects.discount import discount_object
from billfold.objects.price import price_object
from billfold.objects.promotion_code import promotion_code_object
from billfold.subscriptions.queries import get_subscription, subscription_payload

__all__ = ["expand_discounts", "expand_invoice", "expand_price", "expand_subscription"]


def expand_invoice(ctx: Ctx, value: Any, _holder: dict[str, Any]) -> Any:  # noqa: ANN401 - loader signature
    """The invoice an object points at."""
    if value is None:
        return None
    return invoice_payload(ctx, get_invoice(ctx, value, param="expand"))


def expand_subscription(ctx: Ctx, value: Any, _holder: dict[str, Any]) -> Any:  # noqa: ANN401
    """The subscription an object points at."""
    if value is None:
        return None
    return subscription_payload(ctx, get_subscription(ctx, value, param="expand"))


def expand_price(ctx: Ctx, value: Any, _holder: dict[str, Any]) -> Any:  # noqa: ANN401
    """The price a line or an invoice item is priced by."""
    if value is None:
        return None
    return price_object(get_price(ctx, value, param="expand"))


def expand_discounts(ctx: Ctx, value: Any, _holder: dict[str, Any]) -> Any:  # noqa: ANN401
    """A list of discount ids → the discount objects, in the same order."""
    ids = [v for v in value or [] if isinstance(v, str)]
    rows = (
        ctx.session.execute(
            select(Discount, Coupon.id)
            .join(Coupon, Coupon.pk == Discount.coupon_pk)
            .where(Discount.account_id == ctx.account_id, Discount.id.in_(ids)),
        ).all()
        if ids
        else []
    )
    found = {d.id: discount_object(d, coupon_id) for d, coupon_id in rows}
    for discount_id in ids:
        if discount_id not in found:
            raise ResourceMissingError("discount", discount_id, param="expand")
    return [found[v] if isinstance(v, str) else v for v in value or []]


def _coupon(ctx: Ctx, value: Any, _holder: dict[str, Any]) -> Any:  # noqa: ANN401
    if value is None:
        return None
    coupon = get_coupon(ctx, value, param="expand", include_deleted=True)
    if coupon.deleted_at is not None:
        return deleted_object("coupon", coupon.id)
    return coupon_payload(ctx, coupon)


def _promotion_code(ctx: Ctx, value: Any, _holder: dict[str, Any]) -> Any:  # noqa: ANN401
    if value is None:
        return None
    return promotion_code_object(get_promotion_code(ctx, value, param="expand"))


EXPANDERS.setdefault("subscription", {}).update(
    {
        "customer": expand_customer,
        "default_payment_method": expand_payment_method,
        "discounts": expand_discounts,
        "latest_invoice": expand_invoice,
    }
)
EXPANDERS.setdefault("invoice", {}).update(
    {
        "customer": expand_customer,
        "default_payment_method": expand_payment_method,
        "discounts": expand_discounts,
        "parent.subscription_details.subscription": expand_subscription,
    }
)
EXPANDERS.setdefault("line_item", {}).update(
    {
        "discounts": expand_discounts,
        "pricing.price_details.price": expand_price,
        "subscription": expand_subscription,
    }
)
EXPANDERS.setdefault("invoiceitem", {}).update(
    {
        "customer": expand_customer,
        "invoice": expand_invoice,
        "pricing.price_details.price": expand_price,
    }
)
EXPANDERS.setdefault("discount", {}).update(
    {
        "customer": expand_customer,
        "promotion_code": _promotion_code,
        "source.coupon": _coupon,
    }
)
EXPANDERS.setdefault("customer_balance_transaction", {})["invoice"] = expand_invoice
EXPANDERS.setdefault("customer", {})["invoice_settings.default_payment_method"] = expand_payment_method
