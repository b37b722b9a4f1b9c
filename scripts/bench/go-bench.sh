#!/usr/bin/env bash
# The Go benchmarks behind the figures in the README: CSV parsing, each
# normalizer, dedupe pair scoring (pairs/s per core) and the generator.
set -euo pipefail
cd "$(dirname "$0")/../.."
go test -run '^$' -bench 'CSVReader|DecodeText|CleanField' -benchtime 1s ./etl/
go test -run '^$' -bench . -benchtime 500ms ./normalize/...
go test -run '^$' -bench 'ScorePairs|JaroWinkler' -benchtime 2s -count 3 ./dedupe/
# The same scoring over 200k records: the records no longer fit the caches.
SCORE_BENCH_RECORDS=200000 go test -run '^$' -bench 'ScorePairs' -benchtime 2s ./dedupe/
go test -run '^$' -bench 'BenchmarkGenerate$' -benchtime 1x ./fixtures/
