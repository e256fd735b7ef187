"""Stripe's documented test cards and tokens: what each card is, and how it behaves.

Billfold's test gateway only knows these cards, as Stripe's test mode only accepts
them: a valid number outside this table is declined (``test_mode_live_card``) so a
real card number is never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

__all__ = [
    "CARDS",
    "DECLINES",
    "SUCCEED",
    "TOKENS",
    "Decline",
    "TestCard",
    "card_for_token",
    "decline_for",
    "display_brand",
]

SUCCEED = "succeed"


@dataclass(frozen=True, slots=True)
class TestCard:
    """A test card number and what happens when it is verified or charged."""

    __test__: ClassVar[bool] = False  # not a pytest test class

    number: str
    brand: str
    funding: str = "credit"
    country: str = "US"
    # ``SUCCEED`` or the decline code returned when the card is verified (attach, setup).
    verify: str = SUCCEED
    # ``SUCCEED`` or the decline code every charge fails with.
    charge: str = SUCCEED


@dataclass(frozen=True, slots=True)
class Decline:
    """How a decline code is reported: Stripe's error ``code`` and the customer-facing message."""

    code: str
    decline_code: str
    message: str


_DECLINED = "Your card was declined."
DECLINES: dict[str, Decline] = {
    d.decline_code: d
    for d in (
        Decline("card_declined", "generic_decline", _DECLINED),
        Decline("card_declined", "insufficient_funds", "Your card has insufficient funds."),
        Decline("card_declined", "lost_card", _DECLINED),
        Decline("card_declined", "stolen_card", _DECLINED),
        Decline("expired_card", "expired_card", "Your card has expired."),
        Decline("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."),
        Decline(
            "processing_error",
            "processing_error",
            "An error occurred while processing your card. Try again in a little bit.",
        ),
        Decline(
            "card_declined",
            "test_mode_live_card",
            "Your card was declined. Your request was in test mode, but used a non test card. "
            "For a list of valid test cards, visit: https://stripe.com/docs/testing.",
        ),
    )
}


def _declining(number: str, code: str) -> TestCard:
    """A Visa that is declined with ``code`` when verified and when charged."""
    return TestCard(number, "visa", verify=code, charge=code)


CARDS: dict[str, TestCard] = {
    c.number: c
    for c in (
        TestCard("4242424242424242", "visa"),
        TestCard("4000056655665556", "visa", funding="debit"),
        TestCard("5555555555554444", "mastercard"),
        TestCard("2223003122003222", "mastercard"),
        TestCard("5200828282828210", "mastercard", funding="debit"),
        TestCard("5105105105105100", "mastercard", funding="prepaid"),
        TestCard("378282246310005", "amex"),
        TestCard("371449635398431", "amex"),
        TestCard("6011111111111117", "discover"),
        TestCard("6011000990139424", "discover"),
        TestCard("3056930009020004", "diners"),
        _declining("4000000000000002", "generic_decline"),
        _declining("4000000000009995", "insufficient_funds"),
        _declining("4000000000009987", "lost_card"),
        _declining("4000000000009979", "stolen_card"),
        _declining("4000000000000069", "expired_card"),
        _declining("4000000000000127", "incorrect_cvc"),
        _declining("4000000000000119", "processing_error"),
        # Saved without trouble, but every charge is declined.
        TestCard("4000000000000341", "visa", charge="generic_decline"),
    )
}

# Suffix after ``tok_`` / ``pm_card_`` → card number (Stripe names some both ways).
_MAGIC: dict[str, str] = {
    "visa": "4242424242424242",
    "visa_debit": "4000056655665556",
    "mastercard": "5555555555554444",
    "mastercard_debit": "5200828282828210",
    "mastercard_prepaid": "5105105105105100",
    "amex": "378282246310005",
    "discover": "6011111111111117",
    "diners": "3056930009020004",
    "chargeDeclined": "4000000000000002",
    "visa_chargeDeclined": "4000000000000002",
    "chargeDeclinedInsufficientFunds": "4000000000009995",
    "visa_chargeDeclinedInsufficientFunds": "4000000000009995",
    "chargeDeclinedLostCard": "4000000000009987",
    "visa_chargeDeclinedLostCard": "4000000000009987",
    "chargeDeclinedStolenCard": "4000000000009979",
    "visa_chargeDeclinedStolenCard": "4000000000009979",
    "chargeDeclinedExpiredCard": "4000000000000069",
    "chargeDeclinedIncorrectCvc": "4000000000000127",
    "chargeDeclinedProcessingError": "4000000000000119",
    "chargeCustomerFail": "4000000000000341",
}
TOKENS: dict[str, TestCard] = {
    f"{prefix}{suffix}": CARDS[number] for suffix, number in _MAGIC.items() for prefix in ("tok_", "pm_card_")
}

_DISPLAY_BRANDS = {"amex": "american_express"}


def card_for_token(token: str) -> TestCard | None:
    """The card behind ``tok_visa`` or ``pm_card_visa``, if it is one of Stripe's test tokens."""
    return TOKENS.get(token)


def decline_for(decline_code: str) -> Decline:
    """How ``decline_code`` is reported (unknown codes as a generic ``card_declined``)."""
    return DECLINES.get(decline_code) or Decline("card_declined", decline_code, _DECLINED)


def display_brand(brand: str) -> str:
    """The ``display_brand`` Stripe shows for a ``brand``."""
    return _DISPLAY_BRANDS.get(brand, brand)
