"""Billing periods: stepping from a billing cycle anchor by calendar intervals.

Every period boundary is computed from the anchor, never from the previous boundary,
so a month-end anchor comes back after a short month: Jan 31 → Feb 29 → Mar 31.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

__all__ = ["Interval", "period_containing", "period_start", "step"]

Interval = str  # "day" | "week" | "month" | "year"
_FIXED = {"day": dt.timedelta(days=1), "week": dt.timedelta(weeks=1)}


def _months_after(anchor: dt.datetime, months: int) -> dt.datetime:
    total = anchor.month - 1 + months
    year, month = anchor.year + total // 12, total % 12 + 1
    day = min(anchor.day, calendar.monthrange(year, month)[1])
    return anchor.replace(year=year, month=month, day=day)


def period_start(anchor: dt.datetime, interval: Interval, count: int, n: int) -> dt.datetime:
    """Start of the ``n``-th period after ``anchor`` (``n`` may be negative)."""
    if interval in _FIXED:
        return anchor + _FIXED[interval] * (count * n)
    months = count * n * (12 if interval == "year" else 1)
    if interval not in {"month", "year"}:
        msg = f"unknown interval {interval!r}"
        raise ValueError(msg)
    return _months_after(anchor, months)


@lru_cache(maxsize=4096)
def step(start: dt.datetime, anchor: dt.datetime, interval: Interval, count: int) -> dt.datetime:
    """The boundary after ``start``, where ``start`` is a boundary of ``anchor``'s cycle.

    Remembered: the worker's renewals of a batch mostly share their boundary and anchor.
    """
    n = _index(anchor, interval, count, start)
    return period_start(anchor, interval, count, n + 1)


def _index(anchor: dt.datetime, interval: Interval, count: int, at: dt.datetime) -> int:
    """The ``n`` whose period contains ``at``."""
    if interval in _FIXED:
        return (at - anchor) // (_FIXED[interval] * count)
    per = count * (12 if interval == "year" else 1)
    months = (at.year - anchor.year) * 12 + (at.month - anchor.month)
    n = months // per
    while period_start(anchor, interval, count, n) > at:
        n -= 1
    while period_start(anchor, interval, count, n + 1) <= at:
        n += 1
    return n


def period_containing(
    anchor: dt.datetime,
    interval: Interval,
    count: int,
    at: dt.datetime,
) -> tuple[dt.datetime, dt.datetime]:
    """``(start, end)`` of the period of ``anchor``'s cycle that contains ``at``."""
    n = _index(anchor, interval, count, at)
    return period_start(anchor, interval, count, n), period_start(anchor, interval, count, n + 1)
