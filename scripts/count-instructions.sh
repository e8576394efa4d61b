#!/usr/bin/env bash
# Instructions per item of a harness (bench/instructions/*.ts), counted by valgrind's callgrind:
# a figure that the machine's load does not move, for comparing two builds of a hot path.
# Usage: scripts/count-instructions.sh bench/instructions/point.ts [small-N] [large-N]
# Env is passed to the harness (e.g. CASE=line). Needs valgrind (Debian package `valgrind`).
# The harness runs 3 rounds of N items; the script runs it at two sizes and divides the
# difference in instructions by the difference in items, so startup and warm-up cancel out.
# node --single-threaded keeps V8's compiler and GC on the main thread, which makes two runs of
# the same build agree within about 1%. Instruction counts do not see cache misses or branch
# prediction: they guide, and `npm run bench` decides.
set -euo pipefail
harness=${1:?usage: $0 harness.ts [small-N] [large-N]}
small=${2:-20000}
large=${3:-120000}
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install -y valgrind)" >&2; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd)
bundle=$(mktemp --suffix=.mjs)
trap 'rm -f "$bundle"' EXIT
"$root/node_modules/.bin/esbuild" "$harness" --bundle --platform=node --format=esm --log-level=warning --outfile="$bundle"
count() {
  N=$1 valgrind --tool=callgrind --callgrind-out-file=/dev/null --smc-check=all-non-file \
    node --single-threaded "$bundle" 2>&1 | awk '/Collected :/ { print $4 }'
}
a=$(count "$small")
b=$(count "$large")
echo "$harness ${CASE:+CASE=$CASE }: $(( (b - a) / (3 * (large - small)) )) instructions per item ($a at N=$small, $b at N=$large)"
