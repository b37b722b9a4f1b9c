package columnar

import (
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

func TestTakeRows_KeepsValuesNullsAndOrder(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "t", Type: TimestampUTC, Nullable: true},
		{Name: "l", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i := 0; i < 4; i++ {
		if i == 2 {
			for _, f := range b.Fields() {
				f.AppendNull()
			}
			continue
		}
		b.Field(0).(*array.StringBuilder).Append(string(rune('a' + i)))
		b.Field(1).(*array.Int64Builder).Append(int64(i))
		b.Field(2).(*array.Float64Builder).Append(float64(i) / 2)
		b.Field(3).(*array.BooleanBuilder).Append(i%2 == 0)
		b.Field(4).(*array.TimestampBuilder).Append(arrow.Timestamp(i))
		lb := b.Field(5).(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.StringBuilder).Append(string(rune('x' + i%2)))
	}
	rec := b.NewRecord()
	defer rec.Release()
	out, err := TakeRows(rec, []int{3, 2, 0})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	want := []string{
		`["d" (null) "a"]`, `[3 (null) 0]`, `[1.5 (null) 0]`, `[false (null) true]`,
	}
	for c, w := range want {
		if got := out.Column(c).String(); got != w {
			t.Errorf("column %d = %s, want %s", c, got, w)
		}
	}
	if out.Column(4).IsNull(1) != true || out.Column(5).(*array.List).IsNull(1) != true || out.NumRows() != 3 {
		t.Errorf("nulls or length lost: %v", out)
	}
}
