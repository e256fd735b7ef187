"""Amounts for quantities: per-unit, decimal, graduated and volume tiers, packages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from billfold.catalog.pricing import amount_for_quantity, billable_quantity


@dataclass
class P:
    billing_scheme: str = "per_unit"
    unit_amount_decimal: str | None = None
    tiers_mode: str | None = None
    tiers: list[Any] | None = None
    transform_quantity: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def tier(up_to: int | None, unit: str = "0", flat: str | None = None) -> dict[str, Any]:
    return {"up_to": up_to, "unit_amount_decimal": unit, "flat_amount_decimal": flat}


def test_per_unit_and_decimal_rounding() -> None:
    assert amount_for_quantity(P(unit_amount_decimal="1250"), 3) == 3750
    # 0.5 of a minor unit rounds half up: 3 x 12.5 = 37.5 -> 38.
    assert amount_for_quantity(P(unit_amount_decimal="12.5"), 3) == 38
    assert amount_for_quantity(P(unit_amount_decimal="12.5"), 2) == 25


def test_graduated_tiers_sum_each_band() -> None:
    price = P("tiered", tiers_mode="graduated", tiers=[tier(5, "1000"), tier(10, "800"), tier(None, "500", "100")])
    # 5 x 1000 + 5 x 800 + 2 x 500 + flat 100 for entering the last band.
    assert amount_for_quantity(price, 12) == 5_000 + 4_000 + 1_000 + 100
    assert amount_for_quantity(price, 0) == 0


def test_volume_tiers_price_every_unit_at_the_reached_tier() -> None:
    price = P("tiered", tiers_mode="volume", tiers=[tier(5, "1000"), tier(None, "800", "50")])
    assert amount_for_quantity(price, 5) == 5_000
    assert amount_for_quantity(price, 6) == 6 * 800 + 50


def test_transform_quantity_packages() -> None:
    up = P(unit_amount_decimal="500", transform_quantity={"divide_by": 5, "round": "up"})
    down = P(unit_amount_decimal="500", transform_quantity={"divide_by": 5, "round": "down"})
    assert billable_quantity(up, 11) == 3
    assert amount_for_quantity(up, 11) == 1_500
    assert amount_for_quantity(down, 11) == 1_000


@given(unit=st.integers(0, 10**9), quantity=st.integers(0, 10_000))
def test_integer_prices_never_round(unit: int, quantity: int) -> None:
    assert amount_for_quantity(P(unit_amount_decimal=str(unit)), quantity) == unit * quantity


@given(
    bands=st.lists(st.integers(1, 50), min_size=1, max_size=4),
    units=st.lists(st.integers(0, 5_000), min_size=5, max_size=5),
    quantity=st.integers(0, 500),
)
def test_graduated_is_monotonic_in_quantity(bands: list[int], units: list[int], quantity: int) -> None:
    ceilings: list[int | None] = []
    total = 0
    for width in bands:
        total += width
        ceilings.append(total)
    ceilings.append(None)
    price = P("tiered", tiers_mode="graduated", tiers=[tier(c, str(u)) for c, u in zip(ceilings, units, strict=False)])
    assert amount_for_quantity(price, quantity + 1) >= amount_for_quantity(price, quantity) >= 0
