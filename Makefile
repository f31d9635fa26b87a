# Thi đua — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
PORT ?= 8000
HOST ?= 127.0.0.1
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint bench loadtest faults install install-dev install-load frontend system-run system-test system-load messages worker clean

## make run: install, migrate an SQLite database under var/, load the demo data, serve with gunicorn.
run: install frontend system-run messages
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --noinput -v0
	@echo ""
	@echo "  Thi đua chạy tại / is running at: http://$(HOST):$(PORT)"
	@echo "  Tài khoản demo / demo accounts (mật khẩu / password: thidua-demo):"
	@echo "    quantri            quản trị hệ thống / system administrator"
	@echo "    canbo.thainguyen   cán bộ TĐKT tỉnh Thái Nguyên / commendation officer"
	@echo "    thuky.bacgiang     thư ký cụm (Bắc Giang) / cluster secretariat"
	@echo "    daumoi.backan      đầu mối Sở Nội vụ Bắc Kạn / focal point"
	@echo "    hoidong.tw         thành viên HĐTĐKT Trung ương / council member"
	@echo "    xem.ninhbinh       người xem / viewer"
	@echo ""
	@SECURE_COOKIES=$${SECURE_COOKIES:-0} ; export SECURE_COOKIES ; \
	  $(PY) manage.py db_worker --interval 1 >var/worker.log 2>&1 & worker=$$! ; \
	  trap "kill $$worker 2>/dev/null" EXIT INT TERM ; \
	  .venv/bin/gunicorn thidua.wsgi:application --bind $(HOST):$(PORT) --workers 2 --access-logfile -

## make test: lint, type-check, Django checks, then the whole pytest suite (browser tests included).
test: install-dev frontend system-test messages lint
	$(PY) -m pytest -q -n 2 --dist loadgroup

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .
	THIDUA_TESTING=1 $(PY) manage.py check
	THIDUA_TESTING=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m tools.audit_dependencies

bench: install-dev frontend
	$(PY) -m bench.run
	$(PY) -m bench.dossiers
	$(PY) -m bench.register

## make loadtest: the year-end deadline on the 1,000,000-person register in PostgreSQL (about 8
## minutes, plus 6 the first time to generate the register); figures in var/loadtest/report.json.
loadtest: install-load frontend system-load
	$(PY) -m loadtest.run

## make faults: kill -9 a web worker mid-save, the task worker mid-import, restart PostgreSQL.
faults: install-load frontend system-load
	$(PY) -m loadtest.faults

worker: install
	$(PY) manage.py db_worker

.venv/bin/python:
	@python3 -c "import venv, ensurepip" 2>/dev/null || { $(APT_GET) update -qq && $(APT_GET) install -y -qq python3 python3-venv python3-dev; }
	python3 -m venv .venv
	$(PIP) install -q --upgrade pip setuptools

.venv/.runtime: .venv/bin/python pyproject.toml
	$(PIP) install -q -e .
	@touch $@

.venv/.dev: .venv/.runtime
	$(PIP) install -q -e ".[dev]"
	@touch $@

.venv/.load: .venv/.dev
	$(PIP) install -q -e ".[dev,load]"
	@touch $@

install: .venv/.runtime
install-dev: .venv/.dev
install-load: .venv/.load

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { $(APT_GET) update -qq && $(APT_GET) install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend: node_modules/.installed

# System packages (we are root on Debian): gettext for the catalogues; Chromium and fonts for tests.
system-run:
	@command -v msgfmt >/dev/null && ldconfig -p | grep -q libpangoft2 && fc-list | grep -qi "liberation serif" || { \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation2; }

system-test: system-run
	@test -x /usr/bin/chromium && command -v zbarimg >/dev/null && command -v pdftoppm >/dev/null && fc-list | grep -qi "liberation sans" || { \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq chromium fonts-liberation2 fonts-dejavu-core poppler-utils zbar-tools; }

# The load test's front server and database (PostgreSQL is started if it is down).
system-load: system-run
	@command -v nginx >/dev/null && command -v pg_ctlcluster >/dev/null || { \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq nginx postgresql; }
	@pg_isready -q || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start

messages: install
	@THIDUA_TESTING=1 $(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules

clean:
	rm -rf var/staticfiles .mypy_cache .ruff_cache
