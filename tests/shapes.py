"""Compare our serialised objects with Stripe's current shapes (the reference file)."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["shape_problems"]

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "stripe-current-shapes.json"
_SCALARS: dict[str, type | tuple[type, ...]] = {"string": str, "integer": int, "boolean": bool, "number": (int, float)}


@cache
def _objects() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REFERENCE.read_text())
    return dict(data["objects"])


def _type_ok(node: dict[str, Any], value: Any) -> bool:  # noqa: PLR0911 - one answer per shape kind
    kind = str(node.get("type", "any"))
    if value is None:
        return bool(node.get("nullable"))
    if node.get("expandable") and isinstance(value, (str, dict)):
        return True
    if node.get("format") == "decimal":
        # Stripe sends decimals as strings; the SDK's to_dict() turns them into Decimal.
        return isinstance(value, (str, Decimal))
    if "|" in kind:
        return any(_type_ok({**node, "type": k}, value) for k in kind.split("|"))
    if kind in _SCALARS:
        if kind != "boolean" and isinstance(value, bool):
            return False
        return isinstance(value, _SCALARS[kind])
    if kind in {"object", "untyped"} or kind.startswith("map<"):
        return isinstance(value, dict)
    if kind in {"list", "list_object"}:
        return isinstance(value, (list, dict))
    return True  # references to other resources, unions of objects


def _walk(node: dict[str, Any], value: dict[str, Any], path: str, problems: list[str]) -> None:
    fields: dict[str, Any] = node.get("fields", {})
    for key, item in value.items():
        if key not in fields:
            problems.append(f"{path}{key}: not in Stripe's shape")
            continue
        if not _type_ok(fields[key], item):
            problems.append(f"{path}{key}: {item!r} is not {fields[key].get('type')}")
        elif isinstance(item, dict) and "fields" in fields[key] and "object" not in item:
            _walk(fields[key], item, f"{path}{key}.", problems)
    for key, spec in fields.items():
        if key not in value and not spec.get("nullable") and key != "deleted":
            problems.append(f"{path}{key}: missing (Stripe always sends it)")


def shape_problems(obj: dict[str, Any], shape: str) -> list[str]:
    """Every way ``obj`` differs from the reference shape named ``shape``."""
    problems: list[str] = []
    _walk(_objects()[shape], obj, "", problems)
    return problems
