"""Alembic environment: runs against the URL billfold.migrate passes in."""

from __future__ import annotations

from alembic import context

from billfold.db import make_engine
from billfold.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations on a live connection (SQLite in batch mode so ALTERs work)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    msg = "offline migrations are not supported"
    raise SystemExit(msg)
run_migrations_online()
