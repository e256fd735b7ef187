"""Accounts and API keys."""

from billfold.accounts.service import (
    account_for_key,
    connected_account_of,
    create_account,
    create_api_key,
    hash_key,
)

__all__ = ["account_for_key", "connected_account_of", "create_account", "create_api_key", "hash_key"]
