#!/usr/bin/env bash
# Engine benchmark: http-bench-server (our hand-written HTTP/1.1 engine) against nginx, both serving the
# same 1 KiB JSON body, one core each, on loopback.
#
#   bash bench/http-bench.sh                     # ROUNDS=5 DURATION=5: about 2.5 minutes
#   ROUNDS=2 DURATION=3 bash bench/http-bench.sh # quick functional check
#   SERVER_BIN=/path/to/http-bench-server bash bench/http-bench.sh   # skip the build
#
# Steps: install wrk/nginx if missing; build http-bench-server (release) unless SERVER_BIN is set; start
# nginx and our server (1 thread) pinned to CPU 1, check they return byte-identical bodies; then ROUNDS
# interleaved rounds of `wrk -t1 -c64` and `wrk -t1 -c1` pinned to CPU 0 (ours, then nginx), with the
# servers' CPU time per request read from /proc/PID/stat; finally an idle-connection memory test
# (bench/idle-connections.py, IDLE_COUNT connections) on a fresh server, and on a fresh nginx for reference.
# The Markdown report goes to stdout and to bench/results/http-YYYYmmdd-HHMMSS.md; progress goes to stderr.
#
# Environment (defaults): ROUNDS=5 DURATION=5 (seconds per wrk run) WARMUP=1 (seconds, per server)
#   CONNECTIONS=64 OUR_PORT=18081 NGINX_PORT=18080 IDLE_PORT=18082 NGINX_IDLE_PORT=18083
#   IDLE_COUNT=10000 IDLE_THREADS= (empty: the server's default, one loop per online CPU) IDLE_NGINX=1
#   SERVER_CPU=1 CLIENT_CPU=0 SERVER_BIN= SCRATCH_PATH= (default .build, or .build-bench if .build is busy)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-1}
CONNECTIONS=${CONNECTIONS:-64}
OUR_PORT=${OUR_PORT:-18081}
NGINX_PORT=${NGINX_PORT:-18080}
IDLE_PORT=${IDLE_PORT:-18082}
NGINX_IDLE_PORT=${NGINX_IDLE_PORT:-18083}
IDLE_COUNT=${IDLE_COUNT:-10000}
IDLE_THREADS=${IDLE_THREADS:-}
IDLE_NGINX=${IDLE_NGINX:-1}
SERVER_CPU=${SERVER_CPU:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
BODY="$ROOT/bench/body.json"
HOST=127.0.0.1

exec {LOG_FD}>&2  # progress messages still reach the terminal from inside redirected blocks (traps)
log() { printf '[http-bench] %s\n' "$*" >&"$LOG_FD"; }
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ---------------------------------------------------------------------------------------------- processes
WORK=$(mktemp -d /tmp/http-bench.XXXXXX)
chmod 755 "$WORK"  # nginx workers run as nobody and must reach the document root
PIDS=()

stop_pid() {  # stop_pid PID: SIGTERM, wait up to 10 s (graceful shutdown), then SIGKILL
    local pid=$1 i
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
    wait "$pid" 2>/dev/null || true
}

# Clients (wrk, the idle test) run in the background and are waited for, so that an interrupt runs the
# INT/TERM trap at once (bash defers traps while a foreground child runs, and skips them if that child
# handles SIGINT itself, as wrk does).
CHILD=""

trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM


wait_ready() {  # wait_ready NAME PORT PID LOGFILE [TIMEOUT_SECONDS]
    local name=$1 port=$2 pid=$3 logfile=$4 timeout=${5:-30}
    local deadline=$((SECONDS + timeout))
    until curl -fsS -o /dev/null --max-time 1 "http://$HOST:$port/" 2>/dev/null; do
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
    local -a cmd=("$SERVER_BIN" --host "$HOST" --port "$port" --no-access-log --body "$BODY" "$@")
    [[ -n "$cpu" ]] && cmd=(taskset -c "$cpu" "${cmd[@]}")
    "${cmd[@]}" >"$logfile" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
    wait_ready "http-bench-server" "$port" "$STARTED_PID" "$logfile"
}

start_nginx() {  # start_nginx PORT CPU(or "") ; sets STARTED_PID and NGINX_PREFIX
    local port=$1 cpu=$2
    port_in_use "$port" && die "port $port is already in use"
    NGINX_PREFIX="$WORK/nginx-$port"
    mkdir -p "$NGINX_PREFIX/www" "$NGINX_PREFIX/logs" "$NGINX_PREFIX/tmp"
    cp "$BODY" "$NGINX_PREFIX/www/body.json"
    sed "s/18080/$port/g" "$ROOT/bench/nginx.conf" >"$NGINX_PREFIX/nginx.conf"
    chmod -R a+rX "$NGINX_PREFIX"
    local -a cmd=("$NGINX" -p "$NGINX_PREFIX/" -c "$NGINX_PREFIX/nginx.conf" -e logs/error.log)
    [[ -n "$cpu" ]] && cmd=(taskset -c "$cpu" "${cmd[@]}")
    "${cmd[@]}" >"$NGINX_PREFIX/logs/stdout.log" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
    wait_ready "nginx" "$port" "$STARTED_PID" "$NGINX_PREFIX/logs/error.log"
}



# ---------------------------------------------------------------------------------------------- tools
install_bench_tools

# ---------------------------------------------------------------------------------------------- build
build_bench_server http-bench-server

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

# ---------------------------------------------------------------------------------------------- servers
start_ours "$OUR_PORT" "$SERVER_CPU" --threads 1
OURS_PID=$STARTED_PID
start_nginx "$NGINX_PORT" "$SERVER_CPU"
NGINX_PID=$STARTED_PID
NGINX_BENCH_PREFIX=$NGINX_PREFIX
read -r -a NGINX_PIDS <<<"$(process_tree "$NGINX_PID")"
log "nginx processes: ${NGINX_PIDS[*]}"

# Same bytes from both (and equal to bench/body.json).
curl -fsS -D "$WORK/ours.headers" -o "$WORK/ours.body" "http://$HOST:$OUR_PORT/wc/v2/customers/4827"
curl -fsS -D "$WORK/nginx.headers" -o "$WORK/nginx.body" "http://$HOST:$NGINX_PORT/wc/v2/customers/4827"
cmp "$WORK/ours.body" "$WORK/nginx.body" || die "the two servers return different bodies"
cmp "$WORK/ours.body" "$BODY" || die "http-bench-server does not return bench/body.json"
BODY_BYTES=$(wc -c <"$BODY")
OURS_CT=$(grep -i '^content-type:' "$WORK/ours.headers" | tr -d '\r' | cut -d' ' -f2-)
NGINX_CT=$(grep -i '^content-type:' "$WORK/nginx.headers" | tr -d '\r' | cut -d' ' -f2-)
log "bodies are byte-identical ($BODY_BYTES bytes)"

# ---------------------------------------------------------------------------------------------- load
RAW="$WORK/runs.tsv"  # target round connections outfile cpu_ticks
: >"$RAW"
RAWLOG="$WORK/raw.txt"
: >"$RAWLOG"
CLK_TCK=$(getconf CLK_TCK)

wrk_cmd() {  # wrk_cmd CONNECTIONS DURATION PORT
    echo taskset -c "$CLIENT_CPU" wrk -t1 -c"$1" -d"$2"s --latency "http://$HOST:$3/"
}

run_wrk() {  # run_wrk TARGET ROUND CONNECTIONS PORT PIDS...
    local target=$1 round=$2 conns=$3 port=$4
    shift 4
    local out="$WORK/wrk-$target-$round-c$conns.txt" before after
    before=$(cpu_ticks "$@")
    run_fg $(wrk_cmd "$conns" "$DURATION" "$port") >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed against $target"; }
    after=$(cpu_ticks "$@")
    printf '%s\t%s\t%s\t%s\t%s\n' "$target" "$round" "$conns" "$out" "$((after - before))" >>"$RAW"
    { echo "### $target round $round, $conns connection(s): $(wrk_cmd "$conns" "$DURATION" "$port")"; cat "$out"; echo; } >>"$RAWLOG"
    log "$target round $round c$conns: $(awk '/Requests\/sec/ { print $2 " req/s" }' "$out")"
}

if ((WARMUP > 0)); then
    log "warm-up ${WARMUP}s each"
    run_fg $(wrk_cmd "$CONNECTIONS" "$WARMUP" "$OUR_PORT") >/dev/null 2>&1 || true
    run_fg $(wrk_cmd "$CONNECTIONS" "$WARMUP" "$NGINX_PORT") >/dev/null 2>&1 || true
fi

cpu_stat() { awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print t, $9 }' /proc/stat; }  # total steal
read -r STAT_TOTAL0 STAT_STEAL0 <<<"$(cpu_stat)"
for ((round = 1; round <= ROUNDS; round++)); do
    note_noise
    run_wrk ours "$round" "$CONNECTIONS" "$OUR_PORT" "$OURS_PID"
    run_wrk nginx "$round" "$CONNECTIONS" "$NGINX_PORT" "${NGINX_PIDS[@]}"
    run_wrk ours "$round" 1 "$OUR_PORT" "$OURS_PID"
    run_wrk nginx "$round" 1 "$NGINX_PORT" "${NGINX_PIDS[@]}"
done
read -r STAT_TOTAL1 STAT_STEAL1 <<<"$(cpu_stat)"
STEAL_PCT=$(awk -v t=$((STAT_TOTAL1 - STAT_TOTAL0)) -v s=$((STAT_STEAL1 - STAT_STEAL0)) 'BEGIN { printf "%.1f", t ? 100 * s / t : 0 }')
OURS_RSS_AFTER_LOAD=$(awk '/^VmRSS/ { print $2 }' "/proc/$OURS_PID/status")
NGINX_RSS_AFTER_LOAD=0
for pid in "${NGINX_PIDS[@]}"; do
    NGINX_RSS_AFTER_LOAD=$((NGINX_RSS_AFTER_LOAD + $(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")))
done
stop_pid "$OURS_PID"
stop_pid "$NGINX_PID"

# ---------------------------------------------------------------------------------------------- idle connections
# Room for the idle connections plus the fresh one the test opens next to them (the default limit is 10,000).
IDLE_ARGS=(--max-connections "$((IDLE_COUNT + 100))")
[[ -n "$IDLE_THREADS" ]] && IDLE_ARGS+=(--threads "$IDLE_THREADS")
note_noise
start_ours "$IDLE_PORT" "" "${IDLE_ARGS[@]}"
IDLE_OURS_PID=$STARTED_PID
IDLE_OURS_LOOPS=$(grep -o 'with [0-9]* loop' "$WORK/ours-$IDLE_PORT.log" | awk '{ print $2 }' || true)
IDLE_CMD="python3 bench/idle-connections.py --port $IDLE_PORT --pid $IDLE_OURS_PID --count $IDLE_COUNT"
log "$IDLE_CMD"
run_fg python3 "$ROOT/bench/idle-connections.py" --port "$IDLE_PORT" --pid "$IDLE_OURS_PID" --count "$IDLE_COUNT" \
    >"$WORK/idle-ours.txt" 2>&1 || true
cat "$WORK/idle-ours.txt" >&2
{ echo "### idle test, http-bench-server: $IDLE_CMD"; cat "$WORK/idle-ours.txt"; echo; } >>"$RAWLOG"
stop_pid "$IDLE_OURS_PID"

if [[ "$IDLE_NGINX" == 1 ]]; then
    start_nginx "$NGINX_IDLE_PORT" ""
    IDLE_NGINX_PID=$STARTED_PID
    read -r -a IDLE_NGINX_PIDS <<<"$(process_tree "$IDLE_NGINX_PID")"
    IDLE_NGINX_PIDLIST=$(IFS=,; echo "${IDLE_NGINX_PIDS[*]}")
    log "python3 bench/idle-connections.py --port $NGINX_IDLE_PORT --pid $IDLE_NGINX_PIDLIST --count $IDLE_COUNT"
    run_fg python3 "$ROOT/bench/idle-connections.py" --port "$NGINX_IDLE_PORT" --pid "$IDLE_NGINX_PIDLIST" \
        --count "$IDLE_COUNT" >"$WORK/idle-nginx.txt" 2>&1 || true
    cat "$WORK/idle-nginx.txt" >&2
    { echo "### idle test, nginx (master+worker)"; cat "$WORK/idle-nginx.txt"; echo; } >>"$RAWLOG"
    stop_pid "$IDLE_NGINX_PID"
else
    : >"$WORK/idle-nginx.txt"
fi
note_noise

# ---------------------------------------------------------------------------------------------- report
STAMP=$(date +%Y%m%d-%H%M%S)
mkdir -p "$ROOT/bench/results"
REPORT="$ROOT/bench/results/http-$STAMP.md"
RAWCOPY="$ROOT/bench/results/http-$STAMP-raw.txt"
cp "$RAWLOG" "$RAWCOPY"

export RAW CLK_TCK ROUNDS DURATION WARMUP CONNECTIONS OUR_PORT NGINX_PORT IDLE_PORT NGINX_IDLE_PORT IDLE_COUNT
export SERVER_CPU CLIENT_CPU SERVER_BIN BUILD_NOTE NOFILE BODY_BYTES OURS_CT NGINX_CT NPROC LOADAVG_START
export STEAL_PCT OURS_RSS_AFTER_LOAD NGINX_RSS_AFTER_LOAD IDLE_OURS_LOOPS IDLE_THREADS IDLE_NGINX
export NOISE="${NOISE_SAMPLES[*]}" NGINX_VERSION="$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')"
export WRK_VERSION="$(wrk -v 2>&1 | head -1 | awk '{ print $2 }')"
export GIT_REV="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
export IDLE_OURS_FILE="$WORK/idle-ours.txt" IDLE_NGINX_FILE="$WORK/idle-nginx.txt" STAMP RAWCOPY
export WRK_C64="$(wrk_cmd "$CONNECTIONS" "$DURATION" PORT)" WRK_C1="$(wrk_cmd 1 "$DURATION" PORT)"
export OURS_CMD="taskset -c $SERVER_CPU $SERVER_BIN --host $HOST --port $OUR_PORT --threads 1 --no-access-log --body bench/body.json"
export NGINX_CMD="taskset -c $SERVER_CPU nginx -p PREFIX/ -c PREFIX/nginx.conf -e logs/error.log  # bench/nginx.conf, port $NGINX_PORT"
export IDLE_OURS_CMD="$SERVER_BIN --host $HOST --port $IDLE_PORT --no-access-log --body bench/body.json --max-connections $((IDLE_COUNT + 100))${IDLE_THREADS:+ --threads $IDLE_THREADS}"

python3 - >"$WORK/report.md" <<'PY'
import json, os, re, statistics, subprocess

env = os.environ
clk = int(env["CLK_TCK"])
UNITS = {"us": 1.0, "ms": 1e3, "s": 1e6, "m": 60e6, "h": 3600e6}
SIZE = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def micros(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    return float(m.group(1)) * UNITS[m.group(2)]


def parse_wrk(path):
    out = open(path).read()
    r = {"errors": 0, "non2xx": 0}
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
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        r["non2xx"] = int(m.group(1))
    return r


runs = {}  # (target, conns) -> list of results, in round order
for line in open(env["RAW"]):
    target, rnd, conns, path, ticks = line.rstrip("\n").split("\t")
    r = parse_wrk(path)
    r["round"] = int(rnd)
    r["cpu_us_per_req"] = (int(ticks) / clk) / r["requests"] * 1e6 if r["requests"] else float("nan")
    r["cpu_pct"] = 100 * (int(ticks) / clk) / r["seconds"]
    runs.setdefault((target, int(conns)), []).append(r)

C = int(env["CONNECTIONS"])


def med(target, conns, key):
    return statistics.median(r[key] for r in runs[(target, conns)])


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


def idle(path):
    for line in open(path):
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return None


lines = []
p = lines.append
p(f"# HTTP engine benchmark — {env['STAMP']}")
p("")
p("## Machine")
p("")
p(f"- CPUs: {env['NPROC']} × {cpuinfo()}; memory {meminfo()}")
p(f"- Kernel: {os.uname().release} ({os.uname().machine}); load average at start: {env['LOADAVG_START']}")
p(f"- nginx {env['NGINX_VERSION']}; wrk {env['WRK_VERSION']}; git {env['GIT_REV']} (working tree may include uncommitted changes)")
p(f"- Server binary: `{env['SERVER_BIN']}` ({env['BUILD_NOTE']})")
p(f"- ulimit -n {env['NOFILE']}; CLK_TCK {clk}; CPU steal time during the load runs: {env['STEAL_PCT']}%")
noise = [int(x) for x in env["NOISE"].split()] if env["NOISE"].strip() else []
if any(noise):
    p(f"- **Noise warning:** swift build/compile processes were running during the benchmark "
      f"(samples: {noise}); treat the figures as indicative only.")
else:
    p("- No swift build/compile processes seen during the run.")
p("")
p("## Setup")
p("")
p(f"- Both servers serve the same {env['BODY_BYTES']}-byte `bench/body.json` on every path "
  f"(bodies checked byte-identical with curl + cmp). Content-Type: ours `{env['OURS_CT']}`, nginx `{env['NGINX_CT']}`.")
p(f"- Servers pinned to CPU {env['SERVER_CPU']} (ours: `--threads 1`; nginx: `worker_processes 1`), "
  f"wrk pinned to CPU {env['CLIENT_CPU']}, one wrk thread. nginx: access_log off, keepalive_requests 1000000, "
  "sendfile on, tcp_nodelay on, open_file_cache, no gzip (`bench/nginx.conf`).")
p(f"- {env['ROUNDS']} rounds × (ours {C} conns, nginx {C} conns, ours 1 conn, nginx 1 conn), "
  f"{env['DURATION']} s each, after a {env['WARMUP']} s warm-up per server. Figures are medians over rounds.")
p("- \"swift procs\" in the per-round tables: swift-build/swift-frontend processes seen when the round started "
  "(other work on this machine; non-zero means that round is noisy).")
p("- \"CPU %\": the server's CPU time over the run's wall time; near 100 % means the server core was the bottleneck, "
  "clearly lower in a slow round means the server was starved (other work on the machine) or the client was the limit.")
p("- CPU µs/request: server utime+stime (all threads; nginx master+worker) from /proc/PID/stat over each "
  f"{C}-connection run, divided by the requests wrk completed.")
p("")
p("Commands:")
p("")
p("```sh")
p(env["OURS_CMD"])
p(env["NGINX_CMD"])
p(env["WRK_C64"] + "   # throughput / latency under load")
p(env["WRK_C1"] + "   # single-connection latency")
p(f"{env['IDLE_OURS_CMD']}   # idle test server")
p(f"python3 bench/idle-connections.py --port {env['IDLE_PORT']} --pid PID --count {env['IDLE_COUNT']}")
p("```")
p("")

rps_ratio = med("ours", C, "rps") / med("nginx", C, "rps")
p99_ratio = med("ours", C, "p99") / med("nginx", C, "p99")
p99_ratio_1 = med("ours", 1, "p99") / med("nginx", 1, "p99")
p("## Summary (medians)")
p("")
p("| Metric | ours | nginx | ours/nginx | target | result |")
p("|---|---:|---:|---:|---|---|")
p(f"| req/s, {C} conns | {fmt(med('ours', C, 'rps'))} | {fmt(med('nginx', C, 'rps'))} | {rps_ratio:.2f} | ≥ 0.80 | {verdict(rps_ratio >= 0.8)} |")
p(f"| p50 latency, {C} conns (µs) | {fmt(med('ours', C, 'p50'))} | {fmt(med('nginx', C, 'p50'))} | {med('ours', C, 'p50') / med('nginx', C, 'p50'):.2f} | | |")
p(f"| p99 latency, {C} conns (µs) | {fmt(med('ours', C, 'p99'))} | {fmt(med('nginx', C, 'p99'))} | {p99_ratio:.2f} | ≤ 2.00 | {verdict(p99_ratio <= 2.0)} |")
p(f"| CPU per request, {C} conns (µs) | {fmt(med('ours', C, 'cpu_us_per_req'), 2)} | {fmt(med('nginx', C, 'cpu_us_per_req'), 2)} | {med('ours', C, 'cpu_us_per_req') / med('nginx', C, 'cpu_us_per_req'):.2f} | | |")
p(f"| req/s, 1 conn | {fmt(med('ours', 1, 'rps'))} | {fmt(med('nginx', 1, 'rps'))} | {med('ours', 1, 'rps') / med('nginx', 1, 'rps'):.2f} | | |")
p(f"| p50 latency, 1 conn (µs) | {fmt(med('ours', 1, 'p50'))} | {fmt(med('nginx', 1, 'p50'))} | {med('ours', 1, 'p50') / med('nginx', 1, 'p50'):.2f} | | |")
p(f"| p99 latency, 1 conn (µs) | {fmt(med('ours', 1, 'p99'))} | {fmt(med('nginx', 1, 'p99'))} | {p99_ratio_1:.2f} | ≤ 2.00 | {verdict(p99_ratio_1 <= 2.0)} |")
p("")

verdicts = [
    f"- req/s ratio ({C} conns): {rps_ratio:.2f} (target ≥ 0.80) — {verdict(rps_ratio >= 0.8)}",
    f"- p99 ratio ({C} conns): {p99_ratio:.2f} (target ≤ 2.00) — {verdict(p99_ratio <= 2.0)}",
    f"- p99 ratio (1 conn): {p99_ratio_1:.2f} (target ≤ 2.00) — {verdict(p99_ratio_1 <= 2.0)}",
]

errors = {t: sum(r["errors"] + r["non2xx"] for k, rs in runs.items() if k[0] == t for r in rs) for t in ("ours", "nginx")}
resp = {t: statistics.median(r["bytes"] / r["requests"] for r in runs[(t, C)]) for t in ("ours", "nginx")}
p(f"Socket errors + non-2xx responses over all runs: ours {errors['ours']}, nginx {errors['nginx']}. "
  f"Bytes per response (headers + body, from wrk): ours {resp['ours']:.0f}, nginx {resp['nginx']:.0f}. "
  f"RSS after the load runs: ours {int(env['OURS_RSS_AFTER_LOAD']) / 1024:.1f} MiB, "
  f"nginx (master+worker) {int(env['NGINX_RSS_AFTER_LOAD']) / 1024:.1f} MiB.")
p("")

p("## Per round")
p("")
metrics = [("rps", "req/s", 0), ("p50", "p50 µs", 0), ("p99", "p99 µs", 0), ("cpu_us_per_req", "CPU µs/req", 2),
           ("cpu_pct", "CPU %", 0)]
per_load_only = ("cpu_us_per_req", "cpu_pct")
for conns in (C, 1):
    p(f"### {conns} connection{'s' if conns != 1 else ''}")
    p("")
    head = "| round | " + " | ".join(f"ours {label} | nginx {label}" for key, label, _ in metrics if conns == C or key not in per_load_only) + " | swift procs |"
    p(head)
    p("|" + "---|" * (head.count("|") - 1))
    for i, (a, b) in enumerate(zip(runs[("ours", conns)], runs[("nginx", conns)])):
        cells = []
        for key, _, d in metrics:
            if conns != C and key in per_load_only:
                continue
            cells += [fmt(a[key], d), fmt(b[key], d)]
        busy = noise[a["round"]] if a["round"] < len(noise) else "?"
        p(f"| {a['round']} | " + " | ".join(cells) + f" | {busy} |")
    cells = []
    for key, _, d in metrics:
        if conns != C and key in per_load_only:
            continue
        cells += [f"**{fmt(med('ours', conns, key), d)}**", f"**{fmt(med('nginx', conns, key), d)}**"]
    p("| median | " + " | ".join(cells) + " | |")
    p("")

p("## Idle keep-alive connections")
p("")
ours_idle = idle(env["IDLE_OURS_FILE"])
nginx_idle = idle(env["IDLE_NGINX_FILE"]) if env["IDLE_NGINX"] == "1" else None
threads = env["IDLE_THREADS"] or f"default = {env['IDLE_OURS_LOOPS'] or '?'} event loop(s), one per online CPU"
p(f"A fresh server ({threads}; not pinned) gets {env['IDLE_COUNT']} keep-alive connections, each used for one "
  "`GET /` and then left idle; memory is VmRSS/VmHWM from /proc/PID/status, baseline taken after one request. "
  "Then a fresh connection must still get a 200.")
p("")
p("| Server | connections open | baseline RSS (MiB) | RSS idle (MiB) | VmHWM (MiB) | KiB/connection | fresh connection | still open after |")
p("|---|---:|---:|---:|---:|---:|---|---:|")
for name, r in (("ours", ours_idle), ("nginx (master+worker)", nginx_idle)):
    if r is None:
        if name == "ours":
            p("| ours | idle test failed, see the raw log | | | | | | |")
        continue
    fresh = f"{r['fresh_status']} in {r['fresh_latency_us']} µs" if r["fresh_status"] else f"failed: {r['fresh_error']}"
    p(f"| {name} | {r['opened']}/{r['count']} | {r['baseline_rss_kib'] / 1024:.1f} | {r['rss_kib'] / 1024:.1f} | "
      f"{r['hwm_kib'] / 1024:.1f} | {r['per_connection_kib']:.2f} | {fresh} | {r['still_open']} |")
p("")
if ours_idle:
    rss_ok = ours_idle["opened"] == ours_idle["count"] and ours_idle["rss_kib"] < 100 * 1024
    verdicts.append(f"- RSS with {ours_idle['opened']} idle connections: {ours_idle['rss_kib'] / 1024:.1f} MiB "
                    f"(+{ours_idle['per_connection_kib']:.2f} KiB/connection; target < 100 MiB) — {verdict(rss_ok)}")
    fresh_ok = ours_idle["fresh_status"] == 200
    why = ""
    if ours_idle["fresh_status"] == 503:
        why = " — the server answered 503 \"too many open connections\" (check --max-connections)"
    verdicts.append(f"- Fresh connection with {ours_idle['opened']} idle open: "
                    f"{ours_idle['fresh_status'] or 'failed'}{why} — {verdict(fresh_ok)}")
    if ours_idle["still_open"] != ours_idle["opened"]:
        verdicts.append(f"- Note: the server closed {ours_idle['opened'] - ours_idle['still_open']} idle connections during the test")
else:
    verdicts.append("- Idle-connection test did not produce a result — **MISS**")

p("## Verdict")
p("")
lines += verdicts
p("")
p(f"Raw wrk and idle-test output: `{os.path.relpath(env['RAWCOPY'])}`.")
print("\n".join(lines))
PY

cp "$WORK/report.md" "$REPORT"
cat "$REPORT"
log "report written to ${REPORT#"$ROOT"/} (raw output: ${RAWCOPY#"$ROOT"/})"
