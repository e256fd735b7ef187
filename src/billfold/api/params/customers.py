"""Request models for ``/v1/customers``.

``description``, ``email``, ``name`` and ``phone`` accept ``""`` on update: the fields are
nullable on the object and Stripe treats an empty string as "unset" for them, even though
the reference only marks object-typed parameters as emptyable.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from billfold.api.params.base import (
    Created,
    Emptyable,
    Expand,
    FormList,
    ListParams,
    Metadata,
    Params,
    SearchParams,
    Text,
    Text20,
    Text40,
    Text140,
    Text150,
    Text256,
    Text512,
)
from billfold.customers.validation import check_invoice_prefix
from billfold.errors import InvalidRequestError

__all__ = [
    "CustomerCreate",
    "CustomerDelete",
    "CustomerList",
    "CustomerRetrieve",
    "CustomerSearch",
    "CustomerUpdate",
]


class _Nested(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Address(_Nested):
    city: Text | None = None
    country: Text | None = None
    line1: Text | None = None
    line2: Text | None = None
    postal_code: Text | None = None
    state: Text | None = None


class Shipping(_Nested):
    address: Address
    name: Text
    phone: Text | None = None


class CustomField(_Nested):
    name: Text40
    value: Text140


class RenderingOptions(_Nested):
    amount_tax_display: Emptyable[Literal["exclude_tax", "include_inclusive_tax"]] = None
    template: Text | None = None


class InvoiceSettings(_Nested):
    custom_fields: Emptyable[FormList[CustomField]] = Field(default=None, max_length=4)
    # Kept as given: payment methods do not exist in Billfold yet, so it cannot be checked.
    default_payment_method: Emptyable[Text] = None
    footer: Emptyable[Text] = None
    rendering_options: Emptyable[RenderingOptions] = None


class CashBalanceSettings(_Nested):
    reconciliation_mode: Literal["automatic", "manual", "merchant_default"] | None = None


class CashBalance(_Nested):
    settings: CashBalanceSettings | None = None


class TaxCreate(_Nested):
    ip_address: Emptyable[Text] = None
    validate_location: Literal["deferred", "immediately"] | None = None


class TaxUpdate(_Nested):
    ip_address: Emptyable[Text] = None
    validate_location: Literal["auto", "deferred", "immediately"] | None = None


class TaxIdData(_Nested):
    # The tax ID rules (known types, value formats) live with tax IDs, not here.
    type: Text
    value: Text


# The balance column is a 64-bit integer: a larger value is a 400, not a database error.
_INT64_MAX = 2**63 - 1
InvoicePrefix = Annotated[Text, AfterValidator(check_invoice_prefix)]
TaxExempt = Emptyable[Literal["none", "exempt", "reverse"]]

# Parameters Stripe has that Billfold cannot honour yet: named in a 400, never ignored.
_UNSUPPORTED = {
    "cash_balance": "Customer cash balances are not supported by Billfold.",
    "default_source": "Payment sources are not supported by Billfold.",
    "payment_method": "Attaching a payment method is not supported by Billfold yet.",
    "source": "Payment sources are not supported by Billfold.",
}


class _CustomerWrite(Params):
    """What create and update share."""

    address: Emptyable[Address] = None
    balance: Annotated[int, Field(ge=-_INT64_MAX, le=_INT64_MAX)] | None = None
    business_name: Emptyable[Text150] = None
    cash_balance: CashBalance | None = None
    individual_name: Emptyable[Text150] = None
    invoice_prefix: InvoicePrefix | None = None
    invoice_settings: InvoiceSettings | None = None
    metadata: Metadata = None
    next_invoice_sequence: Annotated[int, Field(ge=1, le=1_000_000_000)] | None = None
    preferred_locales: FormList[Text] | None = None
    shipping: Emptyable[Shipping] = None
    source: Text | None = None
    tax_exempt: TaxExempt = None
    # ``validate`` would shadow a pydantic method; it only concerns sources, which are refused.
    validate_: bool | None = Field(default=None, alias="validate")
    expand: Expand = None

    @model_validator(mode="after")
    def _refuse_unsupported(self) -> _CustomerWrite:
        for name, message in _UNSUPPORTED.items():
            if name in self.model_fields_set:
                raise InvalidRequestError(message, param=name)
        tax: TaxCreate | TaxUpdate | None = getattr(self, "tax", None)
        if tax is not None and tax.ip_address is not None:
            raise InvalidRequestError("Billfold does not locate customers by IP address.", param="tax[ip_address]")
        if tax is not None and tax.validate_location == "immediately":
            raise InvalidRequestError(
                "Billfold does not validate tax locations; use tax[validate_location]=deferred.",
                param="tax[validate_location]",
            )
        return self

    def given(self, *, exclude: frozenset[str] = frozenset({"expand", "tax", "validate_"})) -> dict[str, Any]:
        """The caller's fields minus the accepted no-ops (``tax``, ``validate``)."""
        return super().given(exclude=exclude)


class CustomerCreate(_CustomerWrite):
    description: Text | None = None
    email: Text512 | None = None
    name: Text256 | None = None
    payment_method: Text | None = None
    phone: Text20 | None = None
    tax_id_data: FormList[TaxIdData] | None = None
    tax: TaxCreate | None = None
    test_clock: Text | None = None


class CustomerUpdate(_CustomerWrite):
    default_source: Text | None = None
    description: Emptyable[Text] = None
    email: Emptyable[Text512] = None
    name: Emptyable[Text256] = None
    phone: Emptyable[Text20] = None
    tax: TaxUpdate | None = None


class CustomerRetrieve(Params):
    expand: Expand = None


class CustomerDelete(Params):
    pass


class CustomerList(ListParams):
    created: Created | None = None
    email: Text512 | None = None
    test_clock: Text | None = None


class CustomerSearch(SearchParams):
    pass
