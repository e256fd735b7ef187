#!/usr/bin/env bash
# Until the first release, the schema lives in one initial migration regenerated from
# the models: autogenerate against an empty SQLite database.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f migrations/versions/0001_initial.py
.venv/bin/python - "$tmp/empty.db" <<'PY'
import sys
from alembic import command
from billfold.migrate import alembic_config
config = alembic_config(f"sqlite:///{sys.argv[1]}")
command.revision(config, message="initial schema", autogenerate=True, rev_id="0001")
PY
mv migrations/versions/0001_initial_schema.py migrations/versions/0001_initial.py
.venv/bin/ruff format -q migrations/versions/0001_initial.py || true
rm -rf "$tmp"
