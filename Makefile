# make setup  install what is missing (system packages as root, .venv with the project)
# make test   setup, then the whole test suite
# make bench  setup, then the benchmarks (ratios measured in one run)
.PHONY: setup test bench run

setup:
	@bash scripts/setup.sh

test: setup
	@bash scripts/test.sh

bench: setup
	@NUMBA_CACHE_DIR=$${NUMBA_CACHE_DIR:-$(CURDIR)/.numba_cache} .venv/bin/python -m bench

run: setup
	@./run
