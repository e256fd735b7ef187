"""SQLAlchemy tables, one module per aggregate; importing this registers them all."""

from billfold.models.accounts import Account, ApiKey
from billfold.models.base import Base
from billfold.models.catalog import Price, Product
from billfold.models.coupons import Coupon, PromotionCode
from billfold.models.customers import Customer, CustomerBalanceTransaction, TaxId
from billfold.models.events import Event, IdempotencyRecord

__all__ = [
    "Account",
    "ApiKey",
    "Base",
    "Coupon",
    "Customer",
    "CustomerBalanceTransaction",
    "Event",
    "IdempotencyRecord",
    "Price",
    "Product",
    "PromotionCode",
    "TaxId",
]
