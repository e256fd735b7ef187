"""Turning ``card[...]`` parameters into what a payment method keeps of a card.

Only what Stripe's ``card`` object shows is kept (brand, last four digits, expiry, a
fingerprint); the full number and the CVC are checked here and then forgotten.
"""

from __future__ import annotations

import hashlib
import hmac
import string
from dataclasses import dataclass
from typing import Any

from billfold.context import Ctx
from billfold.errors import CardError, InvalidRequestError, ResourceMissingError
from billfold.payments.test_cards import CARDS, TestCard, card_for_token, decline_for, display_brand

__all__ = ["CardInput", "check_expiry", "check_preferred_network", "from_token", "read_card"]

_MAX_YEARS_AHEAD = 50
_AMEX_CVC = 4
_CVC = 3
_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_FINGERPRINT_LENGTH = 16


@dataclass(frozen=True, slots=True)
class CardInput:
    """A checked card: the stored ``card`` dict and the test card that decides its behaviour."""

    card: dict[str, Any]
    test_card: TestCard


def read_card(ctx: Ctx, given: dict[str, Any]) -> CardInput:
    """Check ``card[token]`` or ``card[number]``/``exp_*``/``cvc`` and build the card to store."""
    token = given.get("token")
    if token is not None:
        return from_token(ctx, token, param="card[token]")
    number = str(given["number"])
    test_card = _test_card(number)
    exp_month, exp_year = check_expiry(ctx, given["exp_month"], given["exp_year"])
    cvc = given.get("cvc")
    if cvc is not None:
        _check_cvc(cvc, test_card.brand)
    preferred = (given.get("networks") or {}).get("preferred")
    check_preferred_network(test_card.brand, preferred, param="card[networks][preferred]")
    card = _card(ctx, test_card, exp_month, exp_year, cvc_check="unchecked" if cvc else None, preferred=preferred)
    return CardInput(card, test_card)


def from_token(ctx: Ctx, token: str, *, param: str) -> CardInput:
    """The card behind one of Stripe's test tokens (``tok_visa``, ``pm_card_visa``), or 404.

    Test tokens carry a CVC and expire a year from now, as Stripe's do.
    """
    test_card = card_for_token(token)
    if test_card is None:
        kind = "PaymentMethod" if token.startswith("pm_") else "token"
        raise ResourceMissingError(kind, token, param=param)
    now = ctx.clock.now()
    return CardInput(_card(ctx, test_card, now.month, now.year + 1, cvc_check="unchecked"), test_card)


def check_expiry(ctx: Ctx, exp_month: int, exp_year: int, *, prefix: str = "card") -> tuple[int, int]:
    """A valid, unexpired ``(month, four-digit year)``; two-digit years mean 20xx."""
    year = exp_year + 2000 if 0 <= exp_year < 100 else exp_year
    now = ctx.clock.now()
    if not 1 <= exp_month <= 12:
        raise _invalid("Your card's expiration month is invalid.", "invalid_expiry_month", f"{prefix}[exp_month]")
    if not now.year <= year <= now.year + _MAX_YEARS_AHEAD:
        raise _invalid("Your card's expiration year is invalid.", "invalid_expiry_year", f"{prefix}[exp_year]")
    if year == now.year and exp_month < now.month:
        raise _invalid("Your card's expiration month is invalid.", "invalid_expiry_month", f"{prefix}[exp_month]")
    return exp_month, year


def check_preferred_network(brand: str, preferred: str | None, *, param: str) -> None:
    """Only a network the card can run on may be preferred."""
    if preferred is not None and preferred != brand:
        raise InvalidRequestError(
            f"The preferred network '{preferred}' is not available for this {brand} card.", param=param
        )


def _invalid(message: str, code: str, param: str) -> CardError:
    return CardError(message, code=code, param=param)


def _luhn_ok(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _test_card(number: str) -> TestCard:
    """The test card with this number; a malformed, mistyped or real number is refused."""
    if not number.isdigit() or not 12 <= len(number) <= 19:
        raise _invalid("Your card number is invalid.", "invalid_number", "card[number]")
    if not _luhn_ok(number):
        raise _invalid("Your card number is incorrect.", "incorrect_number", "card[number]")
    test_card = CARDS.get(number)
    if test_card is None:
        decline = decline_for("test_mode_live_card")
        raise CardError(decline.message, code=decline.code, decline_code=decline.decline_code, param="card[number]")
    return test_card


def _check_cvc(cvc: str, brand: str) -> None:
    expected = _AMEX_CVC if brand == "amex" else _CVC
    if not (cvc.isdigit() and len(cvc) == expected):
        raise _invalid("Your card's security code is invalid.", "invalid_cvc", "card[cvc]")


def _fingerprint(ctx: Ctx, number: str) -> str:
    """The same number gives the same fingerprint within an account, and a different one elsewhere."""
    digest = hmac.new(ctx.account_id.encode(), number.encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest, "big")
    chars = []
    for _ in range(_FINGERPRINT_LENGTH):
        value, index = divmod(value, len(_BASE62))
        chars.append(_BASE62[index])
    return "".join(chars)


def _card(
    ctx: Ctx,
    test_card: TestCard,
    exp_month: int,
    exp_year: int,
    *,
    cvc_check: str | None,
    preferred: str | None = None,
) -> dict[str, Any]:
    return {
        "brand": test_card.brand,
        "checks": {"address_line1_check": None, "address_postal_code_check": None, "cvc_check": cvc_check},
        "country": test_card.country,
        "display_brand": display_brand(test_card.brand),
        "exp_month": exp_month,
        "exp_year": exp_year,
        "fingerprint": _fingerprint(ctx, test_card.number),
        "funding": test_card.funding,
        "last4": test_card.number[-4:],
        "networks": {"available": [test_card.brand], "preferred": preferred},
    }
