# `make run` and `make test` need nothing but Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export FLASK_APP := wsgi.py

.PHONY: install run test lint worker clean lock

$(STAMP): pyproject.toml requirements-lock.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Polder needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c requirements-lock.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# The newest versions the ranges in pyproject.toml allow, written down as the lock.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade -e '.[dev]'
	@{ echo "# Exact versions CI and \`make install\` use (pip constraints; the ranges live in"; \
	   echo "# pyproject.toml). Regenerate with \`make lock\` after changing a range."; \
	   $(BIN)/python -m pip freeze --exclude-editable | grep -v '^polder'; } > requirements-lock.txt

clean:
	rm -rf $(VENV) instance .pytest_cache test-artifacts
