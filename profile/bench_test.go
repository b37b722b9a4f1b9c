package profile

// Measured on the 2-core development machine (go1.26.8, linux/amd64,
// Xeon at 2.1 GHz, while other sessions kept a load of about 2 on it; the
// best of ten runs, 1M values each, Metrics included):
//
//	go test ./profile/ -run '^$' -bench . -benchtime 3x -count 10
//
//	Titles50Plain       13.2 ns/value  50 distinct strings, plain String arrays
//	Titles50Dict         1.6 ns/value  the same, dictionary-encoded
//	EmailsNoPatterns    29.6 ns/value  1M distinct strings, no shapes
//	Emails              75.6 ns/value  1M distinct emails with their shapes
//	Floats              20.2 ns/value  float64, ~1M distinct
//	Timestamps          20.4 ns/value  timestamp[us], ~1M distinct
//	DatasetBySource     29.0 ns/value  the five above plus a dictionary source
//	                                   column of 3 interleaved sources, per
//	                                   source and merged overall
//	Shape               31   ns/op     one email's shape
//
// Shapes are the dearest part of an identifier column: they cost nothing
// while the column has at most Capacity distinct values (they are then
// taken from the exact summary), one shapeInto call per value past that.

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

const (
	benchRows  = 1_000_000
	benchBatch = 64 * 1024
)

// benchBatches cuts 1M generated values into record-batch-sized arrays.
func benchBatches(build func(idx []int) arrow.Array) []arrow.Array {
	var out []arrow.Array
	for first := 0; first < benchRows; first += benchBatch {
		idx := make([]int, 0, benchBatch)
		for i := first; i < min(first+benchBatch, benchRows); i++ {
			idx = append(idx, i)
		}
		out = append(out, build(idx))
	}
	return out
}

var titles = func() []string {
	var out []string
	for i := range 50 {
		out = append(out, fmt.Sprintf("Title number %d", i))
	}
	return out
}()

func titleOf(i int) string { return titles[mix64(uint64(i))%50] }

var (
	benchTitlesPlain = sync.OnceValue(func() []arrow.Array {
		return benchBatches(func(idx []int) arrow.Array {
			vals := make([]string, len(idx))
			for k, i := range idx {
				vals[k] = titleOf(i)
			}
			return stringArray(vals)
		})
	})
	benchTitlesDict = sync.OnceValue(func() []arrow.Array {
		return benchBatches(func(idx []int) arrow.Array {
			vals := make([]string, len(idx))
			for k, i := range idx {
				vals[k] = titleOf(i)
			}
			return dictArray(vals)
		})
	})
	benchEmails = sync.OnceValue(func() []arrow.Array {
		return benchBatches(func(idx []int) arrow.Array {
			vals := make([]string, len(idx))
			for k, i := range idx {
				vals[k] = email(i)
			}
			return stringArray(vals)
		})
	})
	benchFloats = sync.OnceValue(func() []arrow.Array {
		return benchBatches(func(idx []int) arrow.Array {
			vals := make([]float64, len(idx))
			for k, i := range idx {
				vals[k] = float64(mix64(uint64(i))%10_000_000) / 7
			}
			return floatArray(vals, nil)
		})
	})
	benchTimes = sync.OnceValue(func() []arrow.Array {
		t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		return benchBatches(func(idx []int) arrow.Array {
			ts := make([]time.Time, len(idx))
			for k, i := range idx {
				ts[k] = t0.Add(time.Duration(mix64(uint64(i))%(5*365*86400)) * time.Second)
			}
			return timestampArray(ts)
		})
	})
)

// benchColumn profiles 1M values of the named column per iteration and
// reports the cost per value, Metrics included.
func benchColumn(b *testing.B, name string, batches []arrow.Array) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c := NewColumn(name, Options{})
		for _, arr := range batches {
			if err := c.Observe(arr, nil); err != nil {
				b.Fatal(err)
			}
		}
		c.Metrics()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/value")
}

func BenchmarkTitles50Plain(b *testing.B) { benchColumn(b, "title", benchTitlesPlain()) }
func BenchmarkTitles50Dict(b *testing.B)  { benchColumn(b, "title", benchTitlesDict()) }
func BenchmarkEmails(b *testing.B)        { benchColumn(b, "email", benchEmails()) }

// BenchmarkEmailsNoPatterns is the high-cardinality text path without
// shapes (a name column, say).
func BenchmarkEmailsNoPatterns(b *testing.B) { benchColumn(b, "full_name", benchEmails()) }
func BenchmarkFloats(b *testing.B)           { benchColumn(b, "revenue_usd", benchFloats()) }
func BenchmarkTimestamps(b *testing.B)       { benchColumn(b, "created_at", benchTimes()) }

// BenchmarkDatasetBySource profiles records of the five columns above plus
// a dictionary source column of three interleaved sources, per source and
// merged overall; ns/value is per row and column.
func BenchmarkDatasetBySource(b *testing.B) {
	sources := []string{"crm", "webinar", "trade_show"}
	cols := [][]arrow.Array{benchTitlesPlain(), benchTitlesDict(), benchEmails(), benchFloats(), benchTimes()}
	names := []string{"source", "title", "title_norm", "email", "revenue_usd", "created_at"}
	var recs []arrow.Record
	for k := range cols[0] {
		n := cols[0][k].Len()
		src := make([]string, n)
		for i := range src {
			src[i] = sources[mix64(uint64(k*benchBatch+i))%3]
		}
		arrs := []arrow.Array{dictArray(src)}
		for _, c := range cols {
			arrs = append(arrs, c[k])
		}
		fields := make([]arrow.Field, len(arrs))
		for i, a := range arrs {
			fields[i] = arrow.Field{Name: names[i], Type: a.DataType(), Nullable: true}
		}
		recs = append(recs, array.NewRecord(arrow.NewSchema(fields, nil), arrs, int64(n)))
	}
	opts := Options{SourceColumn: "source", Pairs: []Pair{{"title", "title_norm"}}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		d := NewDataset("normalized", opts)
		for _, rec := range recs {
			if err := d.Add(rec); err != nil {
				b.Fatal(err)
			}
		}
		d.Metrics()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows/float64(len(names)), "ns/value")
}

var shapeSink int

// BenchmarkShape is the cost of one email's shape, which identifier
// columns pay per value once they have more than Capacity distinct values.
func BenchmarkShape(b *testing.B) {
	vals := make([]string, 1024)
	for i := range vals {
		vals[i] = email(i * 7919)
	}
	var buf [256]byte
	for i := 0; b.Loop(); i++ {
		shapeSink += len(shapeInto(&buf, vals[i&1023]))
	}
}
