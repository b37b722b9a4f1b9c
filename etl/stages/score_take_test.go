package stages

import (
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl/columnar"
)

func TestTakeSegment_MatchesTakeRows(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "city", Type: arrow.BinaryTypes.String},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"ann", "", "bo", "cy", "dee"}, []bool{true, false, true, true, false})
	b.Field(1).(*array.Int64Builder).AppendValues([]int64{1, 2, 3, 4, 5}, []bool{true, true, false, true, true})
	b.Field(2).(*array.StringBuilder).AppendValues([]string{"a", "bb", "", "dddd", "e"}, nil)
	rec := b.NewRecord()
	defer rec.Release()
	for _, idx := range [][]int{{0, 1, 2, 3, 4}, {4, 1}, {2}, {}, {3, 0, 3}} {
		want, err := columnar.TakeRows(rec, idx)
		if err != nil {
			t.Fatal(err)
		}
		got, err := takeSegment(rec, idx)
		if err != nil {
			t.Fatal(err)
		}
		if !array.RecordEqual(got, want) {
			t.Errorf("rows %v: got %v, want %v", idx, got, want)
		}
		got.Release()
		want.Release()
	}
}

func TestStringArena_ClonesKeepTheirValues(t *testing.T) {
	var a stringArena
	var want, got []string
	for i := range 20000 { // several blocks, and strings too long for one
		s := strings.Repeat(string(rune('a'+i%26)), i%97)
		if i%5000 == 0 {
			s = strings.Repeat("z", arenaBlock)
		}
		want = append(want, s)
		got = append(got, a.clone(s))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("clone %d: got %q, want %q", i, got[i], want[i])
		}
	}
}
