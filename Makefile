# Quick start: `make demo`, `make test`. The virtual environment builds itself.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-py313

# A Python 3.13 interpreter: Chalice takes the Lambda runtime from the interpreter it runs in.
define find_python313
for candidate in python3.13 python3 $$(ls -d $$HOME/.pyenv/versions/3.13*/bin/python3.13 2>/dev/null) /usr/local/bin/python3.13 /usr/bin/python3.13; do \
  if "$$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1; then \
    echo "$$candidate"; exit 0; \
  fi; \
done; exit 1
endef

.PHONY: help venv test demo clean

help:
	@echo "make demo   - run the thumbnailer on the embedded local S3, thumbnails in demo-output/"
	@echo "make test   - run the test suite"
	@echo "make clean  - remove .venv, demo-output and caches"

venv: $(STAMP)

$(STAMP): requirements-dev.txt constraints-dev.txt
	@python=$$($(find_python313)) || { \
	  echo "error: Python 3.13 not found (Lambda's python3.13 runtime is what we deploy)." >&2; \
	  echo "Install it, e.g. 'pyenv install 3.13', 'apt-get install python3.13 python3.13-venv'" >&2; \
	  echo "or 'uv python install 3.13', then run make again." >&2; exit 1; }; \
	echo "Creating $(VENV) with $$python"; \
	rm -rf $(VENV) && "$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest

demo: $(STAMP)
	$(PY) -m devtools.demo

clean:
	rm -rf $(VENV) demo-output .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
