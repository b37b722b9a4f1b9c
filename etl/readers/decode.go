package readers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffLen is how much of a stream DecodeText inspects before choosing an encoding.
const sniffLen = 64 << 10

// Decompress returns r, transparently gunzipped when the stream starts with the
// gzip magic. The content is sniffed rather than trusted from a file name
// because sources mislabel objects both ways. Concatenated gzip members (what
// `cat a.gz b.gz` and parallel compressors produce) are read as one stream.
func Decompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("decompress: sniff gzip magic: %w", err)
	}
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return br, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("decompress: gzip header: %w", err)
	}
	zr.Multistream(true)
	return zr, nil
}

// DecodeText converts a byte stream to UTF-8. enc "" or "auto" sniffs: a UTF-8
// BOM is stripped, a UTF-16LE/BE BOM selects that decoding; without a BOM the
// stream is UTF-8 when its first 64 KiB are valid UTF-8, UTF-16 when they look
// like ASCII interleaved with NULs, else windows-1252 unless they are mostly
// UTF-8 (see mostlyUTF8). Explicit names:
// "utf-8", "utf-16" (BOM decides, little-endian without one), "utf-16le",
// "utf-16be", "windows-1252"/"cp1252", and "latin-1"/"iso-8859-1", which decode
// as windows-1252 like browsers do (it is a superset whose extra characters,
// curly quotes and the euro sign, are what such files really contain), so the
// returned name is then "windows-1252". It returns the name of the encoding used.
//
// A UTF-8 result replays the sniffed prefix and then reads r directly, with no
// transformer in the way, because that is the common case and the hot path.
func DecodeText(r io.Reader, enc string) (io.Reader, string, error) {
	name, ok := canonicalEncoding(enc)
	if !ok {
		return nil, "", fmt.Errorf("decode text: unknown encoding %q (want auto, utf-8, utf-16, utf-16le, utf-16be, windows-1252, latin-1)", enc)
	}
	br := bufio.NewReaderSize(r, sniffLen)
	prefix, err := br.Peek(sniffLen)
	// Another error (a cut gzip stream) comes back from the reader after
	// the bytes before it, so that those can still be read.
	atEOF := errors.Is(err, io.EOF)
	bom := bomOf(prefix)
	if name == "auto" {
		name = sniffEncoding(prefix, bom, atEOF)
	}
	if name == "utf-16" {
		name = "utf-16le"
		if bom == "utf-16be" {
			name = "utf-16be"
		}
	}
	if bom == name {
		// The BOM matches the encoding in use, so it is a marker, not text.
		if _, err := br.Discard(bomLen(bom)); err != nil {
			return nil, "", fmt.Errorf("decode text: skip BOM: %w", err)
		}
	}
	switch name {
	case "utf-8":
		return br, name, nil
	case "utf-16le":
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()), name, nil
	case "utf-16be":
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()), name, nil
	default:
		return transform.NewReader(br, charmap.Windows1252.NewDecoder()), "windows-1252", nil
	}
}

// canonicalEncoding maps the names a config may use to the ones DecodeText switches on.
func canonicalEncoding(enc string) (string, bool) {
	switch strings.ReplaceAll(strings.ToLower(strings.TrimSpace(enc)), "_", "-") {
	case "", "auto":
		return "auto", true
	case "utf-8", "utf8":
		return "utf-8", true
	case "utf-16", "utf16":
		return "utf-16", true
	case "utf-16le", "utf16le":
		return "utf-16le", true
	case "utf-16be", "utf16be":
		return "utf-16be", true
	case "windows-1252", "cp1252", "latin-1", "latin1", "iso-8859-1", "iso8859-1":
		return "windows-1252", true
	}
	return "", false
}

func bomOf(p []byte) string {
	switch {
	case len(p) >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF:
		return "utf-8"
	case len(p) >= 2 && p[0] == 0xFF && p[1] == 0xFE:
		return "utf-16le"
	case len(p) >= 2 && p[0] == 0xFE && p[1] == 0xFF:
		return "utf-16be"
	}
	return ""
}

func bomLen(bom string) int {
	if bom == "utf-8" {
		return 3
	}
	return 2
}

// sniffEncoding guesses the encoding of a stream from its first bytes.
func sniffEncoding(p []byte, bom string, atEOF bool) string {
	if bom != "" {
		return bom
	}
	if utf16 := sniffUTF16(p); utf16 != "" {
		return utf16
	}
	if validUTF8Prefix(p, atEOF) || mostlyUTF8(p) {
		return "utf-8"
	}
	return "windows-1252"
}

// mostlyUTF8 reports whether p holds more valid multi-byte UTF-8 sequences
// than invalid bytes: a UTF-8 file with windows-1252 rows pasted in, which
// the CSV reader repairs row by row. Real windows-1252 text almost never forms
// valid UTF-8 sequences (that takes a letter like "Ã" before a symbol like "©").
func mostlyUTF8(p []byte) bool {
	valid, invalid := 0, 0
	for i := 0; i < len(p); {
		if p[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 {
			invalid++
		} else {
			valid++
		}
		i += size
	}
	return valid > 0 && valid >= invalid
}

// sniffUTF16 recognises BOM-less UTF-16 of mostly ASCII text (what some
// "Unicode text" exports write): a NUL in every other byte and never in the
// others. Valid UTF-8 by accident, it would otherwise reach the CSV parser as
// text full of NULs.
func sniffUTF16(p []byte) string {
	pairs := len(p) / 2
	if pairs < 2 {
		return ""
	}
	var even, odd int
	for i := 0; i+1 < len(p); i += 2 {
		if p[i] == 0 {
			even++
		}
		if p[i+1] == 0 {
			odd++
		}
	}
	switch {
	case even == 0 && odd*10 >= pairs*4:
		return "utf-16le"
	case odd == 0 && even*10 >= pairs*4:
		return "utf-16be"
	}
	return ""
}

// validUTF8Prefix reports whether p is valid UTF-8, forgiving a multi-byte
// rune cut by the end of the sniff window when more of the stream follows.
func validUTF8Prefix(p []byte, atEOF bool) bool {
	if !atEOF {
		for k := len(p) - 1; k >= 0 && k >= len(p)-utf8.UTFMax+1; k-- {
			if utf8.RuneStart(p[k]) {
				if !utf8.FullRune(p[k:]) {
					p = p[:k]
				}
				break
			}
		}
	}
	return utf8.Valid(p)
}

// cp1252High maps windows-1252 bytes 0x80..0x9F; 0 marks the five bytes the
// code page leaves undefined. Bytes 0xA0..0xFF equal their Unicode code point.
var cp1252High = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

// appendRepairedCP1252 appends f to dst as UTF-8, keeping its valid UTF-8
// sequences and decoding each invalid byte as windows-1252: a field that mixes
// both (a cp1252 export pasted into a UTF-8 file) keeps every character. ok is
// false when a byte is undefined in windows-1252 too; it becomes U+FFFD.
func appendRepairedCP1252(dst, f []byte) (out []byte, ok bool) {
	ok = true
	for len(f) > 0 {
		r, size := utf8.DecodeRune(f)
		if r != utf8.RuneError || size != 1 {
			dst = append(dst, f[:size]...)
			f = f[size:]
			continue
		}
		b := f[0]
		f = f[1:]
		switch {
		case b >= 0xA0:
			r = rune(b)
		case b >= 0x80 && cp1252High[b-0x80] != 0:
			r = cp1252High[b-0x80]
		default:
			r = utf8.RuneError
			ok = false
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst, ok
}

// clean strips NUL bytes and repairs invalid UTF-8 field by field: every
// field must be valid on its own, and the joined row may be valid where its
// fields are not (a rune's bytes split over two fields). bad is
// the 0-based field holding a byte neither UTF-8 nor windows-1252 can read, or -1.
func (c *CSVReader) clean() (nul, repaired bool, bad int) {
	bad = -1
	if len(c.ends) == 0 {
		return false, false, -1
	}
	sc := c.scratch[:c.ends[len(c.ends)-1]]
	if bytes.IndexByte(sc, 0) >= 0 {
		nul = true
		w, start := 0, 0
		for i, end := range c.ends {
			for _, ch := range sc[start:end] {
				if ch != 0 {
					sc[w] = ch
					w++
				}
			}
			start, c.ends[i] = end, w
		}
		sc = sc[:w]
	}
	if utf8.Valid(sc) && !splitsRune(sc, c.ends) {
		return nul, false, -1
	}
	c.fix = c.fix[:0]
	start := 0
	for i, end := range c.ends {
		f := sc[start:end]
		if utf8.Valid(f) {
			c.fix = append(c.fix, f...)
		} else {
			var ok bool
			c.fix, ok = appendRepairedCP1252(c.fix, f)
			if !ok && bad < 0 {
				bad = i
			}
		}
		start, c.ends[i] = end, len(c.fix)
	}
	c.scratch, c.fix = c.fix, c.scratch
	return nul, true, bad
}

// splitsRune reports whether a field boundary of sc, valid UTF-8, falls
// inside a rune. Only then may a field be invalid on its own.
func splitsRune(sc []byte, ends []int) bool {
	for _, e := range ends {
		if e < len(sc) && !utf8.RuneStart(sc[e]) {
			return true
		}
	}
	return false
}
