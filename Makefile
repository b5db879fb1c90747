# The PHT pre-screen assistant. Two commands do everything on a fresh machine:
#   make run    install, build, train if needed, and serve the assistant
#   make test   the whole test suite
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
SPACY_DIR := build/spacy_pht
MODEL := models/pht.tar.gz
DOMAIN := domain
GENERATED_DATA := data/nlu/lookups.yml data/nlu/answers.yml $(DOMAIN)/faq.yml
TRAIN_INPUTS := config.yml rasa_server/classifiers.py $(wildcard data/*/*.yml) $(wildcard $(DOMAIN)/*.yml) $(GENERATED_DATA) $(SPACY_DIR)/meta.json

export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1
STEP := bash scripts/step.sh

.PHONY: help install build data train run shell validate test lint test-unit test-stories test-scale test-browser web chromium compose-cli evaluate evaluate-real bench soak audit lock clean reception reception-user follow-ups-due

help:
	@echo "make run      install, build, train if needed, start the assistant (Ctrl-C stops it)"
	@echo "make shell    chat with the assistant in this terminal"
	@echo "make test     the whole test suite (with make lint: ruff on the whole tree, mypy on pht/)"
	@echo "make evaluate NLU reports: held-out test file and 5-fold cross-validation, then make evaluate-real (results/)"
	@echo "make evaluate-real  the real patient-language set through the reader and whole conversations (results/real/)"
	@echo "make bench    speed and memory against the stock 'rasa init' assistant (results/bench.json)"
	@echo "make soak     faults, attacks and load against the real servers, one table (about 15 minutes)"
	@echo "make audit    pip-audit of the pinned packages against OSV (needs the internet: SECURITY.md)"
	@echo "make install  the virtual environment with pinned dependencies (.venv)"
	@echo "make build    the project's spaCy pipeline ($(SPACY_DIR))"
	@echo "make data     regenerate the training data derived from the knowledge base"
	@echo "make train    train the model when data, domain or config changed ($(MODEL))"
	@echo "make web      the chat widget's front-end packages (npm ci in web/); make chromium: Debian's Chromium"
	@echo "make test-browser  the widget on the demo page in headless Chromium (screenshots in results/browser/)"
	@echo "make test-scale    two Rasa replicas on PostgreSQL and Redis, one killed mid-run (part of make test)"
	@echo "make reception     only the reception page (:8081); make reception-user NAME=alice adds a staff account"
	@echo "make follow-ups-due AT=2027-01-15T10:00:00Z  send, once, every follow-up check-in due by that time"

$(VENV)/.installed: requirements.txt constraints.txt scripts/find_python.sh
	rm -rf $(VENV)
	"$$(bash scripts/find_python.sh)" -m venv $(VENV)
	$(STEP) "Installing the pinned Python packages into $(VENV)" "about 3 minutes, once" \
	  bash -c '$(PY) -m pip install --quiet --upgrade "pip==24.0" && $(PY) -m pip install --quiet -r requirements.txt -c constraints.txt'
	touch $@

install: $(VENV)/.installed

$(SPACY_DIR)/meta.json: $(VENV)/.installed pht/triage/knowledge/vocabulary.yml pht/language/pipeline.py
	rm -rf $(SPACY_DIR)
	$(STEP) "Building the spaCy pipeline from the vocabulary" "a few seconds" $(PY) -m pht.language.pipeline $(SPACY_DIR)

build: $(SPACY_DIR)/meta.json

# Training data that derives from the knowledge base (lookup tables, answers; the FAQ answers'
# domain file)
$(GENERATED_DATA) &: $(wildcard pht/triage/knowledge/*.yml) $(filter-out $(GENERATED_DATA),$(wildcard data/nlu/*.yml) $(wildcard $(DOMAIN)/*.yml)) pht/rasa_data.py $(VENV)/.installed
	$(PY) -m pht.rasa_data
	touch $(GENERATED_DATA)

# The FHIR Questionnaires the pre-screen records and their check-ins are exported against, from
# the vocabulary and checkins.yml
QUESTIONNAIRE := pht/records/questionnaire.json pht/records/checkin_questionnaire.json
$(QUESTIONNAIRE) &: $(wildcard pht/triage/knowledge/*.yml) pht/records/labels.yml pht/records/fhir.py $(VENV)/.installed
	$(PY) -m pht.records.fhir
	touch $(QUESTIONNAIRE)

data: $(GENERATED_DATA) $(QUESTIONNAIRE)

$(MODEL): $(TRAIN_INPUTS)
	$(STEP) "Training the model (data, domain or config changed)" "about 2 minutes on 2 cores" \
	  $(RASA) train --domain $(DOMAIN) --fixed-model-name pht --out models

train: $(MODEL)

# The widget's front-end packages, at the versions in web/package-lock.json (no CDN)
WEB_DEPS := web/node_modules/.package-lock.json
$(WEB_DEPS): web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "ERROR: npm is needed for the chat widget (Debian: apt-get install npm)." >&2; exit 1; }
	$(STEP) "Installing the widget's front-end packages (npm ci)" "about half a minute" bash -c 'cd web && npm ci --no-audit --no-fund'

web: $(WEB_DEPS)

# Debian's Chromium for the browser test: Playwright drives it; it never downloads a browser.
CHROMIUM := /usr/bin/chromium
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "==> Installing Debian's Chromium for the browser test (about a minute, once) ..."; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get install -y chromium || { $$SUDO apt-get update && $$SUDO apt-get install -y chromium; }; \
	fi
	@[ -x $(CHROMIUM) ] || { echo "ERROR: Chromium could not be installed at $(CHROMIUM): the browser test cannot run." >&2; exit 1; }

# A Compose CLI to validate docker/docker-compose.yml (no Docker engine needed): Docker's own
# `docker compose` where it is installed, else Debian's docker-compose (without the engine).
compose-cli:
	@if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then \
	  echo "==> Installing Debian's docker-compose to validate the compose file (a few seconds, once) ..."; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get install -y --no-install-recommends docker-compose || \
	    { $$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends docker-compose; }; \
	fi
	@docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || \
	  { echo "ERROR: no Compose CLI: docker/docker-compose.yml cannot be validated." >&2; exit 1; }

run: $(MODEL) $(WEB_DEPS)
	bash scripts/run.sh

shell: $(MODEL)
	bash scripts/run.sh shell

# The reception page alone (make run starts it with everything else), and a staff account for it
reception: $(VENV)/.installed
	$(PY) -m web.reception

reception-user: $(VENV)/.installed
	@[ -n "$(NAME)" ] || { echo "usage: make reception-user NAME=alice" >&2; exit 2; }
	$(PY) -m pht.reception add-user "$(NAME)"

# Follow-up check-ins: one round of the worker (pht/followups/) as if it were AT, for a clinic
# trying follow-ups out and for tests that must not wait two weeks; `make run` runs the worker.
follow-ups-due: $(VENV)/.installed
	@[ -n "$(AT)" ] || { echo "usage: make follow-ups-due AT=2027-01-15T10:00:00Z" >&2; exit 2; }
	$(PY) -m pht.followups --due-by "$(AT)"

validate: $(SPACY_DIR)/meta.json $(GENERATED_DATA)
	$(RASA) data validate --domain $(DOMAIN) --fail-on-warnings

test-stories: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/stories --out results/core --fail-on-prediction-errors

test-unit: $(SPACY_DIR)/meta.json
	$(PY) -m pytest tests -q -W ignore::DeprecationWarning -m "not e2e and not services" -n $(TEST_WORKERS) --dist loadfile

# Scale-out on real PostgreSQL and Redis (TEST_POSTGRES_URL, TEST_REDIS_URL; default the local
# servers): the shared stores, then two Rasa replicas with one killed mid-run; and the outcome
# counts over RabbitMQ (TEST_RABBITMQ_URL). It fails, naming the service, when one is not
# reachable: a deployment is never assumed to work untested.
test-scale: $(MODEL)
	$(PY) -m pytest tests -q -W ignore::DeprecationWarning -m services

# The whole suite, the scale-out tests on the real services too, in TEST_WORKERS processes
# (pytest-xdist), a test file in one process at a time, so a file's servers start once: most
# tests wait on servers, and the waits overlap. The files that start servers go first
# (tests/conftest.py), so that the quick ones fill the processes at the end.
# Four processes on these 2-core machines: the suite waits on servers more than it computes (the
# whole suite took 9 min 10 s with 4, against 10 min 32 s with 2 and 11 min 53 s with 3 in the last CI).
TEST_WORKERS ?= 4
test: lint validate test-stories $(MODEL) $(WEB_DEPS) chromium compose-cli
	$(PY) -m pytest tests -q -W ignore::DeprecationWarning -n $(TEST_WORKERS) --dist loadfile

# The lint and type gate: ruff (ruff.toml: pyflakes, pycodestyle, bugbear) on the whole tree,
# mypy (mypy.ini) on the application package pht/
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# The widget on the demo page, in headless Chromium: a whole pre-screen, reload, axe-core, keyboard;
# and reception taking a conversation over from the widget (two browsers)
test-browser: $(MODEL) $(WEB_DEPS) chromium
	$(PY) -m pytest tests/test_browser.py tests/test_browser_handover.py -q -W ignore::DeprecationWarning

# NLU quality on messages never used for training (tests/nlu/heldout.yml), and 5-fold
# cross-validation on the training data; then the real patient-language set. Reports go to results/.
# Every report runs; it exits non-zero at the end when any of them missed its target.
evaluate: $(MODEL)
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu/heldout.yml --out results/heldout
	$(PY) scripts/cross_validate.py --nlu data/nlu --config config.yml --domain $(DOMAIN) --folds 5 --out results/cv
	@status=0; \
	$(PY) -m scripts.evaluate_nlu tests/nlu/heldout.yml results/heldout || status=1; \
	$(MAKE) --no-print-directory evaluate-real EVALUATE_REAL_ARGS="--strict $(EVALUATE_REAL_ARGS)" || status=1; \
	if [ $$status -ne 0 ]; then echo "make evaluate: a target above was missed"; fi; \
	exit $$status

# Real patient language (tests/real/, docs/understanding.md): the reader on each story's first
# message, then a simulated person answering in their own words over REST, on the tuning and
# held-out stories (held-out as figures only). About 20-30 minutes on 2 cores;
# EVALUATE_REAL_ARGS="--part tune --limit 10" or "--reader-only" for a quick look.
evaluate-real: $(MODEL)
	$(PY) -m scripts.evaluate_real $(EVALUATE_REAL_ARGS)

# Speed and memory, ours against the stock `rasa init` assistant trained with the same Rasa:
# training time, per-turn latency, throughput at 10 and 50 users, memory (docs/performance.md).
# BENCH_ARGS=--skip-train leaves out the two cold trainings.
bench: $(MODEL)
	$(PY) -m bench $(BENCH_ARGS)

# Faults, attacks and load against the real servers on this machine (soak/__main__.py): killed
# and frozen servers, a locked or stopped database, hostile input, unauthorised calls, 50
# conversations at once and 500 over 10 minutes, the follow-up worker killed mid-send. About 15
# minutes; SOAK_QUICK=1 for a few.
soak: $(MODEL)
	$(PY) -m soak

# pip-audit over constraints.txt against OSV, in its own environment (its dependencies clash
# with Rasa's pins). Needs the internet; `make test` runs the offline check (SECURITY.md).
AUDIT_VENV := build/audit-venv
$(AUDIT_VENV)/.installed: security/audit-requirements.txt scripts/find_python.sh
	rm -rf $(AUDIT_VENV)
	"$$(bash scripts/find_python.sh)" -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --quiet -r security/audit-requirements.txt
	touch $@

audit: $(AUDIT_VENV)/.installed $(VENV)/.installed
	$(AUDIT_VENV)/bin/pip-audit -r constraints.txt --no-deps --disable-pip --vulnerability-service osv \
	  --progress-spinner off $$($(PY) -m security.audit --pip-audit-ignores)

lock: $(VENV)/.installed
	( echo "# Every installed package, pinned (pip freeze of a working .venv). Regenerate with"; \
	  echo "# 'make lock' after changing requirements.txt."; $(PY) -m pip freeze ) > constraints.txt

clean:
	rm -rf build models results var .pytest_cache web/node_modules
