# Videologue's commands. A fresh Debian 12 with Python 3.11 needs only `make run` and `make test`.

PYTHON ?= python3
UV_VERSION := 0.13.9

# The system uv when there is one; otherwise one installed from PyPI into var/tools.
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/var/tools/bin/uv)
# --frozen: run exactly what uv.lock says, and never rewrite it.
RUN := $(UV) run --frozen

# apt-get without questions, through sudo only when we are not root already.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

.DEFAULT_GOAL := help
.PHONY: help install migrate seed run cluster test-deps test lint bench clean

help: ## List the commands.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(CURDIR)/var/tools/bin/uv:
	@echo "uv not found: installing uv==$(UV_VERSION) from PyPI into var/tools"
	@# Debian ships venv (ensurepip) separately, in python3-venv.
	@if ! $(PYTHON) -m venv var/tools >/dev/null 2>&1; then \
		rm -rf var/tools; \
		echo "python3 -m venv failed: installing Debian's python3-venv"; \
		$(APT_GET) update && $(APT_GET) install -y python3-venv; \
		$(PYTHON) -m venv var/tools; \
	fi
	var/tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV) ## Create .venv from uv.lock (dev tools included).
	$(UV) sync --frozen

migrate: install ## Bring the database up to date.
	$(RUN) piccolo migrations forwards all

seed: migrate ## Add the categories (and, on embedded SQLite, the demo user and video).
	$(RUN) python -m app.seed

# HOST and PORT (from the environment or `make run PORT=5000`) are read by app/settings.py.
run: seed ## Serve on http://127.0.0.1:4000 (HOST, PORT override), reloading on Python changes.
	$(RUN) python -m app --reload

cluster: install test-deps ## PostgreSQL, Redis and two nodes (ports 4001, 4002) in var/cluster; Ctrl-C stops all.
	$(RUN) python -m app.devservices.cluster

test-deps: ## Install the Debian packages the tests start: chromium, redis-server, postgresql, nginx.
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v openssl >/dev/null 2>&1 || missing="$$missing openssl"; \
	if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		missing="$$missing postgresql"; \
	elif [ "$$(id -u)" = 0 ] && ! id -u postgres >/dev/null 2>&1; then \
		missing="$$missing postgresql"; \
	fi; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		$(APT_GET) update && $(APT_GET) install -y $$missing; \
	else \
		echo "Test dependencies present: chromium, redis-server, postgresql, nginx."; \
	fi

test: install test-deps ## Run the whole test suite against real servers.
	$(RUN) pytest -q

lint: install ## Check the code with ruff.
	$(RUN) ruff check .

bench: install ## Run the benchmarks (BENCH_ARGS="--scenario fanout", "--quick"; see docs/benchmarks.md).
	$(RUN) python -m bench.run $(BENCH_ARGS)

clean: ## Remove var/ (database, media, sessions, bootstrapped uv).
	rm -rf var
