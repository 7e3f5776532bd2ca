#!/usr/bin/env bash
# Scale benchmark (issue 11: one machine at a big store's scale): list, count and single-customer latencies of
# wc-api-server over stores of 10k, 100k and 1M customers with as many orders, plus create throughput.
#
#   make bench-scale-local                                   # SIZES="10000 100000 1000000"
#   SIZES="10000 100000" bash bench/scale-bench.sh           # quicker
#   SERVER_BIN=/path/to/other/wc-api-server bash bench/scale-bench.sh   # measure another build on the same stores
#
# Per size: a store seeded once with `wc-api-server seed --customers N --orders M` and kept in
# bench/results/stores/scale-<N>c-<M>o.sqlite (gitignored) with its seed line and a read_write key beside it, so
# reruns reuse it (RESEED=1 seeds again; SKIP_SEED=1 never seeds and fails if a store is missing). Then:
#   1. the server (default threads) on the store; bench/scale/measure.py sends up to REQUESTS sequential keep-alive
#      requests to each list shape at page 1, the middle page and the last page (fewer past BUDGET seconds), and
#      to the count endpoints; X-WC-Total is reported with each row;
#   2. the server restarted with `--threads 1`: GET /customers/<id> (random ids) alone, then beside CLIENTS
#      clients looping the most expensive customers list request of step 1;
#   3. on the largest size only (CREATE_SIZES to change): `wrk -t1 -c8 -d10s bench/api/create.lua` POST /customers
#      against a copy of the store (default threads), so the kept store does not grow.
# Any status other than 200 (201 for creates) fails the run with the first failing body, as does a list request
# unanswered within TIMEOUT; a GET of step 2 unanswered within TIMEOUT (the loop blocked by the load) is counted
# as TIMEOUT and reported. The Markdown report goes
# to stdout and bench/results/scale-YYYYmmdd-HHMMSS.md; progress to stderr.
#
# Environment (defaults): SIZES="10000 100000 1000000" ORDERS= (orders per store; default: as many as customers)
#   REQUESTS=200 BUDGET=5 TIMEOUT=30 GET_REQUESTS=2000 GET_BUDGET=20 (seconds per
#   condition) CLIENTS=8 CREATE_SECONDS=10 CREATE_SIZES=<largest size>
#   PORT=18391 (the next free one above it when not given) SERVER_BIN= (default: build this tree) SEED_BIN= (default: SERVER_BIN) SCRATCH_PATH=
#   RESEED=0 SKIP_SEED=0
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SIZES=${SIZES:-10000 100000 1000000}
ORDERS=${ORDERS:-}
REQUESTS=${REQUESTS:-200}
BUDGET=${BUDGET:-5}
TIMEOUT=${TIMEOUT:-30}
GET_REQUESTS=${GET_REQUESTS:-2000}
GET_BUDGET=${GET_BUDGET:-20}
CLIENTS=${CLIENTS:-8}
CREATE_SECONDS=${CREATE_SECONDS:-10}
PORT_SET=${PORT:+1}
PORT=${PORT:-18391}
RESEED=${RESEED:-0}
SKIP_SEED=${SKIP_SEED:-0}
HOST=127.0.0.1
STORES="$ROOT/bench/results/stores"
MEASURE="$ROOT/bench/scale/measure.py"

exec {LOG_FD}>&2
log() { printf '[scale-bench] %s\n' "$*" >&"$LOG_FD"; }
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

read -r -a SIZE_LIST <<<"$SIZES"
((${#SIZE_LIST[@]} > 0)) || die "SIZES is empty"
for size in "${SIZE_LIST[@]}"; do [[ "$size" =~ ^[1-9][0-9]*$ ]] || die "SIZES: '$size' is not a positive integer"; done
[[ -z "$ORDERS" || "$ORDERS" =~ ^[0-9]+$ ]] || die "ORDERS must be a number"
LARGEST=$(printf '%s\n' "${SIZE_LIST[@]}" | sort -n | tail -1)
CREATE_SIZES=${CREATE_SIZES:-$LARGEST}

WORK=$(mktemp -d /tmp/scale-bench.XXXXXX)
PIDS=()
CHILD=""
stop_pid() {  # SIGTERM, up to 10 s for the graceful shutdown, then SIGKILL
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

SERVER_PID=""
SERVER_STARTS=0
start_server() {  # start_server STORE EXTRA_ARGS...
    local store=$1
    shift
    if [[ -z "$PORT_SET" ]]; then while port_in_use "$PORT"; do PORT=$((PORT + 2)); done; fi
    port_in_use "$PORT" && die "port $PORT is already in use"
    SERVER_STARTS=$((SERVER_STARTS + 1))
    local logfile="$WORK/server-$SERVER_STARTS.log"  # a new file per start: no old "listening on" to misread
    "$SERVER_BIN" serve --host "$HOST" --port "$PORT" --database "$store" --no-access-log "$@" >"$logfile" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    local deadline=$((SECONDS + 120))
    until grep -q 'listening on' "$logfile" 2>/dev/null; do
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$logfile" >&2; die "server exited before listening"; }
        ((SECONDS < deadline)) || die "server did not listen within 120 s"
        sleep 0.1
    done
}
stop_server() { [[ -n "$SERVER_PID" ]] && stop_pid "$SERVER_PID"; SERVER_PID=""; }

store_mb() { python3 -c 'import os, sys; print(sum(os.path.getsize(f) for f in sys.argv[1:] if os.path.exists(f)) / 1048576)' "$1" "$1-wal"; }

# ---------------------------------------------------------------------------------------------- build
command -v python3 >/dev/null || die "python3 is required"
command -v wrk >/dev/null || { install_bench_tools; }
build_bench_server wc-api-server
cp "$SERVER_BIN" "$WORK/wc-api-server"  # a private copy: a parallel build may relink the original
SERVER_BIN_SRC=$SERVER_BIN
SERVER_BIN="$WORK/wc-api-server"
SEED_BIN=${SEED_BIN:-$SERVER_BIN}
mkdir -p "$STORES"
NOISE=$(busy_builds)
((NOISE == 0)) || log "WARNING: $NOISE swift build/compile process(es) running: results will be noisy"
LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg)

REPORT="$WORK/report.md"
{
    echo "# Scale benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "- Server: \`$SERVER_BIN_SRC\` ($BUILD_NOTE); $(nproc) CPUs; load average at start $LOADAVG_START; $NOISE compile processes at start"
    echo "- Client: bench/scale/measure.py (Python http.client, one keep-alive connection, Basic auth over loopback);"
    echo "  REQUESTS=$REQUESTS BUDGET=${BUDGET}s TIMEOUT=${TIMEOUT}s GET_REQUESTS=$GET_REQUESTS GET_BUDGET=${GET_BUDGET}s CLIENTS=$CLIENTS"
    echo "- Latencies are client-side wall times (ms) of whole requests, including Python's own overhead (~0.1 ms)"
} >"$REPORT"

for size in "${SIZE_LIST[@]}"; do
    orders=${ORDERS:-$size}
    store="$STORES/scale-${size}c-${orders}o.sqlite"
    if [[ "$RESEED" == 1 ]]; then rm -f "$store" "$store-wal" "$store-shm" "$store.seed" "$store.key"; fi
    if [[ ! -f "$store.seed" ]]; then
        [[ "$SKIP_SEED" == 1 ]] && die "SKIP_SEED=1 but $store is not seeded"
        rm -f "$store" "$store-wal" "$store-shm" "$store.key"
        log "seeding $size customers and $orders orders into $store"
        "$SEED_BIN" seed --database "$store" --customers "$size" --orders "$orders" | tee "$store.seed.tmp" >&2
        mv "$store.seed.tmp" "$store.seed"
    else
        log "reusing $store ($(cat "$store.seed"))"
    fi
    if [[ ! -f "$store.key" ]]; then
        "$SEED_BIN" keys create --database "$store" --description scale-bench --json >"$store.key.tmp"
        mv "$store.key.tmp" "$store.key"
    fi
    CREDENTIALS=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["consumer_key"] + ":" + d["consumer_secret"])' "$store.key")
    AUTH="Basic $(printf '%s' "$CREDENTIALS" | base64 -w0)"
    MB=$(store_mb "$store")

    log "size $size: lists and counts (default threads)"
    start_server "$store"
    run_fg python3 "$MEASURE" lists --port "$PORT" --auth "$AUTH" --out "$WORK/lists-$size.json" \
        --requests "$REQUESTS" --budget "$BUDGET" --timeout "$TIMEOUT" || die "list measurements failed (size $size)"
    stop_server

    log "size $size: GET /customers/<id> alone and under load (--threads 1)"
    start_server "$store" --threads 1
    run_fg python3 "$MEASURE" get --port "$PORT" --auth "$AUTH" --lists "$WORK/lists-$size.json" --out "$WORK/get-$size.json" \
        --get-requests "$GET_REQUESTS" --get-budget "$GET_BUDGET" --clients "$CLIENTS" --timeout "$TIMEOUT" || die "GET measurements failed (size $size)"
    stop_server

    create_args=()
    if [[ " $CREATE_SIZES " == *" $size "* ]]; then
        log "size $size: create throughput on a copy of the store"
        cp "$store" "$WORK/create.sqlite"
        [[ -f "$store-wal" ]] && cp "$store-wal" "$WORK/create.sqlite-wal"
        start_server "$WORK/create.sqlite"
        RUN_ID="$(date +%s)-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
        run_fg wrk -t1 -c8 -d"${CREATE_SECONDS}s" --timeout "${TIMEOUT}s" -s "$ROOT/bench/api/create.lua" \
            "http://$HOST:$PORT/wc-api/v2/customers" -- "$AUTH" "$RUN_ID" 1 scale >"$WORK/create-$size.txt" \
            || die "wrk failed: $(cat "$WORK/create-$size.txt")"
        stop_server
        rm -f "$WORK/create.sqlite" "$WORK/create.sqlite-wal" "$WORK/create.sqlite-shm"
        python3 - "$WORK/create-$size.txt" "$WORK/create-$size.json" "$CREATE_SECONDS" <<'EOF' || die "creates failed"
import json, re, sys
text = open(sys.argv[1]).read()
stats = json.loads(re.search(r"API-STATS (\{.*\})", text).group(1))
statuses = stats["statuses"]
rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))
json.dump({"rps": rps, "statuses": statuses, "connections": 8, "seconds": int(sys.argv[3])}, open(sys.argv[2], "w"))
bad = {k: v for k, v in statuses.items() if k != "201"}
errors = re.search(r"Socket errors: .*", text)
if bad or errors:
    print(f"[scale-bench] FAILED: creates answered {statuses}; {errors.group(0) if errors else ''}", file=sys.stderr)
    sys.exit(1)
EOF
        create_args=(--create "$WORK/create-$size.json")
    fi
    python3 "$MEASURE" report --size "$size" --orders "$orders" --seed-line "$(cat "$store.seed")" --store-mb "$MB" \
        --requests "$REQUESTS" --budget "$BUDGET" --timeout "$TIMEOUT" --get-requests "$GET_REQUESTS" --get-budget "$GET_BUDGET" \
        --lists "$WORK/lists-$size.json" --get "$WORK/get-$size.json" \
        "${create_args[@]}" >>"$REPORT"
done

mkdir -p "$ROOT/bench/results"
OUT="$ROOT/bench/results/scale-$(date +%Y%m%d-%H%M%S).md"
cp "$REPORT" "$OUT"
cat "$REPORT"
log "report written to $OUT"
