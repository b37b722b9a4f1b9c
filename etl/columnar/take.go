package columnar

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// takeRows returns the rows of rec at idx, in that order. It covers the
// column types leadsmith writes; arrow's compute Take reallocates its
// string buffers per row and was orders of magnitude slower on wide batches.
func TakeRows(rec arrow.Record, idx []int) (arrow.Record, error) {
	b := array.NewRecordBuilder(memory.DefaultAllocator, rec.Schema())
	defer b.Release()
	b.Reserve(len(idx))
	for c, col := range rec.Columns() {
		if err := appendRows(b.Field(c), col, idx); err != nil {
			return nil, fmt.Errorf("column %s: %w", rec.Schema().Field(c).Name, err)
		}
	}
	return b.NewRecord(), nil
}

func appendRows(fb array.Builder, col arrow.Array, idx []int) error {
	switch a := col.(type) {
	case *array.String:
		sb := fb.(*array.StringBuilder)
		for _, i := range idx {
			if a.IsNull(i) {
				sb.AppendNull()
			} else {
				sb.Append(a.Value(i))
			}
		}
	case *array.Int64:
		ib := fb.(*array.Int64Builder)
		for _, i := range idx {
			if a.IsNull(i) {
				ib.AppendNull()
			} else {
				ib.Append(a.Value(i))
			}
		}
	case *array.Int32:
		ib := fb.(*array.Int32Builder)
		for _, i := range idx {
			if a.IsNull(i) {
				ib.AppendNull()
			} else {
				ib.Append(a.Value(i))
			}
		}
	case *array.Float64:
		xb := fb.(*array.Float64Builder)
		for _, i := range idx {
			if a.IsNull(i) {
				xb.AppendNull()
			} else {
				xb.Append(a.Value(i))
			}
		}
	case *array.Boolean:
		bb := fb.(*array.BooleanBuilder)
		for _, i := range idx {
			if a.IsNull(i) {
				bb.AppendNull()
			} else {
				bb.Append(a.Value(i))
			}
		}
	case *array.Timestamp:
		tb := fb.(*array.TimestampBuilder)
		for _, i := range idx {
			if a.IsNull(i) {
				tb.AppendNull()
			} else {
				tb.Append(a.Value(i))
			}
		}
	case *array.List:
		lb := fb.(*array.ListBuilder)
		vals, ok := a.ListValues().(*array.String)
		if !ok {
			return fmt.Errorf("list of %s is not supported", a.ListValues().DataType())
		}
		vb := lb.ValueBuilder().(*array.StringBuilder)
		for _, i := range idx {
			if a.IsNull(i) {
				lb.AppendNull()
				continue
			}
			lb.Append(true)
			start, end := a.ValueOffsets(i)
			for k := start; k < end; k++ {
				vb.Append(vals.Value(int(k)))
			}
		}
	default:
		return fmt.Errorf("type %s is not supported", col.DataType())
	}
	return nil
}
