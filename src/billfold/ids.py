"""Stripe-style object ids: a prefix and 24 unguessable base62 characters."""

from __future__ import annotations

import secrets
import string

__all__ = ["new_id", "random_token"]

_ALPHABET = string.ascii_letters + string.digits


def random_token(length: int = 24) -> str:
    """A random base62 string (about 5.95 bits of entropy per character)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_id(prefix: str, length: int = 24) -> str:
    """A fresh id such as ``cus_4Fj...``; 24 chars give ~143 bits, so ids are unguessable."""
    return f"{prefix}_{random_token(length)}"
