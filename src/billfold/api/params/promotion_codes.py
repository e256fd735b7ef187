"""Request models for ``/v1/promotion_codes``."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from billfold.api.params.base import Created, Expand, ListParams, Metadata, Params, Text, Text500
from billfold.api.params.coupons import Amount, Count, Currency, Timestamp, reject_currency_options
from billfold.errors import InvalidRequestError

__all__ = [
    "PromotionCodeCreate",
    "PromotionCodeList",
    "PromotionCodeRetrieve",
    "PromotionCodeUpdate",
]

_CODE = re.compile(r"[A-Za-z0-9-]+")


def _code(value: str) -> str:
    if not _CODE.fullmatch(value):
        raise PydanticCustomError("code_invalid", "only letters (a-z, A-Z), digits (0-9) and dashes (-) are allowed")
    return value


# Customer-facing codes: letters, digits and dashes, as Stripe documents.
Code = Annotated[Text500, AfterValidator(_code)]


class _Nested(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Promotion(_Nested):
    type: Literal["coupon"]
    coupon: Text


class CreateRestrictions(_Nested):
    currency_options: dict[str, Any] | None = None
    first_time_transaction: bool | None = None
    minimum_amount: Amount | None = None
    minimum_amount_currency: Currency | None = None

    @model_validator(mode="after")
    def _minimum(self) -> CreateRestrictions:
        if self.currency_options is not None:
            raise reject_currency_options("restrictions[currency_options]")
        if self.minimum_amount is not None and self.minimum_amount_currency is None:
            raise InvalidRequestError(
                "Missing required param: restrictions[minimum_amount_currency] (required with minimum_amount).",
                code="parameter_missing",
                param="restrictions[minimum_amount_currency]",
            )
        if self.minimum_amount is None and self.minimum_amount_currency is not None:
            raise InvalidRequestError(
                "restrictions[minimum_amount_currency] can only be given with minimum_amount.",
                param="restrictions[minimum_amount_currency]",
            )
        return self


class UpdateRestrictions(_Nested):
    currency_options: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _unsupported(self) -> UpdateRestrictions:
        if self.currency_options is not None:
            raise reject_currency_options("restrictions[currency_options]")
        return self


class PromotionCodeCreate(Params):
    promotion: Promotion
    active: bool | None = None
    code: Code | None = None
    customer: Text | None = None
    customer_account: Text | None = None
    expires_at: Timestamp | None = None
    max_redemptions: Count | None = None
    metadata: Metadata = None
    restrictions: CreateRestrictions | None = None
    expand: Expand = None

    @model_validator(mode="after")
    def _unsupported(self) -> PromotionCodeCreate:
        if self.customer_account is not None:
            raise InvalidRequestError(
                "customer_account is not supported: restrict a promotion code with customer instead.",
                param="customer_account",
            )
        return self


class PromotionCodeUpdate(Params):
    active: bool | None = None
    metadata: Metadata = None
    restrictions: UpdateRestrictions | None = None
    expand: Expand = None


class PromotionCodeRetrieve(Params):
    expand: Expand = None


class PromotionCodeList(ListParams):
    active: bool | None = None
    code: Text | None = None
    coupon: Text | None = None
    created: Created | None = None
    customer: Text | None = None
    customer_account: Text | None = None
