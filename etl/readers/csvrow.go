package readers

import "strconv"

// CSVRow is one record of a CSV stream: a good row or a reject.
type CSVRow struct {
	// Fields are valid until the next Read; len(Fields) == len(Header()) when
	// Reject is empty, nil otherwise.
	Fields []string
	// Line is the 1-based physical line the row starts on (the header is line
	// 1, or 2 after an Excel "sep=" line).
	Line int64
	// Reject is "" for a good row, else a reason code and detail, e.g.
	// "ragged_row: 5 fields, header has 7", "unterminated_quote: ...",
	// "field_too_large: ...", "row_too_large: ...", "invalid_utf8: ...".
	Reject string
	// Raw is the rejected row's original text, valid UTF-8 (invalid bytes
	// replaced by U+FFFD), cut at 64 KiB with a marker; "" for a good row.
	Raw string
	// Issues are non-fatal notes on a kept row, valid until the next Read:
	// "encoding_repaired" (invalid UTF-8 read as windows-1252), "nul_removed",
	// "stray_quote" (an undoubled quote inside a quoted field, kept literally).
	Issues []string
}

// blank reports whether the record just parsed is a blank line, which is not a row.
func (c *CSVReader) blank() bool {
	if len(c.ends) != 1 || c.quotedAny {
		return false
	}
	for _, ch := range c.scratch {
		if ch != ' ' && ch != '\t' {
			return false
		}
	}
	return true
}

// finish turns the parsed record into a row: checks its shape and sizes,
// strips NULs, repairs invalid UTF-8 and slices all fields out of one string.
func (c *CSVReader) finish(line int64, rec []byte) *CSVRow {
	nf := c.fieldCount()
	rec = trimLineEnd(rec)
	total := int64(len(rec))
	if len(rec) > c.maxRow {
		return c.reject(line, rec, total, rowTooLarge(total, c.maxRow))
	}
	for i := 0; i < nf; i++ {
		if n := c.fieldLen(i); n > c.maxField {
			return c.reject(line, rec, total, fieldTooLarge(i, int64(n), c.maxField))
		}
	}
	if nf != len(c.header) {
		return c.reject(line, rec, total, "ragged_row: "+strconv.Itoa(nf)+" fields, header has "+strconv.Itoa(len(c.header)))
	}
	c.ends = c.ends[:nf]
	c.issues = c.issues[:0]
	nul, repaired, bad := c.clean()
	if bad >= 0 {
		return c.reject(line, rec, total, "invalid_utf8: field "+strconv.Itoa(bad+1)+" is neither UTF-8 nor windows-1252")
	}
	if repaired {
		c.issues = append(c.issues, "encoding_repaired")
	}
	if nul {
		c.issues = append(c.issues, "nul_removed")
	}
	if c.stray {
		c.issues = append(c.issues, "stray_quote")
	}
	c.row = CSVRow{Fields: c.slice(), Line: line}
	if len(c.issues) > 0 {
		c.row.Issues = c.issues
	}
	return &c.row
}

// fieldCount is the number of fields of the record parsed, not counting the
// empty one a trailing delimiter adds.
func (c *CSVReader) fieldCount() int {
	nf := len(c.ends)
	if nf == len(c.header)+1 && c.fieldLen(nf-1) == 0 {
		nf--
	}
	return nf
}

func (c *CSVReader) fieldLen(i int) int {
	if i == 0 {
		return c.ends[0]
	}
	return c.ends[i] - c.ends[i-1]
}

// slice makes one string of the record's contents and cuts the fields from
// it: one allocation per row, however many fields.
func (c *CSVReader) slice() []string {
	s := ""
	if len(c.ends) > 0 {
		s = string(c.scratch[:c.ends[len(c.ends)-1]])
	}
	c.fields = c.fields[:0]
	start := 0
	for _, end := range c.ends {
		c.fields = append(c.fields, s[start:end])
		start = end
	}
	return c.fields
}
