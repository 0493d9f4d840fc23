# Two commands on a fresh machine (Python 3.11+ and make): `make demo`, `make test`.
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .tools/bin/uv
endif
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-fast prepare build ui lint fmt docs bench clean

# uv is bootstrapped with pip into .tools/ when it is not on PATH
.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

demo: $(VENV)/.synced
	$(BIN)/warehouse demo

test: $(VENV)/.synced
	$(BIN)/pytest

# the unit tier for the inner loop (under 2 minutes on 2 cores): no end-to-end builds, Dagster runs,
# dbt, worker processes, servers, browsers or real data; `make test` (CI) runs everything
test-fast: $(VENV)/.synced
	$(BIN)/pytest -m "not slow and not integration and not realdata and not browser" -n 2 -q

# the dbt manifest the Dagster code location loads (`warehouse build`, `demo` and `ui` do it too)
prepare: $(VENV)/.synced
	$(BIN)/warehouse prepare

ui: $(VENV)/.synced
	$(BIN)/warehouse ui

lint: $(VENV)/.synced
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/ruff format --check .
	cd dbt_project && ../$(BIN)/sqlfluff lint models

fmt: $(VENV)/.synced
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

docs: $(VENV)/.synced
	cd dbt_project && WAREHOUSE_DUCKDB=$(CURDIR)/data/working/warehouse.duckdb ../$(BIN)/dbt docs generate --profiles-dir .

bench: $(VENV)/.synced
	$(BIN)/python -m bench

clean:
	rm -rf data/landing data/working data/serving data/inbox data/dagster_home reports dbt_project/target
