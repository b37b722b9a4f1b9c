#!/usr/bin/env bash
# The long version of the crash trials: real `leadsmith run` processes
# killed (kill -9 at every step of the commit, kill -9 and SIGTERM at
# random moments) on local disk and on a real S3 server (versitygw on
# 127.0.0.1), each followed by a re-run that must complete with a clean
# run's data and leave nothing behind. CI runs a few random trials per
# location; this runs TRIALS (default 50) of them.
#
#   scripts/crash-trials.sh                  # 50 random trials per location
#   TRIALS=10 SEED=42 scripts/crash-trials.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-test-tools.sh
eval "$(scripts/s3server.sh start)"
trap 'scripts/s3server.sh stop' EXIT
LEADSMITH_CRASH_TRIALS=${TRIALS:-50} LEADSMITH_CRASH_SEED=${SEED:-} \
  go test -count=1 -timeout 60m -run 'TestCrashTrials|TestLock' -v ./cmd/leadsmith/ 2>&1 |
  tee "${LOG:-/tmp/leadsmith-crash-trials.log}" | grep -E '^(=== RUN|--- (PASS|FAIL)|PASS|FAIL|ok|\s+crash_test)' | grep -v '=== RUN'
