package etl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CSVOptions tunes NewCSVReader. The zero value suits contact exports.
type CSVOptions struct {
	// Delimiter separates fields; 0 sniffs one of ',', ';', '\t', '|' from the
	// first lines, quote-aware, choosing the one that splits them consistently.
	Delimiter byte
	// MaxFieldBytes rejects a row with a longer field ("field_too_large");
	// 0 means 1 MiB. An unquoted field is measured and skipped without being
	// buffered; a quoted one is buffered up to MaxRowBytes, because if its
	// quote never closes the reader resynchronises on the bytes it ran over.
	MaxFieldBytes int
	// MaxRowBytes rejects a longer row ("row_too_large"); 0 means 8 MiB. It also
	// bounds how far a quoted field may run before it counts as unterminated,
	// and so the reader's memory.
	MaxRowBytes int
}

// CSVRow is one record of a CSV stream: a good row or a reject.
type CSVRow struct {
	// Fields are valid until the next Read; len(Fields) == len(Header()) when
	// Reject is empty, nil otherwise.
	Fields []string
	// Line is the 1-based physical line the row starts on (the header is line 1).
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

// CSVReader streams records out of UTF-8 CSV text (see DecodeText), holding at
// most one row (bounded by MaxRowBytes) in memory.
type CSVReader struct {
	src      io.Reader
	buf      []byte // window onto the stream; unread bytes are buf[r:w]
	r, w     int
	eof      bool
	err      error
	maxWin   int
	maxField int
	maxRow   int
	delim    byte
	special  [256]bool // bytes that end an unquoted field
	header   []string
	line     int64 // physical line of buf[r]

	// Results of the last parse.
	scratch   []byte // field contents, unescaped, back to back
	ends      []int  // end offset of each field in scratch
	quotedAny bool
	stray     bool
	pn        int   // window bytes the record spans, terminator included
	plines    int   // line ends the record spans
	skipFrom  int   // window offset where skipLong starts
	skipField int   // 0-based index of the oversized field, -1 for a row too large
	growHint  int   // window size that suffices for the record being parsed, 0 if unknown
	mlOpen    int   // window offset of the first quote spanning lines, -1 if none
	mlField   int   // its 1-based field
	mlLines   int   // line ends before it
	mlClose   int   // window offset of its closing quote
	base      int64 // stream offset of buf[0]
	noClose   int64 // stream offset before which no quote opened from now on can close (see parse)
	jumped    bool  // the last parse skipped to noClose
	quoteCut  bool  // the last psRowTooLarge came from openQuote
	openField int   // 1-based field whose quote never closed
	openLine  int   // lines between the record start and that quote

	fix     []byte
	rawKeep []byte
	fields  []string
	issues  []string
	row     CSVRow
}

const (
	defaultMaxFieldBytes = 1 << 20
	defaultMaxRowBytes   = 8 << 20
	csvWindow            = 256 << 10
	csvWindowSlack       = 64 << 10
	maxRawBytes          = 64 << 10
)

type parseStatus int

const (
	psRecord       parseStatus = iota // a whole record is in scratch/ends
	psMore                            // the record runs past the window: read more
	psUnterminated                    // a quote never closes; pn covers the record up to its opening line
	psSkipField                       // an unquoted field outgrows MaxFieldBytes beyond the window
	psRowTooLarge                     // the record outgrows MaxRowBytes outside any quote
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// NewCSVReader reads the header, the first non-blank record, sniffing the
// delimiter first if o.Delimiter is 0. An empty input gives a reader with an
// empty Header whose Read returns io.EOF.
func NewCSVReader(r io.Reader, o CSVOptions) (*CSVReader, error) {
	return newCSVReader(r, o, csvWindow)
}

func newCSVReader(r io.Reader, o CSVOptions, window int) (*CSVReader, error) {
	c := &CSVReader{src: r, line: 1, maxField: o.MaxFieldBytes, maxRow: o.MaxRowBytes}
	if c.maxField <= 0 {
		c.maxField = defaultMaxFieldBytes
	}
	if c.maxRow <= 0 {
		c.maxRow = defaultMaxRowBytes
	}
	c.maxWin = c.maxRow + csvWindowSlack
	c.buf = make([]byte, min(window, c.maxWin))
	// The delimiter sniff must see the same sample however the stream arrives.
	for !c.eof && c.w-c.r < sniffLen {
		if err := c.fill(); err != nil {
			return nil, err
		}
	}
	if bytes.HasPrefix(c.buf[c.r:c.w], utf8BOM) {
		c.r += len(utf8BOM)
	}
	switch d := o.Delimiter; {
	case d == 0:
		c.delim = sniffDelimiter(c.buf[c.r:min(c.w, c.r+sniffLen)], c.eof)
	case d == '"' || d == '\r' || d == '\n' || d >= utf8.RuneSelf:
		return nil, fmt.Errorf("csv: delimiter %q cannot separate fields", d)
	default:
		c.delim = d
	}
	c.special[c.delim] = true
	c.special['\r'] = true
	c.special['\n'] = true
	if err := c.readHeader(); err != nil {
		return nil, err
	}
	return c, nil
}

// Header returns the column names: trimmed, empty ones named "column_<n>",
// repeated ones suffixed "_2", "_3", ...; a trailing delimiter adds no column.
func (c *CSVReader) Header() []string { return c.header }

// Delimiter returns the field delimiter in use, sniffed or configured.
func (c *CSVReader) Delimiter() byte { return c.delim }

// Read returns the next row, skipping blank lines, or io.EOF after the last.
// A row that cannot be read comes back with Reject set; an error means the
// underlying reader failed, and repeats on every later call.
func (c *CSVReader) Read() (*CSVRow, error) {
	if c.err != nil {
		return nil, c.err
	}
	for {
		if c.r == c.w {
			if c.eof {
				return nil, io.EOF
			}
			if err := c.fill(); err != nil {
				return nil, err
			}
			continue
		}
		st := c.parse()
		resync := st == psRecord && c.mlOpen >= 0 && (c.fieldCount() != len(c.header) || c.swallowedRecord())
		if c.jumped && !resync && st != psMore && st != psUnterminated && !(st == psRowTooLarge && c.quoteCut) {
			// The skip lost content and line counts this outcome needs: parse again in full.
			c.noClose = 0
			continue
		}
		switch st {
		case psMore:
			if err := c.fill(); err != nil {
				return nil, err
			}
		case psRecord:
			if resync {
				// A quote that ran over line ends into a ragged row, or over a
				// whole record, was a stray quote, not a multi-line field: reject
				// its line and resync after it.
				detail := " closes on a later line in a row of " + strconv.Itoa(c.fieldCount()) +
					" fields, header has " + strconv.Itoa(len(c.header))
				if c.fieldCount() == len(c.header) {
					detail = " swallows a whole record on a later line"
				}
				c.openField, c.openLine = c.mlField, c.mlLines
				c.noClose = max(c.noClose, c.base+int64(c.r+c.mlClose))
				c.cutAtLine(c.mlOpen, c.mlLines)
				return c.unterminated(detail), nil
			}
			line, rec := c.consume()
			if c.blank() {
				continue
			}
			return c.finish(line, rec), nil
		case psUnterminated:
			return c.unterminated(" never closes"), nil
		case psSkipField, psRowTooLarge:
			return c.skipLong()
		}
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

// consume advances past the record the last parse found.
func (c *CSVReader) consume() (line int64, rec []byte) {
	line, rec = c.line, c.buf[c.r:c.r+c.pn]
	c.r += c.pn
	c.line += int64(c.plines)
	return line, rec
}

// fill moves the unread bytes to the front of the window, grows the window
// when a record fills it, and reads until the window is full or the stream
// ends. Filling completely makes re-parsing a record after a refill cost
// amortised linear time.
func (c *CSVReader) fill() error {
	if c.err != nil {
		return c.err
	}
	if c.eof {
		return nil
	}
	if c.r > 0 {
		c.base += int64(c.r)
		c.w = copy(c.buf, c.buf[c.r:c.w])
		c.r = 0
	}
	if c.w == len(c.buf) {
		if len(c.buf) >= c.maxWin {
			return errors.New("csv: internal error: record window full")
		}
		n := min(2*len(c.buf), c.maxWin)
		if c.growHint > len(c.buf) {
			n = min(n, c.growHint)
		}
		nb := make([]byte, n)
		copy(nb, c.buf[:c.w])
		c.buf = nb
	}
	for empty := 0; c.w < len(c.buf); {
		n, err := c.src.Read(c.buf[c.w:])
		c.w += n
		if errors.Is(err, io.EOF) {
			c.eof = true
			return nil
		}
		if err != nil {
			c.err = fmt.Errorf("read csv near line %d: %w", c.line, err)
			return c.err
		}
		if n > 0 {
			empty = 0
		} else if empty++; empty > 100 {
			c.err = fmt.Errorf("read csv near line %d: %w", c.line, io.ErrNoProgress)
			return c.err
		}
	}
	return nil
}

// parse splits the record at the start of the window into scratch/ends.
// It re-parses from the record start after every refill, which keeps the
// state machine simple; fill's doubling keeps that linear overall. It looks at
// no more than MaxRowBytes+1 bytes of a record, so its decisions do not depend
// on how the stream happens to arrive.
func (c *CSVReader) parse() parseStatus {
	b := c.buf[c.r:c.w]
	eof := c.eof
	if len(b) > c.maxRow+1 {
		b, eof = b[:c.maxRow+1], false
	}
	full := len(b) > c.maxRow
	d := c.delim
	sp := &c.special
	c.scratch, c.ends = c.scratch[:0], c.ends[:0]
	c.quotedAny, c.stray, c.growHint, c.mlOpen = false, false, 0, -1
	c.jumped, c.quoteCut = false, false
	lines, i := 0, 0
	for {
		if i < len(b) && b[i] == '"' {
			c.quotedAny = true
			open, openLines := i, lines
			i++
			// An earlier quote found no closing quote up to noClose. Every quote
			// run from here to there lay wholly inside that scan and paired the
			// same way, so this quote cannot close before it either: skip there,
			// or a file full of stray quotes would cost quadratic time.
			if h := c.noClose - c.base - int64(c.r); int64(i) < h && i < len(b) && b[i] != '"' {
				to := int(min(h, int64(len(b))))
				if indexLineEnd(b[i:to]) >= 0 {
					lines++ // enough to make it count as spanning lines
				}
				i, c.jumped = to, true
			}
		quoted:
			for {
				j := bytes.IndexByte(b[i:], '"')
				if j < 0 {
					return c.openQuote(b, open, openLines, len(b), eof || full)
				}
				seg := b[i : i+j]
				lines += countLines(seg)
				c.scratch = append(c.scratch, seg...)
				i += j + 1
				if i == len(b) {
					if !eof {
						return c.openQuote(b, open, openLines, i-1, full)
					}
					c.noteMultiline(open, openLines, lines, i-1)
					c.ends = append(c.ends, len(c.scratch))
					c.pn, c.plines = i, lines+1
					return psRecord
				}
				switch b[i] {
				case '"':
					c.scratch = append(c.scratch, '"')
					i++
				case d:
					c.noteMultiline(open, openLines, lines, i-1)
					c.ends = append(c.ends, len(c.scratch))
					i++
					break quoted
				case '\r', '\n':
					c.noteMultiline(open, openLines, lines, i-1)
					c.ends = append(c.ends, len(c.scratch))
					return c.endRecord(i, lines)
				default:
					// Lazy quotes: `"Bob "Bo" Smith"` means the inner quotes literally.
					c.scratch = append(c.scratch, '"')
					c.stray = true
				}
			}
			continue
		}
		start := i
		for i < len(b) && !sp[b[i]] {
			i++
		}
		if i-start > c.maxField {
			c.skipFrom, c.skipField, c.plines = start, len(c.ends), lines
			return psSkipField
		}
		if i == len(b) {
			switch {
			case eof:
				c.scratch = append(c.scratch, b[start:i]...)
				c.ends = append(c.ends, len(c.scratch))
				c.pn, c.plines = i, lines+1
				return psRecord
			case full:
				c.skipFrom, c.skipField, c.plines = i, -1, lines
				return psRowTooLarge
			}
			// Enough window to tell whether this field is too large, and no more.
			c.growHint = start + c.maxField + 2
			return psMore
		}
		c.scratch = append(c.scratch, b[start:i]...)
		c.ends = append(c.ends, len(c.scratch))
		if b[i] == d {
			i++
			continue
		}
		return c.endRecord(i, lines)
	}
}

// swallowedRecord reports whether the first multi-line quoted field of the
// record parsed holds a line with as many delimiters as a record has: a stray
// quote that a later row's quoted field happened to close. Real multi-line
// values (addresses, notes) seldom have that many; narrow files are exempt as
// a note could.
func (c *CSVReader) swallowedRecord() bool {
	n := len(c.header)
	if n < 4 || c.mlField > len(c.ends) {
		return false
	}
	start := 0
	if c.mlField > 1 {
		start = c.ends[c.mlField-2]
	}
	f := c.scratch[start:c.ends[c.mlField-1]]
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

// noteMultiline remembers the first quoted field of a record that spans lines.
func (c *CSVReader) noteMultiline(open, openLines, lines, closing int) {
	if lines > openLines && c.mlOpen < 0 {
		c.mlOpen, c.mlField, c.mlLines, c.mlClose = open, len(c.ends)+1, openLines, closing
	}
}

// endRecord finishes a record whose line end starts at window offset c.r+i.
func (c *CSVReader) endRecord(i, lines int) parseStatus {
	b := c.buf[c.r:c.w]
	if b[i] == '\r' {
		if i+1 == len(b) && !c.eof {
			return psMore // a '\n' may follow in the next read
		}
		if i+1 < len(b) && b[i+1] == '\n' {
			i++
		}
	}
	c.pn, c.plines = i+1, lines+1
	return psRecord
}

// openQuote decides about a quoted field opened at b[open] whose closing quote
// is not in b: wait for more input, or, at EOF or MaxRowBytes, give up and
// resynchronise on the line after the opening one, so that one stray quote
// costs one row and not the rest of the file.
// scanned is how far the search for a closing quote got.
func (c *CSVReader) openQuote(b []byte, open, openLines, scanned int, final bool) parseStatus {
	if !final {
		return psMore
	}
	c.noClose = max(c.noClose, c.base+int64(c.r+scanned))
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
