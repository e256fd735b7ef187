"""The portal policy as a table: configurations by subscription states by actions → answers.

Pure: no server, no database. Each row of ``EXPECTED`` is one configuration and one
subscription state, with the answer for every action; the grid below turns them into one
test case per (configuration, state, action).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from billfold.billing_portal import policy
from billfold.billing_portal.defaults import CANCELLATION_REASONS, blank_features, seed_features
from billfold.billing_portal.policy_types import (
    CancelOption,
    ChangePlan,
    Denied,
    ItemChange,
    PauseOption,
    PortalItem,
    PortalPrice,
    PortalSubscription,
    UpdateOption,
)

NOW = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
PERIOD_END = dt.datetime(2026, 2, 15, 12, tzinfo=dt.UTC)

BASIC_M = PortalPrice("price_basic_m", "prod_basic", "usd", unit_amount=1_000)
BASIC_Y = PortalPrice("price_basic_y", "prod_basic", "usd", interval="year", unit_amount=10_000)
BASIC_EUR = PortalPrice("price_basic_eur", "prod_basic", "eur", unit_amount=900)
PRO_M = PortalPrice("price_pro_m", "prod_pro", "usd", unit_amount=2_000)
PRO_Y = PortalPrice("price_pro_y", "prod_pro", "usd", interval="year", unit_amount=20_000)
PRO_OLD = PortalPrice("price_pro_old", "prod_pro", "usd", active=False, unit_amount=1_500)
ADDON_M = PortalPrice("price_addon_m", "prod_addon", "usd", unit_amount=500)
METERED = PortalPrice("price_metered", "prod_api", "usd", usage_type="metered", unit_amount=1)
PRICES = {p.id: p for p in (BASIC_M, BASIC_Y, BASIC_EUR, PRO_M, PRO_Y, PRO_OLD, ADDON_M, METERED)}


def _switching() -> dict[str, Any]:
    features = seed_features()
    features["subscription_update"] = {
        "billing_cycle_anchor": None,
        "default_allowed_updates": ["price", "quantity", "promotion_code"],
        "enabled": True,
        "products": [
            {
                "adjustable_quantity": {"enabled": False, "maximum": None, "minimum": 1},
                "prices": [BASIC_M.id, BASIC_Y.id, BASIC_EUR.id],
                "product": "prod_basic",
            },
            {
                "adjustable_quantity": {"enabled": False, "maximum": None, "minimum": 1},
                "prices": [PRO_M.id, PRO_Y.id, PRO_OLD.id],
                "product": "prod_pro",
            },
            {
                "adjustable_quantity": {"enabled": True, "maximum": 5, "minimum": 1},
                "prices": [ADDON_M.id],
                "product": "prod_addon",
            },
            {
                "adjustable_quantity": {"enabled": False, "maximum": None, "minimum": 1},
                "prices": [METERED.id],
                "product": "prod_api",
            },
        ],
        "proration_behavior": "create_prorations",
        "schedule_at_period_end": {"conditions": [{"type": "decreasing_item_amount"}, {"type": "shortening_interval"}]},
        "trial_update_behavior": "continue_trial",
    }
    return features


def _cancel_now() -> dict[str, Any]:
    features = blank_features()
    features["subscription_cancel"].update(enabled=True, mode="immediately", proration_behavior="create_prorations")
    return features


def _pausing() -> dict[str, Any]:
    features = seed_features()
    features["subscription_pause"] = {
        "duration": {
            "interval_options": [
                {"interval": "month", "interval_count": 1},
                {"interval": "month", "interval_count": 3},
            ],
            "type": "interval_options",
        },
        "enabled": True,
    }
    return features


def _retention() -> dict[str, Any]:
    features = seed_features()
    features["subscription_cancel"]["retention"] = {"coupon": "SAVE20", "enabled": True}
    return features


CONFIGS: dict[str, dict[str, Any]] = {
    "seed": seed_features(),
    "blank": blank_features(),
    "switching": _switching(),
    "cancel_now": _cancel_now(),
    "pausing": _pausing(),
    "retention": _retention(),
}


def _sub(*items: PortalItem, **fields: Any) -> PortalSubscription:
    base: dict[str, Any] = {"id": "sub_1", "customer": "cus_1", "status": "active", "currency": "usd"}
    base.update(fields)
    return PortalSubscription(items=items, current_period_end=PERIOD_END, **base)


ONE = (PortalItem("si_basic", BASIC_M, 1),)
STATES: dict[str, PortalSubscription] = {
    "active": _sub(*ONE),
    "trialing": _sub(*ONE, status="trialing", trial_end=PERIOD_END),
    "past_due": _sub(*ONE, status="past_due"),
    "canceled": _sub(*ONE, status="canceled"),
    "incomplete": _sub(*ONE, status="incomplete"),
    "canceling": _sub(*ONE, cancel_at_period_end=True),
    "collection_paused": _sub(*ONE, collection_paused=True),
    "scheduled": _sub(*ONE, schedule="sub_sched_1"),
    "discounted": _sub(*ONE, has_discount=True),
    "two_items": _sub(PortalItem("si_basic", BASIC_M, 2), PortalItem("si_addon", ADDON_M, 3)),
    "yearly": _sub(PortalItem("si_basic", BASIC_Y, 1)),
    "eur": _sub(PortalItem("si_basic", BASIC_EUR, 1), currency="eur"),
    "metered": _sub(PortalItem("si_api", METERED, 1)),
}

NO = "denied"
AT_END = ("at_period_end", "none", CANCELLATION_REASONS, None)
SWITCH_FROM_BASIC_M = ((BASIC_Y.id, PRO_M.id, PRO_Y.id, ADDON_M.id), (1, None))
MONTHS = ("1 month", "3 month")


def _row(
    cancel: Any = NO, renew: bool = False, update: Any = NO, pause: Any = NO, resume: bool = False
) -> dict[str, Any]:
    return {"cancel": cancel, "renew": renew, "update": update, "pause": pause, "resume": resume}


# (configuration, state) → the answer of every action. ``update`` lists each item's
# (switchable prices, quantity range) or says denied; ``cancel`` is (mode, proration,
# reasons asked, retention coupon offered).
EXPECTED: dict[tuple[str, str], dict[str, Any]] = {
    ("seed", "active"): _row(cancel=AT_END),
    ("seed", "trialing"): _row(cancel=AT_END),
    ("seed", "past_due"): _row(cancel=AT_END),
    ("seed", "canceled"): _row(),
    ("seed", "incomplete"): _row(),
    ("seed", "canceling"): _row(renew=True),
    ("seed", "collection_paused"): _row(cancel=AT_END),
    ("seed", "scheduled"): _row(cancel=AT_END),
    ("blank", "active"): _row(),
    ("blank", "canceling"): _row(),
    ("cancel_now", "active"): _row(cancel=("immediately", "create_prorations", (), None)),
    # Cancelling now is still possible when a cancellation is already scheduled for later.
    ("cancel_now", "canceling"): _row(cancel=("immediately", "create_prorations", (), None), renew=True),
    ("cancel_now", "past_due"): _row(cancel=("immediately", "create_prorations", (), None)),
    ("switching", "active"): _row(cancel=AT_END, update=(SWITCH_FROM_BASIC_M,)),
    # Monthly ↔ yearly on the same product, both ways; a shorter interval is not hidden, only scheduled.
    ("switching", "yearly"): _row(cancel=AT_END, update=(((BASIC_M.id, PRO_M.id, PRO_Y.id, ADDON_M.id), (1, None)),)),
    ("switching", "trialing"): _row(cancel=AT_END, update=(SWITCH_FROM_BASIC_M,)),
    ("switching", "past_due"): _row(cancel=AT_END),
    ("switching", "canceling"): _row(renew=True),
    ("switching", "collection_paused"): _row(cancel=AT_END),
    ("switching", "scheduled"): _row(cancel=AT_END),
    # Several items: each item changes on its own, within the subscription's interval and
    # without taking a product another item has.
    ("switching", "two_items"): _row(cancel=AT_END, update=(((PRO_M.id,), (1, None)), ((PRO_M.id,), (1, 5)))),
    # Prices in another currency than the subscription's are never offered.
    ("switching", "eur"): _row(cancel=AT_END, update=(((), (1, None)),)),
    # Metered items switch between metered prices only and have no quantity.
    ("switching", "metered"): _row(cancel=AT_END),
    ("pausing", "active"): _row(cancel=AT_END, pause=(False, MONTHS)),
    ("pausing", "trialing"): _row(cancel=AT_END),
    ("pausing", "collection_paused"): _row(cancel=AT_END, resume=True),
    ("pausing", "canceling"): _row(renew=True),
    ("pausing", "scheduled"): _row(cancel=AT_END),
    ("retention", "active"): _row(cancel=(*AT_END[:3], "SAVE20")),
    # No offer on top of an existing discount, during a trial, or to an overdue account.
    ("retention", "discounted"): _row(cancel=AT_END),
    ("retention", "trialing"): _row(cancel=AT_END),
    ("retention", "past_due"): _row(cancel=AT_END),
}


def _simple(answer: object) -> Any:
    """A policy answer in the table's terms."""
    if isinstance(answer, Denied):
        return NO
    if isinstance(answer, CancelOption):
        return (answer.mode, answer.proration_behavior, answer.reasons, answer.retention_coupon)
    if isinstance(answer, UpdateOption):
        return tuple(
            (o.prices, None if o.quantity is None else (o.quantity.minimum, o.quantity.maximum)) for o in answer.items
        )
    if isinstance(answer, PauseOption):
        return (answer.indefinite, tuple(f"{count} {interval}" for interval, count in answer.durations))
    return answer


@pytest.mark.parametrize(
    ("config", "state", "action"),
    [(config, state, action) for (config, state), row in EXPECTED.items() for action in row],
)
def test_policy_grid(config: str, state: str, action: str) -> None:
    actions = policy.subscription_actions(CONFIGS[config], STATES[state], PRICES, NOW)
    assert _simple(getattr(actions, action)) == EXPECTED[(config, state)][action]


@pytest.mark.parametrize(
    ("before", "change", "timing"),
    [
        (BASIC_M, PRO_M, "now"),  # upgrade
        (PRO_M, BASIC_M, "period_end"),  # decreasing_item_amount
        (BASIC_M, BASIC_Y, "period_end"),  # 100.00 a year costs less than 10.00 a month: a decrease
        (BASIC_Y, BASIC_M, "period_end"),  # shortening_interval
        (BASIC_M, PRO_Y, "now"),
        (PRO_Y, BASIC_Y, "period_end"),
    ],
)
def test_change_timing_follows_the_conditions(before: PortalPrice, change: PortalPrice, timing: str) -> None:
    features = _switching()
    sub = _sub(PortalItem("si_1", before, 1))
    plan = policy.plan_change(features, sub, PRICES, [ItemChange("si_1", price=change.id)], NOW)
    assert isinstance(plan, ChangePlan)
    assert plan.timing == timing
    assert plan.proration_behavior == ("create_prorations" if timing == "now" else "none")


def test_only_the_configured_conditions_schedule() -> None:
    features = _switching()
    features["subscription_update"]["schedule_at_period_end"]["conditions"] = [{"type": "shortening_interval"}]
    # Cheaper per day but a longer interval: applied now.
    plan = policy.plan_change(
        features, _sub(PortalItem("si_1", BASIC_M, 1)), PRICES, [ItemChange("si_1", BASIC_Y.id)], NOW
    )
    assert isinstance(plan, ChangePlan)
    assert plan.timing == "now"


def test_without_conditions_every_change_is_immediate() -> None:
    features = _switching()
    features["subscription_update"]["schedule_at_period_end"]["conditions"] = []
    plan = policy.plan_change(
        features, _sub(PortalItem("si_1", PRO_Y, 1)), PRICES, [ItemChange("si_1", BASIC_M.id)], NOW
    )
    assert isinstance(plan, ChangePlan)
    assert plan.timing == "now"


def test_yearly_and_monthly_at_the_same_rate_is_not_a_decrease() -> None:
    features = _switching()
    fair_year = PortalPrice("price_fair_y", "prod_basic", "usd", interval="year", unit_amount=12_000)
    features["subscription_update"]["products"][0]["prices"].append(fair_year.id)
    prices = {**PRICES, fair_year.id: fair_year}
    plan = policy.plan_change(
        features, _sub(PortalItem("si_1", BASIC_M, 1)), prices, [ItemChange("si_1", fair_year.id)], NOW
    )
    assert isinstance(plan, ChangePlan)
    assert plan.timing == "now"


@pytest.mark.parametrize(
    ("changes", "denied"),
    [
        ([], (None, None)),
        ([ItemChange("si_nope", PRO_M.id)], (0, "id")),
        ([ItemChange("si_basic")], (0, "price")),
        ([ItemChange("si_basic", BASIC_EUR.id)], (0, "price")),  # another currency
        ([ItemChange("si_basic", PRO_OLD.id)], (0, "price")),  # archived since
        ([ItemChange("si_addon", quantity=6)], (0, "quantity")),  # above the product's maximum
        ([ItemChange("si_addon", quantity=0)], (0, "quantity")),
        ([ItemChange("si_basic", quantity=0)], (0, "quantity")),  # default minimum is 1
        ([ItemChange("si_basic", quantity=2), ItemChange("si_basic", quantity=3)], (1, "id")),
        ([ItemChange("si_basic", BASIC_Y.id)], (0, "price")),  # several items share one interval
    ],
)
def test_refused_changes_point_at_the_item_and_field(
    changes: list[ItemChange], denied: tuple[int | None, str | None]
) -> None:
    plan = policy.plan_change(_switching(), STATES["two_items"], PRICES, changes, NOW)
    assert isinstance(plan, Denied)
    assert (plan.item, plan.field) == denied


def test_several_items_change_together() -> None:
    changes = [ItemChange("si_basic", PRO_M.id), ItemChange("si_addon", quantity=5)]
    plan = policy.plan_change(_switching(), STATES["two_items"], PRICES, changes, NOW)
    assert isinstance(plan, ChangePlan)
    assert plan.changes == (ItemChange("si_basic", PRO_M.id, 2), ItemChange("si_addon", ADDON_M.id, 5))
    assert plan.timing == "now"


def test_quantity_only_when_allowed() -> None:
    features = _switching()
    features["subscription_update"]["default_allowed_updates"] = ["price"]
    plan = policy.plan_change(features, STATES["active"], PRICES, [ItemChange("si_basic", quantity=2)], NOW)
    assert isinstance(plan, Denied)
    assert plan.field == "quantity"
    # The add-on's own adjustable_quantity still allows it.
    plan = policy.plan_change(features, STATES["two_items"], PRICES, [ItemChange("si_addon", quantity=4)], NOW)
    assert isinstance(plan, ChangePlan)


def test_trials_end_or_continue_as_configured() -> None:
    features = _switching()
    trialing = STATES["trialing"]
    plan = policy.plan_change(features, trialing, PRICES, [ItemChange("si_basic", PRO_M.id)], NOW)
    assert isinstance(plan, ChangePlan)
    assert plan.end_trial is False
    features["subscription_update"]["trial_update_behavior"] = "end_trial"
    plan = policy.plan_change(features, trialing, PRICES, [ItemChange("si_basic", PRO_M.id)], NOW)
    assert isinstance(plan, ChangePlan)
    assert plan.end_trial is True


def test_billing_cycle_anchor_defaults_to_unchanged() -> None:
    features = _switching()
    option = policy.update_option(features, STATES["active"], PRICES, NOW)
    assert isinstance(option, UpdateOption)
    assert option.billing_cycle_anchor == "unchanged"
    assert option.promotion_codes is True
    features["subscription_update"]["billing_cycle_anchor"] = "now"
    option = policy.update_option(features, STATES["active"], PRICES, NOW)
    assert isinstance(option, UpdateOption)
    assert option.billing_cycle_anchor == "now"


def test_indefinite_pause() -> None:
    features = _pausing()
    features["subscription_pause"]["duration"] = {"interval_options": [], "type": "indefinite"}
    assert policy.pause_option(features, STATES["active"], NOW) == PauseOption(indefinite=True, durations=())


def test_a_flow_brings_its_own_retention_coupon() -> None:
    option = policy.cancel_option(seed_features(), STATES["active"], NOW, retention_coupon="FLOW10")
    assert isinstance(option, CancelOption)
    assert option.retention_coupon == "FLOW10"


def test_renewal_only_before_the_period_ends() -> None:
    late = dt.datetime(2026, 2, 16, tzinfo=dt.UTC)
    assert policy.renewable(seed_features(), STATES["canceling"], NOW) is True
    assert policy.renewable(seed_features(), STATES["canceling"], late) is False


# -- the home page ------------------------------------------------------------------------


def test_shown_subscriptions_and_on_behalf_of() -> None:
    subs = [STATES["active"], STATES["canceled"], STATES["incomplete"], STATES["past_due"]]
    assert [s.status for s in policy.shown(subs)] == ["active", "past_due"]
    platform = _sub(*ONE, id="sub_2", on_behalf_of="acct_connected")
    assert policy.shown([*subs, platform], on_behalf_of="acct_connected") == (platform,)


@pytest.mark.parametrize(
    ("config", "fields", "payment_methods", "invoices"),
    [
        ("seed", ("address", "email", "name", "phone"), True, True),
        ("blank", (), False, False),
    ],
)
def test_customer_fields_and_visibility(
    config: str, fields: tuple[str, ...], payment_methods: bool, invoices: bool
) -> None:
    view = policy.portal_view(CONFIGS[config], [STATES["active"]], PRICES, NOW)
    assert view.customer_fields == fields
    assert view.payment_methods is payment_methods
    assert view.invoice_history is invoices
    assert [a.subscription.id for a in view.subscriptions] == ["sub_1"]


def test_customer_fields_off_when_the_feature_is_off() -> None:
    features = copy.deepcopy(seed_features())
    features["customer_update"]["enabled"] = False
    assert policy.customer_fields(features) == ()
