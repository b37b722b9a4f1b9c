#!/usr/bin/env bash
# Compares the published datasets of two leadsmith outputs row by row with
# DuckDB (EXCEPT ALL both ways), ignoring the columns named in IGNORE
# (default: run_id). Prints, per dataset, the rows only in A and only in B.
#
#   scripts/bench/compare-outputs.sh OUT_A OUT_B
#   IGNORE="run_id,scored_at,sla_due_at" scripts/bench/compare-outputs.sh /tmp/a/out /tmp/b/out
set -euo pipefail
cd "$(dirname "$0")/../.."
A=$1; B=$2
IGNORE=${IGNORE:-run_id}
ignored="[$(echo "$IGNORE" | sed "s/[^,][^,]*/'&'/g")]"
status=0
for ds in contacts routing rejects; do
  [ -d "$A/$ds" ] || continue
  src() { echo "(SELECT COLUMNS(c -> NOT list_contains($ignored, c)) FROM read_parquet('$1/$ds/**/*.parquet', hive_partitioning=true, union_by_name=true))"; }
  out=$(node scripts/duckdb-query.mjs \
    "SELECT count(*) AS n FROM $(src "$A")" \
    "SELECT count(*) AS only_a FROM ($(src "$A") EXCEPT ALL $(src "$B"))" \
    "SELECT count(*) AS only_b FROM ($(src "$B") EXCEPT ALL $(src "$A"))" 2>&1) || { echo "$ds: $out"; status=1; continue; }
  n=$(echo "$out" | sed -n 1p | grep -o '"n":"\?[0-9]*' | grep -o '[0-9]*$')
  oa=$(echo "$out" | sed -n 2p | grep -o '"only_a":"\?[0-9]*' | grep -o '[0-9]*$')
  ob=$(echo "$out" | sed -n 3p | grep -o '"only_b":"\?[0-9]*' | grep -o '[0-9]*$')
  echo "$ds: $n rows; only in A: $oa; only in B: $ob"
  [ "$oa" = 0 ] && [ "$ob" = 0 ] || status=1
done
exit $status
