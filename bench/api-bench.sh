#!/usr/bin/env bash
# API benchmark: wc-api-server (the WooCommerce legacy v2 customers API on SQLite) against nginx serving a static
# file of the same size as one `GET /wc-api/v2/customers/<id>` response body, one core each, on loopback.
#
#   bash bench/api-bench.sh                          # ROUNDS=3 DURATION=5, 4 scenarios: about 1.5 minutes + build
#   ROUNDS=1 DURATION=3 bash bench/api-bench.sh      # quick functional check
#   SCENARIOS=get,create bash bench/api-bench.sh     # a subset of get,list,create,mix,orders,order_create
#   SERVER_BIN=/path/to/wc-api-server bash bench/api-bench.sh   # skip the build
#
# Steps: install wrk/nginx/sqlite3 if missing; build wc-api-server (release) unless SERVER_BIN is set; seed a
# fresh store with 10,000 customers in a temp dir and create a read_write key; start our server (`--threads 1`,
# `--synchronous full`) pinned to CPU 1; fetch one customer with curl and save its body as nginx's static file;
# start nginx (bench/nginx.conf) pinned to CPU 1; then ROUNDS interleaved rounds: for every scenario, `wrk -t1
# -c64 --latency -s bench/api/<scenario>.lua` pinned to CPU 0 against ours, then bench/api/get.lua against nginx
# (the same static GET every time, so each ratio compares measurements taken at the same time). The servers'
# CPU time per request comes from /proc/PID/stat. Every response status is counted in Lua (bench/api/common.lua);
# any non-2xx from ours fails the run. At the end the store must hold 10,000 + (201s received) customers, give or
# take the creates still in flight when wrk stopped (never fewer: an acknowledged create must not be lost).
# The Markdown report goes to stdout and to bench/results/api-YYYYmmdd-HHMMSS.md; progress goes to stderr.
# Exit status 1 when ours answered a non-2xx, a socket error happened, or acknowledged creates are missing.
#
# Environment (defaults): ROUNDS=3 DURATION=5 (seconds per wrk run) WARMUP=1 (seconds, per server)
#   CONNECTIONS=64 SCENARIOS=get,list,create,mix OUR_PORT=18091 NGINX_PORT=18090 BODY_ID=4827
#   SERVER_CPU=1 CLIENT_CPU=0 SERVER_BIN= SCRATCH_PATH= (default .build, or .build-bench if .build is busy)
#   FRESH_STORE=1: every measured run of ours starts from a copy of the freshly seeded store (10,000 customers,
#   the orders fixture) on a restarted server, warmed up for WARMUP seconds with the same scenario, so no scenario
#   measures a store that earlier creates have grown (a 5 s create run adds ~50,000 customers). FRESH_STORE=0
#   keeps one store and one server for the whole run, as before.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-1}
FRESH_STORE=${FRESH_STORE:-1}
CONNECTIONS=${CONNECTIONS:-64}
SCENARIOS=${SCENARIOS:-get,list,create,mix,orders,order_create}
OUR_PORT_SET=${OUR_PORT:+1}
NGINX_PORT_SET=${NGINX_PORT:+1}
OUR_PORT=${OUR_PORT:-18191}
NGINX_PORT=${NGINX_PORT:-18190}
BODY_ID=${BODY_ID:-4827}
SERVER_CPU=${SERVER_CPU:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
SEED_CUSTOMERS=10000  # bench/api/common.lua assumes ids 2..10001
HOST=127.0.0.1
LUA_DIR="$ROOT/bench/api"

exec {LOG_FD}>&2  # progress messages still reach the terminal from inside redirected blocks (traps)
log() { printf '[api-bench] %s\n' "$*" >&"$LOG_FD"; }
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IFS=, read -r -a SCENARIO_LIST <<<"$SCENARIOS"
((${#SCENARIO_LIST[@]} > 0)) || die "SCENARIOS is empty"
for s in "${SCENARIO_LIST[@]}"; do
    case "$s" in
        get | list | create | mix | orders | order_create) [[ -f "$LUA_DIR/$s.lua" ]] || die "missing $LUA_DIR/$s.lua" ;;
        *) die "unknown scenario '$s' in SCENARIOS (choose from get,list,create,mix,orders,order_create)" ;;
    esac
done

# ---------------------------------------------------------------------------------------------- processes
WORK=$(mktemp -d /tmp/api-bench.XXXXXX)
chmod 755 "$WORK"  # nginx workers run as nobody and must reach the document root
PIDS=()

STOP_STATUS=0
stop_pid() {  # stop_pid PID: SIGTERM, wait up to 10 s (graceful shutdown), then SIGKILL; exit status in STOP_STATUS
    local pid=$1 i
    STOP_STATUS=0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "pid $pid did not stop after SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || STOP_STATUS=$?
}

# Clients run in the background and are waited for, so that an interrupt runs the INT/TERM trap at once (bash
# defers traps while a foreground child runs, and skips them if that child handles SIGINT itself, as wrk does).
CHILD=""

trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

free_port() {  # free_port PORT: PORT, or the next free one above it (used only when the port was not given)
    local port=$1
    while port_in_use "$port"; do port=$((port + 2)); done
    echo "$port"
}

wait_ready() {  # wait_ready NAME PORT PID LOGFILE [TIMEOUT_SECONDS]: any HTTP answer on / (ours gives 404 there)
    local name=$1 port=$2 pid=$3 logfile=$4 timeout=${5:-30}
    local deadline=$((SECONDS + timeout))
    until curl -sS -o /dev/null --max-time 1 "http://$HOST:$port/" 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null; then
            cat "$logfile" >&2 || true
            die "$name exited before answering on port $port"
        fi
        ((SECONDS < deadline)) || { cat "$logfile" >&2 || true; die "$name did not answer on port $port within ${timeout}s"; }
        sleep 0.05
    done
    log "$name (pid $pid) answers on $HOST:$port"
}

start_ours() {  # start_ours PORT CPU(or "") EXTRA_ARGS... ; sets STARTED_PID
    local port=$1 cpu=$2
    shift 2
    port_in_use "$port" && die "port $port is already in use"
    local logfile="$WORK/ours-$port.log"
    local -a cmd=("$SERVER_BIN" serve --host "$HOST" --port "$port" --database "$STORE" --no-access-log "$@")
    [[ -n "$cpu" ]] && cmd=(taskset -c "$cpu" "${cmd[@]}")
    "${cmd[@]}" >"$logfile" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
    wait_ready "wc-api-server" "$port" "$STARTED_PID" "$logfile"
    grep -q 'listening on' "$logfile" || log "WARNING: wc-api-server answers but did not print 'listening on'"
}

start_nginx() {  # start_nginx PORT CPU(or "") BODYFILE ; sets STARTED_PID and NGINX_PREFIX
    local port=$1 cpu=$2 body=$3
    port_in_use "$port" && die "port $port is already in use"
    NGINX_PREFIX="$WORK/nginx-$port"
    mkdir -p "$NGINX_PREFIX/www" "$NGINX_PREFIX/logs" "$NGINX_PREFIX/tmp"
    cp "$body" "$NGINX_PREFIX/www/body.json"
    sed "s/18080/$port/g" "$ROOT/bench/nginx.conf" >"$NGINX_PREFIX/nginx.conf"
    chmod -R a+rX "$NGINX_PREFIX"
    local -a cmd=("$NGINX" -p "$NGINX_PREFIX/" -c "$NGINX_PREFIX/nginx.conf" -e logs/error.log)
    [[ -n "$cpu" ]] && cmd=(taskset -c "$cpu" "${cmd[@]}")
    "${cmd[@]}" >"$NGINX_PREFIX/logs/stdout.log" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
    wait_ready "nginx" "$port" "$STARTED_PID" "$NGINX_PREFIX/logs/error.log"
}



store_bytes() {  # the store and its -wal/-shm files, in bytes
    local total=0 f
    for f in "$STORE" "$STORE-wal" "$STORE-shm"; do
        [[ -f "$f" ]] && total=$((total + $(stat -c %s "$f")))
    done
    echo "$total"
}

count_customers() { sqlite3 "$STORE" "select count(*) from users where role='customer'"; }
count_orders() { sqlite3 "$STORE" "select count(*) from orders"; }

# ---------------------------------------------------------------------------------------------- tools
install_bench_tools sqlite3

# ---------------------------------------------------------------------------------------------- build
build_bench_server wc-api-server
# Run a private copy: another engineer's build may relink the binary in place during the benchmark.
cp "$SERVER_BIN" "$WORK/wc-api-server"
SERVER_BIN_SRC=$SERVER_BIN
SERVER_BIN="$WORK/wc-api-server"

# ---------------------------------------------------------------------------------------------- limits
WANT_NOFILE=65536
HARD_NOFILE=$(ulimit -Hn)
if [[ "$HARD_NOFILE" != unlimited ]] && ((HARD_NOFILE < WANT_NOFILE)); then
    ulimit -Hn "$WANT_NOFILE" 2>/dev/null || WANT_NOFILE=$HARD_NOFILE
fi
ulimit -n "$WANT_NOFILE"
NOFILE=$(ulimit -n)
log "ulimit -n $NOFILE"

# ---------------------------------------------------------------------------------------------- noise check
NOISE_SAMPLES=()
note_noise
if [[ "${NOISE_SAMPLES[0]}" != 0 ]]; then
    log "WARNING: ${NOISE_SAMPLES[0]} swift build/compile process(es) running: results will be noisy"
fi
LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------- store + key
STORE="$WORK/store.sqlite"
log "seeding $SEED_CUSTOMERS customers into $STORE"
"$SERVER_BIN" seed --database "$STORE" --customers "$SEED_CUSTOMERS" >&2
CUSTOMERS_BEFORE=$(count_customers)
((CUSTOMERS_BEFORE == SEED_CUSTOMERS)) || die "seeded store holds $CUSTOMERS_BEFORE customers, expected $SEED_CUSTOMERS"
"$SERVER_BIN" keys create --database "$STORE" --description "api-bench" --json >"$WORK/key.json"
CREDENTIALS=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["consumer_key"] + ":" + d["consumer_secret"])' "$WORK/key.json")
AUTH="Basic $(printf '%s' "$CREDENTIALS" | base64 -w0)"
STORE_BYTES_BEFORE=$(store_bytes)
STORE_FS=$(df -T "$WORK" | awk 'NR == 2 { print $2 }')
RUN_ID="$(date +%s)-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"  # makes create emails unique per run
log "store ready ($CUSTOMERS_BEFORE customers, $STORE_BYTES_BEFORE bytes on $STORE_FS); run id $RUN_ID"

# ---------------------------------------------------------------------------------------------- servers
# Other people's servers may hold the default ports: move up unless the port was given explicitly.
[[ -z "$OUR_PORT_SET" ]] && OUR_PORT=$(free_port "$OUR_PORT")
[[ -z "$NGINX_PORT_SET" ]] && NGINX_PORT=$(free_port "$NGINX_PORT")
[[ "$OUR_PORT" != "$NGINX_PORT" ]] || die "OUR_PORT and NGINX_PORT are both $OUR_PORT"
start_ours "$OUR_PORT" "$SERVER_CPU" --threads 1 --synchronous full
OURS_PID=$STARTED_PID

# The orders scenarios: one product, and customer $ORDERS_CUSTOMER (bench/api/common.lua) with 10 paid orders.
ORDERS_CUSTOMER=100
curl -fsS -o /dev/null -H "Authorization: $AUTH" -H 'Content-Type: application/json' -X POST \
    -d '{"product":{"title":"Bench Widget","type":"simple","regular_price":"19.99","sku":"BENCH-1"}}' \
    "http://$HOST:$OUR_PORT/wc-api/v2/products" || die "POST /products failed on our server"
for ((i = 0; i < 10; i++)); do
    curl -fsS -o /dev/null -H "Authorization: $AUTH" -H 'Content-Type: application/json' -X POST \
        -d '{"order":{"customer_id":'"$ORDERS_CUSTOMER"',"payment_details":{"method_id":"bacs","method_title":"Direct Bank Transfer","paid":true},"line_items":[{"product_id":1,"quantity":2}],"shipping_lines":[{"method_id":"flat_rate","method_title":"Flat Rate","total":"10.00"}]}}' \
        "http://$HOST:$OUR_PORT/wc-api/v2/orders" || die "POST /orders failed on our server"
done
ORDERS_BEFORE=$(count_orders)
log "created product 1 and $ORDERS_BEFORE orders for customer $ORDERS_CUSTOMER"

# nginx's file: one real GET-by-id body from our server, so both send the same number of body bytes.
curl -fsS -H "Authorization: $AUTH" -D "$WORK/ours.headers" -o "$WORK/body.json" \
    "http://$HOST:$OUR_PORT/wc-api/v2/customers/$BODY_ID" || die "GET /wc-api/v2/customers/$BODY_ID failed on our server"
BODY_BYTES=$(wc -c <"$WORK/body.json")
log "saved customer $BODY_ID as the nginx body ($BODY_BYTES bytes)"

start_nginx "$NGINX_PORT" "$SERVER_CPU" "$WORK/body.json"
NGINX_PID=$STARTED_PID
read -r -a NGINX_PIDS <<<"$(process_tree "$NGINX_PID")"
log "nginx processes: ${NGINX_PIDS[*]}"
curl -fsS -D "$WORK/nginx.headers" -o "$WORK/nginx.body" "http://$HOST:$NGINX_PORT/wc-api/v2/customers/$BODY_ID"
cmp "$WORK/body.json" "$WORK/nginx.body" || die "nginx does not return the saved body"
OURS_CT=$(grep -i '^content-type:' "$WORK/ours.headers" | tr -d '\r' | cut -d' ' -f2-)
NGINX_CT=$(grep -i '^content-type:' "$WORK/nginx.headers" | tr -d '\r' | cut -d' ' -f2-)

# ---------------------------------------------------------------------------------------------- fresh stores
# Customers and orders added over every server lifetime (a fresh store starts from the pristine counts).
CUSTOMERS_ADDED=0
ORDERS_ADDED=0
LIFE_CUSTOMERS=$(count_customers)
LIFE_ORDERS=$(count_orders)
end_life() {  # adds what the current server's lifetime added to the totals; the server must be stopped
    CUSTOMERS_ADDED=$((CUSTOMERS_ADDED + $(count_customers) - LIFE_CUSTOMERS))
    ORDERS_ADDED=$((ORDERS_ADDED + $(count_orders) - LIFE_ORDERS))
}
if ((FRESH_STORE)); then
    stop_pid "$OURS_PID"
    ((STOP_STATUS == 0)) || die "wc-api-server exit status $STOP_STATUS after SIGTERM"
    end_life
    sqlite3 "$STORE" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
    PRISTINE="$WORK/pristine.sqlite"
    cp "$STORE" "$PRISTINE"
    log "pristine store saved ($(count_customers) customers, $(count_orders) orders)"
fi
fresh_ours() {  # fresh_ours: restart ours over a copy of the pristine store
    stop_pid "$OURS_PID"
    ((STOP_STATUS == 0)) || die "wc-api-server exit status $STOP_STATUS after SIGTERM"
    end_life
    rm -f "$STORE" "$STORE-wal" "$STORE-shm"
    cp "$PRISTINE" "$STORE"
    LIFE_CUSTOMERS=$(count_customers)
    LIFE_ORDERS=$(count_orders)
    start_ours "$OUR_PORT" "$SERVER_CPU" --threads 1 --synchronous full
    OURS_PID=$STARTED_PID
}
if ((FRESH_STORE)); then
    start_ours "$OUR_PORT" "$SERVER_CPU" --threads 1 --synchronous full
    OURS_PID=$STARTED_PID
fi

# ---------------------------------------------------------------------------------------------- load
RAW="$WORK/runs.tsv"  # target scenario round outfile cpu_ticks customers-in-store-at-start
: >"$RAW"
RAWLOG="$WORK/raw.txt"
: >"$RAWLOG"
CLK_TCK=$(getconf CLK_TCK)

wrk_cmd() {  # wrk_cmd SCRIPT DURATION PORT ; the script arguments follow separately (they hold the key)
    echo taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"$2"s --latency -s "$LUA_DIR/$1.lua" "http://$HOST:$3/"
}

run_wrk() {  # run_wrk TARGET SCENARIO ROUND SCRIPT PORT PIDS...
    local target=$1 scenario=$2 round=$3 script=$4 port=$5
    shift 5
    local out="$WORK/wrk-$target-$scenario-$round.txt" before after customers=-
    # Creates make the store grow from run to run; note its size (read-only query, WAL mode) for the report.
    [[ "$target" == ours ]] && customers=$(count_customers)
    before=$(cpu_ticks "$@")
    run_fg $(wrk_cmd "$script" "$DURATION" "$port") -- "$AUTH" "$RUN_ID" "$round" "$scenario" >"$out" 2>&1 ||
        { cat "$out" >&2; die "wrk failed against $target ($scenario)"; }
    after=$(cpu_ticks "$@")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$scenario" "$round" "$out" "$((after - before))" "$customers" >>"$RAW"
    { echo "### $target, scenario $scenario, round $round: $(wrk_cmd "$script" "$DURATION" "$port") -- 'Basic …' $RUN_ID $round $scenario"
      cat "$out"; echo; } >>"$RAWLOG"
    log "$target $scenario round $round: $(awk '/Requests\/sec/ { printf "%s req/s", $2 } /Non-2xx/ { printf ", %s NON-2XX", $NF }' "$out")"
}

warm_up_ours() {  # warm_up_ours SCENARIO ROUND: WARMUP seconds of the scenario against ours, recorded as warm-up
    local scenario=$1 round=$2 out="$WORK/wrk-warmup-ours-$1-$2.txt"
    run_fg $(wrk_cmd "$scenario" "$WARMUP" "$OUR_PORT") -- "$AUTH" "$RUN_ID" "warmup$round" "$scenario" >"$out" 2>&1 ||
        { cat "$out" >&2; die "wrk warm-up failed against ours ($scenario)"; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' warmup "$scenario" "$round" "$out" 0 "$(count_customers)" >>"$RAW"
    { echo "### warm-up, ours, $scenario, round $round"; cat "$out"; echo; } >>"$RAWLOG"
}

if ((WARMUP > 0)) && ((FRESH_STORE)); then
    run_fg $(wrk_cmd get "$WARMUP" "$NGINX_PORT") -- "$AUTH" "$RUN_ID" warmup warmup >/dev/null 2>&1 || true
elif ((WARMUP > 0)); then
    # The warm-up runs the mix (all four request kinds) against ours; its 201s count in the create bookkeeping.
    log "warm-up ${WARMUP}s each"
    run_fg $(wrk_cmd mix "$WARMUP" "$OUR_PORT") -- "$AUTH" "$RUN_ID" warmup warmup >"$WORK/wrk-warmup-ours.txt" 2>&1 ||
        { cat "$WORK/wrk-warmup-ours.txt" >&2; die "wrk warm-up failed against ours"; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' warmup mix 0 "$WORK/wrk-warmup-ours.txt" 0 "$(count_customers)" >>"$RAW"
    { echo "### warm-up, ours, mix"; cat "$WORK/wrk-warmup-ours.txt"; echo; } >>"$RAWLOG"
    run_fg $(wrk_cmd get "$WARMUP" "$NGINX_PORT") -- "$AUTH" "$RUN_ID" warmup warmup >/dev/null 2>&1 || true
fi

cpu_stat() { awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print t, $9 }' /proc/stat; }  # total steal
read -r STAT_TOTAL0 STAT_STEAL0 <<<"$(cpu_stat)"
for ((round = 1; round <= ROUNDS; round++)); do
    note_noise
    for scenario in "${SCENARIO_LIST[@]}"; do
        if ((FRESH_STORE)); then
            fresh_ours
            ((WARMUP > 0)) && warm_up_ours "$scenario" "$round"
        fi
        run_wrk ours "$scenario" "$round" "$scenario" "$OUR_PORT" "$OURS_PID"
        run_wrk nginx "$scenario" "$round" get "$NGINX_PORT" "${NGINX_PIDS[@]}"
    done
done
note_noise
read -r STAT_TOTAL1 STAT_STEAL1 <<<"$(cpu_stat)"
STEAL_PCT=$(awk -v t=$((STAT_TOTAL1 - STAT_TOTAL0)) -v s=$((STAT_STEAL1 - STAT_STEAL0)) 'BEGIN { printf "%.1f", t ? 100 * s / t : 0 }')
OURS_RSS_AFTER_LOAD=$(awk '/^VmRSS/ { print $2 }' "/proc/$OURS_PID/status")
stop_pid "$OURS_PID"
OURS_EXIT=$STOP_STATUS
end_life
grep -q 'shutting down' "$WORK/ours-$OUR_PORT.log" || log "WARNING: wc-api-server did not log its shutdown"
stop_pid "$NGINX_PID"

# ---------------------------------------------------------------------------------------------- store check
STORE_BYTES_AFTER=$(store_bytes)
CUSTOMERS_AFTER=$(count_customers)
ORDERS_AFTER=$(count_orders)
INTEGRITY=$(sqlite3 "$STORE" "pragma quick_check" | head -3 | tr '\n' ' ')
log "store after the run: $CUSTOMERS_AFTER customers, $STORE_BYTES_AFTER bytes; quick_check: $INTEGRITY"
grep -v 'listening on\|shutting down' "$WORK/ours-$OUR_PORT.log" >"$WORK/ours-stderr.txt" || true

# ---------------------------------------------------------------------------------------------- report
STAMP=$(date +%Y%m%d-%H%M%S)
mkdir -p "$ROOT/bench/results"
REPORT="$ROOT/bench/results/api-$STAMP.md"
RAWCOPY="$ROOT/bench/results/api-$STAMP-raw.txt"
cp "$RAWLOG" "$RAWCOPY"

export RAW CLK_TCK ROUNDS DURATION WARMUP CONNECTIONS OUR_PORT NGINX_PORT SERVER_CPU CLIENT_CPU BUILD_NOTE NOFILE
export BODY_BYTES BODY_ID OURS_CT NGINX_CT NPROC LOADAVG_START STEAL_PCT OURS_RSS_AFTER_LOAD SEED_CUSTOMERS
export CUSTOMERS_ADDED ORDERS_ADDED FRESH_STORE ORDERS_BEFORE ORDERS_AFTER ORDERS_CUSTOMER CUSTOMERS_BEFORE CUSTOMERS_AFTER STORE_BYTES_BEFORE STORE_BYTES_AFTER STORE_FS INTEGRITY OURS_EXIT RUN_ID
export SCENARIOS="${SCENARIO_LIST[*]}" SERVER_BIN_SRC STAMP RAWCOPY OURS_STDERR="$WORK/ours-stderr.txt"
export NOISE="${NOISE_SAMPLES[*]}" NGINX_VERSION="$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')"
export WRK_VERSION="$(wrk -v 2>&1 | head -1 | awk '{ print $2 }')"
export SQLITE_VERSION="$(sqlite3 --version | awk '{ print $1 }')"
export GIT_REV="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
export WRK_CMD="taskset -c $CLIENT_CPU wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency -s bench/api/SCENARIO.lua http://$HOST:PORT/ -- 'Basic base64(ck:cs)' RUN_ID ROUND SCENARIO"
export SEED_CMD="wc-api-server seed --database STORE --customers $SEED_CUSTOMERS && wc-api-server keys create --database STORE --json"
export OURS_CMD="taskset -c $SERVER_CPU wc-api-server serve --host $HOST --port $OUR_PORT --database STORE --no-access-log --threads 1 --synchronous full"
export NGINX_CMD="taskset -c $SERVER_CPU nginx -p PREFIX/ -c PREFIX/nginx.conf -e logs/error.log  # bench/nginx.conf, port $NGINX_PORT, www/body.json = GET /wc-api/v2/customers/$BODY_ID"

python3 - >"$WORK/report.md" 2>"$WORK/report.err" <<'PY' || { cat "$WORK/report.err" >&2; die "report generation failed"; }
import json, os, re, statistics

env = os.environ
clk = int(env["CLK_TCK"])
UNITS = {"us": 1.0, "ms": 1e3, "s": 1e6, "m": 60e6, "h": 3600e6}
SIZE = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}
TARGETS = {"get": 0.5, "list": 0.2, "create": 0.03, "mix": 0.3, "orders": None, "order_create": None}
TITLES = {"get": "GET by id", "list": "list (10 per page)", "create": "create (POST)",
          "mix": "mix 75/15/5/5", "orders": "customer's 10 orders", "order_create": "create order (POST)"}
P99_GET_LIMIT_US = 5000


def micros(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    return float(m.group(1)) * UNITS[m.group(2)]


def parse_wrk(path):
    out = open(path).read()
    r = {"errors": 0, "wrk_non2xx": 0, "statuses": {}, "sent": {}}
    r["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"(\d+) requests in ([\d.]+\w+), ([\d.]+)(\w+) read", out)
    r["requests"] = int(m.group(1))
    r["seconds"] = micros(m.group(2)) / 1e6
    r["bytes"] = float(m.group(3)) * SIZE[m.group(4)]
    for pct, key in (("50", "p50"), ("99", "p99")):
        r[key] = micros(re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M).group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        r["errors"] = sum(int(x) for x in m.groups())
        r["error_text"] = m.group(0)
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        r["wrk_non2xx"] = int(m.group(1))
    m = re.search(r"^API-STATS (.*)$", out, re.M)
    if m is None:
        raise SystemExit(f"{path}: no API-STATS line (did the Lua script fail?)")
    stats = json.loads(m.group(1))
    r["statuses"] = {int(k): v for k, v in stats["statuses"].items()}
    r["sent"] = stats["sent"]
    r["non2xx"] = max(r["wrk_non2xx"], sum(v for k, v in r["statuses"].items() if not 200 <= k < 300))
    return r


runs = {}  # (target, scenario) -> results in round order
warmup = []
for line in open(env["RAW"]):
    target, scenario, rnd, path, ticks, customers = line.rstrip("\n").split("\t")
    r = parse_wrk(path)
    r["round"] = int(rnd)
    r["customers"] = int(customers) if customers.isdigit() else None
    if target == "warmup":
        r["scenario"] = scenario
        warmup.append(r)
        continue
    r["cpu_us_per_req"] = (int(ticks) / clk) / r["requests"] * 1e6 if r["requests"] else float("nan")
    r["cpu_pct"] = 100 * (int(ticks) / clk) / r["seconds"]
    runs.setdefault((target, scenario), []).append(r)

scenarios = env["SCENARIOS"].split()
C = int(env["CONNECTIONS"])


def med(target, scenario, key):
    return statistics.median(r[key] for r in runs[(target, scenario)])


def ratio(scenario):  # median over rounds of the same-round ratio
    return statistics.median(a["rps"] / b["rps"] for a, b in zip(runs[("ours", scenario)], runs[("nginx", scenario)]))


def fmt(v, digits=0):
    return f"{v:,.{digits}f}"


def verdict(ok):
    return "**PASS**" if ok else "**MISS**"


def cpuinfo():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def meminfo():
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "?"


def mib(n):
    return f"{int(n) / 1024 / 1024:.1f} MiB"


def status_text(counts):
    return ", ".join(f"{k}: {v:,}" for k, v in sorted(counts.items())) or "none"


# ------------------------------------------------------------------ correctness bookkeeping
all_ours = [r for s in scenarios for r in runs[("ours", s)]] + warmup
# Customer bookkeeping counts the runs that create customers; order creates are checked on their own.
customer_runs = ([r for s in scenarios if s != "order_create" for r in runs[("ours", s)]]
                 + [r for r in warmup if r["scenario"] != "order_create"])
order_runs = runs.get(("ours", "order_create"), []) + [r for r in warmup if r["scenario"] == "order_create"]
all_nginx = [r for s in scenarios for r in runs[("nginx", s)]]
ours_non2xx = sum(r["non2xx"] for r in all_ours)
ours_errors = sum(r["errors"] for r in all_ours)
nginx_bad = sum(r["non2xx"] + r["errors"] for r in all_nginx)
acked = sum(r["statuses"].get(201, 0) for r in customer_runs)
sent_creates = sum(r["sent"].get("create", 0) for r in customer_runs)
orders_acked = sum(r["statuses"].get(201, 0) for r in order_runs)
orders_added = int(env["ORDERS_ADDED"])
before, after = int(env["CUSTOMERS_BEFORE"]), int(env["CUSTOMERS_AFTER"])
added = int(env["CUSTOMERS_ADDED"])  # summed over server lifetimes (each fresh store starts from the seed)
lost = max(0, acked - added)
unacked_committed = added - acked
phantom = max(0, added - sent_creates)
no_answer = sum(sum(r["sent"].values()) - sum(r["statuses"].values()) for r in all_ours)
integrity_ok = env["INTEGRITY"].strip() == "ok"
failures = []
if ours_non2xx:
    failures.append(f"ours answered {ours_non2xx:,} non-2xx responses")
if ours_errors:
    failures.append(f"wrk saw {ours_errors:,} socket errors against ours")
if lost:
    failures.append(f"{lost:,} acknowledged creates (201) are missing from the store")
if phantom:
    failures.append(f"the store gained {phantom:,} more customers than creates were sent")
if orders_added < orders_acked:
    failures.append(f"{orders_acked - orders_added:,} acknowledged order creates (201) are missing from the store")
if not integrity_ok:
    failures.append(f"pragma quick_check: {env['INTEGRITY'].strip()}")
if env["OURS_EXIT"] != "0":
    failures.append(f"wc-api-server exit status after SIGTERM: {env['OURS_EXIT']} (expected 0)")

lines = []
p = lines.append
p(f"# API benchmark — {env['STAMP']}")
p("")
if failures:
    p("> **FAIL — correctness problems during the run:**")
    for f in failures:
        p(f"> - {f}")
    p("")
p("## Machine")
p("")
p(f"- CPUs: {env['NPROC']} × {cpuinfo()}; memory {meminfo()}")
p(f"- Kernel: {os.uname().release} ({os.uname().machine}); load average at start: {env['LOADAVG_START']}")
p(f"- nginx {env['NGINX_VERSION']}; wrk {env['WRK_VERSION']}; sqlite3 CLI {env['SQLITE_VERSION']}; "
  f"git {env['GIT_REV']} (working tree may include uncommitted changes)")
p(f"- Server binary: `{env['SERVER_BIN_SRC']}` ({env['BUILD_NOTE']}; a copy is run)")
p(f"- Store on {env['STORE_FS']} (temp dir); ulimit -n {env['NOFILE']}; CLK_TCK {clk}; "
  f"CPU steal time during the load runs: {env['STEAL_PCT']}%")
noise = [int(x) for x in env["NOISE"].split()] if env["NOISE"].strip() else []
if any(noise):
    p(f"- **Noise warning:** swift build/compile processes were running during the benchmark "
      f"(samples at start, each round, end: {noise}); treat the figures as indicative only.")
else:
    p("- No swift build/compile processes seen during the run.")
p("")
p("## Setup")
p("")
p(f"- Ours: a fresh store seeded with {before:,} customers, `--threads 1 --synchronous full`, every request "
  "authenticated with HTTP Basic (consumer key + secret).")
p(f"- nginx: serves the body of our `GET /wc-api/v2/customers/{env['BODY_ID']}` ({env['BODY_BYTES']} bytes, fetched "
  f"once with curl) as a static file on every path. Content-Type: ours `{env['OURS_CT']}`, nginx `{env['NGINX_CT']}`.")
p(f"- Servers pinned to CPU {env['SERVER_CPU']} (nginx `worker_processes 1`), wrk pinned to CPU {env['CLIENT_CPU']}, "
  f"one wrk thread, {C} connections.")
p(f"- {env['ROUNDS']} rounds; in each, for every scenario: ours with the scenario's script, then nginx with "
  f"`get.lua` (the same static GET for every scenario), {env['DURATION']} s each, after a {env['WARMUP']} s warm-up "
  "(mix against ours, GET against nginx). Figures are medians over rounds; the ratio is the median of the "
  "per-round ratios (each compares two runs taken back to back).")
p("- Scenarios: `get` = GET /customers/<random 2..10001>; `list` = GET /customers?filter[limit]=10&page=<random "
  "1..1000>; `create` = POST /customers, the docs' full body with a unique email; `mix` = 75 % get, 15 % list, "
  "5 % create, 5 % PUT /customers/<id> `{\"customer\":{\"first_name\":\"Jane\"}}`, drawn per request; `orders` = "
  f"GET /customers/{env['ORDERS_CUSTOMER']}/orders, a customer with 10 paid orders (each with a product line and a "
  "shipping line; the response holds 10 full order objects with the nested customer); `order_create` = POST /orders "
  "for a random seeded customer, one product line (quantity 2) and a shipping line, `paid: true` (so a status "
  "transition, the customer's figures and the product's sales are written in the same transaction).")
p("- CPU µs/request: server utime+stime (all threads; nginx master+worker) from /proc/PID/stat over each run, "
  "divided by the requests wrk completed. \"CPU %\": that CPU time over the run's wall time.")
if env["FRESH_STORE"] == "1":
    p(f"- Fresh store per run (FRESH_STORE=1): before every measured run of ours the server is stopped, the store "
      f"replaced by a copy of the freshly seeded one ({before:,} customers plus the orders fixture) and the server "
      f"restarted and warmed up for {env['WARMUP']} s with the same scenario, so every scenario measures the store the "
      "targets name, whatever ran before it. \"customers in store\" is the count when the measured run started "
      "(after its warm-up).")
else:
    p("- One store for the whole run (FRESH_STORE=0): every create (create and mix scenarios, warm-up) stays in it, so "
      "later rounds run against a bigger store. \"customers in store\" in the per-round tables is the count when the "
      "run started; scenarios whose cost grows with the store (list, and so mix) slow down from round to round.")
p("- Statuses are counted in Lua (`response()` in bench/api/common.lua) and checked against wrk's "
  "\"Non-2xx or 3xx responses\"; every non-2xx from ours is an error.")
p("")
p("Commands:")
p("")
p("```sh")
p(env["SEED_CMD"])
p(env["OURS_CMD"])
p(env["NGINX_CMD"])
p(env["WRK_CMD"] + "   # nginx: always SCENARIO=get")
p("sqlite3 STORE \"select count(*) from users where role='customer'\"   # after the run")
p("```")
p("")

p("## Summary (medians)")
p("")
p("| Scenario | req/s ours | req/s nginx | ratio | target | result | p50 ours µs | p50 nginx µs | p99 ours µs | "
  "p99 nginx µs | CPU µs/req ours | CPU µs/req nginx | non-2xx ours |")
p("|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
verdicts = []
for s in scenarios:
    rt = ratio(s)
    target = TARGETS[s]
    ok = target is None or rt >= target
    non2xx = sum(r["non2xx"] for r in runs[("ours", s)])
    p(f"| {TITLES[s]} | {fmt(med('ours', s, 'rps'))} | {fmt(med('nginx', s, 'rps'))} | {rt:.3f} | {'≥ ' + str(target) if target else 'report'} | "
      f"{verdict(ok) if target else '—'} | {fmt(med('ours', s, 'p50'))} | {fmt(med('nginx', s, 'p50'))} | {fmt(med('ours', s, 'p99'))} | "
      f"{fmt(med('nginx', s, 'p99'))} | {fmt(med('ours', s, 'cpu_us_per_req'), 1)} | "
      f"{fmt(med('nginx', s, 'cpu_us_per_req'), 1)} | {'**' + fmt(non2xx) + '**' if non2xx else 0} |")
    if target is not None:
        verdicts.append(f"- {TITLES[s]}: req/s ratio {rt:.3f} (target ≥ {target}) — {verdict(ok)}")
    if s == "get":
        p99 = med("ours", s, "p99")
        verdicts.append(f"- {TITLES[s]}: p99 {fmt(p99)} µs (target < {P99_GET_LIMIT_US:,} µs) — {verdict(p99 < P99_GET_LIMIT_US)}")
p("")
verdicts.append(f"- No unexpected non-2xx or socket errors from ours: {ours_non2xx:,} non-2xx, {ours_errors:,} socket "
                f"errors — {verdict(ours_non2xx == 0 and ours_errors == 0)}")
verdicts.append(f"- No acknowledged create lost: {acked:,} × 201 received, the stores gained {added:,} customers "
                f"— {verdict(lost == 0)}")
if order_runs:
    verdicts.append(f"- No acknowledged order create lost: {orders_acked:,} × 201 received, store gained {orders_added:,} "
                    f"orders — {verdict(orders_added >= orders_acked)}")
exact = added == acked
verdicts.append(f"- Customers added = 201s exactly: {added:,} vs {acked:,} — "
                + ("**PASS**" if exact else
                   f"**{'MISS' if unacked_committed < 0 or phantom else 'PASS (within in-flight)'}**: "
                   f"{unacked_committed:+,} = creates committed but never acknowledged: wrk stopped with requests "
                   f"in flight ({no_answer:,} requests of all kinds got no response; {sent_creates - acked:,} "
                   "creates got no 201)"))

p("## Store")
p("")
p(f"- Customers: {before:,} after seeding → {after:,} after the run (+{added:,}); creates sent by wrk (incl. warm-up) "
  f"{sent_creates:,}, 201s received {acked:,}.")
p(f"- Store size (db + -wal + -shm): {mib(env['STORE_BYTES_BEFORE'])} after seeding → {mib(env['STORE_BYTES_AFTER'])} "
  f"after the run and a graceful shutdown (exit status {env['OURS_EXIT']}). `pragma quick_check`: {env['INTEGRITY'].strip()}.")
p(f"- Our RSS after the load runs: {int(env['OURS_RSS_AFTER_LOAD']) / 1024:.1f} MiB.")
err = open(env["OURS_STDERR"]).read().strip()
if err:
    p(f"- Server stderr (other than listening/shutdown), first lines:")
    p("")
    p("```")
    p("\n".join(err.splitlines()[:10]))
    p("```")
p("")

p("## Responses")
p("")
p("| Scenario | ours statuses (all rounds) | ours sent by kind | bytes/response ours | bytes/response nginx | nginx non-2xx + errors |")
p("|---|---|---|---:|---:|---:|")
rows = [(s, runs[("ours", s)], runs[("nginx", s)]) for s in scenarios] + [("warm-up (mix)", warmup, [])]
for name, ours_runs, nginx_runs in rows:
    if not ours_runs:
        continue
    st, sent = {}, {}
    for r in ours_runs:
        for k, v in r["statuses"].items():
            st[k] = st.get(k, 0) + v
        for k, v in r["sent"].items():
            if v:
                sent[k] = sent.get(k, 0) + v
    bo = statistics.median(r["bytes"] / r["requests"] for r in ours_runs)
    bn = f"{statistics.median(r['bytes'] / r['requests'] for r in nginx_runs):.0f}" if nginx_runs else ""
    nb = sum(r["non2xx"] + r["errors"] for r in nginx_runs) if nginx_runs else ""
    p(f"| {TITLES.get(name, name)} | {status_text(st)} | {status_text(sent)} | {bo:.0f} | {bn} | {nb} |")
p("")
errs = [f"{s} round {r['round']}: {r['error_text']}" for s in scenarios for r in runs[("ours", s)] if r["errors"]]
if errs:
    p("Socket errors against ours: " + "; ".join(errs))
    p("")

p("## Per round")
p("")
metrics = [("rps", "req/s", 0), ("p50", "p50 µs", 0), ("p99", "p99 µs", 0), ("cpu_us_per_req", "CPU µs/req", 1),
           ("cpu_pct", "CPU %", 0)]
for s in scenarios:
    p(f"### {TITLES[s]}")
    p("")
    head = ("| round | " + " | ".join(f"ours {label} | nginx {label}" for _, label, _ in metrics)
            + " | ratio | non-2xx ours | customers in store | swift procs |")
    p(head)
    p("|" + "---|" * (head.count("|") - 1))
    for a, b in zip(runs[("ours", s)], runs[("nginx", s)]):
        cells = []
        for key, _, d in metrics:
            cells += [fmt(a[key], d), fmt(b[key], d)]
        busy = noise[a["round"]] if a["round"] < len(noise) else "?"
        p(f"| {a['round']} | " + " | ".join(cells) + f" | {a['rps'] / b['rps']:.3f} | {a['non2xx']} | "
          f"{fmt(a['customers']) if a['customers'] is not None else '?'} | {busy} |")
    cells = []
    for key, _, d in metrics:
        cells += [f"**{fmt(med('ours', s, key), d)}**", f"**{fmt(med('nginx', s, key), d)}**"]
    p("| median | " + " | ".join(cells) + f" | **{ratio(s):.3f}** | | | |")
    p("")

p("## Verdict")
p("")
lines += verdicts
if nginx_bad:
    p(f"- Note: nginx had {nginx_bad} non-2xx responses or socket errors")
p("")
p(f"Raw wrk output: `{os.path.relpath(env['RAWCOPY'])}`.")
print("\n".join(lines))
with open(os.path.join(os.path.dirname(env["RAW"]), "failed"), "w") as f:
    f.write("\n".join(failures))
PY

cp "$WORK/report.md" "$REPORT"
cat "$REPORT"
log "report written to ${REPORT#"$ROOT"/} (raw output: ${RAWCOPY#"$ROOT"/})"
if [[ -s "$WORK/failed" ]]; then
    log "FAIL: $(tr '\n' ';' <"$WORK/failed")"
    exit 1
fi
