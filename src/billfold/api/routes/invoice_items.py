"""``/v1/invoiceitems``."""

from __future__ import annotations

from typing import Any

from billfold.api.listing import paginate, range_filter
from billfold.api.params.invoice_items import (
    InvoiceItemCreate,
    InvoiceItemDelete,
    InvoiceItemList,
    InvoiceItemRetrieve,
    InvoiceItemUpdate,
)
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.invoices.items import (
    create_invoice_item,
    delete_invoice_item,
    get_invoice_item,
    list_invoice_items_query,
    update_invoice_item,
)
from billfold.models import InvoiceItem
from billfold.objects import deleted_object
from billfold.objects.invoice_item import invoice_item_object

router = ApiRouter("Invoice items")


@router.post("/v1/invoiceitems", InvoiceItemCreate, "Create an invoice item", "invoiceitem")
def create(ctx: Ctx, params: InvoiceItemCreate) -> dict[str, Any]:
    return invoice_item_object(create_invoice_item(ctx, params.given()))


@router.get("/v1/invoiceitems", InvoiceItemList, "List invoice items", "list")
def list_(ctx: Ctx, params: InvoiceItemList) -> dict[str, Any]:
    stmt = range_filter(list_invoice_items_query(ctx, params.given()), InvoiceItem.created, params.created)
    return paginate(
        ctx,
        InvoiceItem,
        stmt,
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=invoice_item_object,
        url="/v1/invoiceitems",
        kind="invoiceitem",
    )


@router.get("/v1/invoiceitems/{invoiceitem}", InvoiceItemRetrieve, "Retrieve an invoice item", "invoiceitem")
def retrieve(ctx: Ctx, params: InvoiceItemRetrieve, invoiceitem: str) -> dict[str, Any]:
    return invoice_item_object(get_invoice_item(ctx, invoiceitem))


@router.post("/v1/invoiceitems/{invoiceitem}", InvoiceItemUpdate, "Update an invoice item", "invoiceitem")
def update(ctx: Ctx, params: InvoiceItemUpdate, invoiceitem: str) -> dict[str, Any]:
    return invoice_item_object(update_invoice_item(ctx, invoiceitem, params.given()))


@router.delete(
    "/v1/invoiceitems/{invoiceitem}",
    InvoiceItemDelete,
    "Delete an invoice item",
    "deleted_invoiceitem",
)
def delete(ctx: Ctx, params: InvoiceItemDelete, invoiceitem: str) -> dict[str, Any]:
    return deleted_object("invoiceitem", delete_invoice_item(ctx, invoiceitem))
