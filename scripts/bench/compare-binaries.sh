#!/usr/bin/env bash
# Same-run comparison of two leadsmith binaries on the same data: runs
# `leadsmith run --force` with each in turn (A B A B ...), ROUNDS times,
# each with its own work, output and state folders, and prints every
# stage's duration (from the "stage finished" log lines), the whole run's
# wall time and peak RSS, and the median ratio B/A per stage. The machine
# is shared and noisy: alternating the two binaries makes the ratio
# meaningful where single times are not.
#
#   scripts/bench/compare-binaries.sh OLD_BIN NEW_BIN DATA_DIR
#   ROUNDS=5 scripts/bench/compare-binaries.sh /tmp/old /tmp/new /tmp/lsb/data
#
# DATA_DIR is a folder written by `leadsmith fixtures generate` (it holds
# leadsmith.yaml). Outputs are left in DATA_DIR/_cmp-a and _cmp-b for
# scripts/bench/compare-outputs.sh.
set -euo pipefail
A=$1; B=$2; DATA=$(cd "$3" && pwd)
ROUNDS=${ROUNDS:-3}
DATE=${DATE:-2026-11-23}
OUT=$DATA/_cmp-results.txt
: > "$OUT"
for v in a b; do
  sed -e "s#^work:.*#work: $DATA/_cmp-$v/work#" -e "s#^output:.*#output: $DATA/_cmp-$v/out#" \
      -e "s#^state:.*#state: $DATA/_cmp-$v/state#" "$DATA/leadsmith.yaml" > "$DATA/_cmp-$v.yaml"
done
for r in $(seq 1 "$ROUNDS"); do
  for v in a b; do
    bin=$A; [ $v = b ] && bin=$B
    rm -rf "$DATA/_cmp-$v"
    /usr/bin/time -v "$bin" run --force --log-format json --config "$DATA/_cmp-$v.yaml" --date "$DATE" \
      > /dev/null 2> "$DATA/_cmp-$v.log"
    wall=$(grep 'Elapsed (wall clock)' "$DATA/_cmp-$v.log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    rss=$(grep 'Maximum resident set size' "$DATA/_cmp-$v.log" | awk '{print int($NF/1024)}')
    grep '"msg":"stage finished"' "$DATA/_cmp-$v.log" | while read -r line; do
      stage=$(grep -o '"stage":"[a-z]*"' <<<"$line" | cut -d'"' -f4)
      ms=$(grep -o '"duration_ms":[0-9]*' <<<"$line" | cut -d: -f2)
      echo "$r $v $stage $ms" >> "$OUT"
    done
    echo "$r $v run-wall $(awk "BEGIN{print int($wall*1000)}")" >> "$OUT"
    echo "$r $v run-rss-mib $rss" >> "$OUT"
    printf 'round %d %s: %6.1f s, peak RSS %5d MiB\n' "$r" "$v" "$wall" "$rss"
  done
done
echo
printf '%-12s %-32s %-32s %s\n' what "A (per round)" "B (per round)" "median B/A"
for what in $(awk '{print $3}' "$OUT" | awk '!seen[$0]++'); do
  a=$(awk -v w="$what" '$2=="a" && $3==w {printf "%s ", $4}' "$OUT")
  b=$(awk -v w="$what" '$2=="b" && $3==w {printf "%s ", $4}' "$OUT")
  ratio=$(awk -v w="$what" '$3==w {v[$1" "$2]=$4} END {for (k in v) { split(k, p, " "); if (p[2]=="a" && (p[1]" b") in v && v[k]>0) print v[p[1]" b"]/v[k] }}' "$OUT" \
    | sort -g | awk '{r[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) printf "%.3f", r[(NR+1)/2]; else printf "%.3f", (r[NR/2]+r[NR/2+1])/2}')
  printf '%-12s %-32s %-32s %s\n' "$what" "$a" "$b" "$ratio"
done
