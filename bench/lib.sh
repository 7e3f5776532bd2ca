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

install_bench_tools() {  # install_bench_tools [EXTRA_COMMAND...]: wrk, nginx, curl, taskset, python3 (+ extras); sets NGINX, NPROC
    SUDO=""
    [[ $EUID -ne 0 ]] && command -v sudo >/dev/null && SUDO=sudo
    APT_UPDATED=0
    command -v wrk >/dev/null || apt_install wrk
    command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || apt_install nginx-light
    command -v curl >/dev/null || apt_install curl
    command -v taskset >/dev/null || apt_install util-linux
    command -v python3 >/dev/null || apt_install python3
    local extra
    for extra in "$@"; do command -v "$extra" >/dev/null || apt_install "$extra"; done
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    NPROC=$(nproc)
    if ((NPROC < 2)); then
        log "only $NPROC CPU online: client and servers will share CPU 0 (results are not comparable to 2-core runs)"
        SERVER_CPU=0
        CLIENT_CPU=0
    fi
}

build_bench_server() {  # build_bench_server PRODUCT: release build unless SERVER_BIN is set; sets SERVER_BIN, BUILD_NOTE
    local product=$1
    if [[ -z "${SERVER_BIN:-}" ]]; then
        SCRATCH_PATH=${SCRATCH_PATH:-}
        if [[ -z "$SCRATCH_PATH" ]]; then
            SCRATCH_PATH=.build
            if build_dir_busy .build; then
                log ".build is locked by another SwiftPM process: building in .build-bench"
                SCRATCH_PATH=.build-bench
            fi
        fi
        log "swift build -c release --product $product --scratch-path $SCRATCH_PATH"
        swift build -c release --product "$product" --scratch-path "$SCRATCH_PATH" >&2
        SERVER_BIN="$ROOT/$SCRATCH_PATH/release/$product"
        BUILD_NOTE="built: \`swift build -c release --product $product --scratch-path $SCRATCH_PATH\`"
    else
        BUILD_NOTE="SERVER_BIN given, not built"
    fi
    [[ -x "$SERVER_BIN" ]] || die "server binary $SERVER_BIN is missing or not executable"
}
