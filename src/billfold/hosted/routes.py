"""``/i/{token}``: the hosted invoice page, its PDF, and paying it by card.

The token in the URL is the only credential (an unguessable ``access_token`` per
invoice), so it is never logged and pages ask browsers not to pass it on
(``Referrer-Policy: no-referrer``). Each request runs one unit of work on the API's
database, inline and without awaiting inside it; the PDF is drawn in a thread after.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from billfold.api.pipeline import ApiState
from billfold.context import Ctx
from billfold.errors import BillfoldError, CardError
from billfold.hosted.pdf import render_invoice_pdf
from billfold.hosted.views import InvoiceView, invoice_view
from billfold.invoices.payment import pay_invoice, record_declined_card
from billfold.invoices.queries import invoice_by_token, invoice_document
from billfold.models import Invoice
from billfold.payments import attach_payment_method, create_payment_method, get_gateway
from billfold.web.templating import SECURITY_HEADERS, render

__all__ = ["csrf_token", "hosted_routes"]

_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_PDF_HEADERS = {k: v for k, v in SECURITY_HEADERS.items() if k != "Content-Security-Policy"}
_MAX_FIELD = 64


def csrf_token(secret_key: str, token: str) -> str:
    """The pay form's CSRF token: bound to this invoice's page by the server's secret."""
    return hmac.new(secret_key.encode(), f"hosted-invoice-pay:{token}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class _CardForm:
    number: str
    exp_month: str
    exp_year: str
    cvc: str
    name: str

    @classmethod
    def read(cls, form: FormData) -> _CardForm:
        def field(name: str) -> str:
            value = form.get(name)
            return value.strip()[:_MAX_FIELD] if isinstance(value, str) else ""

        return cls(
            number=re.sub(r"[\s-]", "", field("card_number")),
            exp_month=field("exp_month"),
            exp_year=field("exp_year"),
            cvc=field("cvc"),
            name=field("cardholder_name"),
        )

    def problem(self) -> str | None:
        """What is missing or malformed, in the customer's words; ``None`` when the form is complete."""
        if not self.number:
            return "Enter your card number."
        if not (self.exp_month.isdigit() and self.exp_year.isdigit()):
            return "Enter your card's expiration month and year as numbers."
        if not self.cvc:
            return "Enter your card's security code."
        return None

    def payment_method_data(self) -> dict[str, Any]:
        card = {"number": self.number, "exp_month": int(self.exp_month), "exp_year": int(self.exp_year)}
        data: dict[str, Any] = {"type": "card", "card": {**card, "cvc": self.cvc}}
        if self.name:
            data["billing_details"] = {"name": self.name}
        return data

    def echo(self) -> dict[str, str]:
        """What the form may show again after a failure (never the number or the CVC)."""
        return {"exp_month": self.exp_month, "exp_year": self.exp_year, "cardholder_name": self.name}


def _charge(ctx: Ctx, invoice: Invoice, card: _CardForm) -> str | None:
    """Save the card to the invoice's customer and pay with it; the failure message, if any.

    A card refused when it is saved counts as a failed payment attempt, as a declined
    charge does; a mistyped card (bad number, past expiry) never reaches the invoice.
    """
    gateway = get_gateway()
    try:
        method = create_payment_method(ctx, card.payment_method_data())
    except BillfoldError as exc:
        return exc.message
    try:
        attach_payment_method(ctx, gateway, method.id, invoice.customer_id)
    except CardError as exc:
        record_declined_card(ctx, invoice, method.id, exc)
        return exc.message
    except BillfoldError as exc:
        return exc.message
    outcome = pay_invoice(ctx, gateway, invoice, payment_method_id=method.id)
    if outcome.paid:
        return None
    return outcome.error.message if outcome.error is not None else "Your payment could not be completed."


class _Pages:
    def __init__(self, state: ApiState) -> None:
        self.state = state

    def ctx(self, invoice: Invoice, session: Session) -> Ctx:
        return Ctx(session, invoice.account_id, self.state.clock, public_base_url=self.state.base_url)

    def load(self, token: str) -> InvoiceView | None:
        with self.state.db.unit_of_work(readonly=True) as session:
            invoice = invoice_by_token(session, token)
            if invoice is None:
                return None
            return invoice_view(invoice, invoice_document(self.ctx(invoice, session), invoice))

    def page(
        self,
        token: str,
        view: InvoiceView,
        *,
        status_code: int = 200,
        error: str | None = None,
        form: dict[str, str] | None = None,
    ) -> Response:
        context = {
            "view": view,
            "pdf_url": f"/i/{token}/pdf",
            "pay_url": f"/i/{token}/pay",
            "csrf": csrf_token(self.state.settings.secret_key, token),
            "error": error,
            "form": form or {},
        }
        return render("hosted/invoice.html", context, status_code=status_code)

    async def show(self, request: Request) -> Response:
        token = request.path_params["token"]
        view = self.load(token)
        if view is None:
            return not_found()
        return self.page(token, view)

    async def pdf(self, request: Request) -> Response:
        view = self.load(request.path_params["token"])
        if view is None:
            return not_found()
        content = await run_in_threadpool(render_invoice_pdf, view)
        filename = _FILENAME_UNSAFE.sub("-", f"Invoice-{view.number}") + ".pdf"
        headers = {**_PDF_HEADERS, "Content-Disposition": f'inline; filename="{filename}"'}
        return Response(content, media_type="application/pdf", headers=headers)

    async def pay(self, request: Request) -> Response:
        token = request.path_params["token"]
        form = await request.form()
        sent = form.get("csrf")
        card = _CardForm.read(form)
        await form.close()
        expected = csrf_token(self.state.settings.secret_key, token)
        if not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
            return _message("This form has expired", "Reload the invoice page and try again.", 403)
        problem = card.problem()
        with self.state.db.unit_of_work() as session:
            invoice = invoice_by_token(session, token, for_update=True)
            if invoice is None:
                return not_found()
            ctx = self.ctx(invoice, session)
            payable = invoice.status in {"open", "uncollectible"} and invoice.amount_remaining > 0
            failure = problem if problem or not payable else _charge(ctx, invoice, card)
            if failure is None or not payable:
                return RedirectResponse(f"/i/{token}", status_code=303)
            view = invoice_view(invoice, invoice_document(ctx, invoice))
        return self.page(token, view, status_code=400 if problem else 402, error=failure, form=card.echo())


def _message(title: str, text: str, status_code: int) -> Response:
    return render("hosted/message.html", {"title": title, "text": text}, status_code=status_code)


def not_found() -> Response:
    """The hosted pages' 404: the same for unknown, draft and malformed tokens."""
    return _message("Invoice not found", "This invoice link is not valid. Ask the sender for a new link.", 404)


def hosted_routes(state: ApiState) -> list[BaseRoute]:
    """The hosted invoice routes, served from ``state``'s database and clock."""
    pages = _Pages(state)
    return [
        Route("/i/{token}", pages.show, methods=["GET"]),
        Route("/i/{token}/pdf", pages.pdf, methods=["GET"]),
        Route("/i/{token}/pay", pages.pay, methods=["POST"]),
    ]
