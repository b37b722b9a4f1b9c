package profile

import (
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// null stands for a null value in the builders below.
const null = "\x00null"

var mem = memory.DefaultAllocator

func stringArray(vals []string) *array.String {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	for _, v := range vals {
		if v == null {
			b.AppendNull()
		} else {
			b.Append(v)
		}
	}
	return b.NewStringArray()
}

// dictArray encodes vals as a dictionary array whose dictionary holds each
// distinct value once, in first-seen order.
func dictArray(vals []string) *array.Dictionary {
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	b := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
	defer b.Release()
	for _, v := range vals {
		if v == null {
			b.AppendNull()
		} else if err := b.AppendString(v); err != nil {
			panic(err)
		}
	}
	return b.NewDictionaryArray()
}

// floatArray builds float64 values; valid, when not nil, marks non-nulls.
func floatArray(vals []float64, valid []bool) *array.Float64 {
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.AppendValues(vals, valid)
	return b.NewFloat64Array()
}

func int64Array(vals []int64) *array.Int64 {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.AppendValues(vals, nil)
	return b.NewInt64Array()
}

func timestampArray(ts []time.Time) *array.Timestamp {
	b := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"})
	defer b.Release()
	for _, t := range ts {
		if t.IsZero() {
			b.AppendNull()
		} else {
			b.Append(arrow.Timestamp(t.UnixMicro()))
		}
	}
	return b.NewTimestampArray()
}

// listArray builds list<string>; a nil row is null.
func listArray(rows [][]string) *array.List {
	b := array.NewListBuilder(mem, arrow.BinaryTypes.String)
	defer b.Release()
	vb := b.ValueBuilder().(*array.StringBuilder)
	for _, r := range rows {
		if r == nil {
			b.AppendNull()
			continue
		}
		b.Append(true)
		for _, v := range r {
			vb.Append(v)
		}
	}
	return b.NewListArray()
}

func boolArray(vals []bool) *array.Boolean {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.AppendValues(vals, nil)
	return b.NewBooleanArray()
}

func observe(t testing.TB, c *Column, arr, validity arrow.Array) {
	t.Helper()
	if err := c.Observe(arr, validity); err != nil {
		t.Fatal(err)
	}
}

// metricMap keys a column's metrics by name and key.
func metricMap(ms []Metric) map[string]float64 {
	out := map[string]float64{}
	for _, m := range ms {
		out[m.Metric+"|"+m.Key] = m.Value
	}
	return out
}

// rng is a small deterministic generator for test data.
type rng uint64

func (r *rng) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	return mix64(uint64(*r))
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

func email(i int) string { return fmt.Sprintf("user%d.name@company%d.com", i, i%5000) }
