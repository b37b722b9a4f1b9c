package readers

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

func gz(t testing.TB, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecompress_SniffsGzipByContent(t *testing.T) {
	member1, member2 := gz(t, "email\nann@acme.com\n"), gz(t, "bob@globex.com\n")
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"plain text passes through", []byte("email\nann@acme.com\n"), "email\nann@acme.com\n"},
		{"gzip is inflated", member1, "email\nann@acme.com\n"},
		{"multi-member gzip is read to the end", append(append([]byte{}, member1...), member2...), "email\nann@acme.com\nbob@globex.com\n"},
		{"empty input", nil, ""},
		{"one byte", []byte{0x1f}, "\x1f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Decompress(bytes.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDecompress_BrokenGzipIsAnError(t *testing.T) {
	full := gz(t, strings.Repeat("ann@acme.com,Ann,Lee\n", 1000))
	if _, err := Decompress(bytes.NewReader([]byte{0x1f, 0x8b, 0x00, 0x01})); err == nil {
		t.Error("bad gzip header: no error")
	}
	r, err := Decompress(bytes.NewReader(full[:len(full)/2]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(r); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated gzip: err = %v, want unexpected EOF", err)
	}
}

func TestDecodeText_Encodings(t *testing.T) {
	utf16le := func(s string) []byte {
		b, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().Bytes([]byte(s))
		return b
	}
	utf16be := func(s string) []byte {
		b, _ := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewEncoder().Bytes([]byte(s))
		return b
	}
	cp1252 := func(s string) []byte {
		b, _ := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
		return b
	}
	const text = "name,city\nZoë “Z”,Köln €\n"
	// A valid two-byte rune straddling the 64 KiB sniff boundary.
	straddle := strings.Repeat("a", sniffLen-1) + "é,x\n"
	tests := []struct {
		name, enc string
		in        []byte
		wantEnc   string
		want      string
	}{
		{"utf-8 sniffed", "", []byte(text), "utf-8", text},
		{"utf-8 BOM stripped", "auto", append([]byte{0xEF, 0xBB, 0xBF}, text...), "utf-8", text},
		{"utf-16le BOM", "", append([]byte{0xFF, 0xFE}, utf16le(text)...), "utf-16le", text},
		{"utf-16be BOM", "", append([]byte{0xFE, 0xFF}, utf16be(text)...), "utf-16be", text},
		{"utf-16le without BOM sniffed from NULs", "", utf16le("email,name\nann@acme.com,Ann\n"), "utf-16le", "email,name\nann@acme.com,Ann\n"},
		{"windows-1252 sniffed", "", cp1252(text), "windows-1252", text},
		{"mostly utf-8 with a cp1252 row stays utf-8", "", append([]byte("name\nZoë\nKöln\n"), cp1252("Montréal\n")...), "utf-8", "name\nZoë\nKöln\nMontr\xe9al\n"},
		{"rune cut by the sniff window is still utf-8", "", []byte(straddle), "utf-8", straddle},
		{"empty", "", nil, "utf-8", ""},
		{"explicit utf-8 strips its BOM", "UTF-8", append([]byte{0xEF, 0xBB, 0xBF}, text...), "utf-8", text},
		{"explicit utf-16 without BOM is little-endian", "utf-16", utf16le(text), "utf-16le", text},
		{"explicit utf-16 follows a big-endian BOM", "utf16", append([]byte{0xFE, 0xFF}, utf16be(text)...), "utf-16be", text},
		{"explicit utf-16be", "utf-16be", utf16be(text), "utf-16be", text},
		{"explicit utf-16le strips its BOM", "utf-16le", append([]byte{0xFF, 0xFE}, utf16le(text)...), "utf-16le", text},
		{"latin-1 reads as windows-1252", "latin-1", cp1252(text), "windows-1252", text},
		{"iso-8859-1", "ISO-8859-1", []byte("Montr\xe9al"), "windows-1252", "Montréal"},
		{"explicit cp1252 wins over valid utf-8", "windows-1252", []byte("Zoë"), "windows-1252", "ZoÃ«"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, enc, err := DecodeText(bytes.NewReader(tt.in), tt.enc)
			if err != nil {
				t.Fatal(err)
			}
			if enc != tt.wantEnc {
				t.Errorf("encoding = %q, want %q", enc, tt.wantEnc)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("text = %.80q, want %.80q", got, tt.want)
			}
		})
	}
}

func TestDecodeText_UnknownEncodingNamesTheValue(t *testing.T) {
	_, _, err := DecodeText(strings.NewReader("x"), "ebcdic")
	if err == nil || !strings.Contains(err.Error(), `"ebcdic"`) {
		t.Errorf("err = %v, want it to name \"ebcdic\"", err)
	}
}

// UTF-8 input must come back through a plain buffered reader, not a
// transformer: that is the hot path of every extract.
func TestDecodeText_UTF8IsNotTransformed(t *testing.T) {
	r, _, err := DecodeText(strings.NewReader("a,b\n1,2\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.(*bufio.Reader); !ok {
		t.Errorf("reader is %T, want *bufio.Reader", r)
	}
	if _, ok := r.(*transform.Reader); ok {
		t.Error("UTF-8 goes through a transformer")
	}
}

func TestAppendRepairedCP1252(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"accented letter", "Montr\xe9al", "Montréal", true},
		{"curly quotes and euro", "\x93hi\x94 \x80", "“hi” €", true},
		{"valid UTF-8 beside cp1252 survives", "Zoë M\xfcller", "Zoë Müller", true},
		{"undefined byte", "bad\x81byte", "bad\uFFFDbyte", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := appendRepairedCP1252(nil, []byte(tt.in))
			if string(got) != tt.want || ok != tt.ok {
				t.Errorf("got %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// The hand-written table must agree with x/text's windows-1252 for every
// byte that is not valid UTF-8 on its own.
func TestAppendRepairedCP1252_MatchesCharmap(t *testing.T) {
	undefined := 0
	for b := 0x80; b <= 0xFF; b++ {
		got, ok := appendRepairedCP1252(nil, []byte{byte(b)})
		want := string(charmap.Windows1252.DecodeByte(byte(b)))
		if !ok {
			undefined++ // x/text maps these to C1 controls
			continue
		}
		if string(got) != want {
			t.Errorf("byte %#x: got %q, want %q", b, got, want)
		}
	}
	if undefined != 5 {
		t.Errorf("%d undefined bytes, want 5 (0x81 0x8d 0x8f 0x90 0x9d)", undefined)
	}
}

func BenchmarkDecodeText(b *testing.B) {
	data := contactsCSV(50000)
	buf := make([]byte, csvWindow)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r, _, err := DecodeText(bytes.NewReader(data), "auto")
		if err != nil {
			b.Fatal(err)
		}
		// Read the way the CSV reader does, in window-sized chunks.
		for {
			_, err := r.Read(buf)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// Every kept field is valid UTF-8 on its own, as Arrow and Parquet strings
// must be, even where the joined bytes of the row happen to be valid.
func TestCSVReader_RepairsInvalidUTF8FieldByField(t *testing.T) {
	tests := []struct {
		name, in string
		header   []string
		rows     []gotRow
	}{
		{"last row without a final newline", "\ufeffa,b\n0\xe4,\xbb\xbf", []string{"a", "b"}, []gotRow{
			withIssues(good(2, "0ä", "»¿"), "encoding_repaired"),
		}},
		{"row with a final newline", "\ufeffa,b\n0\xe4,\xbb\xbf\n1,2\n", []string{"a", "b"}, []gotRow{
			withIssues(good(2, "0ä", "»¿"), "encoding_repaired"),
			good(3, "1", "2"),
		}},
		{"rune split over three fields", "\ufeffa,b,c\n\xf0,\x9f\x98,\x80\n", []string{"a", "b", "c"}, []gotRow{
			withIssues(good(2, "ð", "Ÿ˜", "€"), "encoding_repaired"),
		}},
		{"quoted fields", "\ufeffa,b\n\"x\xc3\",\"\xa9y\"\n", []string{"a", "b"}, []gotRow{
			withIssues(good(2, "xÃ", "©y"), "encoding_repaired"),
		}},
		{"empty field between the halves", "\ufeffa,b,c\nx\xc3,,\xa9y\n", []string{"a", "b", "c"}, []gotRow{
			withIssues(good(2, "xÃ", "", "©y"), "encoding_repaired"),
		}},
		{"header names", "\ufeffn\xe4,\xbb\xbf\n1,2\n", []string{"nä", "»¿"}, []gotRow{
			good(2, "1", "2"),
		}},
		{"valid multi-byte fields untouched", "a,b\nZoë,😀\n", []string{"a", "b"}, []gotRow{
			good(2, "Zoë", "😀"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readText(t, tt.in, CSVOptions{})
			if !reflect.DeepEqual(got.Header, tt.header) {
				t.Errorf("header = %q, want %q", got.Header, tt.header)
			}
			if !reflect.DeepEqual(got.Rows, tt.rows) {
				t.Errorf("rows:\n got  %v\n want %v", got.Rows, tt.rows)
			}
			for _, r := range got.Rows {
				for _, f := range r.Fields {
					if !utf8.ValidString(f) {
						t.Errorf("line %d: field %q is not UTF-8", r.Line, f)
					}
				}
			}
		})
	}
}
