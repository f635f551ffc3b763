# make train: set up, then train vanilla-mlp on the embedded digits.
# make test:  set up, then run the whole test suite.
# make setup: only the set-up; make setup-plan says what it would do, changing nothing.
#
# Every target runs ganzoo from one environment: the virtual environment PYTHON runs in, else
# the repository's .venv (scripts/setup_env.py creates it). A set-up with nothing to do is quick.
PYTHON ?= python3
EXTRAS ?= dev

ENV_PYTHON := $(shell "$(PYTHON)" scripts/setup_env.py --print-python)
ifeq ($(ENV_PYTHON),)
$(error cannot run "$(PYTHON)" scripts/setup_env.py: set PYTHON to a Python 3.10 or newer)
endif
ENV_BIN := $(dir $(ENV_PYTHON))

.PHONY: setup setup-plan train test bench

setup:
	"$(PYTHON)" scripts/setup_env.py --extras "$(EXTRAS)"

setup-plan:
	"$(PYTHON)" scripts/setup_env.py --extras "$(EXTRAS)" --plan

train: setup
	"$(ENV_BIN)ganzoo" train vanilla-mlp

test: setup
	"$(ENV_PYTHON)" -m pytest tests
	"$(ENV_PYTHON)" -m pytest plugins/ganzoo-relativistic/tests

bench: setup
	"$(ENV_BIN)ganzoo" bench --suite all --out benchmarks/results
