# iom-graph: the two commands of the README, and a few helpers.
#   make run   - install what is needed, then serve GraphiQL on a seeded SQLite database
#   make test  - install what is needed (incl. PostgreSQL, Chromium, node packages), lint,
#                type-check and run the whole test suite on SQLite and PostgreSQL
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest services schema bench load upgrade-check fuzz clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		(echo "iom-graph needs Python 3.11 or newer" >&2; exit 1)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# -qq: setuptools' notice on every editable install ("Editable installation... Please be
	@# careful with folders...") reads like a fault to a newcomer; errors are still shown.
	$(BIN)/python -m pip install -qq -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/python server.py

test: $(STAMP) services lint typecheck pytest

services:
	@.ci/services

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy .

# Two processes (pytest-xdist), a test file's tests in one of them (their module fixtures are
# built once); each process has a Redis database of its own (tests/shared_redis.py).
pytest: $(STAMP)
	$(BIN)/python -m pytest --numprocesses 2 --dist loadfile

schema: $(STAMP)
	$(BIN)/python -m schema

bench: $(STAMP)
	$(BIN)/python -m benchmark

load: $(STAMP)
	$(BIN)/python -m benchmark.load

# Scheduled, not part of `test`: the planned executor's tests on the newest graphql-core and
# strawberry-graphql releases, in a fresh venv (schema/execution/README.md, "Upgrades").
upgrade-check:
	@.ci/upgrade-check

# Scheduled, not part of `test`: the property-based tests with ten times the examples, drawn
# afresh each run (hypothesis profile `deep`, tests/generated.py).
fuzz:
	@.ci/fuzz

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache tests/audit/node_modules tests/federation/node_modules
