# Two commands matter: `make run` and `make test`. Both create .venv and install on first use.
PYTHON ?= python3
# pipefail: an install that fails fails the target, even when its output is filtered.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEV_INSTALLED := $(VENV)/.installed-dev

.PHONY: run test lint bench validate clean

# pip prints one line per package as it goes, so the first run shows its progress.
PIP_INSTALL := $(BIN)/python -m pip install --disable-pip-version-check --progress-bar off

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "mentorbot needs Python 3.11 or newer (set PYTHON=python3.11)")'
	@echo "Creating .venv and installing mentorbot into it (first run only, about a minute)..."
	$(PYTHON) -m venv $(VENV)
	@$(PIP_INSTALL) -q --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	@$(PIP_INSTALL) -e . | awk '/^(Collecting|Successfully)/ { print; fflush() }'
	@touch $@

$(DEV_INSTALLED): pyproject.toml | $(BIN)/python
	@$(PIP_INSTALL) -e '.[dev]' | awk '/^(Collecting|Successfully)/ { print; fflush() }'
	@touch $@ $(INSTALLED)

run: $(INSTALLED)
	@$(BIN)/mentorbot run

# One test process per core (at most four): most tests wait on subprocesses, sockets and the
# databases, so two processes on two cores take about half the time of one.
test: $(DEV_INSTALLED)
	$(BIN)/python -m pytest --numprocesses auto --maxprocesses 4

lint: $(DEV_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

validate: $(INSTALLED)
	$(BIN)/mentorbot content validate content

# Delivery fan-out at 100,000 members: SQLite in one process, then PostgreSQL with one, two and
# four worker processes (MENTORBOT_BENCH_DATABASE_URL, or a mentorbot_bench database on the
# local server, created if missing); commands; the mentor; start-up; Discord and Slack against
# local stand-ins.
# Numbers and how to read them: docs/performance.md.
BENCH_DATABASE_URL ?= $(or $(MENTORBOT_BENCH_DATABASE_URL),postgresql+asyncpg://postgres@127.0.0.1:5432/mentorbot_bench)

bench: $(INSTALLED)
	$(BIN)/mentorbot bench fanout --members 100000
	$(BIN)/mentorbot bench fanout --members 100000 --workers 1 --database "$(BENCH_DATABASE_URL)"
	$(BIN)/mentorbot bench fanout --members 100000 --workers 2 --database "$(BENCH_DATABASE_URL)"
	$(BIN)/mentorbot bench fanout --members 100000 --workers 4 --database "$(BENCH_DATABASE_URL)"
	$(BIN)/mentorbot bench commands --concurrency 50
	$(BIN)/mentorbot bench commands --concurrency 50 --rate 50
	$(BIN)/mentorbot bench commands --concurrency 50 --database "$(BENCH_DATABASE_URL)"
	$(BIN)/mentorbot bench commands --concurrency 50 --rate 50 --database "$(BENCH_DATABASE_URL)"
	$(BIN)/python -m bot.bench.mentor
	$(BIN)/python -m bot.bench.startup
	$(BIN)/mentorbot bench discord
	$(BIN)/mentorbot bench slack

clean:
	rm -rf $(VENV) .pytest_cache
