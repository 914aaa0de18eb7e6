# Every target installs what it needs into .venv from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install fonts run inputs test bench lint docs pages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q src >/dev/null  # as an installed package is: no compiling per run
	@$(MAKE) --no-print-directory fonts
	touch $(STAMP)

# Chinese plot labels need a CJK font; without one the plots fall back to English labels.
fonts:
	@if fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei) >/dev/null 2>&1 \
	  && echo "installed a CJK font (fonts-wqy-microhei)" \
	  || echo "no CJK font could be installed: plots will use English labels"; \
	else echo "no CJK font: plots will use English labels"; fi

# Solves the workbooks in inputs/: guizhou.xlsx with every configuration in models/, every other
# workbook with the default configuration; each run folder goes to results/.
run: install
	@for m in models/*.yaml; do \
	  name=$$(basename $$m .yaml); \
	  echo; echo "== fiscalshare solve inputs/guizhou.xlsx --model $$name"; \
	  $(BIN)/fiscalshare solve inputs/guizhou.xlsx --model $$m --out results/guizhou-$$name --force || exit $$?; \
	done
	@for w in inputs/*.xlsx; do \
	  name=$$(basename $$w .xlsx); \
	  [ "$$name" = guizhou ] && continue; \
	  echo; echo "== fiscalshare solve $$w"; \
	  $(BIN)/fiscalshare solve $$w --out results/$$name --force || exit $$?; \
	done
	@echo; echo "== fiscalshare compare inputs/gansu.xlsx  (today's table and pool against the optimum)"
	@$(BIN)/fiscalshare compare inputs/gansu.xlsx --out results/compare-gansu --force

# Rewrites inputs/*.xlsx from the packaged examples (only those whose content changed).
inputs: install
	$(BIN)/python -m fiscalshare.examples.workbooks inputs

test: install
	$(BIN)/python -m pytest -q -n 2 --dist loadscope  # two processes (two cores); a module in one, so its fixtures are built once

bench: install
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

docs: install
	$(BIN)/fiscalshare docs docs

# PNG pages of the Guizhou run's province and prefecture workbooks (the 清单 among them) for the
# README, rendered by LibreOffice; needs soffice and pdftoppm (libreoffice-calc-nogui, poppler-utils).
pages: install
	$(BIN)/python tools/render_pages.py

clean:
	rm -rf $(VENV) results
