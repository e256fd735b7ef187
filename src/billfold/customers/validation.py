"""Checks on a customer's contact fields and invoice prefix.

They live in the domain, not in request parsing, because every way of writing a
customer (API, portal, checkout) must apply them, and the phone check needs the
customer's stored address when an update changes only the phone.
"""

from __future__ import annotations

import re
import secrets
import string

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from billfold.errors import InvalidRequestError

__all__ = ["check_email", "check_invoice_prefix", "check_phone", "random_invoice_prefix"]

_PREFIX = re.compile(r"[A-Z0-9]{3,12}")
_PREFIX_ALPHABET = string.ascii_uppercase + string.digits
GENERATED_PREFIX_LENGTH = 8


def check_email(email: str) -> str:
    """``email`` if its syntax is valid (deliverability is not checked: no network in a request)."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidRequestError(
            f"Invalid email address: {email} ({exc})", code="email_invalid", param="email"
        ) from None
    return email


def check_phone(phone: str, country: str | None) -> str:
    """``phone`` as given, if it reads as a possible number in ``country`` (or is international)."""
    try:
        number = phonenumbers.parse(phone, country.upper() if country else None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        where = f" in {country}" if country else " (use the international format, e.g. +14155552671)"
        raise InvalidRequestError(f"Invalid phone number: {phone}{where}.", param="phone")
    return phone


def check_invoice_prefix(prefix: str) -> str:
    """``prefix`` if it is 3 to 12 uppercase letters or digits, as Stripe requires."""
    if _PREFIX.fullmatch(prefix) is None:
        raise InvalidRequestError(
            f"Invalid invoice_prefix: '{prefix}' must be 3 to 12 uppercase letters or numbers.",
            param="invoice_prefix",
        )
    return prefix


def random_invoice_prefix() -> str:
    """A fresh prefix like Stripe's generated ones (8 characters, ~41 bits)."""
    return "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(GENERATED_PREFIX_LENGTH))
