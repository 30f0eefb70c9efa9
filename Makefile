# The data-protection assistant. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
export PYTHON

.PHONY: help install lint browser services model run test test-unit validate evaluate-nlu bench-chat lock clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: ## create .venv from a Python 3.10 and install the locked dependencies (only when missing or changed)
	@scripts/setup.sh

model: install ## train the Rasa model, only when data/, domain.yml or config.yml changed
	@$(PY) -m bot train

run: model ## start Rasa (:5005), the action server (:5055) and the web app (:8080); Ctrl-C stops all
	@$(PY) -m bot run

browser: ## install Debian's Chromium and axe-core for the browser tests (only when missing)
	@scripts/setup-browser.sh

services: ## install Debian's redis-server for the tests that start one (only when missing)
	@scripts/setup-services.sh

lint: install ## ruff (lint and import order), mypy over bot/ and actions/, no import cycles
	@$(VENV)/bin/ruff check bot actions tests scripts
	@$(VENV)/bin/mypy
	@$(PY) scripts/check-import-cycles.py

test: lint model browser services ## lint, install what is missing, train if needed, run every test (pytest, rasa data validate, test stories, browser)
	@scripts/run-tests.sh

test-unit: install ## only the fast tests (no trained model, no servers)
	@$(PY) -m pytest -m "not e2e" -q

validate: install ## check the Rasa training data and domain for mistakes
	@$(PY) scripts/validate-data.py

evaluate-nlu: install ## cross-validate the NLU pipeline candidates (5 folds) and rewrite docs/nlu-evaluation.md
	@$(PY) -m bot.trainers.crossval

bench-chat: model ## residents held with p95 < 1 s, 1 Rasa worker vs RASA_WORKERS (BENCH_ARGS=--quick for a smoke run); rewrites its section of docs/benchmarks.md
	@$(PY) -m bot.tools.bench_chat $(BENCH_ARGS)

lock: ## re-resolve dependencies from pyproject.toml and rewrite constraints.txt
	@scripts/lock.sh

clean: ## remove trained models, test results and local state (not .venv)
	rm -rf models results var .pytest_cache
