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

STAGE ?= dev
PORT ?= 4569

.PHONY: help venv test test-all lint check demo gallery dev backfill batch-backfill batch-role bench vendor policy buckets package deploy destinations cdn redrive clean

help:
	@echo "make demo               - the thumbnailer on the embedded local S3, thumbnails in demo-output/"
	@echo "make test               - the test suite without the slow tests (under 3 minutes)"
	@echo "make test-all           - every test, the slow ones too (CI runs this and make lint)"
	@echo "make lint               - ruff, with the rules in pyproject.toml"
	@echo "make check STAGE=dev    - validate outputs.toml and the stage's settings; print each output"
	@echo "                          the stage makes and the features it turns on"
	@echo "make gallery            - docs/gallery.png: every fit and effect on one photo"
	@echo "make dev                - the local S3 on 127.0.0.1:\$$PORT (4569); uploads trigger the handlers;"
	@echo "                          reloads .chalice/config.json and chalicelib/ (outputs.toml) on change;"
	@echo "                          outputs by URL on PORT+1 (RENDITIONS_PORT=...): the bucket, then the"
	@echo "                          renditions function"
	@echo "                          (TRIGGER=eventbridge for dev, demo and buckets: the EventBridge mode)"
	@echo "make backfill STAGE=dev - thumbnails for images already in the source bucket (ARGS=\"--prefix P --force\")"
	@echo "make batch-backfill STAGE=prod - the same on S3 Batch Operations, for big buckets: manifest,"
	@echo "                          job, progress, summary (ARGS=\"--prefix P --manifest s3://.../manifest.json"
	@echo "                          --reports s3://bucket/prefix --force --yes\")"
	@echo "make batch-role STAGE=prod - create/update the S3 Batch Operations service role (idempotent)"
	@echo "make bench              - ours vs AWS tutorial vs libvips: time, memory, quality, events,"
	@echo "                          cold start, whole events at S3 round-trip times;"
	@echo "                          build/bench/results.json, docs/bench*.png"
	@echo "                          (BENCH_ARGS=\"--images DIR --rounds N --rtt 0,30,80 --quick ...\")"
	@echo "                          --quick: build/bench/quick/ only, docs/ untouched"
	@echo "make vendor             - recreate vendor/ (Pillow for Lambda) from requirements-vendor.txt"
	@echo "make policy             - regenerate .chalice/policy-<stage>.json, -batch.json and -renditions.json"
	@echo "make buckets STAGE=dev  - create the stage's two buckets, locked down (uses AWS credentials)"
	@echo "make package STAGE=dev  - chalice package --pkg-format terraform into build/<stage>/,"
	@echo "                          constraints fixed for today's Terraform, failure destination added"
	@echo "make deploy STAGE=dev   - chalice deploy, with chalicelib/ and vendor/ compiled first (hash-checked"
	@echo "                          .pyc: a cold start compiles none of them; uses AWS credentials)"
	@echo "make destinations STAGE=dev - after chalice deploy: failure queue, retries and on-failure"
	@echo "                          destination per function, sqs:SendMessage for the roles, alarms"
	@echo "make cdn STAGE=dev      - after make deploy: the renditions function URL (AWS_IAM) behind CloudFront,"
	@echo "                          target bucket first, the function on a miss (docs/renditions.md)"
	@echo "make redrive STAGE=dev   - replay the failed events in the failure queue (ARGS=--dry-run)"
	@echo "make clean              - remove .venv, demo-output, build and caches"

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

# The slow tests (@pytest.mark.slow, registered in pyproject.toml) run in make test-all and CI.
# pytest-xdist: one worker per core (TEST_WORKERS=0: one process, e.g. for pdb); whole files go
# to one worker (--dist loadfile), so a module's fixtures (the 150 MP files, chalice package)
# are built once.
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

test: $(STAMP)
	$(PYTEST) -m "not slow"

test-all: $(STAMP)
	$(PYTEST)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

check: $(STAMP)
	$(PY) -m devtools.check --stage $(STAGE) $(if $(TRIGGER),--trigger $(TRIGGER))

# TRIGGER=eventbridge (make dev/demo/buckets): the EventBridge trigger mode for this run.
demo: $(STAMP)
	$(PY) -m devtools.demo $(if $(TRIGGER),--trigger $(TRIGGER))

gallery: $(STAMP)
	$(PY) -m devtools.gallery

dev: $(STAMP)
	$(PY) -m devtools.dev --port $(PORT) --stage $(STAGE) $(if $(TRIGGER),--trigger $(TRIGGER)) \
	  $(if $(RENDITIONS_PORT),--renditions-port $(RENDITIONS_PORT))

backfill: $(STAMP)
	$(PY) -m devtools.backfill --stage $(STAGE) $(ARGS)

batch-backfill: $(STAMP)
	$(PY) -m devtools.batch_backfill --stage $(STAGE) $(ARGS)

batch-role: $(STAMP)
	$(PY) -m devtools.batch_role --stage $(STAGE) $(ARGS)

bench: $(STAMP)
	$(PY) -m devtools.bench $(BENCH_ARGS)

vendor: $(STAMP)
	$(PY) -m devtools.vendor

policy: $(STAMP)
	$(PY) -m devtools.policy

buckets: $(STAMP)
	$(PY) -m devtools.buckets --stage $(STAGE) $(if $(TRIGGER),--trigger $(TRIGGER))

package: $(STAMP)
	find app.py chalicelib -name __pycache__ -type d -prune -exec rm -rf {} +
	@# Only what chalice package writes: terraform.tfstate, .terraform/ and the lock file stay.
	rm -f build/$(STAGE)/chalice.tf.json build/$(STAGE)/deployment.zip build/$(STAGE)/layer-deployment.zip
	$(VENV)/bin/chalice package --pkg-format terraform --stage $(STAGE) build/$(STAGE)
	$(PY) -m devtools.package --stage $(STAGE) build/$(STAGE)

# Bytecode in the zip spares each cold start compiling our modules (devtools/bytecode.py).
deploy: $(STAMP)
	$(PY) -m devtools.bytecode chalicelib vendor
	$(VENV)/bin/chalice deploy --stage $(STAGE)

destinations: $(STAMP)
	$(PY) -m devtools.destinations --stage $(STAGE)

cdn: $(STAMP)
	$(PY) -m devtools.cdn --stage $(STAGE)

redrive: $(STAMP)
	$(PY) -m devtools.redrive --stage $(STAGE) $(ARGS)

clean:
	rm -rf $(VENV) demo-output build .pytest_cache .chalice/deployments
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
