# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DJANGO_DEBUG=1

.PHONY: install run test bench fixture clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	@if ls fixtures/hld2013.* >/dev/null 2>&1; then $(DEV_ENV) $(PY) manage.py loaddata hld2013; fi
	@if $(DEV_ENV) $(PY) manage.py help seed_demo >/dev/null 2>&1; then $(DEV_ENV) $(PY) manage.py seed_demo; fi
	@echo "HLD Assess is at http://127.0.0.1:8000/  (admin: http://127.0.0.1:8000/admin/)"
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest

bench: install
	$(PY) -m bench

fixture: install
	$(DEV_ENV) $(PY) manage.py build_framework_fixture

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
