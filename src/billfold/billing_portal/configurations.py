"""Rules for portal configurations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.exc import IntegrityError

from billfold.billing_portal.defaults import blank_features, seed_business_profile, seed_features
from billfold.billing_portal.features import apply_features, check_url
from billfold.context import Ctx
from billfold.errors import InvalidRequestError, ResourceMissingError
from billfold.events import diff, record_event
from billfold.ids import new_id, random_token
from billfold.metadata import merge_metadata
from billfold.models import PortalConfiguration
from billfold.objects.billing_portal import configuration_object

__all__ = [
    "configuration_payload",
    "create_configuration",
    "default_configuration",
    "get_configuration",
    "list_configurations_query",
    "update_configuration",
]

_URL_FIELDS = ("privacy_policy_url", "terms_of_service_url")


def configuration_payload(ctx: Ctx, configuration: PortalConfiguration) -> dict[str, Any]:
    """The configuration as the API shows it, with URLs on this server's public address."""
    return configuration_object(configuration, ctx.public_base_url)


def get_configuration(ctx: Ctx, configuration_id: str, *, param: str | None = "configuration") -> PortalConfiguration:
    """A configuration of this account, or 404."""
    configuration = ctx.session.scalars(
        select(PortalConfiguration).where(
            PortalConfiguration.account_id == ctx.account_id, PortalConfiguration.id == configuration_id
        ),
    ).one_or_none()
    if configuration is None:
        raise ResourceMissingError("configuration", configuration_id, param=param)
    return configuration


def default_configuration(ctx: Ctx) -> PortalConfiguration:
    """The account's default configuration; the seed's defaults are saved first if it has none."""
    stmt = select(PortalConfiguration).where(
        PortalConfiguration.account_id == ctx.account_id, PortalConfiguration.is_default
    )
    found = ctx.session.scalars(stmt).one_or_none()
    if found is not None:
        return found
    now = ctx.clock.now()
    configuration = PortalConfiguration(
        id=new_id("bpc"),
        account_id=ctx.account_id,
        created=now,
        updated=now,
        active=True,
        is_default=True,
        business_profile=seed_business_profile(),
        features=seed_features(),
        metadata_={},
    )
    # Two first sessions at once: the unique default index lets one insert win; the other reads it.
    try:
        with ctx.session.begin_nested():
            ctx.session.add(configuration)
    except IntegrityError:
        return ctx.session.scalars(stmt).one()
    record_event(ctx, "billing_portal.configuration.created", configuration_payload(ctx, configuration))
    return configuration


def _business_profile(current: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    profile = {**seed_business_profile(), **current}
    for field, value in given.items():
        profile[field] = check_url(value, f"business_profile[{field}]") if field in _URL_FIELDS else value
    return profile


def _login_page_token(current: str | None, given: dict[str, Any] | None) -> str | None:
    """Kept while enabled; dropped when disabled, so enabling again gives a new URL."""
    if given is None:
        return current
    if not given["enabled"]:
        return None
    return current or random_token(24)


def create_configuration(ctx: Ctx, data: dict[str, Any]) -> PortalConfiguration:
    """A new configuration; the account's first one becomes its default."""
    has_any = ctx.session.scalar(select(exists().where(PortalConfiguration.account_id == ctx.account_id)))
    now = ctx.clock.now()
    configuration = PortalConfiguration(
        id=new_id("bpc"),
        account_id=ctx.account_id,
        created=now,
        updated=now,
        active=True,
        is_default=not has_any,
        name=data.get("name"),
        default_return_url=check_url(data.get("default_return_url"), "default_return_url"),
        business_profile=_business_profile({}, data.get("business_profile") or {}),
        features=apply_features(ctx, blank_features(), data["features"]),
        login_page_token=_login_page_token(None, data.get("login_page")),
        metadata_=merge_metadata({}, data.get("metadata") or {}),
    )
    ctx.session.add(configuration)
    ctx.session.flush()
    record_event(ctx, "billing_portal.configuration.created", configuration_payload(ctx, configuration))
    return configuration


def update_configuration(ctx: Ctx, configuration_id: str, data: dict[str, Any]) -> PortalConfiguration:
    """Apply the given fields; emits ``billing_portal.configuration.updated`` with what changed."""
    configuration = get_configuration(ctx, configuration_id, param="configuration")
    before = configuration_payload(ctx, configuration)
    if data.get("active") is not None:
        if configuration.is_default and not data["active"]:
            raise InvalidRequestError(
                "The default configuration cannot be deactivated. Make another configuration the default first.",
                param="active",
            )
        configuration.active = data["active"]
    if "name" in data:
        configuration.name = data["name"]
    if "default_return_url" in data:
        configuration.default_return_url = check_url(data["default_return_url"], "default_return_url")
    if "business_profile" in data:
        configuration.business_profile = _business_profile(configuration.business_profile, data["business_profile"])
    if data.get("features") is not None:
        configuration.features = apply_features(ctx, configuration.features, data["features"])
    if "login_page" in data:
        configuration.login_page_token = _login_page_token(configuration.login_page_token, data["login_page"])
    if "metadata" in data:
        configuration.metadata_ = merge_metadata(configuration.metadata_, data["metadata"])
    after = configuration_payload(ctx, configuration)
    if after != before:
        configuration.updated = ctx.clock.now()
        ctx.session.flush()
        after = configuration_payload(ctx, configuration)
        record_event(ctx, "billing_portal.configuration.updated", after, diff(before, after))
    return configuration


def list_configurations_query(ctx: Ctx, filters: dict[str, Any]) -> Select[PortalConfiguration]:
    """Configurations of this account matching the list filters."""
    stmt = select(PortalConfiguration).where(PortalConfiguration.account_id == ctx.account_id)
    if filters.get("active") is not None:
        stmt = stmt.where(PortalConfiguration.active == filters["active"])
    if filters.get("is_default") is not None:
        stmt = stmt.where(PortalConfiguration.is_default == filters["is_default"])
    return stmt
