#!/usr/bin/env bash
# Summarises a bench/out/pg-bench-*.tsv written by run-pg-bench.sh (which calls this at its end;
# it can be run again on any earlier TSV).
#
# Usage: bench/pg-summary.sh TSV
#
# Medians are over rounds; each round counts its undisturbed attempt (status "ok"), or, when all
# its attempts were disturbed, the one during which other processes used the least CPU (said so).
# "wall" is the whole process (for wlj: JVM start-up, the untimed repository initialisation and
# exit included); "backup()" is the call alone.
set -euo pipefail
TSV=${1:?usage: pg-summary.sh TSV}

# TSV columns: 1 round, 2 attempt, 3 status, 4 case, 5 contender, 6 seconds, 7 backup_seconds,
# 8 jvm_seconds, 9 cpu_seconds, 10 server_cpu_seconds, 11 other_cpu_seconds, 12 stored_bytes, 13 sync_seconds
awk -F'\t' '
    function median(list,    a, n, i, j, t) {
        n = split(list, a, " ")
        if (n == 0) return ""
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    # One row per contender and round: its undisturbed attempt, or else the disturbed attempt during
    # which other processes used the least CPU (flagged).
    NR > 1 {
        key = $4 SUBSEP $5; kr = key SUBSEP $1
        if (!(key in seen)) { seen[key] = 1; order[++nk] = key }
        if (!(kr in rseen)) { rseen[kr] = 1; rounds[key] = rounds[key] " " $1 }
        if ($3 == "ok") { okrow[kr] = $0 }
        else if (!(kr in best) || $11 + 0 < bestother[kr]) { best[kr] = $0; bestother[kr] = $11 + 0 }
    }
    function pick(key,    n, rs, i, kr, row, f) {
        T = B = J = C = S = Z = Y = ""; N = 0; D = 0
        n = split(rounds[key], rs, " ")
        for (i = 1; i <= n; i++) {
            kr = key SUBSEP rs[i]
            if (kr in okrow) row = okrow[kr]; else { row = best[kr]; D++ }
            split(row, f, "\t"); N++
            T = T " " f[6]; B = B " " f[7]; J = J " " f[8]; C = C " " f[9]; S = S " " f[10]; Z = Z " " f[12]; Y = Y " " f[13]
        }
        NOTE = D ? sprintf("  [%d of %d rounds disturbed: the least disturbed attempt is used]", D, N) : ""
    }
    function mib(b) { return b / 1048576 }
    END {
        print "== summary: medians over rounds (seconds; stored sizes in MiB)"
        for (i = 1; i <= nk; i++) {
            key = order[i]; split(key, kc, SUBSEP); pick(key)
            wall[key] = median(T); bk[key] = median(B); size[key] = median(Z)
            printf "%-5s %-27s n=%d  wall %7.3f s", kc[1], kc[2], N, wall[key]
            if (bk[key] != "") printf "  backup() %7.3f s  JVM %5.3f s", bk[key], median(J)
            printf "  cpu %6.2f s  server cpu %6.2f s", median(C), median(S)
            if (size[key] > 0) printf "  stored %8.1f MiB (%d B)", mib(size[key]), size[key]
            if (median(Y) != "") printf "  then sync %.3f s", median(Y)
            printf "   (all: %s)%s\n", T, NOTE
        }
        w = "big" SUBSEP "wlj-enc"; p = "big" SUBSEP "wlj-plain"
        gpg = "big" SUBSEP "pg_dump-Fc-gpg"; gpgnc = "big" SUBSEP "pg_dump-Fc-gpg-nocompress"
        fc = "big" SUBSEP "pg_dump-Fc"; nul = "big" SUBSEP "pg_dump-null"; fd = "big" SUBSEP "pg_dump-Fd-j2"
        if ((w in wall) && (gpg in wall) && (nul in wall) && (fc in wall)) {
            print "== ratios, big database (wlj-enc = our backup: zstd 3, OpenPGP, 2 jobs; whole process / backup() alone)"
            r1 = wall[w] / wall[gpg]; r1b = bk[w] / wall[gpg]
            printf "time  wlj-enc / (pg_dump -Fc | gpg)            = %.2f / %.2f   goal <= 0.6: %s\n", r1, r1b, (r1 <= 0.6 ? "MET" : (r1b <= 0.6 ? "met for backup() alone, NOT MET with JVM start-up" : "NOT MET"))
            if (gpgnc in wall) printf "time  wlj-enc / (pg_dump -Fc | gpg --compress-algo none) = %.2f / %.2f   (the stricter peer)\n", wall[w] / wall[gpgnc], bk[w] / wall[gpgnc]
            r2 = wall[w] / wall[nul]; r2b = bk[w] / wall[nul]
            printf "time  wlj-enc / (pg_dump > /dev/null)        = %.2f / %.2f   goal <= 1.3: %s\n", r2, r2b, (r2 <= 1.3 ? "MET" : (r2b <= 1.3 ? "met for backup() alone, NOT MET with JVM start-up" : "NOT MET"))
            printf "time  wlj-enc / pg_dump -Fc                  = %.2f / %.2f\n", wall[w] / wall[fc], bk[w] / wall[fc]
            if (fd in wall) printf "time  wlj-enc / pg_dump -Fd -j2              = %.2f / %.2f\n", wall[w] / wall[fd], bk[w] / wall[fd]
            if (p in wall) printf "time  wlj-plain / wlj-enc                    = %.2f / %.2f   (the cost of encryption)\n", wall[p] / wall[w], bk[p] / bk[w]
            r3 = size[w] / size[fc]
            printf "size  wlj-enc / pg_dump -Fc                  = %.3f (%.1f vs %.1f MiB)   goal <= 1: %s\n", r3, mib(size[w]), mib(size[fc]), (r3 <= 1 ? "MET" : "NOT MET")
            if (gpg in size) printf "size  wlj-enc / (pg_dump -Fc | gpg)          = %.3f (%.1f MiB);  with --compress-algo none: %.1f MiB\n", size[w] / size[gpg], mib(size[gpg]), mib(size[gpgnc])
            if (fd in size) printf "size  wlj-enc / pg_dump -Fd -j2              = %.3f (%.1f MiB)\n", size[w] / size[fd], mib(size[fd])
            if (p in size) printf "size  wlj-plain                              = %.1f MiB\n", mib(size[p])
        }
        w = "many" SUBSEP "wlj-enc"; p = "many" SUBSEP "wlj-plain"; fc = "many" SUBSEP "pg_dump-Fc"; nul = "many" SUBSEP "pg_dump-null"
        if ((w in wall) && (fc in wall)) {
            print "== ratios, many small tables"
            r4 = wall[w] / wall[fc]; r4b = bk[w] / wall[fc]
            printf "time  wlj-enc / pg_dump -Fc                  = %.2f / %.2f   goal <= 1 (no slower than pg_dump): %s\n", r4, r4b, (r4 <= 1 ? "MET" : (r4b <= 1 ? "met for backup() alone, NOT MET with JVM start-up" : "NOT MET"))
            if (nul in wall) printf "time  wlj-enc / (pg_dump > /dev/null)        = %.2f / %.2f\n", wall[w] / wall[nul], bk[w] / wall[nul]
            if (p in wall) printf "time  wlj-plain / pg_dump -Fc                = %.2f / %.2f\n", wall[p] / wall[fc], bk[p] / wall[fc]
            printf "size  wlj-enc / pg_dump -Fc                  = %.3f (%.2f vs %.2f MiB)\n", size[w] / size[fc], mib(size[w]), mib(size[fc])
        }
    }' "$TSV"
