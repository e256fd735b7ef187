"""``POST /v1/invoices/create_preview`` (before ``/v1/invoices/{invoice}`` in ROUTERS)."""

from __future__ import annotations

from typing import Any

from billfold.api.params.invoice_preview import InvoiceCreatePreview
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.invoices.preview import preview_invoice

router = ApiRouter("Invoices")


@router.post("/v1/invoices/create_preview", InvoiceCreatePreview, "Preview an invoice", "invoice")
def create_preview(ctx: Ctx, params: InvoiceCreatePreview) -> dict[str, Any]:
    return preview_invoice(ctx, params.given())
