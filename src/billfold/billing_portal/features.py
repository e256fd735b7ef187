"""A configuration's ``features``: applying what the caller sent, then Stripe's rules.

Nested objects merge field by field (sending ``features[customer_update][enabled]=false``
keeps ``allowed_updates``); lists are replaced; ``""`` empties a list or unsets a value.
Rules that need the database (products, prices, coupons) run on what was sent; rules
between fields run on the merged result, so an update cannot break them either.
"""

from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import urlsplit

from billfold.catalog.prices import get_price
from billfold.catalog.products import get_product
from billfold.context import Ctx
from billfold.coupons.redemption import redeemable_coupon
from billfold.errors import InvalidRequestError, ResourceMissingError

__all__ = ["apply_features", "check_url"]

_SPACE = re.compile(r"\s")
_F = "features"
_CANCEL = f"{_F}[subscription_cancel]"
_UPDATE = f"{_F}[subscription_update]"
_PAUSE = f"{_F}[subscription_pause]"


def check_url(value: str | None, param: str) -> str | None:
    """``value`` if it is an absolute http(s) URL (or None); otherwise Stripe's ``url_invalid``."""
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or _SPACE.search(value):
        raise InvalidRequestError("Not a valid URL", code="url_invalid", param=param)
    return value


def _unique(values: list[Any] | None) -> list[Any]:
    seen: list[Any] = []
    for value in values or []:
        if value not in seen:
            seen.append(value)
    return seen


def apply_features(ctx: Ctx, current: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """``current`` with ``given`` applied and checked; ``current`` is not changed."""
    features = copy.deepcopy(current)
    if "customer_update" in given:
        _customer_update(features["customer_update"], given["customer_update"])
    for name in ("invoice_history", "payment_method_update"):
        if name in given:
            features[name]["enabled"] = given[name]["enabled"]
    if "payment_method_configuration" in given.get("payment_method_update", {}):
        _check_payment_method_configuration(given["payment_method_update"]["payment_method_configuration"])
    if "subscription_cancel" in given:
        _subscription_cancel(ctx, features["subscription_cancel"], given["subscription_cancel"])
    if "subscription_pause" in given:
        _subscription_pause(features["subscription_pause"], given["subscription_pause"])
    if "subscription_update" in given:
        _subscription_update(ctx, features["subscription_update"], given["subscription_update"])
    _check_cancel(features["subscription_cancel"], given.get("subscription_cancel", {}))
    _check_update(features["subscription_update"])
    return features


# -- customer details, payment methods ------------------------------------------------


def _customer_update(target: dict[str, Any], given: dict[str, Any]) -> None:
    if given.get("enabled") is not None:
        target["enabled"] = given["enabled"]
    if "allowed_updates" in given:
        target["allowed_updates"] = _unique(given["allowed_updates"])


def _check_payment_method_configuration(value: str | None) -> None:
    # Billfold has no payment method configurations, so no id can name one.
    if value is not None:
        raise ResourceMissingError(
            "payment method configuration",
            value,
            param=f"{_F}[payment_method_update][payment_method_configuration]",
        )


# -- cancellations ------------------------------------------------------------------


def _subscription_cancel(ctx: Ctx, target: dict[str, Any], given: dict[str, Any]) -> None:
    for field in ("enabled", "mode", "proration_behavior"):
        if given.get(field) is not None:
            target[field] = given[field]
    if "cancellation_reason" in given:
        _cancellation_reason(target["cancellation_reason"], given["cancellation_reason"])
    if "retention" in given:
        _retention(ctx, target["retention"], given["retention"])


def _cancellation_reason(target: dict[str, Any], given: dict[str, Any]) -> None:
    param = f"{_CANCEL}[cancellation_reason]"
    target["enabled"] = given["enabled"]
    if "options" in given:
        target["options"] = _unique(given["options"])
    if "feedback_options" in given:
        # Custom feedback options are not part of Billfold: none can exist.
        for n, option in enumerate(given["feedback_options"] or []):
            raise ResourceMissingError("feedback option", option, param=f"{param}[feedback_options][{n}]")
        target["feedback_options"] = None
    if target["enabled"] and not target["options"]:
        raise InvalidRequestError(
            "Cancellation reasons need at least one option when they are enabled.",
            param=f"{param}[options]",
        )


def _retention(ctx: Ctx, target: dict[str, Any], given: dict[str, Any]) -> None:
    param = f"{_CANCEL}[retention]"
    target["enabled"] = given["enabled"]
    if "coupon" in given:
        coupon = given["coupon"]
        target["coupon"] = None if coupon is None else redeemable_coupon(ctx, coupon, param=f"{param}[coupon]").id
    if target["enabled"] and target["coupon"] is None:
        raise InvalidRequestError(
            f"Missing required param: {param}[coupon].", code="parameter_missing", param=f"{param}[coupon]"
        )


def _check_cancel(cancel: dict[str, Any], given: dict[str, Any]) -> None:
    behavior = cancel["proration_behavior"]
    param = f"{_CANCEL}[proration_behavior]"
    if behavior == "always_invoice":
        raise InvalidRequestError(
            "Cancellations only support proration_behavior none or create_prorations.", param=param
        )
    if behavior == "create_prorations" and cancel["mode"] != "immediately":
        raise InvalidRequestError(
            "proration_behavior create_prorations can only be used with mode immediately: a cancellation "
            "at the end of the period has nothing to prorate.",
            param=param if "proration_behavior" in given or "mode" not in given else f"{_CANCEL}[mode]",
        )


# -- pauses -------------------------------------------------------------------------


def _subscription_pause(target: dict[str, Any], given: dict[str, Any]) -> None:
    if given.get("enabled") is not None:
        target["enabled"] = given["enabled"]
    duration = given.get("duration")
    if duration is None:
        return
    param = f"{_PAUSE}[duration][interval_options]"
    options = [
        {"interval": o["interval"], "interval_count": o.get("interval_count") or 1}
        for o in duration.get("interval_options") or []
    ]
    if duration["type"] == "interval_options" and not options:
        raise InvalidRequestError("Give at least one pause duration when type is interval_options.", param=param)
    if duration["type"] == "indefinite" and options:
        raise InvalidRequestError("interval_options can only be given when type is interval_options.", param=param)
    for n, option in enumerate(options):
        if option in options[:n]:
            raise InvalidRequestError("This pause duration is listed twice.", param=f"{param}[{n}]")
    target["duration"] = {"interval_options": options, "type": duration["type"]}


# -- subscription updates -------------------------------------------------------------


def _subscription_update(ctx: Ctx, target: dict[str, Any], given: dict[str, Any]) -> None:
    for field in ("enabled", "proration_behavior", "billing_cycle_anchor", "trial_update_behavior"):
        if given.get(field) is not None:
            target[field] = given[field]
    if "default_allowed_updates" in given:
        target["default_allowed_updates"] = _unique(given["default_allowed_updates"])
    if "schedule_at_period_end" in given:
        conditions = given["schedule_at_period_end"].get("conditions")
        target["schedule_at_period_end"] = {"conditions": _unique([{"type": c["type"]} for c in conditions or []])}
    if "products" in given:
        target["products"] = _products(ctx, given["products"] or [])


def _products(ctx: Ctx, given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    products: list[dict[str, Any]] = []
    for n, entry in enumerate(given):
        param = f"{_UPDATE}[products][{n}]"
        product = get_product(ctx, entry["product"], param=f"{param}[product]")
        if any(p["product"] == product.id for p in products):
            raise InvalidRequestError(
                f"The product '{product.id}' is listed more than once.", param=f"{param}[product]"
            )
        if not entry["prices"]:
            raise InvalidRequestError("Each product needs at least one price.", param=f"{param}[prices]")
        prices: list[str] = []
        for m, price_id in enumerate(entry["prices"]):
            price_param = f"{param}[prices][{m}]"
            price = get_price(ctx, price_id, param=price_param)
            if price.product_id != product.id:
                raise InvalidRequestError(
                    f"The price '{price.id}' does not belong to the product '{product.id}'.", param=price_param
                )
            if price.type != "recurring":
                raise InvalidRequestError(f"The price '{price.id}' is not a recurring price.", param=price_param)
            if not price.active:
                raise InvalidRequestError(f"The price '{price.id}' is not active.", param=price_param)
            if price.id not in prices:
                prices.append(price.id)
        products.append(
            {
                "adjustable_quantity": _adjustable_quantity(entry.get("adjustable_quantity"), param),
                "prices": prices,
                "product": product.id,
            }
        )
    return products


def _adjustable_quantity(given: dict[str, Any] | None, param: str) -> dict[str, Any]:
    given = given or {"enabled": False}
    minimum = given.get("minimum")
    maximum = given.get("maximum")
    quantity = {"enabled": given["enabled"], "maximum": maximum, "minimum": 1 if minimum is None else minimum}
    if maximum is not None and quantity["minimum"] > maximum:
        raise InvalidRequestError(
            f"The minimum quantity ({quantity['minimum']}) cannot be greater than the maximum ({maximum}).",
            param=f"{param}[adjustable_quantity][minimum]",
        )
    return quantity


def _check_update(update: dict[str, Any]) -> None:
    if update["enabled"] and "price" in update["default_allowed_updates"] and not update["products"]:
        raise InvalidRequestError(
            "To let customers switch prices, list the products and prices they may switch between.",
            param=f"{_UPDATE}[products]",
        )
