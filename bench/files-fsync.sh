#!/usr/bin/env bash
# fsync bench (not a test): what files:fs's `fsync` option costs an upload. Two standalone portals
# run side by side (java -Xmx64m, H2, a files:fs default storage), one with fsync = false, one with
# fsync = true; the same uploads go to each in turn (so that the load of a shared machine hits both
# alike), and a `sync` before every timed upload starts each from a clean page cache.
#
#   bench/files-fsync.sh                 # 1 GiB x 5, 64 KiB x 200 per portal and round
#   ROUNDS=7 SMALL=500 bench/files-fsync.sh
#
# What is measured (curl's time_total of files_file_create, spool + MD5 + hard link + record):
#   big     one 1 GiB file per round: fsync = true adds the flush of the spooled bytes to the disk
#   small   SMALL files of 64 KiB one after the other (the sum of their request times): fsync = true adds two
#           flushes per file (file, folder)
# Prints a Markdown table (best and median MB/s or files/s, and the fsync/no-fsync ratio of the medians);
# docs/bench-fsync.md holds the figures of a run.
#
# Needs: java, curl, python3, head.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
bench_init portalkit-fsync-bench
ROUNDS=${ROUNDS:-5}
SMALL=${SMALL:-200}
GIB=$((1024 * 1024 * 1024))

head -c "$GIB" /dev/urandom > "$WORK/big.bin"
head -c 65536 /dev/urandom > "$WORK/small.bin"

declare -A URL TOKEN
for mode in false true; do
    data=$WORK/data-$mode
    cat > "$WORK/$mode.properties" <<EOF
portal.auth.password_iterations = 1000
portal.http.max_upload_size = 2GiB
portal.files.storage.default.type = files:fs
portal.files.storage.default.path = $data/storage
portal.files.storage.default.create_path = true
portal.files.storage.default.max_size = 0
portal.files.storage.default.fsync = $mode
EOF
    start_portal "$mode" -- --data-dir "$data" --config "$WORK/$mode.properties"
    PORTAL_PID=  # both stay up until the end (the exit trap stops them)
    URL[$mode]=$URL/
    java -jar "$JAR" user add admin --email admin@example.org --password 'a long secret' --sysadmin \
        --data-dir "$data" --config "$WORK/$mode.properties" > /dev/null
    TOKEN[$mode]=$(java -jar "$JAR" token create admin --data-dir "$data" --config "$WORK/$mode.properties" | tail -n 1)
done

upload() { # mode file name -> seconds
    curl -sS -o "$WORK/answer.json" -w '%{time_total}' -H "Authorization: ${TOKEN[$1]}" \
        -F "name=$3" -F "upload=@$2;type=application/octet-stream" "${URL[$1]}api/action/files_file_create"
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["success"] else r)' "$WORK/answer.json"
}
remove() { # mode name
    id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["result"]["id"])' "$WORK/answer.json")
    curl -sS -o /dev/null -H "Authorization: ${TOKEN[$1]}" -H 'Content-Type: application/json' \
        -d "{\"id\": \"$id\"}" "${URL[$1]}api/action/files_file_delete"
}

declare -A BIG SMALLT
for round in $(seq "$ROUNDS"); do
    for mode in false true; do
        sync
        t=$(upload "$mode" "$WORK/big.bin" "big-$round.bin"); remove "$mode"
        BIG[$mode]="${BIG[$mode]:-} $t"
        sync
        # The sum of curl's request times: the clients' own start-up (curl, python3) stays out of it.
        : > "$WORK/small-times"
        for i in $(seq "$SMALL"); do upload "$mode" "$WORK/small.bin" "small-$round-$i.bin" >> "$WORK/small-times"; echo >> "$WORK/small-times"; done
        SMALLT[$mode]="${SMALLT[$mode]:-} $(python3 -c 'import sys; print(sum(float(l) for l in open(sys.argv[1]) if l.strip()))' "$WORK/small-times")"
    done
done

python3 - "$GIB" "$SMALL" "${BIG[false]}" "${BIG[true]}" "${SMALLT[false]}" "${SMALLT[true]}" <<'PY'
import statistics, sys
gib, small = int(sys.argv[1]), int(sys.argv[2])
big = {m: [float(t) for t in sys.argv[3 + i].split()] for i, m in enumerate(("off", "on"))}
sm = {m: [float(t) for t in sys.argv[5 + i].split()] for i, m in enumerate(("off", "on"))}
print("| case | fsync | best | median | on/off (median) |")
print("| --- | --- | ---: | ---: | ---: |")
for name, times, unit, amount in (("1 GiB upload", big, "MB/s", gib / 1e6), (f"{small} x 64 KiB uploads", sm, "files/s", small)):
    med = {m: statistics.median(t) for m, t in times.items()}
    for m in ("off", "on"):
        ratio = f"{med['off'] / med['on']:.2f}x" if m == "on" else ""
        print(f"| {name} | {m} | {amount / min(times[m]):.0f} {unit} | {amount / med[m]:.0f} {unit} | {ratio} |")
PY
