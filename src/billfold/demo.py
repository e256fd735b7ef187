"""The demo merchant that ``billfold demo`` seeds: an account, its key, a catalog and customers.

Seeding is idempotent. The account has a fixed id (:data:`DEMO_ACCOUNT_ID`); products and
coupons have fixed ids, prices fixed lookup keys, promotion codes fixed codes and customers
fixed emails, and each is created only when missing, through the same services the API
calls. The secret key is derived from the server secret (:func:`demo_secret_key`), so it is
the same on every run while only its hash is stored.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from billfold.accounts import hash_key
from billfold.catalog import create_price, create_product, get_product, update_product
from billfold.clock import Clock, SystemClock
from billfold.config import Settings
from billfold.context import Ctx
from billfold.coupons import create_coupon, create_promotion_code
from billfold.customers.service import create_customer, update_customer
from billfold.db import Database
from billfold.ids import new_id
from billfold.models import Account, ApiKey, Coupon, Customer, Invoice, Price, Product, PromotionCode
from billfold.payments import attach_payment_method, get_gateway
from billfold.subscriptions.create import create_subscription

__all__ = ["DEMO_ACCOUNT_ID", "DEMO_BUSINESS_NAME", "DemoResult", "demo_secret_key", "seed_demo"]

DEMO_ACCOUNT_ID = "acct_demo"
DEMO_BUSINESS_NAME = "Lumen Labs"

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

_BUSINESS_PROFILE: dict[str, Any] = {
    "name": DEMO_BUSINESS_NAME,
    "support_email": "support@lumenlabs.example",
    "support_phone": "+14155550123",
    "support_url": "https://lumenlabs.example/support",
    "url": "https://lumenlabs.example",
    "support_address": {
        "line1": "548 Market Street",
        "line2": "Suite 300",
        "city": "San Francisco",
        "state": "CA",
        "postal_code": "94104",
        "country": "US",
    },
}

# (product, prices): the first price is the product's default price.
_CATALOG: list[tuple[dict[str, Any], list[dict[str, Any]]]] = [
    (
        {
            "id": "prod_lumen_starter",
            "name": "Lumen Starter",
            "description": "Uptime monitoring for side projects: 10 checks, 1-minute interval.",
            "metadata": {"tier": "starter"},
        },
        [
            {
                "currency": "usd",
                "unit_amount": 900,
                "recurring": {"interval": "month"},
                "lookup_key": "starter_monthly",
            },
            {"currency": "usd", "unit_amount": 9000, "recurring": {"interval": "year"}, "lookup_key": "starter_yearly"},
        ],
    ),
    (
        {
            "id": "prod_lumen_pro",
            "name": "Lumen Pro",
            "description": "For teams: 100 checks, 30-second interval, status pages and on-call alerts.",
            "metadata": {"tier": "pro"},
        },
        [
            {"currency": "usd", "unit_amount": 4900, "recurring": {"interval": "month"}, "lookup_key": "pro_monthly"},
            {"currency": "usd", "unit_amount": 49000, "recurring": {"interval": "year"}, "lookup_key": "pro_yearly"},
            {
                "currency": "eur",
                "unit_amount": 4500,
                "recurring": {"interval": "month"},
                "lookup_key": "pro_monthly_eur",
            },
        ],
    ),
    (
        {
            "id": "prod_lumen_seats",
            "name": "Extra seats",
            "description": "Additional team members on any plan.",
            "unit_label": "seat",
        },
        [{"currency": "usd", "unit_amount": 800, "recurring": {"interval": "month"}, "lookup_key": "seat_monthly"}],
    ),
    (
        {
            "id": "prod_lumen_onboarding",
            "name": "Onboarding session",
            "description": "A one-hour call with an engineer to set up your monitors.",
        },
        [{"currency": "usd", "unit_amount": 15000, "lookup_key": "onboarding_once"}],
    ),
]

_COUPONS: list[dict[str, Any]] = [
    {"id": "LAUNCH20", "name": "Launch offer", "percent_off": 20, "duration": "repeating", "duration_in_months": 3},
    {"id": "WELCOME10", "name": "Welcome credit", "amount_off": 1000, "currency": "usd", "duration": "once"},
    {"id": "NONPROFIT", "name": "Nonprofit discount", "percent_off": 50, "duration": "forever"},
]

_PROMOTION_CODES: list[dict[str, Any]] = [
    {"code": "LAUNCH", "promotion": {"type": "coupon", "coupon": "LAUNCH20"}},
    {
        "code": "WELCOME",
        "promotion": {"type": "coupon", "coupon": "WELCOME10"},
        "restrictions": {"first_time_transaction": True},
    },
]

_CUSTOMERS: list[dict[str, Any]] = [
    {
        "email": "ada@analyticalengines.example",
        "name": "Ada Lovelace",
        "phone": "+442079460000",
        "address": {
            "line1": "12 St James's Square",
            "city": "London",
            "postal_code": "SW1Y 4JH",
            "country": "GB",
        },
        "preferred_locales": ["en-GB"],
        "metadata": {"demo": "true"},
    },
    {
        "email": "grace@cobol.example",
        "name": "Grace Hopper",
        "address": {
            "line1": "1 Navy Yard",
            "city": "Arlington",
            "state": "VA",
            "postal_code": "22202",
            "country": "US",
        },
        "metadata": {"demo": "true"},
    },
    {
        "email": "billing@tiefseetaucher.example",
        "name": "Tiefseetaucher GmbH",
        "address": {
            "line1": "Hafenstraße 7",
            "city": "Hamburg",
            "postal_code": "20457",
            "country": "DE",
        },
        "preferred_locales": ["de"],
        "tax_id_data": [{"type": "eu_vat", "value": "DE136695976"}],
        "metadata": {"demo": "true"},
    },
    {
        "email": "kenji@origami.example",
        "name": "Kenji Watanabe",
        "address": {
            "line1": "2-11-3 Meguro",
            "city": "Meguro-ku",
            "state": "Tokyo",
            "postal_code": "153-0063",
            "country": "JP",
        },
        "preferred_locales": ["ja"],
        "metadata": {"demo": "true"},
    },
]


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What ``billfold demo`` prints."""

    business_name: str
    account_id: str
    secret_key: str
    invoice_url: str | None = None


def _base62(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, digit = divmod(number, 62)
        out = _BASE62[digit] + out
    return out or "0"


def demo_secret_key(server_secret: str) -> str:
    """The demo account's secret key: stable for a given server secret, never stored."""
    digest = hmac.new(server_secret.encode(), b"billfold-demo-key", hashlib.sha256).digest()
    return "sk_test_demo_" + _base62(digest)


def _ensure_account(session: Session, clock: Clock) -> None:
    if session.scalar(select(Account.pk).where(Account.id == DEMO_ACCOUNT_ID)) is not None:
        return
    # Written directly rather than through accounts.create_account, which draws a random id.
    session.add(
        Account(
            id=DEMO_ACCOUNT_ID,
            created=clock.now(),
            business_name=DEMO_BUSINESS_NAME,
            email="hello@lumenlabs.example",
            country="US",
            default_currency="usd",
            parent_id=None,
            business_profile=dict(_BUSINESS_PROFILE),
            settings={},
            metadata_={"billfold_demo": "true"},
        ),
    )
    session.flush()


def _ensure_key(session: Session, clock: Clock, server_secret: str) -> str:
    plaintext = demo_secret_key(server_secret)
    digest = hash_key(server_secret, plaintext)
    if session.scalar(select(ApiKey.pk).where(ApiKey.key_hash == digest)) is None:
        session.add(
            ApiKey(
                id=new_id("key"),
                created=clock.now(),
                account_id=DEMO_ACCOUNT_ID,
                key_hash=digest,
                kind="secret",
                last4=plaintext[-4:],
            ),
        )
        session.flush()
    return plaintext


def _seed_catalog(ctx: Ctx) -> None:
    for product, prices in _CATALOG:
        exists = ctx.session.scalar(
            select(Product.pk).where(Product.account_id == ctx.account_id, Product.id == product["id"]),
        )
        if exists is None:
            create_product(ctx, product)
        price_ids = []
        for price in prices:
            price_id = ctx.session.scalar(
                select(Price.id).where(Price.account_id == ctx.account_id, Price.lookup_key == price["lookup_key"]),
            )
            if price_id is None:
                price_id = create_price(ctx, {**price, "product": product["id"]}).id
            price_ids.append(price_id)
        # The first price becomes the default (set afterwards: Stripe's default_price_data
        # takes no lookup_key, and lookup keys are what make prices findable on a re-run).
        if get_product(ctx, product["id"]).default_price_id is None:
            update_product(ctx, product["id"], {"default_price": price_ids[0]})


def _seed_coupons(ctx: Ctx) -> None:
    for coupon in _COUPONS:
        exists = ctx.session.scalar(
            select(Coupon.pk).where(Coupon.account_id == ctx.account_id, Coupon.id == coupon["id"]),
        )
        if exists is None:
            create_coupon(ctx, coupon)
    for promo in _PROMOTION_CODES:
        exists = ctx.session.scalar(
            select(PromotionCode.pk).where(
                PromotionCode.account_id == ctx.account_id, PromotionCode.code_key == promo["code"].upper()
            ),
        )
        coupon_live = ctx.session.scalar(
            select(Coupon.pk).where(
                Coupon.account_id == ctx.account_id,
                Coupon.id == promo["promotion"]["coupon"],
                Coupon.deleted_at.is_(None),
            ),
        )
        if exists is None and coupon_live is not None:  # a coupon deleted since the last run stays deleted
            create_promotion_code(ctx, promo)


def _seed_customers(ctx: Ctx) -> None:
    for customer in _CUSTOMERS:
        exists = ctx.session.scalar(
            select(Customer.pk).where(Customer.account_id == ctx.account_id, Customer.email == customer["email"]),
        )
        if exists is None:
            create_customer(ctx, customer)


def _seed_subscription(ctx: Ctx) -> str | None:
    """Ada subscribes to Pro monthly with a test Visa: a paid invoice to look at."""
    customer = ctx.session.scalars(
        select(Customer).where(Customer.account_id == ctx.account_id, Customer.email == _CUSTOMERS[0]["email"]),
    ).one_or_none()
    if customer is None:
        return None
    invoice = ctx.session.scalars(
        select(Invoice).where(Invoice.customer_id == customer.id).order_by(Invoice.pk),
    ).first()
    if invoice is None:
        gateway = get_gateway()
        card = attach_payment_method(ctx, gateway, "pm_card_visa", customer.id)
        update_customer(ctx, customer.id, {"invoice_settings": {"default_payment_method": card.id}})
        price_id = ctx.session.scalar(
            select(Price.id).where(Price.account_id == ctx.account_id, Price.lookup_key == "pro_monthly"),
        )
        sub = create_subscription(ctx, gateway, {"customer": customer.id, "items": [{"price": price_id}]})
        invoice = ctx.session.scalars(select(Invoice).where(Invoice.id == sub.latest_invoice_id)).one()
    return f"{ctx.public_base_url}/i/{invoice.access_token}"


def seed_demo(settings: Settings, *, clock: Clock | None = None) -> DemoResult:
    """Create (or complete) the demo account and its data; safe to run any number of times."""
    clock = clock or SystemClock()
    db = Database(settings.database_url)
    try:
        with db.unit_of_work() as session:
            _ensure_account(session, clock)
            key = _ensure_key(session, clock, settings.secret_key)
            ctx = Ctx(
                session,
                DEMO_ACCOUNT_ID,
                clock,
                api_version=settings.api_version,
                public_base_url=settings.public_base_url.rstrip("/"),
            )
            _seed_catalog(ctx)
            _seed_coupons(ctx)
            _seed_customers(ctx)
            invoice_url = _seed_subscription(ctx)
    finally:
        db.close()
    return DemoResult(
        business_name=DEMO_BUSINESS_NAME,
        account_id=DEMO_ACCOUNT_ID,
        secret_key=key,
        invoice_url=invoice_url,
    )
