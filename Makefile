# Every target installs what it needs into .venv from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test bench lint docs clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/fiscalshare solve --out results/example
	@for m in models/*.yaml; do \
	  name=$$(basename $$m .yaml); \
	  [ $$name = default ] && continue; \
	  echo; echo "== model $$name"; \
	  $(BIN)/fiscalshare solve --model $$m --out results/example-$$name --force || exit $$?; \
	done

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check src tests bench

docs: install
	$(BIN)/python -m fiscalshare.docs

clean:
	rm -rf $(VENV) results
