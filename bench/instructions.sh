#!/usr/bin/env bash
# Instructions per request: wc-api-server under valgrind's callgrind, driven by wrk with the API benchmark's
# scenario scripts. Unlike requests/s on a shared VM, the count barely moves from run to run (±1 %), so it shows
# what a code change costs or saves before a full `make bench-api`. User-space instructions only: the kernel's
# share (TCP, syscalls) is not counted.
#
#   bash bench/instructions.sh                       # get,list,create,update,mix,orders,order_create, 10 s each
#   SCENARIOS=get,mix SECONDS_PER_RUN=20 bash bench/instructions.sh
#   SERVER_BIN=/path/to/wc-api-server bash bench/instructions.sh   # skip the build (compare two binaries)
#   KEEP=1 bash bench/instructions.sh                # keep the callgrind files (callgrind_annotate --inclusive=yes F)
#   STORE_SQL='DROP INDEX …;' bash bench/instructions.sh   # measure a schema variant: SQL run on the seeded store
#
# Per scenario: a copy of one seeded store (10,000 customers and the orders fixture, as api-bench.sh), the server
# started under `valgrind --tool=callgrind --instr-atstart=no`, every customer read once (`filter[limit]=-1`) and
# 3 s of the scenario as warm-up with instrumentation off (and 1.5 s for its background work to finish), then SECONDS_PER_RUN seconds measured (callgrind_control
# -i on/off) with `wrk -t1 -c16`. Prints one line per scenario: requests, instructions, instructions per request.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SCENARIOS=${SCENARIOS:-get,list,create,update,mix,orders,order_create}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
KEEP=${KEEP:-0}
HOST=127.0.0.1
PORT=${PORT:-18391}
LUA_DIR="$ROOT/bench/api"

exec {LOG_FD}>&2
log() { printf '[instructions] %s\n' "$*" >&"$LOG_FD"; }
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WORK=$(mktemp -d /tmp/instructions.XXXXXX)
PIDS=()
CHILD=""
stop_pid() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
trap cleanup EXIT

install_bench_tools sqlite3 valgrind
build_bench_server wc-api-server
cp "$SERVER_BIN" "$WORK/wc-api-server"
SERVER_BIN="$WORK/wc-api-server"

log "seeding 10,000 customers"
"$SERVER_BIN" seed --database "$WORK/pristine.sqlite" --customers 10000 >&2
"$SERVER_BIN" keys create --database "$WORK/pristine.sqlite" --json >"$WORK/key.json"
CREDENTIALS=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["consumer_key"] + ":" + d["consumer_secret"])' "$WORK/key.json")
AUTH="Basic $(printf '%s' "$CREDENTIALS" | base64 -w0)"
RUN_ID="$(date +%s)-$$"

# The orders scenarios' fixture, as api-bench.sh makes it: product 1, and customer 100 with 10 paid orders.
"$SERVER_BIN" serve --host "$HOST" --port "$PORT" --database "$WORK/pristine.sqlite" --no-access-log >"$WORK/fixture.log" 2>&1 &
pid=$!
PIDS+=("$pid")
for ((i = 0; i < 100; i++)); do curl -s -o /dev/null "http://$HOST:$PORT/" && break; sleep 0.1; done
curl -fsS -o /dev/null -H "Authorization: $AUTH" -H 'Content-Type: application/json' -X POST \
    -d '{"product":{"title":"Bench Widget","type":"simple","regular_price":"19.99","sku":"BENCH-1"}}' \
    "http://$HOST:$PORT/wc-api/v2/products"
for ((i = 0; i < 10; i++)); do
    curl -fsS -o /dev/null -H "Authorization: $AUTH" -H 'Content-Type: application/json' -X POST \
        -d '{"order":{"customer_id":100,"payment_details":{"method_id":"bacs","method_title":"Direct Bank Transfer","paid":true},"line_items":[{"product_id":1,"quantity":2}],"shipping_lines":[{"method_id":"flat_rate","method_title":"Flat Rate","total":"10.00"}]}}' \
        "http://$HOST:$PORT/wc-api/v2/orders"
done
stop_pid "$pid"
if [[ -n "${STORE_SQL:-}" ]]; then sqlite3 "$WORK/pristine.sqlite" "$STORE_SQL"; fi
sqlite3 "$WORK/pristine.sqlite" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null

IFS=, read -r -a LIST <<<"$SCENARIOS"
printf '%-13s %10s %15s %12s\n' scenario requests instructions per_request
for scenario in "${LIST[@]}"; do
    [[ -f "$LUA_DIR/$scenario.lua" ]] || die "no scenario $scenario (bench/api/$scenario.lua)"
    rm -f "$WORK"/store.sqlite*
    cp "$WORK/pristine.sqlite" "$WORK/store.sqlite"
    out="$WORK/callgrind.$scenario"
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" \
        "$SERVER_BIN" serve --host "$HOST" --port "$PORT" --database "$WORK/store.sqlite" --no-access-log --threads 1 \
        >"$WORK/server.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    for ((i = 0; i < 600; i++)); do curl -s -o /dev/null "http://$HOST:$PORT/" && break; sleep 0.1; done
    curl -fsS -o /dev/null -H "Authorization: $AUTH" "http://$HOST:$PORT/wc-api/v2/customers?filter%5Blimit%5D=-1"
    wrk -t1 -c16 -d3s -s "$LUA_DIR/$scenario.lua" "http://$HOST:$PORT/" -- "$AUTH" "$RUN_ID" warm "$scenario" >/dev/null
    sleep 1.5  # the warm-up's background work (the search index catches up about once a second) stays out
    callgrind_control -i on "$pid" >/dev/null 2>&1
    requests=$(wrk -t1 -c16 -d"${SECONDS_PER_RUN}s" -s "$LUA_DIR/$scenario.lua" "http://$HOST:$PORT/" -- \
        "$AUTH" "$RUN_ID" measured "$scenario" | awk '/requests in/ { print $1 }')
    callgrind_control -i off "$pid" >/dev/null 2>&1
    stop_pid "$pid"
    total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
    printf '%-13s %10d %15d %12d\n' "$scenario" "$requests" "$total" "$((total / requests))"
    if ((KEEP)); then cp "$out" "$ROOT/bench/results/" 2>/dev/null || { mkdir -p "$ROOT/bench/results"; cp "$out" "$ROOT/bench/results/"; }; fi
done
