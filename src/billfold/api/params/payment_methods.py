"""Request models for ``/v1/payment_methods`` and a customer's payment methods."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

from billfold.api.params.base import Emptyable, Expand, ListParams, Metadata, Params, Text
from billfold.errors import InvalidRequestError

__all__ = [
    "BillingDetails",
    "CardType",
    "CustomerPaymentMethodList",
    "CustomerPaymentMethodRetrieve",
    "PaymentMethodAttach",
    "PaymentMethodCreate",
    "PaymentMethodDetach",
    "PaymentMethodList",
    "PaymentMethodRetrieve",
    "PaymentMethodType",
    "PaymentMethodUpdate",
    "card_type",
    "known_type",
]

# Every type Stripe knows; Billfold keeps cards only, and says so for the others.
_STRIPE_TYPES = frozenset(
    (
        "acss_debit",
        "affirm",
        "afterpay_clearpay",
        "alipay",
        "alma",
        "amazon_pay",
        "au_becs_debit",
        "bacs_debit",
        "bancontact",
        "billie",
        "bizum",
        "blik",
        "boleto",
        "card",
        "card_present",
        "cashapp",
        "crypto",
        "custom",
        "customer_balance",
        "eps",
        "fpx",
        "giropay",
        "grabpay",
        "ideal",
        "interac_present",
        "kakao_pay",
        "klarna",
        "konbini",
        "kr_card",
        "link",
        "mb_way",
        "mobilepay",
        "multibanco",
        "naver_pay",
        "nz_bank_account",
        "oxxo",
        "p24",
        "pay_by_bank",
        "payco",
        "paynow",
        "paypal",
        "paypay",
        "payto",
        "pix",
        "promptpay",
        "revolut_pay",
        "samsung_pay",
        "satispay",
        "scalapay",
        "sepa_debit",
        "sequra",
        "sofort",
        "sunbit",
        "swish",
        "twint",
        "upi",
        "us_bank_account",
        "wechat_pay",
        "zip",
    ),
)


def known_type(value: str, param: str = "type") -> str:
    """``value`` if Stripe has such a payment method type (a 400 naming ``param`` otherwise)."""
    if value not in _STRIPE_TYPES:
        raise InvalidRequestError(
            f"Invalid {param}: '{value[:60]}' is not a payment method type.",
            code="parameter_invalid_enum",
            param=param,
        )
    return value


def card_type(value: str, param: str = "type") -> str:
    """``card``; Stripe's other types get a 400 saying Billfold does not support them."""
    if known_type(value, param) != "card":
        raise InvalidRequestError(
            f"The payment method type '{value}' is not supported by Billfold; only 'card' is.",
            code="payment_method_unsupported_type",
            param=param,
        )
    return value


# ``type`` of a list filter (any Stripe type; only cards are ever found) and of a new payment method;
# pydantic would read a second parameter as validation info, hence these one-argument wrappers.
def _type_param(value: str) -> str:
    return known_type(value)


def _card_type_param(value: str) -> str:
    return card_type(value)


PaymentMethodType = Annotated[Text, AfterValidator(_type_param)]
CardType = Annotated[Text, AfterValidator(_card_type_param)]
AllowRedisplay = Literal["always", "limited", "unspecified"]


class _Nested(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BillingAddress(_Nested):
    city: Text | None = None
    country: Text | None = None
    line1: Text | None = None
    line2: Text | None = None
    postal_code: Text | None = None
    state: Text | None = None


class BillingDetails(_Nested):
    address: Emptyable[BillingAddress] = None
    email: Emptyable[Text] = None
    name: Emptyable[Text] = None
    phone: Emptyable[Text] = None
    tax_id: Text | None = None


class CreateNetworks(_Nested):
    preferred: Literal["cartes_bancaires", "mastercard", "visa"] | None = None


class CardCreate(_Nested):
    """Either a test token, or a test card number with its expiry (and optionally its CVC)."""

    token: Text | None = None
    number: Text | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    cvc: Text | None = None
    networks: CreateNetworks | None = None

    @model_validator(mode="after")
    def _token_or_number(self) -> CardCreate:
        if self.token is not None:
            if self.number is not None:
                raise InvalidRequestError(
                    "Pass either card[token] or card[number], not both.",
                    code="parameters_exclusive",
                    param="card[number]",
                )
            return self
        for name in ("number", "exp_month", "exp_year"):
            if getattr(self, name) is None:
                raise InvalidRequestError(
                    f"Missing required param: card[{name}].", code="parameter_missing", param=f"card[{name}]"
                )
        return self


class PaymentMethodCreate(Params):
    type: CardType
    card: CardCreate | None = None
    billing_details: BillingDetails | None = None
    allow_redisplay: AllowRedisplay | None = None
    metadata: Metadata = None
    expand: Expand = None


class UpdateNetworks(_Nested):
    preferred: Emptyable[Literal["cartes_bancaires", "mastercard", "visa"]] = None


class CardUpdate(_Nested):
    exp_month: int | None = None
    exp_year: int | None = None
    networks: UpdateNetworks | None = None


class PaymentMethodUpdate(Params):
    allow_redisplay: AllowRedisplay | None = None
    billing_details: BillingDetails | None = None
    card: CardUpdate | None = None
    metadata: Metadata = None
    expand: Expand = None


class PaymentMethodRetrieve(Params):
    expand: Expand = None


class PaymentMethodAttach(Params):
    customer: Text
    expand: Expand = None


class PaymentMethodDetach(Params):
    expand: Expand = None


class PaymentMethodList(ListParams):
    customer: Text | None = None
    type: PaymentMethodType | None = None
    allow_redisplay: AllowRedisplay | None = None


class CustomerPaymentMethodList(ListParams):
    type: PaymentMethodType | None = None
    allow_redisplay: AllowRedisplay | None = None


class CustomerPaymentMethodRetrieve(Params):
    expand: Expand = None
