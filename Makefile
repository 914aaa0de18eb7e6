# Every target installs what it needs into .venv from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install fonts run test bench lint docs clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
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

run: install
	@for m in models/*.yaml; do \
	  name=$$(basename $$m .yaml); \
	  echo; echo "== fiscalshare solve --model $$name  (packaged Guizhou example)"; \
	  $(BIN)/fiscalshare solve --model $$m --out results/guizhou-$$name --force || exit $$?; \
	done
	@echo; echo "== fiscalshare solve guizhou-lowbudget  (the lower-budget variant: soft items fall short)"
	@$(BIN)/fiscalshare solve guizhou-lowbudget --out results/guizhou-lowbudget --force
	@echo; echo "== fiscalshare solve gansu, then compare  (county level: 14 市州, 86 counties, 29 items)"
	@$(BIN)/fiscalshare solve gansu --out results/gansu --force && $(BIN)/fiscalshare compare gansu --out results/compare-gansu --force

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check src tests bench

docs: install
	$(BIN)/python -m fiscalshare.cli.docs

clean:
	rm -rf $(VENV) results
