"""Where time comes from. Domain code asks a Clock, never the system directly."""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol

__all__ = ["Clock", "FrozenClock", "SystemClock", "from_unix", "to_unix"]


class Clock(Protocol):
    """Anything that can say what time it is (system, frozen for tests, a test clock)."""

    def now(self) -> dt.datetime:
        """The current instant, timezone-aware UTC, whole seconds."""
        ...


class SystemClock:
    """The real wall clock, truncated to seconds as Stripe's timestamps are.

    The datetime of the current second is made once and shared (datetimes are immutable):
    a write asks the time several times, and most requests fall in a second already seen.
    """

    __slots__ = ("_second",)

    def __init__(self) -> None:
        self._second: tuple[int, dt.datetime] = (-1, dt.datetime.min.replace(tzinfo=dt.UTC))

    def now(self) -> dt.datetime:
        """Wall-clock time in UTC."""
        second = int(time.time())
        cached = self._second  # one read and one write of a tuple: safe across threads
        if cached[0] != second:
            cached = self._second = (second, dt.datetime.fromtimestamp(second, dt.UTC))
        return cached[1]


class FrozenClock:
    """A clock that only moves when told to; used by tests and test clocks."""

    def __init__(self, at: dt.datetime) -> None:
        self._at = at.astimezone(dt.UTC).replace(microsecond=0)

    def now(self) -> dt.datetime:
        """The frozen instant."""
        return self._at

    def set(self, at: dt.datetime) -> None:
        """Move the clock to ``at``."""
        self._at = at.astimezone(dt.UTC).replace(microsecond=0)

    def advance(self, delta: dt.timedelta) -> None:
        """Move the clock forward by ``delta``."""
        self._at += delta


def to_unix(value: dt.datetime) -> int:
    """Unix seconds for an aware datetime (naive values are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return int(value.timestamp())


def from_unix(seconds: int) -> dt.datetime:
    """Aware UTC datetime for unix seconds."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC)
