"""Invoices to look at: open ones made through the stripe SDK, long ones made through the services."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import stripe

from billfold.context import Ctx
from billfold.customers.queries import get_customer
from billfold.invoices.builder import DraftLine, create_invoice
from billfold.invoices.lifecycle import finalize_invoice
from tests.billing.helpers import monthly_price
from tests.support import Account, LiveServer

__all__ = ["Hosted", "hosted", "invoice_with_lines", "open_invoice", "pdf_pages", "pdf_text"]


@dataclass(frozen=True, slots=True)
class Hosted:
    """A finalised invoice as its customer reaches it: the page and PDF URLs."""

    id: str
    number: str
    url: str
    pdf: str
    customer: str

    @property
    def token(self) -> str:
        """The page's access token (the last part of its URL)."""
        return self.url.rsplit("/", 1)[1]

    @property
    def base(self) -> str:
        """The server's base URL."""
        return self.url.rsplit("/i/", 1)[0]

    def retrieve(self) -> stripe.Invoice:
        """The invoice as the API shows it now."""
        return stripe.Invoice.retrieve(self.id)


def hosted(invoice: stripe.Invoice | str | None) -> Hosted:
    """``invoice`` (or its id, e.g. a subscription's ``latest_invoice``) with its hosted URLs."""
    assert isinstance(invoice, str | stripe.Invoice)
    found = stripe.Invoice.retrieve(invoice) if isinstance(invoice, str) else invoice
    assert found.number is not None
    assert found.hosted_invoice_url is not None
    assert found.invoice_pdf is not None
    assert isinstance(found.customer, str)
    return Hosted(found.id, found.number, found.hosted_invoice_url, found.invoice_pdf, found.customer)


def open_invoice(price_amount: int = 2_000, currency: str = "usd", **customer: Any) -> Hosted:
    """The open first invoice of a subscription whose customer has no payment method yet."""
    fields: dict[str, Any] = {"email": "jenny@example.com", "name": "Jenny Rosen", **customer}
    buyer = stripe.Customer.create(**fields)
    price = monthly_price(price_amount, currency=currency)
    sub = stripe.Subscription.create(
        customer=buyer.id,
        items=[{"price": price.id}],
        payment_behavior="default_incomplete",
    )
    invoice = hosted(sub.latest_invoice)
    assert invoice.retrieve().status == "open"
    return invoice


def invoice_with_lines(server: LiveServer, account: Account, count: int, *, finalize: bool = True) -> str:
    """An invoice of ``count`` one-off lines for a new customer; returns its access token."""
    buyer = stripe.Customer.create(email="ops@example.com", name="Globex Corporation")
    now = server.clock.now()
    with server.database.unit_of_work() as session:
        ctx = Ctx(session, account.id, server.clock, public_base_url=server.url)
        lines = [
            DraftLine(
                description=f"Consulting session {n + 1}: architecture review and follow-up notes " * (1 + n % 3),
                amount=12_500,
                currency="usd",
                period_start=now,
                period_end=now + dt.timedelta(days=30),
                quantity=1,
                unit_amount_decimal="12500",
            )
            for n in range(count)
        ]
        invoice = create_invoice(
            ctx,
            get_customer(ctx, buyer.id),
            currency="usd",
            lines=lines,
            billing_reason="manual",
            period_start=now,
            period_end=now,
            collection_method="send_invoice",
            days_until_due=30,
        )
        if finalize:
            finalize_invoice(ctx, invoice)
        return invoice.access_token


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    assert path is not None, f"{tool} (Debian's poppler-utils) is needed to read PDFs in tests"
    return path


def pdf_text(content: bytes, tmp_path: Path) -> str:
    """The PDF's text, page by page (pages separated by form feeds)."""
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(content)
    return subprocess.run(  # noqa: S603 - a fixed tool on a file we wrote
        [_poppler("pdftotext"), "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def pdf_pages(content: bytes, tmp_path: Path) -> int:
    """How many pages the PDF has."""
    pdf = tmp_path / "pages.pdf"
    pdf.write_bytes(content)
    info = subprocess.run(  # noqa: S603
        [_poppler("pdfinfo"), str(pdf)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
