"""Reads at the driver (billfold.rows) give exactly what the ORM gives, on every backend."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import stripe
from sqlalchemy import event, select

from billfold.context import Ctx
from billfold.customers import CUSTOMER_ROWS, find_customer, get_customer
from billfold.models import Customer
from billfold.objects.customer import customer_object
from tests.support import Account, LiveServer

COLUMNS = [column.key for column in Customer.__table__.c]


@pytest.fixture(params=["driver", "sqlalchemy"])
def path(request: pytest.FixtureRequest, server: LiveServer) -> Iterator[str]:
    """Both ways a FastSelect runs: on the driver, or through SQLAlchemy when cursor events are listened to."""
    if request.param == "driver":
        yield request.param
        return

    def listener(*_args: Any) -> None:
        pass

    event.listen(server.database.engine, "before_cursor_execute", listener)
    yield request.param
    event.remove(server.database.engine, "before_cursor_execute", listener)


def _customers(api: Account) -> list[str]:
    full = stripe.Customer.create(
        email="row@example.com",
        name="Row",
        phone="+15555550123",
        address={"line1": "1 Main St", "city": "Springfield", "country": "US"},
        shipping={"name": "Row", "address": {"line1": "2 Side St", "country": "US"}},
        invoice_settings={"footer": "Thanks", "custom_fields": [{"name": "PO", "value": "42"}]},
        preferred_locales=["en", "fr"],
        metadata={"a": "b"},
        balance=-500,
    )
    bare = stripe.Customer.create()
    deleted = stripe.Customer.create(email="gone@example.com")
    stripe.Customer.delete(deleted.id)
    return [full.id, bare.id, deleted.id]


def test_a_driver_row_equals_the_entity(server: LiveServer, api: Account, path: str) -> None:
    ids = _customers(api)
    with server.database.unit(readonly=True) as unit:
        ctx = Ctx(unit, api.id, server.clock)
        for customer_id in ids:
            row = find_customer(ctx, customer_id)
            entity = get_customer(ctx, customer_id, include_deleted=True)
            for key in COLUMNS:
                value, expected = getattr(row, key), getattr(entity, key)
                assert value == expected, (path, key)
                assert type(value) is type(expected), (path, key)
            if row.created is not None:
                assert row.created.tzinfo is not None
            assert customer_object(row) == customer_object(entity)


def test_list_rows_equal_the_entities(server: LiveServer, api: Account, path: str) -> None:
    _customers(api)
    with server.database.unit(readonly=True) as unit:
        ctx = Ctx(unit, api.id, server.clock)
        stmt = select(Customer).where(Customer.account_id == api.id).order_by(Customer.pk.desc())
        rows = CUSTOMER_ROWS.all(ctx.connection, stmt)
        entities = list(ctx.session.scalars(stmt))
    assert [customer_object(row) for row in rows] == [customer_object(entity) for entity in entities]
    assert [row.deleted_at for row in rows] == [entity.deleted_at for entity in entities]


def test_driver_reads_see_the_units_own_writes(server: LiveServer, api: Account) -> None:
    customer_id = _customers(api)[1]
    with server.database.unit() as unit:
        ctx = Ctx(unit, api.id, server.clock)
        get_customer(ctx, customer_id).name = "Renamed, not flushed yet"
        assert find_customer(ctx, customer_id).name == "Renamed, not flushed yet"
