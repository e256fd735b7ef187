"""``/v1/customers/{customer}/tax_ids``."""

from __future__ import annotations

from typing import Any

from billfold.api.expand import EXPANDERS
from billfold.api.listing import paginate
from billfold.api.params.tax_ids import TaxIdCreate, TaxIdDelete, TaxIdList, TaxIdRetrieve
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.customers import get_customer, tax_ids
from billfold.models import TaxId
from billfold.objects import deleted_object
from billfold.objects.tax_id import tax_id_object

__all__ = ["expand_customer", "router"]

router = ApiRouter("Tax IDs")


def expand_customer(ctx: Ctx, value: Any, holder: dict[str, Any]) -> Any:  # noqa: ANN401
    """The customer an object points at (a deleted one expands to its tombstone)."""
    from billfold.objects.customer import customer_object

    if value is None:
        return None
    customer = get_customer(ctx, value, include_deleted=True)
    if customer.deleted_at is not None:
        return deleted_object("customer", customer.id)
    return customer_object(customer)


EXPANDERS.setdefault("tax_id", {}).update({"customer": expand_customer, "owner.customer": expand_customer})


@router.post("/v1/customers/{customer}/tax_ids", TaxIdCreate, "Create a customer tax ID", "tax_id")
def create(ctx: Ctx, params: TaxIdCreate, customer: str) -> dict[str, Any]:
    return tax_id_object(tax_ids.create_tax_id(ctx, customer, params.type, params.value))


@router.get("/v1/customers/{customer}/tax_ids", TaxIdList, "List a customer's tax IDs", "list")
def list_(ctx: Ctx, params: TaxIdList, customer: str) -> dict[str, Any]:
    return paginate(
        ctx,
        TaxId,
        tax_ids.list_tax_ids_query(ctx, customer),
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=tax_id_object,
        url=f"/v1/customers/{customer}/tax_ids",
        kind="tax ID",
    )


@router.get("/v1/customers/{customer}/tax_ids/{id}", TaxIdRetrieve, "Retrieve a customer tax ID", "tax_id")
def retrieve(ctx: Ctx, params: TaxIdRetrieve, customer: str, id: str) -> dict[str, Any]:
    return tax_id_object(tax_ids.get_tax_id(ctx, customer, id))


@router.delete("/v1/customers/{customer}/tax_ids/{id}", TaxIdDelete, "Delete a customer tax ID", "deleted_tax_id")
def delete(ctx: Ctx, params: TaxIdDelete, customer: str, id: str) -> dict[str, Any]:
    return deleted_object("tax_id", tax_ids.delete_tax_id(ctx, customer, id))
