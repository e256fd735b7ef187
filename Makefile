# Billfold's commands. Everything a fresh machine needs is installed from here.
VENV      := .venv
PY        := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
export BILLFOLD_DATABASE_URL ?= sqlite:///var/billfold-demo.db

.PHONY: install dev demo serve test lint bench bench-renewals clean migration

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test,lint]'
	touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)

dev: $(DEV_STAMP)

## make demo: migrate a SQLite database under var/, seed the demo account, serve on :8000
demo: $(RUN_STAMP)
	$(VENV)/bin/billfold demo

serve: $(RUN_STAMP)
	$(VENV)/bin/billfold serve

## make test: the whole suite (SQLite, plus PostgreSQL when BILLFOLD_TEST_DATABASE_URL is set)
test: $(DEV_STAMP)
	$(VENV)/bin/pytest -n 2 --dist loadfile -q -p no:cacheprovider

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check src tests benchmarks migrations
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

## make bench: API throughput as ratios of a bare Starlette baseline (wrk if installed; see benchmarks/README.md)
bench: $(RUN_STAMP)
	$(PY) benchmarks/api.py

## make bench-renewals: the worker renewing N subscriptions vs one set-based UPDATE, on PostgreSQL
##   (BILLFOLD_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres; N=100000 by default)
BENCH_N ?= 100000
bench-renewals: $(RUN_STAMP)
	$(PY) benchmarks/renewals.py --n $(BENCH_N)

## make migration: regenerate the initial migration from the models (until the first release)
migration: $(DEV_STAMP)
	./scripts/regenerate-initial-migration.sh

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
