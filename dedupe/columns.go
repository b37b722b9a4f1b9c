package dedupe

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
)

// colData is one column prepared for comparison: every per-record cost
// (lower-casing, transforms, interning, date and number parsing) is paid
// here once so that comparing a pair allocates nothing.
type colData struct {
	val     []string
	id      []uint32 // interned value; 0 is null, equal ids mean equal values
	count   []uint32 // records per id, for term frequencies
	nonNull int

	dateOnce sync.Once
	day      []int32 // days since 1970-01-01, noDate when unparsable
	month    []int32 // year*12 + month - 1

	numOnce sync.Once
	num     []float64 // NaN when unparsable

	sigOnce sync.Once
	short   []bool   // ASCII and at most 64 bytes: the fast Jaro-Winkler path
	sig     []uint64 // letter counts in 16 buckets of 4 bits (letterBucket), to bound Jaro-Winkler; notShort when not short or a count exceeds 7
}

const noDate = math.MinInt32

// prepared caches colData per (column, transform) for one table.
type prepared struct {
	t    *Table
	mu   sync.Mutex
	cols map[string]*colSlot
	// handed is a blocking that training built for the prediction rules
	// (estimatePrior), kept for the first Predict on the same table.
	handed    *blocking
	handedKey string
	handedSrc map[string][]string // the table columns its keys came from
}

func blockingKey(rules []BlockingRule, maxBlock int) string {
	return fmt.Sprint(maxBlock, rules)
}

// handOver keeps b, the blocking of rules, for one later takeOver.
func (p *prepared) handOver(rules []BlockingRule, maxBlock int, b *blocking) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.handed, p.handedKey = b, blockingKey(rules, maxBlock)
	p.handedSrc = map[string][]string{}
	for _, r := range rules {
		for _, k := range r.Keys {
			if col, _, err := parseKeyExpr(k); err == nil {
				p.handedSrc[col] = p.t.Cols[col]
			}
		}
	}
}

// takeOver returns the handed-over blocking of rules, once, or nil: the
// caller owns it (Predict adds its pair counts to the report).
func (p *prepared) takeOver(rules []BlockingRule, maxBlock int) *blocking {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.handed
	if b == nil || p.handedKey != blockingKey(rules, maxBlock) {
		return nil
	}
	p.handed = nil
	for col, src := range p.handedSrc {
		if !sameSlice(src, p.t.Cols[col]) {
			return nil // the table changed since training
		}
	}
	return b
}

func newPrepared(t *Table) *prepared {
	return &prepared{t: t, cols: map[string]*colSlot{}}
}

// colSlot builds one prepared column once, outside the prepared's lock, so
// that different columns can be prepared in parallel.
type colSlot struct {
	src  []string // the table's column it is prepared from
	once sync.Once
	c    *colData
	err  error
}

// column returns the column transformed by tr ("" lower-cases and trims).
func (p *prepared) column(name, tr string) (*colData, error) {
	key := name + "\x00" + tr
	p.mu.Lock()
	raw, ok := p.t.Cols[name]
	if !ok {
		p.mu.Unlock()
		return nil, errUnknownColumn(name)
	}
	slot := p.cols[key]
	if slot != nil && !sameSlice(slot.src, raw) {
		// The table's column was replaced since it was prepared (a
		// model trained, then the table edited): nothing built from
		// the old one may be reused.
		slot, p.handed = nil, nil
	}
	if slot == nil {
		slot = &colSlot{src: raw}
		p.cols[key] = slot
	}
	p.mu.Unlock()
	slot.once.Do(func() { slot.c, slot.err = buildColumn(raw, tr) })
	return slot.c, slot.err
}

func buildColumn(raw []string, tr string) (*colData, error) {
	fn := lowerTrim
	if tr != "" {
		t, err := parseTransform(tr)
		if err != nil {
			return nil, err
		}
		fn = func(s string) string { return t.fn(lowerTrim(s)) }
	}
	c := &colData{val: make([]string, len(raw)), id: make([]uint32, len(raw))}
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

func sameSlice(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

type errUnknownColumn string

func (e errUnknownColumn) Error() string { return "unknown column " + strconv.Quote(string(e)) }

func (c *colData) dates() ([]int32, []int32) {
	c.dateOnce.Do(func() {
		c.day = make([]int32, len(c.val))
		c.month = make([]int32, len(c.val))
		for i, v := range c.val {
			c.day[i], c.month[i] = parseDate(v)
		}
	})
	return c.day, c.month
}

// signatures prepares the per-record data that lets most Jaro-Winkler
// calls be skipped: two names that share few letters cannot reach a
// threshold, whatever their order.
func (c *colData) signatures() {
	c.sigOnce.Do(func() {
		c.short = make([]bool, len(c.val))
		c.sig = make([]uint64, len(c.val))
		for i, v := range c.val {
			c.short[i] = len(v) <= 64 && isASCII(v)
			c.sig[i] = letterSig(v) // notShort when not short
		}
	})
}

func (c *colData) nums() []float64 {
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

// parseDate reads YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD and DD/MM/YYYY (or
// DD-MM-YYYY), ignoring any time part, into days since the epoch and a month
// index. Day-first is the reading for slashed dates because the benchmark and
// most non-US sources write them so; ISO is preferred everywhere else.
func parseDate(s string) (day, month int32) {
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
		return noDate, noDate
	}
	if y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
		return noDate, noDate
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
