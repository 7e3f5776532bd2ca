#!/usr/bin/env bash
# PostgreSQL benchmark (issue 12, `make bench-scale`): the API scenarios of bench/api-bench.sh (GET by id, a list
# page of 10, create, the 75/15/5/5 mix) on one wc-api-server over PostgreSQL, beside the same server over SQLite
# and nginx serving the GET body as a static file, in the same run, with durable commits on both back ends
# (PostgreSQL: fsync=on, synchronous_commit=on; SQLite: synchronous=FULL).
#
#   bash bench/pg-bench.sh                         # DURATION=5 per run, SCENARIOS=get,list,create,mix
#   SERVER_BIN=/path/to/wc-api-server bash bench/pg-bench.sh
#   PG_SERVE_ARGS="--threads 8" bash bench/pg-bench.sh   # extra `serve` flags for the PostgreSQL runs
#
# Steps: install wrk/nginx/PostgreSQL if missing; build (release) unless SERVER_BIN; seed a SQLite store with
# CUSTOMERS customers and make a key; start a throw-away PostgreSQL (scripts/postgres.sh) and move the store there
# with `copy-store` (so both back ends start from the same rows and the same key); then per scenario: wrk -t1
# -c$CONNECTIONS against ours on SQLite (a fresh copy of the seeded store), ours on PostgreSQL, and nginx. The server
# runs with its defaults (one event loop per core); wrk is pinned to CPU 0; PostgreSQL runs where the kernel puts it
# (this machine has 2 cores: server, database and load generator share them, so the figures are a floor).
# Every response status is counted (bench/api/common.lua); the report lists non-2xx answers. The Markdown report
# goes to stdout and bench/results/pg-YYYYmmdd-HHMMSS.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DURATION=${DURATION:-5}
SCENARIOS=${SCENARIOS:-get,list,create,mix}
CUSTOMERS=${CUSTOMERS:-10000}
CONNECTIONS=${CONNECTIONS:-64}
HOST=127.0.0.1
PORT=${PORT:-18461}
NGINX_PORT=${NGINX_PORT:-18462}
LUA_DIR="$ROOT/bench/api"

exec {LOG_FD}>&2
log() { printf '[pg-bench] %s\n' "$*" >&"$LOG_FD"; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

WORK=$(mktemp -d /tmp/pg-bench.XXXXXX)
chmod 755 "$WORK"  # the postgres user runs the cluster inside it
PIDS=()
CHILD=""
stop_pid() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
finish() {  # lib.sh's cleanup (servers, the work directory) after stopping the PostgreSQL cluster
    bash "$ROOT/scripts/postgres.sh" stop "$WORK/pg" >/dev/null 2>&1 || true
    cleanup
}
trap finish EXIT

install_bench_tools sqlite3
build_bench_server wc-api-server
cp "$SERVER_BIN" "$WORK/wc-api-server"
SERVER_BIN="$WORK/wc-api-server"
ulimit -n 65536 2>/dev/null || true

log "seeding $CUSTOMERS customers"
"$SERVER_BIN" seed --database "$WORK/seed.sqlite" --customers "$CUSTOMERS" >&2
"$SERVER_BIN" keys create --database "$WORK/seed.sqlite" --description pg-bench --json >"$WORK/key.json"
AUTH="Basic $(python3 -c 'import base64, json, sys; d = json.load(open(sys.argv[1])); print(base64.b64encode((d["consumer_key"] + ":" + d["consumer_secret"]).encode()).decode())' "$WORK/key.json")"
log "starting PostgreSQL"
URL=$(bash "$ROOT/scripts/postgres.sh" start "$WORK/pg" | tail -1)
"$SERVER_BIN" copy-store --from "$WORK/seed.sqlite" --to "$URL" >&2
FSYNC=$(psql "$URL" -Atc "SHOW fsync" 2>/dev/null || echo "?")
SYNC_COMMIT=$(psql "$URL" -Atc "SHOW synchronous_commit" 2>/dev/null || echo "?")

start_server() {  # start_server DATABASE [SERVE_ARGS...]; sets SERVER_PID
    local database=$1
    shift
    "$SERVER_BIN" serve --host "$HOST" --port "$PORT" --database "$database" --no-access-log "$@" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    local deadline=$((SECONDS + 30))
    until curl -sf -o /dev/null "http://$HOST:$PORT/healthz"; do
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server exited"; }
        ((SECONDS < deadline)) || die "the server did not answer"
        sleep 0.05
    done
}
stop_server() { kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }

RUN_ID=$RANDOM$RANDOM
run_wrk() {  # run_wrk SCENARIO PORT LABEL → "req/s p99_ms non2xx"
    local out="$WORK/wrk-$3-$1.txt"
    taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"$DURATION"s --latency -s "$LUA_DIR/$1.lua" "http://$HOST:$2/" \
        -- "$AUTH" "$RUN_ID" "$3" "$1-$3" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed ($3 $1)"; }
    python3 - "$out" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
m = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
stats = re.search(r"API-STATS (\{.*\})", text)
bad = 0
if stats:
    bad = sum(n for code, n in json.loads(stats.group(1))["statuses"].items() if not code.startswith("2"))
errors = re.search(r"Socket errors: (.*)", text)
print(f"{rps:.0f} {p99:.2f} {bad}{' socket:' + errors.group(1).replace(' ', '') if errors else ''}")
PY
}

declare -A RESULT
IFS=, read -r -a LIST <<<"$SCENARIOS"
for scenario in "${LIST[@]}"; do
    cp "$WORK/seed.sqlite" "$WORK/run.sqlite"
    start_server "$WORK/run.sqlite"
    run_wrk "$scenario" "$PORT" warm >/dev/null
    RESULT[sqlite,$scenario]=$(run_wrk "$scenario" "$PORT" sqlite)
    stop_server
    # shellcheck disable=SC2086 # PG_SERVE_ARGS is a list of flags
    start_server "$URL" ${PG_SERVE_ARGS:-}
    run_wrk "$scenario" "$PORT" warm >/dev/null
    RESULT[postgres,$scenario]=$(run_wrk "$scenario" "$PORT" postgres)
    stop_server
    log "$scenario: sqlite ${RESULT[sqlite,$scenario]} | postgres ${RESULT[postgres,$scenario]}"
done

# nginx's static ceiling: the body of one GET as a file.
start_server "$WORK/seed.sqlite"
curl -sf -H "Authorization: $AUTH" "http://$HOST:$PORT/wc-api/v2/customers/4827" >"$WORK/body.json"
stop_server
NGINX_PREFIX="$WORK/nginx"
mkdir -p "$NGINX_PREFIX/www" "$NGINX_PREFIX/logs" "$NGINX_PREFIX/tmp"
cp "$WORK/body.json" "$NGINX_PREFIX/www/body.json"
sed "s/18080/$NGINX_PORT/g" "$ROOT/bench/nginx.conf" >"$NGINX_PREFIX/nginx.conf"
chmod -R a+rX "$NGINX_PREFIX"
"$NGINX" -p "$NGINX_PREFIX/" -c "$NGINX_PREFIX/nginx.conf" -e logs/error.log >/dev/null 2>&1 &
PIDS+=("$!")
sleep 0.5
NGINX_RESULT=$(run_wrk get "$NGINX_PORT" nginx)

REPORT="$ROOT/bench/results/pg-$(date +%Y%m%d-%H%M%S).md"
mkdir -p "$ROOT/bench/results"
{
    echo "# wc-api-server on PostgreSQL and SQLite ($(date -u +%Y-%m-%dT%H:%MZ))"
    echo
    echo "- $CUSTOMERS customers seeded, moved to PostgreSQL with copy-store; wrk -t1 -c$CONNECTIONS, ${DURATION} s per run after a warm-up run."
    echo "- PostgreSQL $(psql "$URL" -Atc 'SHOW server_version' 2>/dev/null || echo '?'): fsync=$FSYNC, synchronous_commit=$SYNC_COMMIT; SQLite: synchronous=FULL, WAL."
    echo "- $(nproc) cores shared by the server, PostgreSQL and wrk (wrk pinned to CPU 0)."
    echo
    echo "| scenario | SQLite req/s | SQLite p99 ms | PostgreSQL req/s | PostgreSQL p99 ms | non-2xx (SQLite / PostgreSQL) |"
    echo "|---|---|---|---|---|---|"
    for scenario in "${LIST[@]}"; do
        read -r srps sp99 sbad <<<"${RESULT[sqlite,$scenario]}"
        read -r prps pp99 pbad <<<"${RESULT[postgres,$scenario]}"
        echo "| $scenario | $srps | $sp99 | $prps | $pp99 | $sbad / $pbad |"
    done
    read -r nrps np99 nbad <<<"$NGINX_RESULT"
    echo
    echo "nginx, the same GET body as a static file: $nrps req/s, p99 $np99 ms."
} | tee "$REPORT"
log "report: $REPORT"
