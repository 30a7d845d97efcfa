# cdop-scr: `make run` sets everything up and serves the app; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
INSTALLED := $(VENV)/.installed-stamp
ASSETS := static/css/application.css
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-fast test-sqlite test-postgres install assets keys migrate demo bench bench-load lint audit-deps clean

run: install assets keys migrate demo
	$(FLASK) run --host $(HOST) --port $(PORT)

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

assets: $(ASSETS)

$(ASSETS): package.json package-lock.json $(wildcard cdop_scr/assets/*)
	bash .ci/build-assets.sh

# Development keys under instance/ (mode 0600), created once and never overwritten.
keys: install
	$(PY) -m cdop_scr.crypto init

migrate: install keys
	$(FLASK) db upgrade

# Demo users and dataset, loaded once: running it again keeps existing data.
demo: install keys migrate
	$(FLASK) demo load

test: install assets
	bash .ci/install-chromium.sh
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

# Two workers for the suite (the machine has two cores); the browser journeys run on their own
# because they share one asset build and a browser.
PYTEST := $(PY) -m pytest -q
SUITE := $(PYTEST) -n 2 -m "not browser" && $(PYTEST) -m browser

test-sqlite: install assets
	$(SUITE)

test-postgres: install assets
	bash .ci/with-postgres.sh bash -c '$(SUITE)'

# SQLite only, no browser journeys: for quick development runs.
test-fast: install assets
	$(PYTEST) -n 2 -m "not browser"

bench: install assets
	$(PY) bench/run.py

# The reliability load run: 50 clients, mixed reads and writes, 5 minutes per database (about
# 12 minutes); kept apart from `make bench` so that stays under 15 minutes.
bench-load: install assets
	$(PY) bench/run.py --load

lint: install
	$(VENV)/bin/ruff check cdop_scr tests config.py wsgi.py

# Known vulnerabilities in the installed packages (pip-audit; exceptions with reasons in
# .ci/pip-audit-ignore.txt) and bandit's medium and high findings in the code.
audit-deps: install
	$(PY) .ci/audit-deps.py

clean:
	rm -rf $(VENV) node_modules static/css static/js static/assets
