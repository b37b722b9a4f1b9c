package compare

import (
	"math"
	"strconv"
	"strings"
	"sync"
)

// Column is one column prepared for comparison: every per-record cost
// (lower-casing, transforms, interning, date and number parsing) is paid
// here once so that comparing a pair allocates nothing.
type Column struct {
	val     []string
	id      []uint32 // interned value; 0 is null, equal ids mean equal values
	count   []uint32 // records per id, for term frequencies
	nonNull int

	dateOnce sync.Once
	day      []int32 // days since 1970-01-01, NoDate when unparsable
	month    []int32 // year*12 + month - 1

	numOnce sync.Once
	num     []float64 // NaN when unparsable

	sigOnce sync.Once
	short   []bool   // ASCII and at most 64 bytes: the fast Jaro-Winkler path
	sig     []uint64 // letter counts in 16 buckets of 4 bits (letterBucket), to bound Jaro-Winkler; notShort when not short or a count exceeds 7
}

// NoDate is ParseDate's day and month of a value that is not a date.
const NoDate = math.MinInt32

// BuildColumn prepares the raw values of a column, trimmed, lower-cased and
// then transformed by the transform named tr ("" for none; ParseKeyExpr
// lists them): a record whose value comes out empty is null.
func BuildColumn(raw []string, tr string) (*Column, error) {
	fn := lowerTrim
	if tr != "" {
		t, err := parseTransform(tr)
		if err != nil {
			return nil, err
		}
		fn = func(s string) string { return t.fn(lowerTrim(s)) }
	}
	c := &Column{val: make([]string, len(raw)), id: make([]uint32, len(raw))}
	intern := make(map[string]uint32)
	c.count = []uint32{0}
	for i, v := range raw {
		v = fn(v)
		if v == "" {
			continue
		}
		id, seen := intern[v]
		if !seen {
			id = uint32(len(c.count))
			intern[v] = id
			c.count = append(c.count, 0)
		}
		c.val[i] = v
		c.id[i] = id
		c.count[id]++
		c.nonNull++
	}
	return c, nil
}

// IDs is each record's interned value: 0 is null, and two records have
// the same id exactly when they have the same value.
func (c *Column) IDs() []uint32 { return c.id }

// Value is record i's prepared value ("" for null).
func (c *Column) Value(i int) string { return c.val[i] }

// Counts is the number of records of each id (Counts()[0], null, is 0).
func (c *Column) Counts() []uint32 { return c.count }

// NonNull is the number of records with a value.
func (c *Column) NonNull() int { return c.nonNull }

func (c *Column) dates() ([]int32, []int32) {
	c.dateOnce.Do(func() {
		c.day = make([]int32, len(c.val))
		c.month = make([]int32, len(c.val))
		for i, v := range c.val {
			c.day[i], c.month[i] = ParseDate(v)
		}
	})
	return c.day, c.month
}

// signatures prepares the per-record data that lets most Jaro-Winkler
// calls be skipped: two names that share few letters cannot reach a
// threshold, whatever their order.
func (c *Column) signatures() {
	c.sigOnce.Do(func() {
		c.short = make([]bool, len(c.val))
		c.sig = make([]uint64, len(c.val))
		for i, v := range c.val {
			c.short[i] = len(v) <= 64 && isASCII(v)
			c.sig[i] = letterSig(v) // notShort when not short
		}
	})
}

func (c *Column) nums() []float64 {
	c.numOnce.Do(func() {
		c.num = make([]float64, len(c.val))
		for i, v := range c.val {
			f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
			if err != nil || math.IsInf(f, 0) {
				f = math.NaN()
			}
			c.num[i] = f
		}
	})
	return c.num
}

// ParseDate reads YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD and DD/MM/YYYY (or
// DD-MM-YYYY), ignoring any time part, into days since the epoch and a month
// index. Day-first is the reading for slashed dates because the benchmark and
// most non-US sources write them so; ISO is preferred everywhere else.
func ParseDate(s string) (day, month int32) {
	if i := strings.IndexAny(s, "T "); i > 0 {
		s = s[:i]
	}
	var y, m, d int
	switch {
	case len(s) == 8 && allDigits(s):
		y, m, d = atoi(s[:4]), atoi(s[4:6]), atoi(s[6:])
	case len(s) == 10 && allDigits(s[:4]) && (s[4] == '-' || s[4] == '/') && s[7] == s[4]:
		y, m, d = atoi(s[:4]), atoi(s[5:7]), atoi(s[8:])
	case len(s) == 10 && allDigits(s[6:]) && (s[2] == '/' || s[2] == '-') && s[5] == s[2]:
		d, m, y = atoi(s[:2]), atoi(s[3:5]), atoi(s[6:])
	default:
		return NoDate, NoDate
	}
	if y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
		return NoDate, NoDate
	}
	return int32(daysFromCivil(y, m, d)), int32(y*12 + m - 1)
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// daysFromCivil is Howard Hinnant's algorithm; it avoids time.Date's cost
// for a million records.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
