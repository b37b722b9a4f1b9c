package profile

import (
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// maxShape bounds a shape's length; a longer one ends in "…". shapeInto's
// buffer holds it, the ellipsis and the rune before it.
const maxShape = 64

// Shape returns the pattern shape of an identifier value, the form its
// pattern metrics count:
//
//   - each digit becomes '9', so digit counts stay visible
//     ("+1 (415) 555-0100" -> "+9 (999) 999-9999", "94105" -> "99999");
//   - each run of lower-case letters becomes one 'a', each run of
//     upper-case letters one 'A' ("john.smith@acme.com" -> "a.a@a.a",
//     "John.Smith@Acme.COM" -> "Aa.Aa@Aa.A", "SW1A 1AA" -> "A9A 9A");
//   - every other character is kept as it is.
//
// Letter runs are collapsed because their lengths vary with every name and
// would spread emails over thousands of shapes; digit runs are not, because
// their lengths are what tells a phone number or a postcode from a typo.
// Non-ASCII letters and digits count as letters and digits (a letter
// without case as lower case). A shape longer than 64 bytes is cut and
// ends in "…".
func Shape(s string) string {
	var buf [256]byte
	return string(shapeInto(&buf, s))
}

// steps maps a byte to its shape symbol (bits 0-7) and to what it leaves
// as the previous symbol (bits 16-24): the symbol itself for a letter, so
// that a run of the same letter symbol collapses, and a value no symbol
// equals for anything else.
var steps = func() (t [256]uint32) {
	for c := range 256 {
		sym := uint32(c)
		switch {
		case c >= 'a' && c <= 'z':
			sym = 'a'
		case c >= 'A' && c <= 'Z':
			sym = 'A'
		case c >= '0' && c <= '9':
			sym = '9'
		}
		prev := sym | 0x100
		if sym == 'a' || sym == 'A' {
			prev = sym
		}
		t[c] = sym | prev<<16
	}
	return t
}()

// shapeInto writes the shape of s into buf and returns it; see Shape.
// Short ASCII values, nearly all of them, take a loop without branches: a
// branch on the class of each character mispredicts at every change of
// class. buf is the caller's so that it is not cleared on every call.
func shapeInto(buf *[256]byte, s string) []byte {
	if len(s) > maxShape {
		return appendShapeRunes(buf[:0], s)
	}
	var high byte
	w, prev := 0, uint32(0x1ff)
	tab, out := &steps, unsafe.Pointer(buf)
	for i := 0; i < len(s); i++ {
		c := s[i]
		high |= c
		st := tab[c]
		k := st & 0xffff
		// w < len(s) <= maxShape < len(buf): the write is in bounds.
		*(*byte)(unsafe.Add(out, w)) = byte(k)
		w += b2i(k != prev)
		prev = st >> 16
	}
	if high >= utf8.RuneSelf {
		return appendShapeRunes(buf[:0], s)
	}
	return buf[:w]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// appendShapeRunes is shapeInto for any value: it decodes runes and cuts
// long shapes.
func appendShapeRunes(dst []byte, s string) []byte {
	start := len(dst)
	var prev rune = -1
	for _, r := range s {
		var sym rune
		switch {
		case r < utf8.RuneSelf:
			sym = rune(steps[r] & 0xff)
		case unicode.IsUpper(r):
			sym = 'A'
		case unicode.IsLetter(r):
			sym = 'a'
		case unicode.IsDigit(r):
			sym = '9'
		default:
			sym = r
		}
		if (sym == 'a' || sym == 'A') && sym == prev {
			continue
		}
		prev = sym
		dst = utf8.AppendRune(dst, sym)
		if len(dst)-start >= maxShape {
			return append(dst, "…"...)
		}
	}
	return dst
}

// unsafeString views b as a string without copying; b must not change while
// the string is in use.
func unsafeString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
