package readers

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestCSVReader_OversizedRecords(t *testing.T) {
	const limit = 1 << 20
	big := strings.Repeat("x", 2*limit)
	tests := []struct {
		name string
		in   string
		o    CSVOptions
		want []gotRow
	}{
		{"unquoted field over MaxFieldBytes", "a,b,c\n1,2," + big + "\n3,4,5\n", CSVOptions{}, []gotRow{
			bad(2, "field_too_large: field 3 is 2097152 bytes, limit 1048576",
				"1,2,"+big[:maxRawBytes-4]+"…[truncated, 2097156 bytes in all]"),
			good(3, "3", "4", "5"),
		}},
		{"quoted field over MaxFieldBytes", "a,b,c\r\n1,\"" + big + "\",3\r\n3,4,5\r\n", CSVOptions{}, []gotRow{
			bad(2, "field_too_large: field 2 is 2097152 bytes, limit 1048576",
				"1,\""+big[:maxRawBytes-3]+"…[truncated, 2097158 bytes in all]"),
			good(3, "3", "4", "5"),
		}},
		{"row over MaxRowBytes kept in window", "a,b\n" + strings.Repeat("y", 150) + ",z\nc,d\n", CSVOptions{MaxRowBytes: 100}, []gotRow{
			bad(2, "row_too_large: row is 152 bytes, limit 100", strings.Repeat("y", 150)+",z"),
			good(3, "c", "d"),
		}},
		{"row over MaxRowBytes skipped", "a,b\n" + strings.Repeat("y,", 40000) + "\rc,d\r", CSVOptions{MaxRowBytes: 1000, MaxFieldBytes: 100}, []gotRow{
			bad(2, "row_too_large: row is 80000 bytes, limit 1000",
				strings.Repeat("y,", maxRawBytes/2)+"…[truncated, 80000 bytes in all]"),
			good(3, "c", "d"),
		}},
		{"field over MaxFieldBytes at EOF", "a,b\n1," + strings.Repeat("q", 300), CSVOptions{MaxFieldBytes: 200}, []gotRow{
			bad(2, "field_too_large: field 2 is 300 bytes, limit 200", "1,"+strings.Repeat("q", 300)),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewCSVReader(strings.NewReader(tt.in), tt.o)
			if err != nil {
				t.Fatal(err)
			}
			var got []gotRow
			for {
				row, err := c.Read()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, gotRow{Line: row.Line, Reject: row.Reject, Raw: row.Raw,
					Fields: append([]string(nil), row.Fields...)})
				if len(got[len(got)-1].Fields) == 0 {
					got[len(got)-1].Fields = nil
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("rows:\n got  %.300v\n want %.300v", got, tt.want)
			}
		})
	}
}

// An oversized unquoted field is measured and skipped, not buffered: the
// window never grows much past MaxFieldBytes.
func TestCSVReader_OversizedFieldIsNotBuffered(t *testing.T) {
	const limit = 1 << 20
	in := "a,b,c\n1,2," + strings.Repeat("x", 8*limit) + "\n3,4,5\n"
	c, err := NewCSVReader(strings.NewReader(in), CSVOptions{MaxFieldBytes: limit, MaxRowBytes: 16 * limit})
	if err != nil {
		t.Fatal(err)
	}
	row, err := c.Read()
	if err != nil || row.Reject != "field_too_large: field 3 is 8388608 bytes, limit 1048576" {
		t.Fatalf("Read = %v, %v", row, err)
	}
	if max := limit + csvWindowSlack; len(c.buf) > max {
		t.Errorf("window grew to %d bytes, want at most %d", len(c.buf), max)
	}
	if row, err := c.Read(); err != nil || row.Line != 3 || row.Reject != "" {
		t.Errorf("row after = %+v, %v", row, err)
	}
}
