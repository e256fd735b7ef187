"""``/v1/customers``."""

from __future__ import annotations

from typing import Any

from billfold import customers
from billfold.api.expand import EXPANDERS
from billfold.api.listing import list_envelope, paginate, range_filter, search_envelope
from billfold.api.params.customers import (
    CustomerCreate,
    CustomerDelete,
    CustomerList,
    CustomerRetrieve,
    CustomerSearch,
    CustomerUpdate,
)
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.models import Customer
from billfold.objects import deleted_object
from billfold.objects.customer import customer_object
from billfold.objects.tax_id import tax_id_object

router = ApiRouter("Customers")

_SEARCH_URL = "/v1/customers/search"


def _tax_ids(ctx: Ctx, value: Any, holder: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN401 - loader signature
    """``expand[]=tax_ids``: the customer's tax IDs as a list (Stripe includes them only on request)."""
    found = customers.customer_tax_ids(ctx, holder["id"])
    return list_envelope([tax_id_object(t) for t in found], f"/v1/customers/{holder['id']}/tax_ids", has_more=False)


EXPANDERS.setdefault("customer", {})["tax_ids"] = _tax_ids


@router.post("/v1/customers", CustomerCreate, "Create a customer", "customer")
def create(ctx: Ctx, params: CustomerCreate) -> dict[str, Any]:
    return customer_object(customers.create_customer(ctx, params.given()))


@router.get("/v1/customers", CustomerList, "List customers", "list")
def list_(ctx: Ctx, params: CustomerList) -> dict[str, Any]:
    stmt = customers.list_customers_query(ctx, params.given())
    stmt = range_filter(stmt, Customer.created, params.created)
    return paginate(
        ctx,
        Customer,
        stmt,
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=customer_object,
        url="/v1/customers",
        kind="customer",
        rows=customers.CUSTOMER_ROWS,
    )


# Before ``/v1/customers/{customer}``, or "search" would be taken for a customer id.
@router.get(_SEARCH_URL, CustomerSearch, "Search customers", "search_result")
def search(ctx: Ctx, params: CustomerSearch) -> dict[str, Any]:
    found = customers.search_customers(
        ctx, params.query, limit=params.limit, page=params.page, total_count=params.total_count
    )
    return search_envelope(found, [customer_object(c) for c in found.rows], _SEARCH_URL)


@router.get("/v1/customers/{customer}", CustomerRetrieve, "Retrieve a customer", "customer")
def retrieve(ctx: Ctx, params: CustomerRetrieve, customer: str) -> dict[str, Any]:
    found = customers.find_customer(ctx, customer)
    if found.deleted_at is not None:
        return deleted_object("customer", found.id)
    return customer_object(found)


@router.post("/v1/customers/{customer}", CustomerUpdate, "Update a customer", "customer")
def update(ctx: Ctx, params: CustomerUpdate, customer: str) -> dict[str, Any]:
    return customer_object(customers.update_customer(ctx, customer, params.given()))


@router.delete("/v1/customers/{customer}", CustomerDelete, "Delete a customer", "deleted_customer")
def delete(ctx: Ctx, params: CustomerDelete, customer: str) -> dict[str, Any]:
    return deleted_object("customer", customers.delete_customer(ctx, customer))
