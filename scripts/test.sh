#!/usr/bin/env bash
# Runs every leadsmith test on a fresh machine: installs the test tools
# (scripts/setup-test-tools.sh), starts a real S3 server (versitygw) on
# 127.0.0.1 for the integration tests, checks formatting and vet, runs
# `go test ./...`, and stops the server whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-test-tools.sh

unformatted="$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'))"
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...

eval "$(scripts/s3server.sh start)"
trap 'scripts/s3server.sh stop' EXIT

# The tools are installed now: a test that cannot find one fails here
# instead of skipping (internal/testenv).
export LEADSMITH_REQUIRE_TEST_TOOLS=1
go test -count=1 -timeout 15m "$@" ./...
