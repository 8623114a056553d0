#!/bin/bash
# Start time of the commands that need no database (not a test): `bash bench/cli-start.sh RUNS DIR...`
# runs `plugins`, `config declaration` and `files adapters` of each DIR/portalkit.jar (with lib/ beside it),
# without and with DIR/portalkit.jsa, RUNS rounds interleaved with `java -version` as the reference, in an
# empty working directory, and prints the median wall and CPU (user + system) seconds of each.
#
# An archive maps only for the jar path it was trained with: to compare a jar copied aside, train one there
# as the package does:
#   java -XX:ArchiveClassesAtExit=$DIR/portalkit.jsa -jar $DIR/portalkit.jar serve --port 0 --stop-after-start --data-dir $DIR/train
set -euo pipefail
RUNS=${1:?RUNS}; shift
[ $# -gt 0 ] || set -- "$(cd "$(dirname "$0")/.." && pwd)/portal-integration/target"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/portalkit-cli-start.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
TIMEFORMAT='%R %U %S'
timed() { { time "$@" >/dev/null 2>&1 ; } 2>&1 | awk '{printf "%s:%s", $1, $2 + $3}'; }
declare -A R
for _ in $(seq 1 "$RUNS"); do
    R[ref]+="$(timed java -version) "
    for d in "$@"; do
        for c in "plugins" "config declaration" "files adapters"; do
            R["$d|$c|plain"]+="$(timed java -jar "$d/portalkit.jar" $c) "
            R["$d|$c|cds"]+="$(timed java -XX:SharedArchiveFile="$d/portalkit.jsa" -jar "$d/portalkit.jar" $c) "
        done
    done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR] = $1} END {print NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
both() { printf "wall %.2f s  cpu %.2f s" "$(tr ' ' '\n' <<< "$1" | grep : | cut -d: -f1 | median)" "$(tr ' ' '\n' <<< "$1" | grep : | cut -d: -f2 | median)"; }
echo "java -version: $(both "${R[ref]}")"
for d in "$@"; do
    for c in "plugins" "config declaration" "files adapters"; do
        for v in plain cds; do printf "%s  %-20s %-5s %s\n" "$d" "$c" "$v" "$(both "${R["$d|$c|$v"]}")"; done
    done
done
