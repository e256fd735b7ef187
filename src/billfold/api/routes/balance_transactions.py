"""``/v1/customers/{customer}/balance_transactions``."""

from __future__ import annotations

from typing import Any

from billfold.api.expand import EXPANDERS
from billfold.api.listing import paginate, range_filter
from billfold.api.params.balance_transactions import (
    BalanceTransactionCreate,
    BalanceTransactionList,
    BalanceTransactionRetrieve,
    BalanceTransactionUpdate,
)
from billfold.api.routes.tax_ids import expand_customer
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.customers import balance
from billfold.models import CustomerBalanceTransaction
from billfold.objects.balance_transaction import balance_transaction_object

__all__ = ["router"]

router = ApiRouter("Customer balance transactions")

EXPANDERS.setdefault("customer_balance_transaction", {})["customer"] = expand_customer

_PATH = "/v1/customers/{customer}/balance_transactions"


@router.post(_PATH, BalanceTransactionCreate, "Create a customer balance transaction", "customer_balance_transaction")
def create(ctx: Ctx, params: BalanceTransactionCreate, customer: str) -> dict[str, Any]:
    transaction = balance.apply_balance_change(
        ctx,
        customer,
        params.amount,
        params.currency,
        type_="adjustment",
        description=params.description,
        metadata=params.metadata,
    )
    return balance_transaction_object(transaction)


@router.get(_PATH, BalanceTransactionList, "List a customer's balance transactions", "list")
def list_(ctx: Ctx, params: BalanceTransactionList, customer: str) -> dict[str, Any]:
    stmt = balance.list_balance_transactions_query(ctx, customer, params.given())
    stmt = range_filter(stmt, CustomerBalanceTransaction.created, params.created)
    return paginate(
        ctx,
        CustomerBalanceTransaction,
        stmt,
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=balance_transaction_object,
        url=f"/v1/customers/{customer}/balance_transactions",
        kind="customer balance transaction",
    )


@router.get(
    _PATH + "/{transaction}",
    BalanceTransactionRetrieve,
    "Retrieve a customer balance transaction",
    "customer_balance_transaction",
)
def retrieve(ctx: Ctx, params: BalanceTransactionRetrieve, customer: str, transaction: str) -> dict[str, Any]:
    return balance_transaction_object(balance.get_balance_transaction(ctx, customer, transaction))


@router.post(
    _PATH + "/{transaction}",
    BalanceTransactionUpdate,
    "Update a customer balance transaction",
    "customer_balance_transaction",
)
def update(ctx: Ctx, params: BalanceTransactionUpdate, customer: str, transaction: str) -> dict[str, Any]:
    return balance_transaction_object(balance.update_balance_transaction(ctx, customer, transaction, params.given()))
