"""``/v1/invoices``."""

from __future__ import annotations

from typing import Any

from billfold.api.listing import paginate, range_filter, search_envelope
from billfold.api.params.invoices import (
    InvoiceAction,
    InvoiceCreate,
    InvoiceDelete,
    InvoiceFinalize,
    InvoiceLines,
    InvoiceList,
    InvoicePay,
    InvoiceRetrieve,
    InvoiceSearch,
    InvoiceUpdate,
)
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.errors import CommittedError, InvalidRequestError
from billfold.invoices.lifecycle import finalize_invoice, mark_uncollectible, send_invoice, void_invoice
from billfold.invoices.manual import create_manual_invoice, delete_draft_invoice, update_invoice
from billfold.invoices.payment import pay_invoice
from billfold.invoices.queries import get_invoice, invoice_payload, lines_query, list_invoices_query
from billfold.invoices.search import search_invoices
from billfold.models import Invoice, InvoiceLine
from billfold.objects import deleted_object
from billfold.objects.invoice import line_item_object
from billfold.payments import get_gateway

router = ApiRouter("Invoices")


@router.post("/v1/invoices", InvoiceCreate, "Create a draft invoice", "invoice")
def create(ctx: Ctx, params: InvoiceCreate) -> dict[str, Any]:
    return invoice_payload(ctx, create_manual_invoice(ctx, params.given()))


@router.get("/v1/invoices", InvoiceList, "List invoices", "list")
def list_(ctx: Ctx, params: InvoiceList) -> dict[str, Any]:
    stmt = range_filter(list_invoices_query(ctx, params.given()), Invoice.created, params.created)
    stmt = range_filter(stmt, Invoice.due_date, params.due_date)
    return paginate(
        ctx,
        Invoice,
        stmt,
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=lambda i: invoice_payload(ctx, i),
        url="/v1/invoices",
        kind="invoice",
    )


# Before ``/v1/invoices/{invoice}``, or "search" would be taken for an invoice id.
@router.get("/v1/invoices/search", InvoiceSearch, "Search invoices", "search_result")
def search(ctx: Ctx, params: InvoiceSearch) -> dict[str, Any]:
    found = search_invoices(ctx, params.query, limit=params.limit, page=params.page, total_count=params.total_count)
    return search_envelope(found, [invoice_payload(ctx, i) for i in found.rows], "/v1/invoices/search")


@router.get("/v1/invoices/{invoice}", InvoiceRetrieve, "Retrieve an invoice", "invoice")
def retrieve(ctx: Ctx, params: InvoiceRetrieve, invoice: str) -> dict[str, Any]:
    return invoice_payload(ctx, get_invoice(ctx, invoice, param="invoice"))


@router.post("/v1/invoices/{invoice}", InvoiceUpdate, "Update an invoice", "invoice")
def update(ctx: Ctx, params: InvoiceUpdate, invoice: str) -> dict[str, Any]:
    found = get_invoice(ctx, invoice, param="invoice", for_update=True)
    return invoice_payload(ctx, update_invoice(ctx, found, params.given()))


@router.delete("/v1/invoices/{invoice}", InvoiceDelete, "Delete a draft invoice", "deleted_invoice")
def delete(ctx: Ctx, params: InvoiceDelete, invoice: str) -> dict[str, Any]:
    found = get_invoice(ctx, invoice, param="invoice", for_update=True)
    return deleted_object("invoice", delete_draft_invoice(ctx, found))


@router.get("/v1/invoices/{invoice}/lines", InvoiceLines, "List an invoice's lines", "list")
def lines(ctx: Ctx, params: InvoiceLines, invoice: str) -> dict[str, Any]:
    found = get_invoice(ctx, invoice, param="invoice")
    return paginate(
        ctx,
        InvoiceLine,
        lines_query(ctx, found),
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=line_item_object,
        url=f"/v1/invoices/{found.id}/lines",
        kind="line item",
        oldest_first=True,
    )


@router.post("/v1/invoices/{invoice}/finalize", InvoiceFinalize, "Finalize a draft invoice", "invoice")
def finalize(ctx: Ctx, params: InvoiceFinalize, invoice: str) -> dict[str, Any]:
    found = get_invoice(ctx, invoice, param="invoice", for_update=True)
    if params.auto_advance is not None:
        found.auto_advance = params.auto_advance
    return invoice_payload(ctx, finalize_invoice(ctx, found))


@router.post("/v1/invoices/{invoice}/pay", InvoicePay, "Pay an invoice", "invoice")
def pay(ctx: Ctx, params: InvoicePay, invoice: str) -> dict[str, Any]:
    if params.source is not None or params.mandate is not None:
        raise InvalidRequestError("Sources and mandates are not supported; use payment_method.", param="source")
    found = get_invoice(ctx, invoice, param="invoice", for_update=True)
    outcome = pay_invoice(
        ctx,
        get_gateway(),
        found,
        payment_method_id=params.payment_method,
        paid_out_of_band=bool(params.paid_out_of_band),
    )
    if not outcome.paid and outcome.error is not None:
        raise CommittedError(outcome.error)
    return invoice_payload(ctx, found)


@router.post("/v1/invoices/{invoice}/void", InvoiceAction, "Void an invoice", "invoice")
def void(ctx: Ctx, params: InvoiceAction, invoice: str) -> dict[str, Any]:
    found = get_invoice(ctx, invoice, param="invoice", for_update=True)
    return invoice_payload(ctx, void_invoice(ctx, found))


@router.post(
    "/v1/invoices/{invoice}/mark_uncollectible",
    InvoiceAction,
    "Mark an invoice uncollectible",
    "invoice",
)
def uncollectible(ctx: Ctx, params: InvoiceAction, invoice: str) -> dict[str, Any]:
    found = get_invoice(ctx, invoice, param="invoice", for_update=True)
    return invoice_payload(ctx, mark_uncollectible(ctx, found))


@router.post("/v1/invoices/{invoice}/send", InvoiceAction, "Send an invoice", "invoice")
def send(ctx: Ctx, params: InvoiceAction, invoice: str) -> dict[str, Any]:
    found = get_invoice(ctx, invoice, param="invoice")
    return invoice_payload(ctx, send_invoice(ctx, found))
