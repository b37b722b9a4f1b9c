package stages

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl/columnar"
)

// takeSegment is columnar.TakeRows for a contacts batch split by segment:
// the same rows, values and nulls. Most contacts columns are text, and
// appending their values one by one to a builder that grows as it goes
// was a fifth of the encoding queues' time; here a text column is copied
// into buffers sized once. Other columns go through columnar.TakeRows.
func takeSegment(rec arrow.Record, idx []int) (arrow.Record, error) {
	n := int(rec.NumCols())
	cols := make([]arrow.Array, n)
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	var other []int // columns left to columnar.TakeRows
	for c := range n {
		if s, ok := rec.Column(c).(*array.String); ok {
			cols[c] = takeStrings(s, idx)
		} else {
			other = append(other, c)
		}
	}
	if len(other) > 0 {
		fields := make([]arrow.Field, len(other))
		arrs := make([]arrow.Array, len(other))
		for k, c := range other {
			fields[k], arrs[k] = rec.Schema().Field(c), rec.Column(c)
		}
		sub := array.NewRecord(arrow.NewSchema(fields, nil), arrs, rec.NumRows())
		taken, err := columnar.TakeRows(sub, idx)
		sub.Release()
		if err != nil {
			return nil, err
		}
		for k, c := range other {
			cols[c] = taken.Column(k)
			cols[c].Retain()
		}
		taken.Release()
	}
	return array.NewRecord(rec.Schema(), cols, int64(len(idx))), nil
}

// takeStrings returns the values of a at idx, in that order.
func takeStrings(a *array.String, idx []int) arrow.Array {
	size := 0
	for _, i := range idx {
		if a.IsValid(i) {
			size += a.ValueLen(i)
		}
	}
	mem := memory.DefaultAllocator
	offsets := memory.NewResizableBuffer(mem)
	offsets.Resize(arrow.Int32Traits.BytesRequired(len(idx) + 1))
	data := memory.NewResizableBuffer(mem)
	data.Resize(size)
	off := arrow.Int32Traits.CastFromBytes(offsets.Bytes())
	bytes := data.Bytes()
	var valid *memory.Buffer
	var validBits []byte
	nulls := 0
	if a.NullN() > 0 {
		valid = memory.NewResizableBuffer(mem)
		valid.Resize(int(bitutil.BytesForBits(int64(len(idx)))))
		validBits = valid.Bytes()
		clear(validBits)
	}
	pos := 0
	for k, i := range idx {
		off[k] = int32(pos)
		if validBits != nil {
			if a.IsNull(i) {
				nulls++
				continue
			}
			bitutil.SetBit(validBits, k)
		}
		pos += copy(bytes[pos:], a.Value(i))
	}
	off[len(idx)] = int32(pos)
	d := array.NewData(a.DataType(), len(idx), []*memory.Buffer{valid, offsets, data}, nil, nulls, 0)
	defer d.Release()
	offsets.Release()
	data.Release()
	if valid != nil {
		valid.Release()
	}
	return array.NewStringData(d)
}
