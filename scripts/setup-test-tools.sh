#!/usr/bin/env bash
# Installs what the tests need beyond Go itself, from the ordinary registries
# only: Go modules, versitygw (a real S3 server, built with go install) and
# DuckDB's Node.js package (for read-back tests). Idempotent and quick when
# everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSITYGW_VERSION=v1.8.0
DUCKDB_PKG=@duckdb/node-api

go mod download

gobin="$(go env GOBIN)"
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
if ! command -v versitygw >/dev/null 2>&1 && [ ! -x "$gobin/versitygw" ]; then
  echo "setup: installing versitygw $VERSITYGW_VERSION (go install, about 90 s)" >&2
  go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
fi

if [ ! -d "node_modules/$DUCKDB_PKG" ]; then
  command -v npm >/dev/null 2>&1 || { echo "setup: npm is required for the DuckDB read-back tests" >&2; exit 1; }
  echo "setup: installing $DUCKDB_PKG from npm" >&2
  # The exact version is pinned in package.json; npm here writes lock files
  # that its own `npm ci` rejects, so none is kept.
  npm install --no-audit --no-fund --no-package-lock >&2
fi
