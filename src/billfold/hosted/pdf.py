"""The invoice PDF (fpdf2, A4), drawn from the same :class:`InvoiceView` as the hosted page.

Text is set in Helvetica (a PDF core font: nothing embedded) when every character fits
its Windows-1252 encoding, which covers Western European text and ``€``. Otherwise
(``Łódź``, ``Ελλάδα``) DejaVu Sans is embedded when the system has it (Debian's
``fonts-dejavu-core``), and failing that the text is transliterated to the nearest
Latin letters, so rendering never fails on a customer's name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from billfold.hosted.views import InvoiceView

__all__ = ["render_invoice_pdf"]

_DEJAVU_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
_CORE_ENCODING = "cp1252"
# Characters Babel and our own text use that have a Windows-1252 equivalent.
_SIMPLE = str.maketrans({"\u202f": "\u00a0", "\u2212": "-", "\u2011": "-", "\u2009": " ", "\u200b": ""})
# Letters NFKD does not decompose.
_TRANSLITERATE = str.maketrans("łŁđĐ\u0131ħĦŋŊ", "lLdDihHnN")

_INK = (26, 31, 54)
_MUTED = (105, 115, 134)
_RULE = (227, 232, 238)
_PAID = (14, 98, 69)
_PAID_BG = (215, 247, 218)
_VOID = (105, 115, 134)

_MARGIN = 18.0
_WIDTH = 210.0 - 2 * _MARGIN
# Narrowest line-table columns: quantity, unit price, amount (mm); description takes the rest.
_MIN_COLS = (16.0, 30.0, 32.0)
_MIN_DESCRIPTION = 60.0
_TOTALS_WIDTH = 92.0
_PAD = 2.0


@lru_cache(maxsize=1)
def _dejavu() -> tuple[Path, Path] | None:
    for folder in _DEJAVU_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def _fits_core(text: str) -> bool:
    try:
        text.translate(_SIMPLE).encode(_CORE_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _transliterate(text: str) -> str:
    text = text.translate(_SIMPLE).translate(_TRANSLITERATE)
    out = []
    for char in text:
        if _fits_core(char):
            out.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        out.append(base if base and _fits_core(base) else "?")
    return "".join(out)


def _all_text(view: InvoiceView) -> Iterable[str]:
    yield from (view.merchant_name, view.number, view.issued, view.headline, view.memo or "", view.footer or "")
    yield from (view.due or "", view.paid_on or "")
    yield from view.merchant_lines
    yield from view.bill_to
    yield from view.ship_to
    yield from view.tax_ids
    for line in view.lines:
        yield from (line.description, line.period or "", line.quantity, line.unit_price, line.amount)
    for row in view.summary:
        yield from (row.label, row.amount)


@dataclass(frozen=True, slots=True)
class _Fonts:
    family: str
    embedded: bool  # a Unicode TTF; else a core font with text made to fit Windows-1252


def _choose_fonts(pdf: FPDF, view: InvoiceView) -> _Fonts:
    if all(_fits_core(text) for text in _all_text(view)):
        pdf.core_fonts_encoding = _CORE_ENCODING
        return _Fonts("Helvetica", embedded=False)
    found = _dejavu()
    if found is not None:
        pdf.add_font("DejaVu", "", str(found[0]))
        pdf.add_font("DejaVu", "B", str(found[1]))
        return _Fonts("DejaVu", embedded=True)
    pdf.core_fonts_encoding = _CORE_ENCODING
    return _Fonts("Helvetica", embedded=False)


class _InvoicePdf(FPDF):
    def __init__(self, view: InvoiceView) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.view = view
        self.typeface = _choose_fonts(self, view)
        self.table_open = False
        self.cols: tuple[float, ...] = (_WIDTH - sum(_MIN_COLS), *_MIN_COLS)
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(auto=True, margin=22)
        self.c_margin = 0
        self.alias_nb_pages()
        self.set_title(self.t(f"Invoice {view.number}"))
        self.set_author(self.t(view.merchant_name))
        self.set_creator("Billfold")

    # -- text helpers -------------------------------------------------------------------
    def t(self, text: str) -> str:
        """Text as the current font can print it."""
        if self.typeface.embedded:
            return text
        return _transliterate(text)

    def style(self, size: float, *, bold: bool = False, color: tuple[int, int, int] = _INK) -> None:
        self.set_font(self.typeface.family, "B" if bold else "", size)
        self.set_text_color(*color)

    def put(self, x: float, y: float, w: float, text: str, *, h: float = 5, align: str = "L") -> None:
        self.set_xy(x, y)
        self.cell(w, h, self.t(text), align=align)

    def block(self, x: float, w: float, text: str, *, h: float = 4.6, align: str = "L") -> None:
        """Wrapped text at ``x``, starting at the current y; leaves y below it."""
        self.set_x(x)
        self.multi_cell(w, h, self.t(text), align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)

    def fit(self, text: str, width: float) -> str:
        """``text`` cut short with an ellipsis so it fits on one line of ``width`` in the current font."""
        text = self.t(text)
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "\u2026") > width:
            text = text[:-1]
        return text.rstrip() + "\u2026"

    def text_height(self, w: float, text: str, h: float) -> float:
        lines = self.multi_cell(w, h, self.t(text), dry_run=True, output=MethodReturnValue.LINES)
        return h * max(1, len(lines) if isinstance(lines, list) else 1)

    def rule(self, y: float, x1: float = _MARGIN, x2: float = _MARGIN + _WIDTH, *, dark: bool = False) -> None:
        self.set_draw_color(*(_MUTED if dark else _RULE))
        self.set_line_width(0.3 if dark else 0.2)
        self.line(x1, y, x2, y)

    # -- page furniture -----------------------------------------------------------------
    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.style(9, bold=True)
        self.put(_MARGIN, 10, _WIDTH / 2, f"Invoice {self.view.number}")
        self.style(9, color=_MUTED)
        name = self.fit(self.view.merchant_name, _WIDTH / 2 - 4)
        self.put(_MARGIN + _WIDTH / 2, 10, _WIDTH / 2, name, align="R")
        self.rule(16)
        self.set_y(20)
        if self.table_open:
            self.table_head()

    def footer(self) -> None:
        self.set_y(-14)
        self.rule(self.get_y() - 1)
        self.style(8, color=_MUTED)
        self.put(_MARGIN, self.get_y(), _WIDTH * 0.7, f"{self.view.number} \u00b7 {self.view.headline}", h=5)
        # "{nb}" is replaced after layout, so right-align by the width the finished text will have.
        page = self.page_no()
        width = self.get_string_width(f"Page {page} of {page}")
        self.put(_MARGIN + _WIDTH - width, self.get_y(), width + 2, f"Page {page} of {{nb}}", h=5)

    # -- sections -----------------------------------------------------------------------
    def title_block(self) -> None:
        view = self.view
        self.style(24, bold=True)
        self.put(_MARGIN, _MARGIN, 80, "Invoice", h=10)
        if view.status in {"paid", "void"}:
            self.stamp("PAID" if view.status == "paid" else "VOID")
        self.style(13, bold=True)
        self.set_y(_MARGIN + 1)
        self.block(_MARGIN + 90, _WIDTH - 90, view.merchant_name, h=6, align="R")
        meta = [("Invoice number", view.number), ("Date of issue", view.issued)]
        if view.due and view.status != "paid":
            meta.append(("Date due", view.due))
        if view.paid_on:
            meta.append(("Date paid", view.paid_on))
        y = _MARGIN + 16
        for label, value in meta:
            self.style(9.5, color=_MUTED)
            self.put(_MARGIN, y, 32, label)
            self.style(9.5, bold=True)
            self.put(_MARGIN + 32, y, 60, value)
            y += 5
        self.set_y(max(y, self.get_y()) + 6)

    def stamp(self, word: str) -> None:
        self.style(11, bold=True, color=_PAID if word == "PAID" else _VOID)
        width = self.get_string_width(word) + 8
        self.set_font_size(24)
        x = _MARGIN + self.get_string_width("Invoice") + 6
        self.set_font_size(11)
        self.set_draw_color(*(_PAID if word == "PAID" else _VOID))
        self.set_fill_color(*(_PAID_BG if word == "PAID" else (240, 242, 245)))
        self.set_line_width(0.5)
        self.rect(x, _MARGIN + 1.5, width, 7, style="DF", round_corners=True, corner_radius=1.5)
        self.put(x, _MARGIN + 1.5, width, word, h=7, align="C")

    def parties(self) -> None:
        view = self.view
        columns = [("From", [view.merchant_name, *view.merchant_lines]), ("Bill to", view.bill_to + view.tax_ids)]
        if view.ship_to:
            columns.append(("Ship to", view.ship_to))
        width = (_WIDTH - 8 * (len(columns) - 1)) / len(columns)
        top = self.get_y()
        bottom = top
        for index, (title, lines) in enumerate(columns):
            x = _MARGIN + index * (width + 8)
            self.style(8, bold=True, color=_MUTED)
            self.put(x, top, width, title.upper(), h=5)
            self.set_y(top + 6)
            for n, line in enumerate(lines):
                self.style(9.5, bold=n == 0, color=_INK if n == 0 else (60, 66, 87))
                self.block(x, width, line)
            bottom = max(bottom, self.get_y())
        self.set_y(bottom + 8)

    def headline(self) -> None:
        view = self.view
        self.style(15, bold=True, color=_PAID if view.paid else _INK)
        self.block(_MARGIN, _WIDTH, view.headline, h=7)
        if view.memo:
            self.ln(1.5)
            self.style(9.5, color=(60, 66, 87))
            self.block(_MARGIN, _WIDTH, view.memo)
        self.ln(6)

    def table_head(self) -> None:
        y = self.get_y()
        self.style(8, bold=True, color=_MUTED)
        x = _MARGIN
        for title, width, align in zip(("DESCRIPTION", "QTY", "UNIT PRICE", "AMOUNT"), self.cols, "LRRR", strict=True):
            self.put(x, y, width, title, h=6, align=align)
            x += width
        self.rule(y + 6.5, dark=True)
        self.set_y(y + 8)

    def size_columns(self) -> None:
        """Widen the number columns to their widest value (huge amounts), narrowing the description."""
        self.style(9.5)
        widths = []
        for index, minimum in enumerate(_MIN_COLS):
            values = [(line.quantity, line.unit_price, line.amount)[index] for line in self.view.lines]
            widest = max((self.get_string_width(self.t(v)) for v in values), default=0.0)
            widths.append(max(minimum, widest + 5))
        self.cols = (max(_MIN_DESCRIPTION, _WIDTH - sum(widths)), *widths)

    def line_table(self) -> None:
        self.size_columns()
        self.table_open = True
        self.table_head()
        desc_w = self.cols[0] - 4
        for line in self.view.lines:
            self.style(9.5)
            height = self.text_height(desc_w, line.description or " ", 4.6)
            if line.period:
                self.style(8)
                height += self.text_height(desc_w, line.period, 4)
            height += 2 * _PAD
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
            top, page = self.get_y(), self.page_no()
            self.style(9.5)
            x = _MARGIN + self.cols[0]
            for value, width in zip((line.quantity, line.unit_price, line.amount), self.cols[1:], strict=True):
                self.put(x, top + _PAD, width, value, h=4.6, align="R")
                x += width
            self.set_y(top + _PAD)
            self.block(_MARGIN, desc_w, line.description or " ")
            if line.period:
                self.style(8, color=_MUTED)
                self.block(_MARGIN, desc_w, line.period, h=4)
            # A description longer than a page flowed onto the next: the row ends where its text does.
            bottom = self.get_y() + _PAD if self.page_no() != page else max(self.get_y() + _PAD, top + height)
            self.rule(bottom)
            self.set_y(bottom)
        self.table_open = False

    def totals(self) -> None:
        rows = self.view.summary
        self.style(10, bold=True)
        amount_w = max(34.0, max(self.get_string_width(self.t(row.amount)) for row in rows) + 2)
        label_w = _TOTALS_WIDTH - amount_w - 3
        heights = []
        for row in rows:
            self.style(10 if row.strong else 9.5, bold=row.strong)
            heights.append(self.text_height(label_w, row.label, 5.5) + 1.3)
        if self.get_y() + sum(heights) + 4 > self.page_break_trigger:
            self.add_page()
        self.ln(4)
        left = _MARGIN + _WIDTH - _TOTALS_WIDTH
        for row, height in zip(rows, heights, strict=True):
            y = self.get_y()
            if row.label in {"Total", "Amount due"}:
                self.rule(y - 0.6, left, _MARGIN + _WIDTH)
            self.style(10 if row.strong else 9.5, bold=row.strong, color=_INK if row.strong else (60, 66, 87))
            self.put(_MARGIN + _WIDTH - amount_w, y + 0.6, amount_w, row.amount, h=5.5, align="R")
            self.set_y(y + 0.6)
            self.block(left, label_w, row.label, h=5.5)
            self.set_y(y + height)

    def closing(self) -> None:
        if not self.view.footer:
            return
        self.ln(10)
        self.rule(self.get_y())
        self.ln(4)
        self.style(9, color=_MUTED)
        self.block(_MARGIN, _WIDTH, self.view.footer)


def render_invoice_pdf(view: InvoiceView) -> bytes:
    """The invoice as an A4 PDF document."""
    pdf = _InvoicePdf(view)
    pdf.add_page()
    pdf.title_block()
    pdf.parties()
    pdf.headline()
    pdf.line_table()
    pdf.totals()
    pdf.closing()
    return bytes(pdf.output())
