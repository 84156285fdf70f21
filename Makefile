# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Both create (or reuse) .venv, install requirements.txt, register the Jupyter kernel.

VENV    ?= .venv
PY      := $(VENV)/bin/python
KERNEL  := w2s-lab
STAMP   := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | sha256sum | cut -c1-12)

# The embedded default needs no hub; without these a hub name retries for ~24 s before failing.
export HF_HUB_OFFLINE ?= 1
export HF_DATASETS_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: demo test test-all lab lint clean-venv

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (w2s-lab)"
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)  ## the main job: assemble the offline zoo and run the pipelines headless
	$(PY) -m w2s_helpers.cli demo

test: lint  ## lint, then the fast, representative tests (real data, small real models, tiny random models)
	$(PY) -m pytest

test-all: $(STAMP)  ## everything, including slow end-to-end runs on the real models
	$(PY) -m pytest -m ""

# JupyterLab refuses to start as root unless told; containers often run as root
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)  ## jupyterlab on the project's kernel
	$(VENV)/bin/jupyter lab notebooks/ $(ALLOW_ROOT)

lint: $(STAMP)  ## ruff over the package, tests, benchmarks and notebooks; notebooks' parameters match their configs
	$(VENV)/bin/ruff check w2s_helpers tests bench notebooks
	$(VENV)/bin/ruff format --check w2s_helpers tests bench notebooks
	$(PY) -m w2s_helpers.cli notebooks

clean-venv:
	rm -rf $(VENV)
