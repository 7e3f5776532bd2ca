# The two commands: `make run` (serve) and `make test` (everything). Both work on a fresh Debian machine as root.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)
SWIFT ?= swift
CONFIG ?= release
PORT ?= 8080
DATABASE ?= wc-api.sqlite

VENV ?= .venv

.PHONY: deps build run test citus test-python python-deps bench bench-http bench-api bench-instructions bench-scale-local bench-scale clean

# Installs the system packages the build needs, only when a header or tool is missing. PostgresTests start their
# own throw-away server with initdb/pg_ctl from the postgresql package (never the packaged 15/main cluster).
deps:
	@missing=""; \
	[ -f /usr/include/sqlite3.h ] || missing="$$missing libsqlite3-dev"; \
	[ -f /usr/include/openssl/hmac.h ] || missing="$$missing libssl-dev"; \
	[ -f /usr/include/postgresql/libpq-fe.h ] || missing="$$missing libpq-dev"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v sqlite3 >/dev/null || missing="$$missing sqlite3"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG)

# Builds in release mode, creates the store and a demo key if missing, prints a curl line, serves on $(PORT).
run: build
	@.build/$(CONFIG)/wc-api-server keys demo --database $(DATABASE) --port $(PORT)
	.build/$(CONFIG)/wc-api-server serve --port $(PORT) --database $(DATABASE)

# Every XCTest suite (CitusScaleOutTests among them), then the end-to-end WooAPITests again over PostgreSQL
# (WC_API_TEST_BACKEND=postgres: one throw-away cluster for the run, a database per test made from a template with
# the schema; about 4.5 min), then the customers suites over Citus when it is installed (`make citus`; about 3 min).
test: deps
	ulimit -n "$$(ulimit -Hn)" 2>/dev/null || true; \
	$(SWIFT) build --build-tests && $(SWIFT) test --skip-build
	ulimit -n "$$(ulimit -Hn)" 2>/dev/null || true; \
	WC_API_TEST_BACKEND=postgres $(SWIFT) test --skip-build --filter WooAPITests
	@if [ -f "$$(ls -d /usr/lib/postgresql/*/lib 2>/dev/null | sort -V | tail -n 1)/citus.so" ]; then \
		echo "The customers end-to-end suites on Citus (a coordinator and 2 workers the tests start):"; \
		WC_API_TEST_BACKEND=citus $(SWIFT) test --skip-build --filter 'WooAPITests.Customer'; \
	else \
		echo "SKIPPED: the Citus suites (citus.so is not installed; 'make citus' builds it from ../shared/citus)"; \
	fi
	python3 scripts/citations.py check
	$(MAKE) test-python

# Builds Citus 13.2 from the source release in ../shared/citus and installs it into the system PostgreSQL (about
# 1-2 minutes, once per machine; CITUS_SH=path for another copy of the script). The Citus tests start their own
# coordinator and workers; without citus.so they skip, saying so.
CITUS_SH ?= ../shared/citus/citus.sh
citus: deps
	@if [ -f "$$(ls -d /usr/lib/postgresql/*/lib 2>/dev/null | sort -V | tail -n 1)/citus.so" ]; then \
		echo "citus is installed"; \
	elif [ -f "$(CITUS_SH)" ]; then \
		bash "$(CITUS_SH)" install; \
	else \
		echo "no $(CITUS_SH): Citus cannot be installed here, and the Citus tests will skip"; \
	fi

# The Python suite (Tests/python): the official `woocommerce` client, requests-oauthlib and requests against the
# built debug server, over a SQLite store and then over PostgreSQL (a throw-away cluster the suite starts).
# Creates $(VENV) (installing python3-venv first when the system Python cannot make one, as on a fresh Debian),
# then installs the pinned packages whenever Tests/python/requirements.txt changed.
python-deps: deps
	@[ -x $(VENV)/bin/pip ] || python3 -m venv $(VENV) >/dev/null 2>&1 || { \
		rm -rf $(VENV); echo "installing: python3-venv python3-pip"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip && \
		python3 -m venv $(VENV); }
	@cmp -s Tests/python/requirements.txt $(VENV)/.requirements 2>/dev/null || { \
		$(VENV)/bin/python -m pip install -q --disable-pip-version-check -r Tests/python/requirements.txt && \
		cp Tests/python/requirements.txt $(VENV)/.requirements; }

test-python: python-deps
	$(SWIFT) build --product wc-api-server
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider Tests/python
	WC_API_TEST_BACKEND=postgres $(VENV)/bin/python -m pytest -q -p no:cacheprovider Tests/python

bench: bench-http bench-api

bench-http: deps
	bash bench/http-bench.sh

bench-api: deps
	bash bench/api-bench.sh

# Instructions per request under callgrind (steady from run to run, unlike req/s): for comparing code changes.
bench-instructions: deps
	bash bench/instructions.sh

# List, count and GET latencies over stores of 10k, 100k and 1M customers (issue 11); seeded stores are kept in
# bench/results/stores/. SIZES="10000 100000" for a quicker run, SERVER_BIN=path to measure another build.
bench-scale-local: deps
	bash bench/scale-bench.sh

# The API scenarios on PostgreSQL beside SQLite and nginx, durable commits on both (issue 12): bench/pg-bench.sh.
bench-scale: deps
	bash bench/pg-bench.sh

clean:
	rm -rf .build $(VENV)
