"""Request models for ``/v1/customers/{customer}/balance_transactions``."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from billfold.api.params.base import Created, Expand, ListParams, Metadata, Params, Text, Text350
from billfold.errors import InvalidRequestError
from billfold.money import is_known_currency

__all__ = [
    "MAX_AMOUNT",
    "BalanceTransactionCreate",
    "BalanceTransactionList",
    "BalanceTransactionRetrieve",
    "BalanceTransactionUpdate",
]

# Far above any real adjustment, and far below where a 64-bit balance could overflow.
MAX_AMOUNT = 99_999_999_999


def _non_zero(value: int) -> int:
    if value == 0:
        raise InvalidRequestError(
            "Invalid amount: a balance transaction must change the balance (use a non-zero amount)",
            code="parameter_invalid_integer",
            param="amount",
        )
    return value


def _currency(value: str) -> str:
    if not is_known_currency(value):
        raise PydanticCustomError(
            "currency_invalid", "must be a three-letter ISO 4217 currency code (got '{value}')", {"value": value}
        )
    return value.lower()


Amount = Annotated[int, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT), AfterValidator(_non_zero)]
Currency = Annotated[Text, AfterValidator(_currency)]


class BalanceTransactionCreate(Params):
    amount: Amount
    currency: Currency
    description: Text350 | None = None
    metadata: Metadata = None
    expand: Expand = None


class BalanceTransactionUpdate(Params):
    description: Text350 | None = None
    metadata: Metadata = None
    expand: Expand = None


class BalanceTransactionRetrieve(Params):
    expand: Expand = None


class BalanceTransactionList(ListParams):
    created: Created | None = None
    invoice: Text | None = None
