"""Every ``PaymentGateway`` keeps the same promises; a real provider joins ``GATEWAYS``."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from billfold.errors import CardError
from billfold.ids import new_id
from billfold.models import PaymentMethod
from billfold.payments import ChargeResult, PaymentGateway, TestGateway
from billfold.payments.test_cards import CARDS, SUCCEED, TOKENS, TestCard, decline_for

# name -> factory of a fresh gateway (a real one would read its test credentials here)
GATEWAYS: dict[str, Callable[[], PaymentGateway]] = {"test": TestGateway}


@pytest.fixture(params=sorted(GATEWAYS))
def gateway(request: pytest.FixtureRequest) -> PaymentGateway:
    return GATEWAYS[request.param]()


def _pm(card: TestCard) -> PaymentMethod:
    """A payment method as the services build it (never flushed: gateways only read it)."""
    return PaymentMethod(
        id=new_id("pm"),
        type="card",
        card={"brand": card.brand, "last4": card.number[-4:]},
        verify_behavior=card.verify,
        charge_behavior=card.charge,
    )


def _charge(gateway: PaymentGateway, pm: PaymentMethod, key: str, amount: int = 2_000) -> ChargeResult:
    return gateway.charge(payment_method=pm, amount=amount, currency="usd", idempotency_key=key)


@pytest.mark.parametrize("number", sorted(n for n, c in CARDS.items() if c.verify == SUCCEED))
def test_good_cards_verify(gateway: PaymentGateway, number: str) -> None:
    gateway.verify_card(_pm(CARDS[number]))


@pytest.mark.parametrize(
    ("number", "code", "decline_code"),
    [
        ("4000000000000002", "card_declined", "generic_decline"),
        ("4000000000009995", "card_declined", "insufficient_funds"),
        ("4000000000009987", "card_declined", "lost_card"),
        ("4000000000009979", "card_declined", "stolen_card"),
        ("4000000000000069", "expired_card", "expired_card"),
        ("4000000000000127", "incorrect_cvc", "incorrect_cvc"),
        ("4000000000000119", "processing_error", "processing_error"),
    ],
)
def test_declined_cards_fail_verification(gateway: PaymentGateway, number: str, code: str, decline_code: str) -> None:
    with pytest.raises(CardError) as err:
        gateway.verify_card(_pm(CARDS[number]))
    assert err.value.http_status == 402
    assert (err.value.code, err.value.decline_code) == (code, decline_code)
    assert err.value.message


@pytest.mark.parametrize("number", ["4242424242424242", "5555555555554444", "378282246310005", "6011111111111117"])
def test_good_cards_are_charged(gateway: PaymentGateway, number: str) -> None:
    result = gateway.charge(
        payment_method=_pm(CARDS[number]), amount=1_000, currency="usd", idempotency_key=new_id("k")
    )
    assert result.succeeded
    assert result.decline_code is None
    assert result.message is None
    assert result.charge_id.startswith("ch_")


@pytest.mark.parametrize(
    ("number", "decline_code"),
    [
        ("4000000000000341", "generic_decline"),  # verifies, then every charge fails
        ("4000000000000002", "generic_decline"),
        ("4000000000009995", "insufficient_funds"),
        ("4000000000000069", "expired_card"),
    ],
)
def test_declining_cards_return_a_failed_result(gateway: PaymentGateway, number: str, decline_code: str) -> None:
    result = gateway.charge(
        payment_method=_pm(CARDS[number]), amount=1_000, currency="usd", idempotency_key=new_id("k")
    )
    assert not result.succeeded
    assert result.decline_code == decline_code
    assert result.message == decline_for(decline_code).message
    assert result.charge_id.startswith("ch_")


def test_customer_fail_card_verifies_but_never_charges(gateway: PaymentGateway) -> None:
    pm = _pm(TOKENS["pm_card_chargeCustomerFail"])
    gateway.verify_card(pm)
    results = [_charge(gateway, pm, new_id("k")) for _ in range(3)]
    assert not any(r.succeeded for r in results)


def test_same_key_charges_once(gateway: PaymentGateway) -> None:
    pm = _pm(CARDS["4242424242424242"])
    key = new_id("key")
    first = gateway.charge(payment_method=pm, amount=1_500, currency="usd", idempotency_key=key)
    again = gateway.charge(payment_method=pm, amount=1_500, currency="usd", idempotency_key=key)
    assert again == first
    other = gateway.charge(payment_method=pm, amount=1_500, currency="usd", idempotency_key=new_id("key"))
    assert other.charge_id != first.charge_id


def test_same_key_repeats_a_decline(gateway: PaymentGateway) -> None:
    pm = _pm(CARDS["4000000000009995"])
    key = new_id("key")
    first = gateway.charge(payment_method=pm, amount=700, currency="eur", idempotency_key=key)
    assert gateway.charge(payment_method=pm, amount=700, currency="eur", idempotency_key=key) == first


def test_a_key_cannot_be_reused_for_another_charge(gateway: PaymentGateway) -> None:
    pm = _pm(CARDS["4242424242424242"])
    key = new_id("key")
    gateway.charge(payment_method=pm, amount=1_000, currency="usd", idempotency_key=key)
    with pytest.raises(ValueError, match="different charge"):
        gateway.charge(payment_method=pm, amount=1_001, currency="usd", idempotency_key=key)


def test_results_are_deterministic_across_instances() -> None:
    for factory in GATEWAYS.values():
        outcomes = {
            number: factory()
            .charge(payment_method=_pm(card), amount=100, currency="usd", idempotency_key=new_id("k"))
            .succeeded
            for number, card in CARDS.items()
        }
        assert outcomes == {number: card.charge == SUCCEED for number, card in CARDS.items()}
