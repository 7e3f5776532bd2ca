# The two commands: `make run` (serve) and `make test` (everything). Both work on a fresh Debian machine as root.
SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?= release
PORT ?= 8080
DATABASE ?= wc-api.sqlite

.PHONY: deps build run test bench bench-http clean

# Installs the system packages the build needs, only when a header or tool is missing.
deps:
	@missing=""; \
	[ -f /usr/include/sqlite3.h ] || missing="$$missing libsqlite3-dev"; \
	[ -f /usr/include/openssl/hmac.h ] || missing="$$missing libssl-dev"; \
	command -v sqlite3 >/dev/null || missing="$$missing sqlite3"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG)

# Serves the engine's fixed benchmark body until the API server lands (see README).
run: build
	.build/$(CONFIG)/http-bench-server --port $(PORT)

test: deps
	ulimit -n "$$(ulimit -Hn)" 2>/dev/null || true; \
	$(SWIFT) build --build-tests && $(SWIFT) test --skip-build

bench: bench-http

bench-http: deps
	bash bench/http-bench.sh

clean:
	rm -rf .build
