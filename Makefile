# Two commands on a fresh machine with Python 3.11 and make:
#   make run    install into .venv and serve the map on http://localhost:8501
#   make test   install into .venv (and Chromium if missing), lint, run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# make run PORT=8080 serves on another port.
PORT ?= 8501

.PHONY: run test lint validate bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(STAMP)
	$(BIN)/python -m streamlit run app.py --server.port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) lint
	./scripts/ensure-chromium
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/python -m geo validate

bench: $(STAMP)
	$(BIN)/python bench/bench_map_update.py
	if [ -f bench/bench_export.py ]; then $(BIN)/python bench/bench_export.py; fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
