"""A customer's credit balance and the transactions that change it.

Negative amounts are credit the customer can spend on invoices, positive amounts are
owed. Every change locks the customer row and adds to ``balance`` in SQL, so two
concurrent changes can never overwrite each other, and ``ending_balance`` is the
balance right after this change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.events import diff, record_event
from billfold.ids import new_id
from billfold.metadata import merge_metadata
from billfold.models import Customer, CustomerBalanceTransaction
from billfold.objects.customer import customer_object

__all__ = [
    "apply_balance_change",
    "get_balance_transaction",
    "list_balance_transactions_query",
    "update_balance_transaction",
]


def _lock(ctx: Ctx, customer: Customer | str) -> Customer:
    """The customer, re-read under a row lock (``FOR UPDATE``; SQLite's writer lock is already held)."""
    owner = customer if isinstance(customer, Customer) else get_customer(ctx, customer, param="customer")
    ctx.session.flush()
    ctx.session.refresh(owner, with_for_update=True)
    return owner


def _add_to_balance(ctx: Ctx, owner: Customer, amount: int, currency: str) -> int:
    """``balance = balance + amount`` in one statement; sets the currency if it had none."""
    new_balance = ctx.session.execute(
        update(Customer)
        .where(Customer.pk == owner.pk)
        .values(balance=Customer.balance + amount, currency=func.coalesce(Customer.currency, currency))
        .returning(Customer.balance),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    set_committed_value(owner, "balance", new_balance)
    set_committed_value(owner, "currency", owner.currency or currency)
    return int(new_balance)


def apply_balance_change(
    ctx: Ctx,
    customer: Customer | str,
    amount: int,
    currency: str,
    *,
    type_: str,
    invoice_id: str | None = None,
    credit_note_id: str | None = None,
    description: str | None = None,
    metadata: dict[str, str] | None = None,
) -> CustomerBalanceTransaction:
    """Change a customer's balance by ``amount`` and record why; emits ``customer.updated``."""
    currency = currency.lower()
    owner = _lock(ctx, customer)
    if owner.currency is not None and owner.currency != currency:
        raise InvalidRequestError(
            f"The customer's balance is in {owner.currency}; a transaction in {currency} cannot be applied to it.",
            param="currency",
        )
    before = customer_object(owner)
    ending_balance = _add_to_balance(ctx, owner, amount, currency)
    transaction = CustomerBalanceTransaction(
        id=new_id("cbtxn"),
        account_id=ctx.account_id,
        created=ctx.clock.now(),
        customer_id=owner.id,
        amount=amount,
        currency=currency,
        description=description,
        ending_balance=ending_balance,
        type=type_,
        invoice_id=invoice_id,
        credit_note_id=credit_note_id,
        metadata_=merge_metadata({}, metadata or {}),
    )
    ctx.session.add(transaction)
    ctx.session.flush()
    after = customer_object(owner)
    changed = diff(before, after)
    if changed:
        record_event(ctx, "customer.updated", after, changed)
    return transaction


def get_balance_transaction(ctx: Ctx, customer_id: str, transaction_id: str) -> CustomerBalanceTransaction:
    """A balance transaction of this customer, or 404 (also when it is another customer's)."""
    owner = get_customer(ctx, customer_id, param="customer")
    found = ctx.session.scalars(
        select(CustomerBalanceTransaction).where(
            CustomerBalanceTransaction.account_id == ctx.account_id,
            CustomerBalanceTransaction.customer_id == owner.id,
            CustomerBalanceTransaction.id == transaction_id,
        ),
    ).one_or_none()
    if found is None:
        raise ResourceMissingError("customer balance transaction", transaction_id, param="transaction")
    return found


def update_balance_transaction(
    ctx: Ctx, customer_id: str, transaction_id: str, data: dict[str, Any]
) -> CustomerBalanceTransaction:
    """Only the description and metadata of a transaction can change; the amount is history."""
    transaction = get_balance_transaction(ctx, customer_id, transaction_id)
    if "description" in data:
        transaction.description = data["description"]
    if "metadata" in data:
        transaction.metadata_ = merge_metadata(transaction.metadata_, data["metadata"])
    ctx.session.flush()
    return transaction


def list_balance_transactions_query(
    ctx: Ctx, customer_id: str, filters: dict[str, Any]
) -> Select[CustomerBalanceTransaction]:
    """A customer's balance transactions matching the list filters (404 for unknown customers)."""
    owner = get_customer(ctx, customer_id, param="customer")
    stmt = select(CustomerBalanceTransaction).where(
        CustomerBalanceTransaction.account_id == ctx.account_id,
        CustomerBalanceTransaction.customer_id == owner.id,
    )
    if filters.get("invoice") is not None:
        stmt = stmt.where(CustomerBalanceTransaction.invoice_id == filters["invoice"])
    return stmt
