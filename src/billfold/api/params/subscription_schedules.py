"""Request models for ``/v1/subscription_schedules``."""

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
    Text,
    Text500,
    Timestamp,
)
from billfold.api.params.prices import Interval
from billfold.api.params.subscriptions import DiscountEntry, ItemPriceData

__all__ = [
    "ScheduleCancel",
    "ScheduleCreate",
    "ScheduleList",
    "ScheduleRelease",
    "ScheduleRetrieve",
    "ScheduleUpdate",
]

Quantity = Annotated[int, Field(ge=0, le=1_000_000_000)]
ProrationBehavior = Literal["always_invoice", "create_prorations", "none"]
CollectionMethod = Literal["charge_automatically", "send_invoice"]
EndBehavior = Literal["cancel", "none", "release", "renew"]
Anchor = Literal["automatic", "phase_start"]
DaysUntilDue = Annotated[int, Field(ge=0, le=730)]
# Stripe allows up to 10 current or future phases.
MAX_PHASES = 10


class _Nested(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PhaseItem(_Nested):
    price: Text | None = None
    plan: Text | None = None
    price_data: ItemPriceData | None = None
    quantity: Quantity | None = None
    metadata: Metadata = None


class Duration(_Nested):
    interval: Interval
    interval_count: Annotated[int, Field(ge=1, le=1_000)] | None = None


class InvoiceSettings(_Nested):
    days_until_due: DaysUntilDue | None = None


class PhaseCreate(_Nested):
    items: FormList[PhaseItem] = Field(max_length=20)
    billing_cycle_anchor: Anchor | None = None
    collection_method: CollectionMethod | None = None
    currency: Annotated[Text, Field(max_length=3)] | None = None
    default_payment_method: Text | None = None
    description: Emptyable[Text500] = None
    discounts: Emptyable[FormList[DiscountEntry]] = None
    duration: Duration | None = None
    end_date: Timestamp | None = None
    invoice_settings: InvoiceSettings | None = None
    iterations: Annotated[int, Field(ge=1, le=1_000)] | None = None
    metadata: Metadata = None
    proration_behavior: ProrationBehavior | None = None
    trial: bool | None = None
    trial_end: Timestamp | None = None


class PhaseUpdate(PhaseCreate):
    start_date: Timestamp | Literal["now"] | None = None
    end_date: Timestamp | Literal["now"] | None = None  # type: ignore[assignment]
    trial_end: Timestamp | Literal["now"] | None = None  # type: ignore[assignment]


class DefaultSettings(_Nested):
    billing_cycle_anchor: Anchor | None = None
    collection_method: CollectionMethod | None = None
    default_payment_method: Text | None = None
    description: Emptyable[Text500] = None
    invoice_settings: InvoiceSettings | None = None


class ScheduleCreate(Params):
    customer: Text | None = None
    from_subscription: Text | None = None
    start_date: Timestamp | Literal["now"] | None = None
    end_behavior: EndBehavior | None = None
    default_settings: DefaultSettings | None = None
    metadata: Metadata = None
    phases: FormList[PhaseCreate] | None = Field(default=None, max_length=MAX_PHASES)
    expand: Expand = None


class ScheduleUpdate(Params):
    default_settings: DefaultSettings | None = None
    end_behavior: EndBehavior | None = None
    metadata: Metadata = None
    phases: FormList[PhaseUpdate] | None = Field(default=None, max_length=MAX_PHASES)
    proration_behavior: ProrationBehavior | None = None
    expand: Expand = None


class ScheduleList(ListParams):
    customer: Text | None = None
    scheduled: bool | None = None
    canceled_at: Created | None = None
    completed_at: Created | None = None
    released_at: Created | None = None
    created: Created | None = None


class ScheduleRetrieve(Params):
    expand: Expand = None


class ScheduleRelease(Params):
    preserve_cancel_date: bool | None = None
    expand: Expand = None


class ScheduleCancel(Params):
    invoice_now: bool | None = None
    prorate: bool | None = None
    expand: Expand = None
