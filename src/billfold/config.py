"""Settings, read once from the environment (prefix ``BILLFOLD_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """Process-wide configuration; every field can be set as ``BILLFOLD_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="BILLFOLD_", env_file=None)

    database_url: str = "sqlite:///var/billfold.db"
    # Keys are stored as HMAC-SHA256(secret_key, key); changing it invalidates every API key.
    secret_key: str = "billfold-development-secret-change-me"  # noqa: S105 - a development default, documented
    public_base_url: str = "http://127.0.0.1:8000"
    # How long an idempotency key's stored response is replayed (Stripe keeps them 24 h).
    idempotency_ttl_hours: int = 24
    api_version: str = "2026-10-28"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment, read once per process."""
    return Settings()
