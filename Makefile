# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DJANGO_DEBUG=1
# The browser tests (tests/e2e) drive this Chromium; without it they are skipped, and `make test` says so.
CHROMIUM ?= /usr/bin/chromium
# `make run PORT=8123` serves the development server elsewhere.
PORT ?= 8000

.PHONY: install run serve test bench fixture messages clean

# The compiled catalogues (French, Spanish) are built here from locale/*/LC_MESSAGES/django.po with gettext's
# msgfmt, never committed: a .mo in git could drift from its .po, and msgfmt takes well under a second.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed $(MO_FILES)

%.mo: %.po
	msgfmt --check -o $@ $<

run: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py createcachetable
	@if ls fixtures/hld2013.* >/dev/null 2>&1; then $(DEV_ENV) $(PY) manage.py loaddata hld2013; fi
	@# The 2026 revision (copied from hld2013) replaces it for new assessments; existing ones keep the original.
	@if ls fixtures/hld2013-r2026.* >/dev/null 2>&1; then $(DEV_ENV) $(PY) manage.py loaddata hld2013-r2026 && \
		$(DEV_ENV) $(PY) manage.py framework_retire hld2013; fi
	@if $(DEV_ENV) $(PY) manage.py help seed_demo >/dev/null 2>&1; then $(DEV_ENV) $(PY) manage.py seed_demo; fi
	@echo "HLD Assess is at http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	@# A worker renders the documents (PDF, Word) next to the development server, and stops with it.
	@$(DEV_ENV) $(PY) manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# As production runs it: gunicorn (hldassess/gunicorn.py), static files compressed and hashed by whitenoise,
# JSON logs on stdout. Needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL (README "Production");
# for a plain-HTTP trial on this machine add DJANGO_HTTPS=0.
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn --config python:hldassess.gunicorn hldassess.wsgi

test: install
	@if [ -x "$(CHROMIUM)" ]; then echo "Browser tests: running them in $(CHROMIUM) (axe-core comes from npm on first run)."; \
	else echo "Browser tests: SKIPPED, there is no Chromium at $(CHROMIUM) (apt-get install chromium)."; fi
	@HLD_CHROMIUM="$(CHROMIUM)" $(PY) -m pytest; status=$$?; \
	if [ ! -x "$(CHROMIUM)" ]; then echo "NOTE: the browser tests (tests/e2e) were SKIPPED: no Chromium at $(CHROMIUM)."; fi; \
	exit $$status

bench: install
	$(PY) -m bench

fixture: install
	$(DEV_ENV) $(PY) manage.py build_framework_fixture

# After changing an interface string: refresh the catalogues, translate what is new, then `make install`.
messages: install
	$(DEV_ENV) $(PY) manage.py update_catalogues

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .e2e test-artifacts
