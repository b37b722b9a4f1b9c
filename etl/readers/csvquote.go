package readers

import (
	"bytes"
	"strconv"
)

// A stray quote, one opening a field that was never meant to be quoted,
// makes a CSV reader swallow the lines after it into one field. This file
// tells such quotes from real multi-line values and recovers from them: the
// record is rejected up to the line the quote opens on and reading resumes on
// the next line, so that one stray quote costs one row and not the rest of
// the file.

// mlQuote is a quoted field that spans lines; offsets are into the window
// from the record start (c.buf[c.r:]).
type mlQuote struct {
	open  int // its opening quote; -1 when there is no such field
	field int // its 1-based field number
	lines int // line ends between the record start and the opening quote
	close int // its closing quote
	stray int // its last undoubled quote that did not close it, -1 if none
}

// noteMultiline remembers the first quoted field of a record that spans
// lines, and the first one holding a stray quote (at window offset stray,
// -1 for none).
func (c *CSVReader) noteMultiline(open, openLines, lines, closing, stray int) {
	if lines == openLines {
		return
	}
	q := mlQuote{open: open, field: len(c.ends) + 1, lines: openLines, close: closing, stray: stray}
	if c.ml.open < 0 {
		c.ml = q
	}
	if stray >= 0 && c.mlStray.open < 0 {
		c.mlStray = q
	}
}

// strayQuote decides whether a record with a quoted field spanning lines is a
// stray quote's doing rather than a multi-line value, and if so returns the
// field to resynchronise after and why. Such a quote ran into a ragged row,
// or over an undoubled quote that did not close it (the quote that opens the
// next quoted field it swallowed), or over a whole record. Multi-line values
// (addresses, notes) double their quotes and keep the row's width.
func (c *CSVReader) strayQuote() (*mlQuote, string) {
	q := &c.ml
	if c.mlStray.open >= 0 {
		q = &c.mlStray
	}
	switch nf := c.fieldCount(); {
	case nf != len(c.header):
		return q, " closes on a later line in a row of " + strconv.Itoa(nf) +
			" fields, header has " + strconv.Itoa(len(c.header))
	case c.mlStray.open >= 0:
		return q, " spans lines and holds an undoubled quote"
	case c.swallowedRecord():
		return q, " swallows a whole record on a later line"
	}
	return nil, ""
}

// resync rejects the record parsed up to the line q's quote opens on, so that
// reading resumes on the line after.
func (c *CSVReader) resync(q *mlQuote, detail string) *CSVRow {
	c.openField, c.openLine = q.field, q.lines
	c.raiseNoClose(q.close, q.stray)
	c.cutAtLine(q.open, q.lines)
	return c.unterminated(detail)
}

// raiseNoClose records that a quoted field's scan found no closing quote
// before window offset h, and the last stray quote it found there (window
// offset stray, -1 for none). A quote opened later in that stretch pairs the
// quotes after it the same way (see parse), so it cannot close before h and
// holds a stray quote exactly when one lies after it.
func (c *CSVReader) raiseNoClose(h, stray int) {
	end := c.base + int64(c.r+h)
	if end <= c.noClose {
		return
	}
	c.noClose, c.lastStray = end, -1
	if stray >= 0 && stray < h {
		c.lastStray = c.base + int64(c.r+stray)
	}
}

// unterminated rejects the record up to the line its bad quote opens on.
func (c *CSVReader) unterminated(detail string) *CSVRow {
	openLine := c.line + int64(c.openLine)
	line, rec := c.consume()
	rec = trimLineEnd(rec)
	return c.reject(line, rec, int64(len(rec)), "unterminated_quote: field "+strconv.Itoa(c.openField)+
		" opens a quote on line "+strconv.FormatInt(openLine, 10)+" that"+detail)
}

// swallowedRecord reports whether the first multi-line quoted field of the
// record parsed (c.ml) holds a line with as many delimiters as a record has: a stray
// quote that a later row's quoted field happened to close. Real multi-line
// values (addresses, notes) seldom have that many; narrow files are exempt as
// a note could.
func (c *CSVReader) swallowedRecord() bool {
	n := len(c.header)
	if n < 4 || c.ml.field > len(c.ends) {
		return false
	}
	start := 0
	if c.ml.field > 1 {
		start = c.ends[c.ml.field-2]
	}
	f := c.scratch[start:c.ends[c.ml.field-1]]
	for k := indexLineEnd(f); k >= 0; k = indexLineEnd(f) {
		f = f[k+1:]
		line := f
		if e := indexLineEnd(f); e >= 0 {
			line = f[:e]
		}
		if bytes.Count(line, []byte{c.delim}) >= n-1 {
			return true
		}
	}
	return false
}

// openQuote decides about a quoted field opened at b[open] whose closing quote
// is not in b: wait for more input, or, at EOF or MaxRowBytes, give up and
// resynchronise on the line after the opening one, so that one stray quote
// costs one row and not the rest of the file.
// scanned is how far the search for a closing quote got, stray the window
// offset of the last stray quote it passed (-1 for none).
func (c *CSVReader) openQuote(b []byte, open, openLines, scanned, stray int, final bool) parseStatus {
	if !final {
		return psMore
	}
	c.raiseNoClose(scanned, stray)
	c.openField, c.openLine = len(c.ends)+1, openLines
	k := indexLineEnd(b[open:])
	if k < 0 {
		if len(b) <= c.maxRow {
			c.pn, c.plines = len(b), openLines+1
			return psUnterminated
		}
		c.skipFrom, c.skipField, c.plines = len(b), -1, openLines // the opening line alone is too long
		c.quoteCut = true
		return psRowTooLarge
	}
	c.cutAtLine(open+k, openLines)
	return psUnterminated
}

// cutAtLine makes the record end at the line end at or after window offset
// c.r+at, which lies openLines line ends after the record start.
func (c *CSVReader) cutAtLine(at, openLines int) {
	w := c.buf[c.r:c.w]
	e := at + indexLineEnd(w[at:])
	if w[e] == '\r' && e+1 < len(w) && w[e+1] == '\n' {
		e++
	}
	c.pn, c.plines = e+1, openLines+1
}

// countLines counts the line ends (LF, CRLF or lone CR) inside a quoted field.
func countLines(seg []byte) int {
	if bytes.IndexByte(seg, '\n') < 0 && bytes.IndexByte(seg, '\r') < 0 {
		return 0
	}
	n := 0
	for i := 0; i < len(seg); i++ {
		switch seg[i] {
		case '\n':
			n++
		case '\r':
			n++
			if i+1 < len(seg) && seg[i+1] == '\n' {
				i++
			}
		}
	}
	return n
}

// indexLineEnd returns the index of the first CR or LF in b, or -1.
func indexLineEnd(b []byte) int {
	lf := bytes.IndexByte(b, '\n')
	if lf < 0 {
		lf = len(b)
	}
	if cr := bytes.IndexByte(b[:lf], '\r'); cr >= 0 {
		return cr
	}
	if lf == len(b) {
		return -1
	}
	return lf
}
