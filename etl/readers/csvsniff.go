package readers

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// sniffWindow is the read size SniffHeader starts with: enough for the
// delimiter sniff and any sane header, far less than a data read.
const sniffWindow = 64 << 10

// SniffHeader returns the header and delimiter of a CSV stream that is already
// decompressed and decoded (see Decompress, DecodeText), reading only its
// first 64 KiB unless the header itself is longer.
func SniffHeader(r io.Reader, o CSVOptions) ([]string, byte, error) {
	c, err := newCSVReader(r, o, sniffWindow)
	if err != nil {
		return nil, 0, err
	}
	return c.Header(), c.Delimiter(), nil
}

// readHeader parses the first non-blank record into the column names.
func (c *CSVReader) readHeader() error {
	for {
		if c.r == c.w {
			if c.eof {
				return c.srcErr // empty input: no columns, no rows
			}
			if err := c.fill(); err != nil {
				return err
			}
			continue
		}
		switch c.parse() {
		case psMore:
			if err := c.fill(); err != nil {
				return err
			}
		case psRecord:
			line, rec := c.consume()
			if c.blank() {
				continue
			}
			if len(rec) > c.maxRow {
				return fmt.Errorf("csv header on line %d: longer than %d bytes", line, c.maxRow)
			}
			// Names that are not UTF-8 are repaired like fields; U+FFFD stands in
			// for what cannot be read, as a header has no reject to go to.
			c.clean()
			c.header = headerNames(c.slice())
			return nil
		case psUnterminated:
			return fmt.Errorf("csv header on line %d: a quote in field %d never closes", c.line, c.openField)
		case psSkipField, psRowTooLarge:
			return fmt.Errorf("csv header on line %d: longer than %d bytes", c.line, min(c.maxField, c.maxRow))
		}
	}
}

// skipSepLine skips the line "sep=;" that Excel writes before the header in
// locales whose list separator is not a comma, and honours when reading; some
// tools re-save it quoted. It returns the delimiter the line names, or 0 when
// the first line is no such hint. The window holds the first sniffLen bytes,
// so a line this short is whole in it.
func (c *CSVReader) skipSepLine() byte {
	b := c.buf[c.r:c.w]
	i := 0
	if len(b) > 0 && b[0] == '"' {
		i = 1
	}
	if len(b) < i+5 || !bytes.EqualFold(b[i:i+4], []byte("sep=")) || !sepHintDelimiter(b[i+4]) {
		return 0
	}
	d := b[i+4]
	i += 5
	if b[0] == '"' {
		if i == len(b) || b[i] != '"' {
			return 0
		}
		i++
	}
	switch {
	case i == len(b) && c.eof:
	case i < len(b) && b[i] == '\n':
		i++
	case i < len(b) && b[i] == '\r':
		i++
		if i < len(b) && b[i] == '\n' {
			i++
		}
	default:
		return 0
	}
	c.r += i
	c.line++
	return d
}

// sepHintDelimiter reports whether d may be named by a "sep=" line: a tab or
// ASCII punctuation other than the quote, never a letter or digit, which
// would rather make "sep=x" a one-column header.
func sepHintDelimiter(d byte) bool {
	switch {
	case d == '\t':
		return true
	case d == '"' || d <= ' ' || d >= 0x7f:
		return false
	case 'a' <= d && d <= 'z', 'A' <= d && d <= 'Z', '0' <= d && d <= '9':
		return false
	}
	return true
}

// headerNames trims the raw names, drops the empty column a trailing
// delimiter makes, names empty columns "column_<n>" and suffixes repeats
// "_2", "_3", ... avoiding names that already appear.
func headerNames(raw []string) []string {
	names := make([]string, len(raw))
	for i, s := range raw {
		if i == 0 {
			s = strings.TrimPrefix(s, "\uFEFF")
		}
		names[i] = strings.TrimSpace(s)
	}
	if n := len(names); n > 1 && names[n-1] == "" {
		names = names[:n-1]
	}
	taken := make(map[string]bool, len(names))
	for i, s := range names {
		if s == "" {
			names[i] = "column_" + strconv.Itoa(i+1)
		}
		taken[names[i]] = true
	}
	seen := make(map[string]bool, len(names))
	for i, s := range names {
		if !seen[s] {
			seen[s] = true
			continue
		}
		for k := 2; ; k++ {
			alt := s + "_" + strconv.Itoa(k)
			if !taken[alt] {
				names[i] = alt
				taken[alt], seen[alt] = true, true
				break
			}
		}
	}
	return names
}

// sniffDelimiters are the candidates, in order of preference on a tie.
var sniffDelimiters = [...]byte{',', ';', '\t', '|'}

// sniffRecords is how many records the delimiter sniff looks at.
const sniffRecords = 50

// sniffDelimiter picks the candidate that splits the header into more than one
// field and the most sampled records into as many fields as the header, then
// the one giving more fields. Messy files have ragged rows, so it asks for a
// majority, not unanimity. Without any candidate it falls back to ','.
func sniffDelimiter(sample []byte, atEOF bool) byte {
	best, bestAgree, bestRecs, bestCols := byte(','), 0, 1, 1
	for _, d := range sniffDelimiters {
		counts := fieldCounts(sample, d, atEOF)
		if len(counts) == 0 || counts[0] < 2 {
			continue
		}
		agree := 0
		for _, n := range counts {
			if n == counts[0] || n == counts[0]+1 || n == counts[0]-1 && counts[0] > 2 {
				// Off by one is a trailing delimiter on the header or the rows.
				if n == counts[0] {
					agree += 2
				} else {
					agree++
				}
			}
		}
		// Compare agree/len(counts) as fractions without division.
		lhs, rhs := agree*bestRecs, bestAgree*len(counts)
		if lhs > rhs || lhs == rhs && counts[0] > bestCols {
			best, bestAgree, bestRecs, bestCols = d, agree, len(counts), counts[0]
		}
	}
	return best
}

// fieldCounts returns the number of fields of each of the first records of
// sample split by d, following the parser's quoting rules. A record cut by
// the end of the sample is left out unless the sample is the whole stream.
func fieldCounts(sample []byte, d byte, atEOF bool) []int {
	var counts []int
	n, fieldStart, empty, inQuote := 1, true, true, false
	for i := 0; i < len(sample); i++ {
		ch := sample[i]
		if inQuote {
			if ch != '"' {
				continue
			}
			switch next := byte(0); {
			case i+1 < len(sample):
				next = sample[i+1]
				if next == '"' {
					i++
				} else if next == d || next == '\r' || next == '\n' {
					inQuote = false
				}
			default:
				inQuote = false
			}
			continue
		}
		switch {
		case ch == '"' && fieldStart:
			inQuote, fieldStart, empty = true, false, false
		case ch == d:
			n, fieldStart, empty = n+1, true, false
		case ch == '\r' || ch == '\n':
			if !empty {
				if counts = append(counts, n); len(counts) == sniffRecords {
					return counts
				}
			}
			n, fieldStart, empty = 1, true, true
		case ch != ' ' && ch != '\t':
			fieldStart, empty = false, false
		default:
			fieldStart = false
		}
	}
	if atEOF && !empty && !inQuote {
		counts = append(counts, n)
	}
	return counts
}
