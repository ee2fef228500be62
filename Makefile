# storyline: the two commands a new machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM := /usr/bin/chromium

.PHONY: install demo test lint bench lock clean postgres

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

# The web UI's end-to-end tests drive Debian's Chromium through Playwright.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

# The PostgreSQL backend's tests start a throwaway server from Debian's postgresql package.
PG_INITDB := $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb))
postgres:
	@test -n "$(PG_INITDB)" || ($(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql)

demo: install
	HF_HUB_OFFLINE=1 $(BIN)/storyline demo
	@echo "(the commands above are in $(BIN): activate it with 'source $(BIN)/activate')"

# Lint and types first (seconds), then the tests, then the evaluation gate.
test: install $(CHROMIUM) postgres lint
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest
	HF_HUB_OFFLINE=1 $(BIN)/storyline eval gate

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

# Speed benchmarks (not tests): analysis, linking at 100,000 articles, web load with wrk (also while ingests are posted). Numbers: docs/benchmarks.md.
bench: install
	command -v wrk >/dev/null || ($(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk)
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/bench_analyze.py --n 200
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/bench_link.py --size 100000 --adds 1000
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/load_web.py --db out/load-100k.db --seconds 30
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/load_reliability.py --db out/load-rel.db --articles 5000 --seconds 60

# Re-pin every dependency with hashes (needs the registry; run after editing pyproject.toml).
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra ray --extra postgres --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) out build *.egg-info src/*.egg-info
