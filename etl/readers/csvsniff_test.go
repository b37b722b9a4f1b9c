package readers

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func TestSniffHeader_ReadsOnlyTheStart(t *testing.T) {
	boom := errors.New("read past the sniff window")
	var head bytes.Buffer
	head.WriteString(" Email ;Name;;Email\n")
	for head.Len() < sniffWindow {
		head.WriteString("ann@acme.com;Ann;x;y\n")
	}
	header, delim, err := SniffHeader(io.MultiReader(&head, iotest.ErrReader(boom)), CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Email", "Name", "column_3", "Email_2"}; !reflect.DeepEqual(header, want) || delim != ';' {
		t.Errorf("SniffHeader = %q, %q; want %q, ';'", header, delim, want)
	}
}

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		name, sample string
		want         byte
	}{
		{"comma", "a,b,c\n1,2,3\n", ','},
		{"semicolon with decimal commas", "a;b;c\n1,5;2,0;3\n4;5,25;6\n", ';'},
		{"tab with commas in values", "a\tb\tc\nSmith, J\tx\ty\n", '\t'},
		{"pipe", "a|b\n1|2\n", '|'},
		{"quoted delimiters do not count", "a,b\n\"x;y;z\",1\n\"p;q;r\",2\n", ','},
		{"ragged rows: the majority wins", "a;b;c;d\n1;2;3;4\n1;2\n1;2;3;4\n1,2,3,4;5;6;7\n", ';'},
		{"trailing delimiter on the header", "a,b,c,\n1,2,3\n4,5,6\n", ','},
		{"one column falls back to comma", "email\nann@acme.com\n", ','},
		{"empty", "", ','},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sniffDelimiter([]byte(tt.sample), true); got != tt.want {
				t.Errorf("sniffDelimiter = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHeaderNames(t *testing.T) {
	tests := []struct {
		name    string
		in, out []string
	}{
		{"trimmed", []string{" a ", "\tb"}, []string{"a", "b"}},
		{"BOM left by a caller", []string{"\uFEFFemail", "x"}, []string{"email", "x"}},
		{"empty names numbered by position", []string{"a", "", " ", "d"}, []string{"a", "column_2", "column_3", "d"}},
		{"trailing delimiter drops the last empty", []string{"a", "b", ""}, []string{"a", "b"}},
		{"repeats suffixed", []string{"a", "a", "a"}, []string{"a", "a_2", "a_3"}},
		{"suffix avoids an existing name", []string{"a", "a", "a_2"}, []string{"a", "a_3", "a_2"}},
		{"generated name already taken", []string{"column_2", "", "x"}, []string{"column_2", "column_2_2", "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := headerNames(tt.in); !reflect.DeepEqual(got, tt.out) {
				t.Errorf("headerNames(%q) = %q, want %q", tt.in, got, tt.out)
			}
		})
	}
}

// Excel writes, and reads, a first line "sep=;" naming the delimiter. It is
// not the header, but it is line 1.
func TestCSVReader_ExcelSepLine(t *testing.T) {
	tests := []struct {
		name, in string
		o        CSVOptions
		delim    byte
		header   []string
		rows     []gotRow
	}{
		{"semicolon", "sep=;\na;b\n1;2\n", CSVOptions{}, ';', []string{"a", "b"}, []gotRow{good(3, "1", "2")}},
		{"comma with CRLF", "sep=,\r\na,b\r\n1,2\r\n", CSVOptions{}, ',', []string{"a", "b"}, []gotRow{good(3, "1", "2")}},
		{"tab", "sep=\t\na\tb\n1\t2\n", CSVOptions{}, '\t', []string{"a", "b"}, []gotRow{good(3, "1", "2")}},
		{"pipe", "sep=|\na|b\n1|2\n", CSVOptions{}, '|', []string{"a", "b"}, []gotRow{good(3, "1", "2")}},
		{"after a BOM", "\ufeffsep=;\na;b\n1;2\n", CSVOptions{}, ';', []string{"a", "b"}, []gotRow{good(3, "1", "2")}},
		{"lone CR", "sep=;\ra;b\r1;2\r", CSVOptions{}, ';', []string{"a", "b"}, []gotRow{good(3, "1", "2")}},
		{"upper case", "SEP=;\na;b\n1;2\n", CSVOptions{}, ';', []string{"a", "b"}, []gotRow{good(3, "1", "2")}},
		{"quoted by a tool that re-saved it", "\"sep=,\"\na,b\n1,2\n", CSVOptions{}, ',', []string{"a", "b"}, []gotRow{good(3, "1", "2")}},
		{"overrides the sniff", "sep=;\na,b;c\n1,5;2\n3,0;4\n", CSVOptions{}, ';', []string{"a,b", "c"}, []gotRow{
			good(3, "1,5", "2"), good(4, "3,0", "4"),
		}},
		{"a configured delimiter wins, the line is still skipped", "sep=;\na,b\n1,2\n", CSVOptions{Delimiter: ','}, ',', []string{"a", "b"}, []gotRow{
			good(3, "1", "2"),
		}},
		{"blank lines before the header", "sep=;\n\na;b\n1;2\n", CSVOptions{}, ';', []string{"a", "b"}, []gotRow{good(4, "1", "2")}},
		{"no header after it", "sep=;\n", CSVOptions{}, ';', nil, nil},
		{"no line end after it", "sep=;", CSVOptions{}, ';', nil, nil},
		{"only on the first line", "a;b\nsep=;\n1;2\n", CSVOptions{}, ';', []string{"a", "b"}, []gotRow{
			good(2, "sep=", ""), good(3, "1", "2"),
		}},
		{"more after it: a header", "sep=;x;y\n1;2;3\n", CSVOptions{}, ';', []string{"sep=", "x", "y"}, []gotRow{good(2, "1", "2", "3")}},
		{"a letter is no delimiter", "sep=x\n1\n", CSVOptions{}, ',', []string{"sep=x"}, []gotRow{good(2, "1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readText(t, tt.in, tt.o)
			if got.Delim != tt.delim {
				t.Errorf("delimiter = %q, want %q", got.Delim, tt.delim)
			}
			if len(got.Header) != len(tt.header) || len(tt.header) > 0 && !reflect.DeepEqual(got.Header, tt.header) {
				t.Errorf("header = %q, want %q", got.Header, tt.header)
			}
			if !reflect.DeepEqual(got.Rows, tt.rows) {
				t.Errorf("rows:\n got  %v\n want %v", got.Rows, tt.rows)
			}
			header, delim, err := SniffHeader(strings.NewReader(tt.in), tt.o)
			if err != nil || delim != tt.delim || !reflect.DeepEqual(header, got.Header) {
				t.Errorf("SniffHeader = %q, %q, %v; want %q, %q", header, delim, err, got.Header, tt.delim)
			}
		})
	}
}
