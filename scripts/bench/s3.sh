#!/usr/bin/env bash
# S3 benchmark: extract of the same generated file set from local disk and
# from S3 (versitygw on 127.0.0.1), as a throughput ratio, and the S3
# requests a full run makes with sources, work area and output on S3.
#
#   scripts/bench/s3.sh                 # 1,000,000 contacts (reuses scripts/bench/e2e.sh's data)
#   N=200000 scripts/bench/s3.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-1000000}
DIR=${BENCH_DIR:-/tmp/leadsmith-bench-$N}
mkdir -p "$DIR"
go build -o "$DIR/leadsmith" ./cmd/leadsmith
if [ ! -f "$DIR/data/leadsmith.yaml" ]; then
  "$DIR/leadsmith" fixtures generate --contacts "$N" --seed 42 --out "$DIR/data" >/dev/null 2>&1
fi
eval "$(scripts/s3server.sh start)"
trap 'scripts/s3server.sh stop' EXIT
go run ./scripts/bench/s3put -endpoint "$LEADSMITH_TEST_S3_ENDPOINT" -bucket bench -prefix in "$DIR/data"

# The same config with every location on S3.
S3CFG="$DIR/leadsmith-s3.yaml"
sed -e 's#uri: \.#uri: s3://bench/in#' \
    -e 's#^work: .*#work: s3://bench/work#' -e 's#^output: .*#output: s3://bench/out#' -e 's#^state: .*#state: s3://bench/state#' \
    "$DIR/data/leadsmith.yaml" > "$S3CFG"
printf 's3:\n  endpoint: %s\n  path_style: true\n  region: us-east-1\n' "$LEADSMITH_TEST_S3_ENDPOINT" >> "$S3CFG"

bytes=$(du -cb "$DIR"/data/{crm,forms,tradeshow,purchased,activities} | tail -1 | cut -f1)
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>"$DIR/s3bench.log"; e=$(date +%s.%N); echo "$e - $s" | bc; }
rm -rf "$DIR/data/_work"
local_s=$(t "$DIR/leadsmith" extract --config "$DIR/data/leadsmith.yaml" --date 2026-11-23)
s3_s=$(t "$DIR/leadsmith" extract --config "$S3CFG" --date 2026-11-23)
echo "extract, $((bytes / 1048576)) MiB of input objects:"
printf '  local disk  %6.2f s  %7.1f MiB/s\n' "$local_s" "$(echo "$bytes / 1048576 / $local_s" | bc -l)"
printf '  S3          %6.2f s  %7.1f MiB/s\n' "$s3_s" "$(echo "$bytes / 1048576 / $s3_s" | bc -l)"
printf '  S3 / local throughput ratio: %.2f\n' "$(echo "$local_s / $s3_s" | bc -l)"

"$DIR/leadsmith" run --force --config "$S3CFG" --date 2026-11-23 --log-format json 2>"$DIR/s3run.log" >/dev/null
echo "full run with sources, work, output and state on S3 ($N contacts): S3 requests per stage:"
grep '"msg":"stage finished"' "$DIR/s3run.log" | sed -E 's/.*"stage":"([a-z]+)".*"s3_requests":([0-9]+).*/  \1 \2/'
grep '"msg":"stage finished"' "$DIR/s3run.log" | sed -E 's/.*"s3_requests":([0-9]+).*/\1/' | awk '{s+=$1} END {print "  total", s}'
