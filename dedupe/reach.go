package dedupe

import (
	"strings"
)

// Reach is what one pass over the known records learns of tonight's
// blocks: which known entities share a block of some rule with one of
// tonight's records (under the same max_block_size cap as a full run), so
// that only those entities are matched again with tonight's records. The
// caller feeds it every known record's block keys (BlockKeys) with See,
// marks the entities of records tonight updates or deletes with Touch, and
// calls Finish before asking Touched.
type Reach struct {
	// All is set when tonight's blocks list more known entities than the
	// budget: every entity counts as touched, and the night matches every
	// record as a full run does.
	All bool
	// Budget bounds the known entities listed in tonight's blocks.
	Budget int

	entities map[string]bool
	entries  int                   // known entities listed in blocks so far
	blocks   []map[uint64][]string // rule -> tonight's key -> known entities (nil once over the cap)
	counts   []map[uint64]int      // rule -> tonight's key -> records (tonight's and known)
	maxBlock int
}

// NewReach prepares the blocks of tonight's records under rules.
func NewReach(tonight *Table, rules []BlockingRule, maxBlock, budget int) (*Reach, error) {
	keys, err := BlockKeys(tonight, rules)
	if err != nil {
		return nil, err
	}
	r := &Reach{entities: map[string]bool{}, maxBlock: maxBlock, Budget: budget}
	for rule := range keys {
		blocks, counts := map[uint64][]string{}, map[uint64]int{}
		for _, k := range keys[rule] {
			if k != 0 {
				counts[k]++
				blocks[k] = nil
			}
		}
		r.blocks, r.counts = append(r.blocks, blocks), append(r.counts, counts)
	}
	return r, nil
}

// Touch marks entity ent as touched (one of its records changes tonight).
func (r *Reach) Touch(ent string) { r.entities[strings.Clone(ent)] = true }

// See records a known record of entity ent whose block keys are
// keys[rule][i] (ent may alias a batch: it is copied when kept).
func (r *Reach) See(keys [][]uint64, i int, ent string) {
	if r.All {
		return
	}
	for rule := range keys {
		k := keys[rule][i]
		if k == 0 {
			continue
		}
		n, ok := r.counts[rule][k]
		if !ok {
			continue
		}
		r.counts[rule][k] = n + 1
		switch {
		case n+1 > r.maxBlock:
			r.entries -= len(r.blocks[rule][k])
			r.blocks[rule][k] = nil // a block a full run would not compare
		case r.entries >= r.Budget:
			r.All, r.blocks = true, nil
			return
		default:
			r.blocks[rule][k] = append(r.blocks[rule][k], strings.Clone(ent))
			r.entries++
		}
	}
}

// Finish adds the entities of every block under the cap.
func (r *Reach) Finish() {
	if r.All {
		return
	}
	for rule := range r.blocks {
		for k, ents := range r.blocks[rule] {
			if r.counts[rule][k] > r.maxBlock {
				continue
			}
			for _, e := range ents {
				r.entities[e] = true
			}
		}
	}
	r.blocks = nil
}

// Touched reports whether entity ent is touched.
func (r *Reach) Touched(ent string) bool { return r.All || r.entities[ent] }

// Len is the number of entities touched by name (see All).
func (r *Reach) Len() int { return len(r.entities) }
