"""``subscription_schedule``: a schedule with its phases and default settings."""

from __future__ import annotations

from typing import Any

from billfold.models import SubscriptionSchedule
from billfold.objects.common import ts

__all__ = ["current_phase", "subscription_schedule_object"]


def current_phase(schedule: SubscriptionSchedule) -> dict[str, Any] | None:
    """Start and end of the phase applied to the subscription while the schedule is ``active``."""
    if schedule.status != "active" or not 0 <= schedule.phase_index < len(schedule.phases):
        return None
    phase = schedule.phases[schedule.phase_index]
    return {"end_date": phase["end_date"], "start_date": phase["start_date"]}


def _discounts(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "coupon": entry.get("coupon"),
            "discount": entry.get("discount"),
            "promotion_code": entry.get("promotion_code"),
        }
        for entry in entries
    ]


def _item(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "billing_thresholds": None,
        "discounts": [],
        "metadata": dict(item.get("metadata") or {}),
        "plan": item["price"],
        "price": item["price"],
        "quantity": item["quantity"],
        "tax_rates": [],
    }


def _invoice_settings(days_until_due: int | None) -> dict[str, Any]:
    return {
        "account_tax_ids": None,
        "custom_fields": None,
        "days_until_due": days_until_due,
        "description": None,
        "footer": None,
        "issuer": {"account": None, "type": "self"},
    }


def _phase(phase: dict[str, Any]) -> dict[str, Any]:
    days = phase.get("days_until_due")
    return {
        "add_invoice_items": [],
        "application_fee_percent": None,
        "automatic_tax": None,
        "billing_cycle_anchor": phase.get("billing_cycle_anchor"),
        "billing_thresholds": None,
        "collection_method": phase.get("collection_method"),
        "currency": phase["currency"],
        "default_payment_method": phase.get("default_payment_method"),
        "default_tax_rates": [],
        "description": phase.get("description"),
        "discounts": _discounts(phase.get("discounts") or []),
        "end_date": phase["end_date"],
        "invoice_settings": None if days is None else _invoice_settings(days),
        "items": [_item(item) for item in phase["items"]],
        "metadata": dict(phase.get("metadata") or {}),
        "on_behalf_of": None,
        "proration_behavior": phase.get("proration_behavior") or "create_prorations",
        "start_date": phase["start_date"],
        "transfer_data": None,
        "trial": phase.get("trial"),
        "trial_end": phase.get("trial_end"),
    }


def _default_settings(settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "application_fee_percent": None,
        "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
        "billing_cycle_anchor": settings.get("billing_cycle_anchor") or "automatic",
        "billing_thresholds": None,
        "collection_method": settings.get("collection_method") or "charge_automatically",
        "default_payment_method": settings.get("default_payment_method"),
        "description": settings.get("description"),
        "invoice_settings": _invoice_settings(settings.get("days_until_due")),
        "on_behalf_of": None,
        "transfer_data": None,
    }


def subscription_schedule_object(schedule: SubscriptionSchedule) -> dict[str, Any]:
    """The schedule with its phases."""
    return {
        "id": schedule.id,
        "object": "subscription_schedule",
        "application": None,
        "billing_mode": {"flexible": None, "type": "classic", "updated_at": None},
        "canceled_at": ts(schedule.canceled_at),
        "completed_at": ts(schedule.completed_at),
        "created": ts(schedule.created),
        "current_phase": current_phase(schedule),
        "customer": schedule.customer_id,
        "customer_account": None,
        "default_settings": _default_settings(schedule.default_settings),
        "end_behavior": schedule.end_behavior,
        "livemode": False,
        "metadata": dict(schedule.metadata_),
        "pause_schedules": [],
        "phases": [_phase(phase) for phase in schedule.phases],
        "released_at": ts(schedule.released_at),
        "released_subscription": schedule.released_subscription_id,
        "status": schedule.status,
        "subscription": schedule.subscription_id,
        "test_clock": schedule.test_clock_id,
    }
