"""Request models for ``/v1/invoices``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from billfold.api.params.base import (
    Created,
    Expand,
    ListParams,
    Metadata,
    Params,
    SearchParams,
    Text,
    Timestamp,
)
from billfold.errors import InvalidRequestError

__all__ = [
    "InvoiceAction",
    "InvoiceCreate",
    "InvoiceDelete",
    "InvoiceFinalize",
    "InvoiceLines",
    "InvoiceList",
    "InvoicePay",
    "InvoiceRetrieve",
    "InvoiceSearch",
    "InvoiceUpdate",
]

Text1500 = Annotated[Text, Field(max_length=1500)]
DaysUntilDue = Annotated[int, Field(ge=0, le=730)]
CollectionMethod = Literal["charge_automatically", "send_invoice"]

# Parameters Stripe has that Billfold cannot honour yet: named in a 400, never ignored.
_UNSUPPORTED = {
    "account_tax_ids": "Account tax IDs on invoices are not supported by Billfold.",
    "application_fee_amount": "Connect application fees are not supported by Billfold.",
    "automatic_tax": "Automatic tax is not supported by Billfold.",
    "automatically_finalizes_at": "Scheduled finalization is not supported by Billfold yet.",
    "custom_fields": "Invoice custom fields are not supported by Billfold yet.",
    "customer_account": "customer_account is not supported: bill a customer with customer.",
    "default_source": "Payment sources are not supported by Billfold; use default_payment_method.",
    "default_tax_rates": "Tax rates are not supported by Billfold yet.",
    "discounts": "Invoice-level discounts are not supported by Billfold yet; discount the customer instead.",
    "effective_at": "effective_at is not supported by Billfold.",
    "from_invoice": "Invoice revisions are not supported by Billfold.",
    "issuer": "Connect issuers are not supported by Billfold.",
    "number": "Custom invoice numbers are not supported: Billfold numbers invoices per customer.",
    "on_behalf_of": "Connect on_behalf_of is not supported by Billfold.",
    "payment_settings": "Invoice payment settings are not supported by Billfold; cards are used.",
    "rendering": "Rendering settings are not supported by Billfold yet.",
    "shipping_cost": "Shipping costs are not supported by Billfold.",
    "shipping_details": "Shipping details on invoices are not supported by Billfold.",
    "statement_descriptor": "Statement descriptors are not supported by Billfold.",
    "transfer_data": "Connect transfers are not supported by Billfold.",
}


class _Refusing(Params):
    """Accepts Stripe's parameters Billfold lacks, only to refuse them by name."""

    @model_validator(mode="after")
    def _refuse_unsupported(self) -> _Refusing:
        for name in sorted(self.model_fields_set & _UNSUPPORTED.keys()):
            raise InvalidRequestError(_UNSUPPORTED[name], param=name)
        return self


class _InvoiceWrite(_Refusing):
    account_tax_ids: Any = None
    application_fee_amount: Any = None
    auto_advance: bool | None = None
    automatic_tax: Any = None
    automatically_finalizes_at: Any = None
    collection_method: CollectionMethod | None = None
    custom_fields: Any = None
    days_until_due: DaysUntilDue | None = None
    default_payment_method: Text | None = None
    default_source: Any = None
    default_tax_rates: Any = None
    discounts: Any = None
    due_date: Timestamp | None = None
    effective_at: Any = None
    footer: Text | None = None
    issuer: Any = None
    metadata: Metadata = None
    number: Any = None
    on_behalf_of: Any = None
    payment_settings: Any = None
    rendering: Any = None
    shipping_cost: Any = None
    shipping_details: Any = None
    statement_descriptor: Any = None
    transfer_data: Any = None
    expand: Expand = None


class InvoiceCreate(_InvoiceWrite):
    customer: Text
    currency: Text | None = None
    customer_account: Any = None
    description: Text1500 | None = None
    from_invoice: Any = None
    pending_invoice_items_behavior: Literal["exclude", "include"] | None = None
    subscription: Text | None = None


class InvoiceUpdate(_InvoiceWrite):
    description: Text1500 | None = None


class InvoiceDelete(Params):
    pass


class InvoiceRetrieve(Params):
    expand: Expand = None


class InvoiceAction(Params):
    expand: Expand = None


class InvoiceFinalize(Params):
    auto_advance: bool | None = None
    expand: Expand = None


class InvoicePay(Params):
    forgive: bool | None = None
    mandate: Text | None = None
    off_session: bool | None = None
    paid_out_of_band: bool | None = None
    payment_method: Text | None = None
    source: Text | None = None
    expand: Expand = None


class InvoiceList(ListParams):
    customer: Text | None = None
    subscription: Text | None = None
    status: Literal["draft", "open", "paid", "uncollectible", "void"] | None = None
    collection_method: CollectionMethod | None = None
    created: Created | None = None
    due_date: Created | None = None


class InvoiceLines(ListParams):
    pass


class InvoiceSearch(SearchParams):
    pass
