"""Request model for ``POST /v1/invoices/create_preview``.

Shape and type only. Parameters Billfold cannot honour yet (schedules, tax rates,
automatic tax, customer details) are accepted here and rejected by
:mod:`billfold.invoices.preview` with a message that says so, instead of an anonymous
``parameter_unknown``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from billfold.api.params.base import Emptyable, Expand, FormList, Metadata, Params, Text, Timestamp
from billfold.api.params.prices import MAX_AMOUNT, Amount, DecimalAmount
from billfold.api.params.subscriptions import DiscountEntry, ItemPriceData, ProrationBehavior, Quantity

__all__ = ["InvoiceCreatePreview"]


class _Nested(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PreviewItem(_Nested):
    """``subscription_details[items][]``: as in a subscription update."""

    id: Text | None = None
    price: Text | None = None
    plan: Text | None = None
    price_data: ItemPriceData | None = None
    quantity: Quantity | None = None
    deleted: bool | None = None
    clear_usage: bool | None = None
    metadata: Metadata = None
    discounts: Emptyable[FormList[DiscountEntry]] = None
    tax_rates: Emptyable[FormList[Text]] = None


class AnchorChoice(_Nested):
    """``billing_cycle_anchor[type]=now`` (the current API's spelling)."""

    type: Literal["now", "timestamp", "unchanged"]
    timestamp: Timestamp | None = None


class SubscriptionDetails(_Nested):
    # ``now``/``unchanged`` as in a subscription update, a timestamp for a new
    # subscription, or the current API's ``{type, timestamp}`` object.
    billing_cycle_anchor: Literal["now", "unchanged"] | Timestamp | AnchorChoice | None = None
    cancel_at: Emptyable[Timestamp] = None
    cancel_at_period_end: bool | None = None
    cancel_now: bool | None = None
    default_tax_rates: Emptyable[FormList[Text]] = None
    items: FormList[PreviewItem] | None = Field(default=None, max_length=20)
    metadata: Metadata = None
    proration_behavior: ProrationBehavior | None = None
    proration_date: Timestamp | None = None
    trial_end: Timestamp | Literal["now"] | None = None


class Period(_Nested):
    start: Timestamp
    end: Timestamp


class OneTimePriceData(_Nested):
    currency: Text
    product: Text
    tax_behavior: Literal["exclusive", "inclusive", "unspecified"] | None = None
    unit_amount: Amount | None = None
    unit_amount_decimal: DecimalAmount | None = None


SignedAmount = Annotated[int, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]


class PreviewInvoiceItem(_Nested):
    """``invoice_items[]``: extra pending items for the preview (or changes to one)."""

    amount: SignedAmount | None = None
    currency: Text | None = None
    description: Text | None = None
    discountable: bool | None = None
    discounts: Emptyable[FormList[DiscountEntry]] = None
    invoiceitem: Text | None = None
    metadata: Metadata = None
    period: Period | None = None
    price: Text | None = None
    price_data: OneTimePriceData | None = None
    quantity: Quantity | None = None
    tax_behavior: Literal["exclusive", "inclusive", "unspecified"] | None = None
    tax_code: Emptyable[Text] = None
    tax_rates: Emptyable[FormList[Text]] = None
    unit_amount: SignedAmount | None = None
    unit_amount_decimal: DecimalAmount | None = None


class AutomaticTax(_Nested):
    enabled: bool
    liability: dict[str, Any] | None = None


class InvoiceCreatePreview(Params):
    customer: Text | None = None
    subscription: Text | None = None
    subscription_details: SubscriptionDetails | None = None
    invoice_items: FormList[PreviewInvoiceItem] | None = Field(default=None, max_length=250)
    discounts: Emptyable[FormList[DiscountEntry]] = None
    preview_mode: Literal["next", "recurring"] | None = None
    currency: Text | None = None
    automatic_tax: AutomaticTax | None = None
    customer_details: dict[str, Any] | None = None
    on_behalf_of: Emptyable[Text] = None
    schedule: Text | None = None
    schedule_details: dict[str, Any] | None = None
    expand: Expand = None
