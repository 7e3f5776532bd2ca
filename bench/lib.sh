# Shell helpers both benchmarks share (bench/http-bench.sh, bench/api-bench.sh source this file).
# They use the caller's globals: LOG_FD, HOST, WORK, STARTED_PIDS/NOISE_SAMPLES arrays and log().

die() { log "ERROR: $*"; exit 1; }

run_fg() {
    "$@" &
    CHILD=$!
    local status=0
    wait "$CHILD" || status=$?
    CHILD=""
    return "$status"
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local pid
    [[ -n "$CHILD" ]] && stop_pid "$CHILD"
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    rm -rf "$WORK"
    exit "$status"
}

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

process_tree() { echo "$1" $(pgrep -P "$1" || true); }  # a pid and its children (nginx: master + worker)

cpu_ticks() {  # sum of utime+stime (clock ticks) over the given pids, whole thread group each
    local total=0 pid ticks
    for pid in "$@"; do
        ticks=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")
        total=$((total + ticks))
    done
    echo "$total"
}

apt_install() {
    if ((APT_UPDATED == 0)); then
        log "apt-get update"
        $SUDO apt-get update >&2
        APT_UPDATED=1
    fi
    log "apt-get install -y $*"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "$@" >&2
}

build_dir_busy() {  # is a SwiftPM process using $1 right now?
    local lock="$1/.lock" pid
    [[ -f "$lock" ]] || return 1
    pid=$(tr -dc '0-9' <"$lock" 2>/dev/null || true)
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

busy_builds() { pgrep -fc 'swift-build|swift-frontend|swift-test' 2>/dev/null || true; }

note_noise() { NOISE_SAMPLES+=("$(busy_builds)"); }
