"""Request models for ``/v1/prices``, and the price data ``/v1/products`` embeds.

Shape and type only; the rules that combine fields (per-unit versus tiered, interval
limits, lookup keys) live in :mod:`billfold.catalog.price_terms` so every caller that
creates a price gets them, with parameter names prefixed as the caller sent them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from billfold.api.params.base import (
    Created,
    Emptyable,
    Expand,
    FormList,
    ListParams,
    Metadata,
    Params,
    Text,
    Text12,
    Text22,
    Text200,
)

__all__ = [
    "DefaultPriceData",
    "PriceCreate",
    "PriceList",
    "PriceRetrieve",
    "PriceSearch",
    "PriceUpdate",
]

# Far above any real price, and small enough that quantity x amount stays inside BIGINT.
MAX_AMOUNT = 999_999_999_999
_MAX_DECIMAL_PLACES = 12


def _decimal_string(value: object) -> object:
    """A canonical decimal string (``"12.5"``, ``"1250"``); floats never get this far."""
    if value == "":
        raise PydanticCustomError("parameter_invalid_empty", "empty")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise PydanticCustomError("decimal_type", "Decimal amounts are sent as strings")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise PydanticCustomError("decimal_parsing", "Not a decimal number") from None
    if not number.is_finite() or number.is_signed():
        raise PydanticCustomError("decimal_parsing", "Must be a finite, non-negative decimal")
    number = number.normalize()
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -_MAX_DECIMAL_PLACES or number > MAX_AMOUNT:
        raise PydanticCustomError("decimal_max_places", "At most 12 decimal places and 12 whole digits")
    return format(number, "f")


def _positive_up_to(value: int | str) -> int | str:
    if isinstance(value, int) and value < 1:
        raise PydanticCustomError("greater_than_equal", "up_to must be at least 1", {"ge": 1})
    return value


Amount = Annotated[int, Field(ge=0, le=MAX_AMOUNT)]
DecimalAmount = Annotated[str, BeforeValidator(_decimal_string)]
Currency = Text  # checked against ISO 4217 by the domain, which names the parameter
Interval = Literal["day", "week", "month", "year"]
UsageType = Literal["licensed", "metered"]
TaxBehavior = Literal["exclusive", "inclusive", "unspecified"]


class _Nested(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tier(_Nested):
    up_to: Annotated[int | Literal["inf"], AfterValidator(_positive_up_to)]
    flat_amount: Amount | None = None
    flat_amount_decimal: DecimalAmount | None = None
    unit_amount: Amount | None = None
    unit_amount_decimal: DecimalAmount | None = None


class Recurring(_Nested):
    interval: Interval
    interval_count: Annotated[int, Field(ge=1)] | None = None
    meter: Text | None = None
    trial_period_days: Annotated[int, Field(ge=0, le=730)] | None = None
    usage_type: UsageType | None = None


class TransformQuantity(_Nested):
    divide_by: Annotated[int, Field(ge=1)]
    round: Literal["down", "up"]


class CustomUnitAmount(_Nested):
    enabled: bool
    maximum: Amount | None = None
    minimum: Amount | None = None
    preset: Amount | None = None


class ProductData(_Nested):
    name: Text
    id: Text200 | None = None
    active: bool | None = None
    metadata: Metadata = None
    statement_descriptor: Text22 | None = None
    tax_code: Text | None = None
    unit_label: Text12 | None = None


class PriceCreate(Params):
    currency: Currency
    active: bool | None = None
    billing_scheme: Literal["per_unit", "tiered"] | None = None
    currency_options: dict[str, Any] | None = None
    custom_unit_amount: CustomUnitAmount | None = None
    lookup_key: Text200 | None = None
    metadata: Metadata = None
    nickname: Text | None = None
    product: Text | None = None
    product_data: ProductData | None = None
    recurring: Recurring | None = None
    tax_behavior: TaxBehavior | None = None
    tiers: FormList[Tier] | None = None
    tiers_mode: Literal["graduated", "volume"] | None = None
    transfer_lookup_key: bool | None = None
    transform_quantity: TransformQuantity | None = None
    unit_amount: Amount | None = None
    unit_amount_decimal: DecimalAmount | None = None
    expand: Expand = None


class PriceUpdate(Params):
    """Only what Stripe lets change: amounts, currency and interval are fixed for life."""

    active: bool | None = None
    currency_options: Emptyable[dict[str, Any]] = None
    lookup_key: Text200 | None = None
    metadata: Metadata = None
    nickname: Text | None = None
    tax_behavior: TaxBehavior | None = None
    transfer_lookup_key: bool | None = None
    expand: Expand = None


class PriceRetrieve(Params):
    expand: Expand = None


class RecurringFilter(_Nested):
    interval: Interval | None = None
    meter: Text | None = None
    usage_type: UsageType | None = None


class PriceList(ListParams):
    active: bool | None = None
    created: Created | None = None
    currency: Currency | None = None
    lookup_keys: FormList[Text200] | None = Field(default=None, max_length=10)
    product: Text | None = None
    recurring: RecurringFilter | None = None
    type: Literal["one_time", "recurring"] | None = None


class PriceSearch(Params):
    query: Text
    limit: Annotated[int, Field(ge=1, le=100)] = 10
    page: Text | None = None
    expand: Expand = None


class DefaultRecurring(_Nested):
    interval: Interval
    interval_count: Annotated[int, Field(ge=1)] | None = None


class DefaultPriceData(_Nested):
    """``default_price_data`` of a product: a per-unit price of that product."""

    currency: Currency
    currency_options: dict[str, Any] | None = None
    custom_unit_amount: CustomUnitAmount | None = None
    metadata: Metadata = None
    recurring: DefaultRecurring | None = None
    tax_behavior: TaxBehavior | None = None
    unit_amount: Amount | None = None
    unit_amount_decimal: DecimalAmount | None = None
