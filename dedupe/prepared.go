package dedupe

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/leadsmith/leadsmith/dedupe/compare"
)

// prepared caches a compare.Column per (column, transform) for one table.
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
			if col, _, err := compare.ParseKeyExpr(k); err == nil {
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
	c    *compare.Column
	err  error
}

// column returns the column transformed by tr ("" lower-cases and trims).
func (p *prepared) column(name, tr string) (*compare.Column, error) {
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
	slot.once.Do(func() { slot.c, slot.err = compare.BuildColumn(raw, tr) })
	return slot.c, slot.err
}

func sameSlice(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

type errUnknownColumn string

func (e errUnknownColumn) Error() string { return "unknown column " + strconv.Quote(string(e)) }
