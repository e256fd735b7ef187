"""Declaring API endpoints: method, path, request model, handler.

Handlers are plain synchronous functions ``handler(ctx, params, **path) -> dict``; the
pipeline in :mod:`billfold.api.pipeline` runs them inside one unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from billfold.api.params.base import Params

__all__ = ["ApiRouter", "Endpoint", "Handler"]

Handler = Callable[..., dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One API operation."""

    method: str
    path: str
    handler: Handler
    params: type[Params]
    summary: str
    tag: str
    response_object: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class ApiRouter:
    """Collects endpoints in declaration order (specific paths before ``{id}`` paths)."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.endpoints: list[Endpoint] = []

    def _add(
        self, method: str, path: str, params: type[Params], summary: str, obj: str | None
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.endpoints.append(Endpoint(method, path, handler, params, summary, self.tag, obj))
            return handler

        return register

    def get(
        self, path: str, params: type[Params], summary: str, obj: str | None = None
    ) -> Callable[[Handler], Handler]:
        """Register a GET endpoint."""
        return self._add("GET", path, params, summary, obj)

    def post(
        self, path: str, params: type[Params], summary: str, obj: str | None = None
    ) -> Callable[[Handler], Handler]:
        """Register a POST endpoint."""
        return self._add("POST", path, params, summary, obj)

    def delete(
        self, path: str, params: type[Params], summary: str, obj: str | None = None
    ) -> Callable[[Handler], Handler]:
        """Register a DELETE endpoint."""
        return self._add("DELETE", path, params, summary, obj)
