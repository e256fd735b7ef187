"""SQLAlchemy tables, one module per aggregate; importing this registers them all."""

from billfold.models.accounts import Account, ApiKey
from billfold.models.base import Base
from billfold.models.catalog import Price, Product
from billfold.models.coupons import Coupon, PromotionCode
from billfold.models.customers import Customer, CustomerBalanceTransaction, TaxId
from billfold.models.events import Event, IdempotencyRecord
from billfold.models.invoices import Invoice, InvoiceItem, InvoiceLine
from billfold.models.payments import PaymentAttempt, PaymentMethod, SetupIntent
from billfold.models.subscriptions import Discount, Subscription, SubscriptionItem

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
    "PaymentAttempt",
    "PaymentMethod",
    "Price",
    "Product",
    "PromotionCode",
    "SetupIntent",
    "Subscription",
    "SubscriptionItem",
    "TaxId",
]
