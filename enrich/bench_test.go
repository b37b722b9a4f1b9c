package enrich

import (
	"sync"
	"testing"
)

// benchWorld is the shape the stage must handle: 100k companies (about 90k
// of them in a reference file) and 1M contacts drawn from them with
// spelling noise, 30% at free-mail addresses.
var benchWorld = sync.OnceValue(func() *synth { return newSynth(42, 100_000, 1_000_000) })

// BenchmarkMatchAll: go test ./enrich/ -run '^$' -bench MatchAll -benchmem -benchtime 5x
func BenchmarkMatchAll(b *testing.B) {
	s := benchWorld()
	ref, _ := BuildReference(s.rows, Options{})
	b.ResetTimer()
	for b.Loop() {
		ref.MatchAll(s.contacts, Options{})
	}
}

// BenchmarkBuildReference: go test ./enrich/ -run '^$' -bench BuildReference -benchmem
func BenchmarkBuildReference(b *testing.B) {
	s := benchWorld()
	b.ResetTimer()
	for b.Loop() {
		BuildReference(s.rows, Options{})
	}
}
