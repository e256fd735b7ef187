"""The vocabulary of the portal policy: what it is told and what it answers.

Inputs are plain values built from the database by :mod:`billfold.billing_portal.queries`
(or by hand in tests); answers are what :mod:`billfold.billing_portal.policy` returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CancelOption",
    "ChangePlan",
    "Denied",
    "ItemChange",
    "ItemOption",
    "PauseOption",
    "PortalItem",
    "PortalPrice",
    "PortalSubscription",
    "PortalView",
    "QuantityRange",
    "SubscriptionActions",
    "UpdateOption",
]


@dataclass(frozen=True, slots=True)
class PortalPrice:
    """What the policy needs of a price."""

    id: str
    product: str
    currency: str
    active: bool = True
    recurring: bool = True
    interval: str = "month"
    interval_count: int = 1
    usage_type: str = "licensed"
    unit_amount: int | None = None  # None when the amount is not one number (tiers, custom amounts)


@dataclass(frozen=True, slots=True)
class PortalItem:
    """One subscription item."""

    id: str
    price: PortalPrice
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class PortalSubscription:
    """What the policy needs of a subscription."""

    id: str
    customer: str
    status: str
    currency: str
    items: tuple[PortalItem, ...]
    current_period_end: dt.datetime
    cancel_at_period_end: bool = False
    cancel_at: dt.datetime | None = None
    trial_end: dt.datetime | None = None
    collection_paused: bool = False  # ``pause_collection`` is set
    schedule: str | None = None
    on_behalf_of: str | None = None
    has_discount: bool = False


@dataclass(frozen=True, slots=True)
class Denied:
    """A refusal; ``item`` and ``field`` point into the requested item changes when they are at fault."""

    reason: str
    item: int | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class CancelOption:
    """How a cancellation happens; ``reasons`` empty means none are asked for."""

    mode: str
    proration_behavior: str
    reasons: tuple[str, ...]
    retention_coupon: str | None


@dataclass(frozen=True, slots=True)
class QuantityRange:
    """Inclusive bounds; ``maximum`` None means unbounded."""

    minimum: int
    maximum: int | None

    def allows(self, quantity: int) -> bool:
        return quantity >= self.minimum and (self.maximum is None or quantity <= self.maximum)


@dataclass(frozen=True, slots=True)
class ItemOption:
    """For one item: the prices it may switch to and the quantities it may take (None: fixed)."""

    item: str
    prices: tuple[str, ...]
    quantity: QuantityRange | None

    @property
    def changeable(self) -> bool:
        return bool(self.prices) or self.quantity is not None


@dataclass(frozen=True, slots=True)
class UpdateOption:
    """What can change on a subscription, item by item."""

    items: tuple[ItemOption, ...]
    promotion_codes: bool
    proration_behavior: str
    billing_cycle_anchor: str
    trial_update_behavior: str | None  # set for trialing subscriptions only


@dataclass(frozen=True, slots=True)
class PauseOption:
    """How long a pause may last: indefinitely, or one of ``durations`` ``(interval, count)``."""

    indefinite: bool
    durations: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class SubscriptionActions:
    """Everything the portal may offer for one subscription."""

    subscription: PortalSubscription
    cancel: CancelOption | Denied
    renew: bool  # undo a scheduled cancellation
    update: UpdateOption | Denied
    pause: PauseOption | Denied
    resume: bool


@dataclass(frozen=True, slots=True)
class ItemChange:
    """A requested change of one item (price and/or quantity)."""

    id: str
    price: str | None = None
    quantity: int | None = None


@dataclass(frozen=True, slots=True)
class ChangePlan:
    """An allowed change and how to apply it: ``timing`` "now" or "period_end"."""

    changes: tuple[ItemChange, ...]  # price and quantity both filled in
    timing: Literal["now", "period_end"]
    proration_behavior: str
    billing_cycle_anchor: str
    end_trial: bool


@dataclass(frozen=True, slots=True)
class PortalView:
    """The portal's home page: shown subscriptions and what the customer may edit and see."""

    subscriptions: tuple[SubscriptionActions, ...]
    customer_fields: tuple[str, ...]
    payment_methods: bool
    invoice_history: bool
