"""Portal configurations through the stripe SDK."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from billfold.billing_portal.defaults import default_headline
from tests.billing.helpers import monthly_price
from tests.portal.helpers import portal_shape_problems
from tests.support import Account, LiveServer

ALL_REASONS = [
    "customer_service",
    "low_quality",
    "missing_features",
    "other",
    "switched_service",
    "too_complex",
    "too_expensive",
    "unused",
]

# docs/portal-defaults.md, field by field.
SEED_DEFAULT: dict[str, Any] = {
    "active": True,
    "application": None,
    "business_profile": {"headline": None, "privacy_policy_url": None, "terms_of_service_url": None},
    "default_return_url": None,
    "features": {
        "customer_update": {"allowed_updates": ["address", "email", "name", "phone"], "enabled": True},
        "invoice_history": {"enabled": True},
        "payment_method_update": {"enabled": True, "payment_method_configuration": None},
        "subscription_cancel": {
            "cancellation_reason": {"enabled": True, "feedback_options": None, "options": ALL_REASONS},
            "enabled": True,
            "mode": "at_period_end",
            "proration_behavior": "none",
            "retention": {"coupon": None, "enabled": False},
        },
        "subscription_pause": {"duration": {"interval_options": [], "type": "indefinite"}, "enabled": False},
        "subscription_update": {
            "billing_cycle_anchor": None,
            "default_allowed_updates": [],
            "enabled": False,
            "products": [],
            "proration_behavior": "none",
            "schedule_at_period_end": {"conditions": []},
            "trial_update_behavior": "end_trial",
        },
    },
    "is_default": True,
    "livemode": False,
    "login_page": {"enabled": False, "url": None},
    "metadata": {},
    "name": None,
    "object": "billing_portal.configuration",
}


# The SDK sends nothing for an empty dict, and features is required: the smallest real value.
MINIMAL: Any = {"invoice_history": {"enabled": False}}


def _metadata(obj: stripe.billing_portal.Configuration) -> dict[str, str]:
    assert obj.metadata is not None
    return dict(obj.metadata.to_dict())


def _without_ids(obj: Any) -> dict[str, Any]:
    data: dict[str, Any] = obj.to_dict()
    return {k: v for k, v in data.items() if k not in {"id", "created", "updated"}}


def test_the_seed_default_is_made_by_the_first_session(api: Account) -> None:
    customer = stripe.Customer.create(email="jenny@example.com")
    session = stripe.billing_portal.Session.create(customer=customer.id)
    configuration = stripe.billing_portal.Configuration.retrieve(str(session.configuration))
    assert _without_ids(configuration) == SEED_DEFAULT
    assert portal_shape_problems(configuration, "billing_portal.Configuration") == []
    again = stripe.billing_portal.Session.create(customer=customer.id)
    assert again.configuration == configuration.id
    assert [c.id for c in stripe.billing_portal.Configuration.list().data] == [configuration.id]
    events = stripe.Event.list(type="billing_portal.configuration.created").data
    assert [e.data.object.id for e in events] == [configuration.id]


def test_default_headline_names_the_business() -> None:
    assert default_headline("Acme Inc.") == "Acme Inc. partners with Billfold for simplified billing."


def test_an_existing_configuration_is_the_default(api: Account) -> None:
    first = stripe.billing_portal.Configuration.create(features={"invoice_history": {"enabled": True}})
    second = stripe.billing_portal.Configuration.create(features={"invoice_history": {"enabled": False}})
    assert (first.is_default, second.is_default) == (True, False)
    customer = stripe.Customer.create()
    assert stripe.billing_portal.Session.create(customer=customer.id).configuration == first.id
    assert len(stripe.billing_portal.Configuration.list().data) == 2


def test_create_with_everything(api: Account) -> None:
    basic, pro = monthly_price(1_000, name="Basic"), monthly_price(2_000, name="Pro")
    pro_yearly = stripe.Price.create(
        unit_amount=20_000, currency="usd", recurring={"interval": "year"}, product=str(pro.product)
    )
    coupon = stripe.Coupon.create(percent_off=20, duration="once")
    features: Any = {
        "customer_update": {"enabled": True, "allowed_updates": ["email", "tax_id", "email"]},
        "invoice_history": {"enabled": True},
        "payment_method_update": {"enabled": True},
        "subscription_cancel": {
            "enabled": True,
            "mode": "immediately",
            "proration_behavior": "create_prorations",
            "cancellation_reason": {"enabled": True, "options": ["too_expensive", "other"]},
            "retention": {"enabled": True, "coupon": coupon.id},
        },
        "subscription_pause": {
            "enabled": True,
            "duration": {
                "type": "interval_options",
                "interval_options": [{"interval": "month"}, {"interval": "week", "interval_count": 2}],
            },
        },
        "subscription_update": {
            "enabled": True,
            "default_allowed_updates": ["price", "quantity"],
            "products": [
                {"product": basic.product, "prices": [basic.id]},
                {
                    "product": pro.product,
                    "prices": [pro.id, pro_yearly.id],
                    "adjustable_quantity": {"enabled": True, "maximum": 10},
                },
            ],
            "proration_behavior": "always_invoice",
            "schedule_at_period_end": {"conditions": [{"type": "decreasing_item_amount"}]},
            "billing_cycle_anchor": "now",
            "trial_update_behavior": "continue_trial",
        },
    }
    configuration = stripe.billing_portal.Configuration.create(
        business_profile={
            "headline": "Manage your plan",
            "privacy_policy_url": "https://example.com/privacy",
            "terms_of_service_url": "https://example.com/terms",
        },
        default_return_url="https://example.com/account",
        features=features,
        login_page={"enabled": True},
        metadata={"team": "growth"},
        name="Growth",
    )
    assert configuration.id.startswith("bpc_")
    assert configuration.business_profile.to_dict() == {
        "headline": "Manage your plan",
        "privacy_policy_url": "https://example.com/privacy",
        "terms_of_service_url": "https://example.com/terms",
    }
    assert configuration.default_return_url == "https://example.com/account"
    assert (configuration.name, _metadata(configuration)) == ("Growth", {"team": "growth"})
    saved = configuration.features.to_dict()
    assert saved["customer_update"] == {"allowed_updates": ["email", "tax_id"], "enabled": True}
    assert saved["subscription_cancel"]["cancellation_reason"]["options"] == ["too_expensive", "other"]
    assert saved["subscription_cancel"]["retention"] == {"coupon": coupon.id, "enabled": True}
    assert saved["subscription_pause"] == {
        "duration": {
            "interval_options": [{"interval": "month", "interval_count": 1}, {"interval": "week", "interval_count": 2}],
            "type": "interval_options",
        },
        "enabled": True,
    }
    update = saved["subscription_update"]
    assert update["products"] == [
        {
            "adjustable_quantity": {"enabled": False, "maximum": None, "minimum": 1},
            "prices": [basic.id],
            "product": basic.product,
        },
        {
            "adjustable_quantity": {"enabled": True, "maximum": 10, "minimum": 1},
            "prices": [pro.id, pro_yearly.id],
            "product": pro.product,
        },
    ]
    assert (update["proration_behavior"], update["billing_cycle_anchor"], update["trial_update_behavior"]) == (
        "always_invoice", "now", "continue_trial",
    )  # fmt: skip
    assert update["schedule_at_period_end"] == {"conditions": [{"type": "decreasing_item_amount"}]}
    assert portal_shape_problems(configuration, "billing_portal.Configuration") == []
    assert stripe.billing_portal.Configuration.retrieve(configuration.id).to_dict() == configuration.to_dict()


def test_login_page_url_is_stable_until_disabled(server: LiveServer, api: Account) -> None:
    configuration = stripe.billing_portal.Configuration.create(features=MINIMAL, login_page={"enabled": True})
    url = configuration.login_page.url
    assert url is not None
    assert url.startswith(f"{server.url}/p/login/")
    same = stripe.billing_portal.Configuration.modify(configuration.id, login_page={"enabled": True}, name="x")
    assert same.login_page.url == url
    off = stripe.billing_portal.Configuration.modify(configuration.id, login_page={"enabled": False})
    assert off.login_page.to_dict() == {"enabled": False, "url": None}
    on = stripe.billing_portal.Configuration.modify(configuration.id, login_page={"enabled": True})
    assert on.login_page.enabled is True
    assert on.login_page.url not in {None, url}


def test_update_merges_nested_features(api: Account) -> None:
    price = monthly_price(1_000)
    configuration = stripe.billing_portal.Configuration.create(
        features={
            "customer_update": {"enabled": True, "allowed_updates": ["email", "name"]},
            "subscription_update": {
                "enabled": True,
                "default_allowed_updates": ["price"],
                "products": [{"product": str(price.product), "prices": [price.id]}],
            },
        },
        metadata={"a": "1", "b": "2"},
        name="Named",
        default_return_url="https://example.com",
        business_profile={"headline": "Hello"},
    )
    updated = stripe.billing_portal.Configuration.modify(
        configuration.id,
        features={
            "customer_update": {"enabled": False},
            "subscription_update": {"default_allowed_updates": ["quantity"], "products": ""},
            "subscription_cancel": {"enabled": True, "cancellation_reason": {"enabled": True, "options": ["other"]}},
        },
        metadata={"a": "", "c": "3"},
        name="",
        default_return_url="",
        business_profile={"headline": ""},
    )
    features = updated.features.to_dict()
    assert features["customer_update"] == {"allowed_updates": ["email", "name"], "enabled": False}
    assert features["subscription_update"]["default_allowed_updates"] == ["quantity"]
    assert features["subscription_update"]["products"] == []
    assert features["subscription_cancel"]["cancellation_reason"]["options"] == ["other"]
    assert features["subscription_cancel"]["mode"] == "at_period_end"
    assert _metadata(updated) == {"b": "2", "c": "3"}
    assert (updated.name, updated.default_return_url, updated.business_profile.headline) == (None, None, None)
    cleared = stripe.billing_portal.Configuration.modify(configuration.id, metadata="")
    assert _metadata(cleared) == {}


def test_update_events_carry_previous_attributes(api: Account) -> None:
    configuration = stripe.billing_portal.Configuration.create(features={"invoice_history": {"enabled": False}})
    stripe.billing_portal.Configuration.modify(configuration.id, features={"invoice_history": {"enabled": True}})
    stripe.billing_portal.Configuration.modify(configuration.id, features={"invoice_history": {"enabled": True}})
    events = stripe.Event.list(type="billing_portal.configuration.updated").data
    assert len(events) == 1  # the second call changed nothing
    assert events[0].data.previous_attributes is not None
    previous = events[0].data.previous_attributes.to_dict()
    assert previous["features"]["invoice_history"] == {"enabled": False}
    assert events[0].data.object.features.invoice_history.enabled is True
    created = stripe.Event.list(type="billing_portal.configuration.created").data
    assert [e.data.object.id for e in created] == [configuration.id]


def test_the_default_cannot_be_deactivated(api: Account) -> None:
    default = stripe.billing_portal.Configuration.create(features=MINIMAL)
    other = stripe.billing_portal.Configuration.create(features=MINIMAL)
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.billing_portal.Configuration.modify(default.id, active=False)
    assert (err.value.http_status, err.value.param) == (400, "active")
    assert stripe.billing_portal.Configuration.modify(other.id, active=False).active is False
    assert stripe.billing_portal.Configuration.modify(other.id, active=True).active is True


def test_list_filters_and_pages(api: Account) -> None:
    default = stripe.billing_portal.Configuration.create(features=MINIMAL)
    made = [stripe.billing_portal.Configuration.create(features=MINIMAL) for _ in range(3)]
    stripe.billing_portal.Configuration.modify(made[0].id, active=False)
    listed = stripe.billing_portal.Configuration.list()
    assert [c.id for c in listed.data] == [c.id for c in reversed([default, *made])]
    assert [c.id for c in stripe.billing_portal.Configuration.list(is_default=True).data] == [default.id]
    assert len(stripe.billing_portal.Configuration.list(is_default=False).data) == 3
    assert [c.id for c in stripe.billing_portal.Configuration.list(active=False).data] == [made[0].id]
    assert len(stripe.billing_portal.Configuration.list(active=True).data) == 3
    page = stripe.billing_portal.Configuration.list(limit=2)
    assert page.has_more is True
    rest = stripe.billing_portal.Configuration.list(limit=2, starting_after=page.data[-1].id)
    assert [c.id for c in rest.data] == [made[0].id, default.id]
    assert all(
        c.object == "billing_portal.configuration"
        for c in stripe.billing_portal.Configuration.list().auto_paging_iter()
    )


def test_configurations_are_per_account(server: LiveServer, api: Account) -> None:
    mine = stripe.billing_portal.Configuration.create(features=MINIMAL)
    other = server.new_account()
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe.billing_portal.Configuration.retrieve(mine.id, api_key=other.key)
    assert (err.value.http_status, err.value.code) == (404, "resource_missing")
    theirs = stripe.billing_portal.Configuration.create(features=MINIMAL, api_key=other.key)
    assert theirs.is_default is True


def test_retention_extension(api: Account) -> None:
    coupon = stripe.Coupon.create(amount_off=500, currency="usd", duration="once")
    features: Any = {"subscription_cancel": {"enabled": True, "retention": {"enabled": True, "coupon": coupon.id}}}
    configuration = stripe.billing_portal.Configuration.create(features=features)
    off: Any = {"subscription_cancel": {"retention": {"enabled": False}}}
    updated = stripe.billing_portal.Configuration.modify(configuration.id, features=off)
    assert updated.features.subscription_cancel.to_dict()["retention"] == {"coupon": coupon.id, "enabled": False}
    cleared: Any = {"subscription_cancel": {"retention": {"enabled": False, "coupon": ""}}}
    updated = stripe.billing_portal.Configuration.modify(configuration.id, features=cleared)
    assert updated.features.subscription_cancel.to_dict()["retention"] == {"coupon": None, "enabled": False}


def test_pause_durations_update(api: Account) -> None:
    features: Any = {
        "subscription_pause": {
            "enabled": True,
            "duration": {"type": "interval_options", "interval_options": [{"interval": "month", "interval_count": 3}]},
        }
    }
    configuration = stripe.billing_portal.Configuration.create(features=features)
    indefinite: Any = {"subscription_pause": {"duration": {"type": "indefinite", "interval_options": ""}}}
    updated = stripe.billing_portal.Configuration.modify(configuration.id, features=indefinite)
    assert updated.features.subscription_pause.to_dict() == {
        "duration": {"interval_options": [], "type": "indefinite"},
        "enabled": True,
    }
