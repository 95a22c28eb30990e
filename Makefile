# Two commands for a new user: `make demo` and `make test`. Everything else is optional.
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PYTEST_WORKERS ?= 2

.PHONY: demo test lint check install serve clean

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The environment comes from uv.lock, exactly: `--frozen` refuses to re-resolve. Bytecode
# is compiled at install (as pip does), so no run pays for it, even where the environment
# sets PYTHONDONTWRITEBYTECODE; then the league solvers' numba kernels (TTP, season) are
# compiled into their cache once, so no solver run spends its time limit compiling.
$(VENV)/.installed: $(UV) uv.lock pyproject.toml
	UV_PYTHON=python3 UV_COMPILE_BYTECODE=1 $(UV) sync --frozen --quiet
	$(VENV)/bin/python -c "from cadence.solve.ttp.solver import warm_up; warm_up()"
	$(VENV)/bin/python -c "from cadence.solve.season.anneal import warm_up; warm_up()"
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/cadence demo

serve: install
	$(VENV)/bin/cadence serve

test: install
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist worksteal

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --strict cadence

check: lint test

clean:
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .mypy_cache .ruff_cache
