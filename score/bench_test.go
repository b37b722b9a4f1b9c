package score

import (
	"os"
	"testing"
	"time"
)

func TestScoreAndRoute_DoNotAllocatePerEntity(t *testing.T) {
	m := mustCompile(t, routingConfig())
	rows, events := genData(500, 10, 5)
	g, _ := groupEvents(events, len(rows))
	s, r := m.NewScorer(), m.NewRouter(nil)
	var buf []Event
	for i := range rows { // warm the scratch space
		var evs []Event
		evs, buf = g.of(events, i, buf)
		s.Score(rows[i], evs)
	}
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		evs, _ := g.of(events, i%len(rows), nil)
		res := s.Score(rows[i%len(rows)], evs)
		r.Route(rows[i%len(rows)], &res, "")
		i++
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per entity, want 0", allocs)
	}
}

func BenchmarkFit(b *testing.B) {
	m := mustCompile(b, DefaultConfig())
	rows, _ := genData(10000, 0, 1)
	e := &env{ext: &[numVirtual]Value{}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e.row = rows[i%len(rows)]
		m.fitScore(e)
		i++
	}
}

func BenchmarkEngagement(b *testing.B) {
	m := mustCompile(b, DefaultConfig())
	rows, events := genData(10000, 10, 1)
	g, _ := groupEvents(events, len(rows))
	var acc []capAcc
	b.ReportAllocs()
	n, i := 0, 0
	for b.Loop() {
		evs, _ := g.of(events, i%len(rows), nil)
		m.eng.score(evs, &acc, nil)
		n += len(evs)
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/event")
}

func BenchmarkScore(b *testing.B) {
	m := mustCompile(b, DefaultConfig())
	rows, events := genData(10000, 10, 1)
	g, _ := groupEvents(events, len(rows))
	s := m.NewScorer()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		evs, _ := g.of(events, i%len(rows), nil)
		s.Score(rows[i%len(rows)], evs)
		i++
	}
}

func BenchmarkRoute(b *testing.B) {
	m := mustCompile(b, routingConfig())
	rows, events := genData(10000, 10, 1)
	g, _ := groupEvents(events, len(rows))
	s := m.NewScorer()
	results := make([]Result, len(rows))
	for i := range rows {
		evs, _ := g.of(events, i, nil)
		results[i] = s.Score(rows[i], evs)
	}
	r := m.NewRouter(nil)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := i % len(rows)
		res := results[k]
		r.Route(rows[k], &res, "ana")
		i++
	}
}

// BenchmarkScoreAll is the whole stage on 100k entities and ~1M events.
func BenchmarkScoreAll(b *testing.B) {
	m := mustCompile(b, routingConfig())
	rows, events := genData(100_000, 10, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := m.ScoreAll(rows, events, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(rows)), "ns/entity")
}

// TestScoreAll_Scale measures the target (1M entities, 10M events,
// at most 30 s) when LEADSMITH_SCORE_SCALE=1; it is too big for every run.
func TestScoreAll_Scale(t *testing.T) {
	if os.Getenv("LEADSMITH_SCORE_SCALE") == "" {
		t.Skip("set LEADSMITH_SCORE_SCALE=1 to score 1M entities with 10M events")
	}
	m := mustCompile(t, routingConfig())
	rows, events := genData(1_000_000, 10, 1)
	t.Logf("generated %d entities, %d events", len(rows), len(events))
	for _, sorted := range []bool{true, false} {
		evs := events
		if !sorted {
			evs = append([]Event(nil), events...)
			for i, j := 0, len(evs)-1; i < j; i, j = i+1, j-1 {
				evs[i], evs[j] = evs[j], evs[i]
			}
		}
		start := time.Now()
		res, _, err := m.ScoreAll(rows, evs, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		d := time.Since(start)
		t.Logf("sorted=%v: ScoreAll %d entities, %d events: %v", sorted, len(res), len(evs), d)
		if d > 30*time.Second {
			t.Errorf("took %v, budget 30 s", d)
		}
	}
}
