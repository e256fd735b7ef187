"""The customer portal's rules: configurations, sessions, flows, and what a customer may do."""

from billfold.billing_portal.configurations import (
    configuration_payload,
    create_configuration,
    default_configuration,
    get_configuration,
    list_configurations_query,
    update_configuration,
)
from billfold.billing_portal.sessions import create_session, session_url

__all__ = [
    "configuration_payload",
    "create_configuration",
    "create_session",
    "default_configuration",
    "get_configuration",
    "list_configurations_query",
    "session_url",
    "update_configuration",
]
