#!/usr/bin/env bash
# A/B comparison of two builds of the pipeline (for example the current wlj-backup-api jar and a
# scratch build with a proposed change), alternating A and B so that drift in the machine's speed
# hits both alike.
#
# Usage: bench/run-ab.sh DIR_A DIR_B
#   DIR_A, DIR_B: directories of jars forming each classpath (like bench/out/lib, which
#   run-pipeline-bench.sh creates; copy it and replace wlj-backup-api-*.jar to make a B).
# Environment: ROUNDS=6 (each round runs A and B once, 1 warm-up + 2 measured backups each, in
#   alternating order), INPUT (default bench/out/mixed-1g.txt), HEAP=256m, JAVA_OPTS, JAVA_OPTS_A,
#   JAVA_OPTS_B (for example -Dsome.flag=... for one side only), MAX_OTHER=0.5 (a measurement
#   during which other processes used more CPU seconds than this is reported but left out of the
#   medians).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$BENCH_DIR/out
A=${1:?usage: run-ab.sh DIR_A DIR_B}
B=${2:?usage: run-ab.sh DIR_A DIR_B}
ROUNDS=${ROUNDS:-6}
INPUT=${INPUT:-$OUT/mixed-1g.txt}
HEAP=${HEAP:-256m}
JAVA_OPTS=${JAVA_OPTS:-}
JAVA_OPTS_A=${JAVA_OPTS_A:-}
JAVA_OPTS_B=${JAVA_OPTS_B:-}
MAX_OTHER=${MAX_OTHER:-0.5}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
TSV=$OUT/ab-$STAMP.tsv
LOG=$OUT/ab-$STAMP.log

busy() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz; exit }' /proc/stat; }
wait_quiet() {
    local waited=0 b0 b1
    while [ "$waited" -lt 900 ]; do
        b0=$(busy); sleep 2; b1=$(busy)
        awk -v a="$b0" -v b="$b1" 'BEGIN { exit !((b - a) / 2 < 0.15) }' && return 0
        sleep 8; waited=$((waited + 10))
    done
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit } if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

run_side() {
    local side=$1 dir=$2 opts=$3 round=$4
    wait_quiet
    java "-Xmx$HEAP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn $JAVA_OPTS $opts -cp "$dir/*" \
        io.wlj.backup.bench.PipelineBench --input "$INPUT" --work "$OUT/ab-work" --warmup 1 --iterations 2 >"$OUT/ab-side.log" 2>&1 \
        || { cat "$OUT/ab-side.log" >&2; exit 1; }
    cat "$OUT/ab-side.log" >>"$LOG"
    grep '^RUN phase=measured' "$OUT/ab-side.log" | while read -r line; do
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$side" "$(echo "$line" | kv seconds)" "$(echo "$line" | kv fsyncSeconds)" \
            "$(echo "$line" | kv tailSeconds)" "$(echo "$line" | kv cpuSeconds)" "$(echo "$line" | kv otherCpuSeconds)" >>"$TSV"
        echo "round $round $side: $(echo "$line" | cut -d' ' -f4-9) other=$(echo "$line" | kv otherCpuSeconds)"
    done
}

printf 'round\tside\tseconds\tfsync_seconds\ttail_seconds\tcpu_seconds\tother_cpu_seconds\n' >"$TSV"
: >"$LOG"
echo "A = $A ${JAVA_OPTS_A}"
echo "B = $B ${JAVA_OPTS_B}"
for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then
        run_side A "$A" "$JAVA_OPTS_A" "$r"; run_side B "$B" "$JAVA_OPTS_B" "$r"
    else
        run_side B "$B" "$JAVA_OPTS_B" "$r"; run_side A "$A" "$JAVA_OPTS_A" "$r"
    fi
done

col() { awk -F'\t' -v s="$1" -v k="$2" -v m="$MAX_OTHER" 'NR > 1 && $2 == s && ($7 == "n/a" || $7 <= m) { print $k }' "$TSV"; }
echo
echo "medians over undisturbed runs (other cpu <= $MAX_OTHER s); all runs in $TSV"
printf '%-4s %6s %10s %10s %10s %10s\n' side runs seconds fsync_s tail_s cpu_s
for side in A B; do
    printf '%-4s %6s %10s %10s %10s %10s\n' "$side" "$(col "$side" 3 | wc -l)" "$(col "$side" 3 | median)" \
        "$(col "$side" 4 | median)" "$(col "$side" 5 | median)" "$(col "$side" 6 | median)"
done
rm -rf "$OUT/ab-work" "$OUT/ab-side.log"
