package columnar

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// TimestampUTC is the type of every timestamp of the data contract.
var TimestampUTC = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

// StringCol is the record's string column of that name, or nil when it has
// none or the column is not a string column.
func StringCol(rec arrow.Record, name string) *array.String {
	s, _ := Column(rec, name).(*array.String)
	return s
}

// Column is the record's column of that name, nil when it has none.
func Column(rec arrow.Record, name string) arrow.Array {
	if idx := rec.Schema().FieldIndices(name); len(idx) > 0 {
		return rec.Column(idx[0])
	}
	return nil
}

// StrAt is the value at i, "" when null or when a is nil.
func StrAt(a *array.String, i int) string {
	if a == nil || a.IsNull(i) {
		return ""
	}
	return a.Value(i)
}

// ConformRecord returns rec in schema: columns in schema's order, null
// columns for fields rec lacks. A field of another type is an error.
func ConformRecord(rec arrow.Record, schema *arrow.Schema) (arrow.Record, error) {
	cols := make([]arrow.Array, schema.NumFields())
	n := int(rec.NumRows())
	for i, f := range schema.Fields() {
		idx := rec.Schema().FieldIndices(f.Name)
		if len(idx) == 0 {
			cols[i] = array.MakeArrayOfNull(memory.DefaultAllocator, f.Type, n)
			defer cols[i].Release()
			continue
		}
		c := rec.Column(idx[0])
		if !arrow.TypeEqual(c.DataType(), f.Type) {
			return nil, fmt.Errorf("column %s is %s here but %s elsewhere", f.Name, c.DataType(), f.Type)
		}
		cols[i] = c
	}
	return array.NewRecord(schema, cols, int64(n)), nil
}
