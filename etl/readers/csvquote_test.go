package readers

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Every record of a messy file comes back exactly once, good or rejected, and
// good rows after bad ones keep their line numbers.
func TestCSVReader_AccountsForEveryRecord(t *testing.T) {
	var buf bytes.Buffer
	buf.WriteString("id,name,note,a,b\n")
	line := int64(2)
	var wantGood, wantBad []int64
	for i := 0; i < 800; i++ {
		switch i % 8 {
		case 0, 4:
			fmt.Fprintf(&buf, "%d,name %d,ok,a,b\n", i, i)
			wantGood = append(wantGood, line)
			line++
		case 1:
			fmt.Fprintf(&buf, "%d,short\n", i)
			wantBad = append(wantBad, line)
			line++
		case 2:
			fmt.Fprintf(&buf, "%d,\"two\nlines\",ok,a,b\r\n", i)
			wantGood = append(wantGood, line)
			line += 2
		case 3:
			// A stray quote that a later row's quoted field closes, leaving
			// as many fields as the header has.
			fmt.Fprintf(&buf, "%d,\"stray,ok,a,b\n", i)
			wantBad = append(wantBad, line)
			line++
		case 5:
			buf.WriteString("\n")
			line++
		case 6:
			fmt.Fprintf(&buf, "%d,\"say \"\"hi\"\"\",x\x00y,a,b\n", i)
			wantGood = append(wantGood, line)
			line++
		case 7:
			// A stray quote that closes into a ragged row.
			fmt.Fprintf(&buf, "%d,\"x,a,b\n%d,y,\"z\",a,b\n", i, i)
			wantBad = append(wantBad, line)
			wantGood = append(wantGood, line+1)
			line += 2
		}
	}
	got, err := readCSV(bytes.NewReader(buf.Bytes()), CSVOptions{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var gotGood, gotBad []int64
	for _, r := range got.Rows {
		if r.Reject != "" {
			gotBad = append(gotBad, r.Line)
			continue
		}
		gotGood = append(gotGood, r.Line)
		if len(r.Fields) != 5 {
			t.Errorf("line %d: %d fields", r.Line, len(r.Fields))
		}
	}
	if !reflect.DeepEqual(gotGood, wantGood) {
		t.Errorf("good rows on lines %v\nwant %v", gotGood, wantGood)
	}
	if !reflect.DeepEqual(gotBad, wantBad) {
		t.Errorf("rejected rows on lines %v\nwant %v", gotBad, wantBad)
	}
	if len(gotGood)+len(gotBad) != 800 {
		t.Errorf("%d good + %d rejected, want 800 records", len(gotGood), len(gotBad))
	}
}

// A quote that never closes within MaxRowBytes is rejected with its line
// only; everything after it, far more than MaxRowBytes, survives.
func TestCSVReader_UnterminatedQuoteAtRowLimitResyncs(t *testing.T) {
	var buf bytes.Buffer
	buf.WriteString("email,name\nann@acme.com,Ann\nbob@globex.com,\"Bob\n")
	const n = 3000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&buf, "user%d@example.com,User %d\n", i, i)
	}
	got, err := readCSV(bytes.NewReader(buf.Bytes()), CSVOptions{MaxRowBytes: 4096}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != n+2 {
		t.Fatalf("%d rows, want %d", len(got.Rows), n+2)
	}
	want := bad(3, "unterminated_quote: field 2 opens a quote on line 3 that never closes", `bob@globex.com,"Bob`)
	if !reflect.DeepEqual(got.Rows[1], want) {
		t.Errorf("row 2 = %v, want %v", got.Rows[1], want)
	}
	last := good(n+3, fmt.Sprintf("user%d@example.com", n-1), fmt.Sprintf("User %d", n-1))
	if !reflect.DeepEqual(got.Rows[n+1], last) {
		t.Errorf("last row = %v, want %v", got.Rows[n+1], last)
	}
}

// Thousands of stray opening quotes that never close must cost linear time:
// each would otherwise scan to the end of the file again.
func TestCSVReader_ManyStrayQuotesStayLinear(t *testing.T) {
	var buf bytes.Buffer
	buf.WriteString("id,name\n")
	const n = 100000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&buf, "%d,\"Big Jim %d\n", i, i)
	}
	start := time.Now()
	got, err := readCSV(bytes.NewReader(buf.Bytes()), CSVOptions{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed > 20*time.Second {
		t.Errorf("took %v for %d bytes", elapsed, buf.Len())
	}
	if len(got.Rows) != n {
		t.Fatalf("%d rows, want %d", len(got.Rows), n)
	}
	for i, r := range got.Rows {
		if r.Line != int64(i+2) || !strings.HasPrefix(r.Reject, "unterminated_quote: field 2 opens a quote on line ") {
			t.Fatalf("row %d = %v", i, r)
		}
	}
}

// A quoted field that spans lines and holds an undoubled quote that does not
// close it is a stray quote swallowing the lines after it, whatever the width
// of the file: its opening line is rejected and reading resumes on the next.
// Multi-line values without a stray quote are kept.
func TestCSVReader_StrayQuoteSpanningLinesRejectsItsLine(t *testing.T) {
	const stray = "spans lines and holds an undoubled quote"
	tests := []struct {
		name, in string
		rows     []gotRow
	}{
		{"two columns, width matches", "a,b\n1,\"x\n3,4\n5,\"y\"\n", []gotRow{
			bad(2, "unterminated_quote: field 2 opens a quote on line 2 that "+stray, `1,"x`),
			good(3, "3", "4"),
			good(4, "5", "y"),
		}},
		{"one column", "a\n\"x\ny \"z\" w\"\n", []gotRow{
			bad(2, "unterminated_quote: field 1 opens a quote on line 2 that "+stray, `"x`),
			good(3, `y "z" w"`),
		}},
		{"CRLF lines", "a,b\r\n1,\"x\r\n3,4\r\n5,\"y\"\r\n", []gotRow{
			bad(2, "unterminated_quote: field 2 opens a quote on line 2 that "+stray, `1,"x`),
			good(3, "3", "4"),
			good(4, "5", "y"),
		}},
		{"closed by the last byte of the file", "a,b\n1,\"x\n5,\"y\"", []gotRow{
			bad(2, "unterminated_quote: field 2 opens a quote on line 2 that "+stray, `1,"x`),
			good(3, "5", "y"),
		}},
		{"the stray quote is in a later multi-line field", "a,b,c\n1,\"addr\nl2\",\"x\n3,\"y\",z\n", []gotRow{
			bad(2, "unterminated_quote: field 3 opens a quote on line 3 that closes on a later line in a row of 4 fields, header has 3",
				"1,\"addr\nl2\",\"x"),
			good(4, "3", "y", "z"),
		}},
		{"several stray quotes in a row", "a,b\n1,\"p\n2,\"q\n3,\"r\"\n4,s\n", []gotRow{
			bad(2, "unterminated_quote: field 2 opens a quote on line 2 that "+stray, `1,"p`),
			bad(3, "unterminated_quote: field 2 opens a quote on line 3 that "+stray, `2,"q`),
			good(4, "3", "r"),
			good(5, "4", "s"),
		}},
		{"a multi-line value after the stray quote is kept", "a,b\n1,\"p\n2,\"q\nr\"\n", []gotRow{
			bad(2, "unterminated_quote: field 2 opens a quote on line 2 that "+stray, `1,"p`),
			good(3, "2", "q\nr"),
		}},
		{"multi-line value kept", "name,address\nAnn,\"1 Main St\nSuite 5\"\nBob,x\n", []gotRow{
			good(2, "Ann", "1 Main St\nSuite 5"),
			good(4, "Bob", "x"),
		}},
		{"doubled quotes in a multi-line value kept", "a,b\n1,\"say \"\"hi\"\"\nthen go\"\n", []gotRow{
			good(2, "1", "say \"hi\"\nthen go"),
		}},
		{"stray quote on one line kept", "a,b\n1,\"Bob \"Bo\" Smith\"\n", []gotRow{
			withIssues(good(2, "1", `Bob "Bo" Smith`), "stray_quote"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readText(t, tt.in, CSVOptions{})
			if !reflect.DeepEqual(got.Rows, tt.rows) {
				t.Errorf("rows:\n got  %v\n want %v", got.Rows, tt.rows)
			}
		})
	}
}

// A narrow file of stray quotes that a quote at its end closes costs linear
// time: each line's re-read must not scan to the end again.
func TestCSVReader_StrayQuotesClosedAtTheEndStayLinear(t *testing.T) {
	var buf bytes.Buffer
	buf.WriteString("id,name\n")
	const n = 50000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&buf, "%d,\"Big Jim %d\n", i, i)
	}
	buf.WriteString("x,\"y\"\n")
	start := time.Now()
	got, err := readCSV(bytes.NewReader(buf.Bytes()), CSVOptions{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed > 20*time.Second {
		t.Errorf("took %v for %d bytes", elapsed, buf.Len())
	}
	if len(got.Rows) != n+1 {
		t.Fatalf("%d rows, want %d", len(got.Rows), n+1)
	}
	for i, r := range got.Rows[:n] {
		if r.Line != int64(i+2) || !strings.HasPrefix(r.Reject, "unterminated_quote: field 2 opens a quote on line ") {
			t.Fatalf("row %d = %v", i, r)
		}
	}
	if last := got.Rows[n]; !reflect.DeepEqual(last, good(n+2, "x", "y")) {
		t.Errorf("last row = %v", last)
	}
}
