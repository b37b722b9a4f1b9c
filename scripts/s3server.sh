#!/usr/bin/env bash
# Starts or stops a throwaway versitygw (a real S3 server) on loopback for the
# S3 integration tests:
#
#   eval "$(scripts/s3server.sh start)"
#   go test -run S3 ./etl/
#   scripts/s3server.sh stop
#
# `start` prints only `export` lines on stdout (diagnostics go to stderr) so
# that eval picks up the endpoint, throwaway credentials and what `stop` needs.
set -euo pipefail

readonly WAIT_SECONDS=${LEADSMITH_S3_WAIT_SECONDS:-20}
readonly PORT_TRIES=5

die() { echo "s3server.sh: $*" >&2; exit 1; }

find_versitygw() {
  if command -v versitygw >/dev/null 2>&1; then
    command -v versitygw
    return
  fi
  local gopath
  gopath=$(go env GOPATH 2>/dev/null || true)
  if [[ -n "$gopath" && -x "$gopath/bin/versitygw" ]]; then
    echo "$gopath/bin/versitygw"
    return
  fi
  die "versitygw not found on PATH or in \$(go env GOPATH)/bin; install it with: go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"
}

# free_port asks the kernel for an unused loopback port. Another process can
# still take it before versitygw binds, which start handles by trying again.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    echo $(( (RANDOM % 20000) + 30000 ))
  fi
}

# answers succeeds once something speaks HTTP on the port; an anonymous
# request is refused with 403, which is enough to know the server is up.
answers() {
  local code
  code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$1/" 2>/dev/null || true)
  [[ -n "$code" && "$code" != "000" ]]
}

rand_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

start() {
  command -v curl >/dev/null 2>&1 || die "curl is needed to check that versitygw answers"
  local gw dir access secret port pid try waited
  gw=$(find_versitygw)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/leadsmith-s3.XXXXXX")
  mkdir -p "$dir/data"
  access="test$(rand_hex 8)"
  secret=$(rand_hex 20)

  for (( try = 1; try <= PORT_TRIES; try++ )); do
    port=$(free_port)
    "$gw" --access "$access" --secret "$secret" --port "127.0.0.1:$port" \
      posix "$dir/data" >"$dir/versitygw.log" 2>&1 </dev/null &
    pid=$!
    waited=0
    while (( waited < WAIT_SECONDS * 10 )); do
      if ! kill -0 "$pid" 2>/dev/null; then
        break # exited: most likely the port was taken; try another one
      fi
      if answers "$port"; then
        cat <<OUT
export LEADSMITH_TEST_S3_ENDPOINT=http://127.0.0.1:$port
export AWS_ACCESS_KEY_ID=$access
export AWS_SECRET_ACCESS_KEY=$secret
export AWS_REGION=us-east-1
export LEADSMITH_TEST_S3_PID=$pid
export LEADSMITH_TEST_S3_DIR=$dir
OUT
        return 0
      fi
      sleep 0.1
      waited=$(( waited + 1 ))
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      echo "s3server.sh: versitygw did not answer on 127.0.0.1:$port within ${WAIT_SECONDS}s; its log:" >&2
      tail -n 20 "$dir/versitygw.log" >&2 || true
      rm -rf "$dir"
      exit 1
    fi
  done
  echo "s3server.sh: versitygw exited $PORT_TRIES times before answering; its last log:" >&2
  tail -n 20 "$dir/versitygw.log" >&2 || true
  rm -rf "$dir"
  exit 1
}

stop() {
  local pid=${LEADSMITH_TEST_S3_PID:-} dir=${LEADSMITH_TEST_S3_DIR:-} i
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    # Only ever signal the server this script started, never a reused pid.
    if [[ "$(ps -p "$pid" -o comm= 2>/dev/null)" == versitygw* ]]; then
      kill "$pid" 2>/dev/null || true
      for (( i = 0; i < 50; i++ )); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    else
      echo "s3server.sh: pid $pid is not versitygw; not signalling it" >&2
    fi
  fi
  # Guard the rm: only a directory that start created.
  if [[ -n "$dir" && -d "$dir" && "$(basename "$dir")" == leadsmith-s3.* ]]; then
    rm -rf "$dir"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 start|stop" ;;
esac
