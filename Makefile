# Two commands do all the setup: `make serve` (the API with a demo workspace) and `make test`.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e ".[server,dev]"
	touch $(STAMP)

.PHONY: install serve test lint typecheck bench console fuzz
install: $(STAMP)

HOST ?= 127.0.0.1
PORT ?= 8000
# test processes (pytest-xdist); an idle worker takes tests from a busy one (worksteal), so one slow file
# at the end does not leave the other worker idle (module fixtures may then be built once per worker)
TEST_WORKERS ?= 2

# `make serve PORT=9000 HOST=0.0.0.0`: links (downloads, creative files, mails) follow the bound address
# unless ADPLANE_PUBLIC_BASE_URL says otherwise.
serve: $(STAMP)
	$(VENV)/bin/adplane serve --demo --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

typecheck: $(STAMP)
	$(VENV)/bin/mypy

# Rebuild the web console into src/adplane/console_dist (needs node 20 + npm; the build is committed).
console: $(STAMP)
	cd console && npm ci --no-audit --no-fund && npm run build
	$(VENV)/bin/python -m adplane.console.build --write console

# Property-based API fuzzing against the app's own /openapi.json on SQLite and PostgreSQL, with many
# more generated requests per operation than the test suite's quick pass (FUZZ_EXAMPLES=…).
FUZZ_EXAMPLES ?= 100
fuzz: $(STAMP)
	ADPLANE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/bin/pytest -s -p no:randomly tests/edges/test_edges_fuzz.py
