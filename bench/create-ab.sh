#!/usr/bin/env bash
# Write throughput of two builds, interleaved (issue 11): for each build and round, a fresh store of 10,000 seeded
# customers, the server with default threads, 3 s of warm-up, then three 8-second runs of wrk `bench/api/create.lua`
# (2 threads, 32 connections) against the same server — so the third run is ~27 s into a sustained flood. Besides
# requests/s, each run reports CPU time per request (from /proc/PID/task/*/stat) of the writer thread
# (`sqlite-writer`, the one thread every write passes through), of the I/O threads (`http-loop-*`) and of the whole
# process: figures that move far less than requests/s on a shared 2-core machine.
#
#   bash bench/create-ab.sh OLD_BIN NEW_BIN [ROUNDS]      # e.g. a build of an older commit against this tree's
#   HOOK='DROP TRIGGER …;' bash bench/create-ab.sh A B    # SQL run on each seeded store first (measure a variant)
#   SCENARIO=update bash bench/create-ab.sh A B           # the update scenario of bench/api instead
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ $# -ge 2 ]] || { echo "usage: $0 OLD_BIN NEW_BIN [ROUNDS]" >&2; exit 2; }
ROUNDS=${3:-2}
PORT=${PORT:-18398}
WORK=$(mktemp -d /tmp/create-ab.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null

cpu() {  # "tid:name=ticks …" for every thread of $1
    for task in /proc/"$1"/task/*; do
        local fields
        read -r -a fields <<<"$(sed 's/.*) //' "$task/stat")"
        printf '%s:%s=%d ' "$(basename "$task")" "$(tr -d ' ' <"$task/comm")" $((fields[11] + fields[12]))
    done
}
SCENARIO=${SCENARIO:-create}

measure() {  # BIN LABEL
    local bin=$1 label=$2 db="$WORK/store.sqlite"
    rm -f "$db" "$db-wal" "$db-shm"
    "$bin" seed --database "$db" --customers 10000 >/dev/null
    if [[ -n "${HOOK:-}" ]]; then sqlite3 "$db" "$HOOK"; fi
    local key auth
    key=$("$bin" keys create --database "$db" --description create-ab --json)
    auth="Basic $(python3 -c 'import json, sys; k = json.loads(sys.argv[1]); print(k["consumer_key"] + ":" + k["consumer_secret"], end="")' "$key" | base64 -w0)"
    "$bin" serve --port "$PORT" --database "$db" --no-access-log >/dev/null 2>&1 &
    local pid=$!
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.05; done
    wrk -t2 -c32 -d3s -s "$ROOT/bench/api/$SCENARIO.lua" "http://127.0.0.1:$PORT" -- "$auth" "warm$RANDOM" 0 "$label" >/dev/null
    for run in 1 2 3; do
        local before after out
        before=$(cpu "$pid")
        out=$(wrk -t2 -c32 -d8s -s "$ROOT/bench/api/$SCENARIO.lua" "http://127.0.0.1:$PORT" -- "$auth" "run$RANDOM" "$run" "$label")
        after=$(cpu "$pid")
        python3 - "$label" "$run" "$before" "$after" "$out" <<'PY'
import re, sys
label, run, before, after, out = sys.argv[1:]
parse = lambda text: {k: int(v) for k, v in (item.split("=") for item in text.split())}
b, a = parse(before), parse(after)
requests = int(re.search(r"(\d+) requests in", out).group(1))
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
ticks = {t: a[t] - b.get(t, 0) for t in a}  # clock ticks of 10 ms
per = lambda match: sum(v for t, v in ticks.items() if match(t.split(":", 1)[1])) * 10_000 / requests
print(f"{label:>8} run {run}: {rate:8.0f} req/s   CPU µs per request: writer {per(lambda n: n == 'sqlite-writer'):5.1f}"
      f"  I/O threads {per(lambda n: n.startswith('http-loop')):5.1f}  process {per(lambda n: True):5.1f}")
PY
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

for round in $(seq "$ROUNDS"); do
    measure "$1" old
    measure "$2" new
done
