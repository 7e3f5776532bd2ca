#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for development, tests and benchmarks (issue 12): never the packaged 15/main one.
#
#   scripts/postgres.sh start [DIR]   # prints postgresql://postgres@127.0.0.1:PORT/wc as its last line on stdout
#   scripts/postgres.sh stop DIR      # stops the cluster and deletes DIR
#
# `start` installs the `postgresql` package (apt-get) when no initdb is found, then creates a cluster in DIR (a new
# temporary directory when none is given; an existing DIR must be empty or absent) with the C locale, so ordering
# and case folding are byte-wise and ASCII-only as in SQLite; starts it on a free port on 127.0.0.1 with its Unix
# socket inside DIR and durable settings (fsync and synchronous_commit on, PostgreSQL's defaults); and creates the
# database `wc`, owned by the trust-authenticated superuser `postgres`. Progress and the stop command go to stderr,
# so `URL=$(scripts/postgres.sh start | tail -1)` holds the URL alone.
#
# PostgreSQL refuses to run as root, so as root every server tool runs as the `postgres` user (`runuser`) and DIR
# is handed to it; the parent directories must let that user through (a directory under /tmp always does).
# Environment: PG_BIN overrides the directory of initdb/pg_ctl (default: the newest /usr/lib/postgresql/*/bin).
set -euo pipefail

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

# The newest Debian server binaries, or $PG_BIN (which must hold them: it is never installed into).
find_bin() {
    if [ -n "${PG_BIN:-}" ]; then
        [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] || die "PG_BIN=$PG_BIN holds no initdb and pg_ctl"
        echo "$PG_BIN"
        return
    fi
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | while read -r dir; do
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
    done | tail -1
}

# Runs a server tool as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A random TCP port in 20000-60999 that nothing on 127.0.0.1 accepts connections on right now; the caller retries
# when it is taken before the server binds it.
free_port() {
    local port
    while true; do
        port=$((20000 + RANDOM % 41000))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
}

start() {
    local dir="${1:-}"
    local bin
    bin=$(find_bin)
    if [ -z "$bin" ]; then
        say "no initdb found: installing postgresql"
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        bin=$(find_bin)
        [ -n "$bin" ] || die "postgresql is installed but no /usr/lib/postgresql/*/bin/initdb was found"
    fi
    if [ -z "$dir" ]; then
        dir=$(mktemp -d "${TMPDIR:-/tmp}/wc-postgres.XXXXXX")
    else
        mkdir -p "$dir"
        [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
    fi
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    chmod 700 "$dir"

    say "initdb in $dir/data ($bin)"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

    # A port free a moment ago can be taken before the server binds it: try a few.
    local port attempt
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on" \
            start >"$dir/pg_ctl.log" 2>&1; then
            break
        fi
        [ "$attempt" -lt 5 ] || { cat "$dir/pg_ctl.log" "$dir/server.log" >&2; die "the server did not start"; }
        say "port $port was taken; trying another"
    done
    echo "$port" >"$dir/port"

    "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c 'CREATE DATABASE wc' >&2 || die "CREATE DATABASE wc failed"
    say "running on 127.0.0.1:$port; stop it with: $0 stop $dir"
    echo "postgresql://postgres@127.0.0.1:$port/wc"
}

stop() {
    local dir="${1:-}"
    [ -n "$dir" ] || die "usage: $0 stop DIR"
    [ -d "$dir/data" ] || die "$dir holds no cluster (no $dir/data)"
    local bin
    bin=$(find_bin)
    [ -n "$bin" ] || die "no initdb/pg_ctl found"
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2 || die "pg_ctl stop failed; $dir left alone"
    fi
    rm -rf "$dir"
    say "stopped and removed $dir"
}

case "${1:-}" in
    start) shift; start "$@" ;;
    stop) shift; stop "$@" ;;
    *) echo "usage: $0 start [DIR] | stop DIR" >&2; exit 2 ;;
esac
