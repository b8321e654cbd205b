#!/usr/bin/env bash
# Summarises a bench/out/pg-restore-bench-*.tsv written by run-restore-bench.sh (which calls this
# at its end; it can be run again on any earlier TSV).
#
# Usage: bench/pg-restore-summary.sh TSV
#
# Medians are over rounds; each round counts its undisturbed attempt (status "ok"), or, when all
# its attempts were disturbed, the one during which other processes used the least CPU (said so).
# "wall" is the whole process: for wlj, JVM start-up, opening the repository and exit included
# ("restore()" is the call alone); for the peers, CREATE DATABASE included (shown apart too).
set -euo pipefail
TSV=${1:?usage: pg-restore-summary.sh TSV}

# TSV columns: 1 round, 2 attempt, 3 status, 4 contender, 5 seconds, 6 restore_seconds,
# 7 jvm_seconds, 8 create_seconds, 9 cpu_seconds, 10 server_cpu_seconds, 11 other_cpu_seconds,
# 12 restored_bytes, 13 input_bytes
awk -F'\t' '
    function median(list,    a, n, i, j, t) {
        n = split(list, a, " ")
        if (n == 0) return ""
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    NR > 1 {
        key = $4; kr = key SUBSEP $1
        if (!(key in seen)) { seen[key] = 1; order[++nk] = key }
        if (!(kr in rseen)) { rseen[kr] = 1; rounds[key] = rounds[key] " " $1 }
        if ($3 == "ok") { okrow[kr] = $0 }
        else if (!(kr in best) || $11 + 0 < bestother[kr]) { best[kr] = $0; bestother[kr] = $11 + 0 }
    }
    function pick(key,    n, rs, i, kr, row, f) {
        T = R = J = K = C = S = O = Z = I = ""; N = 0; D = 0
        n = split(rounds[key], rs, " ")
        for (i = 1; i <= n; i++) {
            kr = key SUBSEP rs[i]
            if (kr in okrow) row = okrow[kr]; else { row = best[kr]; D++ }
            split(row, f, "\t"); N++
            T = T " " f[5]; R = R " " f[6]; J = J " " f[7]; K = K " " f[8]; C = C " " f[9]; S = S " " f[10]; O = O " " f[11]
            Z = Z " " f[12]; I = I " " f[13]
        }
        NOTE = D ? sprintf("  [%d of %d rounds disturbed: the least disturbed attempt is used]", D, N) : ""
    }
    function mib(b) { return b / 1048576 }
    function verdict(r, rb) {
        if (r <= 0.7) return "MET, and the aim (<= 0.7) too"
        if (r <= 0.8) return "MET (the aim, <= 0.7, not reached)"
        if (rb <= 0.8) return "met for restore() alone, NOT MET with JVM start-up"
        return "NOT MET"
    }
    END {
        print "== restore summary: medians over rounds (seconds; sizes in MiB)"
        for (i = 1; i <= nk; i++) {
            key = order[i]; pick(key)
            wall[key] = median(T); rest[key] = median(R)
            printf "%-14s n=%d  wall %8.3f s", key, N, wall[key]
            if (rest[key] != "") printf "  restore() %8.3f s  JVM %5.3f s", rest[key], median(J)
            if (median(K) != "") printf "  CREATE DATABASE %5.3f s", median(K)
            printf "  cpu %6.2f s  server cpu %6.2f s  other %5.2f s", median(C), median(S), median(O)
            printf "  input %7.1f MiB  restored db %7.1f MiB", mib(median(I)), mib(median(Z))
            printf "   (all: %s)%s\n", T, NOTE
        }
        w = "wlj"; p = "pg_restore-j2"; q = "psql-1"
        if ((w in wall) && (p in wall)) {
            print "== ratios (ours = wlj: encrypted zstd backup, restore into a new database, 2 jobs; whole process / restore() alone)"
            r = wall[w] / wall[p]; rb = rest[w] / wall[p]
            printf "time  wlj / pg_restore -j2   = %.2f / %.2f   goal <= 0.8: %s\n", r, rb, verdict(r, rb)
            if (q in wall) printf "time  wlj / psql -1          = %.2f / %.2f\n", wall[w] / wall[q], rest[w] / wall[q]
        }
        if ((p in wall) && (q in wall)) printf "time  pg_restore -j2 / psql -1 = %.2f\n", wall[p] / wall[q]
    }' "$TSV"
