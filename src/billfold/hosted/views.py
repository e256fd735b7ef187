"""What a hosted invoice shows, as plain formatted text: shared by the page and the PDF.

Money and dates are formatted with Babel in the customer's first preferred locale
(``en`` when they have none or it is unknown). Times are shown in UTC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from billfold.invoices.queries import InvoiceDocument
from billfold.models import Invoice, InvoiceLine
from billfold.money import currency_exponent, format_money

__all__ = ["InvoiceView", "LineView", "SummaryRow", "invoice_view", "pick_locale"]

_STATUS_LABELS = {"open": "Due", "paid": "Paid", "void": "Void", "uncollectible": "Past due"}
_TAX_ID_LABELS = {
    "eu_vat": "EU VAT",
    "gb_vat": "GB VAT",
    "ch_vat": "CH VAT",
    "no_vat": "NO VAT",
    "au_abn": "AU ABN",
    "us_ein": "US EIN",
    "ca_bn": "CA BN",
    "in_gst": "IN GST",
    "nz_gst": "NZ GST",
    "de_stn": "DE St.-Nr.",
}
# Countries whose addresses read "City, ST 12345" rather than "12345 City".
_CITY_FIRST = frozenset({"US", "CA", "AU", "GB", "IE", "NZ", "IN", "SG", "ZA", "HK", "PH", "MY"})


@dataclass(frozen=True, slots=True)
class LineView:
    """One invoice line, formatted."""

    description: str
    period: str | None
    quantity: str
    unit_price: str
    amount: str


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """A row of the totals block (``strong`` rows are emphasised)."""

    label: str
    amount: str
    strong: bool = False


@dataclass(frozen=True, slots=True)
class InvoiceView:
    """Everything an invoice page or PDF prints, already formatted."""

    merchant_name: str
    merchant_lines: list[str]
    number: str
    status: str
    status_label: str
    issued: str
    due: str | None
    paid_on: str | None
    headline: str
    amount: str  # the big number: what is due, or what was paid
    caption: str  # under it: "Due 15 Feb 2026", "Paid on 15 Jan 2026"
    bill_to: list[str]
    ship_to: list[str]
    tax_ids: list[str]
    memo: str | None
    lines: list[LineView]
    summary: list[SummaryRow]
    footer: str | None
    amount_remaining: str
    payable: bool
    locale: str

    @property
    def paid(self) -> bool:
        """Whether the invoice is paid in full."""
        return self.status == "paid"


def pick_locale(preferred: list[str]) -> Locale:
    """The customer's first preferred locale (``fr-FR`` or ``fr_FR``), else English."""
    for tag in preferred[:1]:
        try:
            return Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError, TypeError):
            break
    return Locale.parse("en")


def _date(value: dt.datetime | None, locale: Locale) -> str | None:
    if value is None:
        return None
    return format_date(value.astimezone(dt.UTC).date(), "d MMM y", locale=locale)


def _period(line: InvoiceLine, locale: Locale) -> str | None:
    start, end = _date(line.period_start, locale), _date(line.period_end, locale)
    if start is None or end is None or start == end:
        return start
    return f"{start} \u2013 {end}"


def _unit_price(line: InvoiceLine, locale: Locale) -> str:
    """The line's unit amount; a sub-cent unit price keeps its digits (``$0.0125``)."""
    if line.unit_amount_decimal is not None:
        try:
            minor = Decimal(line.unit_amount_decimal)
        except InvalidOperation:
            return ""
        if minor == minor.to_integral_value():
            return format_money(int(minor), line.currency, str(locale))
        major = minor.scaleb(-currency_exponent(line.currency))
        return format_currency(major, line.currency.upper(), locale=locale, decimal_quantization=False)
    if line.quantity and line.amount % line.quantity == 0:
        return format_money(line.amount // line.quantity, line.currency, str(locale))
    return ""


def _address(address: dict[str, Any] | None, locale: Locale) -> list[str]:
    if not address:
        return []
    lines = [address[k] for k in ("line1", "line2") if address.get(k)]
    country = (address.get("country") or "").upper()
    city, state, postal = address.get("city") or "", address.get("state") or "", address.get("postal_code") or ""
    if country in _CITY_FIRST:
        place = ", ".join(part for part in (city, f"{state} {postal}".strip()) if part)
    else:
        place = " ".join(part for part in (postal, city) if part)
        if state:
            place = f"{place}, {state}" if place else state
    if place:
        lines.append(place)
    if country:
        lines.append(locale.territories.get(country, country))
    return lines


def _party(details: dict[str, Any] | None, locale: Locale, *, contact: bool) -> list[str]:
    if not details:
        return []
    lines = [details["name"]] if details.get("name") else []
    lines += _address(details.get("address"), locale)
    if contact:
        lines += [details[k] for k in ("email", "phone") if details.get(k)]
    elif details.get("phone"):
        lines.append(details["phone"])
    return lines


def _merchant_lines(profile: dict[str, Any], locale: Locale) -> list[str]:
    lines = _address(profile.get("support_address"), locale)
    lines += [profile[k] for k in ("support_email", "support_phone") if profile.get(k)]
    url = profile.get("url") or profile.get("support_url")
    if url:
        lines.append(str(url).removeprefix("https://").removeprefix("http://").rstrip("/"))
    return lines


def _tax_ids(snapshot: dict[str, Any]) -> list[str]:
    out = []
    for tax_id in snapshot.get("tax_ids") or []:
        kind = str(tax_id.get("type") or "")
        label = _TAX_ID_LABELS.get(kind, kind.replace("_", " ").upper())
        out.append(f"{label} {tax_id.get('value', '')}".strip())
    return out


def _discount_label(entry: dict[str, Any], doc: InvoiceDocument, locale: Locale) -> str:
    coupon = doc.coupons.get(entry.get("discount", ""))
    if coupon is None:
        return "Discount"
    name, percent = coupon
    if percent:
        shown = format_decimal(Decimal(percent), locale=locale)
        return f"{name} ({shown}% off)"
    return name


class _Money:
    """``money(amount)``: an amount of the invoice's currency in the customer's locale."""

    def __init__(self, currency: str, locale: Locale) -> None:
        self.currency = currency
        self.locale = locale

    def __call__(self, amount: int) -> str:
        return format_money(amount, self.currency, str(self.locale))


def _summary(invoice: Invoice, doc: InvoiceDocument, money: _Money) -> list[SummaryRow]:
    rows = [SummaryRow("Subtotal", money(invoice.subtotal))]
    rows += [
        SummaryRow(_discount_label(entry, doc, money.locale), money(-int(entry["amount"])))
        for entry in invoice.total_discount_amounts
        if entry.get("amount")
    ]
    rows.append(SummaryRow("Total", money(invoice.total)))
    applied = (invoice.starting_balance or 0) - (
        invoice.ending_balance if invoice.ending_balance is not None else invoice.starting_balance or 0
    )
    if applied:
        rows.append(SummaryRow("Applied balance", money(applied)))
    rows.append(SummaryRow("Amount due", money(invoice.amount_due), strong=invoice.amount_paid == 0))
    if invoice.amount_paid:
        rows.append(SummaryRow("Amount paid", money(invoice.amount_paid), strong=invoice.amount_remaining == 0))
        if invoice.amount_remaining:
            rows.append(SummaryRow("Amount remaining", money(invoice.amount_remaining), strong=True))
    return rows


def _quantity(line: InvoiceLine, locale: Locale) -> str:
    return "" if line.quantity is None else format_decimal(line.quantity, locale=locale)


def _headline(invoice: Invoice, money: _Money, due: str | None, paid_on: str | None) -> str:
    if invoice.status == "paid":
        return f"{money(invoice.amount_paid)} paid on {paid_on}" if paid_on else f"{money(invoice.amount_paid)} paid"
    if invoice.status == "void":
        return "This invoice is void"
    return f"{money(invoice.amount_remaining)} due {due}" if due else f"{money(invoice.amount_remaining)} due"


def _amount_caption(invoice: Invoice, money: _Money, due: str | None, paid_on: str | None) -> tuple[str, str]:
    if invoice.status == "paid":
        return money(invoice.amount_paid), f"Paid on {paid_on}" if paid_on else "Paid"
    if invoice.status == "void":
        return money(invoice.total), "Void: nothing is due"
    return money(invoice.amount_remaining), f"Due {due}" if due else "Due"


def invoice_view(invoice: Invoice, doc: InvoiceDocument) -> InvoiceView:
    """The hosted page's and the PDF's content for ``invoice``."""
    locale = pick_locale(doc.preferred_locales)
    money = _Money(invoice.currency, locale)
    snapshot = invoice.customer_snapshot or {}
    issued = _date(invoice.finalized_at or invoice.created, locale) or ""
    due = _date(invoice.due_date, locale) or issued
    paid_on = _date(invoice.paid_at, locale) if invoice.status == "paid" else None
    amount, caption = _amount_caption(invoice, money, due, paid_on)
    lines = [
        LineView(
            description=line.description or "",
            period=_period(line, locale),
            quantity=_quantity(line, locale),
            unit_price=_unit_price(line, locale),
            amount=money(line.amount),
        )
        for line in doc.lines
    ]
    return InvoiceView(
        merchant_name=doc.merchant_name or doc.business_profile.get("name") or "",
        merchant_lines=_merchant_lines(doc.business_profile, locale),
        number=invoice.number or invoice.id,
        status=invoice.status,
        status_label=_STATUS_LABELS.get(invoice.status, invoice.status.title()),
        issued=issued,
        due=due,
        paid_on=paid_on,
        headline=_headline(invoice, money, due, paid_on),
        amount=amount,
        caption=caption,
        bill_to=_party(snapshot, locale, contact=True),
        ship_to=_party(snapshot.get("shipping"), locale, contact=False),
        tax_ids=_tax_ids(snapshot),
        memo=invoice.description,
        lines=lines,
        summary=_summary(invoice, doc, money),
        footer=invoice.footer,
        amount_remaining=money(invoice.amount_remaining),
        payable=invoice.status in {"open", "uncollectible"} and invoice.amount_remaining > 0,
        locale=str(locale),
    )
