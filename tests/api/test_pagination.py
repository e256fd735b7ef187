"""Cursor pagination: newest first, ``starting_after`` / ``ending_before``, ``has_more``, ``created``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import stripe

from billfold.catalog import create_product
from billfold.context import Ctx
from tests.support import Account, LiveServer

COUNT = 250


def _bulk_products(server: LiveServer, account: Account, count: int) -> list[str]:
    """``count`` products made through the catalog service in one unit; ids oldest first."""
    with server.database.unit_of_work() as session:
        ctx = Ctx(session, account.id, server.clock)
        return [create_product(ctx, {"name": f"p{n:03}"}).id for n in range(count)]


@pytest.fixture
def products(server: LiveServer, api: Account) -> list[str]:
    return _bulk_products(server, api, COUNT)


def test_auto_paging_walks_everything_newest_first(products: list[str]) -> None:
    walked = [p.id for p in stripe.Product.list(limit=7).auto_paging_iter()]
    assert walked == products[::-1]


def test_auto_paging_backwards_from_ending_before(products: list[str]) -> None:
    oldest = products[0]
    # stripe-python pages backwards with ``ending_before`` and yields oldest → newest.
    walked = [p.id for p in stripe.Product.list(limit=7, ending_before=oldest).auto_paging_iter()]
    assert walked == products[1:]
    middle = products[100]
    assert [p.id for p in stripe.Product.list(limit=9, ending_before=middle).auto_paging_iter()] == products[101:]


def test_pages_and_has_more_at_both_ends(products: list[str]) -> None:
    newest_first = products[::-1]
    first = stripe.Product.list(limit=100)
    assert [p.id for p in first.data] == newest_first[:100]
    assert first.has_more is True
    assert first.url == "/v1/products"
    second = stripe.Product.list(limit=100, starting_after=first.data[-1].id)
    assert [p.id for p in second.data] == newest_first[100:200]
    assert second.has_more is True
    last = stripe.Product.list(limit=100, starting_after=second.data[-1].id)
    assert [p.id for p in last.data] == newest_first[200:]
    assert last.has_more is False
    beyond = stripe.Product.list(starting_after=products[0])
    assert (beyond.data, beyond.has_more) == ([], False)
    exact = stripe.Product.list(limit=50, starting_after=newest_first[199])
    assert (len(exact.data), exact.has_more) == (50, False)

    # ending_before returns the page just newer than the cursor, still newest first.
    before = stripe.Product.list(limit=3, ending_before=products[10])
    assert [p.id for p in before.data] == [products[13], products[12], products[11]]
    assert before.has_more is True
    top = stripe.Product.list(limit=3, ending_before=products[-4])
    assert [p.id for p in top.data] == [products[-1], products[-2], products[-3]]
    assert top.has_more is False
    none_newer = stripe.Product.list(ending_before=products[-1])
    assert (none_newer.data, none_newer.has_more) == ([], False)
    assert stripe.Product.list().data[0].id == products[-1]  # default limit 10
    assert len(stripe.Product.list().data) == 10


def test_deleted_cursor_is_a_404(server: LiveServer, api: Account) -> None:
    ids = _bulk_products(server, api, 3)
    stripe.Product.delete(ids[1])
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.list(starting_after=ids[1])
    assert err.value.http_status == 404
    assert err.value.param == "starting_after"


def test_cursor_errors(api: Account) -> None:
    a = stripe.Product.create(name="a")
    b = stripe.Product.create(name="b")
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.list(starting_after=a.id, ending_before=b.id)
    assert err.value.http_status == 400
    assert err.value.code == "parameters_exclusive"
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.list(starting_after="prod_nope")
    assert err.value.http_status == 404
    assert err.value.code == "resource_missing"
    assert err.value.param == "starting_after"
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.list(ending_before="prod_nope")
    assert err.value.param == "ending_before"


@pytest.mark.parametrize("limit", [0, 101, -1])
def test_limit_bounds(api: Account, limit: int) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.Product.list(limit=limit)
    assert err.value.http_status == 400
    assert err.value.param == "limit"
    assert err.value.code == "parameter_invalid_integer"


def test_limit_edges(server: LiveServer, api: Account) -> None:
    _bulk_products(server, api, 101)
    assert len(stripe.Product.list(limit=1).data) == 1
    full = stripe.Product.list(limit=100)
    assert (len(full.data), full.has_more) == (100, True)


def test_created_filters(server: LiveServer, api: Account) -> None:
    ids: list[list[str]] = []
    stamps: list[int] = []
    for _ in range(3):
        stamps.append(int(server.clock.now().timestamp()))
        ids.append(_bulk_products(server, api, 2)[::-1])
        server.clock.advance(dt.timedelta(minutes=5))
    t0, t1, t2 = stamps

    def listed(**bounds: int) -> list[str]:
        created: Any = bounds
        return [p.id for p in stripe.Product.list(created=created, limit=100).auto_paging_iter()]

    assert listed(gte=t1) == ids[2] + ids[1]
    assert listed(gt=t1) == ids[2]
    assert listed(lt=t1) == ids[0]
    assert listed(lte=t1) == ids[1] + ids[0]
    assert listed(gte=t0, lt=t2) == ids[1] + ids[0]
    assert listed(gt=t2) == []
    assert [p.id for p in stripe.Product.list(created=t1).data] == ids[1]
    # Filters and cursors combine: page through created >= t1 one at a time.
    pages = [p.id for p in stripe.Product.list(created={"gte": t1}, limit=1).auto_paging_iter()]
    assert pages == ids[2] + ids[1]
