"""``/``: what runs here, and the API reference (``/openapi.json`` and ``/docs/api``)."""

from __future__ import annotations

import html

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from billfold import __version__
from billfold.api.openapi import openapi_document
from billfold.config import Settings

__all__ = ["not_found", "routes"]

_STYLE = """
body{font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1a1f36;background:#f6f8fa}
main{max-width:760px;margin:48px auto;padding:0 24px}
h1{font-size:28px;margin:0 0 8px}h2{font-size:18px;margin-top:32px}
.card{background:#fff;border:1px solid #e3e8ee;border-radius:8px;padding:20px 24px;margin:16px 0}
code{background:#eef2f7;padding:1px 5px;border-radius:4px;font-size:14px}
a{color:#5469d4}table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e8ee;font-size:14px}
.m{font-family:ui-monospace,Menlo,monospace;font-weight:600;width:70px}
"""


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<meta name=viewport content='width=device-width,initial-scale=1'><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def routes(settings: Settings) -> list[Route]:
    """The landing page and the API reference."""
    doc_bytes: list[bytes] = []

    def document() -> bytes:
        if not doc_bytes:
            doc_bytes.append(orjson.dumps(openapi_document(settings.public_base_url)))
        return doc_bytes[0]

    async def home(_request: Request) -> Response:
        base = html.escape(settings.public_base_url)
        body = (
            f"<h1>Billfold</h1><p>Billfold {__version__} is running: a self-hosted billing core with a "
            "Stripe-shaped API. Point the official <code>stripe</code> SDK at this server.</p>"
            "<div class=card><h2>What runs here</h2><ul>"
            f"<li>The API at <code>{base}/v1</code> (secret keys as <code>Authorization: Bearer sk_test_…</code>)</li>"
            "<li><a href='/docs/api'>API reference</a> and the machine-readable "
            "<a href='/openapi.json'>OpenAPI document</a></li>"
            "<li>Hosted invoice pages and PDFs at <code>/i/…</code> (each invoice's "
            "<code>hosted_invoice_url</code> and <code>invoice_pdf</code>), where customers can pay</li>"
            "<li>The renewal worker (<code>billfold worker</code>, in-process under <code>billfold demo</code>): "
            "renewals, trial ends, dunning retries and schedule phases as time passes</li>"
            "<li>Coming next: the customer portal pages and the merchant dashboard</li></ul></div>"
            "<div class=card><h2>Use it from Python</h2><pre><code>import stripe\n"
            f'stripe.api_base = "{base}"\nstripe.api_key = "sk_test_…"\n'
            'stripe.Customer.create(email="jenny@example.com")</code></pre></div>'
        )
        return HTMLResponse(_page("Billfold", body))

    async def openapi(_request: Request) -> Response:
        return Response(document(), media_type="application/json")

    async def api_reference(_request: Request) -> Response:
        doc = orjson.loads(document())
        rows = []
        for path, ops in doc["paths"].items():
            for method, op in ops.items():
                rows.append(
                    f"<tr><td class=m>{method.upper()}</td><td><code>{html.escape(path)}</code></td>"
                    f"<td>{html.escape(op.get('summary', ''))}</td></tr>",
                )
        body = (
            "<h1>API reference</h1><p>Every endpoint this server implements, generated from its request "
            "models. Parameters and shapes follow Stripe's API; see <a href='/openapi.json'>/openapi.json</a> "
            "for each parameter's type and limits.</p>"
            "<div class=card><table><tr><th>Method</th><th>Path</th><th>What it does</th></tr>"
            f"{''.join(rows)}</table></div>"
            "<p><a href='/'>Back</a></p>"
        )
        return HTMLResponse(_page("Billfold API reference", body))

    return [
        Route("/", home, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/docs/api", api_reference, methods=["GET"]),
    ]


def not_found(_request: Request, status: int) -> Response:
    """A plain 404/405 page outside the API."""
    return HTMLResponse(
        _page("Not found", "<h1>Not found</h1><p><a href='/'>Billfold home</a></p>"), status_code=status
    )
