"""``charge_invoice_attempt`` against a real database: one attempt, one charge, one row."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from billfold.clock import FrozenClock
from billfold.context import Ctx
from billfold.db import Database
from billfold.ids import new_id, random_token
from billfold.models import Customer, Invoice, PaymentAttempt, PaymentMethod
from billfold.payments import ChargeResult, TestGateway, charge_invoice_attempt, invoice_attempt_key
from billfold.payments.payment_methods import resolve_payment_method
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
    clock = FrozenClock(START)
    account = new_account(database, clock, "Charges Inc.")
    with database.unit_of_work() as session:
        yield Ctx(session, account.id, clock)


class CountingGateway(TestGateway):
    """The test gateway, counting the calls that reach it."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def charge(
        self, *, payment_method: PaymentMethod, amount: int, currency: str, idempotency_key: str
    ) -> ChargeResult:
        self.calls += 1
        return super().charge(
            payment_method=payment_method, amount=amount, currency=currency, idempotency_key=idempotency_key
        )


def _invoice(ctx: Ctx) -> str:
    now = ctx.clock.now()
    customer = Customer(id=new_id("cus", 14), account_id=ctx.account_id, created=now, invoice_prefix=random_token(8))
    ctx.session.add(customer)
    ctx.session.flush()
    invoice = Invoice(
        id=new_id("in"),
        account_id=ctx.account_id,
        created=now,
        customer_id=customer.id,
        status="open",
        currency="usd",
        period_start=now,
        period_end=now,
        access_token=random_token(32),
    )
    ctx.session.add(invoice)
    ctx.session.flush()
    return invoice.id


def _attempt(ctx: Ctx, gateway: TestGateway, invoice_id: str, pm: PaymentMethod, number: int) -> ChargeResult:
    return charge_invoice_attempt(
        ctx, gateway, invoice_id=invoice_id, payment_method=pm, amount=2_500, currency="usd", attempt_number=number
    )


def _rows(ctx: Ctx, invoice_id: str) -> list[PaymentAttempt]:
    stmt = select(PaymentAttempt).where(PaymentAttempt.invoice_id == invoice_id).order_by(PaymentAttempt.pk)
    return list(ctx.session.scalars(stmt))


def test_success_is_recorded(ctx: Ctx) -> None:
    invoice_id = _invoice(ctx)
    pm = resolve_payment_method(ctx, "pm_card_visa", param="payment_method")
    result = _attempt(ctx, TestGateway(), invoice_id, pm, 1)
    assert result.succeeded
    [row] = _rows(ctx, invoice_id)
    assert (row.status, row.amount, row.currency, row.attempt_number) == ("succeeded", 2_500, "usd", 1)
    assert (row.decline_code, row.failure_message, row.charge_id) == (None, None, result.charge_id)
    assert row.payment_method_id == pm.id
    assert row.id.startswith("py_")


def test_decline_is_recorded_with_its_code(ctx: Ctx) -> None:
    invoice_id = _invoice(ctx)
    pm = resolve_payment_method(ctx, "pm_card_chargeCustomerFail", param="payment_method")
    result = _attempt(ctx, TestGateway(), invoice_id, pm, 1)
    assert not result.succeeded
    assert result.decline_code == "generic_decline"
    [row] = _rows(ctx, invoice_id)
    assert (row.status, row.decline_code, row.failure_message) == ("failed", "generic_decline", result.message)


def test_a_retried_attempt_is_not_charged_again(ctx: Ctx) -> None:
    invoice_id = _invoice(ctx)
    pm = resolve_payment_method(ctx, "pm_card_visa", param="payment_method")
    gateway = CountingGateway()
    first = _attempt(ctx, gateway, invoice_id, pm, 1)
    assert _attempt(ctx, gateway, invoice_id, pm, 1) == first
    assert gateway.calls == 1
    second = _attempt(ctx, gateway, invoice_id, pm, 2)
    assert gateway.calls == 2
    assert second.charge_id != first.charge_id
    assert ctx.session.scalar(select(func.count()).where(PaymentAttempt.invoice_id == invoice_id)) == 2


def test_a_rolled_back_attempt_reuses_the_gateway_key(ctx: Ctx) -> None:
    """If the row was lost with its transaction, the gateway still answers the first result."""
    invoice_id = _invoice(ctx)
    pm = resolve_payment_method(ctx, "pm_card_visa", param="payment_method")
    gateway = TestGateway()
    first = gateway.charge(
        payment_method=pm, amount=2_500, currency="usd", idempotency_key=invoice_attempt_key(invoice_id, 1)
    )
    assert _attempt(ctx, gateway, invoice_id, pm, 1) == first
