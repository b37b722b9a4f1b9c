package readers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// CSVOptions tunes NewCSVReader. The zero value suits contact exports.
type CSVOptions struct {
	// Delimiter separates fields; 0 takes the one an Excel "sep=;" first line
	// names, else sniffs one of ',', ';', '\t', '|' from the first lines,
	// quote-aware, choosing the one that splits them consistently. A "sep="
	// line is skipped either way (it still counts as line 1).
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

// CSVReader streams records out of UTF-8 CSV text (see DecodeText), holding at
// most one row (bounded by MaxRowBytes) in memory.
type CSVReader struct {
	src      io.Reader
	buf      []byte // window onto the stream; unread bytes are buf[r:w]
	r, w     int
	eof      bool
	err      error
	srcErr   error // the source's failure, returned once the lines before it are read
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
	pn        int     // window bytes the record spans, terminator included
	plines    int     // line ends the record spans
	skipFrom  int     // window offset where skipLong starts
	skipField int     // 0-based index of the oversized field, -1 for a row too large
	growHint  int     // window size that suffices for the record being parsed, 0 if unknown
	ml        mlQuote // the first quoted field spanning lines
	mlStray   mlQuote // the first one holding a stray quote
	base      int64   // stream offset of buf[0]
	noClose   int64   // stream offset before which no quote opened from now on can close (see parse)
	lastStray int64   // stream offset of the last stray quote before noClose of the scan that set it, -1 if none
	jumped    bool    // the last parse skipped to noClose
	quoteCut  bool    // the last psRowTooLarge came from openQuote
	openField int     // 1-based field whose quote never closed
	openLine  int     // lines between the record start and that quote

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
	hint := c.skipSepLine()
	switch d := o.Delimiter; {
	case d == 0 && hint != 0:
		c.delim = hint
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
				if c.srcErr != nil {
					c.err = c.srcErr
					return nil, c.err
				}
				return nil, io.EOF
			}
			if err := c.fill(); err != nil {
				return nil, err
			}
			continue
		}
		st := c.parse()
		var bad *mlQuote // a stray quote's field to resync after, see strayQuote
		var detail string
		if st == psRecord && c.ml.open >= 0 {
			bad, detail = c.strayQuote()
		}
		resync := bad != nil
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
				return c.resync(bad, detail), nil
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
			c.breakAt(err)
			return nil
		}
		if n > 0 {
			empty = 0
		} else if empty++; empty > 100 {
			c.breakAt(io.ErrNoProgress)
			return nil
		}
	}
	return nil
}

// breakAt ends the stream where the source failed (a cut or corrupt
// gzip stream): the whole lines read so far are still parsed, the partial
// last one is dropped, and Read then returns the error instead of io.EOF,
// so that the rows before the break are not lost with the object.
func (c *CSVReader) breakAt(err error) {
	c.srcErr = fmt.Errorf("read csv near line %d: %w", c.line, err)
	c.eof = true
	c.w = c.r + bytes.LastIndexByte(c.buf[c.r:c.w], '\n') + 1
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
	c.quotedAny, c.stray, c.growHint = false, false, 0
	c.ml.open, c.mlStray.open = -1, -1
	c.jumped, c.quoteCut = false, false
	lines, i := 0, 0
	for {
		if i < len(b) && b[i] == '"' {
			c.quotedAny = true
			open, openLines, stray := i, lines, -1 // stray: window offset of its last stray quote
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
				// That scan's stray quotes past this one are this field's too.
				if c.lastStray > c.base+int64(c.r+open) {
					stray = int(c.lastStray-c.base) - c.r
				}
				i, c.jumped = to, true
			}
		quoted:
			for {
				j := bytes.IndexByte(b[i:], '"')
				if j < 0 {
					return c.openQuote(b, open, openLines, len(b), stray, eof || full)
				}
				seg := b[i : i+j]
				lines += countLines(seg)
				c.scratch = append(c.scratch, seg...)
				i += j + 1
				if i == len(b) {
					if !eof {
						return c.openQuote(b, open, openLines, i-1, stray, full)
					}
					c.noteMultiline(open, openLines, lines, i-1, stray)
					c.ends = append(c.ends, len(c.scratch))
					c.pn, c.plines = i, lines+1
					return psRecord
				}
				switch b[i] {
				case '"':
					c.scratch = append(c.scratch, '"')
					i++
				case d:
					c.noteMultiline(open, openLines, lines, i-1, stray)
					c.ends = append(c.ends, len(c.scratch))
					i++
					break quoted
				case '\r', '\n':
					c.noteMultiline(open, openLines, lines, i-1, stray)
					c.ends = append(c.ends, len(c.scratch))
					return c.endRecord(i, lines)
				default:
					// Lazy quotes: `"Bob "Bo" Smith"` means the inner quotes literally.
					c.scratch = append(c.scratch, '"')
					c.stray, stray = true, i-1
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
