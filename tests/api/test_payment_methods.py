"""Payment methods through the stripe SDK: test cards, attach/detach, lists, events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import stripe

from tests.shapes import shape_problems
from tests.support import START, Account, LiveServer

# token or number -> (brand, last4, funding, display_brand)
_GOOD_TOKENS = {
    "tok_visa": ("visa", "4242", "credit", "visa"),
    "tok_mastercard": ("mastercard", "4444", "credit", "mastercard"),
    "tok_amex": ("amex", "0005", "credit", "american_express"),
}
_GOOD_MAGIC_IDS = {
    "pm_card_visa": ("visa", "4242", "credit", "visa"),
    "pm_card_mastercard": ("mastercard", "4444", "credit", "mastercard"),
    "pm_card_amex": ("amex", "0005", "credit", "american_express"),
    "pm_card_discover": ("discover", "1117", "credit", "discover"),
    "pm_card_visa_debit": ("visa", "5556", "debit", "visa"),
    "pm_card_chargeCustomerFail": ("visa", "0341", "credit", "visa"),
}
_GOOD_NUMBERS = {
    "4242424242424242": ("visa", "4242", "123"),
    "5555555555554444": ("mastercard", "4444", "123"),
    "378282246310005": ("amex", "0005", "1234"),
    "6011111111111117": ("discover", "1117", "123"),
    "4000000000000341": ("visa", "0341", "123"),
}
# how the card is given -> (code, decline_code) when it is attached
_DECLINED = [
    ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
    ("pm_card_visa_chargeDeclined", "card_declined", "generic_decline"),
    ("tok_chargeDeclined", "card_declined", "generic_decline"),
    ("4000000000000002", "card_declined", "generic_decline"),
    ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
    ("4000000000009995", "card_declined", "insufficient_funds"),
    ("pm_card_chargeDeclinedLostCard", "card_declined", "lost_card"),
    ("4000000000009987", "card_declined", "lost_card"),
    ("pm_card_chargeDeclinedStolenCard", "card_declined", "stolen_card"),
    ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"),
    ("4000000000000069", "expired_card", "expired_card"),
    ("pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc"),
    ("4000000000000127", "incorrect_cvc", "incorrect_cvc"),
    ("pm_card_chargeDeclinedProcessingError", "processing_error", "processing_error"),
    ("4000000000000119", "processing_error", "processing_error"),
]


def _raw(number: str, **extra: Any) -> dict[str, Any]:
    return {"number": number, "exp_month": 12, "exp_year": 2030, **extra}


def _create(card: str) -> stripe.PaymentMethod:
    """A payment method from a token, a magic id's token twin, or a raw test number."""
    if card.isdigit():
        return stripe.PaymentMethod.create(type="card", card=_raw(card))  # type: ignore[arg-type]
    return stripe.PaymentMethod.create(type="card", card={"token": card})


def _customer() -> stripe.Customer:
    return stripe.Customer.create(email="jenny@example.com")


def _card_error(call: Any, *args: Any, **kwargs: Any) -> stripe.CardError:
    with pytest.raises(stripe.CardError) as err:
        call(*args, **kwargs)
    assert err.value.http_status == 402
    return err.value


def _decline_code(err: stripe.CardError) -> str | None:
    body = err.json_body
    assert isinstance(body, dict)
    value = body["error"].get("decline_code")
    return None if value is None else str(value)


def _invalid(call: Any, *args: Any, **kwargs: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(*args, **kwargs)
    return err.value


def _default_payment_method(customer_id: str) -> object:
    settings = stripe.Customer.retrieve(customer_id).invoice_settings
    assert settings is not None
    return settings.default_payment_method


def _events(kind: str) -> list[dict[str, Any]]:
    return [e.to_dict() for e in stripe.Event.list(type=kind, limit=100).data]


@pytest.fixture
def clock_at(server: LiveServer) -> Iterator[Any]:
    """Move the server's clock for one test, then put it back."""

    def move(at: dt.datetime) -> None:
        server.clock.set(at)

    yield move
    server.clock.set(START)


# -- cards and tokens ---------------------------------------------------------------------


@pytest.mark.parametrize("token", sorted(_GOOD_TOKENS))
def test_create_from_token(api: Account, token: str) -> None:
    pm = _create(token)
    brand, last4, funding, display = _GOOD_TOKENS[token]
    assert pm.id.startswith("pm_")
    assert pm.type == "card"
    assert pm.customer is None
    card = pm.card
    assert card is not None
    assert (card.brand, card.last4, card.funding, card.display_brand, card.country) == (
        brand,
        last4,
        funding,
        display,
        "US",
    )
    # Test tokens expire a year after "now" (the server's frozen clock).
    assert (card.exp_month, card.exp_year) == (START.month, START.year + 1)
    assert card.networks is not None
    assert card.networks.available == [brand]
    assert card.three_d_secure_usage is not None
    assert card.three_d_secure_usage.supported is True
    assert shape_problems(pm.to_dict(), "PaymentMethod") == []


@pytest.mark.parametrize("number", sorted(_GOOD_NUMBERS))
def test_create_from_number_keeps_only_what_stripe_shows(api: Account, number: str) -> None:
    brand, last4, cvc = _GOOD_NUMBERS[number]
    pm = stripe.PaymentMethod.create(type="card", card=_raw(number, cvc=cvc))  # type: ignore[arg-type]
    assert pm.card is not None
    assert (pm.card.brand, pm.card.last4, pm.card.exp_month, pm.card.exp_year) == (brand, last4, 12, 2030)
    assert pm.card.checks is not None
    assert pm.card.checks.cvc_check == "unchecked"
    body = str(pm.last_response.body if pm.last_response else "")
    assert number not in body
    assert f'"{cvc}"' not in body
    assert shape_problems(pm.to_dict(), "PaymentMethod") == []


def test_two_digit_year_and_no_cvc(api: Account) -> None:
    pm = stripe.PaymentMethod.create(type="card", card={"number": "4242424242424242", "exp_month": 3, "exp_year": 31})
    assert pm.card is not None
    assert pm.card.exp_year == 2031
    assert pm.card.checks is not None
    assert pm.card.checks.cvc_check is None


def test_fingerprint_is_stable_per_account(api: Account, server: LiveServer) -> None:
    first = stripe.PaymentMethod.create(type="card", card=_raw("4242424242424242"))  # type: ignore[arg-type]
    again = _create("tok_visa")
    other = _create("tok_mastercard")
    assert first.card is not None
    assert again.card is not None
    assert other.card is not None
    assert first.card.fingerprint == again.card.fingerprint
    assert first.card.fingerprint != other.card.fingerprint
    elsewhere = server.new_account()
    stripe.api_key = elsewhere.key
    foreign = _create("tok_visa")
    assert foreign.card is not None
    assert foreign.card.fingerprint != first.card.fingerprint


@pytest.mark.parametrize("magic", sorted(_GOOD_MAGIC_IDS))
def test_attach_a_test_id_saves_a_new_copy(api: Account, magic: str) -> None:
    customer = _customer()
    pm = stripe.PaymentMethod.attach(magic, customer=customer.id)
    again = stripe.PaymentMethod.attach(magic, customer=customer.id)
    brand, last4, funding, display = _GOOD_MAGIC_IDS[magic]
    assert pm.id.startswith("pm_")
    assert pm.id not in {magic, again.id}
    assert pm.customer == customer.id
    assert pm.card is not None
    assert (pm.card.brand, pm.card.last4, pm.card.funding, pm.card.display_brand) == (brand, last4, funding, display)
    assert pm.card.checks is not None
    assert pm.card.checks.cvc_check == "pass"
    listed = stripe.Customer.list_payment_methods(customer.id)
    assert [p.id for p in listed.data] == [again.id, pm.id]
    [attached, *_] = _events("payment_method.attached")
    assert attached["data"]["object"]["id"] == again.id
    assert attached["data"]["object"]["customer"] == customer.id


@pytest.mark.parametrize(("card", "code", "decline_code"), _DECLINED)
def test_declined_at_attach(api: Account, card: str, code: str, decline_code: str) -> None:
    customer = _customer()
    pm_id = card if card.startswith("pm_") else _create(card).id
    err = _card_error(stripe.PaymentMethod.attach, pm_id, customer=customer.id)
    assert err.code == code
    assert _decline_code(err) == decline_code
    assert err.user_message
    assert stripe.Customer.list_payment_methods(customer.id).data == []
    assert _events("payment_method.attached") == []


def test_attach_the_same_card_twice_changes_nothing(api: Account) -> None:
    customer = _customer()
    pm = _create("tok_visa")
    attached = stripe.PaymentMethod.attach(pm.id, customer=customer.id)
    assert attached.id == pm.id
    assert stripe.PaymentMethod.attach(pm.id, customer=customer.id).customer == customer.id
    assert len(_events("payment_method.attached")) == 1


def test_a_card_belongs_to_one_customer(api: Account) -> None:
    pm = stripe.PaymentMethod.attach("pm_card_visa", customer=_customer().id)
    err = _invalid(stripe.PaymentMethod.attach, pm.id, customer=_customer().id)
    assert err.http_status == 400
    assert err.param == "payment_method"


# -- expiry, CVC and number checks ---------------------------------------------------------


@pytest.mark.parametrize(
    ("card", "code", "param"),
    [
        (_raw("4242424242424241"), "incorrect_number", "card[number]"),
        (_raw("424242424242424x"), "invalid_number", "card[number]"),
        (_raw("4242"), "invalid_number", "card[number]"),
        (_raw("4242424242424242", exp_month=13), "invalid_expiry_month", "card[exp_month]"),
        (_raw("4242424242424242", exp_month=0), "invalid_expiry_month", "card[exp_month]"),
        (_raw("4242424242424242", exp_year=2025), "invalid_expiry_year", "card[exp_year]"),
        (_raw("4242424242424242", exp_year=25), "invalid_expiry_year", "card[exp_year]"),
        (_raw("4242424242424242", exp_year=2077), "invalid_expiry_year", "card[exp_year]"),
        (_raw("4242424242424242", cvc="12"), "invalid_cvc", "card[cvc]"),
        (_raw("4242424242424242", cvc="1234"), "invalid_cvc", "card[cvc]"),
        (_raw("4242424242424242", cvc="12a"), "invalid_cvc", "card[cvc]"),
        (_raw("378282246310005", cvc="123"), "invalid_cvc", "card[cvc]"),
    ],
)
def test_bad_card_details(api: Account, card: dict[str, Any], code: str, param: str) -> None:
    err = _card_error(stripe.PaymentMethod.create, type="card", card=card)
    assert (err.code, err.param) == (code, param)
    assert _decline_code(err) is None


def test_a_month_already_over_this_year(api: Account, clock_at: Any) -> None:
    clock_at(dt.datetime(2026, 6, 15, tzinfo=dt.UTC))
    err = _card_error(
        stripe.PaymentMethod.create, type="card", card=_raw("4242424242424242", exp_year=2026, exp_month=5)
    )
    assert (err.code, err.param) == ("invalid_expiry_month", "card[exp_month]")
    pm = stripe.PaymentMethod.create(type="card", card=_raw("4242424242424242", exp_year=2026, exp_month=6))  # type: ignore[arg-type]
    assert pm.card is not None
    assert pm.card.exp_month == 6


def test_a_real_card_number_is_refused_in_test_mode(api: Account) -> None:
    err = _card_error(stripe.PaymentMethod.create, type="card", card=_raw("4111111111111111"))
    assert err.code == "card_declined"
    assert _decline_code(err) == "test_mode_live_card"


# -- reading, updating, detaching ----------------------------------------------------------


def test_retrieve_and_list(api: Account) -> None:
    customer = _customer()
    loose = _create("tok_amex")
    saved = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    assert stripe.PaymentMethod.retrieve(saved.id).to_dict() == saved.to_dict()
    assert stripe.Customer.retrieve_payment_method(customer.id, saved.id).id == saved.id
    assert [p.id for p in stripe.PaymentMethod.list(customer=customer.id, type="card").data] == [saved.id]
    assert [p.id for p in stripe.PaymentMethod.list().data] == [saved.id, loose.id]
    assert stripe.PaymentMethod.list(customer=customer.id, type="sepa_debit").data == []
    assert [p.id for p in stripe.Customer.list_payment_methods(customer.id, type="card").data] == [saved.id]
    assert stripe.Customer.list_payment_methods(customer.id, allow_redisplay="always").data == []
    page = stripe.Customer.list_payment_methods(customer.id, limit=1)
    assert page.url == f"/v1/customers/{customer.id}/payment_methods"
    err = _invalid(stripe.Customer.retrieve_payment_method, customer.id, loose.id)
    assert (err.http_status, err.code) == (404, "resource_missing")


def test_create_with_billing_details_and_metadata(api: Account) -> None:
    pm = stripe.PaymentMethod.create(
        type="card",
        card={"token": "tok_visa"},
        billing_details={"name": "Jenny Rosen", "email": "jenny@example.com", "address": {"line1": "1 Main St"}},
        metadata={"order": "6735"},
        allow_redisplay="always",
    )
    assert pm.billing_details is not None
    assert pm.billing_details.name == "Jenny Rosen"
    assert pm.billing_details.address is not None
    assert pm.billing_details.address.line1 == "1 Main St"
    assert pm.billing_details.address.city is None
    assert pm.metadata is not None
    assert pm.metadata.to_dict() == {"order": "6735"}
    assert pm.allow_redisplay == "always"
    assert pm.card is not None
    assert pm.card.checks is not None
    assert pm.card.checks.address_line1_check == "unchecked"
    saved = stripe.PaymentMethod.attach(pm.id, customer=_customer().id)
    assert saved.card is not None
    assert saved.card.checks is not None
    assert saved.card.checks.address_line1_check == "pass"


def test_update(api: Account) -> None:
    pm = stripe.PaymentMethod.attach("pm_card_visa", customer=_customer().id)
    updated = stripe.PaymentMethod.modify(
        pm.id,
        billing_details={"name": "J. Rosen", "address": {"postal_code": "94107"}},
        metadata={"a": "1"},
        allow_redisplay="limited",
        card={"exp_month": 4, "exp_year": 2032},
    )
    assert updated.billing_details.name == "J. Rosen"
    assert updated.billing_details.address is not None
    assert updated.billing_details.address.postal_code == "94107"
    assert updated.card is not None
    assert (updated.card.exp_month, updated.card.exp_year) == (4, 2032)
    assert updated.card.checks is not None
    assert updated.card.checks.address_postal_code_check == "pass"
    cleared = stripe.PaymentMethod.modify(pm.id, billing_details={"name": ""}, metadata={"a": ""})
    assert cleared.billing_details is not None
    assert cleared.billing_details.name is None
    assert cleared.metadata is not None
    assert cleared.metadata.to_dict() == {}
    [event, *_] = _events("payment_method.updated")
    assert event["data"]["previous_attributes"]["billing_details"]["name"] == "J. Rosen"
    assert event["data"]["previous_attributes"]["metadata"] == {"a": "1"}
    err = _card_error(stripe.PaymentMethod.modify, pm.id, card={"exp_year": 2020})
    assert (err.code, err.param) == ("invalid_expiry_year", "card[exp_year]")


def test_update_needs_a_saved_card(api: Account) -> None:
    err = _invalid(stripe.PaymentMethod.modify, _create("tok_visa").id, metadata={"a": "b"})
    assert err.http_status == 400
    assert err.param == "payment_method"


def test_detach_clears_the_default_payment_method(api: Account) -> None:
    customer = _customer()
    pm = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    other = stripe.PaymentMethod.attach("pm_card_mastercard", customer=customer.id)
    stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": pm.id})
    detached = stripe.PaymentMethod.detach(other.id)
    assert detached.customer is None
    assert _default_payment_method(customer.id) == pm.id
    stripe.PaymentMethod.detach(pm.id)
    assert _default_payment_method(customer.id) is None
    assert stripe.Customer.list_payment_methods(customer.id).data == []
    [updated, *_] = _events("customer.updated")
    assert updated["data"]["object"]["invoice_settings"]["default_payment_method"] is None
    assert updated["data"]["previous_attributes"] == {"invoice_settings": {"default_payment_method": pm.id}}
    [event, *_] = _events("payment_method.detached")
    assert event["data"]["object"]["id"] == pm.id
    assert event["data"]["previous_attributes"] == {"customer": customer.id}
    err = _invalid(stripe.PaymentMethod.detach, pm.id)
    assert err.http_status == 400


def test_expand_customer(api: Account) -> None:
    customer = _customer()
    pm = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id, expand=["customer"])
    assert isinstance(pm.customer, stripe.Customer)
    assert pm.customer.id == customer.id


# -- other accounts ------------------------------------------------------------------------


def test_other_accounts_objects_are_missing(api: Account, server: LiveServer) -> None:
    mine = stripe.PaymentMethod.attach("pm_card_visa", customer=_customer().id)
    my_customer = _customer()
    stripe.api_key = server.new_account().key
    theirs = _customer()
    cases: list[tuple[Any, tuple[str, ...], dict[str, Any], str]] = [
        (stripe.PaymentMethod.retrieve, (mine.id,), {}, "payment_method"),
        (stripe.PaymentMethod.modify, (mine.id,), {"metadata": {"a": "b"}}, "payment_method"),
        (stripe.PaymentMethod.detach, (mine.id,), {}, "payment_method"),
        (stripe.PaymentMethod.attach, (mine.id,), {"customer": theirs.id}, "payment_method"),
        (stripe.PaymentMethod.attach, ("pm_card_visa",), {"customer": my_customer.id}, "customer"),
        (stripe.PaymentMethod.list, (), {"customer": my_customer.id}, "customer"),
        (stripe.Customer.list_payment_methods, (my_customer.id,), {}, "customer"),
        (stripe.Customer.retrieve_payment_method, (theirs.id, mine.id), {}, "payment_method"),
    ]
    for call, args, kwargs, param in cases:
        err = _invalid(call, *args, **kwargs)
        assert (err.http_status, err.code, err.param) == (404, "resource_missing", param), call
