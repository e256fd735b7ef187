"""Stripe-style object ids: a prefix and 24 unguessable base62 characters."""

from __future__ import annotations

import secrets
import string

__all__ = ["new_id", "random_token"]

_ALPHABET = string.ascii_letters + string.digits
# Bytes 0..247 map onto the 62 characters four times over; 248..255 are dropped, so every
# character stays exactly equally likely (rejection sampling, done by bytes.translate in C).
_KEEP = 248
_TABLE = bytes(ord(_ALPHABET[b % len(_ALPHABET)]) for b in range(_KEEP)) + bytes(256 - _KEEP)
_DROP = bytes(range(_KEEP, 256))


def random_token(length: int = 24) -> str:
    """A random base62 string (about 5.95 bits of entropy per character), from the OS's CSPRNG."""
    out = b""
    while len(out) < length:
        # A few spare bytes make a second draw rare (each byte is dropped with p = 1/32).
        out += secrets.token_bytes(length - len(out) + 8).translate(_TABLE, _DROP)
    return out[:length].decode("ascii")


def new_id(prefix: str, length: int = 24) -> str:
    """A fresh id such as ``cus_4Fj...``; 24 chars give ~143 bits, so ids are unguessable."""
    return f"{prefix}_{random_token(length)}"
