"""Payment methods: every parameter's bad input names its code and param."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.support import Account

# (SDK call, positional args, keyword args, expected param)
Case = tuple[Any, tuple[str, ...], dict[str, Any], str]

_VISA = {"token": "tok_visa"}
_RAW = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030}
_LONG = "x" * 5001


def _error(call: Any, *args: Any, **kwargs: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(*args, **kwargs)
    return err.value


_BAD_CREATES: list[tuple[dict[str, Any], str | None, str]] = [
    ({"card": _VISA}, "parameter_missing", "type"),
    ({"type": "card"}, "parameter_missing", "card"),
    ({"type": ""}, "parameter_invalid_empty", "type"),
    ({"type": "bogus", "card": _VISA}, "parameter_invalid_enum", "type"),
    ({"type": "sepa_debit"}, "payment_method_unsupported_type", "type"),
    ({"type": "card", "card": _VISA, "colour": "red"}, "parameter_unknown", "colour"),
    ({"type": "card", "sepa_debit": {"iban": "x"}}, "parameter_unknown", "sepa_debit"),
    ({"type": "card", "card": "tok_visa"}, "parameter_invalid_object", "card"),
    ({"type": "card", "card": {"cvc": "123"}}, "parameter_missing", "card[number]"),
    ({"type": "card", "card": {"number": "4242424242424242"}}, "parameter_missing", "card[exp_month]"),
    ({"type": "card", "card": {"number": "4242424242424242", "exp_month": 1}}, "parameter_missing", "card[exp_year]"),
    ({"type": "card", "card": {**_RAW, "token": "tok_visa"}}, "parameters_exclusive", "card[number]"),
    ({"type": "card", "card": {**_RAW, "exp_month": "May"}}, "parameter_invalid_integer", "card[exp_month]"),
    ({"type": "card", "card": {**_RAW, "exp_year": "soon"}}, "parameter_invalid_integer", "card[exp_year]"),
    ({"type": "card", "card": {**_RAW, "cvc": ""}}, "parameter_invalid_empty", "card[cvc]"),
    ({"type": "card", "card": {**_RAW, "number": _LONG}}, "parameter_invalid_string_too_long", "card[number]"),
    ({"type": "card", "card": {**_RAW, "colour": "x"}}, "parameter_unknown", "card[colour]"),
    ({"type": "card", "card": {"token": ""}}, "parameter_invalid_empty", "card[token]"),
    ({"type": "card", "card": {"token": _LONG}}, "parameter_invalid_string_too_long", "card[token]"),
    (
        {"type": "card", "card": {**_VISA, "networks": {"preferred": "amex"}}},
        "parameter_invalid_enum",
        "card[networks][preferred]",
    ),
    ({"type": "card", "card": {**_RAW, "networks": {"preferred": "mastercard"}}}, None, "card[networks][preferred]"),
    ({"type": "card", "card": _VISA, "billing_details": "x"}, "parameter_invalid_object", "billing_details"),
    (
        {"type": "card", "card": _VISA, "billing_details": {"nickname": "x"}},
        "parameter_unknown",
        "billing_details[nickname]",
    ),
    (
        {"type": "card", "card": _VISA, "billing_details": {"name": _LONG}},
        "parameter_invalid_string_too_long",
        "billing_details[name]",
    ),
    (
        {"type": "card", "card": _VISA, "billing_details": {"address": {"street": "x"}}},
        "parameter_unknown",
        "billing_details[address][street]",
    ),
    (
        {"type": "card", "card": _VISA, "billing_details": {"address": {"city": _LONG}}},
        "parameter_invalid_string_too_long",
        "billing_details[address][city]",
    ),
    ({"type": "card", "card": _VISA, "allow_redisplay": "sometimes"}, "parameter_invalid_enum", "allow_redisplay"),
    (
        {"type": "card", "card": _VISA, "metadata": {"k" * 41: "v"}},
        "parameter_invalid_metadata",
        f"metadata[{'k' * 41}]",
    ),
    ({"type": "card", "card": _VISA, "metadata": {"k": "v" * 501}}, "parameter_invalid_metadata", "metadata[k]"),
    ({"type": "card", "card": _VISA, "metadata": "x"}, "parameter_invalid_object", "metadata"),
]


@pytest.mark.parametrize(("params", "code", "param"), _BAD_CREATES)
def test_bad_create(api: Account, params: dict[str, Any], code: str | None, param: str) -> None:
    err = _error(stripe.PaymentMethod.create, **params)
    assert err.http_status == 400
    assert (err.code, err.param) == (code, param)


def test_unknown_token_is_missing(api: Account) -> None:
    err = _error(stripe.PaymentMethod.create, type="card", card={"token": "tok_nope"})
    assert (err.http_status, err.code, err.param) == (404, "resource_missing", "card[token]")


_BAD_UPDATES: list[tuple[dict[str, Any], str | None, str]] = [
    ({"colour": "red"}, "parameter_unknown", "colour"),
    ({"card": {"cvc": "123"}}, "parameter_unknown", "card[cvc]"),
    ({"card": {"number": "4242424242424242"}}, "parameter_unknown", "card[number]"),
    ({"card": {"exp_month": "x"}}, "parameter_invalid_integer", "card[exp_month]"),
    ({"card": {"exp_year": ""}}, "parameter_invalid_empty", "card[exp_year]"),
    ({"card": "x"}, "parameter_invalid_object", "card"),
    ({"card": {"networks": {"preferred": "amex"}}}, "parameter_invalid_enum", "card[networks][preferred]"),
    ({"card": {"networks": {"preferred": "mastercard"}}}, None, "card[networks][preferred]"),
    ({"allow_redisplay": "never"}, "parameter_invalid_enum", "allow_redisplay"),
    ({"billing_details": {"email": _LONG}}, "parameter_invalid_string_too_long", "billing_details[email]"),
    ({"billing_details": {"phone": ["1"]}}, "parameter_invalid_string", "billing_details[phone]"),
    ({"metadata": {"k" * 41: "v"}}, "parameter_invalid_metadata", f"metadata[{'k' * 41}]"),
]


@pytest.mark.parametrize(("params", "code", "param"), _BAD_UPDATES)
def test_bad_update(api: Account, params: dict[str, Any], code: str | None, param: str) -> None:
    customer = stripe.Customer.create()
    pm = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    err = _error(stripe.PaymentMethod.modify, pm.id, **params)
    assert err.http_status == 400
    assert (err.code, err.param) == (code, param)


def test_bad_card_update_month(api: Account) -> None:
    pm = stripe.PaymentMethod.attach("pm_card_visa", customer=stripe.Customer.create().id)
    with pytest.raises(stripe.CardError) as err:
        stripe.PaymentMethod.modify(pm.id, card={"exp_month": 13})
    assert (err.value.code, err.value.param) == ("invalid_expiry_month", "card[exp_month]")


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({}, "parameter_missing", "customer"),
        ({"customer": ""}, "parameter_invalid_empty", "customer"),
        ({"customer": ["cus_1"]}, "parameter_invalid_string", "customer"),
        ({"customer": "cus_1", "colour": "red"}, "parameter_unknown", "colour"),
    ],
)
def test_bad_attach(api: Account, params: dict[str, Any], code: str, param: str) -> None:
    err = _error(stripe.PaymentMethod.attach, "pm_card_visa", **params)
    assert (err.http_status, err.code, err.param) == (400, code, param)


def test_missing_objects(api: Account) -> None:
    customer = stripe.Customer.create()
    cases: list[Case] = [
        (stripe.PaymentMethod.retrieve, ("pm_nope",), {}, "payment_method"),
        (stripe.PaymentMethod.attach, ("pm_nope",), {"customer": customer.id}, "payment_method"),
        (stripe.PaymentMethod.attach, ("pm_card_bogus",), {"customer": customer.id}, "payment_method"),
        (stripe.PaymentMethod.attach, ("pm_card_visa",), {"customer": "cus_nope"}, "customer"),
        (stripe.PaymentMethod.detach, ("pm_nope",), {}, "payment_method"),
        (stripe.PaymentMethod.modify, ("pm_nope",), {"metadata": {"a": "b"}}, "payment_method"),
        (stripe.Customer.list_payment_methods, ("cus_nope",), {}, "customer"),
        (stripe.Customer.retrieve_payment_method, (customer.id, "pm_nope"), {}, "payment_method"),
        (stripe.PaymentMethod.list, (), {"starting_after": "pm_nope"}, "starting_after"),
    ]
    for call, args, kwargs, param in cases:
        err = _error(call, *args, **kwargs)
        assert (err.http_status, err.code, err.param) == (404, "resource_missing", param), call


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"limit": 0}, "parameter_invalid_integer", "limit"),
        ({"limit": 101}, "parameter_invalid_integer", "limit"),
        ({"type": "bogus"}, "parameter_invalid_enum", "type"),
        ({"allow_redisplay": "x"}, "parameter_invalid_enum", "allow_redisplay"),
        ({"customer": ""}, "parameter_invalid_empty", "customer"),
        ({"created": 1}, "parameter_unknown", "created"),
        ({"colour": "red"}, "parameter_unknown", "colour"),
    ],
)
def test_bad_list(api: Account, params: dict[str, Any], code: str, param: str) -> None:
    err = _error(stripe.PaymentMethod.list, **params)
    assert (err.http_status, err.code, err.param) == (400, code, param)


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"type": "bogus"}, "parameter_invalid_enum", "type"),
        ({"allow_redisplay": "x"}, "parameter_invalid_enum", "allow_redisplay"),
        ({"customer": "cus_x"}, "parameter_unknown", "customer"),
        ({"limit": "many"}, "parameter_invalid_integer", "limit"),
    ],
)
def test_bad_customer_list(api: Account, params: dict[str, Any], code: str, param: str) -> None:
    customer = stripe.Customer.create()
    err = _error(stripe.Customer.list_payment_methods, customer.id, **params)
    assert (err.http_status, err.code, err.param) == (400, code, param)
