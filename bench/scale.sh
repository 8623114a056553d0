#!/usr/bin/env bash
# Small requests and start-up of one standalone portal (embedded H2, default JVM options), against
# Debian's nginx serving the same 4 KiB file from disk in the same run:
#   - start: milliseconds from `java -jar portalkit.jar serve` to the first 200 of status_show, on a
#     fresh data directory (cold: migrations run) and again on the same one (warm); median of RUNS;
#     beside bench/StartFloor.java (the fixed stack alone: Weld SE, Hibernate on H2, Jetty) in the same runs;
#   - idle RSS of serve ten and thirty seconds after its first answer (VmRSS);
#   - requests/s of wrk (2 threads, 32 connections, DURATION seconds) on: the tracked download route
#     with an API token, the public route of a storage with public = true (no auth, no database), status_show,
#     and nginx; twice each (cold: the first run after the start; warm: the second);
#   - the same for bench/JettyFloor.java (the portal's Jetty and servlet layer alone, the bytes from
#     the heap), and the CPU time per request of the process serving each (nginx's worker, the JVMs).
# Prints every figure and the ratios to nginx. Not a test: figures go to docs/bench-scale.md.
#
#   bash bench/scale.sh [DURATION] [RUNS]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DURATION=${1:-10}
RUNS=${2:-3}
# Extra JVM options of serve (e.g. PORTALKIT_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/r.jfr to profile).
read -r -a JAVA_OPTS <<< "${PORTALKIT_JAVA_OPTS:-}"
bench_init portalkit-scale-bench
ensure_nginx
if ! command -v wrk >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

now_ms() { date +%s%3N; }

# await_answer PID URL LOG T0: ELAPSED_MS, the milliseconds from T0 until URL answers 200; fails the bench
# (showing LOG) if PID ends first or a minute passes.
await_answer() {
    for _ in $(seq 1 1200); do
        if curl -fsS -o /dev/null "$2" 2>/dev/null; then
            ELAPSED_MS=$(( $(now_ms) - $4 ))
            return
        fi
        kill -0 "$1" 2>/dev/null || { cat "$3" >&2; exit 1; }
        sleep 0.05
    done
    echo "$2 did not answer in a minute" >&2
    exit 1
}

# time_start DATA: START_MS, the milliseconds until status_show answers 200; leaves the portal running (PORTAL_PID, URL).
time_start() {
    local data=$1 t0 port
    port=$(free_port)
    t0=$(now_ms)
    # Configuring any storage drops the implicit default one (files:fs in <data_dir>/storage), so the
    # default storage is configured too: without it every upload without a storage is refused (409,
    # "storage: Storage default is not configured").
    java "${JAVA_OPTS[@]}" -jar "$JAR" serve --port "$port" --data-dir "$data" \
        -o portal.files.storage.default.type=files:fs -o "portal.files.storage.default.path=$data/storage" \
        -o portal.files.storage.default.create_path=true \
        -o portal.files.storage.pub.type=files:fs \
        -o "portal.files.storage.pub.path=$data/public" -o portal.files.storage.pub.create_path=true \
        -o portal.files.storage.pub.public=true > "$WORK/serve.out" 2> "$WORK/serve.err" &
    PORTAL_PID=$!
    await_answer "$PORTAL_PID" "http://127.0.0.1:$port/api/3/action/status_show" "$WORK/serve.err" "$t0"
    START_MS=$ELAPSED_MS
    PORT=$port
    URL=http://127.0.0.1:$port
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# time_floor: FLOOR_MS, the milliseconds from java to the first answer of bench/StartFloor.java (Weld SE,
# Hibernate on a fresh H2 file, Jetty, the least of each), compiled once into $WORK/floor-classes.
time_floor() {
    local t0 port pid
    if [ ! -d "$WORK/floor-classes" ]; then
        javac -cp "$ROOT/portal-integration/target/lib/*" -d "$WORK/floor-classes" "$ROOT/bench/StartFloor.java"
    fi
    rm -rf "$WORK/floor-db"*
    port=$(free_port)
    t0=$(now_ms)
    java "${JAVA_OPTS[@]}" -cp "$WORK/floor-classes:$ROOT/portal-integration/target/lib/*" StartFloor "$port" "$WORK/floor-db" \
        > "$WORK/floor-start.out" 2>&1 &
    pid=$!
    await_answer "$pid" "http://127.0.0.1:$port/" "$WORK/floor-start.out" "$t0"
    FLOOR_MS=$ELAPSED_MS
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

cold=() warm=() floor=()
for run in $(seq 1 "$RUNS"); do
    data=$WORK/start-$run
    time_start "$data"; cold+=("$START_MS"); stop_portal
    time_start "$data"; warm+=("$START_MS"); stop_portal
    time_floor; floor+=("$FLOOR_MS")
done
if [ "$RUNS" -gt 0 ]; then
    echo "start to first answer, cold (fresh data directory): median $(median "${cold[@]}") ms of ${cold[*]}"
    echo "start to first answer, warm (same data directory):  median $(median "${warm[@]}") ms of ${warm[*]}"
    echo "start-up floor (bench/StartFloor.java: Weld SE, Hibernate on H2, Jetty, nothing else): median $(median "${floor[@]}") ms of ${floor[*]}"
fi

DATA=$WORK/data
mkdir -p -m 700 "$DATA"
java -jar "$JAR" user add bench --email bench@example.org --password 'bench bench bench' --sysadmin --data-dir "$DATA" >/dev/null
TOKEN=$(java -jar "$JAR" token create bench --data-dir "$DATA" | tail -n 1)
time_start "$DATA"
sleep 10
echo "idle RSS of serve 10 s after its first answer: $(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$PORTAL_PID/status") MB"
sleep 20
echo "idle RSS of serve 30 s after its first answer: $(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$PORTAL_PID/status") MB"

head -c 4096 /dev/urandom > "$WORK/small.bin"
FILE_ID=$(curl -fsS -H "Authorization: $TOKEN" -F "upload=@$WORK/small.bin" "$URL/api/3/action/files_file_create" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["id"])')
# The public route: skipped (and said so) when the upload into the public storage is refused.
PUBLIC=$(curl -sS -H "Authorization: $TOKEN" -F "upload=@$WORK/small.bin" -F storage=pub "$URL/api/3/action/files_file_create" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["result"]["location"] if d.get("success") else "")' || true)
[ -n "$PUBLIC" ] || echo "the upload into the public storage was refused: the public route is not measured"

mkdir -p "$WORK/nginx/html"
cp "$WORK/small.bin" "$WORK/nginx/html/small.bin"
NGINX_PORT=$(free_port)
# Started as root, nginx's workers would run as nobody, who cannot enter the private $WORK: they run as this user.
NGINX_USER=
[ "$(id -u)" != 0 ] || NGINX_USER="user $(id -un) $(id -gn);"
cat > "$WORK/nginx/nginx.conf" <<EOF
$NGINX_USER
worker_processes 1;
error_log $WORK/nginx/error.log;
pid $WORK/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/nginx/html; }
}
EOF
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
sleep 0.5
curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/small.bin" || { echo "nginx refused the file:"; cat "$WORK/nginx/error.log"; exit 1; } >&2
curl -fsS -o /dev/null -H "Authorization: $TOKEN" "$URL/files/download/$FILE_ID"
[ -z "$PUBLIC" ] || curl -fsS -o /dev/null "$URL/files/public-download/pub/$PUBLIC" || PUBLIC=

# The second reference: the same Jetty and servlet layer as the portal's, answering with the same
# bytes from the heap and nothing else (bench/JettyFloor.java).
FLOOR_PORT=$(free_port)
java -cp "$ROOT/portal-integration/target/lib/*" "$ROOT/bench/JettyFloor.java" "$FLOOR_PORT" "$WORK/small.bin" \
    > "$WORK/floor.out" 2>&1 &
FLOOR_PID=$!
BENCH_PIDS+=("$FLOOR_PID")
await_answer "$FLOOR_PID" "http://127.0.0.1:$FLOOR_PORT/small.bin" "$WORK/floor.out" "$(now_ms)"
NGINX_WORKER=$(pgrep -P "$(cat "$WORK/nginx/nginx.pid")" | head -n 1)

# cpu PID: user + system clock ticks of a process so far.
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# rps LABEL PID URL [HEADER]: "requests/s CPU-microseconds-per-request" of one wrk run, the CPU
# being that of the process PID that serves it (steadier than requests/s on a shared machine);
# non-2xx answers fail the bench.
rps() {
    local out c0 c1 n
    c0=$(cpu "$2")
    if [ $# -ge 4 ]; then
        out=$(wrk -t2 -c32 -d"${DURATION}s" -H "$4" "$3")
    else
        out=$(wrk -t2 -c32 -d"${DURATION}s" "$3")
    fi
    c1=$(cpu "$2")
    if grep -q "Non-2xx" <<<"$out"; then echo "$1: non-2xx answers: $out" >&2; exit 1; fi
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    printf '%d %d' "$(awk '/Requests\/sec/ {printf "%d", $2}' <<<"$out")" \
        "$(( (c1 - c0) * 1000000 / $(getconf CLK_TCK) / (n > 0 ? n : 1) ))"
}

declare -A figure
for pass in cold warm; do
    figure[nginx-$pass]=$(rps nginx "$NGINX_WORKER" "http://127.0.0.1:$NGINX_PORT/small.bin")
    figure[jetty-$pass]=$(rps jetty "$FLOOR_PID" "http://127.0.0.1:$FLOOR_PORT/small.bin")
    figure[tracked-$pass]=$(rps tracked "$PORTAL_PID" "$URL/files/download/$FILE_ID" "Authorization: $TOKEN")
    [ -z "$PUBLIC" ] || figure[public-$pass]=$(rps public "$PORTAL_PID" "$URL/files/public-download/pub/$PUBLIC")
    figure[status-$pass]=$(rps status_show "$PORTAL_PID" "$URL/api/3/action/status_show")
done
for pass in cold warm; do
    read -r n ncpu <<<"${figure[nginx-$pass]}"
    read -r j jcpu <<<"${figure[jetty-$pass]}"
    echo "$pass nginx: $n requests/s, CPU $ncpu us/request; bare Jetty: $j requests/s, CPU $jcpu us/request"
    for what in tracked public status; do
        [ -n "${figure[$what-$pass]:-}" ] || continue
        read -r v vcpu <<<"${figure[$what-$pass]}"
        echo "$pass $what: $v requests/s, $(python3 -c "print(f'{$v / $n:.2f}')")x nginx," \
            "$(python3 -c "print(f'{$v / $j:.2f}')")x bare Jetty; CPU $vcpu us/request"
    done
done
