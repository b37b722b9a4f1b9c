package columnar

import (
	"errors"
	"fmt"
	"math"

	"github.com/apache/arrow/go/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// writeWide adds rec's rows to the row group being gathered, writing
// every row group they complete. rec itself is not kept.
func (w *ParquetWriter) writeWide(rec arrow.Record) error {
	if w.err != nil {
		return w.err
	}
	if !rec.Schema().Equal(w.schema) {
		return fmt.Errorf("write %s: record schema does not match the writer's:\nrecord: %s\nwriter: %s", w.key, rec.Schema(), w.schema)
	}
	n := rec.NumRows()
	for from := int64(0); from < n; {
		to := min(n, from+w.groupRows-w.groupN)
		for i := range w.group {
			if err := w.group[i].add(rec.Column(i), int(from), int(to)); err != nil {
				w.err = fmt.Errorf("write %s: column %s: %w", w.key, w.schema.Field(i).Name, err)
				return w.err
			}
		}
		w.groupN += to - from
		w.rows += to - from
		from = to
		if w.groupN == w.groupRows {
			if err := w.writeGroup(); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeGroup writes the rows gathered as one row group, column after
// column. A column is let go of once the next one started, which closed
// its chunk: the group shrinks as it is written.
func (w *ParquetWriter) writeGroup() error {
	// Starting the row group closes the one before, and with it the chunk
	// of its last column.
	w.fw.NewRowGroup()
	w.releaseLastCol()
	var prev arrow.Array
	for i := range w.group {
		col := w.group[i].array(w.schema.Field(i).Type, w.mem)
		ch := arrow.NewChunked(col.DataType(), []arrow.Array{col})
		err := w.fw.WriteColumnChunked(ch, 0, w.groupN)
		ch.Release()
		if prev != nil {
			prev.Release()
		}
		prev = col
		if err != nil {
			prev.Release()
			w.err = fmt.Errorf("write %s: %w", w.key, err)
			return w.err
		}
	}
	w.lastCol = prev
	w.groupN = 0
	return nil
}

func (w *ParquetWriter) releaseLastCol() {
	if w.lastCol != nil {
		w.lastCol.Release()
		w.lastCol = nil
	}
}

// groupColumn gathers one column of a wide schema's row group. A string
// column's values are copied back to back into Go slices, which grow by
// about a quarter at a time and carry no padding. Keeping the records
// instead (a hundred rows each for 10,000 columns, see extract) took
// nearly twice the memory: 23 bytes a cell against 12 for values of 7
// bytes, in buffers rounded up to powers of two plus 64 bytes of
// alignment, and a few hundred bytes of array headers per column and
// record. Other columns keep slices of the records' arrays.
type groupColumn struct {
	str     bool
	values  []byte
	offsets []int32 // len(offsets) == rows+1 once a row is in
	valid   []byte  // validity bitmap
	nulls   int
	rows    int
	chunks  []arrow.Array
}

// add appends rows [from, to) of a.
func (c *groupColumn) add(a arrow.Array, from, to int) error {
	if from == to {
		return nil
	}
	if !c.str {
		c.chunks = append(c.chunks, array.NewSlice(a, int64(from), int64(to)))
		return nil
	}
	s := a.(*array.String)
	offs := s.ValueOffsets()
	if int64(len(c.values))+int64(offs[to]-offs[from]) > math.MaxInt32 {
		return errors.New("a row group's values exceed 2 GiB")
	}
	if c.offsets == nil {
		c.offsets = append(c.offsets, 0)
	}
	shift := int32(len(c.values)) - offs[from]
	c.values = append(c.values, s.ValueBytes()[offs[from]-offs[0]:offs[to]-offs[0]]...)
	for j := from; j < to; j++ {
		c.offsets = append(c.offsets, offs[j+1]+shift)
		if c.rows%8 == 0 {
			c.valid = append(c.valid, 0)
		}
		if s.IsValid(j) {
			bitutil.SetBit(c.valid, c.rows)
		} else {
			c.nulls++
		}
		c.rows++
	}
	return nil
}

// array hands over the rows gathered as one array and starts afresh: the
// array keeps the buffers.
func (c *groupColumn) array(dt arrow.DataType, mem memory.Allocator) arrow.Array {
	if !c.str {
		a, err := array.Concatenate(c.chunks, mem)
		if err != nil {
			// Slices of arrays of the same field always concatenate.
			panic(err)
		}
		for _, ch := range c.chunks {
			ch.Release()
		}
		c.chunks = nil
		return a
	}
	var valid *memory.Buffer
	if c.nulls > 0 {
		valid = memory.NewBufferBytes(c.valid)
	}
	data := array.NewData(dt, c.rows, []*memory.Buffer{valid,
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.offsets)), memory.NewBufferBytes(c.values)}, nil, c.nulls, 0)
	a := array.MakeFromData(data)
	data.Release()
	*c = groupColumn{str: true}
	return a
}

// release lets go of the gathered rows once the file is closed or aborted.
func (w *ParquetWriter) release() {
	for i := range w.group {
		for _, ch := range w.group[i].chunks {
			ch.Release()
		}
		w.group[i] = groupColumn{str: w.group[i].str}
	}
	w.groupN = 0
	w.releaseLastCol()
}
