"""The Jinja2 environment of the server-rendered pages (hosted invoices, later the portal)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

__all__ = ["SECURITY_HEADERS", "STATIC_DIR", "TEMPLATE_DIR", "environment", "render"]

_PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = _PACKAGE / "templates"
STATIC_DIR = _PACKAGE / "static"

# No scripts at all: pages work without JavaScript, and nothing inline could run anyway.
_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Page URLs carry secret tokens: never send them to another site, never keep a copy.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    """One environment per process: autoescaping on, undefined variables an error."""
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, context: dict[str, Any], *, status_code: int = 200) -> HTMLResponse:
    """An HTML response from ``template`` with the pages' security headers."""
    body = environment().get_template(template).render(context)
    return HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS)
