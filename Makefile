# Two commands for a fresh machine:  `make run` (the embedded default pipeline) and `make test`.
# Each creates .venv and installs what it needs. torch is pinned to the 2.13.0 CPU build here to
# keep installs small and CI fast; GPU users install their own torch first (see README).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[test]"
	touch $(STAMP)

.PHONY: install run test bench
install: $(STAMP)

run: $(STAMP)
	$(BIN)/arabic-llm run

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/pip install -q -e ".[bench]"
	$(BIN)/python benchmarks/bench_cache.py
	$(BIN)/python benchmarks/bench_segment.py
	$(BIN)/python benchmarks/bench_throughput.py
	$(BIN)/python benchmarks/bench_dialect.py
	$(BIN)/python benchmarks/bench_evaluate.py
