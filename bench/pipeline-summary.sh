#!/usr/bin/env bash
# Summarises a bench/out/pipeline-bench-*.tsv written by run-pipeline-bench.sh (which calls this
# at its end; it can be run again on any earlier TSV).
#
# Usage: bench/pipeline-summary.sh TSV INPUT_BYTES [LABEL_HEAP [LABEL_THREADS]]
#
# Medians use undisturbed measurements only (status "ok"); a contender with none falls back to
# its "disturbed-kept" rows, and says so. Per-round ratios use the rounds in which both zstd and
# the pipeline were undisturbed. Heap and RSS peaks come from every pipeline run, warm-ups and
# disturbed runs included (the memory a backup needs does not depend on other processes).
set -euo pipefail

TSV=${1:?usage: pipeline-summary.sh TSV INPUT_BYTES [HEAP [THREADS]]}
SIZE=${2:?usage: pipeline-summary.sh TSV INPUT_BYTES [HEAP [THREADS]]}
HEAP=${3:-256m}
THREADS=${4:-2}
LEVEL=3

# TSV columns: 1 round, 2 attempt, 3 status, 4 contender, 5 seconds, 6 mibps, 7 cpu_seconds,
# 8 stored_bytes, 9 heap_sampled_mib, 10 heap_pool_peak_mib, 11 rss_peak_mib, 12 input_cached,
# 13 other_cpu_seconds, 14 fsync_seconds
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit } if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maxof() { grep -v -e '^$' -e 'n/a' | sort -g | tail -1; }
mibps() { awk -v b="$SIZE" -v t="$1" 'BEGIN { if (t + 0 > 0) printf "%.1f", b / 1048576 / t; else print "nan" }'; }
status_for() {
    if awk -F'\t' -v c="$1" 'NR > 1 && $4 == c && $3 == "ok" { found = 1 } END { exit !found }' "$TSV"; then echo ok; else echo disturbed-kept; fi
}
col() { local st; st=$(status_for "$1"); awk -F'\t' -v c="$1" -v k="$2" -v st="$st" 'NR > 1 && $4 == c && $3 == st { print $k }' "$TSV"; }
all() { awk -F'\t' -v c="$1" -v k="$2" 'NR > 1 && $4 == c { print $k }' "$TSV"; }

zmed=$(col zstd 5 | median)
jmed=$(col wlj-pipeline 5 | median)
tmed=$(col tee-sha256sum-zstd 5 | median)
fmed=$(col zstd 14 | median)
jfmed=$(col wlj-pipeline 14 | median)
zcpu=$(col zstd 7 | median)
jcpu=$(col wlj-pipeline 7 | median)
tcpu=$(col tee-sha256sum-zstd 7 | median)
zfs=$(awk -v a="$zmed" -v b="$fmed" 'BEGIN { printf "%.3f", a + b }')
ratio=$(awk -v j="$jmed" -v z="$zmed" 'BEGIN { printf "%.2f", j / z }')
# Per-round ratios over rounds where both are undisturbed.
ratios=$(awk -F'\t' 'NR > 1 && $3 == "ok" && $4 == "zstd" { z[$1] = $5 } NR > 1 && $3 == "ok" && $4 == "wlj-pipeline" { j[$1] = $5 }
    END { for (r in z) if (r in j) printf "%s %.3f\n", r, j[r] / z[r] }' "$TSV" | sort -n)
ratio_med=$(echo "$ratios" | awk 'NF { print $2 }' | median)
rounds=$(awk -F'\t' 'NR > 1 { print $1 }' "$TSV" | sort -n | uniq | wc -l)
heap=$(all wlj-pipeline 9 | maxof)
heap_wu=$(all wlj-pipeline-warmup 9 | maxof)
pool=$( (all wlj-pipeline 10; all wlj-pipeline-warmup 10) | maxof)
rss=$( (all wlj-pipeline 11; all wlj-pipeline-warmup 11) | maxof || true)
redone=$(awk -F'\t' 'NR > 1 && $3 == "disturbed"' "$TSV" | wc -l)
kept=$(awk -F'\t' 'NR > 1 && $3 == "disturbed-kept"' "$TSV" | wc -l)
n() { col "$1" 5 | wc -l; }
line() { printf '%-38s %8s %9s %9s %8s %14s\n' "$@"; }

echo
echo "== summary: $rounds rounds; medians of undisturbed measurements; input $SIZE bytes; $TSV"
line "contender" "runs" "seconds" "MiB/s" "cpu s" "stored bytes"
line "zstd -$LEVEL -T$THREADS (CLI)" "$(n zstd)" "$zmed" "$(mibps "$zmed")" "$zcpu" "$(col zstd 8 | tail -1)"
line "zstd -$LEVEL -T$THREADS, then sync of its output" "$(n zstd)" "$zfs" "$(mibps "$zfs")" "" ""
line "tee | sha256sum + zstd -$LEVEL -T$THREADS" "$(n tee-sha256sum-zstd)" "$tmed" "$(mibps "$tmed")" "$tcpu" "$(col tee-sha256sum-zstd 8 | tail -1)"
line "wlj-backup pipeline (-Xmx$HEAP)" "$(n wlj-pipeline)" "$jmed" "$(mibps "$jmed")" "$jcpu" "$(col wlj-pipeline 8 | tail -1)"
for c in zstd wlj-pipeline tee-sha256sum-zstd; do
    if [ "$(status_for "$c")" != ok ]; then
        echo "NOTE: every measurement of $c was disturbed by other processes; its figures are the disturbed ones"
    elif [ "$(n "$c")" -lt 3 ]; then
        echo "NOTE: only $(n "$c") undisturbed measurement(s) of $c; more rounds (or a quieter machine) give a firmer median"
    fi
done
echo
echo "ratio wlj/zstd time: $ratio (ratio of the medians); per undisturbed round (round ratio): $(echo "$ratios" | tr '\n' ' ')"
echo "median of the per-round ratios: $ratio_med"
echo "the pipeline's own fsync of its artifact: median $jfmed s; sync of the CLI's output afterwards: median $fmed s"
echo "measurements repeated because other processes used CPU meanwhile: $redone; kept although disturbed (not in the medians): $kept"
echo "peak heap used by the pipeline: ${heap} MiB sampled (measured runs), ${heap_wu} MiB (warm-ups), ${pool} MiB summed pool peaks (an upper bound); peak RSS ${rss:-n/a} MiB"
goal_time=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.5) ? "MET" : "NOT MET" }')
goal_heap=$(awk -v h="$pool" 'BEGIN { print (h < 256) ? "MET" : "NOT MET" }')
echo "goal 'within 1.5x of zstd -$LEVEL -T$THREADS': $goal_time ($ratio); goal 'heap under 256 MiB': $goal_heap (${pool} MiB)"
