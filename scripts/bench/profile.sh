#!/usr/bin/env bash
# The profile stage at 1M contacts: generates N contacts (default 1M, with
# the generator's three events per contact), runs the pipeline up to score
# once, then runs `leadsmith profile` RUNS times (default 5) on that run
# under /usr/bin/time and prints each run's wall and CPU seconds and the
# median wall. The issue's bar: at most 5 s. Production contacts have no
# ground truth, so these runs use the config without the generator's
# profile.truth_column; one more run with it shows what the evaluation
# against the truth (clusters, pairs and a 17-threshold sweep) adds.
# The machine is shared: CPU seconds (user + sys) are the steadier figure;
# on 2 cores the wall time cannot go below half of them.
#
#   scripts/bench/profile.sh
#   BENCH_DIR=/tmp/lsp RUNS=9 scripts/bench/profile.sh   # reuses the run
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-1000000}
RUNS=${RUNS:-5}
DIR=${BENCH_DIR:-/tmp/leadsmith-profile-$N}
mkdir -p "$DIR"
go build -o "$DIR/leadsmith" ./cmd/leadsmith
LS="$DIR/leadsmith"
CFG="$DIR/data/leadsmith.yaml"
if [ ! -f "$CFG" ]; then
  echo "generating $N contacts in $DIR/data" >&2
  "$LS" fixtures generate --contacts "$N" --seed 42 --out "$DIR/data" >/dev/null
fi
if [ ! -f "$DIR/data/_work/runs/bench/score/_STAGE.json" ]; then
  echo "running extract..score once (run id bench)" >&2
  for s in extract normalize dedupe enrich score; do
    "$LS" "$s" --config "$CFG" --run-id bench --date 2026-11-23 >/dev/null 2>&1
  done
fi
# The same config without the truth column (its section is the generator's
# three lines "profile:", a comment, "truth_column: ...").
NOTRUTH="$DIR/data/leadsmith-notruth.yaml"
awk '/^profile:/ {skip = 3} skip > 0 {skip--; next} {print}' "$CFG" >"$NOTRUTH"
profile_run() { # label config
  /usr/bin/time -o "$DIR/time" -f "%e %U %S %M" "$LS" profile --config "$2" --run-id bench --date 2026-11-23 >/dev/null 2>&1
  read -r wall user sys rss <"$DIR/time"
  printf '%s: wall %6.2f s  cpu %6.2f s  peak RSS %5d MiB\n' "$1" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024))
  last_wall=$wall
}
walls=()
for i in $(seq "$RUNS"); do
  profile_run "run $i" "$NOTRUTH"
  walls+=("$last_wall")
done
printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median wall %.2f s over %d runs\n", a[int((NR+1)/2)], NR}'
profile_run "with profile.truth_column (evaluation)" "$CFG"
