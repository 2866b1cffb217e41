# Two commands do all the set-up on a fresh machine (Python 3.11 + pip):
#   make serve   install into .venv, index seeds/ if there is no index yet, serve http://127.0.0.1:8000
#   make test    install into .venv (with test tools) and run the whole test suite
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: serve test bench eval clean

$(BIN)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

serve: $(BIN)/.installed
	$(BIN)/search serve --seeds seeds --port $(PORT)

test: $(BIN)/.installed
	$(BIN)/python -m pytest

bench: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) search-index build *.egg-info
