package profile

import (
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
)

// Observe profiles every row of arr. Text (String, LargeString, Binary,
// their views, dictionaries of them), numbers (signed, unsigned, float),
// timestamps and dates, booleans (as the text "true" and "false") and
// lists (see ObserveList) are profiled in full; a column of any other type
// gets its row and present counts only.
//
// validity, when not nil, says which rows normalization could interpret: a
// row is valid where validity is not null and, for a Boolean array, true.
// So a raw column is checked against its normalized column by passing the
// latter. It must have arr's length. Observe retains neither array.
func (c *Column) Observe(arr, validity arrow.Array) error {
	var valid []bool
	if validity != nil {
		if validity.Len() != arr.Len() {
			return fmt.Errorf("profile %s: validity has %d rows, values %d", c.name, validity.Len(), arr.Len())
		}
		c.validScratch = validFlags(c.validScratch, validity)
		valid = c.validScratch
	}
	c.observe(arr, nil, valid)
	return nil
}

// validFlags sets dst[i] to whether row i of v says valid.
func validFlags(dst []bool, v arrow.Array) []bool {
	n := v.Len()
	dst = slices.Grow(dst[:0], n)[:n]
	nb := nullsOf(v)
	b, _ := v.(*array.Boolean)
	for i := range dst {
		dst[i] = !nb.null(i) && (b == nil || b.Value(i))
	}
	return dst
}

// nullBits reads an array's validity bitmap; bits is nil when the array
// has no nulls.
type nullBits struct {
	bits []byte
	off  int
}

func nullsOf(a arrow.Array) nullBits {
	if a.NullN() == 0 {
		return nullBits{}
	}
	return nullBits{bits: a.NullBitmapBytes(), off: a.Data().Offset()}
}

func (b nullBits) null(i int) bool {
	return b.bits != nil && bitutil.BitIsNotSet(b.bits, b.off+i)
}

// rows returns the number of rows sel selects of arr: all when sel is nil.
func rows(arr arrow.Array, sel []int32) int {
	if sel == nil {
		return arr.Len()
	}
	return len(sel)
}

// row returns the k-th selected row.
func row(sel []int32, k int) int {
	if sel == nil {
		return k
	}
	return int(sel[k])
}

// observe profiles the rows sel of arr (all when sel is nil); valid, when
// not nil, is indexed by row.
func (c *Column) observe(arr arrow.Array, sel []int32, valid []bool) {
	c.rows += int64(rows(arr, sel))
	if l, ok := arr.(array.ListLike); ok {
		c.observeList(l, sel, valid)
		return
	}
	p, v := c.values(arr, sel, valid)
	c.present += p
	if valid != nil {
		c.checked += p
		c.valid += v
	}
}

func (c *Column) observeList(l array.ListLike, sel []int32, valid []bool) {
	c.list = true
	nb := nullsOf(l)
	c.elemSel = c.elemSel[:0]
	var p, v int64
	for k := range rows(l, sel) {
		i := row(sel, k)
		if nb.null(i) {
			continue
		}
		s, e := l.ValueOffsets(i)
		if e <= s {
			continue
		}
		p++
		if valid != nil && valid[i] {
			v++
		}
		for j := s; j < e; j++ {
			c.elemSel = append(c.elemSel, int32(j))
		}
	}
	c.present += p
	if valid != nil {
		c.checked += p
		c.valid += v
	}
	if len(c.elemSel) > 0 {
		ep, _ := c.values(l.ListValues(), c.elemSel, nil)
		c.elements += ep
	}
}

// values profiles the values of the rows sel of arr and returns how many
// were present and, of those, valid.
func (c *Column) values(arr arrow.Array, sel []int32, valid []bool) (p, v int64) {
	switch a := arr.(type) {
	case *array.String:
		return textOffsets(c, a.ValueOffsets(), a.ValueBytes(), a, sel, valid)
	case *array.LargeString:
		return textOffsets(c, a.ValueOffsets(), a.ValueBytes(), a, sel, valid)
	case *array.Binary:
		return textOffsets(c, a.ValueOffsets(), a.ValueBytes(), a, sel, valid)
	case *array.LargeBinary:
		return textOffsets(c, a.ValueOffsets(), a.ValueBytes(), a, sel, valid)
	case *array.Dictionary:
		return c.dictionary(a, sel, valid)
	case *array.Boolean:
		return c.booleans(a, sel, valid)
	}
	acc := accessorOf(arr)
	switch acc.kind {
	case kindNumber:
		return numbersOf(c.numbers(), acc, arr, sel, valid)
	case kindTime:
		return numbersOf(c.times(), acc, arr, sel, valid)
	case kindText:
		return textFunc(c, acc.str, arr, sel, valid)
	}
	nb := nullsOf(arr)
	for k := range rows(arr, sel) {
		if i := row(sel, k); !nb.null(i) {
			p++
			if valid != nil && valid[i] {
				v++
			}
		}
	}
	return p, v
}

// textOffsets profiles variable-length text by its offsets and bytes, the
// path plain String and Binary columns take.
func textOffsets[O int32 | int64](c *Column, offs []O, data []byte, arr arrow.Array, sel []int32, valid []bool) (p, v int64) {
	t := c.texts()
	nb := nullsOf(arr)
	base := offs[0]
	for k := range rows(arr, sel) {
		i := row(sel, k)
		if nb.null(i) {
			continue
		}
		s := trim(unsafeString(data[offs[i]-base : offs[i+1]-base]))
		if s == "" {
			continue
		}
		p++
		if valid != nil && valid[i] {
			v++
		}
		t.add(s, 1)
	}
	return p, v
}

func textFunc(c *Column, str func(int) string, arr arrow.Array, sel []int32, valid []bool) (p, v int64) {
	t := c.texts()
	nb := nullsOf(arr)
	for k := range rows(arr, sel) {
		i := row(sel, k)
		if nb.null(i) {
			continue
		}
		s := trim(str(i))
		if s == "" {
			continue
		}
		p++
		if valid != nil && valid[i] {
			v++
		}
		t.add(s, 1)
	}
	return p, v
}

func (c *Column) booleans(a *array.Boolean, sel []int32, valid []bool) (p, v int64) {
	nb := nullsOf(a)
	var n [2]int64
	for k := range rows(a, sel) {
		i := row(sel, k)
		if nb.null(i) {
			continue
		}
		if a.Value(i) {
			n[1]++
		} else {
			n[0]++
		}
		if valid != nil && valid[i] {
			v++
		}
	}
	t := c.texts()
	for b, s := range []string{"false", "true"} {
		if n[b] > 0 {
			t.add(s, n[b])
		}
	}
	return n[0] + n[1], v
}

func numbersOf(dst *numbers, acc accessor, arr arrow.Array, sel []int32, valid []bool) (p, v int64) {
	if acc.fast != nil {
		return acc.fast(dst, arr, sel, valid)
	}
	nb := nullsOf(arr)
	for k := range rows(arr, sel) {
		i := row(sel, k)
		if nb.null(i) {
			continue
		}
		x := acc.num(i)
		if math.IsNaN(x) {
			continue
		}
		p++
		if valid != nil && valid[i] {
			v++
		}
		dst.add(x)
	}
	return p, v
}

// numeric profiles a primitive array's values, each times scale.
func numeric[T ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64](
	xs []T, scale float64, dst *numbers, arr arrow.Array, sel []int32, valid []bool) (p, v int64) {
	nb := nullsOf(arr)
	for k := range rows(arr, sel) {
		i := row(sel, k)
		if nb.null(i) {
			continue
		}
		x := float64(xs[i]) * scale
		if x != x { // NaN
			continue
		}
		p++
		if valid != nil && valid[i] {
			v++
		}
		dst.add(x)
	}
	return p, v
}
