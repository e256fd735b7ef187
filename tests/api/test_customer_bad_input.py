"""Customers through the stripe SDK: every parameter's bad input names its code and param."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.support import Account


def _error(call: Any, *args: Any, **kwargs: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(*args, **kwargs)
    return err.value


# -- bad input ------------------------------------------------------------------------

_ADDRESS = {"line1": "x"}
_BAD_WRITES: list[tuple[dict[str, Any], str | None, str]] = [
    ({"colour": "red"}, "parameter_unknown", "colour"),
    ({"email": "not-an-email"}, "email_invalid", "email"),
    ({"email": "a@" + "b" * 507 + ".com"}, "parameter_invalid_string_too_long", "email"),
    ({"email": ["a@example.com"]}, "parameter_invalid_string", "email"),
    ({"name": "n" * 257}, "parameter_invalid_string_too_long", "name"),
    ({"description": "d" * 5001}, "parameter_invalid_string_too_long", "description"),
    ({"phone": "+1415555267112345678"}, None, "phone"),
    ({"phone": "1" * 21}, "parameter_invalid_string_too_long", "phone"),
    ({"business_name": "b" * 151}, "parameter_invalid_string_too_long", "business_name"),
    ({"individual_name": "i" * 151}, "parameter_invalid_string_too_long", "individual_name"),
    ({"balance": "lots"}, "parameter_invalid_integer", "balance"),
    ({"balance": "1.5"}, "parameter_invalid_integer", "balance"),
    ({"balance": 2**63}, "parameter_invalid_integer", "balance"),
    ({"next_invoice_sequence": 0}, "parameter_invalid_integer", "next_invoice_sequence"),
    ({"next_invoice_sequence": "x"}, "parameter_invalid_integer", "next_invoice_sequence"),
    ({"tax_exempt": "sometimes"}, "parameter_invalid_enum", "tax_exempt"),
    ({"invoice_prefix": "ab1"}, None, "invoice_prefix"),
    ({"invoice_prefix": "AB"}, None, "invoice_prefix"),
    ({"invoice_prefix": "ABCDEFGHIJKLM"}, None, "invoice_prefix"),
    ({"invoice_prefix": ""}, "parameter_invalid_empty", "invoice_prefix"),
    ({"address": "somewhere"}, "parameter_invalid_object", "address"),
    ({"address": {"street": "x"}}, "parameter_unknown", "address[street]"),
    ({"address": {"city": "c" * 5001}}, "parameter_invalid_string_too_long", "address[city]"),
    ({"shipping": {"address": _ADDRESS}}, "parameter_missing", "shipping[name]"),
    ({"shipping": {"name": "S"}}, "parameter_missing", "shipping[address]"),
    ({"shipping": {"name": "", "address": _ADDRESS}}, "parameter_invalid_empty", "shipping[name]"),
    ({"shipping": {"name": "S", "address": _ADDRESS, "carrier": "x"}}, "parameter_unknown", "shipping[carrier]"),
    ({"preferred_locales": {"a": "en"}}, "parameter_invalid_array", "preferred_locales"),
    ({"preferred_locales": [""]}, "parameter_invalid_empty", "preferred_locales[0]"),
    ({"invoice_settings": "x"}, "parameter_invalid_object", "invoice_settings"),
    ({"invoice_settings": {"colour": "x"}}, "parameter_unknown", "invoice_settings[colour]"),
    (
        {"invoice_settings": {"custom_fields": [{"name": "n", "value": "v"}] * 5}},
        "parameter_invalid_array",
        "invoice_settings[custom_fields]",
    ),
    (
        {"invoice_settings": {"custom_fields": [{"name": "n" * 41, "value": "v"}]}},
        "parameter_invalid_string_too_long",
        "invoice_settings[custom_fields][0][name]",
    ),
    (
        {"invoice_settings": {"custom_fields": [{"name": "n", "value": "v" * 141}]}},
        "parameter_invalid_string_too_long",
        "invoice_settings[custom_fields][0][value]",
    ),
    (
        {"invoice_settings": {"custom_fields": [{"name": "n"}]}},
        "parameter_missing",
        "invoice_settings[custom_fields][0][value]",
    ),
    (
        {"invoice_settings": {"rendering_options": {"amount_tax_display": "always"}}},
        "parameter_invalid_enum",
        "invoice_settings[rendering_options][amount_tax_display]",
    ),
    ({"source": "tok_visa"}, None, "source"),
    ({"cash_balance": {"settings": {"reconciliation_mode": "manual"}}}, None, "cash_balance"),
    (
        {"cash_balance": {"settings": {"reconciliation_mode": "never"}}},
        "parameter_invalid_enum",
        "cash_balance[settings][reconciliation_mode]",
    ),
    ({"tax": {"ip_address": "127.0.0.1"}}, None, "tax[ip_address]"),
    ({"tax": {"validate_location": "immediately"}}, None, "tax[validate_location]"),
    ({"validate": "perhaps"}, "parameter_invalid_boolean", "validate"),
    ({"metadata": "x"}, "parameter_invalid_object", "metadata"),
    ({"expand": ["sources"]}, None, "expand"),
]
_BAD_CREATES: list[tuple[dict[str, Any], str | None, str]] = [
    ({"payment_method": "pm_card_visa"}, None, "payment_method"),
    ({"tax": {"validate_location": "auto"}}, "parameter_invalid_enum", "tax[validate_location]"),
    ({"tax_id_data": [{"type": "eu_vat"}]}, "parameter_missing", "tax_id_data[0][value]"),
    ({"tax_id_data": [{"value": "x"}]}, "parameter_missing", "tax_id_data[0][type]"),
    ({"tax_id_data": [{"type": "xx_nope", "value": "1"}]}, "parameter_invalid_enum", "tax_id_data[0][type]"),
    ({"tax_id_data": "x"}, "parameter_invalid_array", "tax_id_data"),
    ({"test_clock": ""}, "parameter_invalid_empty", "test_clock"),
    ({"email": ""}, "parameter_invalid_empty", "email"),
    ({"default_source": "card_1"}, "parameter_unknown", "default_source"),
]
_BAD_UPDATES: list[tuple[dict[str, Any], str | None, str]] = [
    ({"default_source": "card_1"}, None, "default_source"),
    ({"payment_method": "pm_1"}, "parameter_unknown", "payment_method"),
    ({"tax_id_data": [{"type": "eu_vat", "value": "DE136695976"}]}, "parameter_unknown", "tax_id_data"),
    ({"test_clock": "clock_1"}, "parameter_unknown", "test_clock"),
    ({"tax": {"validate_location": "sometimes"}}, "parameter_invalid_enum", "tax[validate_location]"),
]


@pytest.mark.parametrize(("params", "code", "param"), _BAD_WRITES + _BAD_CREATES)
def test_create_bad_input(api: Account, params: dict[str, Any], code: str | None, param: str) -> None:
    err = _error(stripe.Customer.create, **params)
    assert (err.http_status, err.code, err.param) == (400, code, param)
    assert err.user_message


@pytest.mark.parametrize(("params", "code", "param"), _BAD_WRITES + _BAD_UPDATES)
def test_update_bad_input(api: Account, params: dict[str, Any], code: str | None, param: str) -> None:
    customer = stripe.Customer.create(name="unchanged")
    err = _error(stripe.Customer.modify, customer.id, **params)
    assert (err.http_status, err.code, err.param) == (400, code, param)
    assert stripe.Customer.retrieve(customer.id).to_dict() == customer.to_dict()


def test_retrieve_and_delete_take_no_parameters(api: Account) -> None:
    customer = stripe.Customer.create()
    err = _error(stripe.Customer.retrieve, customer.id, colour="red")
    assert (err.code, err.param) == ("parameter_unknown", "colour")
    err = _error(stripe.Customer.delete, customer.id, colour="red")
    assert (err.code, err.param) == ("parameter_unknown", "colour")
