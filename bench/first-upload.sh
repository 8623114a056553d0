#!/usr/bin/env bash
# The first 1 GiB upload of a fresh portal against md5sum on the same bytes (issue 16: the first
# should reach >= 0.85x md5sum, as later ones do). Not a test: figures go to docs/bench-scale.md.
#
#   bash bench/first-upload.sh [ROUNDS]     # default 3 rounds, each on a fresh portal and data directory
#
# Each round: md5sum of the file (the reference, timed in the same round), then a fresh
# `java -jar portalkit.jar serve` (the README's command, no JVM options; embedded H2, the default
# files:fs storage), and three files_file_create uploads of the file in a row with an API token:
# the first is the first request of the node after status_show answered (JIT cold), the next two
# warm. Prints seconds and the ratio md5sum / upload of each (1.00 = as fast as md5sum), and the
# load average beside them (the ratio needs a quiet machine: the upload uses two cores, md5sum one).
# Before md5sum and before each upload the page cache's dirty pages are written back (`sync`): the
# uploads write a gigabyte each (md5sum only reads), and a writer that starts while the previous
# gigabytes are still being written back is held back by the kernel, which would be measured instead.
# Each stored file is deleted after its upload (files_file_delete), as bench/files-1g.sh does: on this VM a
# gigabyte written into page-cache memory not used lately costs the writer ~2 s of kernel time, one
# written where deleted files' pages were freed ~0.2 s (plain dd shows the same, and the script prints
# it beside the uploads: "dd into fresh pages" / "dd into freed pages"), so without the deletes the
# later uploads of a round paid what the first did not and the comparison measured the VM.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ROUNDS=${1:-3}
bench_init portalkit-first-upload
FILE=$WORK/one.bin
head -c $((1024 * 1024 * 1024)) /dev/urandom > "$FILE"
EXPECTED=$(md5sum "$FILE" | cut -d' ' -f1)
TIMEFORMAT='%R'

# dd_write NAME: the wall and kernel seconds of writing 1 GiB with dd (fsync at the end), NAME kept.
dd_write() {
    sync
    /usr/bin/time -f '%e s wall, %S s kernel' dd if=/dev/zero of="$WORK/$1" bs=1M count=1024 conv=fsync status=none 2>&1
}
echo "dd into fresh pages: $(dd_write dd-1); again: $(dd_write dd-2)"
rm -f "$WORK/dd-1" "$WORK/dd-2"
echo "dd into freed pages: $(dd_write dd-3)"
rm -f "$WORK/dd-3"

for round in $(seq 1 "$ROUNDS"); do
    sync
    MD5_S=$( { time md5sum "$FILE" > /dev/null; } 2>&1 )
    DATA=$WORK/data-$round
    mkdir -p -m 700 "$DATA"
    java -jar "$JAR" user add bench --email bench@example.org --password 'bench bench bench' --sysadmin --data-dir "$DATA" >/dev/null
    TOKEN=$(java -jar "$JAR" token create bench --data-dir "$DATA" | tail -n 1)
    PORT=$(free_port)
    java -jar "$JAR" serve --port "$PORT" --data-dir "$DATA" > "$WORK/serve-$round.out" 2> "$WORK/serve-$round.err" &
    PORTAL_PID=$!
    BENCH_PIDS+=("$PORTAL_PID")
    for _ in $(seq 1 1200); do
        curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/3/action/status_show" 2>/dev/null && break
        kill -0 "$PORTAL_PID" 2>/dev/null || { cat "$WORK/serve-$round.err" >&2; exit 1; }
        sleep 0.05
    done
    line="round $round (load $(cut -d' ' -f1 /proc/loadavg)): md5sum ${MD5_S} s"
    for n in 1 2 3; do
        sync
        seconds=$(curl -sS -o "$WORK/create.json" -w '%{time_total}' -H "Authorization: $TOKEN" \
            -F "upload=@$FILE;type=application/octet-stream" -F "name=one-$n.bin" \
            "http://127.0.0.1:$PORT/api/3/action/files_file_create")
        python3 - "$WORK/create.json" "$EXPECTED" <<'PY'
import json, sys
body = json.load(open(sys.argv[1]))
assert body["success"], body
assert body["result"]["hash"] == sys.argv[2], (body["result"]["hash"], sys.argv[2])
PY
        line="$line; upload $n: $seconds s, $(python3 -c "print(f'{$MD5_S / $seconds:.2f}')")x md5sum"
        id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["result"]["id"])' "$WORK/create.json")
        curl -fsS -o /dev/null -H "Authorization: $TOKEN" -H 'Content-Type: application/json' -d "{\"id\": \"$id\"}" \
            "http://127.0.0.1:$PORT/api/3/action/files_file_delete"
    done
    echo "$line"
    stop_portal
    rm -rf "$DATA"
done
