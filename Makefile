# Tidtam: the two commands are `make run` and `make test`. `make help` lists the rest.
#
# Everything installs into ./.venv from the committed uv.lock. uv itself is used from PATH
# when present, otherwise bootstrapped once into ./.tools (pip install uv).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON      ?= python3
UV_VERSION  ?= 0.13.9
TOOLS       := $(CURDIR)/.tools
VENV        := $(CURDIR)/.venv
VPY         := $(VENV)/bin/python
# uv from PATH if there is one, else the bootstrapped copy.
UV          ?= $(or $(shell command -v uv 2>/dev/null),$(TOOLS)/bin/uv)
STAMP       := $(VENV)/.tidtam-installed
LOCK        := $(wildcard uv.lock)
PROJECTS    := pyproject.toml libs/contracts/pyproject.toml libs/crmkit/pyproject.toml services/leads/pyproject.toml \
               services/accounts/pyproject.toml services/notifications/pyproject.toml \
               services/activities/pyproject.toml services/documents/pyproject.toml \
               services/capture/pyproject.toml services/insights/pyproject.toml \
               gateway/pyproject.toml

# uv: the project's venv, no interpreter downloads (only PyPI is reachable here), copy
# instead of hard links (the cache may be on another filesystem), the system CA store (a
# TLS-intercepting proxy's CA is trusted there, not in uv's bundled roots).
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS ?= never
export UV_LINK_MODE ?= copy
export UV_SYSTEM_CERTS ?= 1

# The web UI's type checker (TypeScript over the JSDoc of its modules) and axe-core (the browser
# accessibility test's checker), pinned in package.json and package-lock.json, installed by
# `make lint` and `make test` into ./node_modules with npm.
NODE_STAMP  := $(CURDIR)/node_modules/.tidtam-installed

PYTEST_ARGS ?=
BENCH_ARGS  ?=

.PHONY: help install sysdeps run demo test lint migrate bench bench-accounts bench-activities bench-documents bench-idempotency bench-proxy bench-mail bench-webhooks bench-capture bench-insights checkservers clean distclean

help: ## list the targets
	@echo "Tidtam: make run (start everything), make test (the whole suite)"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-13s %s\n", $$1, $$2}'

# --- install -------------------------------------------------------------------------------

$(TOOLS)/bin/uv:
	@echo "uv not on PATH: installing uv $(UV_VERSION) into .tools/"
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# Re-synced only when the lock or a pyproject changes (or .venv is gone): a no-op
# `make install` costs nothing.
$(STAMP): $(LOCK) $(PROJECTS) | $(UV)
	@if [ -f uv.lock ]; then \
	  echo "$(UV) sync --frozen"; "$(UV)" sync --frozen; \
	else \
	  echo "uv.lock missing: $(UV) sync (writes a new lock; commit it)"; "$(UV)" sync; \
	fi
	@touch $@

install: $(STAMP) ## install everything (dev tools included) into .venv from uv.lock

# The documents service's PDFs need Pango (WeasyPrint) and its tests poppler-utils: Debian
# packages, installed with apt-get where missing (as root; otherwise it says what to run).
sysdeps: ## apt-get install Pango and poppler-utils if missing (documents PDFs and their tests)
	@if ldconfig -p | grep -q 'libpangoft2-1.0.so.0' && command -v pdftotext >/dev/null; then \
	  echo "sysdeps: Pango and poppler-utils are there"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils; \
	else \
	  echo "sysdeps: run as root: apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils" >&2; exit 1; \
	fi

# --- run -----------------------------------------------------------------------------------

run: install ## create databases, migrate, start accounts + leads + gateway on http://127.0.0.1:8000
	$(VPY) scripts/run.py

migrate: install ## create the databases and the app role if missing, migrate every service
	$(VPY) scripts/run.py --migrate-only

demo: install ## seed a demo tenant with Thai sample data (needs `make run` in another shell)
	$(VPY) scripts/demo.py

checkservers: ## is PostgreSQL / RabbitMQ reachable? (says how to start them if not)
	@$(PYTHON) scripts/checkservers.py --tests

# --- quality -------------------------------------------------------------------------------

# The 40 slowest tests are listed at the end (the suite is past its 20-minute budget: what
# to share or shorten first). pytest's exit code passes through unchanged; 5 ("no tests
# collected") is a failure too, with a message, so a wrong path or -k never passes silently.
test: install ## the whole suite on real PostgreSQL and RabbitMQ (PYTEST_ARGS=...)
	@$(VPY) scripts/checkservers.py --tests
	@if command -v npm >/dev/null; then $(MAKE) $(NODE_STAMP); else \
	  echo "make test: npm is missing: no axe-core, the accessibility test will be skipped (apt-get install nodejs npm)" >&2; fi
	@status=0; $(VENV)/bin/pytest --durations=40 $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests (exit 5): failing" >&2; fi; \
	exit $$status

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "make: npm is missing (apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# ruff over the whole repository, then mypy (pydantic plugin) over libs/, gateway/ and
# services/ as configured in pyproject.toml ([tool.mypy]); its cache is .mypy_cache. Then
# tsc checks the web UI's modules (// @ts-check, JSDoc types; tsconfig.json).
lint: install $(NODE_STAMP) ## ruff, mypy, then tsc over the web UI (a type error fails)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	node_modules/.bin/tsc -p tsconfig.json

# The load generator is wrk (Debian package) where it is installed or can be (root with
# apt-get, as .ci/run installs Chromium); otherwise bench/load.py says it falls back to its
# Python generator.
bench: install ## load benchmark through the gateway; prints figures (BENCH_ARGS=...)
	@$(VPY) scripts/checkservers.py --tests
	@if ! command -v wrk >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "make bench: installing wrk (the load generator)"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends wrk; } >/dev/null \
	  || echo "make bench: could not install wrk; the Python generator will be used" >&2; \
	fi
	$(VPY) bench/load.py $(BENCH_ARGS)

bench-accounts: install ## accounts search and duplicate check at 100k accounts (BENCH_ARGS=...)
	@$(VPY) scripts/checkservers.py --tests
	$(VPY) bench/accounts.py $(BENCH_ARGS)

bench-activities: install ## reminders due in one minute (lateness) and a month's calendar (BENCH_ARGS=...)
	@$(VPY) scripts/checkservers.py --tests
	$(VPY) bench/activities.py $(BENCH_ARGS)

bench-documents: install ## one-page quotation PDF: median/p99 ms, PDFs/s on the render pool (BENCH_ARGS=...)
	@$(VPY) scripts/checkservers.py --tests
	$(VPY) bench/documents.py $(BENCH_ARGS)

bench-idempotency: install ## create lead with and without Idempotency-Key, and a replay (BENCH_ARGS=...)
	@$(VPY) scripts/checkservers.py --tests
	$(VPY) bench/idempotency.py $(BENCH_ARGS)

bench-proxy: install ## the gateway's CPU and latency per proxied request, against a bare upstream (BENCH_ARGS=...)
	@$(VPY) scripts/checkservers.py --tests
	$(VPY) bench/proxy.py $(BENCH_ARGS)

bench-mail: install ## emails per second, lead.sent events in → messages at a local SMTP server (BENCH_ARGS=...)
	@$(VPY) scripts/checkservers.py --tests
	$(VPY) bench/mail.py $(BENCH_ARGS)

bench-webhooks: install ## event on the exchange → webhook received, p50/p99 at 200 events/s (BENCH_ARGS=...)
	@$(VPY) scripts/checkservers.py --tests
	$(VPY) bench/webhooks.py $(BENCH_ARGS)

bench-capture: install ## web-form posts accepted per second, every one a lead; the LINE webhook's answers while processing goes on (BENCH_ARGS=...)
	@$(VPY) scripts/checkservers.py --tests
	$(VPY) bench/capture.py $(BENCH_ARGS)

bench-insights: install ## each report's p99 at 1,000,000 leads and 200,000 deals, concurrency 8; the read model's lag at 200 events/s (BENCH_ARGS=...)
	@$(VPY) scripts/checkservers.py --tests
	$(VPY) bench/insights_load.py $(BENCH_ARGS)

# --- housekeeping --------------------------------------------------------------------------

clean: ## remove caches, logs and run state (keeps .venv and .tools)
	rm -rf .run .pytest_cache .ruff_cache .mypy_cache .hypothesis bench/results
	find . -path ./.venv -prune -o -path ./.tools -prune -o \
	  \( -name __pycache__ -o -name '*.egg-info' \) -type d -print0 | xargs -0 rm -rf

distclean: clean ## also remove .venv and .tools
	rm -rf $(VENV) $(TOOLS) node_modules
