"""Alembic environment: runs against the URL billfold.migrate passes in."""

from __future__ import annotations

from typing import Any

from alembic import context
from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.operations import ops

from billfold.db import make_engine
from billfold.models import Base
from billfold.models.base import COMPRESSION

config = context.config
target_metadata = Base.metadata


class SetCompressionOp(ops.MigrateOperation):
    """Autogenerate only: a column's TOAST compression on PostgreSQL (``info[COMPRESSION]`` in the models)."""

    def __init__(self, table: str, column: str, method: str) -> None:
        self.table, self.column, self.method = table, column, method


@renderers.dispatch_for(SetCompressionOp)
def _render_set_compression(_context: AutogenContext, op: SetCompressionOp) -> list[str]:
    # Only where the server was built with the method (pg_settings lists it), so a build
    # without lz4, or a PostgreSQL before 14, keeps its default instead of failing.
    sql = (
        "DO $$ BEGIN IF EXISTS (SELECT FROM pg_settings WHERE name = 'default_toast_compression' "
        f"AND '{op.method}' = ANY (enumvals)) THEN EXECUTE 'ALTER TABLE {op.table} ALTER COLUMN {op.column} "
        f"SET COMPRESSION {op.method}'; END IF; END $$"
    )
    return [
        'if op.get_bind().dialect.name == "postgresql":',
        f"# {op.table}.{op.column}: {op.method} compression where the server has it",
        f"op.execute({sql!r})",
        "",
    ]


def _with_compression(_context: object, _revision: object, directives: list[Any]) -> None:
    """After each new table, the compression its columns ask for (regenerated with the migration)."""
    for script in directives:
        upgrade: list[Any] = []
        for op in script.upgrade_ops.ops:
            upgrade.append(op)
            if isinstance(op, ops.CreateTableOp) and op.table_name in target_metadata.tables:
                table = target_metadata.tables[op.table_name]
                upgrade.extend(
                    SetCompressionOp(table.name, column.name, column.info[COMPRESSION])
                    for column in table.columns
                    if COMPRESSION in column.info
                )
        script.upgrade_ops.ops[:] = upgrade


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
        process_revision_directives=_with_compression,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    msg = "offline migrations are not supported"
    raise SystemExit(msg)
run_migrations_online()
