"""``/v1/products``."""

from __future__ import annotations

from typing import Any

from billfold import catalog
from billfold.api.listing import paginate, range_filter
from billfold.api.params.products import ProductCreate, ProductDelete, ProductList, ProductRetrieve, ProductUpdate
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.models import Product
from billfold.objects import deleted_object
from billfold.objects.product import product_object

router = ApiRouter("Products")


@router.post("/v1/products", ProductCreate, "Create a product", "product")
def create(ctx: Ctx, params: ProductCreate) -> dict[str, Any]:
    return product_object(catalog.create_product(ctx, params.given()))


@router.get("/v1/products", ProductList, "List products", "list")
def list_(ctx: Ctx, params: ProductList) -> dict[str, Any]:
    stmt = catalog.list_products_query(ctx, params.given())
    stmt = range_filter(stmt, Product.created, params.created)
    return paginate(
        ctx,
        Product,
        stmt,
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=product_object,
        url="/v1/products",
        kind="product",
    )


@router.get("/v1/products/{id}", ProductRetrieve, "Retrieve a product", "product")
def retrieve(ctx: Ctx, params: ProductRetrieve, id: str) -> dict[str, Any]:
    return product_object(catalog.get_product(ctx, id))


@router.post("/v1/products/{id}", ProductUpdate, "Update a product", "product")
def update(ctx: Ctx, params: ProductUpdate, id: str) -> dict[str, Any]:
    return product_object(catalog.update_product(ctx, id, params.given()))


@router.delete("/v1/products/{id}", ProductDelete, "Delete a product", "deleted_product")
def delete(ctx: Ctx, params: ProductDelete, id: str) -> dict[str, Any]:
    return deleted_object("product", catalog.delete_product(ctx, id))
