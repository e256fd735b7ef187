"""Redemption rules called directly with a database session, on every backend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from billfold import coupons
from billfold.clock import FrozenClock, to_unix
from billfold.context import Ctx
from billfold.db import Database
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.ids import new_id, random_token
from billfold.models import Coupon, Customer, PromotionCode
from billfold.money import CurrencyMismatchError
from tests.support import START, backends, drop_database, fresh_database, new_account


@pytest.fixture(scope="module", params=backends())
def database(request: pytest.FixtureRequest) -> Iterator[Database]:
    url = fresh_database(request.param)
    db = Database(url)
    yield db
    db.close()
    drop_database(url)


@pytest.fixture
def ctx(database: Database) -> Iterator[Ctx]:
    """A unit of work as a fresh account (each test has its own account, so nothing leaks)."""
    clock = FrozenClock(START)
    account = new_account(database, clock, "Coupons Inc.")
    with database.unit_of_work() as session:
        yield Ctx(session, account.id, clock)


def _coupon(ctx: Ctx, **data: Any) -> Coupon:
    return coupons.create_coupon(ctx, data or {"percent_off": Decimal(10)})


def _customer(ctx: Ctx) -> str:
    customer = Customer(
        id=new_id("cus", 14), account_id=ctx.account_id, created=ctx.clock.now(), invoice_prefix=random_token(8)
    )
    ctx.session.add(customer)
    ctx.session.flush()
    return customer.id


def _promo(ctx: Ctx, coupon: Coupon, **data: Any) -> PromotionCode:
    return coupons.create_promotion_code(ctx, {"promotion": {"type": "coupon", "coupon": coupon.id}, **data})


def _later(ctx: Ctx, **delta: float) -> int:
    return to_unix(ctx.clock.now() + dt.timedelta(**delta))


def _advance(ctx: Ctx, **delta: float) -> None:
    clock = ctx.clock
    assert isinstance(clock, FrozenClock)
    clock.advance(dt.timedelta(**delta))


def _check(ctx: Ctx, code: str, **kwargs: Any) -> PromotionCode:
    args: dict[str, Any] = {"customer_id": None, "amount": 10_000, "currency": "usd", "param": "promotion_code"}
    return coupons.check_promotion_code(ctx, code, **{**args, **kwargs})


def _refused(ctx: Ctx, code: str, expected_code: str | None, **kwargs: Any) -> None:
    with pytest.raises(InvalidRequestError) as err:
        _check(ctx, code, **kwargs)
    assert err.value.http_status == 400
    assert err.value.code == expected_code
    assert err.value.param == "promotion_code"


# -- redeemable_coupon ------------------------------------------------------------


def test_redeemable_coupon(ctx: Ctx) -> None:
    coupon = _coupon(ctx, id="TEN", amount_off=1000, currency="usd")
    assert coupons.redeemable_coupon(ctx, "TEN", param="coupon", currency="USD") is coupon
    with pytest.raises(InvalidRequestError) as err:
        coupons.redeemable_coupon(ctx, "TEN", param="discounts[0][coupon]", currency="eur")
    assert (err.value.code, err.value.param) == (None, "discounts[0][coupon]")


def test_redeemable_coupon_missing_or_deleted(ctx: Ctx) -> None:
    with pytest.raises(ResourceMissingError) as err:
        coupons.redeemable_coupon(ctx, "nope", param="coupon")
    assert (err.value.http_status, err.value.param) == (404, "coupon")
    coupons.delete_coupon(ctx, _coupon(ctx, id="GONE", percent_off=Decimal(5)).id)
    with pytest.raises(ResourceMissingError):
        coupons.redeemable_coupon(ctx, "GONE", param="coupon")


def test_redeemable_coupon_expired_by_clock(ctx: Ctx) -> None:
    _coupon(ctx, id="SOON", percent_off=Decimal(5), redeem_by=_later(ctx, hours=1))
    assert coupons.redeemable_coupon(ctx, "SOON", param="coupon").id == "SOON"
    _advance(ctx, hours=1)
    with pytest.raises(InvalidRequestError) as err:
        coupons.redeemable_coupon(ctx, "SOON", param="coupon")
    assert (err.value.code, err.value.param) == ("coupon_expired", "coupon")


def test_record_redemption_stops_at_max(ctx: Ctx) -> None:
    coupon = _coupon(ctx, id="TWICE", percent_off=Decimal(5), max_redemptions=2)
    coupons.record_redemption(ctx, coupon)
    coupons.record_redemption(ctx, coupon)
    assert coupon.times_redeemed == 2
    with pytest.raises(InvalidRequestError) as err:
        coupons.redeemable_coupon(ctx, "TWICE", param="coupon")
    assert err.value.code == "coupon_expired"
    with pytest.raises(InvalidRequestError) as err:
        coupons.record_redemption(ctx, coupon, param="coupon")
    assert (err.value.code, err.value.param) == ("coupon_expired", "coupon")
    stored = ctx.session.execute(select(Coupon.times_redeemed).where(Coupon.pk == coupon.pk)).scalar_one()
    assert stored == 2


def test_record_redemption_counts_the_code_too(ctx: Ctx) -> None:
    coupon = _coupon(ctx)
    promo = _promo(ctx, coupon, code="ONCE", max_redemptions=1)
    coupons.record_redemption(ctx, coupon, promo)
    assert (coupon.times_redeemed, promo.times_redeemed) == (1, 1)
    _refused(ctx, "once", "coupon_expired")
    with pytest.raises(InvalidRequestError) as err:
        coupons.record_redemption(ctx, coupon, promo)
    assert err.value.code == "coupon_expired"


# -- check_promotion_code -----------------------------------------------------------


def test_check_by_code_any_case_and_by_id(ctx: Ctx) -> None:
    promo = _promo(ctx, _coupon(ctx), code="Save10")
    assert _check(ctx, "SAVE10") is promo
    assert _check(ctx, "save10") is promo
    assert _check(ctx, promo.id) is promo
    with pytest.raises(ResourceMissingError) as err:
        _check(ctx, "NOPE")
    assert (err.value.http_status, err.value.param) == (404, "promotion_code")


def test_check_inactive_and_deleted_coupon(ctx: Ctx) -> None:
    coupon = _coupon(ctx)
    promo = _promo(ctx, coupon, code="OFF")
    coupons.update_promotion_code(ctx, promo.id, {"active": False})
    _refused(ctx, "OFF", None)
    coupons.update_promotion_code(ctx, promo.id, {"active": True})
    coupons.delete_coupon(ctx, coupon.id)
    _refused(ctx, "OFF", "coupon_expired")


def test_check_expiry_of_code_and_coupon(ctx: Ctx) -> None:
    coupon = _coupon(ctx, percent_off=Decimal(5), redeem_by=_later(ctx, days=2))
    _promo(ctx, coupon, code="DAY", expires_at=_later(ctx, days=1))
    _promo(ctx, coupon, code="COUPONLIMIT")
    _check(ctx, "DAY")
    _advance(ctx, days=1)
    _refused(ctx, "DAY", "coupon_expired")
    _check(ctx, "COUPONLIMIT")
    _advance(ctx, days=1)
    _refused(ctx, "COUPONLIMIT", "coupon_expired")


def test_check_customer_restriction(ctx: Ctx) -> None:
    mine, other = _customer(ctx), _customer(ctx)
    _promo(ctx, _coupon(ctx), code="VIP", customer=mine)
    assert _check(ctx, "VIP", customer_id=mine).customer_id == mine
    _refused(ctx, "VIP", None, customer_id=other)
    _refused(ctx, "VIP", None, customer_id=None)


def test_check_first_time_transaction(ctx: Ctx) -> None:
    _promo(ctx, _coupon(ctx), code="WELCOME", restrictions={"first_time_transaction": True})
    _check(ctx, "WELCOME", has_prior_transactions=False)
    _refused(ctx, "WELCOME", None, has_prior_transactions=True)


def test_check_minimum_amount(ctx: Ctx) -> None:
    restrictions = {"minimum_amount": 5_000, "minimum_amount_currency": "usd"}
    _promo(ctx, _coupon(ctx), code="BIG", restrictions=restrictions)
    _check(ctx, "BIG", amount=5_000, currency="USD")
    _refused(ctx, "BIG", None, amount=4_999)
    _refused(ctx, "BIG", None, amount=9_999, currency="eur")


def test_check_amount_off_currency(ctx: Ctx) -> None:
    _promo(ctx, _coupon(ctx, amount_off=500, currency="eur"), code="EURO")
    _check(ctx, "EURO", currency="eur")
    _refused(ctx, "EURO", None, currency="usd")


def test_check_coupon_used_up(ctx: Ctx) -> None:
    coupon = _coupon(ctx, percent_off=Decimal(5), max_redemptions=1)
    _promo(ctx, coupon, code="LAST")
    coupons.record_redemption(ctx, coupon)
    _refused(ctx, "LAST", "coupon_expired")


# -- discount_amount ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "amount", "expected"),
    [
        ("12.5", 1001, 125),  # 125.125 rounds down
        ("50", 1, 1),  # 0.5 rounds half up
        ("33.33", 300, 100),  # 99.99 rounds to 100
        ("100", 999, 999),
        ("0.01", 49, 0),  # 0.0049
        ("10", 0, 0),
        ("10", -500, 0),
    ],
)
def test_percent_discount(percent: str, amount: int, expected: int) -> None:
    assert coupons.discount_amount(Coupon(percent_off=percent), amount) == expected


def test_amount_discount_is_capped_and_checks_currency() -> None:
    coupon = Coupon(amount_off=500, currency="usd")
    assert coupons.discount_amount(coupon, 2_000, currency="USD") == 500
    assert coupons.discount_amount(coupon, 300) == 300
    with pytest.raises(CurrencyMismatchError):
        coupons.discount_amount(coupon, 2_000, currency="eur")


_percents = st.integers(min_value=1, max_value=10_000).map(lambda bp: format(Decimal(bp).scaleb(-2).normalize(), "f"))


@given(percent=_percents, amount=st.integers(min_value=-(10**12), max_value=10**15))
def test_percent_discount_stays_within_amount(percent: str, amount: int) -> None:
    discount = coupons.discount_amount(Coupon(percent_off=percent), amount)
    assert 0 <= discount <= max(amount, 0)


@given(amount_off=st.integers(min_value=1, max_value=10**12), amount=st.integers(min_value=-(10**12), max_value=10**12))
def test_amount_discount_stays_within_amount(amount_off: int, amount: int) -> None:
    discount = coupons.discount_amount(Coupon(amount_off=amount_off, currency="usd"), amount)
    assert 0 <= discount <= max(amount, 0)


# -- unique keys under a race ----------------------------------------------------------


def test_code_taken_between_check_and_insert_is_a_400(ctx: Ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    from billfold.coupons import promotion_codes

    coupon = _coupon(ctx)
    _promo(ctx, coupon, code="RACE")
    monkeypatch.setattr(promotion_codes, "_taken", lambda _ctx, _code: False)
    with pytest.raises(InvalidRequestError) as err:
        _promo(ctx, coupon, code="race")
    assert (err.value.code, err.value.param) == ("resource_already_exists", "code")
    assert _promo(ctx, coupon, code="AFTER").code == "AFTER"  # the transaction is still usable
