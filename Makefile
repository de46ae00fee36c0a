# Zikong — two commands for a newcomer: `make run` and `make test`.
# The distribution's Python when it is 3.11+ and can make a venv (Debian's is built with
# profile-guided optimisation: pages cost ~10-20 % less CPU than on a plain source build such
# as pyenv's), else the first python3 on PATH. `make PYTHON=python3.12 …` overrides it.
PYTHON ?= $(shell for p in /usr/bin/python3 python3; do \
	$$p -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& echo $$p && break; done)
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
ZIKONG_BIND ?= 127.0.0.1:8000
ZIKONG_WORKERS ?= 2

.PHONY: setup run test venv assets catalogs migrate demo messages clean bench

setup: venv assets catalogs migrate

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

venv: $(VENV)/.installed

assets:
	bash scripts/fetch_assets.sh

catalogs: venv
	$(BIN)/pybabel compile --statistics -d translations

migrate: venv
	$(FLASK) db upgrade

demo: setup
	$(FLASK) demo --if-empty

run: setup
	$(FLASK) demo --if-empty
	$(BIN)/gunicorn --bind $(ZIKONG_BIND) --workers $(ZIKONG_WORKERS) --no-control-socket \
		--access-logfile - "app:create_app()"

test: setup
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r app.py config.py cli.py demo.py extensions.py backup.py \
		blueprints domain models services
	bash scripts/run_tests.sh

# The benchmark (bench/README.md): generate BENCH_TICKETS tickets and 2,000, serve them with
# gunicorn at make run's ZIKONG_WORKERS, load every page from 127.0.0.1, print the table;
# results in bench/results/. PostgreSQL too when BENCH_POSTGRES_URL (or a PostgreSQL
# ZIKONG_DATABASE_URL) is set.
BENCH_TICKETS ?= 200000
bench: setup
	$(BIN)/python -m bench.run --tickets $(BENCH_TICKETS) --workers $(ZIKONG_WORKERS) $(BENCH_ARGS)

# Re-extract translatable strings and merge them into the catalogs (developers only).
# Sorted by msgid, without source locations: moving code changes nothing in the catalogs, and
# branches that add messages merge without conflicts. No fuzzy guesses (they are nearly
# always wrong): scripts/po_fill.py fills new entries from a table.
messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching \
		--ignore-obsolete --ignore-pot-creation-date

clean:
	rm -rf $(VENV) static/vendor
