"""Every portal parameter's bad input names its code and param."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.billing.helpers import monthly_price
from tests.support import Account, LiveServer

OK: Any = {"invoice_history": {"enabled": True}}


def _error(call: Any, *args: Any, **params: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(*args, **params)
    return err.value


def _fill(value: Any, names: dict[str, str]) -> Any:
    """Replace ``"{name}"`` placeholders with the ids made for the test."""
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return names[value[1:-1]]
    return value


@pytest.fixture
def names(api: Account) -> dict[str, str]:
    basic = monthly_price(1_000, name="Basic")
    other = monthly_price(2_000, name="Other")
    one_time = stripe.Price.create(unit_amount=500, currency="usd", product=str(basic.product))
    archived = stripe.Price.create(
        unit_amount=700, currency="usd", recurring={"interval": "month"}, product=str(basic.product)
    )
    stripe.Price.modify(archived.id, active=False)
    return {
        "product": str(basic.product),
        "price": basic.id,
        "other_price": other.id,
        "one_time": one_time.id,
        "archived": archived.id,
    }


def _update(**fields: Any) -> dict[str, Any]:
    return {"subscription_update": {"enabled": True, **fields}}


def _products(*prices: str, **extra: Any) -> list[dict[str, Any]]:
    return [{"product": "{product}", "prices": list(prices), **extra}]


_UPD = "features[subscription_update]"
_CANCEL = "features[subscription_cancel]"
# fmt: off
_CONFIG_CREATE: list[tuple[dict[str, Any], str | None, str]] = [
    ({}, "parameter_missing", "features"),
    ({"features": OK, "colour": "red"}, "parameter_unknown", "colour"),
    ({"features": OK, "is_default": True}, "parameter_unknown", "is_default"),
    ({"features": OK, "active": False}, "parameter_unknown", "active"),
    ({"features": {"colour": {"enabled": True}}}, "parameter_unknown", "features[colour]"),
    ({"features": OK, "business_profile": {"headline": "h" * 61}}, "parameter_invalid_string_too_long", "business_profile[headline]"),  # noqa: E501
    ({"features": OK, "business_profile": {"privacy_policy_url": "nope"}}, "url_invalid", "business_profile[privacy_policy_url]"),  # noqa: E501
    ({"features": OK, "business_profile": {"terms_of_service_url": ""}}, "parameter_invalid_empty", "business_profile[terms_of_service_url]"),  # noqa: E501
    ({"features": OK, "default_return_url": "ftp://example.com"}, "url_invalid", "default_return_url"),
    ({"features": OK, "login_page": "on"}, "parameter_invalid_object", "login_page"),
    ({"features": OK, "login_page": {"enabled": True, "url": "https://example.com"}}, "parameter_unknown", "login_page[url]"),  # noqa: E501
    ({"features": OK, "login_page": {"enabled": "maybe"}}, "parameter_invalid_boolean", "login_page[enabled]"),
    ({"features": OK, "metadata": {f"k{n}": "v" for n in range(51)}}, "parameter_invalid_metadata", "metadata"),
    ({"features": OK, "name": "n" * 5001}, "parameter_invalid_string_too_long", "name"),
    ({"features": {"customer_update": {"allowed_updates": ["email"]}}}, "parameter_missing", "features[customer_update][enabled]"),  # noqa: E501
    ({"features": {"customer_update": {"enabled": True, "allowed_updates": ["birthday"]}}}, "parameter_invalid_enum", "features[customer_update][allowed_updates][0]"),  # noqa: E501
    ({"features": {"invoice_history": {"enabled": "maybe"}}}, "parameter_invalid_boolean", "features[invoice_history][enabled]"),  # noqa: E501
    ({"features": {"payment_method_update": {"enabled": True, "payment_method_configuration": "pmc_1"}}}, "resource_missing", "features[payment_method_update][payment_method_configuration]"),  # noqa: E501
    ({"features": {"subscription_cancel": {"mode": "immediately"}}}, "parameter_missing", f"{_CANCEL}[enabled]"),
    ({"features": {"subscription_cancel": {"enabled": True, "mode": "later"}}}, "parameter_invalid_enum", f"{_CANCEL}[mode]"),  # noqa: E501
    ({"features": {"subscription_cancel": {"enabled": True, "proration_behavior": "always_invoice", "mode": "immediately"}}}, None, f"{_CANCEL}[proration_behavior]"),  # noqa: E501
    ({"features": {"subscription_cancel": {"enabled": True, "proration_behavior": "create_prorations"}}}, None, f"{_CANCEL}[proration_behavior]"),  # noqa: E501
    ({"features": {"subscription_cancel": {"enabled": True, "cancellation_reason": {"enabled": True}}}}, "parameter_missing", f"{_CANCEL}[cancellation_reason][options]"),  # noqa: E501
    ({"features": {"subscription_cancel": {"enabled": True, "cancellation_reason": {"enabled": True, "options": ""}}}}, None, f"{_CANCEL}[cancellation_reason][options]"),  # noqa: E501
    ({"features": {"subscription_cancel": {"enabled": True, "cancellation_reason": {"enabled": True, "options": ["bored"]}}}}, "parameter_invalid_enum", f"{_CANCEL}[cancellation_reason][options][0]"),  # noqa: E501
    ({"features": {"subscription_cancel": {"enabled": True, "cancellation_reason": {"enabled": True, "options": ["other"], "feedback_options": ["bfo_1"]}}}}, "resource_missing", f"{_CANCEL}[cancellation_reason][feedback_options][0]"),  # noqa: E501
    ({"features": {"subscription_cancel": {"enabled": True, "retention": {"enabled": True}}}}, "parameter_missing", f"{_CANCEL}[retention][coupon]"),  # noqa: E501
    ({"features": {"subscription_cancel": {"enabled": True, "retention": {"enabled": True, "coupon": "nope"}}}}, "resource_missing", f"{_CANCEL}[retention][coupon]"),  # noqa: E501
    ({"features": {"subscription_pause": {"enabled": True, "duration": {"interval_options": [{"interval": "month"}]}}}}, "parameter_missing", "features[subscription_pause][duration][type]"),  # noqa: E501
    ({"features": {"subscription_pause": {"enabled": True, "duration": {"type": "interval_options"}}}}, None, "features[subscription_pause][duration][interval_options]"),  # noqa: E501
    ({"features": {"subscription_pause": {"enabled": True, "duration": {"type": "indefinite", "interval_options": [{"interval": "day"}]}}}}, None, "features[subscription_pause][duration][interval_options]"),  # noqa: E501
    ({"features": {"subscription_pause": {"enabled": True, "duration": {"type": "interval_options", "interval_options": [{"interval": "fortnight"}]}}}}, "parameter_invalid_enum", "features[subscription_pause][duration][interval_options][0][interval]"),  # noqa: E501
    ({"features": {"subscription_pause": {"enabled": True, "duration": {"type": "interval_options", "interval_options": [{"interval": "day", "interval_count": 0}]}}}}, "parameter_invalid_integer", "features[subscription_pause][duration][interval_options][0][interval_count]"),  # noqa: E501
    ({"features": {"subscription_pause": {"enabled": True, "duration": {"type": "interval_options", "interval_options": [{"interval": "day"}, {"interval": "day", "interval_count": 1}]}}}}, None, "features[subscription_pause][duration][interval_options][1]"),  # noqa: E501
    ({"features": {"subscription_update": {"default_allowed_updates": ["price"]}}}, "parameter_missing", f"{_UPD}[enabled]"),  # noqa: E501
    ({"features": _update(default_allowed_updates=["plan"])}, "parameter_invalid_enum", f"{_UPD}[default_allowed_updates][0]"),  # noqa: E501
    ({"features": _update(default_allowed_updates=["price"])}, None, f"{_UPD}[products]"),
    ({"features": _update(default_allowed_updates=["price"], products="")}, None, f"{_UPD}[products]"),
    ({"features": _update(products=[{"product": "{product}", "prices": ["{price}"]}] * 11)}, "parameter_invalid_array", f"{_UPD}[products]"),  # noqa: E501
    ({"features": _update(products=[{"prices": ["{price}"]}])}, "parameter_missing", f"{_UPD}[products][0][product]"),
    ({"features": _update(products=[{"product": "{product}"}])}, "parameter_missing", f"{_UPD}[products][0][prices]"),
    ({"features": _update(products=[{"product": "{product}", "prices": ""}])}, None, f"{_UPD}[products][0][prices]"),
    ({"features": _update(products=[{"product": "prod_missing", "prices": ["{price}"]}])}, "resource_missing", f"{_UPD}[products][0][product]"),  # noqa: E501
    ({"features": _update(products=_products("{price}", "price_missing"))}, "resource_missing", f"{_UPD}[products][0][prices][1]"),  # noqa: E501
    ({"features": _update(products=_products("{price}", "{other_price}"))}, None, f"{_UPD}[products][0][prices][1]"),
    ({"features": _update(products=_products("{one_time}"))}, None, f"{_UPD}[products][0][prices][0]"),
    ({"features": _update(products=_products("{archived}"))}, None, f"{_UPD}[products][0][prices][0]"),
    ({"features": _update(products=[*_products("{price}"), *_products("{price}")])}, None, f"{_UPD}[products][1][product]"),  # noqa: E501
    ({"features": _update(products=_products("{price}", adjustable_quantity={"enabled": True, "minimum": 5, "maximum": 2}))}, None, f"{_UPD}[products][0][adjustable_quantity][minimum]"),  # noqa: E501
    ({"features": _update(products=_products("{price}", adjustable_quantity={"enabled": True, "maximum": 0}))}, "parameter_invalid_integer", f"{_UPD}[products][0][adjustable_quantity][maximum]"),  # noqa: E501
    ({"features": _update(products=_products("{price}", adjustable_quantity={"enabled": True, "minimum": -1}))}, "parameter_invalid_integer", f"{_UPD}[products][0][adjustable_quantity][minimum]"),  # noqa: E501
    ({"features": _update(products=_products("{price}", adjustable_quantity={"maximum": 3}))}, "parameter_missing", f"{_UPD}[products][0][adjustable_quantity][enabled]"),  # noqa: E501
    ({"features": _update(proration_behavior="sometimes")}, "parameter_invalid_enum", f"{_UPD}[proration_behavior]"),
    ({"features": _update(schedule_at_period_end={"conditions": [{"type": "cheaper"}]})}, "parameter_invalid_enum", f"{_UPD}[schedule_at_period_end][conditions][0][type]"),  # noqa: E501
    ({"features": _update(billing_cycle_anchor="later")}, "parameter_invalid_enum", f"{_UPD}[billing_cycle_anchor]"),
    ({"features": _update(trial_update_behavior="pause")}, "parameter_invalid_enum", f"{_UPD}[trial_update_behavior]"),
]
# fmt: on


@pytest.mark.parametrize(("params", "code", "param"), _CONFIG_CREATE)
def test_configuration_create_bad_input(
    names: dict[str, str], params: dict[str, Any], code: str | None, param: str
) -> None:
    error = _error(stripe.billing_portal.Configuration.create, **_fill(params, names))
    assert (error.code, error.param) == (code, param)
    assert error.http_status == (404 if code == "resource_missing" else 400)


# fmt: off
_CONFIG_UPDATE: list[tuple[dict[str, Any], str | None, str]] = [
    ({"active": "perhaps"}, "parameter_invalid_boolean", "active"),
    ({"features": {"payment_method_update": {"payment_method_configuration": ""}}}, "parameter_missing", "features[payment_method_update][enabled]"),  # noqa: E501
    ({"features": {"subscription_cancel": {"cancellation_reason": {"options": ["other"]}}}}, "parameter_missing", f"{_CANCEL}[cancellation_reason][enabled]"),  # noqa: E501
    # create_prorations stays only valid with immediately, whichever of the two changes.
    ({"features": {"subscription_cancel": {"mode": "at_period_end"}}}, None, f"{_CANCEL}[mode]"),
    ({"features": {"subscription_update": {"default_allowed_updates": ["price"], "enabled": True}}}, None, f"{_UPD}[products]"),  # noqa: E501
    ({"features": {"subscription_update": {"schedule_at_period_end": {"conditions": [{"type": ""}]}}}}, "parameter_invalid_empty", f"{_UPD}[schedule_at_period_end][conditions][0][type]"),  # noqa: E501
    ({"business_profile": {"headline": "x" * 61}}, "parameter_invalid_string_too_long", "business_profile[headline]"),
    ({"default_return_url": "example.com"}, "url_invalid", "default_return_url"),
    ({"login_page": {"enabled": ""}}, "parameter_invalid_empty", "login_page[enabled]"),
    ({"metadata": {"k" * 41: "v"}}, "parameter_invalid_metadata", f"metadata[{'k' * 41}]"),
]
# fmt: on


@pytest.mark.parametrize(("params", "code", "param"), _CONFIG_UPDATE)
def test_configuration_update_bad_input(api: Account, params: dict[str, Any], code: str | None, param: str) -> None:
    cancel: Any = {
        "subscription_cancel": {"enabled": True, "mode": "immediately", "proration_behavior": "create_prorations"}
    }
    configuration = stripe.billing_portal.Configuration.create(features=cancel)
    error = _error(stripe.billing_portal.Configuration.modify, configuration.id, **params)
    assert (error.http_status, error.code, error.param) == (400, code, param)


def test_unknown_configuration(api: Account) -> None:
    for call in (stripe.billing_portal.Configuration.retrieve, stripe.billing_portal.Configuration.modify):
        error = _error(call, "bpc_missing")
        assert (error.http_status, error.code, error.param) == (404, "resource_missing", "configuration")


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"limit": 0}, "parameter_invalid_integer", "limit"),
        ({"limit": 101}, "parameter_invalid_integer", "limit"),
        ({"is_default": "maybe"}, "parameter_invalid_boolean", "is_default"),
        ({"active": "maybe"}, "parameter_invalid_boolean", "active"),
        ({"starting_after": "bpc_missing"}, "resource_missing", "starting_after"),
        ({"type": "all"}, "parameter_unknown", "type"),
    ],
)
def test_configuration_list_bad_input(api: Account, params: dict[str, Any], code: str, param: str) -> None:
    error = _error(stripe.billing_portal.Configuration.list, **params)
    assert (error.code, error.param) == (code, param)


_AC = "flow_data[after_completion]"
# fmt: off
_SESSION: list[tuple[dict[str, Any], str | None, str]] = [
    ({}, "parameter_missing", "customer"),
    ({"customer": "{customer}", "colour": "red"}, "parameter_unknown", "colour"),
    ({"customer_account": "acct_123"}, None, "customer_account"),
    ({"customer": "{customer}", "customer_account": "acct_123"}, None, "customer_account"),
    ({"customer": "cus_missing"}, "resource_missing", "customer"),
    ({"customer": ""}, "parameter_invalid_empty", "customer"),
    ({"customer": "{customer}", "configuration": "bpc_missing"}, "resource_missing", "configuration"),
    ({"customer": "{customer}", "configuration": "{inactive}"}, None, "configuration"),
    ({"customer": "{customer}", "locale": "xx"}, "parameter_invalid_enum", "locale"),
    ({"customer": "{customer}", "locale": "en-US"}, "parameter_invalid_enum", "locale"),
    ({"customer": "{customer}", "return_url": "not a url"}, "url_invalid", "return_url"),
    ({"customer": "{customer}", "on_behalf_of": "acct_stranger"}, None, "on_behalf_of"),
    ({"customer": "{customer}", "after_expiration": {"customer_login": {"expires_at": 9_999_999_999}}}, "parameter_missing", "after_expiration[type]"),  # noqa: E501
    ({"customer": "{customer}", "after_expiration": {"type": "email"}}, "parameter_invalid_enum", "after_expiration[type]"),  # noqa: E501
    ({"customer": "{customer}", "after_expiration": {"type": "customer_login", "customer_login": {"expires_at": 1}}}, None, "after_expiration[customer_login][expires_at]"),  # noqa: E501
    ({"customer": "{customer}", "flow_data": {"after_completion": {"type": "redirect"}}}, "parameter_missing", "flow_data[type]"),  # noqa: E501
    ({"customer": "{customer}", "flow_data": {"type": "invoice_history"}}, "parameter_invalid_enum", "flow_data[type]"),
    ({"customer": "{customer}", "flow_data": {"type": "subscription_cancel"}}, "parameter_missing", "flow_data[subscription_cancel]"),  # noqa: E501
    ({"customer": "{customer}", "flow_data": {"type": "subscription_cancel", "subscription_cancel": {"retention": {"type": "coupon_offer", "coupon_offer": {"coupon": "c"}}}}}, "parameter_missing", "flow_data[subscription_cancel][subscription]"),  # noqa: E501
    ({"customer": "{customer}", "flow_data": {"type": "payment_method_update", "subscription_update": {"subscription": "sub_1"}}}, None, "flow_data[subscription_update]"),  # noqa: E501
    ({"customer": "{customer}", "flow_data": {"type": "subscription_cancel", "subscription_cancel": {"subscription": "sub_1", "retention": {"type": "coupon_offer"}}}}, "parameter_missing", "flow_data[subscription_cancel][retention][coupon_offer]"),  # noqa: E501
    ({"customer": "{customer}", "flow_data": {"type": "subscription_update_confirm", "subscription_update_confirm": {"subscription": "sub_1"}}}, "parameter_missing", "flow_data[subscription_update_confirm][items]"),  # noqa: E501
    ({"customer": "{customer}", "flow_data": {"type": "subscription_update_confirm", "subscription_update_confirm": {"subscription": "sub_1", "items": [{"price": "p"}]}}}, "parameter_missing", "flow_data[subscription_update_confirm][items][0][id]"),  # noqa: E501
    ({"customer": "{customer}", "flow_data": {"type": "subscription_update_confirm", "subscription_update_confirm": {"subscription": "sub_1", "items": [{"id": "si_1", "quantity": -1}]}}}, "parameter_invalid_integer", "flow_data[subscription_update_confirm][items][0][quantity]"),  # noqa: E501
    ({"customer": "{customer}", "flow_data": {"type": "payment_method_update", "after_completion": {"type": "redirect"}}}, "parameter_missing", f"{_AC}[redirect]"),  # noqa: E501
    ({"customer": "{customer}", "flow_data": {"type": "payment_method_update", "after_completion": {"type": "redirect", "redirect": {"return_url": "nowhere"}}}}, "url_invalid", f"{_AC}[redirect][return_url]"),  # noqa: E501
    ({"customer": "{customer}", "flow_data": {"type": "payment_method_update", "after_completion": {"type": "portal_homepage", "redirect": {"return_url": "https://example.com"}}}}, None, f"{_AC}[redirect]"),  # noqa: E501
    ({"customer": "{customer}", "flow_data": {"type": "payment_method_update", "after_completion": {"type": "redirect", "redirect": {"return_url": "https://example.com"}, "hosted_confirmation": {"custom_message": "Hi"}}}}, None, f"{_AC}[hosted_confirmation]"),  # noqa: E501
    ({"customer": "{customer}", "flow_data": {"type": "payment_method_update", "after_completion": {"type": "hosted_confirmation", "hosted_confirmation": {"custom_message": "m" * 501}}}}, "parameter_invalid_string_too_long", f"{_AC}[hosted_confirmation][custom_message]"),  # noqa: E501
    ({"customer": "{customer}", "flow_data": {"type": "payment_method_update", "after_completion": {"type": "home"}}}, "parameter_invalid_enum", f"{_AC}[type]"),  # noqa: E501
]
# fmt: on


@pytest.mark.parametrize(("params", "code", "param"), _SESSION)
def test_session_create_bad_input(
    server: LiveServer, api: Account, params: dict[str, Any], code: str | None, param: str
) -> None:
    customer = stripe.Customer.create()
    stripe.billing_portal.Session.create(customer=customer.id)  # the seed default first
    inactive = stripe.billing_portal.Configuration.create(features=OK)
    stripe.billing_portal.Configuration.modify(inactive.id, active=False)
    names = {"customer": customer.id, "inactive": inactive.id}
    error = _error(stripe.billing_portal.Session.create, **_fill(params, names))
    assert (error.code, error.param) == (code, param)
    assert error.http_status == (404 if code == "resource_missing" else 400)


def test_a_customer_of_another_account_is_missing(server: LiveServer, api: Account) -> None:
    stranger = server.new_account()
    theirs = stripe.Customer.create(api_key=stranger.key)
    error = _error(stripe.billing_portal.Session.create, customer=theirs.id)
    assert (error.http_status, error.code, error.param) == (404, "resource_missing", "customer")
    deleted = stripe.Customer.create()
    stripe.Customer.delete(deleted.id)
    error = _error(stripe.billing_portal.Session.create, customer=deleted.id)
    assert (error.http_status, error.param) == (404, "customer")


def test_an_account_that_is_not_connected(server: LiveServer, api: Account) -> None:
    sibling = server.new_account()
    customer = stripe.Customer.create()
    error = _error(stripe.billing_portal.Session.create, customer=customer.id, on_behalf_of=sibling.id)
    assert (error.http_status, error.param) == (400, "on_behalf_of")
