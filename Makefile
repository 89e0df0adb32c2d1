# CCHC – two commands: `make run` (set up everything and serve) and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup migrate demo lint format typecheck check messages ci clean bench

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Cần Python 3.11 ($(PYTHON)) để cài đặt."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) requirements/base.txt requirements/dev.txt
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements/dev.txt
	@touch $(STAMP)

setup: $(STAMP)

migrate: setup
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@echo "CCHC đang chạy tại http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: setup
	$(VENV)/bin/mypy cchc config

check: setup
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SECRET_KEY=ci-dummy-secret-key-that-is-long-enough-0123456789abcdef DJANGO_ALLOWED_HOSTS=cchc.example.vn \
	  $(PY) manage.py check --deploy --fail-level WARNING --settings=config.settings.production

messages: setup
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

bench: setup
	$(PY) -m bench

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
