"""``/v1/prices`` (no DELETE: Stripe prices are archived with ``active=false``, never deleted)."""

from __future__ import annotations

from typing import Any

from billfold import catalog
from billfold.api.expand import EXPANDERS
from billfold.api.listing import paginate, range_filter
from billfold.api.params.prices import PriceCreate, PriceList, PriceRetrieve, PriceSearch, PriceUpdate
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.models import Price
from billfold.objects.price import price_object
from billfold.objects.product import product_object

router = ApiRouter("Prices")


def _expand_product(ctx: Ctx, value: str, holder: dict[str, Any]) -> dict[str, Any]:
    return product_object(catalog.get_product(ctx, value, param=None))


def _expand_default_price(ctx: Ctx, value: str | None, holder: dict[str, Any]) -> dict[str, Any] | None:
    return None if value is None else price_object(catalog.get_price(ctx, value, param=None))


def _included(ctx: Ctx, value: Any, holder: dict[str, Any]) -> Any:  # noqa: ANN401 - passes any field through
    """Stripe makes callers ask for ``tiers`` and ``currency_options``; we always send them."""
    return value


EXPANDERS.setdefault("price", {}).update(product=_expand_product, tiers=_included, currency_options=_included)
EXPANDERS.setdefault("product", {})["default_price"] = _expand_default_price


@router.post("/v1/prices", PriceCreate, "Create a price", "price")
def create(ctx: Ctx, params: PriceCreate) -> dict[str, Any]:
    return price_object(catalog.create_price(ctx, params.given()))


@router.get("/v1/prices", PriceList, "List prices", "list")
def list_(ctx: Ctx, params: PriceList) -> dict[str, Any]:
    stmt = range_filter(catalog.list_prices_query(ctx, params.given()), Price.created, params.created)
    return paginate(
        ctx,
        Price,
        stmt,
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=price_object,
        url="/v1/prices",
        kind="price",
    )


@router.get("/v1/prices/search", PriceSearch, "Search prices", "search_result")
def search(ctx: Ctx, params: PriceSearch) -> dict[str, Any]:
    rows, next_page = catalog.search_prices(ctx, params.query, limit=params.limit, page=params.page)
    return {
        "object": "search_result",
        "data": [price_object(row) for row in rows],
        "has_more": next_page is not None,
        "next_page": next_page,
        "url": "/v1/prices/search",
    }


@router.get("/v1/prices/{id}", PriceRetrieve, "Retrieve a price", "price")
def retrieve(ctx: Ctx, params: PriceRetrieve, id: str) -> dict[str, Any]:
    return price_object(catalog.get_price(ctx, id))


@router.post("/v1/prices/{id}", PriceUpdate, "Update a price", "price")
def update(ctx: Ctx, params: PriceUpdate, id: str) -> dict[str, Any]:
    return price_object(catalog.update_price(ctx, id, params.given()))
