"""SQLAlchemy tables, one module per aggregate; importing this registers them all."""

from billfold.models.accounts import Account, ApiKey
from billfold.models.base import Base
from billfold.models.billing_portal import PortalConfiguration, PortalSession
from billfold.models.catalog import Price, Product
from billfold.models.coupons import Coupon, PromotionCode
from billfold.models.customers import Customer, CustomerBalanceTransaction, TaxId
from billfold.models.events import Event, IdempotencyRecord
from billfold.models.invoices import Invoice, InvoiceItem, InvoiceLine
from billfold.models.jobs import Job
from billfold.models.payments import PaymentAttempt, PaymentMethod, SetupIntent
from billfold.models.schedules import SubscriptionSchedule
from billfold.models.subscriptions import Discount, Subscription, SubscriptionItem
from billfold.models.test_clocks import TestClock

__all__ = [
    "Account",
    "ApiKey",
    "Base",
    "Coupon",
    "Customer",
    "CustomerBalanceTransaction",
    "Discount",
    "Event",
    "IdempotencyRecord",
    "Invoice",
    "InvoiceItem",
    "InvoiceLine",
    "Job",
    "PaymentAttempt",
    "PaymentMethod",
    "PortalConfiguration",
    "PortalSession",
    "Price",
    "Product",
    "PromotionCode",
    "SetupIntent",
    "Subscription",
    "SubscriptionItem",
    "SubscriptionSchedule",
    "TaxId",
    "TestClock",
]
