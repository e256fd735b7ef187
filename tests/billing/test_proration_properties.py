"""Properties of prorations and discount allocation, over random prices, quantities and instants.

No server: ``proration_lines`` and ``allocate_discounts`` are pure functions of their
arguments, so transient (never persisted) ``Price`` and ``Coupon`` rows stand in.
"""

from __future__ import annotations

import calendar
import datetime as dt
from itertools import count

from hypothesis import given, settings
from hypothesis import strategies as st

from billfold.catalog.pricing import amount_for_quantity
from billfold.invoices.discounts import AppliedDiscount, LineAmount, allocate_discounts
from billfold.models import Coupon, Price
from billfold.subscriptions.lines import ItemTerms, proration_lines
from billfold.subscriptions.periods import period_containing, period_start

UTC = dt.UTC
# No per-example deadline: these run beside live servers, where a slow example is load, not a bug.
relaxed = settings(deadline=None)
_ids = count()
# A two-decimal, a zero-decimal and a three-decimal currency.
CURRENCIES = st.sampled_from(["usd", "jpy", "kwd"])
INTERVALS = st.sampled_from([("day", 1), ("week", 1), ("month", 1), ("month", 3), ("year", 1)])
AMOUNTS = st.integers(min_value=0, max_value=10_000_000)
QUANTITIES = st.integers(min_value=1, max_value=1_000)
ANCHORS = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive; timezones= adds UTC
    max_value=dt.datetime(2060, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
).map(lambda d: d.replace(microsecond=0))


def price(unit_amount: int, currency: str = "usd", *, tiers: list[dict[str, object]] | None = None) -> Price:
    n = next(_ids)
    return Price(
        id=f"price_{n}",
        product_id=f"prod_{n}",
        currency=currency,
        type="recurring",
        billing_scheme="tiered" if tiers else "per_unit",
        unit_amount=None if tiers else unit_amount,
        unit_amount_decimal=None if tiers else str(unit_amount),
        tiers_mode="graduated" if tiers else None,
        tiers=tiers,
        transform_quantity=None,
    )


@st.composite
def prices(draw: st.DrawFn, currency: str) -> Price:
    if draw(st.booleans()):
        return price(draw(AMOUNTS), currency)
    first, rest = draw(st.integers(0, 50_000)), draw(st.integers(0, 50_000))
    tiers: list[dict[str, object]] = [
        {"up_to": draw(st.integers(1, 20)), "unit_amount_decimal": str(first), "flat_amount_decimal": None},
        {"up_to": None, "unit_amount_decimal": str(rest), "flat_amount_decimal": str(draw(st.integers(0, 999)))},
    ]
    return price(0, currency, tiers=tiers)


@st.composite
def periods(draw: st.DrawFn) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """``(start, end, at)``: a billing period and an instant inside it."""
    anchor = draw(ANCHORS)
    interval, n = draw(INTERVALS)
    start, end = anchor, period_start(anchor, interval, n, 1)
    seconds = int((end - start).total_seconds())
    at = start + dt.timedelta(seconds=draw(st.integers(0, seconds - 1)))
    return start, end, at


def prorate_change(old: ItemTerms | None, new: ItemTerms | None, span: tuple[dt.datetime, ...]) -> list[int]:
    start, end, at = span
    lines = proration_lines(old, new, {}, at=at, period_start=start, period_end=end, subscription_id="sub_x")
    return [line.amount for line in lines]


@relaxed
@given(st.data(), CURRENCIES, QUANTITIES, QUANTITIES, periods())
def test_a_change_and_its_reverse_net_to_zero(
    data: st.DataObject,
    currency: str,
    q1: int,
    q2: int,
    span: tuple[dt.datetime, ...],
) -> None:
    a, b = data.draw(prices(currency)), data.draw(prices(currency))
    up = prorate_change(ItemTerms("si_1", a, q1), ItemTerms("si_1", b, q2), span)
    down = prorate_change(ItemTerms("si_1", b, q2), ItemTerms("si_1", a, q1), span)
    assert abs(sum(up) + sum(down)) <= len(up) + len(down)
    assert sorted(up) == sorted(-x for x in down)  # in fact exactly: the same magnitudes, mirrored


@relaxed
@given(st.data(), CURRENCIES, QUANTITIES, periods())
def test_proration_never_exceeds_the_full_period(
    data: st.DataObject,
    currency: str,
    quantity: int,
    span: tuple[dt.datetime, ...],
) -> None:
    p = data.draw(prices(currency))
    full = amount_for_quantity(p, quantity)
    for amount in prorate_change(ItemTerms("si_1", p, quantity), ItemTerms("si_1", p, quantity), span):
        assert abs(amount) <= full


@relaxed
@given(st.data(), CURRENCIES, QUANTITIES, periods(), st.integers(0, 10**9))
def test_credit_and_debit_are_bounded_and_shrink_with_remaining_time(
    data: st.DataObject,
    currency: str,
    quantity: int,
    span: tuple[dt.datetime, ...],
    later_by: int,
) -> None:
    old, new = data.draw(prices(currency)), data.draw(prices(currency))
    start, end, at = span
    later = min(at + dt.timedelta(seconds=later_by), end - dt.timedelta(seconds=1))
    old_terms, new_terms = ItemTerms("si_1", old, quantity), ItemTerms("si_1", new, quantity)
    credit, debit = prorate_change(old_terms, None, span), prorate_change(None, new_terms, span)
    later_credit = prorate_change(old_terms, None, (start, end, later))
    later_debit = prorate_change(None, new_terms, (start, end, later))
    full_old, full_new = amount_for_quantity(old, quantity), amount_for_quantity(new, quantity)
    assert -full_old <= sum(credit) <= 0
    assert 0 <= sum(debit) <= full_new
    # Less time left, less to credit or charge.
    assert sum(credit) <= sum(later_credit) <= 0
    assert sum(debit) >= sum(later_debit) >= 0
    if at == start:
        assert (sum(credit), sum(debit)) == (-full_old, full_new)


@relaxed
@given(st.integers(1900, 2200), st.sampled_from([29, 30, 31]), st.integers(0, 23), st.integers(1, 30))
def test_month_end_anchors_step_through_february(year: int, day: int, hour: int, months: int) -> None:
    anchor = dt.datetime(year, 1, day, hour, tzinfo=UTC)
    previous = anchor
    for n in range(1, months + 1):
        start = period_start(anchor, "month", 1, n)
        last = calendar.monthrange(start.year, start.month)[1]
        assert start.day == min(day, last)  # clamped in short months, back to the anchor day after
        assert (start.hour, start.minute) == (hour, 0)
        assert start > previous
        assert period_containing(anchor, "month", 1, start) == (start, period_start(anchor, "month", 1, n + 1))
        previous = start


@relaxed
@given(st.integers(2000, 2100).filter(calendar.isleap), st.integers(1, 28), st.integers(1, 100).map(lambda k: k * 29))
def test_proration_over_a_leap_february(year: int, days_left: int, daily: int) -> None:
    # A Jan 31 anchor: the second period is Feb 29 .. Mar 31 (31 days), the first Jan 31 .. Feb 29 (29 days).
    anchor = dt.datetime(year, 1, 31, 10, tzinfo=UTC)
    start, end = period_containing(anchor, "month", 1, dt.datetime(year, 2, 15, tzinfo=UTC))
    assert (start, end) == (anchor, dt.datetime(year, 2, 29, 10, tzinfo=UTC))
    assert period_containing(anchor, "month", 1, end)[1] == dt.datetime(year, 3, 31, 10, tzinfo=UTC)
    # A price that is a multiple of 29 prorates to whole days of the 29-day period.
    p = price(daily)
    at = end - dt.timedelta(days=days_left)
    amounts = prorate_change(ItemTerms("si_1", p, 1), None, (start, end, at))
    assert amounts == [-(daily // 29) * days_left]


def _coupon(percent: int | None, amount_off: int | None, currency: str, products: list[str] | None) -> Coupon:
    return Coupon(
        id=f"co_{next(_ids)}",
        percent_off=None if percent is None else str(percent),
        amount_off=amount_off,
        currency=None if percent is not None else currency,
        duration="forever",
        applies_to_products=products,
    )


LINES = st.lists(
    st.builds(
        LineAmount,
        amount=st.integers(-100_000, 1_000_000),
        product_id=st.sampled_from(["prod_a", "prod_b", None]),
        discountable=st.booleans(),
    ),
    min_size=1,
    max_size=8,
)
COUPONS = st.lists(
    st.one_of(
        st.tuples(st.integers(1, 100), st.none()),
        st.tuples(st.none(), st.integers(1, 2_000_000)),
    ).flatmap(
        lambda terms: st.builds(
            _coupon,
            st.just(terms[0]),
            st.just(terms[1]),
            st.just("usd"),
            st.sampled_from([None, ["prod_a"], ["prod_b", "prod_a"]]),
        ),
    ),
    min_size=1,
    max_size=3,
)


@relaxed
@given(LINES, COUPONS)
def test_discount_allocation(lines: list[LineAmount], coupons: list[Coupon]) -> None:
    discounts = [AppliedDiscount(f"di_{i}", c) for i, c in enumerate(coupons)]
    allocation = allocate_discounts(lines, discounts, "usd")
    remaining = [line.amount for line in lines]
    for applied in discounts:
        parts = [dict(line_parts).get(applied.discount_id, 0) for line_parts in allocation]
        eligible = [
            line.discountable
            and (not applied.coupon.applies_to_products or line.product_id in applied.coupon.applies_to_products)
            for line in lines
        ]
        for part, left, ok in zip(parts, remaining, eligible, strict=True):
            if not ok:
                assert part == 0
            # A discount never exceeds what is left of the line, never flips its sign.
            assert abs(part) <= abs(left)
            assert part * left >= 0
        if applied.coupon.amount_off is not None:
            pool = sum(left for left, ok in zip(remaining, eligible, strict=True) if ok and left > 0)
            assert sum(parts) == min(applied.coupon.amount_off, pool)  # to the minor unit
            assert all(p >= 0 for p in parts)
        remaining = [left - part for left, part in zip(remaining, parts, strict=True)]
    for line, left in zip(lines, remaining, strict=True):
        if line.amount >= 0:
            assert 0 <= left <= line.amount  # a positive line is never discounted below zero
