# The two commands: `make run` (start the app) and `make test` (install test tools, run everything).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8501
# One BLAS thread: the models gain nothing from more, and on 2 shared cores OpenBLAS threads made ETS 4x
# slower (bench/results_models.md).
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: run test test-fast lint bench samples install install-dev chromium office clean

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Debian's chromium drives the browser tests (playwright cannot download its own browser here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## LibreOffice (Writer, no GUI) and poppler render the Word pack to PDF and PNG in the slow export test.
office:
	@command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || { \
		echo "Installing LibreOffice Writer (no GUI) and poppler-utils for the pack rendering test"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui poppler-utils >/dev/null; }

run: install
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

test: install-dev chromium office
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

test-fast: install-dev
	$(PY) -m pytest -q -m "not browser and not slow"

lint: install-dev
	$(VENV)/bin/ruff check .

samples: install
	$(PY) sample_data/make_samples.py

## Every benchmark in one run (bench/run.py): writes bench/results.md, exits non-zero naming each missed target.
bench: install-dev
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
