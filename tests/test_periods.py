"""Period arithmetic: month-end anchors, leap years, and properties over any anchor."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from billfold.subscriptions.periods import period_containing, period_start, step

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_month_end_anchor_steps_through_february_and_back() -> None:
    anchor = at("2024-01-31T10:00:00")
    starts = [period_start(anchor, "month", 1, n) for n in range(5)]
    assert starts == [
        at("2024-01-31T10:00:00"),
        at("2024-02-29T10:00:00"),  # leap year: clamped to the 29th
        at("2024-03-31T10:00:00"),  # and back to the 31st
        at("2024-04-30T10:00:00"),
        at("2024-05-31T10:00:00"),
    ]


def test_non_leap_february_and_yearly_leap_day() -> None:
    assert period_start(at("2023-01-31T00:00:00"), "month", 1, 1) == at("2023-02-28T00:00:00")
    leap = at("2024-02-29T00:00:00")
    assert period_start(leap, "year", 1, 1) == at("2025-02-28T00:00:00")
    assert period_start(leap, "year", 1, 4) == at("2028-02-29T00:00:00")


def test_period_containing_and_step() -> None:
    anchor = at("2024-01-31T10:00:00")
    assert period_containing(anchor, "month", 1, at("2024-03-01T00:00:00")) == (
        at("2024-02-29T10:00:00"),
        at("2024-03-31T10:00:00"),
    )
    assert step(at("2024-02-29T10:00:00"), anchor, "month", 1) == at("2024-03-31T10:00:00")
    assert period_containing(anchor, "week", 2, at("2024-02-14T10:00:00")) == (
        at("2024-02-14T10:00:00"),
        at("2024-02-28T10:00:00"),
    )


anchors = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive; timezones= makes them UTC
    max_value=dt.datetime(2090, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
intervals = st.sampled_from(["day", "week", "month", "year"])


@given(anchor=anchors, interval=intervals, count=st.integers(1, 12), offset=st.integers(-3_000, 30_000))
def test_containing_period_contains_the_instant(
    anchor: dt.datetime,
    interval: str,
    count: int,
    offset: int,
) -> None:
    instant = anchor + dt.timedelta(hours=offset)
    start, end = period_containing(anchor, interval, count, instant)
    assert start <= instant < end
    assert step(start, anchor, interval, count) == end


@given(anchor=anchors, count=st.integers(1, 12), n=st.integers(0, 200))
def test_monthly_boundaries_keep_the_anchor_day_or_month_end(anchor: dt.datetime, count: int, n: int) -> None:
    start = period_start(anchor, "month", count, n)
    nxt = period_start(anchor, "month", count, n + 1)
    assert start < nxt
    assert start.time() == anchor.time()
    # The day is the anchor's day unless the month is shorter, then its last day.
    assert start.day == anchor.day or (start + dt.timedelta(days=1)).day == 1
