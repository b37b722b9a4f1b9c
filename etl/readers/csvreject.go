package readers

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// skipLong consumes a record too long to buffer, discarding what it reads so
// memory stays bounded, and rejects it; Raw keeps its first bytes. For
// psSkipField the bytes from skipFrom to the next delimiter or line end are the
// oversized field and are measured. The rest of the record is skipped to the
// end of the physical line: a record this broken is not worth following
// quotes for, and a quote could make the skip swallow the file.
func (c *CSVReader) skipLong() (*CSVRow, error) {
	measure := c.skipField >= 0
	line := c.line
	c.rawKeep = c.rawKeep[:0]
	keep := func(p []byte) {
		if room := maxRawBytes + 1 - len(c.rawKeep); room > 0 {
			c.rawKeep = append(c.rawKeep, p[:min(len(p), room)]...)
		}
	}
	pos := c.r + c.skipFrom
	keep(c.buf[c.r:pos])
	total, field := int64(c.skipFrom), int64(0)
	for {
		chunk := c.buf[pos:c.w]
		k := -1
		if measure {
			for j, ch := range chunk {
				if c.special[ch] {
					k = j
					break
				}
			}
		} else {
			k = indexLineEnd(chunk)
		}
		if k < 0 {
			keep(chunk)
			total += int64(len(chunk))
			if measure {
				field += int64(len(chunk))
			}
			c.r = c.w
			if c.eof {
				break
			}
			if err := c.fill(); err != nil {
				return nil, err
			}
			pos = c.r
			continue
		}
		keep(chunk[:k])
		total += int64(k)
		pos += k
		if measure {
			field += int64(k)
			measure = false
			continue
		}
		if c.buf[pos] == '\r' && pos+1 == c.w && !c.eof {
			c.r = pos // keep the CR: a LF may follow in the next read
			if err := c.fill(); err != nil {
				return nil, err
			}
			pos = c.r
		}
		if c.buf[pos] == '\r' && pos+1 < c.w && c.buf[pos+1] == '\n' {
			pos++
		}
		c.r = pos + 1
		break
	}
	c.line += int64(c.plines) + 1
	reason := rowTooLarge(total, c.maxRow)
	if c.skipField >= 0 {
		reason = fieldTooLarge(c.skipField, field, c.maxField)
	}
	return c.reject(line, c.rawKeep, total, reason), nil
}

// reject makes a rejected row from rec, the record without its line end or
// at least its first maxRawBytes+1 bytes, and total, its full length.
func (c *CSVReader) reject(line int64, rec []byte, total int64, reason string) *CSVRow {
	c.row = CSVRow{Line: line, Reject: reason, Raw: rawText(rec, total)}
	return &c.row
}

// rawText renders a rejected record for the rejects dataset: valid UTF-8, at
// most maxRawBytes of it, with a marker saying how much there was.
func rawText(rec []byte, total int64) string {
	if len(rec) > maxRawBytes {
		k := maxRawBytes
		for j := k; j > k-utf8.UTFMax; j-- {
			if utf8.RuneStart(rec[j]) {
				k = j
				break
			}
		}
		rec = rec[:k]
	}
	s := string(rec)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if total > maxRawBytes {
		s += "…[truncated, " + strconv.FormatInt(total, 10) + " bytes in all]"
	}
	return s
}

func rowTooLarge(n int64, limit int) string {
	return "row_too_large: row is " + strconv.FormatInt(n, 10) + " bytes, limit " + strconv.Itoa(limit)
}

func fieldTooLarge(i int, n int64, limit int) string {
	return "field_too_large: field " + strconv.Itoa(i+1) + " is " + strconv.FormatInt(n, 10) + " bytes, limit " + strconv.Itoa(limit)
}

// trimLineEnd drops the line end a parsed record ends with.
func trimLineEnd(rec []byte) []byte {
	if n := len(rec); n > 0 && rec[n-1] == '\n' {
		rec = rec[:n-1]
	}
	if n := len(rec); n > 0 && rec[n-1] == '\r' {
		rec = rec[:n-1]
	}
	return rec
}
