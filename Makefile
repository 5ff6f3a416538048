# One virtual environment in .venv/; every target installs what it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install run test browser bench eval clean

install: $(STAMP)

# torch first, from the local CPU build: asked for later by sentence-transformers, pip would fetch a CUDA build
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# start the assistant: builds the index if needed, then serves the chat page on http://127.0.0.1:7860
run: install
	$(BIN)/assistant serve

# Debian's Chromium for the end-to-end tests (Playwright's own browser download does not work here)
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "chromium not installed: browser tests will be skipped"

test: install browser
	$(BIN)/python -m pytest -q

eval: install
	$(BIN)/assistant eval --questions ../shared/eval/dev_questions.jsonl

bench: install
	$(BIN)/assistant bench

clean:
	rm -rf $(VENV) index/current index/builds test-output .pytest_cache
