"""What every domain operation needs to know about the call it serves."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from billfold.clock import Clock
from billfold.db import Inserter, Unit

__all__ = ["Ctx"]


class Ctx:
    """The current unit of work (its session and connection), the acting account, and the clock.

    ``request_id`` and ``idempotency_key`` are copied onto the events a call writes,
    as Stripe's ``event.request`` does.

    Built from a :class:`~billfold.db.Unit` (the API), the ORM session is made only when
    code first reads ``ctx.session``: a hot read that runs one statement on
    ``ctx.connection`` never pays for it. Built from a ``Session`` (the CLI, tests), both
    come from that session.
    """

    __slots__ = (
        "_unit",
        "account_id",
        "api_version",
        "clock",
        "idempotency_key",
        "public_base_url",
        "request_id",
    )

    def __init__(  # noqa: PLR0917 - positional, as the dataclass it replaces was (callers rely on it)
        self,
        session: Session | Unit,
        account_id: str,
        clock: Clock,
        request_id: str | None = None,
        idempotency_key: str | None = None,
        api_version: str | None = None,
        # Where hosted pages live (hosted invoice URLs, portal links); set from settings.
        public_base_url: str = "http://127.0.0.1:8000",
    ) -> None:
        self._unit = session if isinstance(session, Unit) else Unit.of(session)
        self.account_id = account_id
        self.clock = clock
        self.request_id = request_id
        self.idempotency_key = idempotency_key
        self.api_version = api_version
        self.public_base_url = public_base_url

    @property
    def session(self) -> Session:
        """The unit's ORM session (made at first use)."""
        return self._unit.session

    @property
    def connection(self) -> Connection:
        """The unit's connection, inside the unit's transaction (for Core and driver-level reads)."""
        return self._unit.connection

    def append(self, insert: Inserter, row: dict[str, Any]) -> None:
        """Insert ``row`` now or with the unit's commit group (see :meth:`billfold.db.Unit.append`)."""
        self._unit.append(insert, row)

    def appended(self, insert: Inserter) -> list[dict[str, Any]]:
        """The rows appended with ``insert`` in this unit and not yet inserted."""
        return self._unit.appended(insert)

    def waiting(self, insert: Inserter) -> list[dict[str, Any]]:
        """The rows appended with ``insert`` in this unit's commit group and not yet inserted."""
        return self._unit.waiting(insert)

    def savepoint(self) -> AbstractContextManager[None]:
        """A savepoint in the unit (see :meth:`billfold.db.Unit.savepoint`)."""
        return self._unit.savepoint()

    def __repr__(self) -> str:
        return f"Ctx(account_id={self.account_id!r}, request_id={self.request_id!r})"
