"""Request models for ``/v1/invoices``."""

from __future__ import annotations

from typing import Literal

from billfold.api.params.base import Created, Expand, ListParams, Params, Text

__all__ = [
    "InvoiceAction",
    "InvoiceFinalize",
    "InvoiceLines",
    "InvoiceList",
    "InvoicePay",
    "InvoiceRetrieve",
]


class InvoiceRetrieve(Params):
    expand: Expand = None


class InvoiceAction(Params):
    expand: Expand = None


class InvoiceFinalize(Params):
    auto_advance: bool | None = None
    expand: Expand = None


class InvoicePay(Params):
    forgive: bool | None = None
    mandate: Text | None = None
    off_session: bool | None = None
    paid_out_of_band: bool | None = None
    payment_method: Text | None = None
    source: Text | None = None
    expand: Expand = None


class InvoiceList(ListParams):
    customer: Text | None = None
    subscription: Text | None = None
    status: Literal["draft", "open", "paid", "uncollectible", "void"] | None = None
    collection_method: Literal["charge_automatically", "send_invoice"] | None = None
    created: Created | None = None
    due_date: Created | None = None


class InvoiceLines(ListParams):
    pass
