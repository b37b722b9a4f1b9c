package readers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// gotRow is a CSVRow copied out of the reader, which reuses its buffers.
type gotRow struct {
	Line   int64
	Fields []string
	Reject string
	Raw    string
	Issues []string
}

func (g gotRow) String() string {
	if g.Reject != "" {
		return fmt.Sprintf("line %d REJECT %q raw=%q", g.Line, g.Reject, g.Raw)
	}
	return fmt.Sprintf("line %d %q issues=%q", g.Line, g.Fields, g.Issues)
}

type csvResult struct {
	Header []string
	Delim  byte
	Rows   []gotRow
}

// readCSV reads every row of decoded CSV text; window is the reader's initial
// window (0 for the default).
func readCSV(r io.Reader, o CSVOptions, window int) (csvResult, error) {
	if window == 0 {
		window = csvWindow
	}
	c, err := newCSVReader(r, o, window)
	if err != nil {
		return csvResult{}, err
	}
	res := csvResult{Header: c.Header(), Delim: c.Delimiter()}
	for {
		row, err := c.Read()
		if errors.Is(err, io.EOF) {
			return res, nil
		}
		if err != nil {
			return res, err
		}
		g := gotRow{Line: row.Line, Reject: row.Reject, Raw: row.Raw}
		if len(row.Fields) > 0 {
			g.Fields = append([]string(nil), row.Fields...)
		}
		if len(row.Issues) > 0 {
			g.Issues = append([]string(nil), row.Issues...)
		}
		res.Rows = append(res.Rows, g)
	}
}

// openCorpus opens a file of testdata/csv the way extract does: decompressed
// and decoded with sniffing.
func openCorpus(t testing.TB, name string) (io.Reader, string) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "csv", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	in, err := Decompress(f)
	if err != nil {
		t.Fatal(err)
	}
	text, enc, err := DecodeText(in, "auto")
	if err != nil {
		t.Fatal(err)
	}
	return text, enc
}

// readText reads in the way extract does (DecodeText with sniffing), and
// checks that one byte per Read through a 1-byte window changes nothing.
func readText(t *testing.T, in string, o CSVOptions) csvResult {
	t.Helper()
	text, _, err := DecodeText(strings.NewReader(in), "")
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(text)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := readCSV(bytes.NewReader(data), o, 0)
	if err != nil {
		t.Fatal(err)
	}
	trickle, err := readCSV(iotest.OneByteReader(bytes.NewReader(data)), o, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(whole, trickle) {
		t.Errorf("one byte at a time:\n got  %+v\n want %+v", trickle, whole)
	}
	return whole
}

func good(line int64, fields ...string) gotRow { return gotRow{Line: line, Fields: fields} }

func bad(line int64, reason, raw string) gotRow { return gotRow{Line: line, Reject: reason, Raw: raw} }

func withIssues(g gotRow, issues ...string) gotRow { g.Issues = issues; return g }

func TestCSVReader_Corpus(t *testing.T) {
	tests := []struct {
		file   string
		enc    string
		delim  byte
		header []string
		rows   []gotRow
	}{
		{"basic.csv", "utf-8", ',', []string{"email", "first_name", "last_name"}, []gotRow{
			good(2, "ann@acme.com", "Ann", "Lee"),
			good(3, "bob@globex.com", "Bob", "Stone"),
		}},
		{"ragged.csv", "utf-8", ',', []string{"email", "first_name", "last_name", "company"}, []gotRow{
			good(2, "ann@acme.com", "Ann", "Lee", "Acme"),
			bad(3, "ragged_row: 3 fields, header has 4", "bob@globex.com,Bob,Stone"),
			bad(4, "ragged_row: 5 fields, header has 4", "cy@initech.com,Cy,Diaz,Initech,extra"),
			good(5, "dee@umbrella.com", "Dee", "Fox", "Umbrella"),
		}},
		{"unterminated_quote.csv", "utf-8", ',', []string{"email", "name", "company"}, []gotRow{
			good(2, "ann@acme.com", "Ann Lee", "Acme"),
			bad(3, "unterminated_quote: field 2 opens a quote on line 3 that never closes", `bob@globex.com,"Bob Stone,Globex`),
			good(4, "cy@initech.com", "Cy Diaz", "Initech"),
			good(5, "dee@umbrella.com", "Dee Fox", "Umbrella"),
		}},
		{"quote_in_unquoted.csv", "utf-8", ',', []string{"name", "note", "company"}, []gotRow{
			good(2, `Pat O"Brien`, `27" monitor`, "Acme"),
			withIssues(good(3, `Bob "Bo" Stone`, "ok", "Globex, Inc."), "stray_quote"),
			good(4, "Cy", `say "hi"`, "Initech"),
		}},
		{"multiline.csv", "utf-8", ',', []string{"name", "address", "company"}, []gotRow{
			good(2, "Ann", "1 Main St\nSuite 5\nSpringfield", "Acme"),
			good(5, "Bob", "2 Elm St", "Globex"),
			good(6, "Cy", "3 Oak Rd\r\nFloor 2", "Initech"),
		}},
		{"crlf.csv", "utf-8", ',', []string{"email", "name"}, []gotRow{
			good(2, "ann@acme.com", "Ann"),
			good(4, "bob@globex.com", "Bob"),
		}},
		{"cr_only.csv", "utf-8", ',', []string{"email", "name"}, []gotRow{
			good(2, "ann@acme.com", "Ann"),
			good(3, "bob@globex.com", "Bob"),
		}},
		{"bom_utf8.csv", "utf-8", ',', []string{"email", "name"}, []gotRow{
			good(2, "ann@acme.com", "Zoë"),
		}},
		{"utf16le_bom.csv", "utf-16le", ',', []string{"email", "name"}, []gotRow{
			good(2, "ann@acme.com", "Zoë Ünal"),
			good(3, "bob@globex.com", "Björk"),
		}},
		{"utf16be_bom.csv", "utf-16be", ',', []string{"email", "name"}, []gotRow{
			good(2, "ann@acme.com", "Zoë Ünal"),
			good(3, "bob@globex.com", "Björk"),
		}},
		{"cp1252.csv", "windows-1252", ',', []string{"email", "name", "city"}, []gotRow{
			good(2, "ann@acme.com", "Zoë", "Köln"),
			good(3, "bob@globex.com", "François “Frank”", "Montréal"),
		}},
		{"mixed_utf8_cp1252.csv", "utf-8", ',', []string{"email", "name", "city"}, []gotRow{
			good(2, "ann@acme.com", "Zoë", "Köln"),
			withIssues(good(3, "bob@globex.com", "François", "Montréal"), "encoding_repaired"),
			good(4, "cy@initech.com", "Cy", "Zürich"),
			bad(5, "invalid_utf8: field 3 is neither UTF-8 nor windows-1252", "dee@umbrella.com,Dee,bad\uFFFDbyte"),
			good(6, "eve@hooli.com", "Eve", "Malmö"),
		}},
		{"semicolon.csv", "utf-8", ';', []string{"email", "name", "revenue"}, []gotRow{
			good(2, "ann@acme.com", "Ann", "1,5 Mio"),
			good(3, "bob@globex.com", "Bob", "2,0"),
		}},
		{"tab.tsv", "utf-8", '\t', []string{"email", "name", "company"}, []gotRow{
			good(2, "ann@acme.com", "Ann", "Acme, Inc."),
			good(3, "bob@globex.com", "Bob", "Globex"),
		}},
		{"pipe.csv", "utf-8", '|', []string{"email", "name", "company"}, []gotRow{
			good(2, "ann@acme.com", "Ann", "Acme, Inc."),
			good(3, "bob@globex.com", "Bob", "Globex; Ltd"),
		}},
		{"empty.csv", "utf-8", ',', nil, nil},
		{"header_only.csv", "utf-8", ',', []string{"email", "name", "company"}, nil},
		{"dup_header.csv", "utf-8", ',', []string{"email", "column_2", "Email", "email_3", "column_5", "email_2"}, []gotRow{
			good(2, "ann@acme.com", "x", "Ann", "a2", "y", "z"),
		}},
		{"trailing_delim.csv", "utf-8", ',', []string{"email", "name", "company"}, []gotRow{
			good(2, "ann@acme.com", "Ann", "Acme"),
			good(3, "bob@globex.com", "Bob", "Globex"),
			bad(4, "ragged_row: 4 fields, header has 3", "cy@initech.com,Cy,Initech,oops"),
		}},
		{"nul.csv", "utf-8", ',', []string{"email", "name"}, []gotRow{
			withIssues(good(2, "ann@acme.com", "Ann"), "nul_removed"),
			good(3, "bob@globex.com", "Bob"),
		}},
		{"blank_lines.csv", "utf-8", ',', []string{"email", "name"}, []gotRow{
			good(5, "ann@acme.com", "Ann"),
			good(7, "bob@globex.com", "Bob"),
		}},
		{"excel_sep.csv", "utf-8", ';', []string{"email", "name", "revenue"}, []gotRow{
			good(3, "ann@acme.com", "Ann", "1,5 Mio"),
			good(4, "bob@globex.com", "Bob", "2,0"),
		}},
		{"stray_quote_multiline.csv", "utf-8", ',', []string{"name", "note"}, []gotRow{
			good(2, "Ann", "call back\nafter 5"),
			bad(4, "unterminated_quote: field 2 opens a quote on line 4 that spans lines and holds an undoubled quote", `Bob,"said "yes`),
			good(5, "Cy", "ok"),
			good(6, "Dee", "fine"),
		}},
		{"multimember.csv.gz", "utf-8", ',', []string{"email", "name"}, []gotRow{
			good(2, "ann@acme.com", "Ann"),
			good(3, "bob@globex.com", "Bob"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			text, enc := openCorpus(t, tt.file)
			if enc != tt.enc {
				t.Errorf("encoding = %q, want %q", enc, tt.enc)
			}
			got, err := readCSV(text, CSVOptions{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got.Delim != tt.delim {
				t.Errorf("delimiter = %q, want %q", got.Delim, tt.delim)
			}
			if len(got.Header) != len(tt.header) || len(tt.header) > 0 && !reflect.DeepEqual(got.Header, tt.header) {
				t.Errorf("header = %q, want %q", got.Header, tt.header)
			}
			if !reflect.DeepEqual(got.Rows, tt.rows) {
				t.Errorf("rows:\n got  %v\n want %v", got.Rows, tt.rows)
			}
		})
	}
}

// The same stream read one byte per Read call through a 16-byte starting
// window must give exactly what one big read gives: refills and window growth
// are invisible.
func TestCSVReader_ChunkingDoesNotChangeRows(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "csv", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus: %v, %d files", err, len(files))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			text, _ := openCorpus(t, name)
			data, err := io.ReadAll(text)
			if err != nil {
				t.Fatal(err)
			}
			whole, err := readCSV(bytes.NewReader(data), CSVOptions{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			trickle, err := readCSV(iotest.OneByteReader(bytes.NewReader(data)), CSVOptions{}, 16)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(whole, trickle) {
				t.Errorf("one byte at a time:\n got  %+v\n want %+v", trickle, whole)
			}
		})
	}
}

func TestCSVReader_IOErrorIsReturnedNotRejected(t *testing.T) {
	boom := errors.New("connection reset")
	prefix := "a,b\n" + strings.Repeat("1,2\n", csvWindow) + "3,"
	c, err := NewCSVReader(io.MultiReader(strings.NewReader(prefix), iotest.ErrReader(boom)), CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for err == nil {
		_, err = c.Read()
		rows++
	}
	// Every whole line before the failure is read; the cut one ("3,") is not.
	if !errors.Is(err, boom) || rows != csvWindow+1 {
		t.Fatalf("err = %v after %d reads, want %v after %d rows", err, rows, boom, csvWindow)
	}
	if _, again := c.Read(); !errors.Is(again, boom) {
		t.Errorf("second Read err = %v, want %v", again, boom)
	}
}

func TestCSVReader_RejectsBadSetup(t *testing.T) {
	tests := []struct {
		name, in string
		o        CSVOptions
		want     string
	}{
		{"quote as delimiter", "a,b\n", CSVOptions{Delimiter: '"'}, `delimiter '"'`},
		{"non-ASCII delimiter", "a,b\n", CSVOptions{Delimiter: 0xA7}, "cannot separate fields"},
		{"header quote never closes", "a,\"b\n1,2\n", CSVOptions{}, "header on line 1: a quote in field 2 never closes"},
		{"header too long", "a," + strings.Repeat("h", 500) + "\n1,2\n", CSVOptions{MaxRowBytes: 100}, "header on line 1: longer than 100 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCSVReader(strings.NewReader(tt.in), tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// contactsCSV generates n rows shaped like the generated 1M-contact benchmark
// file (15 columns, about 185 bytes a row, some quoted fields).
func contactsCSV(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString("record_id,first_name,last_name,email,phone,title,company,website,industry,annual_revenue,employees,city,state,country,created_at\n")
	titles := []string{"VP Marketing", "Sr. Director, Demand Gen", "Head of IT", "CFO", "Marketing Manager"}
	for i := 0; i < n; i++ {
		company := fmt.Sprintf("Company %d Inc.", i%997)
		if i%10 == 0 {
			company = fmt.Sprintf("\"Company %d, LLC\"", i%997)
		}
		title := titles[i%len(titles)]
		if strings.Contains(title, ",") {
			title = `"` + title + `"`
		}
		fmt.Fprintf(&buf, "r%07d,Firstname%d,Lastname%d,first.last%d@company%d.com,+1 (555) %03d-%04d,%s,%s,https://www.company%d.com,Software,$%dM,%d-%d,Springfield,CA,United States,2024-03-%02dT10:15:00Z\n",
			i, i%500, i%800, i, i%997, i%1000, i%10000, title, company, i%997, i%500, 50+i%100, 200+i%1000, 1+i%28)
	}
	return buf.Bytes()
}

func TestCSVReader_ContactsSample(t *testing.T) {
	got, err := readCSV(bytes.NewReader(contactsCSV(1000)), CSVOptions{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != 1000 || len(got.Header) != 15 {
		t.Fatalf("%d rows, %d columns", len(got.Rows), len(got.Header))
	}
	for _, r := range got.Rows {
		if r.Reject != "" || r.Issues != nil {
			t.Fatalf("%v", r)
		}
	}
	if f := got.Rows[0].Fields; f[5] != "VP Marketing" || f[6] != "Company 0, LLC" || f[14] != "2024-03-01T10:15:00Z" {
		t.Errorf("row 1 = %q", f)
	}
}

// BenchmarkCSVReader measures the parser alone ("parse"), behind DecodeText's
// UTF-8 passthrough ("decoded"), and behind gzip as well ("gzip"); MB/s are
// of uncompressed CSV.
func BenchmarkCSVReader(b *testing.B) {
	data := contactsCSV(50000)
	packed := gz(b, string(data))
	cases := []struct {
		name string
		open func() (io.Reader, error)
	}{
		{"parse", func() (io.Reader, error) { return bytes.NewReader(data), nil }},
		{"decoded", func() (io.Reader, error) {
			r, _, err := DecodeText(bytes.NewReader(data), "auto")
			return r, err
		}},
		{"gzip", func() (io.Reader, error) {
			in, err := Decompress(bytes.NewReader(packed))
			if err != nil {
				return nil, err
			}
			r, _, err := DecodeText(in, "auto")
			return r, err
		}},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				in, err := bc.open()
				if err != nil {
					b.Fatal(err)
				}
				c, err := NewCSVReader(in, CSVOptions{})
				if err != nil {
					b.Fatal(err)
				}
				for {
					row, err := c.Read()
					if err != nil {
						if errors.Is(err, io.EOF) {
							break
						}
						b.Fatal(err)
					}
					if row.Reject != "" {
						b.Fatal(row.Reject)
					}
				}
			}
		})
	}
}

// FuzzCSVReader feeds arbitrary bytes through the whole input path with small
// limits. It must not panic or hang, rows must be well formed, and reading one
// byte at a time must not change the result.
func FuzzCSVReader(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "csv", "*"))
	for _, path := range files {
		if data, err := os.ReadFile(path); err == nil && len(data) < 4096 {
			f.Add(data, byte(0))
		}
	}
	f.Add([]byte("a,b\n\"x\"\"y\",\"z\r\n\"\"\n1,\"2\n"), byte(','))
	f.Add([]byte("a;b\r\n1;\"2\r"), byte(0))
	f.Add([]byte("\ufeffa,b\n0\xe4,\xbb\xbf"), byte(0))
	f.Add([]byte("a,b\n1,\"x\n3,4\n5,\"y\"\n"), byte(0))
	f.Fuzz(func(t *testing.T, data []byte, delim byte) {
		if delim != 0 && (delim == '"' || delim == '\r' || delim == '\n' || delim >= utf8.RuneSelf) {
			delim = ','
		}
		o := CSVOptions{Delimiter: delim, MaxFieldBytes: 24, MaxRowBytes: 96}
		in, err := Decompress(bytes.NewReader(data))
		if err != nil {
			return
		}
		text, _, err := DecodeText(in, "auto")
		if err != nil {
			return // a corrupt gzip stream, found while sniffing
		}
		decoded, err := io.ReadAll(text)
		if err != nil {
			return // a corrupt gzip stream
		}
		whole, err := readCSV(bytes.NewReader(decoded), o, 0)
		if err != nil {
			return // a header that cannot be read
		}
		trickle, err := readCSV(iotest.OneByteReader(bytes.NewReader(decoded)), o, 1)
		if err != nil {
			t.Fatalf("one byte at a time: %v", err)
		}
		if !reflect.DeepEqual(whole, trickle) {
			t.Fatalf("one byte at a time:\n got  %+v\n want %+v", trickle, whole)
		}
		lines := int64(bytes.Count(decoded, []byte("\n")) + bytes.Count(decoded, []byte("\r")) + 1)
		prev := int64(0)
		for _, r := range whole.Rows {
			if r.Line <= prev || r.Line > lines {
				t.Fatalf("line %d after %d (file has at most %d)", r.Line, prev, lines)
			}
			prev = r.Line
			if r.Reject != "" {
				if r.Fields != nil || !utf8.ValidString(r.Raw) {
					t.Fatalf("bad reject %v", r)
				}
				continue
			}
			if len(r.Fields) != len(whole.Header) {
				t.Fatalf("%d fields, header has %d: %v", len(r.Fields), len(whole.Header), r)
			}
			for _, s := range r.Fields {
				if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 || len(s) > o.MaxFieldBytes*3 {
					t.Fatalf("bad field %q in %v", s, r)
				}
			}
		}
	})
}
