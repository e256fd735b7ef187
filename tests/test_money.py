"""Properties of money: integer minor units, one currency at a time, fair proration."""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from billfold.money import (
    Currency,
    CurrencyMismatchError,
    Money,
    currency_exponent,
    format_money,
    is_known_currency,
    prorate,
)

CODES = ["usd", "eur", "gbp", "jpy", "krw", "kwd", "bhd", "chf", "isk", "ugx"]
amounts = st.integers(min_value=-(10**15), max_value=10**15)
currencies = st.sampled_from(CODES).map(Currency)
money = st.builds(Money, amounts, currencies)
# A billing period of up to a year in seconds, and a point inside it.
periods = st.integers(min_value=1, max_value=366 * 86_400)

COMBINE: list[Callable[[Money, Money], Any]] = [
    operator.add,
    operator.sub,
    operator.lt,
    operator.le,
    operator.gt,
    operator.ge,
]


@given(amounts, amounts, st.sampled_from(CODES), st.sampled_from(CODES), st.sampled_from(COMBINE))
def test_mixing_currencies_always_raises(a: int, b: int, x: str, y: str, op: Callable[[Money, Money], Any]) -> None:
    assume(x != y)
    with pytest.raises(CurrencyMismatchError):
        op(Money(a, Currency(x)), Money(b, Currency(y)))


@given(amounts, amounts, currencies, st.integers(min_value=-1000, max_value=1000))
def test_arithmetic_stays_integer(a: int, b: int, currency: Currency, k: int) -> None:
    x, y = Money(a, currency), Money(b, currency)
    for result, expected in ((x + y, a + b), (x - y, a - b), (-x, -a), (x * k, a * k), (k * x, a * k)):
        assert type(result.amount) is int
        assert result.amount == expected
        assert result.currency == currency
    assert (x < y) == (a < b)
    assert (x >= y) == (a >= b)


@given(money, st.floats(allow_nan=False, allow_infinity=False))
def test_floats_never_become_money(m: Money, factor: float) -> None:
    with pytest.raises(TypeError):
        m * factor  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money(factor, m.currency)  # type: ignore[arg-type]


def test_bools_and_decimals_are_not_amounts() -> None:
    usd = Currency("usd")
    with pytest.raises(TypeError):
        Money(True, usd)  # noqa: FBT003
    with pytest.raises(TypeError):
        Money(Decimal("1.5"), usd)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(1, usd) * True


@pytest.mark.parametrize(("code", "exponent"), [("JPY", 0), ("jpy", 0), ("USD", 2), ("usd", 2), ("KWD", 3), ("kwd", 3)])
def test_exponents(code: str, exponent: int) -> None:
    assert currency_exponent(code) == exponent
    assert Currency(code).exponent == exponent
    assert Currency(code).code == code.lower()


@given(amounts, currencies)
def test_to_decimal_moves_the_point_by_the_exponent(amount: int, currency: Currency) -> None:
    major = Money(amount, currency).to_decimal()
    assert major.scaleb(currency.exponent) == amount
    assert major == Decimal(amount) / Decimal(10) ** currency.exponent


def test_unknown_currencies() -> None:
    assert is_known_currency("USD")
    assert is_known_currency("eur")
    assert not is_known_currency("zzz")
    with pytest.raises(ValueError, match="Unknown currency"):
        Currency("zzz")


def test_format_money() -> None:
    assert format_money(1250, "usd") == "$12.50"
    assert format_money(500, "jpy") == "¥500"
    assert format_money(1500, "kwd") == "KWD1.500"
    assert format_money(1250, "eur", "de_DE") == "12,50\xa0€"


@st.composite
def share(draw: st.DrawFn) -> tuple[int, int, int]:
    period = draw(periods)
    remaining = draw(st.integers(min_value=0, max_value=period))
    return draw(amounts), remaining, period


@given(share())
def test_prorate_never_exceeds_the_amount(case: tuple[int, int, int]) -> None:
    amount, remaining, period = case
    part = prorate(amount, remaining, period)
    assert type(part) is int
    assert abs(part) <= abs(amount)
    assert part == 0 or (part > 0) == (amount > 0)
    assert prorate(amount, period, period) == amount
    assert prorate(amount, 0, period) == 0


@given(share())
def test_credit_and_debit_are_symmetric(case: tuple[int, int, int]) -> None:
    amount, remaining, period = case
    assert prorate(-amount, remaining, period) == -prorate(amount, remaining, period)


@given(share(), amounts)
def test_a_change_and_its_reverse_net_to_zero(case: tuple[int, int, int], other: int) -> None:
    old, remaining, period = case
    # Switch old → other, then straight back: each line is a credit of the unused share of
    # what was billed and a debit for the share of the new amount.
    there = -prorate(old, remaining, period) + prorate(other, remaining, period)
    back = -prorate(other, remaining, period) + prorate(old, remaining, period)
    assert there + back == 0


@given(share())
def test_the_two_halves_of_a_period_lose_at_most_one_minor_unit(case: tuple[int, int, int]) -> None:
    amount, remaining, period = case
    used = prorate(amount, period - remaining, period)
    left = prorate(amount, remaining, period)
    assert 0 <= abs(amount) - abs(used + left) <= 1


@given(share(), st.integers(min_value=0, max_value=366 * 86_400))
def test_prorate_grows_with_the_time_remaining(case: tuple[int, int, int], more: int) -> None:
    amount, remaining, period = case
    later = min(remaining + more, period)
    assert abs(prorate(amount, later, period)) >= abs(prorate(amount, remaining, period))


@pytest.mark.parametrize("period", [0, -1])
def test_prorate_needs_a_positive_period(period: int) -> None:
    with pytest.raises(ValueError, match="period_s must be positive"):
        prorate(100, 0, period)
