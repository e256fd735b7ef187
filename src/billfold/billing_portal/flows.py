"""``flow_data``: checked against the configuration and the subscription, turned into ``flow``.

Whether the customer may do what the flow leads to is the policy's answer
(:mod:`billfold.billing_portal.policy`); this module finds the rows, asks, and names the
parameter at fault.
"""

from __future__ import annotations

from typing import Any

from billfold.billing_portal import policy
from billfold.billing_portal.features import check_url
from billfold.billing_portal.policy_types import Denied, ItemChange, PortalSubscription
from billfold.billing_portal.queries import configured_prices, portal_subscriptions
from billfold.context import Ctx
from billfold.coupons.redemption import check_promotion_code, redeemable_coupon
from billfold.errors import InvalidRequestError
from billfold.subscriptions.queries import get_subscription

__all__ = ["build_flow"]

_F = "flow_data"
_SUBSCRIPTION_FLOWS = (
    "subscription_cancel",
    "subscription_pause",
    "subscription_update",
    "subscription_update_confirm",
)
# The configuration switch each flow needs.
_FEATURE = {
    "customer_update": "customer_update",
    "payment_method_update": "payment_method_update",
    "subscription_cancel": "subscription_cancel",
    "subscription_pause": "subscription_pause",
    "subscription_update": "subscription_update",
    "subscription_update_confirm": "subscription_update",
}


def _refuse(flow: str, reason: str, param: str) -> InvalidRequestError:
    return InvalidRequestError(f"You cannot start a {flow} flow: {reason}", param=param)


def _after_completion(given: dict[str, Any] | None) -> dict[str, Any]:
    param = f"{_F}[after_completion]"
    given = given or {"type": "portal_homepage"}
    kind = given["type"]
    for other in ("hosted_confirmation", "redirect"):
        if given.get(other) is not None and kind != other:
            raise InvalidRequestError(
                f"{param}[{other}] can only be given when {param}[type] is {other}.", param=f"{param}[{other}]"
            )
    redirect = None
    if kind == "redirect":
        if given.get("redirect") is None:
            raise InvalidRequestError(
                f"Missing required param: {param}[redirect].", code="parameter_missing", param=f"{param}[redirect]"
            )
        redirect = {"return_url": check_url(given["redirect"]["return_url"], f"{param}[redirect][return_url]")}
    hosted = None
    if kind == "hosted_confirmation":
        hosted = {"custom_message": (given.get("hosted_confirmation") or {}).get("custom_message")}
    return {"hosted_confirmation": hosted, "redirect": redirect, "type": kind}


def _check_parts(data: dict[str, Any]) -> None:
    kind = data["type"]
    for name in _SUBSCRIPTION_FLOWS:
        if data.get(name) is not None and name != kind:
            raise InvalidRequestError(
                f"{_F}[{name}] can only be given when {_F}[type] is {name}.", param=f"{_F}[{name}]"
            )
    if kind in _SUBSCRIPTION_FLOWS and data.get(kind) is None:
        raise InvalidRequestError(
            f"Missing required param: {_F}[{kind}].", code="parameter_missing", param=f"{_F}[{kind}]"
        )


def _subscription(ctx: Ctx, kind: str, sub_id: str, customer_id: str, on_behalf_of: str | None) -> PortalSubscription:
    param = f"{_F}[{kind}][subscription]"
    sub = get_subscription(ctx, sub_id, param=param)
    if sub.customer_id != customer_id:
        raise _refuse(kind, f"the subscription '{sub.id}' does not belong to the customer '{customer_id}'.", param)
    if on_behalf_of is not None and sub.on_behalf_of != on_behalf_of:
        raise _refuse(kind, f"the subscription '{sub.id}' is not on behalf of '{on_behalf_of}'.", param)
    if sub.status in {"canceled", "incomplete_expired"}:
        raise _refuse(kind, f"the subscription '{sub.id}' has ended ({sub.status}).", param)
    return portal_subscriptions(ctx, [sub])[0]


def _denied(kind: str, features: dict[str, Any], denied: Denied, param: str) -> InvalidRequestError:
    """A policy refusal as a 400: on ``flow_data[type]`` when the feature is off, else on ``param``."""
    enabled = features[_FEATURE[kind]]["enabled"]
    return _refuse(kind, denied.reason, param if enabled else f"{_F}[type]")


def _check(kind: str, features: dict[str, Any], answer: object, param: str) -> None:
    if isinstance(answer, Denied):
        raise _denied(kind, features, answer, param)


def _cancel(ctx: Ctx, features: dict[str, Any], sub: PortalSubscription, given: dict[str, Any]) -> dict[str, Any]:
    kind = "subscription_cancel"
    _check(kind, features, policy.cancel_option(features, sub, ctx.clock.now()), f"{_F}[{kind}][subscription]")
    retention = None
    if given.get("retention") is not None:
        param = f"{_F}[{kind}][retention][coupon_offer][coupon]"
        coupon = redeemable_coupon(
            ctx, given["retention"]["coupon_offer"]["coupon"], param=param, currency=sub.currency
        )
        retention = {"coupon_offer": {"coupon": coupon.id}, "type": "coupon_offer"}
    return {"retention": retention, "subscription": sub.id}


def _discounts(ctx: Ctx, sub: PortalSubscription, given: list[dict[str, Any]] | None, amount: int) -> list[Any] | None:
    if given is None:
        return None
    param = f"{_F}[subscription_update_confirm][discounts]"
    if len(given) > 1:
        raise InvalidRequestError("Only one discount can be applied in a portal update flow.", param=param)
    out: list[dict[str, Any]] = []
    for n, entry in enumerate(given):
        coupon: str | None = entry.get("coupon")
        code: str | None = entry.get("promotion_code")
        if (coupon is None) == (code is None):
            raise InvalidRequestError(
                f"Give exactly one of {param}[{n}][coupon] and {param}[{n}][promotion_code].",
                code="parameters_exclusive" if coupon else "parameter_missing",
                param=f"{param}[{n}][coupon]",
            )
        if code is not None:
            promo = check_promotion_code(
                ctx, code, customer_id=sub.customer, amount=amount, currency=sub.currency,
                param=f"{param}[{n}][promotion_code]",
            )  # fmt: skip
            out.append({"coupon": None, "promotion_code": promo.id})
        elif coupon is not None:
            found = redeemable_coupon(ctx, coupon, param=f"{param}[{n}][coupon]", currency=sub.currency)
            out.append({"coupon": found.id, "promotion_code": None})
    return out


def _update_confirm(
    ctx: Ctx, features: dict[str, Any], sub: PortalSubscription, given: dict[str, Any]
) -> dict[str, Any]:
    kind = "subscription_update_confirm"
    prices = configured_prices(ctx, features)
    changes = [ItemChange(i["id"], i.get("price"), i.get("quantity")) for i in given["items"]]
    plan = policy.plan_change(features, sub, prices, changes, ctx.clock.now())
    if isinstance(plan, Denied):
        param = f"{_F}[{kind}][subscription]"
        if plan.item is not None:
            param = f"{_F}[{kind}][items][{plan.item}][{plan.field}]"
        elif not changes:
            param = f"{_F}[{kind}][items]"
        raise _denied(kind, features, plan, param)
    current = {i.id: i for i in sub.items}
    amount = 0
    for change in plan.changes:
        price = prices.get(change.price or "", current[change.id].price)
        amount += (price.unit_amount or 0) * (change.quantity or 0)
    return {
        "discounts": _discounts(ctx, sub, given.get("discounts"), amount),
        "items": [{"id": i["id"], "price": i.get("price"), "quantity": i.get("quantity")} for i in given["items"]],
        "subscription": sub.id,
    }


def build_flow(
    ctx: Ctx, features: dict[str, Any], customer_id: str, data: dict[str, Any],
    *, on_behalf_of: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The session's ``flow`` for ``flow_data`` under a configuration's ``features``, or a 400."""
    _check_parts(data)
    kind: str = data["type"]
    flow: dict[str, Any] = {
        "after_completion": _after_completion(data.get("after_completion")),
        "customer_update": None,
        "subscription_cancel": None,
        "subscription_pause": None,
        "subscription_update": None,
        "subscription_update_confirm": None,
        "type": kind,
    }
    if kind == "payment_method_update" and not policy.payment_methods_visible(features):
        raise _refuse(kind, "payment method updates are not enabled in this portal configuration.", f"{_F}[type]")
    if kind == "customer_update":
        if not policy.customer_fields(features):
            raise _refuse(kind, "customer updates are not enabled in this portal configuration.", f"{_F}[type]")
        flow["customer_update"] = {}
    if kind not in _SUBSCRIPTION_FLOWS:
        return flow
    given = data[kind]
    sub = _subscription(ctx, kind, given["subscription"], customer_id, on_behalf_of)
    now = ctx.clock.now()
    param = f"{_F}[{kind}][subscription]"
    if kind == "subscription_cancel":
        flow[kind] = _cancel(ctx, features, sub, given)
    elif kind == "subscription_update":
        _check(kind, features, policy.update_option(features, sub, configured_prices(ctx, features), now), param)
        flow[kind] = {"subscription": sub.id}
    elif kind == "subscription_pause":
        _check(kind, features, policy.pause_option(features, sub, now), param)
        flow[kind] = {"subscription": sub.id}
    else:
        flow[kind] = _update_confirm(ctx, features, sub, given)
    return flow
