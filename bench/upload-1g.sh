#!/usr/bin/env bash
# Upload bench (not a test): a 1 GiB file part POSTed as multipart/form-data to the standalone
# portal (java -Xmx64m) and the same file uploaded to nginx on loopback, in the same run.
# Writes the figures to docs/bench.md.
#
#   bench/upload-1g.sh            # builds portalkit.jar first if it is missing
#
# Needs: java, curl, python3, sha256sum, openssl; installs nginx with apt-get when it is missing (root).
set -euo pipefail

. "$(dirname "$0")/lib.sh"
bench_init portalkit-bench
ensure_nginx
OUT=$ROOT/docs/bench.md
SIZE=$((1024 * 1024 * 1024))

mbps() { python3 -c "print(f'{$SIZE / $1 / 1e6:.0f}')"; }

echo "== 1 GiB of random data"
FILE=$WORK/upload-1g.bin
head -c "$SIZE" /dev/urandom > "$FILE"
EXPECTED=$(sha256sum "$FILE" | cut -d' ' -f1)
T0=$(date +%s.%N); openssl dgst -sha256 "$FILE" > /dev/null; T1=$(date +%s.%N)
SHA_S=$(python3 -c "print(f'{$T1 - $T0:.2f}')")
T0=$(date +%s.%N); cp "$FILE" "$WORK/copy.bin"; T1=$(date +%s.%N); rm "$WORK/copy.bin"
CP_S=$(python3 -c "print(f'{$T1 - $T0:.2f}')")

echo "== portal (java -Xmx64m -jar portalkit.jar serve)"
start_portal portal -- --data-dir "$WORK/portal-data" -o portal.plugins=example

digest() { # the required case: example_upload_digest reads the spooled part again and hashes it (SHA-256)
    local seconds
    seconds=$(curl -sS -o "$WORK/digest.json" -w '%{time_total}' -F "upload=@$FILE;type=application/octet-stream" \
        -F package_id=bench "$URL/api/action/example_upload_digest")
    python3 - "$WORK/digest.json" "$EXPECTED" "$SIZE" >&2 <<'PY'
import json, sys
body = json.load(open(sys.argv[1]))
assert body["success"], body
assert body["result"]["sha256"] == sys.argv[2], (body["result"]["sha256"], sys.argv[2])
assert body["result"]["size"] == int(sys.argv[3]), body["result"]["size"]
print("digest ok:", body["result"]["sha256"])
PY
    echo "$seconds"
}
# (a) cold: the first request after start (the JIT has not compiled the upload path yet)
COLD_S=$(digest)
# warm-up: three 64 MiB uploads
head -c $((64 * 1024 * 1024)) "$FILE" > "$WORK/warm.bin"
for _ in 1 2 3; do
    curl -sS -o /dev/null -F "upload=@$WORK/warm.bin" -F name=warm "$URL/api/action/example_hello"
done
rm "$WORK/warm.bin"
PORTAL_S=$(digest)
# (b) transport only: the same request to example_hello, which ignores the file (HTTP, multipart parsing,
#     spooling the part to <data-dir>/tmp and deleting it), i.e. what nginx does below.
SPOOL_S=$(curl -sS -o "$WORK/hello.json" -w '%{time_total}' -F "upload=@$FILE;type=application/octet-stream" \
    -F name=bench "$URL/api/action/example_hello")
grep -q '"success":true' "$WORK/hello.json" || { cat "$WORK/hello.json"; exit 1; }
PEAK_RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$PORTAL_PID/status")
LEFT=$(find "$WORK/portal-data/tmp" -type f -name '*.part' | wc -l)
stop_portal

echo "== nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///')"
NPORT=$(free_port)
mkdir -p "$WORK/nginx/body" "$WORK/nginx/store"
cat > "$WORK/nginx/nginx.conf" <<EOF
user root;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    server {
        listen 127.0.0.1:$NPORT;
        # The body goes to a file (client_body_temp_path) before the 204: the same work as the portal's spool.
        location /store/ {
            root $WORK/nginx;
            client_max_body_size 0;
            client_body_in_file_only clean;
            dav_methods PUT;
            create_full_put_path on;
        }
        location / {
            client_max_body_size 0;
            client_body_in_file_only clean;
            return 204;
        }
    }
}
EOF
"$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
sleep 0.5
# The multipart POST the portal got, to a location that answers 204.
NGINX_S=$(curl -sS -o /dev/null -w '%{time_total}' -F "upload=@$FILE;type=application/octet-stream" \
    -F package_id=bench "http://127.0.0.1:$NPORT/upload")
# The same multipart body stored by nginx's WebDAV PUT (read fully, written to a file, renamed).
NGINX_PUT_S=$(curl -sS -o /dev/null -w '%{time_total}' -X PUT -F "upload=@$FILE;type=application/octet-stream" \
    -F package_id=bench "http://127.0.0.1:$NPORT/store/upload.bin")
STORED=$(stat -c %s "$WORK/nginx/store/upload.bin" 2>/dev/null || echo 0)
kill "$(cat "$WORK/nginx/nginx.pid")"; sleep 0.3

COLD_MBPS=$(mbps "$COLD_S"); PORTAL_MBPS=$(mbps "$PORTAL_S"); SPOOL_MBPS=$(mbps "$SPOOL_S"); NGINX_MBPS=$(mbps "$NGINX_S"); NGINX_PUT_MBPS=$(mbps "$NGINX_PUT_S")
RATIO=$(python3 -c "print(f'{$NGINX_PUT_S / $PORTAL_S:.2f}')")
SPOOL_RATIO=$(python3 -c "print(f'{$NGINX_PUT_S / $SPOOL_S:.2f}')")
RSS_MB=$(python3 -c "print(f'{$PEAK_RSS_KB / 1024:.0f}')")
CPU=$(lscpu | sed -n 's/^Model name: *//p' | head -1)

mkdir -p "$(dirname "$OUT")"
cat > "$OUT" <<EOF
# Upload bench: 1 GiB multipart upload, portal vs nginx

Produced by \`bench/upload-1g.sh\` (not a test; rerun it to refresh this page).

- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)
- Machine: $CPU, $(nproc) cores (shared with other builds while measuring), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr)
- Java: $(java -version 2>&1 | head -1); portal started with \`java -Xmx64m -jar portalkit.jar serve\` (Jetty 12.1 + RESTEasy 7)
- nginx: $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), one worker
- Client: curl $(curl --version | head -1 | cut -d' ' -f2), \`curl -F upload=@1g.bin -F package_id=bench URL\` over loopback;
  the file is 1,073,741,824 random bytes (in the page cache); MB/s = 10^6 bytes/s of file, from curl's \`time_total\`

| case | time (s) | MB/s |
| --- | ---: | ---: |
| portal, first request after start (cold JIT): \`example_upload_digest\` | $COLD_S | $COLD_MBPS |
| portal, warm: \`example_upload_digest\` (upload spooled to \`<data-dir>/tmp\`, then read again for SHA-256; digest checked) | $PORTAL_S | $PORTAL_MBPS |
| portal, warm: same request to \`example_hello\` (transport + multipart parsing + spool only) | $SPOOL_S | $SPOOL_MBPS |
| nginx: WebDAV PUT of the same multipart body (read fully, written to a file) | $NGINX_PUT_S | $NGINX_PUT_MBPS |
| nginx: POST to a \`return 204\` location (\`client_body_in_file_only clean\`) | $NGINX_S | $NGINX_MBPS |
| for scale: \`openssl dgst -sha256\` of the file (SHA-NI) | $SHA_S | $(mbps "$SHA_S") |
| for scale: \`cp\` of the file (same disk) | $CP_S | $(mbps "$CP_S") |

- Portal / nginx (PUT, body to disk), warm: **$RATIO×** for the digest action, **$SPOOL_RATIO×** for transport + spool.
  The digest action is sequential by design of the example (spool, then hash the spooled copy): its time is
  roughly transport + a SHA-256 pass over 1 GiB in Java.
- Peak RSS of the portal process (VmHWM, after both uploads): **$RSS_MB MiB** with a 64 MiB heap: the upload is
  streamed, never held in memory. Spooled files left in \`<data-dir>/tmp\` after the requests: $LEFT.
- nginx stored $STORED bytes with PUT (the whole multipart body).
- nginx's \`return 204\` answers without reading the body into a file (it discards it), so that row is the
  transport ceiling rather than like-for-like work; the PUT row is the fair comparison.
EOF
cat "$OUT"
