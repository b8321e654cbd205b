#!/usr/bin/env bash
# Benchmark: the real wlj-backup pipeline (count + SHA-256, zstd -3, count + SHA-256, temp file,
# fsync, rename) against `zstd -3 -T2` on the same bytes, in the same run.
#
# Usage: bench/run-pipeline-bench.sh            (from anywhere; see bench/README.md)
# Environment:
#   ROUNDS=5        measured rounds; each round times zstd, the Java pipeline and tee+sha256sum+zstd
#   SIZE=1073741824 input size in bytes      SEED=20240601  generator seed
#   INPUT=path      use this file instead of the generated bench/out/mixed-1g.txt
#   HEAP=256m       -Xmx of the benchmark JVM
#   THREADS=2       zstd CLI -T value (the issue's peer is -T2)
#   SKIP_BUILD=1    do not build; reuse bench/out/lib from an earlier run
#   MVN_FLAGS=-o    extra Maven flags, for example offline
#   JAVA_OPTS=...   extra JVM options for the benchmark JVM
#   QUIET_WAIT=900  before each round, wait up to this many seconds for the machine to be idle
#                   (other processes using < QUIET_CORES cores); 0 disables the wait
#   QUIET_CORES=0.15
#   MAX_OTHER=0.5   a measurement during which other processes used more CPU seconds than this
#                   is recorded as disturbed and run again, up to MAX_ATTEMPTS=4 times in all;
#                   disturbed measurements stay in the TSV but not in the medians
#
# Rounds are interleaved (zstd, Java, tee+sha256sum+zstd, then the next round) so that drift in
# the machine's speed hits every contender alike. Each round's Java figure comes from a fresh
# JVM that first runs one un-timed warm-up backup. Nothing is dropped from the page cache: the
# input is read once up front so that every contender reads it from memory. Every timed step also
# records how much CPU other processes used meanwhile ("other cpu s"), from /proc/stat, so a
# figure disturbed by a concurrent build or test run can be recognised.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
OUT=$BENCH_DIR/out
ROUNDS=${ROUNDS:-5}
SIZE=${SIZE:-1073741824}
SEED=${SEED:-20240601}
INPUT=${INPUT:-$OUT/mixed-1g.txt}
HEAP=${HEAP:-256m}
THREADS=${THREADS:-2}
SKIP_BUILD=${SKIP_BUILD:-0}
MVN_FLAGS=${MVN_FLAGS:-}
JAVA_OPTS=${JAVA_OPTS:-}
QUIET_WAIT=${QUIET_WAIT:-900}
QUIET_CORES=${QUIET_CORES:-0.15}
MAX_OTHER=${MAX_OTHER:-0.5}
MAX_ATTEMPTS=${MAX_ATTEMPTS:-4}
LEVEL=3

mkdir -p "$OUT"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
LOG=$OUT/pipeline-bench-$STAMP.log
TSV=$OUT/pipeline-bench-$STAMP.tsv
WORK=$OUT/pipeline-work

log() { echo "$@" | tee -a "$LOG"; }
now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.3f", e - s }'; }
mibps() { awk -v b="$SIZE_ACTUAL" -v t="$1" 'BEGIN { printf "%.1f", b / 1048576 / t }'; }
kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
# CPU seconds used by everything on the machine so far (user nice system irq softirq steal).
busy() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz; exit }' /proc/stat; }
other() { awk -v b0="$1" -v b1="$2" -v own="$3" 'BEGIN { o = b1 - b0 - own; printf "%.2f", (o < 0 ? 0 : o) }'; }
wait_quiet() {
    [ "$QUIET_WAIT" -gt 0 ] || return 0
    local waited=0 b0 b1 load
    while :; do
        b0=$(busy); sleep 2; b1=$(busy)
        load=$(awk -v a="$b0" -v b="$b1" 'BEGIN { printf "%.2f", (b - a) / 2 }')
        if awk -v l="$load" -v q="$QUIET_CORES" 'BEGIN { exit !(l < q) }'; then
            [ "$waited" -gt 0 ] && log "   (waited ${waited} s for other work on the machine to finish)"
            return 0
        fi
        if [ "$waited" -ge "$QUIET_WAIT" ]; then
            log "   WARNING: the machine is still busy (${load} cores used by others) after ${waited} s; measuring anyway"
            return 0
        fi
        [ "$waited" -eq 0 ] && log "   machine busy (${load} cores in use by other processes); waiting up to ${QUIET_WAIT} s"
        sleep 8; waited=$((waited + 10))
    done
}
cached() {
    if command -v fincore >/dev/null 2>&1; then
        fincore -n -b -o RES "$INPUT" 2>/dev/null | awk -v s="$SIZE_ACTUAL" '{ printf "%.0f%%", 100 * $1 / s }'
    else
        echo "n/a"
    fi
}

for tool in java mvn zstd sha256sum tee awk; do
    command -v "$tool" >/dev/null 2>&1 || { echo "missing tool: $tool" >&2; exit 1; }
done

: > "$LOG"
log "== wlj-backup pipeline benchmark, $STAMP"

# 1. Build and resolve the runtime classpath in one reactor run (so wlj-backup-api comes from this
#    checkout, not from whatever ~/.m2 holds), then copy every jar to bench/out/lib: a concurrent
#    `mvn clean` elsewhere cannot pull classes from under a run that takes minutes.
if [ "$SKIP_BUILD" != 1 ]; then
    log "-- building: mvn -B -q $MVN_FLAGS -DskipTests install dependency:build-classpath -pl bench -am"
    (cd "$ROOT" && mvn -B -q $MVN_FLAGS -DskipTests install dependency:build-classpath -DincludeScope=runtime \
        -Dmdep.outputFile="$OUT/classpath.txt" -pl bench -am) >>"$LOG" 2>&1 \
        || { echo "build failed, see $LOG" >&2; exit 1; }
    rm -rf "$OUT/lib"
    mkdir -p "$OUT/lib"
    cp "$BENCH_DIR"/target/wlj-backup-bench-*.jar "$OUT/lib/"
    { tr ':' '\n' <"$OUT/classpath.txt"; echo; } | while read -r jar; do
        if [ -n "$jar" ]; then cp "$jar" "$OUT/lib/"; fi
    done
else
    [ -d "$OUT/lib" ] || { echo "SKIP_BUILD=1 reuses bench/out/lib from an earlier run, and there is none" >&2; exit 1; }
    log "-- not building; reusing the classpath in $OUT/lib"
fi
CP="$OUT/lib/*"
log "-- classpath: $(ls "$OUT/lib" | tr '\n' ' ')"
JAVA=(java "-Xmx$HEAP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn $JAVA_OPTS -cp "$CP")

# 2. The input: generated once, reused when present with the right size.
if [ "$INPUT" = "$OUT/mixed-1g.txt" ]; then
    "${JAVA[@]}" io.wlj.backup.bench.MixedTextGenerator "$INPUT" "$SIZE" "$SEED" | tee -a "$LOG"
fi
[ -f "$INPUT" ] || { echo "no input file $INPUT" >&2; exit 1; }
SIZE_ACTUAL=$(stat -c %s "$INPUT")

log "-- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
log "-- $(java -version 2>&1 | head -1); $(zstd --version)"
log "-- source: commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo n/a)$(git -C "$ROOT" diff --quiet HEAD -- wlj-backup-api 2>/dev/null || echo ', wlj-backup-api with uncommitted changes')"
log "-- input: $INPUT ($SIZE_ACTUAL bytes), rounds: $ROUNDS, heap: -Xmx$HEAP, zstd CLI: -$LEVEL -T$THREADS"

# 3. Warm-up: read the input into the page cache and run each contender once, untimed.
cat "$INPUT" >/dev/null
log "-- warm-up (untimed): input in page cache: $(cached)"
zstd -$LEVEL -T"$THREADS" -q -f -o "$OUT/x.zst" "$INPUT"
rm -f "$OUT/x.fifo"
mkfifo "$OUT/x.fifo"
tee_zstd() {
    zstd -$LEVEL -T"$THREADS" -q -f -o "$OUT/x-tee.zst" <"$OUT/x.fifo" &
    local zpid=$!
    tee "$OUT/x.fifo" <"$INPUT" | sha256sum | cut -d' ' -f1 >"$OUT/x.sha256"
    wait "$zpid"
}
tee_zstd
INPUT_SHA=$(cat "$OUT/x.sha256")
log "-- input sha256: $INPUT_SHA"

printf 'round\tattempt\tstatus\tcontender\tseconds\tmibps\tcpu_seconds\tstored_bytes\theap_sampled_mib\theap_pool_peak_mib\trss_peak_mib\tinput_cached\tother_cpu_seconds\tfsync_seconds\n' >"$TSV"
ROWS=$OUT/x.rows
# contender seconds mibps cpu stored heap_sampled heap_pool rss cached other fsync
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$ROWS"; }
# CPU seconds (user + system) of this shell's finished children so far, from the `times` builtin;
# cc_mark must run in this shell (not in $(...), whose subshell has children of its own).
cc_mark() { times >"$OUT/x.times"; }
cc_read() { awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] } printf "%.2f", t }' "$OUT/x.times"; }
disturbed() { awk -v o="$1" -v m="$MAX_OTHER" 'BEGIN { exit !(o != "n/a" && o != "" && o > m) }'; }

# Before each timed step: wait for a quiet machine, and put the input back into the page cache if
# something (memory reclaim) evicted part of it.
prepare_step() {
    wait_quiet
    c=$(cached)
    if [ "$c" != "100%" ] && [ "$c" != "n/a" ]; then
        cat "$INPUT" >/dev/null
        log "   input was only $c in the page cache; read it again: $(cached)"
        c=$(cached)
    fi
}

# Each timed step appends its row to $ROWS and sets $other (CPU s used by other processes meanwhile).
step_zstd() {
    cc_mark; cc0=$(cc_read); b0=$(busy)
    s=$(now); zstd -$LEVEL -T"$THREADS" -q -f -o "$OUT/x.zst" "$INPUT"; e=$(now)
    b1=$(busy); cc_mark; cc1=$(cc_read)
    zcpu=$(awk -v a="$cc0" -v b="$cc1" 'BEGIN { printf "%.2f", b - a }')
    zt=$(elapsed "$s" "$e")
    other=$(other "$b0" "$b1" "$zcpu")
    s=$(now); sync "$OUT/x.zst"; e=$(now)
    st=$(elapsed "$s" "$e")
    row "zstd" "$zt" "$(mibps "$zt")" "$zcpu" "$(stat -c %s "$OUT/x.zst")" "" "" "" "$c" "$other" "$st"
    msg="zstd -$LEVEL -T$THREADS        ${zt} s  $(mibps "$zt") MiB/s  cpu ${zcpu} s  other cpu ${other} s  (then sync of its output: ${st} s)"
    t_zstd=$zt
}

# The Java pipeline, in a fresh JVM: one warm-up backup, one measured backup.
step_java() {
    "${JAVA[@]}" io.wlj.backup.bench.PipelineBench --input "$INPUT" --work "$WORK" --level $LEVEL \
        --warmup 1 --iterations 1 --keep-last --quiet-wait "$QUIET_WAIT" >"$OUT/java-round.log" 2>&1 \
        || { cat "$OUT/java-round.log" >&2; echo "pipeline bench failed" >&2; exit 1; }
    cat "$OUT/java-round.log" >>"$LOG"
    local run warm sha jt
    run=$(grep '^RUN phase=measured' "$OUT/java-round.log")
    jt=$(echo "$run" | kv seconds)
    other=$(echo "$run" | kv otherCpuSeconds)
    row "wlj-pipeline" "$jt" "$(echo "$run" | kv mibps)" "$(echo "$run" | kv cpuSeconds)" "$(echo "$run" | kv stored)" \
        "$(echo "$run" | kv heapSampledMiB)" "$(echo "$run" | kv heapPoolPeakMiB)" "$(echo "$run" | kv rssPeakMiB)" "$c" \
        "$other" "$(echo "$run" | kv fsyncSeconds)"
    warm=$(grep '^RUN phase=warmup' "$OUT/java-round.log")
    # The warm-up row is informational (its heap and RSS count towards the peaks), never a median.
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "wlj-pipeline-warmup" "$(echo "$warm" | kv seconds)" \
        "$(echo "$warm" | kv mibps)" "$(echo "$warm" | kv cpuSeconds)" "$(echo "$warm" | kv stored)" \
        "$(echo "$warm" | kv heapSampledMiB)" "$(echo "$warm" | kv heapPoolPeakMiB)" "$(echo "$warm" | kv rssPeakMiB)" "$c" \
        "$(echo "$warm" | kv otherCpuSeconds)" "$(echo "$warm" | kv fsyncSeconds)" >"$OUT/x.warm"
    sha=$(echo "$run" | kv plainSha256)
    [ "$sha" = "$INPUT_SHA" ] || { echo "pipeline recorded sha256 $sha, input is $INPUT_SHA" >&2; exit 1; }
    msg="wlj pipeline         ${jt} s  $(echo "$run" | kv mibps) MiB/s  cpu $(echo "$run" | kv cpuSeconds) s  other cpu ${other} s  (its fsync: $(echo "$run" | kv fsyncSeconds) s)  heap sampled $(echo "$run" | kv heapSampledMiB) MiB, pool peaks $(echo "$run" | kv heapPoolPeakMiB) MiB, RSS $(echo "$run" | kv rssPeakMiB) MiB"
    t_java=$jt
}

# tee + sha256sum + zstd: the peer that also hashes the plaintext.
step_tee() {
    cc_mark; cc0=$(cc_read); b0=$(busy)
    s=$(now); tee_zstd; e=$(now)
    b1=$(busy); cc_mark; cc1=$(cc_read)
    local tcpu tt
    tcpu=$(awk -v a="$cc0" -v b="$cc1" 'BEGIN { printf "%.2f", b - a }')
    tt=$(elapsed "$s" "$e")
    other=$(other "$b0" "$b1" "$tcpu")
    [ "$(cat "$OUT/x.sha256")" = "$INPUT_SHA" ] || { echo "sha256sum disagreed with itself" >&2; exit 1; }
    row "tee-sha256sum-zstd" "$tt" "$(mibps "$tt")" "$tcpu" "$(stat -c %s "$OUT/x-tee.zst")" "" "" "" "$c" "$other" ""
    msg="tee|sha256sum+zstd   ${tt} s  $(mibps "$tt") MiB/s  cpu ${tcpu} s  other cpu ${other} s"
}

# One contender's measurement: repeated (at most MAX_ATTEMPTS attempts) while other processes used
# more than MAX_OTHER CPU seconds during it; the last attempt is kept either way, marked.
measure() {
    local r=$1 fn=$2 attempt status
    for attempt in $(seq 1 "$MAX_ATTEMPTS"); do
        : >"$ROWS"
        : >"$OUT/x.warm"
        prepare_step
        "$fn"
        status=ok
        if disturbed "$other"; then
            status=disturbed
            [ "$attempt" = "$MAX_ATTEMPTS" ] && status=disturbed-kept
        fi
        awk -v r="$r" -v a="$attempt" -v st="$status" 'BEGIN { OFS = "\t" } { print r, a, st, $0 }' "$ROWS" >>"$TSV"
        awk -v r="$r" -v a="$attempt" 'BEGIN { OFS = "\t" } { print r, a, "info", $0 }' "$OUT/x.warm" >>"$TSV"
        log "round $r.$attempt: $msg$([ "$status" = ok ] || echo "  [$status: other processes used > $MAX_OTHER CPU s]")"
        [ "$status" = disturbed ] || break
    done
}

# 4. Interleaved rounds: zstd, the pipeline, tee+sha256sum+zstd, then the next round.
for r in $(seq 1 "$ROUNDS"); do
    measure "$r" step_zstd
    measure "$r" step_java
    measure "$r" step_tee
    log "round $r: ratio wlj/zstd $(awk -v j="$t_java" -v z="$t_zstd" 'BEGIN { printf "%.2f", j / z }')"
done

# 5. The last round's repository is kept: its artifact must decompress with the zstd CLI to the input.
artifact=$(find "$WORK" -name '*.zst' -path '*/backups/*' | head -1)
if [ -n "$artifact" ]; then
    got=$(zstd -dcq "$artifact" | sha256sum | cut -d' ' -f1)
    if [ "$got" = "$INPUT_SHA" ]; then
        log "-- check: zstd -d of the stored artifact gives the input back (sha256 matches)"
    else
        echo "stored artifact decompresses to $got, not $INPUT_SHA" >&2
        exit 1
    fi
    rm -rf "$WORK"
fi
rm -f "$OUT/x.zst" "$OUT/x-tee.zst" "$OUT/x.fifo" "$OUT/x.times" "$OUT/x.sha256" "$OUT/x.rows" "$OUT/x.warm" "$OUT/java-round.log"

# 6. Summary (bench/pipeline-summary.sh can be run again on the TSV later).
"$BENCH_DIR/pipeline-summary.sh" "$TSV" "$SIZE_ACTUAL" "$HEAP" "$THREADS" | tee -a "$LOG"
echo "log: $LOG"
