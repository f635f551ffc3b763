# make train: set up, then train vanilla-mlp on the embedded digits.
# make test:  set up, then run the whole test suite.
PYTHON ?= python3

.PHONY: setup train test bench

setup:
	PYTHON=$(PYTHON) bash scripts/setup.sh

train: setup
	ganzoo train vanilla-mlp

test: setup
	$(PYTHON) -m pytest tests
	$(PYTHON) -m pytest plugins/ganzoo-relativistic/tests

bench: setup
	ganzoo bench --suite all --out benchmarks/results
