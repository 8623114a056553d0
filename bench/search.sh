#!/usr/bin/env bash
# Search bench (not a test): 100,000 datasets and 1,000,000 tracked files on PostgreSQL; package_search with q and two
# facets and without q (the /dataset page), files_file_search by owner, storage, content type and name, as in-process
# action calls against one hand-written SQL query over the same tables (JUnit class SearchBench of runtime, run only by
# this script). Writes docs/bench-search.md.
#
#   bench/search.sh                                  # embedded PostgreSQL (a fresh database; loading takes ~3 minutes)
#   URL=jdbc:postgresql://127.0.0.1:5432/bench bench/search.sh   # an existing database (user/password postgres), loaded
#                                                    # on the first run and reused by later ones
#   DATASETS=10000 FILES=100000 bench/search.sh      # smaller, for a quick smoke run
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/docs/bench-search.md
DATASETS=${DATASETS:-100000}
FILES=${FILES:-1000000}
QUERIES=${QUERIES:-300}
MVN_REPO=${MVN_REPO:+-Dmaven.repo.local=$MVN_REPO}
RESULT=$(mktemp "${TMPDIR:-/tmp}/search-bench.XXXXXX")
trap 'rm -f "$RESULT"' EXIT

cd "$ROOT"
mvn -B -q -ntp ${MVN_OFFLINE:-} $MVN_REPO -pl runtime test -Dtest=SearchBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfuzz.skip=true -Dbench.search.out="$RESULT" -Dbench.search.datasets="$DATASETS" -Dbench.search.files="$FILES" \
    -Dbench.search.queries="$QUERIES" -Dbench.search.url="${URL:-}" -DargLine="-Xmx1g"
test -s "$RESULT" || { echo "the search bench wrote no figures" >&2; exit 1; }

CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
{
    echo "# Search bench: package_search and files_file_search at scale, on PostgreSQL"
    echo
    echo "Produced by \`bench/search.sh\` (not a test; rerun it to refresh this page)."
    echo
    echo "- Machine: $CPU, $(nproc) cores (shared with other builds while measuring), $(free -g | awk '/Mem:/ {print $2}') GiB RAM;"
    echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- Java: $(java -version 2>&1 | head -1); PostgreSQL 15 (${URL:-embedded, default settings}); one JVM (-Xmx1g) calls the"
    echo "  actions in process (no HTTP), as a sysadmin, each in its own transaction."
    echo "- Data: $DATASETS datasets in 200 organizations, each with a title of 3-6 and notes of 20-40 made-up words (the"
    echo "  first words of a 2,000-word list far more often than the last: the commonest is in 94% of the datasets, the 400th"
    echo "  in 2%), three of 500 tags, one resource of five formats, one of seven licenses, 5% private; $FILES tracked files"
    echo "  in four storages, ten content types, owned by 1,000 users."
    echo "- \`q\`: one word drawn uniformly from the 2,000 (most match a few percent of the datasets), or one or two words"
    echo "  drawn the same way as the text (so very common words come often: the commonest matches 94%); facets"
    echo "  \`organization\` and \`tags\`; 20 rows, as the /dataset page. Without \`q\`: pages 1-5 of all public datasets, newest"
    echo "  first."
    echo "- Reference: one hand-written SQL query over the same tables for the same page and count, without facets and"
    echo "  without building the result dicts; the ratio is the action's p95 over the reference's p95."
    echo "- cold: the first call after start (this node reads the whole index into memory then); warm: the next $QUERIES"
    echo "  calls of each kind."
    echo
    cat "$RESULT"
    echo
    echo "Reading: compare with the committed version of this page, whose notes say what each row costs and why."
} > "$OUT"
cat "$OUT"
