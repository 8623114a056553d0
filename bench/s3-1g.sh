#!/usr/bin/env bash
# S3 bench (not a test): 1 GiB uploaded and downloaded through the portal's storage layer (a files:s3
# storage as the files plugin opens it, i.e. what the File API calls: managed upload with the host's
# MD5 and type detection, managed stream) and by the AWS SDK straight to the same in-process S3Proxy
# (filesystem store), with the same client configuration, in one run. Writes docs/bench-s3.md.
#
#   bench/s3-1g.sh              # ROUNDS=3 by default
#
# There is no HTTP file route on this branch yet, so the portal is measured at its storage layer,
# in the same JVM as S3Proxy and the SDK client (JUnit class S3Bench, run only by this script).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/docs/bench-s3.md
ROUNDS=${ROUNDS:-3}
RESULT=$(mktemp "${TMPDIR:-/tmp}/s3-bench.XXXXXX")
trap 'rm -f "$RESULT"' EXIT

cd "$ROOT"
mvn -B -q -pl plugins/storage-s3 -am test -Dtest=S3Bench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbench.s3.out="$RESULT" -Dbench.s3.rounds="$ROUNDS" -DargLine="-Xmx1g"
test -s "$RESULT" || { echo "the bench wrote no figures" >&2; exit 1; }

CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
{
    echo "# S3 bench: 1 GiB through the portal's storage layer vs the AWS SDK"
    echo
    echo "Produced by \`bench/s3-1g.sh\` (not a test; rerun it to refresh this page)."
    echo
    echo "- Machine: $CPU, $(nproc) cores (shared with other builds while measuring), $(free -g | awk '/Mem:/ {print $2}') GiB RAM;"
    echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- Java: $(java -version 2>&1 | head -1); one JVM (-Xmx1g) holds S3Proxy 4.1.0 (filesystem store under /tmp),"
    echo "  the portal (Weld SE, H2) with the storage-s3 plugin, and the SDK client"
    echo "- Both sides use the client the adapter builds: AWS SDK 2.56.0, Apache HttpClient 4, path-style, SigV4 with"
    echo "  streaming (chunk-signed) payloads over plain HTTP, checksums only where required (custom endpoint)"
    echo "- The file: 1 GiB of random bytes in the page cache; MB/s = 10^6 bytes/s; $ROUNDS rounds after two warm-up rounds"
    echo "- The portal is measured at its storage layer (\`ManagedStorage.uploader().upload\` with \`Upload.of(path)\`, and"
    echo "  \`reader().stream\` read to the end): there is no HTTP file route yet (\`files_file_create\` is on another branch)."
    echo "  The upload includes what the host adds: the MD5 of the content (on a helper thread), type detection on"
    echo "  the first 8 KiB, size checks; the returned hash is checked against the file's"
    echo
    cat "$RESULT"
    cat <<'NOTES'

What the figures say:

- **Upload**: the portal's upload is the SDK's streamed PUT plus what the host does to every upload: the MD5
  of the content on a helper thread (the "for scale" row: about 2 s of one core per GiB), type detection on the
  first 8 KiB, size checks. Whether the MD5 costs time depends on a free core: the PUT alone keeps about two
  busy here (the SDK signs every 128 KiB chunk with SigV4 over plain HTTP; S3Proxy, in the same JVM, verifies
  those signatures, computes its own MD5 for the ETag and writes the file). With a core to spare the MD5
  overlaps completely (the best runs above: portal and SDK within a few percent); with none, the portal's time
  is the SDK's plus the MD5's (the worst runs of the day: 0.67×). The last ratio above bounds that case: the
  portal against the PUT and the MD5 in sequence. Against AWS over HTTPS the SDK signs no payload and the
  server's work happens elsewhere, so there the upload is network-bound rather than CPU-bound.
- **Unknown size** (an upload without a declared length, e.g. a stream): a multipart upload with 8 MiB parts,
  each part sent while the next is read. It is compared with the SDK's own multipart upload of the same file;
  S3Proxy assembles the parts at completion (another pass over the data), which both pay.
- **Download**: the portal hands the SDK's response stream through (closed early, it aborts the response
  instead of draining it): no per-byte work of its own.
- The machine is shared with other builds (see the load average): runs of the same case vary by 50% and more,
  which is why each case runs three times and the best run counts. Six runs on 2026-11-21 (load average 5 to 11)
  gave upload ratios of 0.67, 0.73, 0.79, 0.79, 0.86 and 1.04 (this page), download ratios of 0.84 to 1.25, and
  0.75 to 1.07 for the unknown size. The 0.8× target holds when the machine leaves the host's MD5 a core, not
  reliably on 2 shared cores.
NOTES
} > "$OUT"
cat "$OUT"
