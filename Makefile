# ganseg — the two commands of the README are `make book` and `make test`.
# Each creates (or reuses) a virtual environment in .venv and installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Every package is installed at the version of the lock file CONSTRAINTS (torch included).
# Regenerate it from a working environment with `make constraints` (see that target).
CONSTRAINTS := requirements/constraints.txt
# On a machine whose PyPI torch would be a CUDA build, take the CPU wheel from PyTorch's index:
#   make test TORCH_SPEC="torch --extra-index-url https://download.pytorch.org/whl/cpu"
TORCH_SPEC ?= torch
STAMP := $(VENV)/.ganseg-installed
PROFILE ?=
DATA ?=

# Hermetic runs: every tool's configuration and cache lives inside the project.
export MPLCONFIGDIR := $(CURDIR)/.cache/matplotlib
export IPYTHONDIR := $(CURDIR)/.cache/ipython
export JUPYTER_CONFIG_DIR := $(CURDIR)/.cache/jupyter/config
export JUPYTER_DATA_DIR := $(CURDIR)/.cache/jupyter/data
export JUPYTER_RUNTIME_DIR := $(CURDIR)/.cache/jupyter/runtime
export GANSEG_CACHE_DIR ?= $(CURDIR)/.cache/ganseg
export MPLBACKEND := Agg
export PYTHONHASHSEED := 0
# DRIVE, when it lies beside the project (otherwise set GANSEG_DRIVE_DIR, or the phantom is used).
ifneq ($(wildcard ../shared/data/DRIVE/training),)
export GANSEG_DRIVE_DIR ?= $(abspath ../shared/data/DRIVE)
endif
# CHASE_DB1 likewise (otherwise set GANSEG_CHASE_DIR; its tests skip without it).
ifneq ($(wildcard ../shared/data/CHASE_DB1/images),)
export GANSEG_CHASE_DIR ?= $(abspath ../shared/data/CHASE_DB1)
endif

.PHONY: book test lint env clean constraints
.DELETE_ON_ERROR:

$(STAMP): pyproject.toml $(CONSTRAINTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) $(TORCH_SPEC)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[book,test,ray]'
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 --display-name "Python 3 (ganseg)" >/dev/null
	touch $@

$(IPYTHONDIR) $(JUPYTER_CONFIG_DIR) $(JUPYTER_DATA_DIR) $(JUPYTER_RUNTIME_DIR) $(MPLCONFIGDIR):
	mkdir -p $@

DIRS := $(IPYTHONDIR) $(JUPYTER_CONFIG_DIR) $(JUPYTER_DATA_DIR) $(JUPYTER_RUNTIME_DIR) $(MPLCONFIGDIR)

env: $(STAMP)

book: $(STAMP) | $(DIRS)
	$(BIN)/ganseg book $(if $(PROFILE),--profile $(PROFILE)) $(if $(DATA),--data $(DATA))

lint: $(STAMP) | $(DIRS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest

# The lock file, from the packages installed in $(VENV): `pip freeze` without ganseg itself (an
# editable install), without CUDA libraries (nvidia-*, triton: a CPU environment has none), and
# with torch's local tag dropped (torch==2.13.0 fits its PyPI and its CPU wheel, 2.13.0+cpu).
constraints:
	test -x $(BIN)/python
	{ sed -n '1,/^$$/p' $(CONSTRAINTS); \
	  $(BIN)/python -m pip freeze --exclude-editable \
	    | grep -v -E '^(ganseg==|nvidia-|triton==)' | sed -E 's/^(torch==[^+]+)\+.*/\1/'; \
	} > $(CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS)

clean:
	rm -rf book/_build book/chapters .cache/ganseg
