#!/usr/bin/env bash
# Benchmark: restoring the PostgreSQL benchmark's ~1.5 GiB database (wlj_bench, the one
# run-pg-bench.sh generates, on the same server) into a new database, three ways, in one run,
# in interleaved rounds:
#   wlj            our restore of an encrypted (OpenPGP) zstd backup made by `PgBench backup`:
#                  a fresh JVM running `PgBench restore`, i.e.
#                  system.restore(id).to(PostgresTarget.newDatabase(db).jobs(2)).plan().execute()
#   pg_restore-j2  CREATE DATABASE db TEMPLATE template0, then pg_restore -j2 -d db DIR of a
#                  `pg_dump -Fd` directory (pg_dump's default gzip compression)
#   psql-1         CREATE DATABASE db TEMPLATE template0, then
#                  psql -1 -X -q -v ON_ERROR_STOP=1 -d db -f plain.sql of a plain `pg_dump`
# CREATE DATABASE is inside the timed step of the two peers because our restore creates its
# database inside restore() too. Each restored database is dropped after its step (untimed).
#
# Usage: bench/run-restore-bench.sh            (from anywhere; see bench/README.md)
# Environment:
#   ROUNDS=3          measured rounds; each times the three contenders once, in the order above
#   PG_PORT=55432 PG_DATA=bench/out/pg-data REGENERATE=0
#   USERS=20000 ACCOUNTS=5000000 JOURNAL=600000 MEASUREMENTS=2000000 DOCUMENTS=50000
#                     the server and the database, exactly as in run-pg-bench.sh (a database it
#                     generated with the same sizes is reused; its many-tables database is not used)
#   WARMUP=1          each contender once, untimed, before the rounds (0 skips it)
#   CHECK=1           after the rounds, our restored copy against the source: every table's row
#                     count and `pg_dump --schema-only --no-owner --no-acl` (0 skips it)
#   CONTENTS=1        in the check, also every table's rows in primary-key order (SHA-256 of COPY)
#   KEEP_RESTORED=1   keep our checked copy (wlj_bench_restore_wlj) afterwards
#   HEAP=256m         -Xmx of the JVMs (backup and restore)
#   SKIP_BUILD=1      reuse bench/out/lib-pg     MVN_FLAGS=-o  extra Maven flags
#   JAVA_OPTS=...     extra JVM options
#   QUIET_WAIT=900 QUIET_CORES=0.15 MAX_OTHER=0.5 OTHER_CORES=0.05 MAX_ATTEMPTS=4
#                     the quiet-machine wait and the repeat of disturbed steps, as in run-pg-bench.sh
#
# Before every timed step, untimed: the step's target database is dropped if it is there, the
# contender's input is read once (so all three read it from the page cache), the server runs a
# CHECKPOINT, `sync`, and the quiet-machine wait. A step's own CPU (the contender's processes)
# comes from the shell's `times`, the server's CPU from /proc (postmaster and children), and
# "other" CPU is the machine's total minus both (kernel writeback threads count as other).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-1}
CHECK=${CHECK:-1}
CONTENTS=${CONTENTS:-1}
KEEP_RESTORED=${KEEP_RESTORED:-0}
SCRATCH_NAME=x-pgr
# The settings shared with run-pg-bench.sh, the helpers, the build, the server, the data.
. "$BENCH_DIR/pg-common.sh"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
LOG=$OUT/pg-restore-bench-$STAMP.log
TSV=$OUT/pg-restore-bench-$STAMP.tsv
W=$OUT/pg-restore-work              # the three inputs, made anew every run
REPO=$W/wlj-repo
DUMP_FD=$W/pg.dir
PLAIN=$W/plain.sql
R_WLJ=${DB}_restore_wlj
R_PGR=${DB}_restore_pgr
R_PSQL=${DB}_restore_psql
JLOG=$SCRATCH.java.log
ERR=$SCRATCH.err

pg_require_tools java mvn psql pg_dump pg_restore gpg awk find diff sha256sum

: >"$LOG"
log "== wlj-backup PostgreSQL restore benchmark, $STAMP"

# 1.-3. Build, the passphrase of our backup, the server (stopped when this script ends).
pg_build
pg_secrets
pg_trap pg_cleanup
pg_start_server
pg_log_machine

# 4. The database, generated only if run-pg-bench.sh (or an earlier run) has not made it.
ensure_main_db
log "-- $DB: $(psql -X -At -d "$DB" -c "SELECT pg_size_pretty(pg_database_size(current_database())) || ' (' || pg_database_size(current_database()) || ' bytes), '
    || count(*) || ' tables, ' || sum(n_live_tup) || ' rows' FROM pg_stat_user_tables")"

drop_db() {
    psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" >>"$LOG" 2>&1 \
        || { log "cannot drop database $1"; exit 1; }
}
db_exists() { [ "$(psql -X -At -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }
for d in "$R_WLJ" "$R_PGR" "$R_PSQL"; do drop_db "$d"; done    # left over from an interrupted run

# 5. The inputs (untimed): our encrypted backup, the -Fd directory, the plain script. Made anew
#    every run: the passphrase is new every run.
log "-- inputs (untimed)"
rm -rf "$W"; mkdir -p "$W"
"${JAVA[@]}" io.wlj.backup.bench.PgBench backup --url "$(url "$DB")" --repo "$REPO" --passphrase-file "$PASS" \
    --jobs $JOBS --level $LEVEL --server-pid "$PM_PID" >"$JLOG" 2>&1 || { cat "$JLOG" >&2; echo "PgBench backup failed" >&2; exit 1; }
log "   wlj backup (PgBench backup --passphrase-file F --jobs $JOBS --level $LEVEL): $(bytes_of "$REPO") bytes; $(grep '^RUN ' "$JLOG")"
s=$(now); pg_dump -Fd -j $JOBS -f "$DUMP_FD" "$DB"; e=$(now)
log "   pg_dump -Fd -j $JOBS -f DIR $DB: $(bytes_of "$DUMP_FD") bytes in $(find "$DUMP_FD" -type f | wc -l) files, $(elapsed "$s" "$e") s"
s=$(now); pg_dump -f "$PLAIN" "$DB"; e=$(now)
log "   pg_dump -f plain.sql $DB: $(bytes_of "$PLAIN") bytes, $(elapsed "$s" "$e") s"

log "-- commands (PG* environment: PGHOST=localhost PGPORT=$PG_PORT PGUSER=postgres):"
log "   wlj:           ${JAVA[*]} io.wlj.backup.bench.PgBench restore --repo DIR --passphrase-file F --target-url $(url "$R_WLJ") --jobs $JOBS"
log "   pg_restore-j2: psql -X -q -d postgres -c 'CREATE DATABASE $R_PGR TEMPLATE template0' && pg_restore -j $JOBS -d $R_PGR DIR"
log "   psql-1:        psql -X -q -d postgres -c 'CREATE DATABASE $R_PSQL TEMPLATE template0' && psql -1 -X -q -v ON_ERROR_STOP=1 -d $R_PSQL -f plain.sql >/dev/null"
log "   before each (untimed): DROP DATABASE IF EXISTS target; read the input once; CHECKPOINT; sync; wait for a quiet machine"

# 6. The contenders. The timed command's own arguments are ready before the clock starts.
run_wlj() {
    "${JAVA[@]}" io.wlj.backup.bench.PgBench restore --repo "$REPO" --passphrase-file "$PASS" --target-url "$1" \
        --jobs $JOBS --server-pid "$PM_PID" >"$JLOG" 2>&1
}
create_db() {   # timed inside the peers' steps; its own time is recorded apart
    local s e
    s=$(now)
    psql -X -q -d postgres -c "CREATE DATABASE $1 TEMPLATE template0" >/dev/null 2>>"$ERR" || return
    e=$(now); t_create=$(elapsed "$s" "$e")
}
run_pgr() { create_db "$1" && pg_restore -j $JOBS -d "$1" "$DUMP_FD" 2>>"$ERR"; }
run_psql() { create_db "$1" && psql -1 -X -q -v ON_ERROR_STOP=1 -d "$1" -f "$PLAIN" >/dev/null 2>>"$ERR"; }

# A timed command: rest: the command. Sets t_wall, t_cpu, t_srv, other, t_rc, t_create.
timed() {
    local cc0 cc1 b0 b1 s0 s1 s e
    : >"$ERR"; : >"$JLOG"; t_create=""; t_rc=0
    cc_mark; cc0=$(cc_read); b0=$(busy); s0=$(srv_cpu)
    s=$(now); "$@" || t_rc=$?; e=$(now)
    s1=$(srv_cpu); b1=$(busy); cc_mark; cc1=$(cc_read)
    t_wall=$(elapsed "$s" "$e"); t_cpu=$(diff2 "$cc0" "$cc1"); t_srv=$(diff2 "$s0" "$s1")
    other=$(sub3 "$(diff2 "$b0" "$b1")" "$t_cpu" "$t_srv")
}

printf 'round\tattempt\tstatus\tcontender\tseconds\trestore_seconds\tjvm_seconds\tcreate_seconds\tcpu_seconds\tserver_cpu_seconds\tother_cpu_seconds\trestored_bytes\tinput_bytes\n' >"$TSV"

measure() {   # $1 round number, or "warm-up" (one untimed attempt, no TSV row); $2 contender
    local r=$1 name=$2 attempt status target fn arg input run t_restore t_jvm restored in_bytes attempts=$MAX_ATTEMPTS
    case $name in
        wlj) target=$R_WLJ; fn=run_wlj; arg=$(url "$R_WLJ"); input=$REPO ;;
        pg_restore-j2) target=$R_PGR; fn=run_pgr; arg=$R_PGR; input=$DUMP_FD ;;
        psql-1) target=$R_PSQL; fn=run_psql; arg=$R_PSQL; input=$PLAIN ;;
        *) echo "unknown contender $name" >&2; exit 1 ;;
    esac
    [ "$r" != warm-up ] || attempts=1
    in_bytes=$(bytes_of "$input")
    for attempt in $(seq 1 "$attempts"); do
        drop_db "$target"
        find "$input" -type f -exec cat {} + >/dev/null
        psql -X -q -d postgres -c CHECKPOINT >>"$LOG" 2>&1
        sync
        wait_quiet
        timed "$fn" "$arg"
        if [ "$t_rc" != 0 ]; then
            cat "$ERR" "$JLOG" | tee -a "$LOG" >&2
            log "FAILED: $name exited with status $t_rc (round $r)"
            exit 1
        fi
        [ ! -s "$ERR" ] || { log "   $name wrote to stderr:"; sed 's/^/      /' "$ERR" | head -20 | tee -a "$LOG"; }
        t_restore=""; t_jvm=""
        if [ "$name" = wlj ]; then
            sed 's/^/      /' "$JLOG" >>"$LOG"
            run=$(grep '^RESTORE ' "$JLOG") || { log "FAILED: no RESTORE line from PgBench restore"; exit 1; }
            t_restore=$(echo "$run" | kv seconds)
            t_jvm=$(awk -v w="$t_wall" -v b="$t_restore" 'BEGIN { printf "%.3f", w - b }')
        fi
        restored=$(psql -X -At -d postgres -c "SELECT pg_database_size('$target')")
        msg="$(printf '%-14s' "$name") ${t_wall} s$([ -z "$t_restore" ] || echo " (restore() ${t_restore} s, JVM start-up and exit ${t_jvm} s)")$([ -z "$t_create" ] || echo " (CREATE DATABASE ${t_create} s)")  cpu ${t_cpu} s  server cpu ${t_srv} s  other ${other} s  restored ${restored} B"
        if [ "$r" = warm-up ]; then
            log "warm-up [$name] $msg"
            break
        fi
        status=ok
        if disturbed "$other" "$t_wall"; then
            status=disturbed
            [ "$attempt" = "$attempts" ] && status=disturbed-kept
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$attempt" "$status" "$name" "$t_wall" "$t_restore" "$t_jvm" \
            "$t_create" "$t_cpu" "$t_srv" "$other" "$restored" "$in_bytes" >>"$TSV"
        log "round $r.$attempt $msg$([ "$status" = ok ] || echo "  [$status: other processes used more than $MAX_OTHER + $OTHER_CORES x ${t_wall} CPU s]")"
        [ "$status" = disturbed ] || break
    done
    # Dropped at once (untimed), except our copy of the last round when it is to be checked.
    if [ "$name" = wlj ] && [ "$r" = "$ROUNDS" ] && [ "$CHECK" = 1 ]; then
        return
    fi
    drop_db "$target"
}

# 7. Warm-up (untimed): each contender once, so that no timed step is the first to create WAL
#    segments, read the catalogs or the inputs.
if [ "$WARMUP" = 1 ]; then
    log "-- warm-up (untimed)"
    for c in wlj pg_restore-j2 psql-1; do measure warm-up "$c"; done
fi

# 8. Interleaved rounds.
for r in $(seq 1 "$ROUNDS"); do
    for c in wlj pg_restore-j2 psql-1; do measure "$r" "$c"; done
done

# 9. Check (untimed): our restored copy has the source's rows and schema.
FAILED=0
if [ "$CHECK" = 1 ]; then
    log "-- check: our restored copy $R_WLJ against $DB"
    if ! db_exists "$R_WLJ"; then
        log "   (no timed round kept a copy; restoring once, untimed)"
        run_wlj "$(url "$R_WLJ")" || { cat "$JLOG" | tee -a "$LOG"; log "CHECK FAILED: restore of $REPO"; exit 1; }
        log "   $(grep '^RESTORE ' "$JLOG")"
    fi
    counts "$DB" >"$W/counts-source.txt"; counts "$R_WLJ" >"$W/counts-restored.txt"
    if diff -q "$W/counts-source.txt" "$W/counts-restored.txt" >/dev/null; then
        log "   row counts: all $(wc -l <"$W/counts-source.txt") tables of $R_WLJ have the rows of $DB ($(awk '{ s += $2 } END { print s }' "$W/counts-source.txt") rows)"
    else
        log "   CHECK FAILED: row counts differ between $DB and $R_WLJ:"; diff "$W/counts-source.txt" "$W/counts-restored.txt" | head -20 | tee -a "$LOG"; FAILED=1
    fi
    if [ "$CONTENTS" = 1 ]; then
        contents "$DB" >"$W/contents-source.txt"; contents "$R_WLJ" >"$W/contents-restored.txt"
        if diff -q "$W/contents-source.txt" "$W/contents-restored.txt" >/dev/null; then
            log "   contents: every table's rows in primary-key order (COPY, SHA-256) are identical ($(wc -l <"$W/contents-source.txt") tables with a primary key)"
        else
            log "   CHECK FAILED: table contents differ:"; diff "$W/contents-source.txt" "$W/contents-restored.txt" | tee -a "$LOG"; FAILED=1
        fi
    fi
    rk=$(restrict_key)
    pg_dump --schema-only --no-owner --no-acl $rk "$DB" >"$W/schema-source.sql"
    pg_dump --schema-only --no-owner --no-acl $rk "$R_WLJ" >"$W/schema-restored.sql"
    if diff -u "$W/schema-source.sql" "$W/schema-restored.sql" >"$W/schema.diff"; then
        log "   schema: pg_dump --schema-only --no-owner --no-acl of $DB and of $R_WLJ are identical ($(wc -l <"$W/schema-source.sql") lines)"
    else
        log "   CHECK FAILED: pg_dump --schema-only --no-owner --no-acl of $DB and $R_WLJ differ ($W/schema.diff):"
        head -60 "$W/schema.diff" | tee -a "$LOG"; FAILED=1
    fi
    [ "$KEEP_RESTORED" = 1 ] || drop_db "$R_WLJ"
fi

# 10. Summary.
"$BENCH_DIR/pg-restore-summary.sh" "$TSV" | tee -a "$LOG"
log "tsv: $TSV"
log "log: $LOG"
[ "$FAILED" = 0 ] || { log "THE CHECK FAILED"; exit 1; }
