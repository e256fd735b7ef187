"""Creating portal sessions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import orjson
from sqlalchemy import Table, and_, bindparam, select

from billfold.accounts import connected_account_of
from billfold.billing_portal.configurations import default_configuration
from billfold.billing_portal.features import check_url
from billfold.billing_portal.flows import build_flow
from billfold.billing_portal.tokens import OPEN_WITHIN, new_token
from billfold.context import Ctx
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.events import record_event
from billfold.ids import new_id
from billfold.models import Customer, PortalConfiguration, PortalSession
from billfold.objects.billing_portal import session_object
from billfold.rows import FastInsert, FastQuery, TableRows

__all__ = ["create_session", "session_url"]

# What an event shows in place of the token (underscores never occur in tokens).
_REDACTED = "_redacted_"


def session_url(base_url: str, token: str) -> str:
    """Where the customer opens the portal."""
    return f"{base_url}/p/session/{token}"


@dataclass(frozen=True, slots=True)
class _Configuration:
    """What a session needs of its configuration."""

    id: str
    default_return_url: str | None
    raw_features: Any  # as the driver returned it (parsed only when a flow is checked)

    @property
    def features(self) -> dict[str, Any]:
        """The configuration's ``features``."""
        return _json(self.raw_features)  # type: ignore[no-any-return]


# Hot path: one statement, compiled once per dialect and run on the driver (billfold.rows),
# finds the live customer and, beside it, the configuration (the given one or the default);
# no ORM entity is loaded or written.
_CFG = PortalConfiguration.__table__
_CUS = Customer.__table__
_CUSTOMER_AND_CONFIGURATION = {
    given: FastQuery(
        select(_CUS.c.id, _CFG.c.id, _CFG.c.active, _CFG.c.default_return_url, _CFG.c.features)
        .select_from(
            _CUS.outerjoin(
                _CFG,
                and_(
                    _CFG.c.account_id == _CUS.c.account_id,
                    _CFG.c.id == bindparam("configuration_id") if given else _CFG.c.is_default,
                ),
            )
        )
        .where(
            _CUS.c.account_id == bindparam("account_id"),
            _CUS.c.id == bindparam("customer_id"),
            _CUS.c.deleted_at.is_(None),
        )
    )
    for given in (True, False)
}
_SESSION_ROW: Any = TableRows(cast("Table", PortalSession.__table__), "PortalSessionRow").row_type
_INSERT = FastInsert(
    cast("Table", PortalSession.__table__), [c.key for c in PortalSession.__table__.c if c.key != "pk"]
)


def _json(value: Any) -> Any:  # noqa: ANN401 - a JSON column as the driver returns it
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _customer_and_configuration(ctx: Ctx, customer_id: str, configuration_id: str | None) -> _Configuration:
    """Check the customer is live (404 naming ``customer``) and find the configuration.

    The given configuration (404, or 400 when inactive), else the default (made on first use).
    """
    params = {"account_id": ctx.account_id, "customer_id": customer_id, "configuration_id": configuration_id}
    rows = _CUSTOMER_AND_CONFIGURATION[configuration_id is not None].rows(ctx.connection, params)
    if not rows:
        raise ResourceMissingError("customer", customer_id, param="customer")
    _customer, found_id, active, default_return_url, features = rows[0]
    if found_id is None and configuration_id is None:
        made = default_configuration(ctx)
        return _Configuration(made.id, made.default_return_url, made.features)
    if found_id is None:
        raise ResourceMissingError("configuration", str(configuration_id), param="configuration")
    if not active:
        raise InvalidRequestError(
            f"The configuration '{found_id}' is not active. Activate it, or use an active configuration.",
            param="configuration",
        )
    return _Configuration(found_id, default_return_url, features)


def _on_behalf_of(ctx: Ctx, account_id: str | None) -> str | None:
    if account_id is not None and not connected_account_of(ctx.session, ctx.account_id, account_id):
        raise InvalidRequestError(f"'{account_id}' is not an account connected to your platform.", param="on_behalf_of")
    return account_id


def _after_expiration(ctx: Ctx, given: dict[str, Any] | None) -> dict[str, Any] | None:
    if given is None:
        return None
    deadline = (given.get("customer_login") or {}).get("expires_at")
    if deadline is not None and deadline <= ctx.clock.now().timestamp():
        raise InvalidRequestError(
            "expires_at must be in the future.", param="after_expiration[customer_login][expires_at]"
        )
    return {"customer_login": {"expires_at": deadline}, "type": given["type"]}


def create_session(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
    """A new portal session, as the API shows it: its ``url`` is the token's only copy."""
    if data.get("customer_account") is not None:
        raise InvalidRequestError(
            "customer_account (Accounts v2) is not supported by Billfold; pass customer, the ID of a customer.",
            param="customer_account",
        )
    if data.get("customer") is None:
        raise InvalidRequestError("Missing required param: customer.", code="parameter_missing", param="customer")
    customer_id = data["customer"]
    flow_data = data.get("flow_data")
    configuration = _customer_and_configuration(ctx, customer_id, data.get("configuration"))
    on_behalf_of = _on_behalf_of(ctx, data.get("on_behalf_of"))
    return_url = check_url(data.get("return_url"), "return_url") or configuration.default_return_url
    flow = None
    if flow_data is not None:
        flow = build_flow(ctx, configuration.features, customer_id, flow_data, on_behalf_of=on_behalf_of)
    session_id = new_id("bps")
    token, token_hash = new_token(session_id)
    now = ctx.clock.now()
    values = {
        "id": session_id,
        "account_id": ctx.account_id,
        "created": now,
        "customer_id": customer_id,
        "configuration_id": configuration.id,
        "token_hash": token_hash,
        "expires_at": now + OPEN_WITHIN,
        "opened_at": None,
        "cookie_hash": None,
        "last_seen_at": None,
        "revoked_at": None,
        "locale": data.get("locale"),
        "return_url": return_url,
        "on_behalf_of": on_behalf_of,
        "flow": flow,
        "after_expiration": _after_expiration(ctx, data.get("after_expiration")),
    }
    ctx.append(_INSERT, values)
    shown = session_object(_SESSION_ROW(pk=None, **values), session_url(ctx.public_base_url, token))
    # The event shows the session without its token: tokens are never stored in the clear.
    record_event(ctx, "billing_portal.session.created", {**shown, "url": session_url(ctx.public_base_url, _REDACTED)})
    return shown
