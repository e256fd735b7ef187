"""Request models for ``/v1/subscription_items``."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from billfold.api.params.base import Expand, ListParams, Metadata, Params, Text, Timestamp
from billfold.api.params.subscriptions import ItemPriceData, ProrationBehavior, Quantity
from billfold.errors import InvalidRequestError

__all__ = [
    "SubscriptionItemCreate",
    "SubscriptionItemDelete",
    "SubscriptionItemList",
    "SubscriptionItemRetrieve",
    "SubscriptionItemUpdate",
]

PaymentBehavior = Literal["allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete"]

# Parameters Stripe has that Billfold cannot honour yet: named in a 400, never ignored.
_UNSUPPORTED = {
    "billing_thresholds": "Billing thresholds are not supported by Billfold (metered prices are not either).",
    "current_trial": "Trial offers are not supported by Billfold.",
    "discounts": "Discounts on single subscription items are not supported by Billfold yet; discount the "
    "subscription instead.",
    "tax_rates": "Tax rates are not supported by Billfold yet.",
}


class _ItemWrite(Params):
    billing_thresholds: Any = None
    current_trial: Any = None
    discounts: Any = None
    metadata: Metadata = None
    payment_behavior: PaymentBehavior | None = None
    plan: Text | None = None
    price: Text | None = None
    price_data: ItemPriceData | None = None
    proration_behavior: ProrationBehavior | None = None
    proration_date: Timestamp | None = None
    quantity: Quantity | None = None
    tax_rates: Any = None
    expand: Expand = None

    @model_validator(mode="after")
    def _refuse_unsupported(self) -> _ItemWrite:
        for name in sorted(self.model_fields_set & _UNSUPPORTED.keys()):
            raise InvalidRequestError(_UNSUPPORTED[name], param=name)
        return self


class SubscriptionItemCreate(_ItemWrite):
    subscription: Text


class SubscriptionItemUpdate(_ItemWrite):
    off_session: bool | None = None


class SubscriptionItemDelete(Params):
    clear_usage: bool | None = None
    payment_behavior: PaymentBehavior | None = None
    proration_behavior: ProrationBehavior | None = None
    proration_date: Timestamp | None = None


class SubscriptionItemRetrieve(Params):
    expand: Expand = None


class SubscriptionItemList(ListParams):
    subscription: Text
