"""Request models for ``/v1/subscriptions`` and ``/v1/subscription_items``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

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
    Text500,
    Timestamp,
)
from billfold.api.params.prices import Amount, DecimalAmount, Interval

__all__ = [
    "SubscriptionCancel",
    "SubscriptionCreate",
    "SubscriptionList",
    "SubscriptionResume",
    "SubscriptionRetrieve",
    "SubscriptionSearch",
    "SubscriptionUpdate",
]

Quantity = Annotated[int, Field(ge=0, le=1_000_000_000)]
ProrationBehavior = Literal["always_invoice", "create_prorations", "none"]
Feedback = Literal[
    "customer_service",
    "low_quality",
    "missing_features",
    "other",
    "switched_service",
    "too_complex",
    "too_expensive",
    "unused",
]


class _Nested(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Recurring(_Nested):
    interval: Interval
    interval_count: Annotated[int, Field(ge=1)] | None = None


class ItemPriceData(_Nested):
    currency: Text
    product: Text
    recurring: Recurring
    unit_amount: Amount | None = None
    unit_amount_decimal: DecimalAmount | None = None
    tax_behavior: Literal["exclusive", "inclusive", "unspecified"] | None = None


class CreateItem(_Nested):
    price: Text | None = None
    plan: Text | None = None
    price_data: ItemPriceData | None = None
    quantity: Quantity | None = None
    metadata: Metadata = None


class UpdateItem(_Nested):
    id: Text | None = None
    price: Text | None = None
    plan: Text | None = None
    price_data: ItemPriceData | None = None
    quantity: Quantity | None = None
    deleted: bool | None = None
    clear_usage: bool | None = None
    metadata: Metadata = None


class DiscountEntry(_Nested):
    coupon: Text | None = None
    promotion_code: Text | None = None
    discount: Text | None = None


class AddInvoiceItem(_Nested):
    price: Text | None = None
    price_data: dict[str, object] | None = None
    quantity: Quantity | None = None
    discountable: bool | None = None
    metadata: Metadata = None


class PauseCollection(_Nested):
    behavior: Literal["keep_as_draft", "mark_uncollectible", "void"]
    resumes_at: Timestamp | None = None


class CancellationDetails(_Nested):
    comment: Emptyable[Text500] = None
    feedback: Emptyable[Feedback] = None


class EndBehavior(_Nested):
    missing_payment_method: Literal["cancel", "create_invoice", "pause"]


class TrialSettings(_Nested):
    end_behavior: EndBehavior


class SubscriptionCreate(Params):
    customer: Text
    items: FormList[CreateItem] = Field(max_length=20)
    add_invoice_items: FormList[AddInvoiceItem] | None = Field(default=None, max_length=20)
    backdate_start_date: Timestamp | None = None
    billing_cycle_anchor: Timestamp | None = None
    cancel_at: Timestamp | None = None
    cancel_at_period_end: bool | None = None
    collection_method: Literal["charge_automatically", "send_invoice"] | None = None
    currency: Text | None = None
    days_until_due: Annotated[int, Field(ge=0, le=730)] | None = None
    default_payment_method: Text | None = None
    description: Text500 | None = None
    discounts: Emptyable[FormList[DiscountEntry]] = None
    metadata: Metadata = None
    off_session: bool | None = None
    on_behalf_of: Emptyable[Text] = None
    # Stripe takes pause_collection on updates only; Billfold also accepts it on create.
    pause_collection: PauseCollection | None = None
    payment_behavior: (
        Literal["allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete"] | None
    ) = None
    proration_behavior: ProrationBehavior | None = None
    trial_end: Timestamp | Literal["now"] | None = None
    trial_from_plan: bool | None = None
    trial_period_days: Annotated[int, Field(ge=0, le=730)] | None = None
    trial_settings: TrialSettings | None = None
    expand: Expand = None


class SubscriptionUpdate(Params):
    items: FormList[UpdateItem] | None = Field(default=None, max_length=20)
    add_invoice_items: FormList[AddInvoiceItem] | None = Field(default=None, max_length=20)
    billing_cycle_anchor: Literal["now", "unchanged"] | None = None
    cancel_at: Emptyable[Timestamp] = None
    cancel_at_period_end: bool | None = None
    cancellation_details: CancellationDetails | None = None
    collection_method: Literal["charge_automatically", "send_invoice"] | None = None
    days_until_due: Annotated[int, Field(ge=0, le=730)] | None = None
    default_payment_method: Emptyable[Text] = None
    description: Emptyable[Text500] = None
    discounts: Emptyable[FormList[DiscountEntry]] = None
    metadata: Metadata = None
    off_session: bool | None = None
    on_behalf_of: Emptyable[Text] = None
    pause_collection: Emptyable[PauseCollection] = None
    payment_behavior: (
        Literal["allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete"] | None
    ) = None
    proration_behavior: ProrationBehavior | None = None
    proration_date: Timestamp | None = None
    trial_end: Timestamp | Literal["now"] | None = None
    trial_from_plan: bool | None = None
    trial_settings: TrialSettings | None = None
    expand: Expand = None


class SubscriptionCancel(Params):
    cancellation_details: CancellationDetails | None = None
    invoice_now: bool | None = None
    prorate: bool | None = None
    expand: Expand = None


class ResumeAnchor(_Nested):
    type: Literal["now", "unchanged"]


class SubscriptionResume(Params):
    billing_cycle_anchor: ResumeAnchor | None = None
    payment_behavior: Literal["resume_on_payment_attempt", "resume_on_payment_success"] | None = None
    proration_behavior: ProrationBehavior | None = None
    proration_date: Timestamp | None = None
    expand: Expand = None


class SubscriptionRetrieve(Params):
    expand: Expand = None


class SubscriptionList(ListParams):
    customer: Text | None = None
    price: Text | None = None
    status: (
        Literal[
            "active",
            "all",
            "canceled",
            "ended",
            "incomplete",
            "incomplete_expired",
            "past_due",
            "paused",
            "trialing",
            "unpaid",
        ]
        | None
    ) = None
    collection_method: Literal["charge_automatically", "send_invoice"] | None = None
    created: Created | None = None
    current_period_end: Created | None = None
    current_period_start: Created | None = None
    test_clock: Text | None = None


class SubscriptionSearch(SearchParams):
    pass
