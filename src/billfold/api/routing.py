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
    # The handler's appended rows (events, portal sessions) may wait for its commit group
    # (billfold.db, ``batch_appends``): it never reads back or changes what it appends.
    batch_appends: bool = False


class ApiRouter:
    """Collects endpoints in declaration order (specific paths before ``{id}`` paths)."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.endpoints: list[Endpoint] = []

    def _add(
        self,
        method: str,
        path: str,
        params: type[Params],
        summary: str,
        obj: str | None,
        *,
        batch_appends: bool = False,
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            endpoint = Endpoint(method, path, handler, params, summary, self.tag, obj, batch_appends=batch_appends)
            self.endpoints.append(endpoint)
            return handler

        return register

    def get(
        self, path: str, params: type[Params], summary: str, obj: str | None = None
    ) -> Callable[[Handler], Handler]:
        """Register a GET endpoint."""
        return self._add("GET", path, params, summary, obj)

    def post(
        self, path: str, params: type[Params], summary: str, obj: str | None = None, *, batch_appends: bool = False
    ) -> Callable[[Handler], Handler]:
        """Register a POST endpoint (``batch_appends``: see :class:`Endpoint`)."""
        return self._add("POST", path, params, summary, obj, batch_appends=batch_appends)

    def delete(
        self, path: str, params: type[Params], summary: str, obj: str | None = None
    ) -> Callable[[Handler], Handler]:
        """Register a DELETE endpoint."""
        return self._add("DELETE", path, params, summary, obj)
