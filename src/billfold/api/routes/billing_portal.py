"""``/v1/billing_portal/configurations`` and ``/v1/billing_portal/sessions``."""

from __future__ import annotations

from typing import Any

from billfold import billing_portal
from billfold.api.expand import EXPANDERS
from billfold.api.listing import paginate
from billfold.api.params.billing_portal import (
    ConfigurationCreate,
    ConfigurationList,
    ConfigurationRetrieve,
    ConfigurationUpdate,
    SessionCreate,
)
from billfold.api.routing import ApiRouter
from billfold.context import Ctx
from billfold.models import PortalConfiguration

router = ApiRouter("Customer portal")

_CONFIGURATIONS = "/v1/billing_portal/configurations"


def _configuration(ctx: Ctx, value: Any, holder: dict[str, Any]) -> Any:  # noqa: ANN401
    return billing_portal.configuration_payload(ctx, billing_portal.get_configuration(ctx, value))


EXPANDERS.setdefault("billing_portal.session", {})["configuration"] = _configuration


@router.post(_CONFIGURATIONS, ConfigurationCreate, "Create a portal configuration", "billing_portal.configuration")
def create_configuration(ctx: Ctx, params: ConfigurationCreate) -> dict[str, Any]:
    configuration = billing_portal.create_configuration(ctx, params.given())
    return billing_portal.configuration_payload(ctx, configuration)


@router.get(_CONFIGURATIONS, ConfigurationList, "List portal configurations", "list")
def list_configurations(ctx: Ctx, params: ConfigurationList) -> dict[str, Any]:
    return paginate(
        ctx,
        PortalConfiguration,
        billing_portal.list_configurations_query(ctx, params.given()),
        limit=params.limit,
        starting_after=params.starting_after,
        ending_before=params.ending_before,
        serialize=lambda c: billing_portal.configuration_payload(ctx, c),
        url=_CONFIGURATIONS,
        kind="configuration",
    )


@router.get(
    f"{_CONFIGURATIONS}/{{configuration}}",
    ConfigurationRetrieve,
    "Retrieve a portal configuration",
    "billing_portal.configuration",
)
def retrieve_configuration(ctx: Ctx, params: ConfigurationRetrieve, configuration: str) -> dict[str, Any]:
    found = billing_portal.get_configuration(ctx, configuration)
    return billing_portal.configuration_payload(ctx, found)


@router.post(
    f"{_CONFIGURATIONS}/{{configuration}}",
    ConfigurationUpdate,
    "Update a portal configuration",
    "billing_portal.configuration",
)
def update_configuration(ctx: Ctx, params: ConfigurationUpdate, configuration: str) -> dict[str, Any]:
    updated = billing_portal.update_configuration(ctx, configuration, params.given())
    return billing_portal.configuration_payload(ctx, updated)


@router.post(
    "/v1/billing_portal/sessions",
    SessionCreate,
    "Create a portal session",
    "billing_portal.session",
    batch_appends=True,  # it appends the session and its event, and reads neither back
)
def create_session(ctx: Ctx, params: SessionCreate) -> dict[str, Any]:
    return billing_portal.create_session(ctx, params.given())
