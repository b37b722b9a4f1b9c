#!/usr/bin/env bash
# Installs what the tests need beyond Go itself, from the ordinary registries
# only: Go modules, versitygw (a real S3 server, built with go install),
# DuckDB's Node.js package (for read-back tests) and Chromium (Debian's
# package, for the report's headless-browser tests; internal/browser finds it
# at $LEADSMITH_CHROMIUM, /usr/bin/chromium or on PATH). Idempotent and quick
# when everything is already there.
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

chromium_present() {
  if [ -n "${LEADSMITH_CHROMIUM:-}" ]; then
    command -v "$LEADSMITH_CHROMIUM" >/dev/null 2>&1
    return
  fi
  [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1 ||
    command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1
}
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "setup: installing Chromium needs root or sudo" >&2
    return 1
  fi
}
if ! chromium_present; then
  command -v apt-get >/dev/null 2>&1 || { echo "setup: apt-get is required to install Chromium (or set LEADSMITH_CHROMIUM)" >&2; exit 1; }
  echo "setup: installing chromium with apt-get (about 2 min)" >&2
  apt_install() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >&2
  }
  # The package lists may be stale or absent on a fresh image: refresh them
  # only when the first attempt fails, to keep the usual case quick.
  if ! apt_install; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update >&2
    apt_install
  fi
fi
