"""Rules for prices: created once, then only their labels and status change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, select

from billfold.catalog.price_terms import Namer, check_currency, param_namer, price_terms
from billfold.catalog.products import create_product, get_product
from billfold.context import Ctx
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.events import diff, record_event
from billfold.ids import new_id
from billfold.metadata import merge_metadata
from billfold.models import Price, Product
from billfold.objects.price import price_object

__all__ = ["create_price", "get_price", "list_prices_query", "update_price"]

_FIXED_TAX_BEHAVIORS = frozenset({"exclusive", "inclusive"})


def get_price(ctx: Ctx, price_id: str, *, param: str | None = "id") -> Price:
    """A price of this account, or 404."""
    price = ctx.session.scalars(
        select(Price).where(Price.account_id == ctx.account_id, Price.id == price_id, Price.deleted_at.is_(None)),
    ).one_or_none()
    if price is None:
        raise ResourceMissingError("price", price_id, param=param)
    return price


def _check_product_choice(data: dict[str, Any], name: Namer) -> None:
    has_id, has_data = data.get("product") is not None, data.get("product_data") is not None
    if has_id and has_data:
        raise InvalidRequestError(
            f"You may only specify one of these parameters: {name('product')}, {name('product_data')}.",
            code="parameters_exclusive",
            param=name("product"),
        )
    if not has_id and not has_data:
        raise InvalidRequestError(
            "A price needs either product (an existing product's id) or product_data (to create one).",
            code="parameter_missing",
            param=name("product"),
        )


def _product_id(ctx: Ctx, data: dict[str, Any], name: Namer) -> str:
    if data.get("product") is not None:
        return get_product(ctx, data["product"], param=name("product")).id
    try:
        return create_product(ctx, data["product_data"]).id
    except InvalidRequestError as exc:
        # create_product names its own parameters; here they sit under product_data.
        if exc.param and not isinstance(exc, ResourceMissingError):
            exc.param = param_namer(name("product_data"))(exc.param)
        raise


def _claim_lookup_key(ctx: Ctx, key: str, owner: Price | None, *, transfer: bool, name: Namer) -> None:
    """Make ``key`` free for ``owner``: taken elsewhere is a 400 unless ``transfer`` moves it."""
    stmt = select(Price).where(Price.account_id == ctx.account_id, Price.lookup_key == key)
    if owner is not None:
        stmt = stmt.where(Price.pk != owner.pk)
    holder = ctx.session.scalars(stmt).one_or_none()
    if holder is None:
        return
    if not transfer:
        raise InvalidRequestError(
            f"The lookup key '{key}' is already used by price '{holder.id}'. "
            "Send transfer_lookup_key=true to move it to this price.",
            param=name("lookup_key"),
        )
    before = price_object(holder)
    holder.lookup_key = None
    ctx.session.flush()
    after = price_object(holder)
    record_event(ctx, "price.updated", after, diff(before, after))


def create_price(ctx: Ctx, data: dict[str, Any], *, param_prefix: str | None = None) -> Price:
    """A new price; ``param_prefix`` nests error names (``default_price_data[currency]``)."""
    name = param_namer(param_prefix)
    _check_product_choice(data, name)
    currency = check_currency(data["currency"], name)
    terms = price_terms(data, name)
    product_id = _product_id(ctx, data, name)
    key = data.get("lookup_key")
    if key is not None:
        _claim_lookup_key(ctx, key, None, transfer=bool(data.get("transfer_lookup_key")), name=name)
    price = Price(
        id=new_id("price"),
        account_id=ctx.account_id,
        created=ctx.clock.now(),
        product_id=product_id,
        currency=currency,
        active=data.get("active", True),
        lookup_key=key,
        nickname=data.get("nickname"),
        tax_behavior=data.get("tax_behavior") or "unspecified",
        custom_unit_amount=None,
        currency_options=None,
        metadata_=merge_metadata({}, data.get("metadata") or {}),
        **terms,
    )
    ctx.session.add(price)
    ctx.session.flush()
    record_event(ctx, "price.created", price_object(price))
    return price


def _check_archivable(ctx: Ctx, price: Price) -> None:
    """A product's default price stays active until the product points elsewhere (Stripe's rule)."""
    is_default = ctx.session.scalar(
        select(
            exists().where(
                Product.account_id == ctx.account_id,
                Product.id == price.product_id,
                Product.default_price_id == price.id,
            ),
        ),
    )
    if is_default:
        raise InvalidRequestError(
            f"Price '{price.id}' is the default price of product '{price.product_id}' and cannot be archived; "
            "give the product another default_price (or unset it) first.",
            param="active",
        )


def _set_tax_behavior(price: Price, value: str) -> None:
    if price.tax_behavior in _FIXED_TAX_BEHAVIORS and value != price.tax_behavior:
        raise InvalidRequestError(
            f"tax_behavior is already '{price.tax_behavior}' and can no longer change; "
            "only an unspecified tax_behavior may be set.",
            param="tax_behavior",
        )
    price.tax_behavior = value


def update_price(ctx: Ctx, price_id: str, data: dict[str, Any]) -> Price:
    """Change status, labels or an unspecified tax behavior; emits ``price.updated``."""
    price = get_price(ctx, price_id)
    before = price_object(price)
    if data.get("currency_options"):
        raise InvalidRequestError(
            "Prices in several currencies (currency_options) are not supported yet.", param="currency_options"
        )
    if data.get("active") is False and price.active:
        _check_archivable(ctx, price)
    if data.get("active") is not None:
        price.active = data["active"]
    key = data.get("lookup_key")
    if key is not None and key != price.lookup_key:
        _claim_lookup_key(ctx, key, price, transfer=bool(data.get("transfer_lookup_key")), name=param_namer(None))
        price.lookup_key = key
    if data.get("nickname") is not None:
        price.nickname = data["nickname"]
    if "metadata" in data:
        price.metadata_ = merge_metadata(price.metadata_, data["metadata"])
    if data.get("tax_behavior") is not None:
        _set_tax_behavior(price, data["tax_behavior"])
    after = price_object(price)
    if after != before:
        ctx.session.flush()
        record_event(ctx, "price.updated", after, diff(before, after))
    return price


def list_prices_query(ctx: Ctx, filters: dict[str, Any]) -> Select[Price]:
    """Prices of this account matching the list filters."""
    stmt = select(Price).where(Price.account_id == ctx.account_id, Price.deleted_at.is_(None))
    if filters.get("active") is not None:
        stmt = stmt.where(Price.active == filters["active"])
    if filters.get("currency") is not None:
        stmt = stmt.where(Price.currency == filters["currency"].lower())
    if filters.get("product") is not None:
        stmt = stmt.where(Price.product_id == filters["product"])
    if filters.get("type") is not None:
        stmt = stmt.where(Price.type == filters["type"])
    if filters.get("lookup_keys"):
        stmt = stmt.where(Price.lookup_key.in_(filters["lookup_keys"]))
    recurring = filters.get("recurring") or {}
    if recurring.get("interval") is not None:
        stmt = stmt.where(Price.recurring_interval == recurring["interval"])
    if recurring.get("usage_type") is not None:
        stmt = stmt.where(Price.recurring_usage_type == recurring["usage_type"])
    if recurring.get("meter") is not None:
        stmt = stmt.where(Price.pk.is_(None))  # no price has a meter (metered prices are not supported)
    return stmt
