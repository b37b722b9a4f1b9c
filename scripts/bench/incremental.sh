#!/usr/bin/env bash
# Incremental night against a full run, measured in the same run: generates
# a feed of N contacts on night 1 and NIGHT records on night 2 (default 1M
# and 20k), runs night 1 (a full run that builds the entity store) and then
# night 2 (an incremental night: only night 2's files are new) under
# /usr/bin/time -v, and prints wall times, peak RSS and their ratio. The
# issue's bar: night 2 takes at most 10% of night 1's wall time.
#
#   scripts/bench/incremental.sh
#   N=200000 NIGHT=4000 scripts/bench/incremental.sh
#   BENCH_DIR=/tmp/lsi scripts/bench/incremental.sh   # reuses generated data
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-1000000}
NIGHT=${NIGHT:-20000}
DIR=${BENCH_DIR:-/tmp/leadsmith-incr-$N-$NIGHT}
SEED=${SEED:-42}
mkdir -p "$DIR"
go build -o "$DIR/leadsmith" ./cmd/leadsmith
LS="$DIR/leadsmith"

if [ ! -f "$DIR/feed/truth/nights.csv" ]; then
  echo "generating $N contacts and a night of $NIGHT records in $DIR/feed" >&2
  "$LS" fixtures generate --contacts "$N" --seed "$SEED" --nights 2 --night-contacts "$NIGHT" --out "$DIR/feed" >/dev/null
fi
D1=$(ls "$DIR/feed/crm" | sort | sed -n 1p)
D2=$(ls "$DIR/feed/crm" | sort | sed -n 2p)

# The run folder receives each night's files just before its run, as a
# feed's bucket would.
RUN="$DIR/run"
rm -rf "$RUN"
mkdir -p "$RUN"
cp "$DIR/feed/leadsmith.yaml" "$RUN/"
arrive() { # date
  (cd "$DIR/feed" && find . -path "*/$1/*" -type f -print0 | cpio -0 -pdm --quiet "$RUN")
}

to_seconds() { awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }' <<<"$1"; }
measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -v "$@" 2> "$DIR/$name.time" >/dev/null || { tail -20 "$DIR/$name.time" >&2; exit 1; }
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$DIR/$name.time" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$DIR/$name.time" | awk '{print $NF}')
  printf '%-34s wall %9s   peak RSS %6d MiB\n' "$name" "$wall" $((rss / 1024))
  echo "$(to_seconds "$wall")" > "$DIR/$name.secs"
}

arrive "$D1"
# Reference accounts arrive once, with night 1 (they are not dated).
if [ -d "$DIR/feed/accounts" ]; then cp -r "$DIR/feed/accounts" "$RUN/"; fi
measure "night 1: full run ($N)" "$LS" run --config "$RUN/leadsmith.yaml" --date "$D1" --log-format json
arrive "$D2"
measure "night 2: incremental ($NIGHT)" "$LS" run --config "$RUN/leadsmith.yaml" --date "$D2" --log-format json
t1=$(cat "$DIR/night 1: full run ($N).secs")
t2=$(cat "$DIR/night 2: incremental ($NIGHT).secs")
awk -v a="$t2" -v b="$t1" 'BEGIN { printf "incremental / full wall time: %.3f (bar: <= 0.10)\n", a / b }'
grep -h '"stage"' "$DIR"/night*.time 2>/dev/null | grep -o '"msg":"stage committed"[^}]*' | head -20 || true
