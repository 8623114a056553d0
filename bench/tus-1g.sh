#!/usr/bin/env bash
# tus bench (not a test): 1 GiB through tus (/files/tus) in 8 MiB PATCHes, and in one PATCH, against
# one files_file_create of the same file to the same files:fs storage, same portal, same run; the
# cases alternate round by round and each ratio is taken within a round. Round 1 is "cold" (the first
# upload of each kind after the portal started), the others "warm". Writes docs/bench-tus.md.
#
#   bench/tus-1g.sh [ROUNDS]      # default 4 rounds (1 cold + 3 warm); builds portalkit.jar when missing
#
# Needs: java, curl, python3 (its standard library is the tus client).
set -euo pipefail

. "$(dirname "$0")/lib.sh"
bench_init portalkit-tus-bench
ROUNDS=${1:-4}
OUT=$ROOT/docs/bench-tus.md
SIZE=$((1024 * 1024 * 1024))

FILE=$WORK/tus-1g.bin
head -c "$SIZE" /dev/urandom > "$FILE"
EXPECTED_MD5=$(md5sum "$FILE" | cut -d' ' -f1)

STORE=$WORK/store
mkdir -p "$WORK/portal-data" "$STORE"
PORTAL_OPTS=(--data-dir "$WORK/portal-data"
    -o portal.files.storage.bench.type=files:fs -o "portal.files.storage.bench.path=$STORE")
PK=(java -jar "$JAR")
"${PK[@]}" user add bench --email bench@example.org --password 'bench bench bench' --sysadmin "${PORTAL_OPTS[@]}" >/dev/null
TOKEN=$("${PK[@]}" token create bench "${PORTAL_OPTS[@]}" | tail -n 1)

# tus_upload CHUNK NAME: a tus client on Python's standard library; prints "seconds file-id".
tus_upload() {
    python3 - "$URL" "$TOKEN" "$FILE" "$1" "$2" <<'PY'
import base64, http.client, os, sys, time, urllib.parse
url, token, path, chunk, name = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
u = urllib.parse.urlparse(url)
size = os.path.getsize(path)
b64 = lambda s: base64.b64encode(s.encode()).decode()
start = time.monotonic()
c = http.client.HTTPConnection(u.hostname, u.port, timeout=600, blocksize=1024 * 1024)
c.request("POST", "/files/tus", headers={"Tus-Resumable": "1.0.0", "Authorization": token, "Upload-Length": str(size),
          "Upload-Metadata": f"filename {b64(name)},storage {b64('bench')}"})
r = c.getresponse(); r.read()
assert r.status == 201, (r.status, r.headers)
location = r.getheader("Location")
offset, file_id = 0, None
with open(path, "rb") as f:
    while offset < size:
        n = min(chunk, size - offset)
        f.seek(offset)
        body = f if n == size else f.read(n)
        c.request("PATCH", location, body=body, headers={"Tus-Resumable": "1.0.0", "Authorization": token,
                  "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream", "Content-Length": str(n)})
        r = c.getresponse(); r.read()
        assert r.status == 204, (r.status, r.headers)
        offset = int(r.getheader("Upload-Offset"))
        file_id = r.getheader("Portal-File-Id") or file_id
print(f"{time.monotonic() - start:.3f} {file_id}")
PY
}

# create NAME: one files_file_create (multipart POST); prints "seconds file-id".
create() {
    local t
    t=$(curl -sS -o "$WORK/create.json" -w '%{time_total}' -H "Authorization: $TOKEN" -F storage=bench -F "name=$1" \
        -F "upload=@$FILE;type=application/octet-stream" "$URL/api/action/files_file_create")
    echo "$t $(python3 -c "import json; b = json.load(open('$WORK/create.json')); assert b['success'], b; print(b['result']['id'])")"
}

check() { # check ID: the file's recorded MD5 is the file's
    local hash
    hash=$(curl -sS -H "Authorization: $TOKEN" "$URL/api/action/files_file_show?id=$1" \
        | python3 -c "import json, sys; print(json.load(sys.stdin)['result']['hash'])")
    [ "$hash" = "$EXPECTED_MD5" ] || { echo "file $1 has MD5 $hash, expected $EXPECTED_MD5"; exit 1; }
}

start_portal portal -- "${PORTAL_OPTS[@]}"
PARTS=(); ONE=(); CREATE=()
for round in $(seq 1 "$ROUNDS"); do
    read -r T ID <<< "$(tus_upload $((8 * 1024 * 1024)) "parts-$round.bin")"; check "$ID"; PARTS+=("$T")
    read -r T ID <<< "$(create "create-$round.bin")"; check "$ID"; CREATE+=("$T")
    read -r T ID <<< "$(tus_upload "$SIZE" "one-$round.bin")"; check "$ID"; ONE+=("$T")
    echo "round $round: tus 8 MiB ${PARTS[-1]} s, files_file_create ${CREATE[-1]} s, tus one PATCH ${ONE[-1]} s"
done
PEAK=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$PORTAL_PID/status")
LEFT=$(find "$WORK/portal-data/tmp" -type f | grep -vc '/lock$' || true)
stop_portal

FIGURES=$(python3 - "$SIZE" "${PARTS[*]}" "${CREATE[*]}" "${ONE[*]}" <<'PY'
import statistics, sys
size = int(sys.argv[1])
parts, create, one = ([float(x) for x in a.split()] for a in sys.argv[2:5])
def warm(xs): return xs[1:] or xs
def row(name, xs):
    return f"| {name} | {xs[0]:.2f} | {statistics.median(warm(xs)):.2f} | {size / statistics.median(warm(xs)) / 1e6:.0f} |"
print("| case | cold (s) | warm median (s) | warm MB/s |")
print("| --- | ---: | ---: | ---: |")
print(row("`files_file_create`, one multipart POST (the reference)", create))
print(row("tus, 128 PATCHes of 8 MiB", parts))
print(row("tus, one PATCH of 1 GiB", one))
print()
for name, xs in (("tus in 8 MiB PATCHes", parts), ("tus in one PATCH", one)):
    ratios = [a / b for a, b in zip(xs, create)]
    print(f"- {name} / `files_file_create`: cold **{ratios[0]:.2f}×**, warm median **{statistics.median(warm(ratios)):.2f}×** "
          f"(per round: {', '.join(f'{r:.2f}' for r in ratios)})")
PY
)
CPU=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
cat > "$OUT" <<EOF
# tus bench: 1 GiB through /files/tus vs one files_file_create

Produced by \`bench/tus-1g.sh\` (not a test; rerun it to refresh this page). Time = the client's wall time
for the whole upload, creation and every PATCH included; 1.00× = as fast as one \`files_file_create\`.

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)
- Machine: $CPU, $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr)
- Java: $(java -version 2>&1 | head -1); portal: \`java -Xmx64m -jar portalkit.jar serve\`, storage \`bench\` of type
  \`files:fs\`, MD5 (the default \`hashing_algorithm\`)
- Clients over loopback: curl $(curl --version | head -1 | cut -d' ' -f2) (\`-F upload=@file\`) for \`files_file_create\`;
  a tus client on Python $(python3 -c 'import platform; print(platform.python_version())')'s \`http.client\` (one connection, each PATCH's
  bytes read from the page cache) for tus
- The file: 1,073,741,824 random bytes, in the page cache. $ROUNDS rounds, the three cases in turn; round 1 is cold.

$FIGURES

- Peak RSS of the portal: $PEAK MiB (\`-Xmx64m\`). Files left in \`<data-dir>/tmp\` after the uploads: $LEFT.

What the difference is made of (docs/resumable-uploads.md): \`files_file_create\` writes the bytes once
(the spool, hashed on the way) and hard-links the spool into the storage. A tus upload writes each part into
\`files:fs\`'s staging area as it arrives (straight from the request when the body holds the whole part),
records the parts and the offset in a transaction when the request ends (every 8 parts or 2 s within a
long one), and at the end the storage concatenates the parts into the file (the kernel copies; the hash
was taken while the bytes arrived): the bytes are written twice, and each 8 MiB PATCH adds a request and
a commit of the embedded database (about 35 ms a PATCH here, against about 15 ms for its bytes alone).
EOF
echo "wrote $OUT"
