# Two commands on a fresh machine with Python 3.11 and make:
#   make run    install into .venv and serve the map on http://localhost:8501 (PORT=, ADDRESS=)
#   make test   install into .venv (and Chromium if missing), lint, run the whole test suite
PYTHON ?= python3
# Where `make run` listens: this machine only by default. To serve a network, e.g.
#   make run ADDRESS=0.0.0.0 SERVER_NAME=map.intranet.local PORT=8080
# SERVER_NAME is the name visitors type; giving it also stops Streamlit from looking up
# this machine's external IP on the internet at start.
PORT ?= 8501
ADDRESS ?= 127.0.0.1
SERVER_NAME ?= $(if $(filter 127.0.0.1 localhost ::1,$(ADDRESS)),localhost,$(shell hostname))
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint validate bench bench-scale clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# ui.serve is `streamlit run app.py` that also fills the map's caches once the server is up.
run: $(STAMP)
	$(BIN)/python -m ui.serve --server.port $(PORT) --server.address $(ADDRESS) \
		--browser.serverAddress $(SERVER_NAME)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) lint
	./scripts/ensure-chromium
	./scripts/ensure-postgres
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/python -m geo validate

bench: $(STAMP)
	$(BIN)/python bench/bench_map_update.py
	if [ -f bench/bench_export.py ]; then $(BIN)/python bench/bench_export.py; fi
	$(BIN)/python bench/bench_health.py
	$(BIN)/python bench/bench_insight.py

# The live map at 10,000 projects in Chromium beside a naive folium map (about 10 minutes),
# and the server side at 100,000 in process; then the DuckDB query engine over GeoParquet at
# 100,000 and 1,000,000, and vector tiles at 100,000 and 1,000,000 in Chromium (README
# "Performance").
bench-scale: $(STAMP)
	./scripts/ensure-chromium
	$(BIN)/python bench/bench_scale.py --sizes 10000 --server-sizes 100000
	$(BIN)/python bench/bench_engine.py --sizes 100000 1000000
	$(BIN)/python bench/bench_tiles.py --sizes 100000 1000000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
