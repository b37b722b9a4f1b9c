package profile

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// contactsBatch makes a normalized-like batch of n rows starting at row
// first: two sources, a raw title and its normalized form, a revenue, a
// timestamp and a list of issue codes.
func contactsBatch(first, n int) arrow.Record {
	var source, title, norm, mail []string
	var rev []float64
	var created []time.Time
	var issues [][]string
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := first; i < first+n; i++ {
		source = append(source, []string{"crm", "webinar", "crm"}[i%3])
		switch i % 4 {
		case 0:
			title, norm = append(title, "VP Sales"), append(norm, "vp sales")
		case 1:
			title, norm = append(title, "???"), append(norm, null)
		case 2:
			title, norm = append(title, " "), append(norm, null)
		default:
			title, norm = append(title, "CTO"), append(norm, "chief technology officer")
		}
		mail = append(mail, fmt.Sprintf("p%d@acme%d.com", i, i%3))
		rev = append(rev, float64(i%1000))
		created = append(created, t0.Add(time.Duration(i)*time.Minute))
		if i%5 == 0 {
			issues = append(issues, []string{"no_phone"})
		} else {
			issues = append(issues, []string{})
		}
	}
	cols := []arrow.Array{
		dictArray(source), stringArray(title), dictArray(norm), stringArray(mail),
		floatArray(rev, nil), timestampArray(created), listArray(issues),
	}
	fields := make([]arrow.Field, len(cols))
	for i, name := range []string{"source", "title", "title_norm", "email", "revenue_usd", "created_at", "dq_issues"} {
		fields[i] = arrow.Field{Name: name, Type: cols[i].DataType(), Nullable: true}
	}
	rec := array.NewRecord(arrow.NewSchema(fields, nil), cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return rec
}

var datasetOpts = Options{SourceColumn: "source", Pairs: []Pair{{"title", "title_norm"}, {"email", "email_norm"}}}

func TestDataset_PerSourceAndOverall(t *testing.T) {
	d := NewDataset("normalized", datasetOpts)
	for _, first := range []int{0, 1200} {
		rec := contactsBatch(first, 1200)
		if err := d.Add(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
	if got := d.Sources(); !reflect.DeepEqual(got, []string{"crm", "webinar"}) {
		t.Fatalf("sources %v", got)
	}
	want := map[string]map[string]float64{ // source -> title metrics
		AllSources: {"rows|": 2400, "present|": 1800, "validity|": 1200.0 / 1800, "distinct|": 3},
		"crm":      {"rows|": 1600, "present|": 1200, "validity|": 800.0 / 1200, "distinct|": 3},
		"webinar":  {"rows|": 800, "present|": 600, "validity|": 400.0 / 600, "distinct|": 3},
	}
	got := map[string][]Metric{}
	for _, m := range d.Metrics() {
		if m.Dataset != "normalized" {
			t.Fatalf("metric %+v", m)
		}
		if m.Column == "title" {
			got[m.Source] = append(got[m.Source], m)
		}
	}
	for src, w := range want {
		m := metricMap(got[src])
		for k, v := range w {
			if m[k] != v {
				t.Errorf("%s title %s = %v, want %v", src, k, m[k], v)
			}
		}
	}
	email := d.Column("email", "crm").Stats()
	var shapes int64
	for _, p := range email.Patterns {
		shapes += p.N
	}
	if shapes != 1600 || email.Patterns[0] != (Count{"a9999@a9.a", 933}) {
		t.Errorf("email patterns %v", email.Patterns)
	}
	if rev := d.Column("revenue_usd", AllSources).Stats().Numbers; rev.Min != 0 || rev.Max != 999 {
		t.Errorf("revenue %+v", rev)
	}
	if dq := d.Column("dq_issues", AllSources).Stats(); dq.Present != 480 || dq.Top[0] != (Count{"no_phone", 480}) {
		t.Errorf("dq_issues %+v", dq)
	}
}

func TestDataset_Compare(t *testing.T) {
	d := NewDataset("normalized", datasetOpts)
	rec := contactsBatch(0, 1200)
	defer rec.Release()
	if err := d.Add(rec); err != nil {
		t.Fatal(err)
	}
	cmp := d.Compare()
	if len(cmp) != 6 { // two pairs for all rows and two sources
		t.Fatalf("comparisons %+v", cmp)
	}
	all := cmp[0]
	want := Comparison{
		Source: AllSources, Pair: Pair{"title", "title_norm"}, Present: 900, Valid: 600,
		DistinctBefore: 3, DistinctAfter: 2,
		TopBefore: []Count{{"???", 300}, {"CTO", 300}, {"VP Sales", 300}},
		TopAfter:  []Count{{"chief technology officer", 300}, {"vp sales", 300}},
	}
	if !reflect.DeepEqual(all, want) {
		t.Errorf("comparison\n%+v\nwant\n%+v", all, want)
	}
	if email := cmp[3]; email.Raw != "email" || email.Present != 1200 || email.Valid != 0 || email.TopAfter != nil {
		t.Errorf("email comparison %+v", email)
	}
}

func TestDataset_MergeAcrossGoroutinesEqualsOne(t *testing.T) {
	one := NewDataset("normalized", datasetOpts)
	parts := []*Dataset{NewDataset("normalized", datasetOpts), NewDataset("normalized", datasetOpts)}
	var wg sync.WaitGroup
	for g, p := range parts {
		wg.Go(func() {
			for b := g; b < 6; b += 2 {
				rec := contactsBatch(b*500, 500)
				if err := p.Add(rec); err != nil {
					t.Error(err)
				}
				rec.Release()
			}
		})
	}
	wg.Wait()
	for b := range 6 {
		rec := contactsBatch(b*500, 500)
		if err := one.Add(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
	parts[0].Merge(parts[1])
	key := func(m Metric) string { return m.Source + "|" + m.Column + "|" + m.Metric + "|" + m.Key }
	merged := map[string]float64{}
	for _, m := range parts[0].Metrics() {
		merged[key(m)] = m.Value
	}
	n := 0
	for _, m := range one.Metrics() {
		switch {
		case m.Column == "email" && m.Metric == "top_value":
			continue // 3000 emails overflow the summary: approximate either way
		case m.Metric == "mean" && m.Column == "created_at":
			continue // rounding
		case m.Metric[0] == 'p' && m.Metric != "present" && m.Metric != "pattern":
			continue // quantiles come from other samples; checked elsewhere
		}
		n++
		if got, ok := merged[key(m)]; !ok || got != m.Value {
			t.Errorf("%s: one %v, merged %v", key(m), m.Value, got)
		}
	}
	if n < 100 {
		t.Errorf("compared only %d metrics", n)
	}
}

func TestDataset_WithoutSourceColumn(t *testing.T) {
	d := NewDataset("raw", Options{})
	rec := contactsBatch(0, 30)
	defer rec.Release()
	if err := d.Add(rec); err != nil {
		t.Fatal(err)
	}
	for _, m := range d.Metrics() {
		if m.Source != AllSources {
			t.Fatalf("metric %+v", m)
		}
	}
	if got := d.Columns(); len(got) != 7 || got[0] != "source" {
		t.Errorf("columns %v", got)
	}
}

func TestDataset_SourceColumnMustBeText(t *testing.T) {
	d := NewDataset("raw", Options{SourceColumn: "revenue_usd"})
	rec := contactsBatch(0, 3)
	defer rec.Release()
	if err := d.Add(rec); err == nil {
		t.Error("want an error")
	}
}
