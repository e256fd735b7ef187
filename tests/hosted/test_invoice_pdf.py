"""``GET /i/{token}/pdf``: the invoice as a PDF a company would send."""

from __future__ import annotations

from pathlib import Path

import httpx
import stripe

from tests.billing.helpers import customer_with_card, monthly_price
from tests.hosted.helpers import hosted, invoice_with_lines, open_invoice, pdf_pages, pdf_text
from tests.support import Account, LiveServer

_ADDRESS = {"line1": "Karl-Marx-Allee 12", "city": "Berlin", "postal_code": "10178", "country": "DE"}


def test_pdf_of_an_open_invoice(api: Account, tmp_path: Path) -> None:
    invoice = open_invoice(
        2_000,
        address=_ADDRESS,
        shipping={"name": "Jenny at the warehouse", "address": _ADDRESS},
        tax_id_data=[{"type": "eu_vat", "value": "DE136695976"}],
    )
    response = httpx.get(invoice.pdf)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="Invoice-{invoice.number}.pdf"' in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content, tmp_path)
    assert "Invoice" in text
    assert invoice.number in text
    assert "Acme Inc." in text
    assert "Jenny Rosen" in text
    assert "jenny@example.com" in text
    assert "Karl-Marx-Allee 12" in text
    assert "10178 Berlin" in text
    assert "Jenny at the warehouse" in text
    assert "EU VAT DE136695976" in text
    assert "Pro (at $20.00 / month)" in text
    assert "15 Jan 2026 \u2013 15 Feb 2026" in text
    assert "$20.00 due 15 Jan 2026" in text
    assert "Amount due" in text
    assert "PAID" not in text
    assert pdf_pages(response.content, tmp_path) == 1


def test_paid_invoice_says_paid(api: Account, tmp_path: Path) -> None:
    customer = customer_with_card()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(4_500).id}])
    invoice = hosted(sub.latest_invoice)
    assert invoice.retrieve().status == "paid"
    text = pdf_text(httpx.get(invoice.pdf).content, tmp_path)
    assert "PAID" in text
    assert "$45.00 paid on 15 Jan 2026" in text
    assert "Amount paid" in text
    assert "Date paid" in text


def test_discount_and_applied_balance(api: Account, tmp_path: Path) -> None:
    coupon = stripe.Coupon.create(percent_off=25, duration="once", name="Launch")
    customer = stripe.Customer.create(name="Jenny Rosen", balance=-500)
    price = monthly_price(4_000)
    sub = stripe.Subscription.create(
        customer=customer.id,
        items=[{"price": price.id}],
        discounts=[{"coupon": coupon.id}],
        payment_behavior="default_incomplete",
    )
    invoice = hosted(sub.latest_invoice)
    api_invoice = invoice.retrieve()
    assert api_invoice.total == 3_000
    assert api_invoice.amount_due == 2_500
    text = pdf_text(httpx.get(invoice.pdf).content, tmp_path)
    assert "Launch (25% off)" in text
    assert "-$10.00" in text
    assert "Applied balance" in text
    assert "-$5.00" in text
    assert "$25.00" in text


def test_customer_locale_formats_money_and_dates(api: Account, tmp_path: Path) -> None:
    invoice = open_invoice(1_250, currency="eur", name="Łukasz Żółć", preferred_locales=["fr-FR", "en"])
    text = pdf_text(httpx.get(invoice.pdf).content, tmp_path)
    assert "12,50\u00a0€" in text or "12,50 €" in text
    assert "15 janv. 2026" in text
    # Embedded DejaVu Sans keeps the name as written; without it the name is transliterated.
    assert "Łukasz Żółć" in text or "Lukasz Zólc" in text


def test_long_invoice_breaks_pages_and_repeats_the_table_header(
    server: LiveServer,
    api: Account,
    tmp_path: Path,
) -> None:
    token = invoice_with_lines(server, api, 35)
    response = httpx.get(f"{server.url}/i/{token}/pdf")
    assert response.status_code == 200
    pages = pdf_pages(response.content, tmp_path)
    assert pages >= 2
    text = pdf_text(response.content, tmp_path)
    assert text.count("DESCRIPTION") == pages
    assert "Consulting session 35" in text
    assert f"Page {pages} of {pages}" in text
    assert "$4,375.00" in text  # 35 lines of $125.00


def test_unknown_and_draft_invoices_have_no_pdf(server: LiveServer, api: Account) -> None:
    assert httpx.get(f"{server.url}/i/in_nothing_here/pdf").status_code == 404
    draft = invoice_with_lines(server, api, 1, finalize=False)
    assert httpx.get(f"{server.url}/i/{draft}/pdf").status_code == 404
