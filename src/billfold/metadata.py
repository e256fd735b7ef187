"""Stripe's metadata semantics, shared by every object that has metadata."""

from __future__ import annotations

from billfold.errors import InvalidRequestError

__all__ = ["merge_metadata"]

MAX_KEYS = 50


def merge_metadata(current: dict[str, str] | None, given: dict[str, str] | None) -> dict[str, str]:
    """Apply an update: ``None`` (``metadata=""``) clears all, ``""`` values delete keys."""
    if given is None:
        return {}
    merged = dict(current or {})
    for key, value in given.items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    if len(merged) > MAX_KEYS:
        raise InvalidRequestError(
            f"Invalid metadata: metadata cannot have more than {MAX_KEYS} keys",
            code="parameter_invalid_metadata",
            param="metadata",
        )
    return merged
