"""Running Alembic from code (the CLI, the demo and the tests all migrate this way)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from billfold.db import make_engine

__all__ = ["alembic_config", "migrate"]

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations and ``url``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision``."""
    config = alembic_config(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    finally:
        engine.dispose()
