# Maillage — set-up, run, test, benchmark and package.
# Everything installs into .venv/ on first use; no step needs a display.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: run test bench installer soak sysdeps install install-test clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel

$(VENV)/.app-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installer-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,installer]'
	touch $@

install: sysdeps $(VENV)/.app-installed
install-test: sysdeps $(VENV)/.test-installed

# System libraries Qt needs to run offscreen (and binutils for PyInstaller).
sysdeps:
	@sh .ci/sysdeps

run: install
	$(BIN)/maillage --demo

# Tests also need LibreOffice (the bilan's XLSX is opened by it): .ci/sysdeps-test.
test: sysdeps $(VENV)/.installer-installed
	@sh .ci/sysdeps-test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: sysdeps $(VENV)/.test-installed
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

# Crash trials at full strength: 50 SIGKILLs per operation, figures printed at the end.
soak: sysdeps $(VENV)/.test-installed
	QT_QPA_PLATFORM=offscreen MAILLAGE_CRASH_TRIALS=50 $(PY) -m pytest -q -s -p no:cacheprovider tests/test_crash_safety.py

installer: sysdeps $(VENV)/.installer-installed
	$(PY) build_installer.py

clean:
	rm -rf build dist .bench
