#!/usr/bin/env bash
# S3 bench (not a test): 1 GiB uploaded and downloaded through the portal to a files:s3 storage on S3Proxy, against
# the AWS SDK writing and reading the same bytes straight to the same S3Proxy, in one run. Writes docs/bench-s3.md.
#
#   bench/s3-1g.sh              # ROUNDS=3 by default
#
# Part 1, through HTTP (JUnit class S3HttpBench of portal-integration, run only by this script): a standalone
# `portalkit.jar serve` with -Xmx64m whose files:s3 storages come only from the plugin's drop-in jar; curl uploads
# with files_file_create and downloads /files/download/{id} (proxy mode, and redirect mode with curl fetching the
# presigned URL); the SDK (in the JVM that runs S3Proxy) puts and gets the same file.
# Part 2, the storage layer alone (JUnit class S3Bench of plugins/storage-s3): what the File API calls, in the same
# JVM as S3Proxy and the SDK, to tell the storage's cost from the HTTP layer's.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/docs/bench-s3.md
ROUNDS=${ROUNDS:-3}
HTTP_RESULT=$(mktemp "${TMPDIR:-/tmp}/s3-http-bench.XXXXXX")
LAYER_RESULT=$(mktemp "${TMPDIR:-/tmp}/s3-bench.XXXXXX")
trap 'rm -f "$HTTP_RESULT" "$HTTP_RESULT.64m" "$LAYER_RESULT"' EXIT

cd "$ROOT"
mvn -B -q -ntp -pl portal-integration -am verify -DskipWildFly -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.skip=true \
    -Dit.test=S3HttpBench -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dbench.s3http.out="$HTTP_RESULT" -Dbench.s3http.rounds="$ROUNDS" -Dbench.s3http.heap=512m
test -s "$HTTP_RESULT" || { echo "the HTTP bench wrote no figures" >&2; exit 1; }
# The same with the 64 MiB heap of the files bench: the memory proof, and what a tight heap costs in GC.
mvn -B -q -ntp -pl portal-integration -am verify -DskipWildFly -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.skip=true \
    -Dit.test=S3HttpBench -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dbench.s3http.out="$HTTP_RESULT.64m" -Dbench.s3http.rounds="$ROUNDS" -Dbench.s3http.heap=64m
test -s "$HTTP_RESULT.64m" || { echo "the HTTP bench (64 MiB heap) wrote no figures" >&2; exit 1; }
LOAD_HTTP=$(cut -d' ' -f1-3 /proc/loadavg)
mvn -B -q -ntp -pl plugins/storage-s3 -am test -Dtest=S3Bench -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.skip=true \
    -Dbench.s3.out="$LAYER_RESULT" -Dbench.s3.rounds="$ROUNDS" -DargLine="-Xmx1g"
test -s "$LAYER_RESULT" || { echo "the storage-layer bench wrote no figures" >&2; exit 1; }

CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
{
    echo "# S3 bench: 1 GiB through the portal vs the AWS SDK, on S3Proxy"
    echo
    echo "Produced by \`bench/s3-1g.sh\` (not a test; rerun it to refresh this page)."
    echo
    echo "- Machine: $CPU, $(nproc) cores (shared with other builds while measuring), $(free -g | awk '/Mem:/ {print $2}') GiB RAM;"
    echo "  load average after part 1: $LOAD_HTTP; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- Java: $(java -version 2>&1 | head -1); $(curl --version | head -1 | cut -d' ' -f1-2)"
    echo "- S3Proxy 4.1.0, filesystem store under \`portal-integration/target\` (part 1) or \`/tmp\` (part 2), plain HTTP on loopback"
    echo "- The file: 1 GiB of random bytes in the page cache; MB/s = 10^6 bytes/s; $ROUNDS rounds after two warm-up rounds; the best run counts"
    echo
    echo "## 1. Through the portal's HTTP face"
    echo
    echo "- The portal: \`java -Xmx512m -jar portalkit.jar serve\` (half the file: nothing can hold it whole), its own process, with"
    echo "  the S3 plugin only as the drop-in jar in \`<data-dir>/plugins\`; three \`files:s3\` storages on one bucket: \`proxy = proxy\`"
    echo "  (the default storage) and \`proxy = redirect\`, both with a \`uuid\` location transformer, so uploads are piped while"
    echo "  they arrive (\`portal.http.pipe_uploads\`, on by default), and one without it, into which the part is spooled, then sent."
    echo "- CPU s: user + system time from \`/proc\` of the test JVM (S3Proxy and the SDK), the portal and curl in the best run."
    echo "- Its client: curl, \`-F upload=@1g.bin\` to \`files_file_create\` (a multipart request whose only part is the file;"
    echo "  the portal hashes it (MD5), detects its type and checks the returned hash), and \`-o /dev/null\` from \`/files/download/{id}\`"
    echo "  with the API token. In redirect mode the time is the portal's 302 plus curl fetching the presigned URL from S3Proxy."
    echo "- The AWS SDK 2.56.0 (Apache HttpClient 4, path style, SigV4 chunk-signed payload over HTTP), in the JVM that runs"
    echo "  S3Proxy: \`PutObject\` with \`RequestBody.fromFile\`, \`GetObject\` read to the end."
    echo
    cat "$HTTP_RESULT"
    echo
    echo "### The same with \`-Xmx64m\`"
    echo
    cat "$HTTP_RESULT.64m"
    echo
    echo "## 2. The storage layer alone (no HTTP between client and portal)"
    echo
    echo "One JVM (-Xmx1g) holds S3Proxy, the portal (Weld SE, H2) with the storage-s3 plugin, and the SDK with the client the"
    echo "adapter builds; the portal is measured at \`ManagedStorage.uploader().upload\` with \`Upload.of(path)\` (MD5 on a helper"
    echo "thread, type detection on the first 8 KiB, size checks) and \`reader().stream\` read to the end."
    echo
    cat "$LAYER_RESULT"
    echo
    cat "$ROOT/bench/s3-1g-notes.md"
} > "$OUT"
cat "$OUT"
