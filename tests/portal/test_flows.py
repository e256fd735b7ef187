"""``flow_data``: every flow type, checked against the configuration and the subscription."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.portal.helpers import portal_shape_problems, subscribed, switching_configuration
from tests.support import Account, LiveServer

HOMEPAGE = {"hosted_confirmation": None, "redirect": None, "type": "portal_homepage"}


def _flow(session: stripe.billing_portal.Session) -> dict[str, Any]:
    assert session.flow is not None
    flow: dict[str, Any] = session.flow.to_dict()
    return flow


def _refused(**params: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.billing_portal.Session.create(**params)
    return err.value


def _blank(**features: Any) -> stripe.billing_portal.Configuration:
    body: Any = {"invoice_history": {"enabled": False}, **features}
    return stripe.billing_portal.Configuration.create(features=body)


def test_payment_method_update_flow(api: Account) -> None:
    customer = stripe.Customer.create()
    session = stripe.billing_portal.Session.create(customer=customer.id, flow_data={"type": "payment_method_update"})
    assert _flow(session) == {
        "after_completion": HOMEPAGE,
        "customer_update": None,
        "subscription_cancel": None,
        "subscription_pause": None,
        "subscription_update": None,
        "subscription_update_confirm": None,
        "type": "payment_method_update",
    }
    assert portal_shape_problems(session, "billing_portal.Session") == []
    off = _blank()
    error = _refused(customer=customer.id, configuration=off.id, flow_data={"type": "payment_method_update"})
    assert (error.http_status, error.param) == (400, "flow_data[type]")


def test_customer_update_flow(api: Account) -> None:
    customer = stripe.Customer.create()
    session = stripe.billing_portal.Session.create(customer=customer.id, flow_data={"type": "customer_update"})
    assert _flow(session)["customer_update"] == {}
    off = _blank(customer_update={"enabled": True, "allowed_updates": ""})
    error = _refused(customer=customer.id, configuration=off.id, flow_data={"type": "customer_update"})
    assert error.param == "flow_data[type]"


@pytest.mark.parametrize(
    ("after_completion", "expected"),
    [
        ({"type": "portal_homepage"}, HOMEPAGE),
        (
            {"type": "hosted_confirmation"},
            {"hosted_confirmation": {"custom_message": None}, "redirect": None, "type": "hosted_confirmation"},
        ),
        (
            {"type": "hosted_confirmation", "hosted_confirmation": {"custom_message": "Thanks!"}},
            {"hosted_confirmation": {"custom_message": "Thanks!"}, "redirect": None, "type": "hosted_confirmation"},
        ),
        (
            {"type": "redirect", "redirect": {"return_url": "https://example.com/done"}},
            {"hosted_confirmation": None, "redirect": {"return_url": "https://example.com/done"}, "type": "redirect"},
        ),
    ],
)
def test_after_completion(api: Account, after_completion: Any, expected: dict[str, Any]) -> None:
    customer = stripe.Customer.create()
    flow: Any = {"type": "payment_method_update", "after_completion": after_completion}
    session = stripe.billing_portal.Session.create(customer=customer.id, flow_data=flow)
    assert _flow(session)["after_completion"] == expected


def test_subscription_cancel_flow(api: Account) -> None:
    customer, sub = subscribed()
    flow: Any = {"type": "subscription_cancel", "subscription_cancel": {"subscription": sub.id}}
    session = stripe.billing_portal.Session.create(customer=customer.id, flow_data=flow)
    assert _flow(session)["subscription_cancel"] == {"retention": None, "subscription": sub.id}
    assert portal_shape_problems(session, "billing_portal.Session") == []


def test_cancel_flow_with_a_retention_coupon(api: Account) -> None:
    customer, sub = subscribed()
    coupon = stripe.Coupon.create(percent_off=25, duration="repeating", duration_in_months=3)
    flow: Any = {
        "type": "subscription_cancel",
        "subscription_cancel": {
            "subscription": sub.id,
            "retention": {"type": "coupon_offer", "coupon_offer": {"coupon": coupon.id}},
        },
    }
    session = stripe.billing_portal.Session.create(customer=customer.id, flow_data=flow)
    assert _flow(session)["subscription_cancel"]["retention"] == {
        "coupon_offer": {"coupon": coupon.id},
        "type": "coupon_offer",
    }
    param = "flow_data[subscription_cancel][retention][coupon_offer][coupon]"
    flow["subscription_cancel"]["retention"]["coupon_offer"]["coupon"] = "no_such_coupon"
    error = _refused(customer=customer.id, flow_data=flow)
    assert (error.http_status, error.code, error.param) == (404, "resource_missing", param)
    euros = stripe.Coupon.create(amount_off=500, currency="eur", duration="once")
    flow["subscription_cancel"]["retention"]["coupon_offer"]["coupon"] = euros.id
    error = _refused(customer=customer.id, flow_data=flow)
    assert (error.http_status, error.param) == (400, param)
    stripe.Coupon.delete(coupon.id)
    flow["subscription_cancel"]["retention"]["coupon_offer"]["coupon"] = coupon.id
    assert _refused(customer=customer.id, flow_data=flow).http_status == 404


def test_cancel_flow_refusals(server: LiveServer, api: Account) -> None:
    customer, sub = subscribed()
    flow: Any = {"type": "subscription_cancel", "subscription_cancel": {"subscription": sub.id}}
    param = "flow_data[subscription_cancel][subscription]"
    stripe.billing_portal.Session.create(customer=customer.id)  # the seed becomes the default
    # Cancellations off in the configuration.
    off = _blank()
    error = _refused(customer=customer.id, configuration=off.id, flow_data=flow)
    assert (error.http_status, error.param) == (400, "flow_data[type]")
    assert "subscription_cancel" in str(error.user_message)
    # Another customer's subscription.
    other = stripe.Customer.create()
    error = _refused(customer=other.id, flow_data=flow)
    assert (error.http_status, error.param) == (400, param)
    # No such subscription.
    flow["subscription_cancel"]["subscription"] = "sub_missing"
    error = _refused(customer=customer.id, flow_data=flow)
    assert (error.http_status, error.code, error.param) == (404, "resource_missing", param)
    # Already set to cancel at the end of the period (the seed cancels at period end).
    flow["subscription_cancel"]["subscription"] = sub.id
    stripe.Subscription.modify(sub.id, cancel_at_period_end=True)
    assert _refused(customer=customer.id, flow_data=flow).param == param
    # Canceled.
    stripe.Subscription.cancel(sub.id)
    error = _refused(customer=customer.id, flow_data=flow)
    assert (error.http_status, error.param) == (400, param)
    # Another account's subscription does not exist here.
    stranger = server.new_account()
    error = _refused(customer=customer.id, flow_data=flow, api_key=stranger.key)
    assert (error.http_status, error.param) == (404, "customer")


def test_subscription_update_flow(api: Account) -> None:
    basic, pro = monthly_price(1_000, name="Basic"), monthly_price(2_000, name="Pro")
    customer, sub = subscribed(basic)
    flow: Any = {"type": "subscription_update", "subscription_update": {"subscription": sub.id}}
    # The seed does not allow updates.
    assert _refused(customer=customer.id, flow_data=flow).param == "flow_data[type]"
    configuration = switching_configuration(basic, pro)
    session = stripe.billing_portal.Session.create(customer=customer.id, configuration=configuration.id, flow_data=flow)
    assert _flow(session)["subscription_update"] == {"subscription": sub.id}
    # A product the configuration does not list leaves nothing to change.
    other = monthly_price(3_000, name="Other")
    unlisted = switching_configuration(other)
    error = _refused(customer=customer.id, configuration=unlisted.id, flow_data=flow)
    assert error.param == "flow_data[subscription_update][subscription]"


def test_subscription_update_confirm_flow(api: Account) -> None:
    basic, pro = monthly_price(1_000, name="Basic"), monthly_price(2_000, name="Pro")
    customer, sub = subscribed(basic)
    item = sub["items"].data[0].id
    configuration = switching_configuration(basic, pro)
    coupon = stripe.Coupon.create(percent_off=10, duration="once")
    flow: Any = {
        "type": "subscription_update_confirm",
        "subscription_update_confirm": {
            "subscription": sub.id,
            "items": [{"id": item, "price": pro.id, "quantity": 2}],
            "discounts": [{"coupon": coupon.id}],
        },
        "after_completion": {"type": "redirect", "redirect": {"return_url": "https://example.com/thanks"}},
    }
    session = stripe.billing_portal.Session.create(customer=customer.id, configuration=configuration.id, flow_data=flow)
    assert _flow(session)["subscription_update_confirm"] == {
        "discounts": [{"coupon": coupon.id, "promotion_code": None}],
        "items": [{"id": item, "price": pro.id, "quantity": 2}],
        "subscription": sub.id,
    }
    promo = stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id}, code="SPRING")
    flow["subscription_update_confirm"]["discounts"] = [{"promotion_code": promo.id}]
    session = stripe.billing_portal.Session.create(customer=customer.id, configuration=configuration.id, flow_data=flow)
    assert _flow(session)["subscription_update_confirm"]["discounts"] == [{"coupon": None, "promotion_code": promo.id}]
    del flow["subscription_update_confirm"]["discounts"]
    session = stripe.billing_portal.Session.create(customer=customer.id, configuration=configuration.id, flow_data=flow)
    assert _flow(session)["subscription_update_confirm"]["discounts"] is None


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"id": "si_missing", "price": "PRO"}, "[items][0][id]"),
        ({"id": "ITEM", "price": "OTHER"}, "[items][0][price]"),
        ({"id": "ITEM"}, "[items][0][price]"),
        ({"id": "ITEM", "quantity": 0}, "[items][0][quantity]"),
    ],
)
def test_update_confirm_checks_each_item(api: Account, change: dict[str, Any], param: str) -> None:
    basic, pro, other = monthly_price(1_000, name="Basic"), monthly_price(2_000, name="Pro"), monthly_price(9_00)
    customer, sub = subscribed(basic)
    configuration = switching_configuration(basic, pro)
    names = {"ITEM": sub["items"].data[0].id, "PRO": pro.id, "OTHER": other.id}
    item = {key: names.get(value, value) if isinstance(value, str) else value for key, value in change.items()}
    flow: Any = {
        "type": "subscription_update_confirm",
        "subscription_update_confirm": {"subscription": sub.id, "items": [item]},
    }
    error = _refused(customer=customer.id, configuration=configuration.id, flow_data=flow)
    assert (error.http_status, error.param) == (400, f"flow_data[subscription_update_confirm]{param}")


def test_update_confirm_discount_rules(api: Account) -> None:
    basic, pro = monthly_price(1_000, name="Basic"), monthly_price(2_000, name="Pro")
    customer, sub = subscribed(basic)
    configuration = switching_configuration(basic, pro)
    one, two = (stripe.Coupon.create(percent_off=n, duration="once") for n in (5, 10))
    confirm: Any = {"subscription": sub.id, "items": [{"id": sub["items"].data[0].id, "price": pro.id}]}
    flow: Any = {"type": "subscription_update_confirm", "subscription_update_confirm": confirm}
    param = "flow_data[subscription_update_confirm][discounts]"
    confirm["discounts"] = [{"coupon": one.id}, {"coupon": two.id}]
    assert _refused(customer=customer.id, configuration=configuration.id, flow_data=flow).param == param
    confirm["discounts"] = [{"coupon": one.id, "promotion_code": "promo_x"}]
    error = _refused(customer=customer.id, configuration=configuration.id, flow_data=flow)
    assert (error.code, error.param) == ("parameters_exclusive", f"{param}[0][coupon]")
    confirm["discounts"] = [{"promotion_code": "promo_missing"}]
    error = _refused(customer=customer.id, configuration=configuration.id, flow_data=flow)
    assert (error.http_status, error.param) == (404, f"{param}[0][promotion_code]")


def test_subscription_pause_flow(api: Account) -> None:
    price = monthly_price(1_000)
    customer, sub = subscribed(price)
    flow: Any = {"type": "subscription_pause", "subscription_pause": {"subscription": sub.id}}
    assert _refused(customer=customer.id, flow_data=flow).param == "flow_data[type]"
    configuration = switching_configuration(price)
    session = stripe.billing_portal.Session.create(customer=customer.id, configuration=configuration.id, flow_data=flow)
    assert _flow(session)["subscription_pause"] == {"subscription": sub.id}
    stripe.Subscription.modify(sub.id, pause_collection={"behavior": "void"})
    error = _refused(customer=customer.id, configuration=configuration.id, flow_data=flow)
    assert error.param == "flow_data[subscription_pause][subscription]"


def test_on_behalf_of_limits_the_subscriptions(server: LiveServer, api: Account) -> None:
    connected = server.new_account("Connected Ltd.", parent_id=api.id)
    customer = customer_with_card()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_000).id}])
    flow: Any = {"type": "subscription_cancel", "subscription_cancel": {"subscription": sub.id}}
    error = _refused(customer=customer.id, on_behalf_of=connected.id, flow_data=flow)
    assert error.param == "flow_data[subscription_cancel][subscription]"
