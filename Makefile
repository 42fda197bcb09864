# Two commands for a fresh clone: `make figures` (the main job) and `make test`.
# Both create .venv/ from the pinned requirements.lock on first use.
PYTHON ?= python3
# A relative TOOLKIT_DATA (TOOLKIT_DATA=../shared/corpora make test) is made absolute here, in the clone's root,
# so that the notebooks' kernels, which run in notebooks/, find the corpora too.
ifneq ($(strip $(TOOLKIT_DATA)),)
override TOOLKIT_DATA := $(abspath $(TOOLKIT_DATA))
export TOOLKIT_DATA
endif
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: figures test check check-wheel check-figures docs bench lock clean-venv

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

figures: $(STAMP)
	$(PY) -m toolkit figures

# The maintainers' checks: lint, formatting and types (CI runs them before the tests).
check: $(STAMP)
	$(VENV)/bin/ruff check toolkit tests benchmarks scripts
	$(VENV)/bin/ruff format --check toolkit tests benchmarks scripts
	$(VENV)/bin/mypy

# The wheel installed outside the clone, in a fresh virtual environment, loads the interview and runs.
check-wheel: $(STAMP)
	PYTHON=$(PYTHON) scripts/check_wheel.sh

# The API reference (HTML, from the numpydoc docstrings) in docs/_build/html; any warning fails the build.
docs: $(STAMP)
	rm -rf docs/_build docs/api
	$(VENV)/bin/sphinx-build -W -q -b html docs docs/_build/html

check-figures: $(STAMP)
	$(PY) -m toolkit figures --check

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Maintainers only: re-pin requirements.lock after changing pyproject.toml.
lock:
	$(PYTHON) -m venv /tmp/toolkit-lock && /tmp/toolkit-lock/bin/pip install -q pip-tools
	/tmp/toolkit-lock/bin/pip-compile -q --extra dev --extra dask --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

clean-venv:
	rm -rf $(VENV)
