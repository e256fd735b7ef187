"""Request models for ``/v1/invoiceitems``."""

from __future__ import annotations

from billfold.api.params.base import Created, Expand, ListParams, Params, Text

__all__ = ["InvoiceItemList", "InvoiceItemRetrieve"]


class InvoiceItemRetrieve(Params):
    expand: Expand = None


class InvoiceItemList(ListParams):
    customer: Text | None = None
    invoice: Text | None = None
    pending: bool | None = None
    created: Created | None = None
