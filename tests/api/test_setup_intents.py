"""Setup intents through the stripe SDK: saving a card, declines, cancel, lists, bad input."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.shapes import shape_problems
from tests.support import Account, LiveServer

# (SDK call, positional args, keyword args, expected param) and with the expected code
Case = tuple[Any, tuple[str, ...], dict[str, Any], str]
CodedCase = tuple[Any, tuple[str, ...], dict[str, Any], str, str]


def _customer() -> stripe.Customer:
    return stripe.Customer.create(email="jenny@example.com")


def _invalid(call: Any, *args: Any, **kwargs: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(*args, **kwargs)
    return err.value


def _declined(call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The ``error`` body of a 402."""
    with pytest.raises(stripe.CardError) as err:
        call(*args, **kwargs)
    assert err.value.http_status == 402
    body = err.value.json_body
    assert isinstance(body, dict)
    error: dict[str, Any] = body["error"]
    return error


def _event_types() -> list[str]:
    return [e.type for e in reversed(stripe.Event.list(limit=100).data)]


def test_create_then_confirm(api: Account) -> None:
    customer = _customer()
    si = stripe.SetupIntent.create(customer=customer.id, description="Save a card", metadata={"a": "b"})
    assert si.id.startswith("seti_")
    assert si.client_secret is not None
    assert si.client_secret.startswith(f"{si.id}_secret_")
    assert (si.status, si.usage, si.payment_method_types) == ("requires_payment_method", "off_session", ["card"])
    assert shape_problems(si.to_dict(), "SetupIntent") == []
    done = stripe.SetupIntent.confirm(si.id, payment_method="pm_card_visa")
    assert done.status == "succeeded"
    assert done.payment_method is not None
    assert done.payment_method != "pm_card_visa"
    assert done.last_setup_error is None
    [saved] = stripe.Customer.list_payment_methods(customer.id).data
    assert saved.id == done.payment_method
    assert saved.card is not None
    assert saved.card.checks is not None
    assert saved.card.checks.cvc_check == "pass"
    assert _event_types()[-3:] == ["setup_intent.created", "payment_method.attached", "setup_intent.succeeded"]


def test_create_and_confirm_at_once_with_a_created_card(api: Account) -> None:
    customer = _customer()
    pm = stripe.PaymentMethod.create(type="card", card={"token": "tok_mastercard"})
    si = stripe.SetupIntent.create(customer=customer.id, payment_method=pm.id, confirm=True, usage="on_session")
    assert (si.status, si.payment_method, si.usage) == ("succeeded", pm.id, "on_session")
    assert stripe.PaymentMethod.retrieve(pm.id).customer == customer.id


def test_payment_method_then_confirm(api: Account) -> None:
    si = stripe.SetupIntent.create(customer=_customer().id, payment_method="pm_card_amex")
    assert si.status == "requires_confirmation"
    assert stripe.SetupIntent.confirm(si.id).status == "succeeded"


def test_without_a_customer_the_card_is_verified_only(api: Account) -> None:
    pm = stripe.PaymentMethod.create(type="card", card={"token": "tok_visa"})
    si = stripe.SetupIntent.create(payment_method=pm.id, confirm=True)
    assert si.status == "succeeded"
    assert stripe.PaymentMethod.retrieve(pm.id).customer is None


@pytest.mark.parametrize(
    ("card", "code", "decline_code"),
    [
        ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
        ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"),
        ("pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc"),
    ],
)
def test_a_decline_is_kept_on_the_intent(api: Account, card: str, code: str, decline_code: str) -> None:
    customer = _customer()
    si = stripe.SetupIntent.create(customer=customer.id)
    error = _declined(stripe.SetupIntent.confirm, si.id, payment_method=card)
    assert (error["type"], error["code"], error["decline_code"]) == ("card_error", code, decline_code)
    assert error["setup_intent"]["id"] == si.id
    assert error["setup_intent"]["status"] == "requires_payment_method"
    assert error["payment_method"]["id"].startswith("pm_")
    failed = stripe.SetupIntent.retrieve(si.id)
    assert failed.status == "requires_payment_method"
    assert failed.payment_method is None
    assert failed.last_setup_error is not None
    assert (failed.last_setup_error.code, failed.last_setup_error.decline_code) == (code, decline_code)
    assert failed.last_setup_error.type == "card_error"
    assert failed.last_setup_error.payment_method is not None
    assert shape_problems(failed.to_dict(), "SetupIntent") == []
    assert stripe.Customer.list_payment_methods(customer.id).data == []
    assert _event_types()[-2:] == ["setup_intent.created", "setup_intent.setup_failed"]
    # Another card then succeeds, and clears the error.
    done = stripe.SetupIntent.confirm(si.id, payment_method="pm_card_visa")
    assert (done.status, done.last_setup_error) == ("succeeded", None)


def test_a_decline_when_created_with_confirm(api: Account) -> None:
    error = _declined(
        stripe.SetupIntent.create, customer=_customer().id, payment_method="pm_card_chargeDeclined", confirm=True
    )
    si = stripe.SetupIntent.retrieve(error["setup_intent"]["id"])
    assert si.status == "requires_payment_method"
    assert si.last_setup_error is not None


def test_a_decline_is_replayed_with_its_idempotency_key(api: Account) -> None:
    si = stripe.SetupIntent.create(customer=_customer().id)
    first = _declined(stripe.SetupIntent.confirm, si.id, payment_method="pm_card_chargeDeclined", idempotency_key="k1")
    again = _declined(stripe.SetupIntent.confirm, si.id, payment_method="pm_card_chargeDeclined", idempotency_key="k1")
    assert again == first
    assert _event_types().count("setup_intent.setup_failed") == 1


def test_cancel(api: Account) -> None:
    si = stripe.SetupIntent.create(customer=_customer().id)
    canceled = stripe.SetupIntent.cancel(si.id, cancellation_reason="abandoned")
    assert (canceled.status, canceled.cancellation_reason) == ("canceled", "abandoned")
    for call in (stripe.SetupIntent.cancel, stripe.SetupIntent.confirm):
        err = _invalid(call, si.id)
        assert (err.http_status, err.code) == (400, "setup_intent_unexpected_state")
    assert _event_types()[-1] == "setup_intent.canceled"


def test_a_succeeded_intent_is_final(api: Account) -> None:
    si = stripe.SetupIntent.create(customer=_customer().id, payment_method="pm_card_visa", confirm=True)
    for call in (stripe.SetupIntent.cancel, stripe.SetupIntent.confirm):
        err = _invalid(call, si.id)
        assert (err.http_status, err.code) == (400, "setup_intent_unexpected_state")


def test_confirm_needs_a_payment_method(api: Account) -> None:
    si = stripe.SetupIntent.create(customer=_customer().id)
    err = _invalid(stripe.SetupIntent.confirm, si.id)
    assert (err.code, err.param) == ("setup_intent_unexpected_state", "payment_method")
    err = _invalid(stripe.SetupIntent.create, confirm=True)
    assert (err.code, err.param) == ("setup_intent_unexpected_state", "payment_method")


def test_a_card_saved_to_someone_else_cannot_be_used(api: Account) -> None:
    pm = stripe.PaymentMethod.attach("pm_card_visa", customer=_customer().id)
    for customer in (_customer().id, None):
        err = _invalid(stripe.SetupIntent.create, customer=customer, payment_method=pm.id)
        assert (err.http_status, err.param) == (400, "payment_method")


def test_retrieve_list_and_expand(api: Account) -> None:
    customer = _customer()
    first = stripe.SetupIntent.create(customer=customer.id, payment_method="pm_card_visa", confirm=True)
    second = stripe.SetupIntent.create()
    assert first.client_secret is not None
    assert isinstance(first.payment_method, str)
    assert stripe.SetupIntent.retrieve(first.id, client_secret=first.client_secret).id == first.id
    assert [s.id for s in stripe.SetupIntent.list().data] == [second.id, first.id]
    assert [s.id for s in stripe.SetupIntent.list(customer=customer.id).data] == [first.id]
    assert [s.id for s in stripe.SetupIntent.list(payment_method=first.payment_method).data] == [first.id]
    assert [s.id for s in stripe.SetupIntent.list(created={"gte": first.created}).data] == [second.id, first.id]
    expanded = stripe.SetupIntent.retrieve(first.id, expand=["customer", "payment_method"])
    assert isinstance(expanded.customer, stripe.Customer)
    assert isinstance(expanded.payment_method, stripe.PaymentMethod)
    err = _invalid(stripe.SetupIntent.retrieve, first.id, client_secret="seti_x_secret_wrong")
    assert (err.http_status, err.param) == (400, "client_secret")


def test_other_accounts_objects_are_missing(api: Account, server: LiveServer) -> None:
    customer = _customer()
    si = stripe.SetupIntent.create(customer=customer.id)
    pm = stripe.PaymentMethod.create(type="card", card={"token": "tok_visa"})
    stripe.api_key = server.new_account().key
    cases: list[Case] = [
        (stripe.SetupIntent.retrieve, (si.id,), {}, "intent"),
        (stripe.SetupIntent.confirm, (si.id,), {"payment_method": "pm_card_visa"}, "intent"),
        (stripe.SetupIntent.cancel, (si.id,), {}, "intent"),
        (stripe.SetupIntent.create, (), {"customer": customer.id}, "customer"),
        (stripe.SetupIntent.create, (), {"payment_method": pm.id}, "payment_method"),
        (stripe.SetupIntent.list, (), {"starting_after": si.id}, "starting_after"),
    ]
    for call, args, kwargs, param in cases:
        err = _invalid(call, *args, **kwargs)
        assert (err.http_status, err.code, err.param) == (404, "resource_missing", param), call


_BAD_CREATES: list[tuple[dict[str, Any], str, str]] = [
    ({"colour": "red"}, "parameter_unknown", "colour"),
    ({"customer": ""}, "parameter_invalid_empty", "customer"),
    ({"customer": "c" * 5001}, "parameter_invalid_string_too_long", "customer"),
    ({"payment_method": ["pm_card_visa"]}, "parameter_invalid_string", "payment_method"),
    ({"confirm": "maybe"}, "parameter_invalid_boolean", "confirm"),
    ({"usage": "sometimes"}, "parameter_invalid_enum", "usage"),
    ({"payment_method_types": ["sepa_debit"]}, "payment_method_unsupported_type", "payment_method_types[0]"),
    ({"payment_method_types": ["card", "bogus"]}, "parameter_invalid_enum", "payment_method_types[1]"),
    ({"payment_method_types": "card"}, "parameter_invalid_array", "payment_method_types"),
    ({"description": "d" * 1001}, "parameter_invalid_string_too_long", "description"),
    ({"metadata": {"k" * 41: "v"}}, "parameter_invalid_metadata", f"metadata[{'k' * 41}]"),
    ({"metadata": "x"}, "parameter_invalid_object", "metadata"),
]


@pytest.mark.parametrize(("params", "code", "param"), _BAD_CREATES)
def test_bad_create(api: Account, params: dict[str, Any], code: str, param: str) -> None:
    err = _invalid(stripe.SetupIntent.create, **params)
    assert (err.http_status, err.code, err.param) == (400, code, param)


def test_bad_confirm_cancel_list(api: Account) -> None:
    si = stripe.SetupIntent.create()
    cases: list[CodedCase] = [
        (stripe.SetupIntent.confirm, (si.id,), {"payment_method": ""}, "parameter_invalid_empty", "payment_method"),
        (stripe.SetupIntent.confirm, (si.id,), {"colour": "red"}, "parameter_unknown", "colour"),
        (
            stripe.SetupIntent.cancel,
            (si.id,),
            {"cancellation_reason": "bored"},
            "parameter_invalid_enum",
            "cancellation_reason",
        ),
        (stripe.SetupIntent.cancel, (si.id,), {"colour": "red"}, "parameter_unknown", "colour"),
        (stripe.SetupIntent.retrieve, (si.id,), {"client_secret": ""}, "parameter_invalid_empty", "client_secret"),
        (stripe.SetupIntent.list, (), {"limit": 0}, "parameter_invalid_integer", "limit"),
        (stripe.SetupIntent.list, (), {"created": {"gte": "x"}}, "parameter_invalid_integer", "created[gte]"),
        (stripe.SetupIntent.list, (), {"colour": "red"}, "parameter_unknown", "colour"),
    ]
    for call, args, kwargs, code, param in cases:
        err = _invalid(call, *args, **kwargs)
        assert (err.http_status, err.code, err.param) == (400, code, param), (call, kwargs)


def test_missing_objects(api: Account) -> None:
    cases: list[Case] = [
        (stripe.SetupIntent.retrieve, ("seti_nope",), {}, "intent"),
        (stripe.SetupIntent.create, (), {"customer": "cus_nope"}, "customer"),
        (stripe.SetupIntent.create, (), {"payment_method": "pm_nope"}, "payment_method"),
        (
            stripe.SetupIntent.confirm,
            (stripe.SetupIntent.create().id,),
            {"payment_method": "pm_nope"},
            "payment_method",
        ),
    ]
    for call, args, kwargs, param in cases:
        err = _invalid(call, *args, **kwargs)
        assert (err.http_status, err.code, err.param) == (404, "resource_missing", param), call
