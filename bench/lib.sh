# Shared by the bench scripts (source it; not run on its own): the portal jar, a private work
# directory removed on exit with every process started here, free loopback ports, nginx, a portal
# started and stopped, and best/median figures.
#
#   . "$(dirname "$0")/lib.sh"
#   bench_init portalkit-files-bench      # ROOT, JAR (built when missing), WORK, the exit trap
#   start_portal NAME [JVM option...] -- [serve option...]   # sets PORTAL_PID, PORT, URL; output in $WORK/NAME.{out,err}
#   stop_portal
#   ensure_nginx                          # sets NGINX (apt-get installs it when missing; root)
#   stats SIZE SECONDS...                 # "bestMB/s medianMB/s bestSeconds medianSeconds"

bench_init() { # bench_init WORK_PREFIX
    ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    JAR=$ROOT/portal-integration/target/portalkit.jar
    if [ ! -f "$JAR" ]; then
        (cd "$ROOT" && mvn -B -q -pl portal-integration -am package -DskipTests -Dfuzz.skip=true)
    fi
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    PORTAL_PID=
    BENCH_PIDS=()
    trap bench_cleanup EXIT
}

bench_cleanup() {
    local pid
    [ -n "${PORTAL_PID:-}" ] && kill "$PORTAL_PID" 2>/dev/null && wait "$PORTAL_PID" 2>/dev/null || true
    for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    [ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
    rm -rf "$WORK"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

ensure_nginx() {
    if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
    fi
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
}

# start_portal NAME [JVM option...] -- [serve option...]: `java -Xmx64m ... -jar portalkit.jar serve` on a free
# port; waits (two minutes at most) until it answers; PORTAL_PID, PORT and URL (no trailing slash) describe it.
start_portal() {
    local name=$1 jvm=() serve=()
    shift
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do jvm+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    serve=("$@")
    PORT=$(free_port)
    java -Xmx64m "${jvm[@]}" -jar "$JAR" serve --port "$PORT" "${serve[@]}" > "$WORK/$name.out" 2> "$WORK/$name.err" &
    PORTAL_PID=$!
    BENCH_PIDS+=("$PORTAL_PID")
    for _ in $(seq 1 240); do
        grep -q "Portalkit is running at" "$WORK/$name.out" && break
        kill -0 "$PORTAL_PID" 2>/dev/null || { cat "$WORK/$name.err"; exit 1; }
        sleep 0.5
    done
    grep -q "Portalkit is running at" "$WORK/$name.out" || { echo "portal did not start"; cat "$WORK/$name.err"; exit 1; }
    URL=http://127.0.0.1:$PORT
}

stop_portal() {
    kill "$PORTAL_PID"; wait "$PORTAL_PID" 2>/dev/null || true; PORTAL_PID=
}

# stats SIZE TIMES...: "best median" as MB/s (10^6 bytes/s), then the best and median seconds
stats() {
    python3 - "$@" <<'PY'
import statistics, sys
size = int(sys.argv[1]); times = sorted(float(t) for t in sys.argv[2:])
print(f"{size / times[0] / 1e6:.0f} {size / statistics.median(times) / 1e6:.0f} {times[0]:.3f} {statistics.median(times):.3f}")
PY
}
