#!/usr/bin/env bash
# Benchmark: the wlj-backup-crypto OpenPGP engine (passphrase mode) against GnuPG on the same
# 1 GiB input as the pipeline benchmark, in the same run, interleaved.
#
# Usage: bench/run-crypto-bench.sh            (from anywhere; see bench/README.md)
# Environment:
#   ROUNDS=3        measured rounds; each round times six steps:
#                     enc-wlj, enc-gpg, dec-wlj (wlj message), dec-gpg (wlj message),
#                     dec-wlj-of-gpg (gpg message), dec-gpg-of-gpg (gpg message)
#   SIZE / SEED / INPUT   as in run-pipeline-bench.sh (default bench/out/mixed-1g.txt)
#   HEAP=512m       -Xmx of the benchmark JVMs
#   SKIP_BUILD=1    reuse bench/out/lib-crypto     MVN_FLAGS=-o  extra Maven flags
#   JAVA_OPTS=...   extra JVM options
#   WARMUP_RUNS=2   before each timed wlj step, in the same JVM: the same operation untimed this many
#                   times on the same input, then a wait until the JIT is idle; 0 = only the in-memory
#                   round trips (3 x 32 MiB), so that the timed run includes C2 compilation
#   SMALL_COUNT=2000 SMALL_SIZE=4096   the small-artifact case (one backup's worth)
#   SMALL_PER_ARTIFACT=2000            artifacts in the "new encryptor per artifact" case
#   SMALL_ROUNDS=1                     JVM runs of the small-artifact case (after the rounds)
#   PROFILE=1       also run CryptoBench profile once (the building blocks alone, in memory)
#   DEST=null       where timed steps write: null = /dev/null (default; engine throughput, no page-cache
#                   writeback in the figures), file = bench/out/c-*.pgp and bench/out/d.bin
#   QUIET_WAIT=900 QUIET_CORES=0.15 MAX_OTHER=0.5 MAX_ATTEMPTS=4   as in run-pipeline-bench.sh
#
# The messages both contenders decrypt, bench/out/c-wlj.pgp and bench/out/c-gpg.pgp, are written
# once in the untimed warm-up, and there every message is decrypted by both tools into
# bench/out/d.bin and compared with the input (sha256). With DEST=null (default) the timed steps
# write to /dev/null; with DEST=file they write those files again (never fsynced) and every
# decryption is checked again. All are removed at the end. Java figures are timed
# inside a fresh JVM after an in-memory warm-up (JVM start-up not timed; key derivation timed);
# gpg figures are the wall time of the gpg process, which derives its key itself.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
OUT=$BENCH_DIR/out
LIB=$OUT/lib-crypto
ROUNDS=${ROUNDS:-3}
SIZE=${SIZE:-1073741824}
SEED=${SEED:-20240601}
INPUT=${INPUT:-$OUT/mixed-1g.txt}
HEAP=${HEAP:-512m}
SKIP_BUILD=${SKIP_BUILD:-0}
MVN_FLAGS=${MVN_FLAGS:-}
JAVA_OPTS=${JAVA_OPTS:-}
WARMUP_RUNS=${WARMUP_RUNS:-2}
SMALL_COUNT=${SMALL_COUNT:-2000}
SMALL_SIZE=${SMALL_SIZE:-4096}
SMALL_PER_ARTIFACT=${SMALL_PER_ARTIFACT:-2000}
SMALL_ROUNDS=${SMALL_ROUNDS:-1}
PROFILE=${PROFILE:-0}
DEST=${DEST:-null}
QUIET_WAIT=${QUIET_WAIT:-900}
QUIET_CORES=${QUIET_CORES:-0.15}
MAX_OTHER=${MAX_OTHER:-0.5}
MAX_ATTEMPTS=${MAX_ATTEMPTS:-4}

mkdir -p "$OUT"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
LOG=$OUT/crypto-bench-$STAMP.log
TSV=$OUT/crypto-bench-$STAMP.tsv

log() { echo "$@" | tee -a "$LOG"; }
now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.3f", e - s }'; }
mibps() { awk -v b="$SIZE_ACTUAL" -v t="$1" 'BEGIN { printf "%.1f", b / 1048576 / t }'; }
kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
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
resident() {
    if command -v fincore >/dev/null 2>&1; then
        fincore -n -b -o RES "$1" 2>/dev/null | awk -v s="$(stat -c %s "$1")" '{ printf "%.0f%%", 100 * $1 / s }'
    else
        echo "n/a"
    fi
}
# Makes sure a file about to be read by a timed step is fully in the page cache.
ensure_cached() {
    local f c
    for f in "$@"; do
        c=$(resident "$f")
        if [ "$c" != "100%" ] && [ "$c" != "n/a" ]; then
            cat "$f" >/dev/null
            log "   $(basename "$f") was only $c in the page cache; read it again: $(resident "$f")"
        fi
    done
}
sha256() {
    if command -v openssl >/dev/null 2>&1; then
        openssl dgst -sha256 -r "$1" | cut -d' ' -f1
    else
        sha256sum "$1" | cut -d' ' -f1
    fi
}

for tool in java mvn gpg gpgconf awk; do
    command -v "$tool" >/dev/null 2>&1 || { echo "missing tool: $tool" >&2; exit 1; }
done

: > "$LOG"
log "== wlj-backup crypto benchmark, $STAMP"

# 1. Build wlj-backup-api, wlj-backup-crypto and this module from the working tree; copy the
#    runtime classpath to bench/out/lib-crypto.
if [ "$SKIP_BUILD" != 1 ]; then
    log "-- building: mvn -B -q $MVN_FLAGS -DskipTests install dependency:build-classpath -pl bench -am"
    (cd "$ROOT" && mvn -B -q $MVN_FLAGS -DskipTests install dependency:build-classpath -DincludeScope=runtime \
        -Dmdep.outputFile="$OUT/classpath-crypto.txt" -pl bench -am) >>"$LOG" 2>&1 \
        || { echo "build failed, see $LOG" >&2; exit 1; }
    rm -rf "$LIB"
    mkdir -p "$LIB"
    cp "$BENCH_DIR"/target/wlj-backup-bench-*.jar "$LIB/"
    { tr ':' '\n' <"$OUT/classpath-crypto.txt"; echo; } | while read -r jar; do
        if [ -n "$jar" ]; then cp "$jar" "$LIB/"; fi
    done
else
    [ -d "$LIB" ] || { echo "SKIP_BUILD=1 reuses $LIB from an earlier run, and there is none" >&2; exit 1; }
    log "-- not building; reusing the classpath in $LIB"
fi
log "-- classpath: $(ls "$LIB" | tr '\n' ' ')"
JAVA=(java "-Xmx$HEAP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn $JAVA_OPTS -cp "$LIB/*")

# 2. Input (same generator and seed as the pipeline benchmark).
if [ "$INPUT" = "$OUT/mixed-1g.txt" ]; then
    "${JAVA[@]}" io.wlj.backup.bench.MixedTextGenerator "$INPUT" "$SIZE" "$SEED" | tee -a "$LOG"
fi
[ -f "$INPUT" ] || { echo "no input file $INPUT" >&2; exit 1; }
SIZE_ACTUAL=$(stat -c %s "$INPUT")

# 3. Passphrase file and a throw-away GnuPG home.
SECRETS=$(mktemp -d "${TMPDIR:-/tmp}/wlj-crypto-bench.XXXXXX")
chmod 700 "$SECRETS"
export GNUPGHOME=$SECRETS/gnupg
mkdir -m 700 "$GNUPGHOME"
PASS=$SECRETS/passphrase
(umask 077; head -c 24 /dev/urandom | base64 | tr -d '\n' >"$PASS"; echo >>"$PASS")
cleanup() {
    gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1 || true
    rm -rf "$SECRETS"
    rm -f "$OUT/c-wlj.pgp" "$OUT/c-gpg.pgp" "$OUT/d.bin" "$OUT/x-crypto.rows" "$OUT/x-crypto.times" "$OUT/crypto-java.log"
}
trap cleanup EXIT

GPG_COMMON=(gpg --batch --yes --quiet --no-symkey-cache --pinentry-mode loopback --passphrase-file "$PASS")

log "-- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
log "-- $(java -version 2>&1 | head -1); $(gpg --version | head -1); $(gpg --version | sed -n 2p)"
log "-- source: commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo n/a)$(git -C "$ROOT" diff --quiet HEAD -- wlj-backup-crypto 2>/dev/null || echo ', wlj-backup-crypto with uncommitted changes')"
log "-- input: $INPUT ($SIZE_ACTUAL bytes), rounds: $ROUNDS, heap: -Xmx$HEAP"
log "-- gpg encrypt: ${GPG_COMMON[*]} --symmetric --cipher-algo AES256 --compress-algo none -o $OUT/c-gpg.pgp INPUT"
log "-- gpg decrypt: ${GPG_COMMON[*]} --decrypt -o $OUT/d.bin MESSAGE"
log "-- wlj: ${JAVA[*]} io.wlj.backup.bench.CryptoBench encrypt|decrypt --passphrase-file F --input IN --output OUT --warmup-runs $WARMUP_RUNS (64 KiB buffers, S2K count 255)"

# 4. Warm-up (untimed): page cache, gpg-agent start, one message each way, checks.
cat "$INPUT" >/dev/null
INPUT_SHA=$(sha256 "$INPUT")
log "-- input sha256: $INPUT_SHA; in page cache: $(resident "$INPUT")"
"${GPG_COMMON[@]}" --symmetric --cipher-algo AES256 --compress-algo none -o "$OUT/c-gpg.pgp" "$INPUT" 2>>"$LOG"
log "-- gpg's message: $(gpg --batch --list-packets --pinentry-mode loopback --passphrase-file "$PASS" "$OUT/c-gpg.pgp" 2>/dev/null \
    | grep -m3 -E 'symkey enc packet|salt|encrypted data packet' | tr -s ' \t\n' ' ')"
"${JAVA[@]}" io.wlj.backup.bench.CryptoBench encrypt --passphrase-file "$PASS" --input "$INPUT" --output "$OUT/c-wlj.pgp" --warmup-runs 0 \
    --warmup 1 >>"$LOG" 2>&1
log "-- wlj's message: $(gpg --batch --list-packets --pinentry-mode loopback --passphrase-file "$PASS" "$OUT/c-wlj.pgp" 2>/dev/null \
    | grep -m3 -E 'symkey enc packet|salt|encrypted data packet' | tr -s ' \t\n' ' ')"

# Correctness, untimed: each tool decrypts both messages to a file; all four must give the input.
for pair in "wlj c-wlj" "wlj c-gpg" "gpg c-wlj" "gpg c-gpg"; do
    set -- $pair
    rm -f "$OUT/d.bin"
    if [ "$1" = wlj ]; then
        "${JAVA[@]}" io.wlj.backup.bench.CryptoBench decrypt --passphrase-file "$PASS" --input "$OUT/$2.pgp" \
            --output "$OUT/d.bin" --warmup 0 --warmup-runs 0 >>"$LOG" 2>&1
    else
        "${GPG_COMMON[@]}" --decrypt -o "$OUT/d.bin" "$OUT/$2.pgp" 2>>"$LOG"
    fi
    got=$(sha256 "$OUT/d.bin")
    [ "$got" = "$INPUT_SHA" ] || { log "CHECK FAILED: $1 decrypting $2.pgp gave sha256 $got"; exit 1; }
    log "-- check: $1 decrypts $2.pgp to the input (sha256 matches)"
done
rm -f "$OUT/d.bin"
if [ "$DEST" = null ]; then
    ENC_WLJ=/dev/null; ENC_GPG=/dev/null; DEC_OUT=/dev/null
else
    ENC_WLJ=$OUT/c-wlj.pgp; ENC_GPG=$OUT/c-gpg.pgp; DEC_OUT=$OUT/d.bin
fi
log "-- timed steps write to: encrypt $ENC_WLJ / $ENC_GPG, decrypt $DEC_OUT"

printf 'round\tattempt\tstatus\tcontender\tseconds\tmibps\tcpu_seconds\tother_cpu_seconds\tcaller_cpu_seconds\thelper_cpu_seconds\tjit_seconds\tderive_seconds\tjvm_wall_seconds\tplain_sha256_ok\n' >"$TSV"
ROWS=$OUT/x-crypto.rows
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$ROWS"; }
cc_mark() { times >"$OUT/x-crypto.times"; }
cc_read() { awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] } printf "%.2f", t }' "$OUT/x-crypto.times"; }
disturbed() { awk -v o="$1" -v m="$MAX_OTHER" 'BEGIN { exit !(o != "n/a" && o != "" && o > m) }'; }
check_plain() {
    local got
    if [ "$DEST" = null ]; then echo "checked-in-warmup"; return; fi
    got=$(sha256 "$OUT/d.bin")
    [ "$got" = "$INPUT_SHA" ] || { echo "$1: decrypted sha256 $got, input is $INPUT_SHA" | tee -a "$LOG" >&2; exit 1; }
    echo ok
}

# A gpg step: $1 contender name, rest the gpg arguments after the common ones.
gpg_step() {
    local name=$1; shift
    cc_mark; cc0=$(cc_read); b0=$(busy)
    s=$(now); "${GPG_COMMON[@]}" "$@" 2>>"$LOG"; e=$(now)
    b1=$(busy); cc_mark; cc1=$(cc_read)
    local cpu t ok=""
    cpu=$(awk -v a="$cc0" -v b="$cc1" 'BEGIN { printf "%.2f", b - a }')
    t=$(elapsed "$s" "$e")
    other=$(other "$b0" "$b1" "$cpu")
    case $name in dec-*) ok=$(check_plain "$name") ;; esac
    row "$name" "$t" "$(mibps "$t")" "$cpu" "$other" "" "" "" "" "" "$ok"
    msg="$(printf '%-15s' "$name") ${t} s  $(mibps "$t") MiB/s  cpu ${cpu} s  other cpu ${other} s"
    last_t=$t
}

# A wlj step in a fresh JVM: $1 contender name, $2 encrypt|decrypt, $3 input, $4 output.
java_step() {
    local name=$1 op=$2 in=$3 o=$4 run t ok="" s e
    s=$(now)
    "${JAVA[@]}" io.wlj.backup.bench.CryptoBench "$op" --passphrase-file "$PASS" --input "$in" --output "$o" \
        --warmup-runs "$WARMUP_RUNS" >"$OUT/crypto-java.log" 2>&1 || { cat "$OUT/crypto-java.log" >&2; echo "CryptoBench $op failed" >&2; exit 1; }
    e=$(now)
    cat "$OUT/crypto-java.log" >>"$LOG"
    run=$(grep '^RUN ' "$OUT/crypto-java.log")
    t=$(echo "$run" | kv seconds)
    other=$(echo "$run" | kv otherCpuSeconds)
    case $name in dec-*) ok=$(check_plain "$name") ;; esac
    local derive
    derive=$(echo "$run" | kv deriveSeconds)
    [ -n "$derive" ] || derive=$(echo "$run" | kv firstByteSeconds)
    row "$name" "$t" "$(echo "$run" | kv mibps)" "$(echo "$run" | kv cpuSeconds)" "$other" \
        "$(echo "$run" | kv callerCpuSeconds)" "$(echo "$run" | kv helperCpuSeconds)" "$(echo "$run" | kv jitSeconds)" "$derive" \
        "$(elapsed "$s" "$e")" "$ok"
    msg="$(printf '%-15s' "$name") ${t} s  $(echo "$run" | kv mibps) MiB/s  cpu $(echo "$run" | kv cpuSeconds) s (caller $(echo "$run" | kv callerCpuSeconds), helper $(echo "$run" | kv helperCpuSeconds), JIT $(echo "$run" | kv jitSeconds))  derivations $(echo "$run" | kv derivations) (${derive} s)  other cpu ${other} s  (JVM wall incl. start-up and warm-up $(elapsed "$s" "$e") s)"
    last_t=$t
}

# With DEST=file an existing output is removed before the step (untimed), so no step waits for the
# writeback of the file it replaces.
fresh() { [ "$1" = /dev/null ] || rm -f "$1"; }
step_enc_wlj() { ensure_cached "$INPUT"; fresh "$ENC_WLJ"; java_step enc-wlj encrypt "$INPUT" "$ENC_WLJ"; }
step_enc_gpg() { ensure_cached "$INPUT"; fresh "$ENC_GPG"; gpg_step enc-gpg --symmetric --cipher-algo AES256 --compress-algo none -o "$ENC_GPG" "$INPUT"; }
step_dec_wlj() { ensure_cached "$OUT/c-wlj.pgp"; fresh "$DEC_OUT"; java_step dec-wlj decrypt "$OUT/c-wlj.pgp" "$DEC_OUT"; }
step_dec_gpg() { ensure_cached "$OUT/c-wlj.pgp"; fresh "$DEC_OUT"; gpg_step dec-gpg --decrypt -o "$DEC_OUT" "$OUT/c-wlj.pgp"; }
step_dec_wlj_g() { ensure_cached "$OUT/c-gpg.pgp"; fresh "$DEC_OUT"; java_step dec-wlj-of-gpg decrypt "$OUT/c-gpg.pgp" "$DEC_OUT"; }
step_dec_gpg_g() { ensure_cached "$OUT/c-gpg.pgp"; fresh "$DEC_OUT"; gpg_step dec-gpg-of-gpg --decrypt -o "$DEC_OUT" "$OUT/c-gpg.pgp"; }

measure() {
    local r=$1 fn=$2 attempt status
    for attempt in $(seq 1 "$MAX_ATTEMPTS"); do
        : >"$ROWS"
        wait_quiet
        "$fn"
        status=ok
        if disturbed "$other"; then
            status=disturbed
            [ "$attempt" = "$MAX_ATTEMPTS" ] && status=disturbed-kept
        fi
        awk -v r="$r" -v a="$attempt" -v st="$status" 'BEGIN { OFS = "\t" } { print r, a, st, $0 }' "$ROWS" >>"$TSV"
        log "round $r.$attempt: $msg$([ "$status" = ok ] || echo "  [$status: other processes used > $MAX_OTHER CPU s]")"
        [ "$status" = disturbed ] || break
    done
}

# 5. Interleaved rounds. The decryption steps check the plaintext's sha256 (untimed): wlj reads
#    gpg's message and gpg reads wlj's in every round.
for r in $(seq 1 "$ROUNDS"); do
    measure "$r" step_enc_wlj; te_w=$last_t
    measure "$r" step_enc_gpg; te_g=$last_t
    measure "$r" step_dec_wlj; td_w=$last_t
    measure "$r" step_dec_gpg; td_g=$last_t
    measure "$r" step_dec_wlj_g
    measure "$r" step_dec_gpg_g
    log "round $r: throughput wlj/gpg: encrypt $(awk -v w="$te_w" -v g="$te_g" 'BEGIN { printf "%.2f", g / w }'), decrypt $(awk -v w="$td_w" -v g="$td_g" 'BEGIN { printf "%.2f", g / w }') (wlj's message)"
done
rm -f "$OUT/d.bin"

# 6. Small artifacts: key derived once vs per artifact, and one decryptor for all.
for r in $(seq 1 "$SMALL_ROUNDS"); do
    wait_quiet
    "${JAVA[@]}" io.wlj.backup.bench.CryptoBench small --passphrase-file "$PASS" --input "$INPUT" \
        --count "$SMALL_COUNT" --size "$SMALL_SIZE" --per-artifact-count "$SMALL_PER_ARTIFACT" 2>&1 | tee -a "$LOG"
done

# 7. Optional: the building blocks alone.
if [ "$PROFILE" = 1 ]; then
    wait_quiet
    "${JAVA[@]}" io.wlj.backup.bench.CryptoBench profile --passphrase-file "$PASS" --input "$INPUT" 2>&1 | tee -a "$LOG"
    for what in "enc -aes-256-cfb -e -nosalt -K $(printf '%064d' 0) -iv $(printf '%032d' 0)" "dgst -sha1"; do
        s=$(now); openssl $what -in "$INPUT" -out /dev/null 2>>"$LOG" || openssl $what "$INPUT" >/dev/null; e=$(now)
        log "PROFILE what=openssl_${what%% -K*} seconds=$(elapsed "$s" "$e") mibps=$(mibps "$(elapsed "$s" "$e")")"
    done
fi

# 8. Summary: medians of undisturbed rows.
summary() {
    awk -F'\t' -v size="$SIZE_ACTUAL" '
        function median(list,    a, n, i, j, t) {
            n = split(list, a, " ")
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        NR > 1 && $3 == "ok" { t[$4] = t[$4] " " $5; c[$4] = c[$4] " " $7; n[$4]++; tr[$1 "/" $4] = $5 }
        END {
            split("enc-wlj enc-gpg dec-wlj dec-gpg dec-wlj-of-gpg dec-gpg-of-gpg", order, " ")
            print "== summary: medians of undisturbed measurements (seconds for the whole input; MiB/s of plaintext)"
            for (k = 1; k <= 6; k++) {
                x = order[k]; if (!(x in t)) continue
                med[x] = median(t[x])
                printf "%-15s n=%d  median %.3f s  %.1f MiB/s  cpu %.2f s   (all: %s)\n", x, n[x], med[x], size / 1048576 / med[x], median(c[x]), t[x]
            }
            if (("enc-wlj" in med) && ("enc-gpg" in med)) printf "encrypt: throughput wlj/gpg = %.2f (goal >= 1.5)\n", med["enc-gpg"] / med["enc-wlj"]
            if (("dec-wlj" in med) && ("dec-gpg" in med)) printf "decrypt (wlj message): throughput wlj/gpg = %.2f (goal >= 1.5)\n", med["dec-gpg"] / med["dec-wlj"]
            if (("dec-wlj-of-gpg" in med) && ("dec-gpg-of-gpg" in med)) printf "decrypt (gpg message): throughput wlj/gpg = %.2f\n", med["dec-gpg-of-gpg"] / med["dec-wlj-of-gpg"]
        }' "$1"
}
summary "$TSV" | tee -a "$LOG"
log "tsv: $TSV"
log "log: $LOG"
