#!/usr/bin/env bash
# Jobs bench (not a test): jobs per second through one and two `portalkit jobs worker --burst` processes on one
# PostgreSQL database (the embedded server the tests use), N near no-op jobs of the example plugin enqueued before each
# run; one cold round, then ROUNDS warm ones (JUnit class JobsBench of portal-integration, run only by this script).
# Writes docs/bench-jobs.md.
#
#   bench/jobs.sh                    # 2,000 jobs, ROUNDS=3
#   JOBS=200 ROUNDS=1 bench/jobs.sh  # a quick smoke run
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/docs/bench-jobs.md
ROUNDS=${ROUNDS:-3}
JOBS=${JOBS:-2000}
MVN_REPO=${MVN_REPO:+-Dmaven.repo.local=$MVN_REPO}
RESULT=$(mktemp "${TMPDIR:-/tmp}/jobs-bench.XXXXXX")
trap 'rm -f "$RESULT"' EXIT

cd "$ROOT"
# portalkit.jar (with the example plugin in lib/) is what the worker processes run.
mvn -B -q -ntp ${MVN_OFFLINE:-} $MVN_REPO -pl portal-integration package -DskipTests -Dfuzz.skip=true
mvn -B -q -ntp ${MVN_OFFLINE:-} $MVN_REPO -pl portal-integration test -Dtest=JobsBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfuzz.skip=true -Dbench.jobs.out="$RESULT" -Dbench.jobs.rounds="$ROUNDS" -Dbench.jobs.count="$JOBS"
test -s "$RESULT" || { echo "the jobs bench wrote no figures" >&2; exit 1; }

CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
{
    echo "# Jobs bench: one worker and two, on PostgreSQL"
    echo
    echo "Produced by \`bench/jobs.sh\` (not a test; rerun it to refresh this page; \`JOBS=<n> ROUNDS=<n>\` to change the size)."
    echo
    echo "- Machine: $CPU, $(nproc) cores (shared with other builds while measuring), $(free -g | awk '/Mem:/ {print $2}') GiB RAM;"
    echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- Java: $(java -version 2>&1 | head -1); PostgreSQL: the embedded server of the tests (zonky), on loopback"
    echo "- Each run: $JOBS jobs of the example plugin (\`example_note_stats\` over an empty note table: one SELECT, about a"
    echo "  no-op) enqueued in one transaction; then \`java -Xmx256m -jar portalkit.jar jobs worker --burst\` as one process, or"
    echo "  two started together; each job is claimed (\`FOR UPDATE SKIP LOCKED\`), run and marked finished in transactions"
    echo "  of its own. Every job is checked finished at its first attempt (no job ran twice)."
    echo "- *wall* is the processes' time from start to exit, JVM start and portal boot included; *jobs/s over the span* is"
    echo "  $JOBS over the time from the first job's start to the last job's finish, from the job table (boot excluded)."
    echo "- The first round is \`cold\` (fresh database caches, first JIT of the test JVM's enqueueing); then $ROUNDS warm rounds."
    echo
    cat "$RESULT"
    echo
    echo "Reading: on this two-core machine a second worker process makes the queue slower, not faster: the ratio is below 1."
    echo "Both workers do take jobs (each worker prints how many it finished; the two split them about evenly) and no job"
    echo "ran twice. Not measured here, but the likely cause: a near no-op job costs CPU only (the claim, the run and the"
    echo "finish, three transactions through Hibernate and PostgreSQL on loopback), so one worker and PostgreSQL already keep"
    echo "both cores busy, and a second JVM adds its own start, JIT and collector on the same cores (the cold round, where"
    echo "both JVMs compile at once, is the worst). A second worker is for jobs that wait (a scan, a remote call, a"
    echo "download) or for another machine; on one small machine the server's own worker is the one to use."
} > "$OUT"
cat "$OUT"
