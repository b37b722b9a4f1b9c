package profile

import (
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// kind is what a column's values are profiled as.
type kind uint8

const (
	kindOther kind = iota
	kindText
	kindNumber
	kindTime
	kindBool
)

// accessor reads the values of an array one by one, for the paths that
// meet a type rarely (dictionary values, views) and do not merit a loop of
// their own. fast, when set, profiles a whole numeric array in one loop.
type accessor struct {
	kind kind
	str  func(i int) string
	num  func(i int) float64
	fast func(dst *numbers, arr arrow.Array, sel []int32, valid []bool) (p, v int64)
}

// Microseconds per unit of a timestamp.
var microsPer = map[arrow.TimeUnit]float64{
	arrow.Second: 1e6, arrow.Millisecond: 1e3, arrow.Microsecond: 1, arrow.Nanosecond: 1e-3,
}

func accessorOf(arr arrow.Array) accessor {
	switch a := arr.(type) {
	case *array.String:
		return accessor{kind: kindText, str: a.Value}
	case *array.LargeString:
		return accessor{kind: kindText, str: a.Value}
	case *array.StringView:
		return accessor{kind: kindText, str: a.Value}
	case *array.Binary:
		return accessor{kind: kindText, str: a.ValueString}
	case *array.LargeBinary:
		return accessor{kind: kindText, str: a.ValueString}
	case *array.BinaryView:
		return accessor{kind: kindText, str: a.ValueString}
	case *array.Boolean:
		return accessor{kind: kindBool, str: func(i int) string {
			if a.Value(i) {
				return "true"
			}
			return "false"
		}}
	case *array.Int8:
		return numAccessor(a.Int8Values(), 1, kindNumber)
	case *array.Int16:
		return numAccessor(a.Int16Values(), 1, kindNumber)
	case *array.Int32:
		return numAccessor(a.Int32Values(), 1, kindNumber)
	case *array.Int64:
		return numAccessor(a.Int64Values(), 1, kindNumber)
	case *array.Uint8:
		return numAccessor(a.Uint8Values(), 1, kindNumber)
	case *array.Uint16:
		return numAccessor(a.Uint16Values(), 1, kindNumber)
	case *array.Uint32:
		return numAccessor(a.Uint32Values(), 1, kindNumber)
	case *array.Uint64:
		return numAccessor(a.Uint64Values(), 1, kindNumber)
	case *array.Float32:
		return numAccessor(a.Float32Values(), 1, kindNumber)
	case *array.Float64:
		return numAccessor(a.Float64Values(), 1, kindNumber)
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return numAccessor(a.TimestampValues(), microsPer[unit], kindTime)
	case *array.Date32:
		return numAccessor(a.Date32Values(), 86400e6, kindTime)
	case *array.Date64:
		return numAccessor(a.Date64Values(), 1e3, kindTime)
	}
	return accessor{}
}

func numAccessor[T ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64](
	xs []T, scale float64, k kind) accessor {
	return accessor{
		kind: k,
		num:  func(i int) float64 { return float64(xs[i]) * scale },
		fast: func(dst *numbers, arr arrow.Array, sel []int32, valid []bool) (int64, int64) {
			return numeric(xs, scale, dst, arr, sel, valid)
		},
	}
}

// dictionary profiles a dictionary-encoded array: it counts the selected
// rows per dictionary entry, then profiles each entry once with its count,
// so a column of a few distinct values costs little more than a pass over
// its indices. A dictionary longer than the rows selected (one shared by
// many batches, say) is read row by row instead.
func (c *Column) dictionary(a *array.Dictionary, sel []int32, valid []bool) (p, v int64) {
	dict := a.Dictionary()
	acc, nb, n := accessorOf(dict), nullsOf(a), rows(a, sel)
	if dict.Len() > n {
		for k := range n {
			i := row(sel, k)
			if !nb.null(i) && c.dictEntry(dict, acc, a.GetValueIndex(i), 1) {
				p++
				if valid != nil && valid[i] {
					v++
				}
			}
		}
		return p, v
	}
	c.counts = zeroed(c.counts, dict.Len())
	if valid != nil {
		c.vcounts = zeroed(c.vcounts, dict.Len())
	}
	switch ix := a.Indices().(type) {
	case *array.Int8:
		countIndices(ix.Int8Values(), nb, sel, n, valid, c.counts, c.vcounts)
	case *array.Int16:
		countIndices(ix.Int16Values(), nb, sel, n, valid, c.counts, c.vcounts)
	case *array.Int32:
		countIndices(ix.Int32Values(), nb, sel, n, valid, c.counts, c.vcounts)
	case *array.Int64:
		countIndices(ix.Int64Values(), nb, sel, n, valid, c.counts, c.vcounts)
	case *array.Uint8:
		countIndices(ix.Uint8Values(), nb, sel, n, valid, c.counts, c.vcounts)
	case *array.Uint16:
		countIndices(ix.Uint16Values(), nb, sel, n, valid, c.counts, c.vcounts)
	case *array.Uint32:
		countIndices(ix.Uint32Values(), nb, sel, n, valid, c.counts, c.vcounts)
	case *array.Uint64:
		countIndices(ix.Uint64Values(), nb, sel, n, valid, c.counts, c.vcounts)
	}
	for j, cnt := range c.counts {
		if cnt > 0 && c.dictEntry(dict, acc, j, cnt) {
			p += cnt
			if valid != nil {
				v += c.vcounts[j]
			}
		}
	}
	return p, v
}

// dictEntry profiles cnt occurrences of dictionary entry j and reports
// whether it is present.
func (c *Column) dictEntry(dict arrow.Array, acc accessor, j int, cnt int64) bool {
	if dict.IsNull(j) {
		return false
	}
	switch acc.kind {
	case kindText, kindBool:
		s := trim(acc.str(j))
		if s == "" {
			return false
		}
		c.texts().add(s, cnt)
	case kindNumber, kindTime:
		x := acc.num(j)
		if math.IsNaN(x) {
			return false
		}
		dst := c.numbers()
		if acc.kind == kindTime {
			dst = c.times()
		}
		for range cnt {
			dst.add(x)
		}
	}
	return true
}

func countIndices[T ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64](
	ix []T, nb nullBits, sel []int32, n int, valid []bool, counts, vcounts []int64) {
	for k := range n {
		i := row(sel, k)
		if nb.null(i) {
			continue
		}
		j := ix[i]
		counts[j]++
		if valid != nil && valid[i] {
			vcounts[j]++
		}
	}
}

// zeroed returns xs resized to n and cleared.
func zeroed(xs []int64, n int) []int64 {
	if cap(xs) < n {
		return make([]int64, n)
	}
	xs = xs[:n]
	clear(xs)
	return xs
}
