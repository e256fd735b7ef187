"""Request models for ``/v1/invoiceitems``."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from billfold.api.params.base import Created, Expand, ListParams, Metadata, Params, Text, Timestamp
from billfold.api.params.prices import MAX_AMOUNT, Amount, DecimalAmount, TaxBehavior
from billfold.errors import InvalidRequestError

__all__ = ["InvoiceItemCreate", "InvoiceItemDelete", "InvoiceItemList", "InvoiceItemRetrieve", "InvoiceItemUpdate"]

SignedAmount = Annotated[int, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]
Quantity = Annotated[int, Field(ge=0, le=1_000_000_000)]

# Parameters Stripe has that Billfold cannot honour yet: named in a 400, never ignored.
_UNSUPPORTED = {
    "customer_account": "customer_account is not supported: bill a customer with customer.",
    "discounts": "Discounts on single invoice items are not supported by Billfold yet.",
    "invoicing_rules": "Invoicing rules are not supported by Billfold.",
    "quantity_decimal": "Decimal quantities are not supported by Billfold yet; use quantity.",
    "tax_behavior": "Tax behavior on invoice items is not supported by Billfold yet.",
    "tax_code": "Tax codes are not supported by Billfold yet.",
    "tax_rates": "Tax rates are not supported by Billfold yet.",
}


class _Nested(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(_Nested):
    start: Timestamp
    end: Timestamp


class Pricing(_Nested):
    price: Text | None = None


class ItemPriceData(_Nested):
    currency: Text
    product: Text
    tax_behavior: TaxBehavior | None = None
    unit_amount: Amount | None = None
    unit_amount_decimal: DecimalAmount | None = None


class _ItemWrite(Params):
    amount: SignedAmount | None = None
    description: Text | None = None
    discountable: bool | None = None
    discounts: Any = None
    metadata: Metadata = None
    period: Period | None = None
    price_data: ItemPriceData | None = None
    pricing: Pricing | None = None
    quantity: Quantity | None = None
    quantity_decimal: Any = None
    tax_behavior: Any = None
    tax_code: Any = None
    tax_rates: Any = None
    unit_amount_decimal: DecimalAmount | None = None
    expand: Expand = None

    @model_validator(mode="after")
    def _refuse_unsupported(self) -> _ItemWrite:
        for name in sorted(self.model_fields_set & _UNSUPPORTED.keys()):
            raise InvalidRequestError(_UNSUPPORTED[name], param=name)
        return self


class InvoiceItemCreate(_ItemWrite):
    customer: Text
    currency: Text | None = None
    customer_account: Any = None
    invoice: Text | None = None
    subscription: Text | None = None


class InvoiceItemUpdate(_ItemWrite):
    invoicing_rules: Any = None


class InvoiceItemDelete(Params):
    pass


class InvoiceItemRetrieve(Params):
    expand: Expand = None


class InvoiceItemList(ListParams):
    customer: Text | None = None
    invoice: Text | None = None
    pending: bool | None = None
    created: Created | None = None
