# Everyday commands. They use the README's venv (.venv); another interpreter:
#   make test PYTHON=/path/to/python
PYTHON ?= .venv/bin/python
CODE := assistant tests bench

.PHONY: help test lint format-check typecheck check bench serve

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

test:  ## every test (the README's test command; includes ruff and mypy, as CI runs it)
	$(PYTHON) -m pytest

lint:  ## ruff over the package, the tests and the benchmarks
	$(PYTHON) -m ruff check $(CODE)

format-check:  ## files ruff format would change (advice: the code base keeps its own layout)
	$(PYTHON) -m ruff format --check $(CODE)

typecheck:  ## mypy --strict over assistant/ ([tool.mypy] in pyproject.toml)
	$(PYTHON) -m mypy

check: lint typecheck  ## the fast checks, before a commit

bench:  ## the quick benchmarks on the seed corpus (a minute or two; add --append by hand)
	$(PYTHON) bench/latency.py
	$(PYTHON) bench/seed_check.py --index bench/.cache/seed-index
	$(PYTHON) bench/seed_check.py --index bench/.cache/seed-index \
		--questions bench/english_questions.json

serve:  ## the chat on the bundled articles at http://127.0.0.1:7860/
	$(PYTHON) -m assistant serve
