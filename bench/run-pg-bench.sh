#!/usr/bin/env bash
# Benchmark: wlj-backup's PostgreSQL JDBC engine (zstd, OpenPGP, 2 jobs) against pg_dump, on a
# generated ~1.5 GiB database and on a database of 5,000 small tables, in one run, interleaved.
#
# Usage: bench/run-pg-bench.sh            (from anywhere; see bench/README.md)
# Environment:
#   ROUNDS=3          measured rounds; each times every contender once (see CONTENDERS below)
#   PG_PORT=55432     port of the benchmark's PostgreSQL server (localhost only)
#   PG_DATA=bench/out/pg-data   its data directory, kept between runs (the databases are reused)
#   REGENERATE=1      drop and generate the databases even when they are there already
#   USERS=20000 ACCOUNTS=5000000 JOURNAL=600000 MEASUREMENTS=2000000 DOCUMENTS=50000 TABLES=5000
#                     the data set's size (the defaults are the issue's)
#   MANY=1            also the many-tables case (0 skips it)
#   CHECK=1           restore checks after the rounds (0 skips them)
#   PROFILE=1         after the rounds, the JDBC COPY read rate alone, with zstd, with zstd + OpenPGP
#                     (PROFILE=copy: only these), and one backup of each database with its phases,
#                     repeated while disturbed (PROFILE=backups: only these)
#   WARMUP=1          the untimed warm-up before the rounds (0 skips it, e.g. for ROUNDS=0 PROFILE=1)
#   HEAP=256m         -Xmx of the backup JVMs
#   SKIP_BUILD=1      reuse bench/out/lib-pg     MVN_FLAGS=-o  extra Maven flags
#   JAVA_OPTS=...     extra JVM options for the backup JVMs
#   QUIET_WAIT=900 QUIET_CORES=0.15   before each timed step, wait (up to QUIET_WAIT s) until
#                     processes other than the server use less than QUIET_CORES cores
#   MAX_OTHER=0.5 OTHER_CORES=0.05    a step during which other processes used more than
#                     MAX_OTHER + OTHER_CORES x seconds CPU seconds is disturbed and run again,
#                     up to MAX_ATTEMPTS=4 attempts; disturbed steps stay in the TSV, not in medians
#
# Every step's own CPU (the contender's processes: pg_dump, gpg, the JVM) comes from the shell's
# `times`, the server's CPU from /proc (the postmaster and its children, exited backends included
# through the postmaster's cutime), and "other" CPU is the machine's total minus both.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROUNDS=${ROUNDS:-3}
TABLES=${TABLES:-5000}
MANY=${MANY:-1}
CHECK=${CHECK:-1}
PROFILE=${PROFILE:-1}
WARMUP=${WARMUP:-1}
DB_MANY=wlj_bench_many
SCRATCH_NAME=x-pg
# The settings shared with run-restore-bench.sh, the helpers, the build, the server, the data.
. "$BENCH_DIR/pg-common.sh"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
LOG=$OUT/pg-bench-$STAMP.log
TSV=$OUT/pg-bench-$STAMP.tsv
W=$OUT/pg-work                      # outputs of the timed steps (replaced every step)

pg_require_tools java mvn psql pg_dump pg_restore gpg gpgconf awk find diff sha256sum

: >"$LOG"
log "== wlj-backup PostgreSQL benchmark, $STAMP"

# 1.-3. Build, secrets (a passphrase file for both tools and a throw-away GnuPG home), the server
#       (stopped when this script ends). See pg-common.sh.
pg_build
pg_secrets gnupg
cleanup() { pg_cleanup; rm -f "$OUT/pg-java.log"; }
pg_trap cleanup
pg_start_server
pg_log_machine

# 4. The databases: generated once, reused while their marker matches (pg-common.sh).
ensure_main_db
[ "$MANY" != 1 ] || ensure_db "$DB_MANY" "$BENCH_DIR/sql/pg-bench-many-tables.sql" tables="$TABLES"
for d in "$DB" $([ "$MANY" = 1 ] && echo "$DB_MANY"); do
    log "-- $d: $(psql -X -At -d "$d" -c "SELECT pg_size_pretty(pg_database_size(current_database())) || ' (' || pg_database_size(current_database()) || ' bytes), '
        || count(*) || ' tables' FROM pg_stat_user_tables")"
done
psql -X -d "$DB" -c "SELECT relname AS table, n_live_tup AS rows, pg_size_pretty(pg_relation_size(relid)) AS heap,
    pg_size_pretty(pg_indexes_size(relid)) AS indexes, pg_size_pretty(pg_total_relation_size(relid)) AS total
    FROM pg_stat_user_tables ORDER BY pg_total_relation_size(relid) DESC" | tee -a "$LOG"

# 5. The contenders. Each step removes its previous output (untimed) and syncs, so that no step
#    pays for another's writeback; pg_dump fsyncs its output (its default), our repository fsyncs
#    every file; gpg does not, so the gpg steps are followed by a separately timed `sync FILE`.
mkdir -p "$W"
DUMP_FC=$W/pg.dump
DUMP_GPG=$W/pg.dump.gpg
DUMP_GPG_NC=$W/pg-nocompress.dump.gpg
DUMP_FD=$W/pg.dir
REPO_ENC=$W/wlj-enc
REPO_PLAIN=$W/wlj-plain
log "-- commands (PG* environment: PGHOST=localhost PGPORT=$PG_PORT PGUSER=postgres, TCP like the JDBC driver):"
log "   wlj-enc:        ${JAVA[*]} io.wlj.backup.bench.PgBench backup --url $(url DB) --repo DIR --passphrase-file F --jobs $JOBS --level $LEVEL"
log "   wlj-plain:      the same without --passphrase-file"
log "   pg_dump-Fc:     pg_dump -Fc -f FILE DB"
log "   pg_dump-Fc-gpg: pg_dump -Fc DB | ${GPG[*]} --symmetric --cipher-algo AES256 -o FILE   (then sync FILE, timed apart)"
log "   pg_dump-Fc-gpg-nocompress: the same with gpg --compress-algo none"
log "   pg_dump-Fd-j2:  pg_dump -Fd -j2 -f DIR DB"
log "   pg_dump-null:   pg_dump DB > /dev/null"

printf 'round\tattempt\tstatus\tcase\tcontender\tseconds\tbackup_seconds\tjvm_seconds\tcpu_seconds\tserver_cpu_seconds\tother_cpu_seconds\tstored_bytes\tsync_seconds\n' >"$TSV"
ROWS=$SCRATCH.rows

# A timed command: $1 case, $2 contender, $3 output to measure (or -), rest: the command.
# Sets t_wall, t_cpu, t_srv, other; appends a row (without round/attempt/status) to $ROWS.
timed() {
    local case=$1 name=$2 output=$3; shift 3
    local cc0 cc1 b0 b1 s0 s1 s e
    cc_mark; cc0=$(cc_read); b0=$(busy); s0=$(srv_cpu)
    s=$(now); "$@"; e=$(now)
    s1=$(srv_cpu); b1=$(busy); cc_mark; cc1=$(cc_read)
    t_wall=$(elapsed "$s" "$e"); t_cpu=$(diff2 "$cc0" "$cc1"); t_srv=$(diff2 "$s0" "$s1")
    other=$(sub3 "$(diff2 "$b0" "$b1")" "$t_cpu" "$t_srv")
    t_size=0; [ "$output" = - ] || t_size=$(bytes_of "$output")
    t_backup=""; t_jvm=""; t_sync=""
}
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$t_wall" "$t_backup" "$t_jvm" "$t_cpu" "$t_srv" "$other" "$t_size" "$t_sync" >>"$ROWS"; }

run_wlj() {   # $1 db, $2 repo, rest: extra arguments
    local db=$1 repo=$2; shift 2
    "${JAVA[@]}" io.wlj.backup.bench.PgBench backup --url "$(url "$db")" --repo "$repo" --jobs $JOBS --level $LEVEL \
        --server-pid "$PM_PID" "$@" >"$OUT/pg-java.log" 2>&1 || { cat "$OUT/pg-java.log" >&2; echo "PgBench backup failed" >&2; exit 1; }
}
step_wlj() {   # $1 case, $2 db, $3 enc|plain
    local case=$1 db=$2 mode=$3 repo extra=() run
    repo=$W/wlj-$mode-$case
    [ "$mode" = enc ] && extra=(--passphrase-file "$PASS")
    rm -rf "$repo"; sync
    wait_quiet
    timed "$case" "wlj-$mode" "$repo" run_wlj "$db" "$repo" "${extra[@]}"
    cat "$OUT/pg-java.log" >>"$LOG"
    run=$(grep '^RUN ' "$OUT/pg-java.log")
    t_backup=$(echo "$run" | kv seconds)
    t_jvm=$(awk -v w="$t_wall" -v b="$t_backup" 'BEGIN { printf "%.3f", w - b }')
    row "$case" "wlj-$mode"
    msg="$(printf '%-26s' "wlj-$mode") ${t_wall} s (backup() ${t_backup} s, JVM start-up and exit ${t_jvm} s)  cpu ${t_cpu} s  server cpu ${t_srv} s  other ${other} s  stored ${t_size} B  rows $(echo "$run" | kv rows)"
}
pgdump_fc() { pg_dump -Fc -f "$DUMP_FC" "$1"; }
pgdump_gpg() { pg_dump -Fc "$1" | "${GPG[@]}" --symmetric --cipher-algo AES256 -o "$DUMP_GPG"; }
pgdump_gpg_nc() { pg_dump -Fc "$1" | "${GPG[@]}" --symmetric --cipher-algo AES256 --compress-algo none -o "$DUMP_GPG_NC"; }
pgdump_fd() { pg_dump -Fd -j2 -f "$DUMP_FD" "$1"; }
pgdump_null() { pg_dump "$1" >/dev/null; }
step_pg() {    # $1 case, $2 db, $3 contender, $4 function, $5 output or -
    local case=$1 db=$2 name=$3 fn=$4 output=$5 s e
    [ "$output" = - ] || rm -rf "$output"
    sync
    wait_quiet
    timed "$case" "$name" "$output" "$fn" "$db"
    if [ "$name" = pg_dump-Fc-gpg ] || [ "$name" = pg_dump-Fc-gpg-nocompress ]; then
        s=$(now); sync "$output"; e=$(now); t_sync=$(elapsed "$s" "$e")
    fi
    row "$case" "$name"
    msg="$(printf '%-26s' "$name") ${t_wall} s  cpu ${t_cpu} s  server cpu ${t_srv} s  other ${other} s  stored ${t_size} B$([ -z "$t_sync" ] || echo "  (then sync: ${t_sync} s)")"
}

measure() {   # $1 round, rest: the step and its arguments
    local r=$1 attempt status; shift
    for attempt in $(seq 1 "$MAX_ATTEMPTS"); do
        : >"$ROWS"
        "$@"
        status=ok
        if disturbed "$other" "$t_wall"; then
            status=disturbed
            [ "$attempt" = "$MAX_ATTEMPTS" ] && status=disturbed-kept
        fi
        awk -v r="$r" -v a="$attempt" -v st="$status" 'BEGIN { OFS = "\t" } { print r, a, st, $0 }' "$ROWS" >>"$TSV"
        log "round $r.$attempt [$2] $msg$([ "$status" = ok ] || echo "  [$status: other processes used more than $MAX_OTHER + $OTHER_CORES x ${t_wall} CPU s]")"
        [ "$status" = disturbed ] || break
    done
}

big_steps() {
    local r=$1
    measure "$r" step_wlj big "$DB" enc
    measure "$r" step_wlj big "$DB" plain
    measure "$r" step_pg big "$DB" pg_dump-Fc pgdump_fc "$DUMP_FC"
    measure "$r" step_pg big "$DB" pg_dump-Fc-gpg pgdump_gpg "$DUMP_GPG"
    measure "$r" step_pg big "$DB" pg_dump-Fc-gpg-nocompress pgdump_gpg_nc "$DUMP_GPG_NC"
    measure "$r" step_pg big "$DB" pg_dump-Fd-j2 pgdump_fd "$DUMP_FD"
    measure "$r" step_pg big "$DB" pg_dump-null pgdump_null -
}
many_steps() {
    local r=$1
    measure "$r" step_wlj many "$DB_MANY" enc
    measure "$r" step_wlj many "$DB_MANY" plain
    measure "$r" step_pg many "$DB_MANY" pg_dump-Fc pgdump_fc "$DUMP_FC"
    measure "$r" step_pg many "$DB_MANY" pg_dump-null pgdump_null -
}

# 6. Warm-up (untimed): every table into shared buffers / the page cache, each tool once.
CHECKPOINT_OUT=$(psql -X -q -d postgres -c CHECKPOINT 2>&1) || log "$CHECKPOINT_OUT"
sync
if [ "$WARMUP" = 1 ]; then
    log "-- warm-up (untimed)"
    pg_dump "$DB" >/dev/null
    [ "$MANY" != 1 ] || pg_dump "$DB_MANY" >/dev/null
    rm -rf "$W/warm"; run_wlj "$DB" "$W/warm" --passphrase-file "$PASS"; log "   $(grep '^RUN' "$OUT/pg-java.log")"; rm -rf "$W/warm"
    pgdump_gpg "$DB"; rm -f "$DUMP_GPG"
fi

# 7. Interleaved rounds.
for r in $(seq 1 "$ROUNDS"); do
    big_steps "$r"
    [ "$MANY" != 1 ] || many_steps "$r"
done

# 8. Checks (untimed for the goals): the archives list, our backup restores to the same rows and schema.
FAILED=0
if [ "$CHECK" = 1 ]; then
    log "-- checks"
    n=$(pg_restore --list "$DUMP_FC" | grep -c 'TABLE DATA') \
        && log "   pg_restore --list of the last pg_dump -Fc archive (many tables case: $DUMP_FC) works: $n TABLE DATA entries" \
        || { log "   CHECK FAILED: pg_restore --list $DUMP_FC"; FAILED=1; }
    n=$(pg_restore --list "$DUMP_FD" | grep -c 'TABLE DATA') \
        && log "   pg_restore --list of the -Fd directory works: $n TABLE DATA entries" || { log "   CHECK FAILED: pg_restore --list $DUMP_FD"; FAILED=1; }
    for g in "$DUMP_GPG" "$DUMP_GPG_NC"; do
        n=$("${GPG[@]}" --decrypt -o "$W/decrypted.dump" "$g" && pg_restore --list "$W/decrypted.dump" | grep -c 'TABLE DATA') \
            && log "   gpg --decrypt $(basename "$g"), then pg_restore --list: $n TABLE DATA entries" \
            || { log "   CHECK FAILED: gpg --decrypt $g, then pg_restore --list"; FAILED=1; }
        rm -f "$W/decrypted.dump"
    done
    pgdump_fc "$DB"
    n=$(pg_restore --list "$DUMP_FC" | grep -c 'TABLE DATA') \
        && log "   pg_restore --list of a pg_dump -Fc archive of $DB works: $n TABLE DATA entries" || { log "   CHECK FAILED: pg_restore --list"; FAILED=1; }

    # counts and contents (every table's row count; its rows in primary-key order, hashed): pg-common.sh
    check_restore() {   # $1 source db, $2 repo, $3 restored db name, $4 contents check 1|0
        local src=$1 repo=$2 dst=$3
        psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $dst" >>"$LOG" 2>&1
        wait_quiet
        "${JAVA[@]}" io.wlj.backup.bench.PgBench restore --repo "$repo" --passphrase-file "$PASS" --target-url "$(url "$dst")" \
            --jobs $JOBS --server-pid "$PM_PID" >"$OUT/pg-java.log" 2>&1 || { cat "$OUT/pg-java.log" | tee -a "$LOG"; log "   CHECK FAILED: restore of $repo"; FAILED=1; return; }
        log "   restore of our encrypted backup of $src into $dst: $(grep '^RESTORE' "$OUT/pg-java.log")"
        grep -v '^RESTORE' "$OUT/pg-java.log" | sed 's/^/      /' | head -20 | tee -a "$LOG"
        counts "$src" >"$W/counts-$src.txt"; counts "$dst" >"$W/counts-$dst.txt"
        if diff -q "$W/counts-$src.txt" "$W/counts-$dst.txt" >/dev/null; then
            log "   row counts: all $(wc -l <"$W/counts-$src.txt") tables of $dst have the rows of $src ($(awk '{ s += $2 } END { print s }' "$W/counts-$src.txt") rows)"
        else
            log "   CHECK FAILED: row counts differ between $src and $dst:"; diff "$W/counts-$src.txt" "$W/counts-$dst.txt" | head -20 | tee -a "$LOG"; FAILED=1
        fi
        if [ "$4" = 1 ]; then
            contents "$src" >"$W/contents-$src.txt"; contents "$dst" >"$W/contents-$dst.txt"
            if diff -q "$W/contents-$src.txt" "$W/contents-$dst.txt" >/dev/null; then
                log "   contents: every table's rows in primary-key order (COPY, SHA-256) are identical in $src and $dst ($(wc -l <"$W/contents-$src.txt") tables)"
            else
                log "   CHECK FAILED: table contents differ:"; diff "$W/contents-$src.txt" "$W/contents-$dst.txt" | tee -a "$LOG"; FAILED=1
            fi
        fi
        # The same \\restrict key for both (pg_dump 15.14+ otherwise writes a random one into each).
        local rk
        rk=$(restrict_key)
        pg_dump --schema-only $rk "$src" >"$W/schema-$src.sql"
        pg_dump --schema-only $rk "$dst" >"$W/schema-$dst.sql"
        if diff -u "$W/schema-$src.sql" "$W/schema-$dst.sql" >"$W/schema-$src.diff"; then
            log "   schema: pg_dump --schema-only of $src and of $dst are identical ($(wc -l <"$W/schema-$src.sql") lines)"
        else
            SCHEMA_DIFF="$SCHEMA_DIFF $src"
            log "   SCHEMA DIFFERS: pg_dump --schema-only of $src and $dst differ ($(grep -c '^[-+][^-+]' "$W/schema-$src.diff") changed lines; $W/schema-$src.diff):"
            head -60 "$W/schema-$src.diff" | tee -a "$LOG"
        fi
    }
    SCHEMA_DIFF=""
    check_restore "$DB" "$W/wlj-enc-big" "${DB}_restored" 1
    [ "$MANY" != 1 ] || check_restore "$DB_MANY" "$W/wlj-enc-many" "${DB_MANY}_restored" 0
    [ "${KEEP_RESTORED:-0}" = 1 ] || psql -X -q -d postgres -c "DROP DATABASE IF EXISTS ${DB}_restored" -c "DROP DATABASE IF EXISTS ${DB_MANY}_restored" >>"$LOG" 2>&1
fi

# 9. Where our time goes: the JDBC COPY read rate alone, then with zstd, then zstd + OpenPGP.
if [ "$PROFILE" = 1 ] || [ "$PROFILE" = copy ]; then
    log "-- profile: COPY ... TO STDOUT of every table of $DB through PgJDBC (PgBench copy-rate), into nothing, zstd, zstd + OpenPGP; row by row or through a 64 KiB buffer"
    pg_dump "$DB" >/dev/null    # everything in shared buffers / the page cache again
    for js in "$JOBS null 0" "$JOBS zstd 0" "$JOBS zstd+openpgp 0" "$JOBS zstd 65536" "$JOBS zstd+openpgp 65536" "1 null 0"; do
        set -- $js
        wait_quiet
        "${JAVA[@]}" io.wlj.backup.bench.PgBench copy-rate --url "$(url "$DB")" --jobs "$1" --sink "$2" --buffer "$3" \
            --passphrase-file "$PASS" --server-pid "$PM_PID" 2>&1 | tee -a "$LOG"
    done
    wait_quiet
    s=$(now); s0=$(srv_cpu)
    psql -X -At -d "$DB" -c "SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables" | while read -r t; do
        psql -X -d "$DB" -c "COPY $t TO STDOUT"
    done | wc -c >"$W/psql-copy.bytes"
    e=$(now); s1=$(srv_cpu)
    log "PSQLCOPY tables copied one after another by psql to a pipe: $(cat "$W/psql-copy.bytes") bytes in $(elapsed "$s" "$e") s, server cpu $(diff2 "$s0" "$s1") s"
fi
if [ "$PROFILE" = 1 ] || [ "$PROFILE" = backups ]; then
    log "-- profile: backups with their phases (PHASES), repeated while disturbed"
    pg_dump "$DB" >/dev/null; [ "$MANY" != 1 ] || pg_dump "$DB_MANY" >/dev/null   # into shared buffers again
    # One backup of each database with its phases; for the big one also with zstd compressing on
    # the COPY threads (no zstd workers) and with one worker per artifact.
    for v in "$DB enc" "$DB enc 0" "$DB enc 1" $([ "$MANY" = 1 ] && echo "$DB_MANY:enc $DB_MANY:plain"); do
        v=${v//:/ }; set -- $v
        extra=(); [ "$2" = enc ] && extra=(--passphrase-file "$PASS"); [ -n "${3:-}" ] && extra+=(--zstd-workers "$3")
        for attempt in $(seq 1 "$MAX_ATTEMPTS"); do
            rm -rf "$W/profile-repo"; sync; wait_quiet
            run_wlj "$1" "$W/profile-repo" "${extra[@]}"
            run=$(grep '^RUN ' "$OUT/pg-java.log")
            status=ok; disturbed "$(echo "$run" | kv otherCpuSeconds)" "$(echo "$run" | kv seconds)" && status=disturbed
            log "PROFILEBACKUP db=$1 mode=$2 zstdWorkers=${3:-default} attempt=$attempt status=$status: $(grep -h '^RUN\|^PHASES' "$OUT/pg-java.log" | tr '\n' ' ')"
            rm -rf "$W/profile-repo"
            [ "$status" = disturbed ] || break
        done
    done
fi

# 10. Summary.
"$BENCH_DIR/pg-summary.sh" "$TSV" | tee -a "$LOG"
[ -z "${SCHEMA_DIFF:-}" ] || log "NOTE: the restored schema differs from the source for:$SCHEMA_DIFF (see the log)"
log "tsv: $TSV"
log "log: $LOG"
[ "$FAILED" = 0 ] || { log "SOME CHECKS FAILED"; exit 1; }
