"""Request models for ``/v1/billing_portal/configurations`` and ``/v1/billing_portal/sessions``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from billfold.api.params.base import (
    URL,
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

__all__ = [
    "ConfigurationCreate",
    "ConfigurationList",
    "ConfigurationRetrieve",
    "ConfigurationUpdate",
    "SessionCreate",
]

CustomerField = Literal["address", "email", "name", "phone", "shipping", "tax_id"]
CancellationReason = Literal[
    "customer_service",
    "low_quality",
    "missing_features",
    "other",
    "switched_service",
    "too_complex",
    "too_expensive",
    "unused",
]
ProrationBehavior = Literal["always_invoice", "create_prorations", "none"]
AllowedUpdate = Literal["price", "promotion_code", "quantity"]
Locale = Literal[
    "auto", "bg", "cs", "da", "de", "el", "en", "en-AU", "en-CA", "en-GB", "en-IE", "en-IN", "en-NZ",
    "en-SG", "es", "es-419", "et", "fi", "fil", "fr", "fr-CA", "hr", "hu", "id", "it", "ja", "ko", "lt",
    "lv", "ms", "mt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi",
    "zh", "zh-HK", "zh-TW",
]  # fmt: skip


Headline = Annotated[str, StringConstraints(max_length=60)]
Quantity = Annotated[int, Field(ge=0, le=999_999_999)]


class _Nested(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- configurations ---------------------------------------------------------------


class BusinessProfileCreate(_Nested):
    headline: Emptyable[Headline] = None
    privacy_policy_url: URL | None = None
    terms_of_service_url: URL | None = None


class BusinessProfileUpdate(_Nested):
    headline: Emptyable[Headline] = None
    privacy_policy_url: Emptyable[URL] = None
    terms_of_service_url: Emptyable[URL] = None


class CustomerUpdateCreate(_Nested):
    allowed_updates: Emptyable[FormList[CustomerField]] = None
    enabled: bool


class CustomerUpdateUpdate(_Nested):
    allowed_updates: Emptyable[FormList[CustomerField]] = None
    enabled: bool | None = None


class InvoiceHistory(_Nested):
    enabled: bool


class PaymentMethodUpdate(_Nested):
    enabled: bool
    payment_method_configuration: Emptyable[Text] = None


class CancellationReasonCreate(_Nested):
    enabled: bool
    feedback_options: Emptyable[FormList[Text]] = None
    options: Emptyable[FormList[CancellationReason]]


class CancellationReasonUpdate(_Nested):
    enabled: bool
    feedback_options: Emptyable[FormList[Text]] = None
    options: Emptyable[FormList[CancellationReason]] = None


class Retention(_Nested):
    """Billfold's extension: offer ``coupon`` before every portal cancellation."""

    enabled: bool
    coupon: Emptyable[Text] = None


class SubscriptionCancelCreate(_Nested):
    cancellation_reason: CancellationReasonCreate | None = None
    enabled: bool
    mode: Literal["at_period_end", "immediately"] | None = None
    proration_behavior: ProrationBehavior | None = None
    retention: Retention | None = None


class SubscriptionCancelUpdate(_Nested):
    cancellation_reason: CancellationReasonUpdate | None = None
    enabled: bool | None = None
    mode: Literal["at_period_end", "immediately"] | None = None
    proration_behavior: ProrationBehavior | None = None
    retention: Retention | None = None


class PauseInterval(_Nested):
    interval: Literal["day", "month", "week", "year"]
    interval_count: Annotated[int, Field(ge=1, le=1000)] | None = None


class PauseDuration(_Nested):
    interval_options: Emptyable[FormList[PauseInterval]] = None
    type: Literal["indefinite", "interval_options"]


class SubscriptionPause(_Nested):
    duration: PauseDuration | None = None
    enabled: bool | None = None


class AdjustableQuantity(_Nested):
    enabled: bool
    maximum: Annotated[int, Field(ge=1, le=999_999_999)] | None = None
    minimum: Annotated[int, Field(ge=0, le=999_999_999)] | None = None


class UpdateProduct(_Nested):
    adjustable_quantity: AdjustableQuantity | None = None
    prices: FormList[Text]
    product: Text


class Condition(_Nested):
    type: Literal["decreasing_item_amount", "shortening_interval"]


class ScheduleAtPeriodEndCreate(_Nested):
    conditions: FormList[Condition] | None = None


class ScheduleAtPeriodEndUpdate(_Nested):
    conditions: Emptyable[FormList[Condition]] = None


Products = Annotated[FormList[UpdateProduct], Field(max_length=10)]


class SubscriptionUpdateCreate(_Nested):
    billing_cycle_anchor: Literal["now", "unchanged"] | None = None
    default_allowed_updates: Emptyable[FormList[AllowedUpdate]] = None
    enabled: bool
    products: Emptyable[Products] = None
    proration_behavior: ProrationBehavior | None = None
    schedule_at_period_end: ScheduleAtPeriodEndCreate | None = None
    trial_update_behavior: Literal["continue_trial", "end_trial"] | None = None


class SubscriptionUpdateUpdate(_Nested):
    billing_cycle_anchor: Literal["now", "unchanged"] | None = None
    default_allowed_updates: Emptyable[FormList[AllowedUpdate]] = None
    enabled: bool | None = None
    products: Emptyable[Products] = None
    proration_behavior: ProrationBehavior | None = None
    schedule_at_period_end: ScheduleAtPeriodEndUpdate | None = None
    trial_update_behavior: Literal["continue_trial", "end_trial"] | None = None


class FeaturesCreate(_Nested):
    customer_update: CustomerUpdateCreate | None = None
    invoice_history: InvoiceHistory | None = None
    payment_method_update: PaymentMethodUpdate | None = None
    subscription_cancel: SubscriptionCancelCreate | None = None
    subscription_pause: SubscriptionPause | None = None
    subscription_update: SubscriptionUpdateCreate | None = None


class FeaturesUpdate(_Nested):
    customer_update: CustomerUpdateUpdate | None = None
    invoice_history: InvoiceHistory | None = None
    payment_method_update: PaymentMethodUpdate | None = None
    subscription_cancel: SubscriptionCancelUpdate | None = None
    subscription_pause: SubscriptionPause | None = None
    subscription_update: SubscriptionUpdateUpdate | None = None


class LoginPage(_Nested):
    enabled: bool


class ConfigurationCreate(Params):
    business_profile: BusinessProfileCreate | None = None
    default_return_url: Emptyable[URL] = None
    features: FeaturesCreate
    login_page: LoginPage | None = None
    metadata: Metadata = None
    name: Emptyable[Text] = None
    expand: Expand = None


class ConfigurationUpdate(Params):
    active: bool | None = None
    business_profile: BusinessProfileUpdate | None = None
    default_return_url: Emptyable[URL] = None
    features: FeaturesUpdate | None = None
    login_page: LoginPage | None = None
    metadata: Metadata = None
    name: Emptyable[Text] = None
    expand: Expand = None


class ConfigurationRetrieve(Params):
    expand: Expand = None


class ConfigurationList(ListParams):
    active: bool | None = None
    is_default: bool | None = None


# -- sessions ---------------------------------------------------------------------


class CustomerLogin(_Nested):
    expires_at: Timestamp | None = None


class AfterExpiration(_Nested):
    customer_login: CustomerLogin | None = None
    type: Literal["customer_login"]


class HostedConfirmation(_Nested):
    custom_message: Text500 | None = None


class Redirect(_Nested):
    return_url: URL


class AfterCompletion(_Nested):
    hosted_confirmation: HostedConfirmation | None = None
    redirect: Redirect | None = None
    type: Literal["hosted_confirmation", "portal_homepage", "redirect"]


class CouponOffer(_Nested):
    coupon: Text


class FlowRetention(_Nested):
    coupon_offer: CouponOffer
    type: Literal["coupon_offer"]


class FlowSubscriptionCancel(_Nested):
    retention: FlowRetention | None = None
    subscription: Text


class FlowSubscription(_Nested):
    subscription: Text


class ConfirmItem(_Nested):
    id: Text
    price: Text | None = None
    quantity: Quantity | None = None


class ConfirmDiscount(_Nested):
    coupon: Text | None = None
    promotion_code: Text | None = None


class FlowSubscriptionUpdateConfirm(_Nested):
    discounts: FormList[ConfirmDiscount] | None = None
    items: FormList[ConfirmItem]
    subscription: Text


class FlowData(_Nested):
    after_completion: AfterCompletion | None = None
    subscription_cancel: FlowSubscriptionCancel | None = None
    subscription_pause: FlowSubscription | None = None
    subscription_update: FlowSubscription | None = None
    subscription_update_confirm: FlowSubscriptionUpdateConfirm | None = None
    type: Literal[
        "customer_update",
        "payment_method_update",
        "subscription_cancel",
        "subscription_pause",
        "subscription_update",
        "subscription_update_confirm",
    ]


class SessionCreate(Params):
    after_expiration: AfterExpiration | None = None
    configuration: Text | None = None
    customer: Text | None = None
    # Stripe's Accounts v2 customers; accepted here only to be refused with a clear message.
    customer_account: Text | None = None
    flow_data: FlowData | None = None
    locale: Locale | None = None
    on_behalf_of: Text | None = None
    return_url: URL | None = None
    expand: Expand = None
