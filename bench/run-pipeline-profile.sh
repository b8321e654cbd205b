#!/usr/bin/env bash
# Where the pipeline's time goes: each stage alone and partial pipelines, next to zstd, sha256sum
# and openssl on the same input (see PipelineProfile's javadoc). Uses the classpath and input that
# run-pipeline-bench.sh prepared in bench/out (run that first).
#
# Usage: bench/run-pipeline-profile.sh [PipelineProfile options, e.g. --rounds 3 --only read,chain-file-fsync]
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$BENCH_DIR/out
INPUT=${INPUT:-$OUT/mixed-1g.txt}
[ -d "$OUT/lib" ] && [ -f "$INPUT" ] || { echo "run bench/run-pipeline-bench.sh first (it builds bench/out/lib and the input)" >&2; exit 1; }
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
java -Xmx${HEAP:-256m} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn ${JAVA_OPTS:-} -cp "$OUT/lib/*" \
    io.wlj.backup.bench.PipelineProfile --input "$INPUT" --work "$OUT/profile-work" "$@" | tee "$OUT/profile-$STAMP.log"
rm -rf "$OUT/profile-work"
echo "log: $OUT/profile-$STAMP.log"
