"""Stripe-style object ids and random tokens.

An id is a prefix and 24 base62 characters: 8 that encode the current millisecond, then 16
random ones (about 95 bits, so ids stay unguessable). The time part makes ids of new objects
sort together, so each table's unique index on ``id`` is appended to at its right edge, as
its primary key is, instead of at a random page: a write then dirties (and commits) one
page of that index shared with its neighbours, not a page of its own. It reveals nothing
that ``created`` does not already show.

Tokens (keys, portal tokens, hosted-page secrets) are wholly random and drawn straight from
the OS; ids take their random part from a small per-process buffer of base62 characters made
from ``os.urandom``, refilled 4 KiB at a time and discarded in a forked child.
"""

from __future__ import annotations

import os
import secrets
import string
import threading
import time
from collections.abc import Callable

__all__ = ["new_id", "random_token"]

_ALPHABET = string.ascii_letters + string.digits
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # ordered as bytes are
# Bytes 0..247 map onto the 62 characters four times over; 248..255 are dropped, so every
# character stays exactly equally likely (rejection sampling, done by bytes.translate in C).
_KEEP = 248
_TABLE = bytes(ord(_ALPHABET[b % len(_ALPHABET)]) for b in range(_KEEP)) + bytes(256 - _KEEP)
_DROP = bytes(range(_KEEP, 256))
_TIME_CHARS = 8  # 62**8 milliseconds: ordered for the next 6,900 years
_BUFFER_CHARS = 3960  # what 4 KiB of random bytes give on average (31/32 of them are kept)


def _base62(draw: Callable[[int], bytes], length: int) -> str:
    out = b""
    while len(out) < length:
        # A few spare bytes make a second draw rare (each byte is dropped with p = 1/32).
        out += draw(length - len(out) + 8).translate(_TABLE, _DROP)
    return out[:length].decode("ascii")


def random_token(length: int = 24) -> str:
    """A random base62 string (about 5.95 bits of entropy per character), from the OS's CSPRNG."""
    return _base62(secrets.token_bytes, length)


class _Entropy:
    """Random base62 characters, made from ``os.urandom`` 4 KiB at a time.

    One system call and one ``translate`` serve about 240 ids, each then a slice.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._chars = ""
        self._at = 0

    def take(self, n: int) -> str:
        with self._lock:
            at = self._at
            if at + n > len(self._chars):
                self._chars, at = _base62(os.urandom, _BUFFER_CHARS), 0
            self._at = at + n
            return self._chars[at : at + n]

    def discard(self) -> None:
        """Forget the buffer (a forked child must never repeat its parent's ids)."""
        self._lock = threading.Lock()
        self._chars, self._at = "", 0


_ENTROPY = _Entropy()
os.register_at_fork(after_in_child=_ENTROPY.discard)


_last_ms: list[tuple[int, str]] = [(-1, "")]  # the last millisecond encoded, and its characters


def _time_chars() -> str:
    now = time.time_ns() // 1_000_000
    last = _last_ms[0]
    if last[0] == now:
        return last[1]
    ms, chars = now, []
    for _ in range(_TIME_CHARS):
        ms, digit = divmod(ms, 62)
        chars.append(_DIGITS[digit])
    text = "".join(reversed(chars))
    _last_ms[0] = (now, text)
    return text


def new_id(prefix: str, length: int = 24) -> str:
    """A fresh id such as ``cus_0Sx8Yb2QfJ...``: time-ordered, with ~95 random bits at the default length.

    Shorter ids (request ids) are wholly random.
    """
    if length <= _TIME_CHARS + 8:
        return f"{prefix}_{_ENTROPY.take(length)}"
    return f"{prefix}_{_time_chars()}{_ENTROPY.take(length - _TIME_CHARS)}"
