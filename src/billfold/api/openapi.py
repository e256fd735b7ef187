"""The served OpenAPI document.

Generated from the endpoints and their request models, so it can only describe what exists.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic.json_schema import models_json_schema

from billfold import __version__
from billfold.api.app import endpoints

__all__ = ["openapi_document"]

_PATH_PARAM = re.compile(r"{(\w+)}")

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["type", "message"],
            "properties": {
                "type": {
                    "type": "string",
                    "enum": ["api_error", "card_error", "idempotency_error", "invalid_request_error"],
                },
                "code": {"type": "string"},
                "decline_code": {"type": "string"},
                "message": {"type": "string"},
                "param": {"type": "string"},
                "doc_url": {"type": "string"},
            },
        },
    },
}


def _query_parameters(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": prop,
            "style": "deepObject",
            "explode": True,
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def openapi_document(server_url: str) -> dict[str, Any]:
    """OpenAPI 3.1 for every implemented endpoint."""
    eps = endpoints()
    models = list({ep.params for ep in eps})
    keyed, defs = models_json_schema(
        [(m, "validation") for m in models],
        ref_template="#/components/schemas/{model}",
    )
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    schemas["error"] = _ERROR
    paths: dict[str, dict[str, Any]] = {}
    for ep in eps:
        model_schema = keyed[(ep.params, "validation")]
        ref_name = model_schema["$ref"].rsplit("/", 1)[-1]
        body = schemas[ref_name]
        op: dict[str, Any] = {
            "summary": ep.summary,
            "operationId": f"{ep.method}{ep.path}".replace("/", "_").replace("{", "").replace("}", ""),
            "tags": [ep.tag],
            "parameters": [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string", "maxLength": 5000}}
                for name in _PATH_PARAM.findall(ep.path)
            ],
            "responses": {
                "200": {
                    "description": f"The {ep.response_object or 'result'} object.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "default": {
                    "description": "Error response.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/error"}}},
                },
            },
        }
        if ep.method == "POST":
            op["requestBody"] = {
                "required": bool(body.get("required")),
                "content": {
                    "application/x-www-form-urlencoded": {"schema": {"$ref": f"#/components/schemas/{ref_name}"}},
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{ref_name}"}},
                },
            }
        else:
            op["parameters"] += _query_parameters(body)
        paths.setdefault(ep.path, {})[ep.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Billfold API",
            "version": __version__,
            "description": "A Stripe-shaped billing API. Authenticate with `Authorization: Bearer sk_test_...`.",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}, {"basicAuth": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "basicAuth": {"type": "http", "scheme": "basic"},
            },
        },
    }
