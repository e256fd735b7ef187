"""Request models for ``/v1/coupons``.

Checks that need neither the database nor the clock live here: exactly one of
``percent_off``/``amount_off``, ``currency`` with ``amount_off``, ``duration_in_months``
with ``repeating`` only, and the unsupported ``currency_options``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from billfold.api.params.base import (
    Created,
    Expand,
    FormList,
    ListParams,
    Metadata,
    Params,
    Text,
    Text40,
    Text200,
)
from billfold.errors import InvalidRequestError
from billfold.money import is_known_currency

__all__ = [
    "MAX_AMOUNT",
    "MAX_COUNT",
    "MAX_TIMESTAMP",
    "CouponCreate",
    "CouponDelete",
    "CouponList",
    "CouponRetrieve",
    "CouponUpdate",
    "Currency",
    "reject_currency_options",
]

# Column limits: counts are 32-bit integers, amounts 64-bit, timestamps end in year 9999.
MAX_COUNT = 2_147_483_647
MAX_AMOUNT = 9_223_372_036_854_775_807
MAX_TIMESTAMP = 253_402_300_799


def _percent_off(value: Decimal) -> Decimal:
    if not value.is_finite() or value <= 0 or value > 100:
        raise InvalidRequestError(
            "Invalid percent_off: must be greater than 0 and less than or equal to 100",
            code="parameter_invalid_decimal",
            param="percent_off",
        )
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise InvalidRequestError(
            "Invalid percent_off: at most two decimal places are allowed",
            code="parameter_invalid_decimal",
            param="percent_off",
        )
    return value


def _currency(value: str) -> str:
    if not is_known_currency(value):
        raise PydanticCustomError(
            "currency_invalid", "must be a three-letter ISO 4217 currency code (got '{value}')", {"value": value}
        )
    return value.lower()


# Non-finite values reach the validator so they get the same decimal error as the rest.
Percent = Annotated[Decimal, Field(allow_inf_nan=True), AfterValidator(_percent_off)]
# A three-letter ISO 4217 code, any case in, lower case out.
Currency = Annotated[Text, AfterValidator(_currency)]
Count = Annotated[int, Field(ge=1, le=MAX_COUNT)]
Amount = Annotated[int, Field(ge=1, le=MAX_AMOUNT)]
Timestamp = Annotated[int, Field(ge=1, le=MAX_TIMESTAMP)]


def reject_currency_options(param: str) -> InvalidRequestError:
    """Billfold prices a coupon in one currency only; say so instead of ignoring it."""
    return InvalidRequestError(
        f"{param} is not supported: Billfold coupons and promotion codes have a single currency.",
        param=param,
    )


class AppliesTo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    products: FormList[Text] | None = None


class CouponCreate(Params):
    id: Text200 | None = None
    amount_off: Amount | None = None
    applies_to: AppliesTo | None = None
    currency: Currency | None = None
    currency_options: dict[str, Any] | None = None
    duration: Literal["forever", "once", "repeating"] | None = None
    duration_in_months: Count | None = None
    max_redemptions: Count | None = None
    metadata: Metadata = None
    name: Text40 | None = None
    percent_off: Percent | None = None
    redeem_by: Timestamp | None = None
    expand: Expand = None

    @model_validator(mode="after")
    def _discount(self) -> CouponCreate:
        if self.currency_options is not None:
            raise reject_currency_options("currency_options")
        if self.percent_off is None and self.amount_off is None:
            raise InvalidRequestError(
                "Missing required param: percent_off or amount_off.", code="parameter_missing", param="percent_off"
            )
        if self.percent_off is not None and self.amount_off is not None:
            raise InvalidRequestError(
                "You may only specify one of these parameters: amount_off, percent_off.",
                code="parameters_exclusive",
                param="percent_off",
            )
        if self.amount_off is not None and self.currency is None:
            raise InvalidRequestError(
                "Missing required param: currency (required with amount_off).",
                code="parameter_missing",
                param="currency",
            )
        if self.percent_off is not None and self.currency is not None:
            raise InvalidRequestError("currency can only be given with amount_off.", param="currency")
        return self._duration()

    def _duration(self) -> CouponCreate:
        if self.duration == "repeating" and self.duration_in_months is None:
            raise InvalidRequestError(
                "Missing required param: duration_in_months (required when duration is repeating).",
                code="parameter_missing",
                param="duration_in_months",
            )
        if self.duration != "repeating" and self.duration_in_months is not None:
            raise InvalidRequestError(
                "duration_in_months can only be given when duration is repeating.", param="duration_in_months"
            )
        return self


class CouponUpdate(Params):
    currency_options: dict[str, Any] | None = None
    metadata: Metadata = None
    name: Text40 | None = None
    expand: Expand = None

    @model_validator(mode="after")
    def _unsupported(self) -> CouponUpdate:
        if self.currency_options is not None:
            raise reject_currency_options("currency_options")
        return self


class CouponRetrieve(Params):
    expand: Expand = None


class CouponDelete(Params):
    pass


class CouponList(ListParams):
    created: Created | None = None
