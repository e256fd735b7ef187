"""``/i/{token}``: the hosted invoice page, and paying it by card (with and without JavaScript)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import stripe
from playwright.sync_api import Browser, Page, sync_playwright

from tests.billing.helpers import customer_with_card, monthly_price
from tests.hosted.helpers import hosted, invoice_with_lines, open_invoice
from tests.support import Account, LiveServer

_CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Set BILLFOLD_SCREENSHOTS=/some/dir to keep screenshots of the pages the browser tests see.
_SHOTS = os.environ.get("BILLFOLD_SCREENSHOTS")


def _card(number: str, **fields: str) -> dict[str, str]:
    return {
        "card_number": number,
        "exp_month": "12",
        "exp_year": "30",
        "cvc": "123",
        "cardholder_name": "Jenny Rosen",
        **fields,
    }


def _csrf(page_html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page_html)
    assert found is not None
    return found.group(1)


def _pay(url: str, card: dict[str, str]) -> httpx.Response:
    csrf = _csrf(httpx.get(url).text)
    return httpx.post(f"{url}/pay", data={"csrf": csrf, **card}, follow_redirects=True)


# -- over plain HTTP ----------------------------------------------------------------------


def test_page_shows_the_invoice_with_safe_headers(api: Account) -> None:
    invoice = open_invoice(2_000, shipping={"name": "Dock 4", "address": {"line1": "1 Pier Road", "country": "US"}})
    response = httpx.get(invoice.url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    body = response.text
    assert "<script" not in body
    assert "style=" not in body
    assert "Acme Inc." in body
    assert invoice.number in body
    assert "Jenny Rosen" in body
    assert "Dock 4" in body
    assert "$20.00" in body
    assert "15 Jan 2026 \u2013 15 Feb 2026" in body
    assert f'href="/i/{invoice.token}/pdf"' in body
    assert 'name="card_number"' in body
    assert ">Due<" in body
    stylesheet = httpx.get(invoice.base + "/static/billfold.css")
    assert stylesheet.status_code == 200
    assert stylesheet.headers["content-type"].startswith("text/css")


def test_unknown_and_draft_invoices_are_not_found(server: LiveServer, api: Account) -> None:
    missing = httpx.get(f"{server.url}/i/not-a-real-token")
    assert missing.status_code == 404
    assert "Invoice not found" in missing.text
    assert missing.headers["x-frame-options"] == "DENY"
    draft = invoice_with_lines(server, api, 1, finalize=False)
    assert httpx.get(f"{server.url}/i/{draft}").status_code == 404
    assert httpx.post(f"{server.url}/i/{draft}/pay", data={"csrf": "x"}).status_code in {403, 404}


def test_pay_form_needs_its_csrf_token(api: Account) -> None:
    invoice = open_invoice()
    url = invoice.url
    assert httpx.post(f"{url}/pay", data=_card("4242424242424242")).status_code == 403
    other = open_invoice()
    stolen = _csrf(httpx.get(other.url).text)
    assert httpx.post(f"{url}/pay", data={"csrf": stolen, **_card("4242424242424242")}).status_code == 403
    assert invoice.retrieve().attempt_count == 0


def test_declined_card_is_an_attempt_then_a_good_card_pays(
    api: Account,
    caplog: pytest.LogCaptureFixture,
) -> None:
    invoice = open_invoice(2_000)
    url = invoice.url
    token = invoice.token
    csrf = _csrf(httpx.get(url).text)
    declined = _pay(url, _card("4000000000000002"))
    assert declined.status_code == 402
    assert "Your card was declined." in declined.text
    assert 'value="Jenny Rosen"' in declined.text
    assert "4000000000000002" not in declined.text
    after = invoice.retrieve()
    assert after.status == "open"
    assert after.attempt_count == 1
    failed = stripe.Event.list(type="invoice.payment_failed").data
    assert [e.data.object.id for e in failed] == [invoice.id]

    charge_fails = _pay(url, _card("4000000000000341"))  # saves fine, every charge declined
    assert charge_fails.status_code == 402
    assert invoice.retrieve().attempt_count == 2

    paid = _pay(url, _card("4242 4242 4242 4242"))
    assert paid.status_code == 200
    assert paid.history[0].status_code == 303
    assert str(paid.url) == url
    assert ">Paid<" in paid.text
    assert 'name="card_number"' not in paid.text
    final = invoice.retrieve()
    assert final.status == "paid"
    assert final.amount_paid == 2_000
    assert final.attempt_count == 3
    methods = stripe.PaymentMethod.list(customer=invoice.customer)
    assert [m.to_dict()["card"]["last4"] for m in methods.data] == ["4242", "0341"]  # the refused card was never saved
    parent = final.to_dict()["parent"]
    assert stripe.Subscription.retrieve(parent["subscription_details"]["subscription"]).status == "active"
    assert token not in caplog.text

    again = httpx.post(f"{url}/pay", data={"csrf": csrf, **_card("4242424242424242")})  # a second submit
    assert again.status_code == 303
    assert invoice.retrieve().amount_paid == 2_000


def test_mistyped_card_is_not_an_attempt(api: Account) -> None:
    invoice = open_invoice()
    incomplete = _pay(invoice.url, _card("4242424242424242", exp_month="ab"))
    assert incomplete.status_code == 400
    assert "expiration month and year" in incomplete.text
    wrong = _pay(invoice.url, _card("4242424242424241"))
    assert wrong.status_code == 402
    assert "Your card number is incorrect." in wrong.text
    assert invoice.retrieve().attempt_count == 0


def test_paid_and_void_invoices_have_no_pay_form(api: Account) -> None:
    customer = customer_with_card()
    sub = stripe.Subscription.create(customer=customer.id, items=[{"price": monthly_price(1_000).id}])
    paid = hosted(sub.latest_invoice)
    page = httpx.get(paid.url).text
    assert "Paid on 15 Jan 2026" in page
    assert 'name="card_number"' not in page
    voided = open_invoice()
    stripe.Invoice.void_invoice(voided.id)
    page = httpx.get(voided.url).text
    assert ">Void<" in page
    assert 'name="card_number"' not in page
    assert httpx.post(f"{voided.url}/pay", data=_card("4242424242424242")).status_code == 403


# -- in Chromium --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=_CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _shot(page: Page, name: str, backend: str) -> None:
    if _SHOTS:
        Path(_SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(_SHOTS) / f"{name}-{backend}.png"), full_page=True)


def _fill_card(page: Page, number: str) -> None:
    page.fill("input[name=card_number]", number)
    page.fill("input[name=exp_month]", "12")
    page.fill("input[name=exp_year]", "30")
    page.fill("input[name=cvc]", "123")
    page.fill("input[name=cardholder_name]", "Jenny Rosen")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()


@pytest.mark.browser
def test_customer_pays_in_the_browser(server: LiveServer, api: Account, browser: Browser) -> None:
    invoice = open_invoice(
        2_000,
        address={"line1": "1 Main St", "city": "Springfield", "state": "IL", "postal_code": "62701", "country": "US"},
    )
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(invoice.url)
    assert page.title() == f"Invoice {invoice.number} from Acme Inc."
    assert page.locator(".badge").inner_text() == "Due"
    _shot(page, "hosted-open", server.backend)

    _fill_card(page, "4000 0000 0000 0002")
    alert = page.get_by_role("alert")
    assert "Your card was declined." in alert.inner_text()
    _shot(page, "hosted-declined", server.backend)
    assert invoice.retrieve().attempt_count == 1

    _fill_card(page, "4242 4242 4242 4242")
    page.wait_for_url(invoice.url)
    assert page.locator(".badge").inner_text() == "Paid"
    assert page.get_by_role("heading", name="Paid").is_visible()
    _shot(page, "hosted-paid", server.backend)
    assert invoice.retrieve().status == "paid"
    context.close()


@pytest.mark.browser
def test_paying_works_without_javascript(server: LiveServer, api: Account, browser: Browser) -> None:
    invoice = open_invoice(3_300)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 420, "height": 900})
    page = context.new_page()
    page.goto(invoice.url)
    _shot(page, "hosted-nojs-mobile", server.backend)
    _fill_card(page, "5555555555554444")
    page.wait_for_url(invoice.url)
    assert "Paid" in page.locator(".badge").inner_text()
    assert invoice.retrieve().status == "paid"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == f"Invoice-{invoice.number}.pdf"
    context.close()
