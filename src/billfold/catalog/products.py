"""Rules for products."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, select

from billfold.context import Ctx
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.events import diff, record_event, replace_event_object
from billfold.ids import new_id
from billfold.metadata import merge_metadata
from billfold.models import Price, Product
from billfold.objects.product import product_object

__all__ = ["create_product", "delete_product", "get_product", "list_products_query", "update_product"]

_SIMPLE = (
    "name",
    "active",
    "description",
    "images",
    "package_dimensions",
    "shippable",
    "statement_descriptor",
    "tax_code",
    "unit_label",
    "url",
)


def get_product(ctx: Ctx, product_id: str, *, param: str | None = "id") -> Product:
    """A live product of this account, or 404."""
    product = ctx.session.scalars(
        select(Product).where(
            Product.account_id == ctx.account_id,
            Product.id == product_id,
            Product.deleted_at.is_(None),
        ),
    ).one_or_none()
    if product is None:
        raise ResourceMissingError("product", product_id, param=param)
    return product


def create_product(ctx: Ctx, data: dict[str, Any]) -> Product:
    """A new product; ``default_price_data`` also creates its first price."""
    product_id = data.get("id") or new_id("prod", 14)
    taken = ctx.session.scalar(
        select(exists().where(Product.account_id == ctx.account_id, Product.id == product_id)),
    )
    if taken:
        raise InvalidRequestError(
            f"Product already exists: {product_id}",
            code="resource_already_exists",
            param="id",
        )
    now = ctx.clock.now()
    product = Product(
        id=product_id,
        account_id=ctx.account_id,
        created=now,
        updated=now,
        name=data["name"],
        active=data.get("active", True),
        description=data.get("description"),
        images=data.get("images") or [],
        marketing_features=data.get("marketing_features") or [],
        package_dimensions=data.get("package_dimensions"),
        shippable=data.get("shippable"),
        statement_descriptor=data.get("statement_descriptor"),
        tax_code=data.get("tax_code"),
        unit_label=data.get("unit_label"),
        url=data.get("url"),
        type=data.get("type", "service"),
        metadata_=merge_metadata({}, data.get("metadata") or {}),
    )
    ctx.session.add(product)
    ctx.session.flush()
    created = record_event(ctx, "product.created", product_object(product))
    if data.get("default_price_data"):
        from billfold.catalog.prices import create_price

        price = create_price(
            ctx, {**data["default_price_data"], "product": product.id}, param_prefix="default_price_data"
        )
        product.default_price_id = price.id
        # product.created stays first (as Stripe orders them) but shows the product as created.
        replace_event_object(ctx, created, product_object(product))
    return product


def update_product(ctx: Ctx, product_id: str, data: dict[str, Any]) -> Product:
    """Apply the given fields; emits ``product.updated`` with what changed."""
    product = get_product(ctx, product_id)
    before = product_object(product)
    for field in _SIMPLE:
        if field in data:
            value = data[field]
            setattr(product, field, [] if field == "images" and value is None else value)
    if "marketing_features" in data:
        product.marketing_features = data["marketing_features"] or []
    if "metadata" in data:
        product.metadata_ = merge_metadata(product.metadata_, data["metadata"])
    if "default_price" in data:
        product.default_price_id = _default_price(ctx, product, data["default_price"])
    after = product_object(product)
    if after != before:
        product.updated = ctx.clock.now()
        ctx.session.flush()
        after = product_object(product)
        record_event(ctx, "product.updated", after, diff(before, after))
    return product


def _default_price(ctx: Ctx, product: Product, price_id: str | None) -> str | None:
    if price_id is None:
        return None
    price = ctx.session.scalars(
        select(Price).where(Price.account_id == ctx.account_id, Price.id == price_id, Price.deleted_at.is_(None)),
    ).one_or_none()
    if price is None:
        raise ResourceMissingError("price", price_id, param="default_price")
    if price.product_id != product.id:
        raise InvalidRequestError(
            f"The price '{price_id}' does not belong to product '{product.id}'.",
            param="default_price",
        )
    if not price.active:
        raise InvalidRequestError(
            f"The price '{price_id}' is not active and cannot be the default price.",
            param="default_price",
        )
    return price.id


def delete_product(ctx: Ctx, product_id: str) -> str:
    """Delete a product that has no prices (Stripe's rule); returns its id."""
    product = get_product(ctx, product_id)
    has_prices = ctx.session.scalar(
        select(exists().where(Price.account_id == ctx.account_id, Price.product_id == product.id)),
    )
    if has_prices:
        raise InvalidRequestError(
            "This product cannot be deleted because it has one or more user-created prices.",
        )
    record_event(ctx, "product.deleted", {**product_object(product), "active": False})
    ctx.session.delete(product)
    ctx.session.flush()
    return product.id


def list_products_query(ctx: Ctx, filters: dict[str, Any]) -> Select[Product]:
    """Products of this account matching the list filters."""
    stmt = select(Product).where(Product.account_id == ctx.account_id, Product.deleted_at.is_(None))
    if filters.get("active") is not None:
        stmt = stmt.where(Product.active == filters["active"])
    if filters.get("shippable") is not None:
        stmt = stmt.where(Product.shippable == filters["shippable"])
    if filters.get("type") is not None:
        stmt = stmt.where(Product.type == filters["type"])
    if filters.get("url") is not None:
        stmt = stmt.where(Product.url == filters["url"])
    if filters.get("ids"):
        stmt = stmt.where(Product.id.in_(filters["ids"]))
    return stmt
