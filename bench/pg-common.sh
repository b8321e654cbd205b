# Shared by bench/run-pg-bench.sh and bench/run-restore-bench.sh: sourced, never run on its own.
#
# Before sourcing, the script sets BENCH_DIR (this directory) and SCRATCH_NAME (the prefix of its
# scratch files in bench/out, removed at exit); after sourcing, LOG (its log file). It then calls,
# in this order, pg_build, pg_secrets, pg_trap (a function that calls pg_cleanup), pg_start_server,
# pg_log_machine and ensure_db.
#
# The settings read here, with their defaults (see the scripts' headers and bench/README.md):
#   PG_PORT=55432 PG_DATA=bench/out/pg-data REGENERATE=0
#   USERS=20000 ACCOUNTS=5000000 JOURNAL=600000 MEASUREMENTS=2000000 DOCUMENTS=50000
#   HEAP=256m SKIP_BUILD=0 MVN_FLAGS= JAVA_OPTS=
#   QUIET_WAIT=900 QUIET_CORES=0.15 MAX_OTHER=0.5 OTHER_CORES=0.05 MAX_ATTEMPTS=4
# shellcheck shell=bash

ROOT=$(dirname "$BENCH_DIR")
OUT=$BENCH_DIR/out
LIB=$OUT/lib-pg
SCRATCH=$OUT/${SCRATCH_NAME:?set SCRATCH_NAME before sourcing pg-common.sh}
PG_PORT=${PG_PORT:-55432}
PG_DATA=${PG_DATA:-$OUT/pg-data}
REGENERATE=${REGENERATE:-0}
USERS=${USERS:-20000}
ACCOUNTS=${ACCOUNTS:-5000000}
JOURNAL=${JOURNAL:-600000}
MEASUREMENTS=${MEASUREMENTS:-2000000}
DOCUMENTS=${DOCUMENTS:-50000}
HEAP=${HEAP:-256m}
SKIP_BUILD=${SKIP_BUILD:-0}
MVN_FLAGS=${MVN_FLAGS:-}
JAVA_OPTS=${JAVA_OPTS:-}
QUIET_WAIT=${QUIET_WAIT:-900}
QUIET_CORES=${QUIET_CORES:-0.15}
MAX_OTHER=${MAX_OTHER:-0.5}
OTHER_CORES=${OTHER_CORES:-0.05}
MAX_ATTEMPTS=${MAX_ATTEMPTS:-4}
JOBS=2
LEVEL=3
DB=wlj_bench
SERVER_JVM=""
SECRETS=""
mkdir -p "$OUT"

log() { echo "$@" | tee -a "$LOG"; }
now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.3f", e - s }'; }
kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" | head -1; }
busy() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz; exit }' /proc/stat; }
# CPU seconds of the server: the postmaster's utime+stime+cutime+cstime plus its live children's.
srv_cpu() {
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$PM_PID" -v hz="$(getconf CLK_TCK)" '
        { pid = $1; line = $0; sub(/^.*\) /, "", line); split(line, f, " ")
          if (pid == pm || f[2] == pm) t += f[12] + f[13] + f[14] + f[15] }
        END { printf "%.2f", t / hz }'
}
sub3() { awk -v a="$1" -v b="$2" -v c="$3" 'BEGIN { o = a - b - c; printf "%.2f", (o < 0 ? 0 : o) }'; }
diff2() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
cc_mark() { times >"$SCRATCH.times"; }
cc_read() { awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] } printf "%.2f", t }' "$SCRATCH.times"; }
bytes_of() { if [ -e "$1" ]; then find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s }'; else echo 0; fi; }
wait_quiet() {
    [ "$QUIET_WAIT" -gt 0 ] || return 0
    local waited=0 b0 b1 s0 s1 load
    while :; do
        b0=$(busy); s0=$(srv_cpu); sleep 2; b1=$(busy); s1=$(srv_cpu)
        load=$(awk -v a="$b0" -v b="$b1" -v c="$s0" -v d="$s1" 'BEGIN { printf "%.2f", (b - a - (d - c)) / 2 }')
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
disturbed() { awk -v o="$1" -v t="$2" -v m="$MAX_OTHER" -v c="$OTHER_CORES" 'BEGIN { exit !(o > m + c * t) }'; }

pg_require_tools() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || { echo "missing tool: $tool" >&2; exit 1; }
    done
}

# 1. Build from the working tree with the PostgreSQL 15 server binaries (the installed pg_dump is
#    15 and refuses newer servers). `package`, not `install`: nothing goes into ~/.m2, which other
#    checkouts on this machine share. The runtime classpath is copied to bench/out/lib-pg.
pg_build() {
    if [ "$SKIP_BUILD" != 1 ]; then
        log "-- building: mvn -B -q $MVN_FLAGS -Dwlj.test.postgres.version=15 -DskipTests package dependency:build-classpath -pl bench -am"
        (cd "$ROOT" && mvn -B -q $MVN_FLAGS -Dwlj.test.postgres.version=15 -DskipTests package dependency:build-classpath \
            -DincludeScope=runtime -Dmdep.outputFile="$OUT/classpath-pg.txt" -pl bench -am) >>"$LOG" 2>&1 \
            || { echo "build failed, see $LOG" >&2; exit 1; }
        rm -rf "$LIB"
        mkdir -p "$LIB"
        cp "$BENCH_DIR"/target/wlj-backup-bench-*.jar "$LIB/"
        { tr ':' '\n' <"$OUT/classpath-pg.txt"; echo; } | while read -r jar; do
            if [ -n "$jar" ]; then cp "$jar" "$LIB/"; fi
        done
    else
        [ -d "$LIB" ] || { echo "SKIP_BUILD=1 reuses $LIB from an earlier run, and there is none" >&2; exit 1; }
        log "-- not building; reusing the classpath in $LIB"
    fi
    log "-- classpath: $(ls "$LIB" | tr '\n' ' ')"
    JAVA=(java "-Xmx$HEAP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn $JAVA_OPTS -cp "$LIB/*")
}

# 2. Secrets: a random passphrase in a 0600 file in a temporary directory, removed at exit; with
#    `gnupg`, also a throw-away GnuPG home beside it and the gpg command line GPG.
pg_secrets() {
    SECRETS=$(mktemp -d "${TMPDIR:-/tmp}/wlj-pg-bench.XXXXXX")
    chmod 700 "$SECRETS"
    if [ "${1:-}" = gnupg ]; then
        export GNUPGHOME=$SECRETS/gnupg
        mkdir -m 700 "$GNUPGHOME"
    fi
    PASS=$SECRETS/passphrase
    (umask 077; head -c 24 /dev/urandom | base64 | tr -d '\n' >"$PASS"; echo >>"$PASS")
    GPG=(gpg --batch --yes --quiet --no-symkey-cache --pinentry-mode loopback --passphrase-file "$PASS")
}

# Stops the server (the JVM's shutdown hook, zonky's, runs pg_ctl stop -m fast), gpg-agent, and
# removes the secrets and the scratch files. For the scripts' EXIT trap.
pg_cleanup() {
    if [ -n "$SERVER_JVM" ] && kill -0 "$SERVER_JVM" 2>/dev/null; then
        kill "$SERVER_JVM" 2>/dev/null || true
        wait "$SERVER_JVM" 2>/dev/null || true
    fi
    if [ -n "${GNUPGHOME:-}" ] && [ -d "$GNUPGHOME" ]; then
        gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1 || true
    fi
    [ -z "$SECRETS" ] || rm -rf "$SECRETS"
    rm -f "$SCRATCH".*
}

# The script's cleanup runs at exit, also when the script is interrupted (INT, TERM, HUP; bash
# runs these traps once the command in the foreground has ended).
pg_trap() {
    trap "$1" EXIT
    trap 'exit 129' HUP
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# 3. The server: PostgreSQL 15 from the zonky binaries, run by a JVM that stops it when the script
#    ends (or is killed: it watches the script's pid). Its binaries are unpacked under bench/out/epg.
SERVER_CONF=(shared_buffers=1GB max_wal_size=16GB checkpoint_timeout=30min work_mem=64MB maintenance_work_mem=512MB
    fsync=on synchronous_commit=on autovacuum=off)
pg_start_server() {
    local conf_args=() c
    for c in "${SERVER_CONF[@]}"; do conf_args+=(--conf "$c"); done
    log "-- server: PgBench server --data $PG_DATA --port $PG_PORT ${conf_args[*]} (zonky also passes max_connections=300 timezone=UTC)"
    # 256 MiB, not less: the first start unpacks the xz-compressed binaries, which fails with
    # OutOfMemoryError at -Xmx64m. The JVM is idle afterwards.
    java -Xmx256m -Dot.epg.working-dir="$OUT/epg" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$LIB/*" \
        io.wlj.backup.bench.PgBench server --data "$PG_DATA" --port "$PG_PORT" --log "$OUT/pg-server.log" \
        --parent-pid $$ "${conf_args[@]}" >"$OUT/pg-server.out" 2>&1 &
    SERVER_JVM=$!
    for _ in $(seq 1 600); do
        grep -q '^READY' "$OUT/pg-server.out" 2>/dev/null && break
        kill -0 "$SERVER_JVM" 2>/dev/null || { cat "$OUT/pg-server.out" >&2; echo "the server did not start; see $OUT/pg-server.log" >&2; exit 1; }
        sleep 1
    done
    READY=$(grep '^READY' "$OUT/pg-server.out") || { echo "the server did not start within 600 s" >&2; exit 1; }
    PM_PID=$(echo "$READY" | kv pid)
    SERVER_VERSION=$(echo " $READY" | kv version)
    log "-- $READY"
    export PGHOST=localhost PGPORT=$PG_PORT PGUSER=postgres
    unset PGPASSWORD PGDATABASE PGSERVICE PGOPTIONS
    PG_DUMP_MAJOR=$(pg_dump --version | sed 's/.* \([0-9][0-9]*\)\..*/\1/')
    [ "$((SERVER_VERSION / 10000))" = "$PG_DUMP_MAJOR" ] \
        || { echo "the server is PostgreSQL $SERVER_VERSION but pg_dump is $PG_DUMP_MAJOR; build with -Dwlj.test.postgres.version=$PG_DUMP_MAJOR" >&2; exit 1; }
}
url() { echo "jdbc:postgresql://localhost:$PG_PORT/$1?user=postgres"; }

pg_log_machine() {
    log "-- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
    log "-- $(java -version 2>&1 | head -1); $(pg_dump --version); $(gpg --version | head -1); $(gpg --version | sed -n 2p)"
    log "-- source: commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo n/a)$(git -C "$ROOT" diff --quiet HEAD -- wlj-backup-api wlj-backup-postgres wlj-backup-crypto 2>/dev/null || echo ', with uncommitted changes')"
}

# 4. The databases: generated once (deterministic SQL), reused while the marker (a comment on the
#    database naming the SQL file's hash and the sizes) matches.
ensure_db() {
    local name=$1 sql=$2; shift 2
    local marker want
    want="wlj-bench $(basename "$sql") $(sha256sum "$sql" | cut -c1-16) $*"
    marker=$(psql -X -At -d postgres -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$name'")
    if [ "$marker" = "$want" ] && [ "$REGENERATE" != 1 ]; then
        log "-- database $name: reused ($want)"
        return
    fi
    log "-- database $name: generating ($want)"
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >>"$LOG" 2>&1
    local vars=() v s e
    for v in "$@"; do vars+=(-v "$v"); done
    s=$(now)
    psql -X -q -v ON_ERROR_STOP=1 "${vars[@]}" -d "$name" -f "$sql" >>"$LOG" 2>&1 \
        || { echo "generating $name failed; see $LOG" >&2; exit 1; }
    e=$(now)
    psql -X -q -d postgres -c "CHECKPOINT" -c "COMMENT ON DATABASE $name IS '$want'" >>"$LOG" 2>&1
    log "   generated in $(elapsed "$s" "$e") s"
}
# The main database with the sizes above.
ensure_main_db() {
    ensure_db "$DB" "$BENCH_DIR/sql/pg-bench-db.sql" users="$USERS" accounts="$ACCOUNTS" journal="$JOURNAL" \
        measurements="$MEASUREMENTS" documents="$DOCUMENTS"
}

# Checks of a restored copy. Every table's exact row count, "schema.table count" per line:
counts() { psql -X -At -F' ' -d "$1" -c "SELECT format('%I.%I', schemaname, relname),
    (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', schemaname, relname), false, true, '')))[1]::text
    FROM pg_stat_user_tables ORDER BY 1"; }
# Every table's rows in primary-key order through COPY, hashed.
contents() {
    psql -X -At -d "$1" -c "SELECT format('%I.%I', n.nspname, c.relname), (SELECT string_agg(format('%I', a.attname), ', ' ORDER BY k.o)
          FROM unnest(i.indkey) WITH ORDINALITY k(attnum, o) JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
        WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 1" | while IFS='|' read -r t k; do
        echo "$t $(psql -X -d "$1" -c "COPY (SELECT * FROM $t ORDER BY $k) TO STDOUT" | sha256sum | cut -d' ' -f1)"
    done
}
# pg_dump 15.14+ writes a random \restrict key into every dump unless given one; the same key for
# all makes two schema dumps comparable.
restrict_key() { if pg_dump --help | grep -- --restrict-key >/dev/null; then echo --restrict-key=wljbench; fi; }
