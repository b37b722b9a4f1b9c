#!/usr/bin/env bash
# End-to-end benchmark on generated data. Generates N contacts (default 1M,
# plus 3 activity events each), runs each leadsmith stage under
# /usr/bin/time -v, converts the same input files to Parquet with DuckDB in
# the same run, and prints wall times, peak RSS and the ratio.
#
#   scripts/bench/e2e.sh                 # 1,000,000 contacts
#   N=200000 scripts/bench/e2e.sh        # smaller
#   BENCH_DIR=/tmp/lsb scripts/bench/e2e.sh
#   N=1430000 EVENTS=10000000 scripts/bench/e2e.sh   # ~1M entities, 10M events (the score figure)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-1000000}
DIR=${BENCH_DIR:-/tmp/leadsmith-bench-$N}
SEED=${SEED:-42}
mkdir -p "$DIR"
[ -d node_modules/@duckdb/node-api ] || npm install --no-audit --no-fund --no-package-lock >&2

go build -o "$DIR/leadsmith" ./cmd/leadsmith

measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -v "$@" 2> "$DIR/$name.time" >/dev/null || { cat "$DIR/$name.time" >&2; exit 1; }
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$DIR/$name.time" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$DIR/$name.time" | awk '{print $NF}')
  printf '%-28s wall %9s   peak RSS %6d MiB\n' "$name" "$wall" $((rss / 1024))
  echo "$name $(to_seconds "$wall") $rss" >> "$DIR/results.txt"
}
to_seconds() { awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }' <<<"$1"; }

rm -f "$DIR/results.txt"
if [ ! -f "$DIR/data/leadsmith.yaml" ] || [ "${REGENERATE:-0}" = 1 ]; then
  rm -rf "$DIR/data"
  measure generate "$DIR/leadsmith" fixtures generate --contacts "$N" --seed "$SEED" --activities "${EVENTS:-0}" --out "$DIR/data"
fi
cfg="$DIR/data/leadsmith.yaml"
rm -rf "$DIR/data/_work" "$DIR/data/_output"
measure extract   "$DIR/leadsmith" extract   --config "$cfg" --date 2026-11-23
measure normalize "$DIR/leadsmith" normalize --config "$cfg" --date 2026-11-23
measure dedupe    "$DIR/leadsmith" dedupe    --config "$cfg" --date 2026-11-23
measure score     "$DIR/leadsmith" score     --config "$cfg" --date 2026-11-23
measure publish   "$DIR/leadsmith" publish   --config "$cfg" --date 2026-11-23
"$DIR/leadsmith" eval --config "$cfg" --date 2026-11-23 --truth-column true_entity_id 2>/dev/null | head -3 | sed 's/^/dedupe eval: /'
measure run-all   "$DIR/leadsmith" run --force --config "$cfg" --date 2026-11-23

# DuckDB converting the same input objects to zstd Parquet, all as text.
D="$DIR/data"; O="$DIR/duckdb-out"; rm -rf "$O"; mkdir -p "$O"
# DuckDB has no Windows-1252 reader without an extension that needs the
# network, so it gets a UTF-8 copy of the trade-show file (not timed).
mkdir -p "$DIR/duck-in"
iconv -f CP1252 -t UTF-8 "$D"/tradeshow/badge_scans.csv > "$DIR/duck-in/badge_scans.csv"
measure duckdb-csv-to-parquet node scripts/duckdb-query.mjs \
  "COPY (SELECT * FROM read_csv('$D/crm/*.csv.gz', all_varchar=true)) TO '$O/crm.parquet' (FORMAT parquet, COMPRESSION zstd)" \
  "COPY (SELECT * FROM read_json('$D/forms/*.jsonl.gz', format='newline_delimited')) TO '$O/forms.parquet' (FORMAT parquet, COMPRESSION zstd)" \
  "COPY (SELECT * FROM read_csv('$DIR/duck-in/badge_scans.csv', delim=';', all_varchar=true)) TO '$O/tradeshow.parquet' (FORMAT parquet, COMPRESSION zstd)" \
  "COPY (SELECT * FROM read_parquet('$D/purchased/*.parquet')) TO '$O/purchased.parquet' (FORMAT parquet, COMPRESSION zstd)" \
  "COPY (SELECT * FROM read_csv('$D/activities/*.csv.gz', all_varchar=true)) TO '$O/activities.parquet' (FORMAT parquet, COMPRESSION zstd)"

awk '
  $1=="extract"{e=$2} $1=="publish"{p=$2} $1=="duckdb-csv-to-parquet"{d=$2}
  END { if (d>0) printf "extract+publish %.2f s vs DuckDB %.2f s: ratio %.2f (target <= 2)\n", e+p, d, (e+p)/d }
' "$DIR/results.txt"
