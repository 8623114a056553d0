#!/usr/bin/env bash
# Direct-upload bench (not a test): a file uploaded straight to S3Proxy in 8 MiB parts through presigned URLs the portal
# signed (files_multipart_start direct=true, the parts PUT by a small java.net.http client, files_multipart_complete),
# against the AWS SDK's own multipart upload of the same file to the same S3Proxy, in one JVM and one run (JUnit class
# S3DirectBench of plugins/storage-s3, run only by this script). Writes docs/bench-direct.md.
#
#   bench/direct-s3.sh                  # 1 GiB, ROUNDS=3 warm runs after one cold run
#   SIZE=268435456 bench/direct-s3.sh   # a smaller file (bytes), for a quick smoke run
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/docs/bench-direct.md
ROUNDS=${ROUNDS:-3}
SIZE=${SIZE:-1073741824}
MVN_REPO=${MVN_REPO:+-Dmaven.repo.local=$MVN_REPO}
RESULT=$(mktemp "${TMPDIR:-/tmp}/direct-bench.XXXXXX")
trap 'rm -f "$RESULT"' EXIT

cd "$ROOT"
mvn -B -q -ntp ${MVN_OFFLINE:-} $MVN_REPO -pl plugins/storage-s3 test -Dtest=S3DirectBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfuzz.skip=true -Dbench.direct.out="$RESULT" -Dbench.direct.rounds="$ROUNDS" -Dbench.direct.size="$SIZE" -DargLine="-Xmx1g"
test -s "$RESULT" || { echo "the direct bench wrote no figures" >&2; exit 1; }

CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
{
    echo "# Direct-upload bench: presigned parts vs the AWS SDK's multipart upload, on S3Proxy"
    echo
    echo "Produced by \`bench/direct-s3.sh\` (not a test; rerun it to refresh this page; \`SIZE=<bytes>\` for a smaller file)."
    echo
    echo "- Machine: $CPU, $(nproc) cores (shared with other builds while measuring), $(free -g | awk '/Mem:/ {print $2}') GiB RAM;"
    echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- Java: $(java -version 2>&1 | head -1); S3Proxy 4.1.0, filesystem store under \`/tmp\`, plain HTTP on loopback"
    echo "- One JVM (-Xmx1g) holds S3Proxy, the portal (Weld SE, H2, the storage-s3 plugin, a \`files:s3\` storage) and both"
    echo "  clients; both send 8 MiB parts one after the other from the same file in the page cache."
    echo "- AWS SDK 2.56.0 with the client the adapter builds (Apache HttpClient 4, path style, SigV4, checksums where required):"
    echo "  CreateMultipartUpload, UploadPart, CompleteMultipartUpload."
    echo "- Direct: the portal's \`files_multipart_start\` with \`direct=true\` (an upload id and one presigned URL a part), the"
    echo "  parts PUT by \`java.net.http.HttpClient\` to those URLs (no byte passes through the portal), then"
    echo "  \`files_multipart_complete\` with the parts' ETags: ListParts, CompleteMultipartUpload, and the host's verification,"
    echo "  which reads the object back once for its MD5 (S3's multipart ETag is no content hash) and checks the hash given at start."
    echo "- The first run of each is \`[cold]\` (JIT, connections, first signing); then $ROUNDS warm runs; medians."
    echo
    cat "$RESULT"
    echo
    echo "Reading: the total is the portal's two calls plus the parts. \`files_multipart_start\` (signing every part's URL, no"
    echo "request to S3) costs a fraction of a second. \`files_multipart_complete\` costs about one read of the object: the host"
    echo "reads it back to check the hash given at start, because a multipart ETag is no content hash; that grows with the file."
    echo "The parts of a direct upload are cheaper than the SDK's: a presigned URL carries \`UNSIGNED-PAYLOAD\`, while the SDK over"
    echo "plain HTTP signs each chunk of the body (SHA-256). So the two calls cost about the read-back, and the total lands near"
    echo "the SDK's. \`farm-bench\` is not used: it times whole processes, and here both clients share one JVM with S3Proxy."
} > "$OUT"
cat "$OUT"
