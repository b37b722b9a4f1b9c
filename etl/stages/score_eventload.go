package stages

import (
	"context"
	"hash/maphash"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/normalize"
)

// eventColumns are the columns of an event file that loadEvents reads.
var eventColumns = []string{"email", "record_id", "occurred_at", "event_type", "url"}

// loadEvents reads the event files, joins each event to its entity by
// email match key (then record id) and groups them by entity. Events dated
// after the run's as-of have not happened yet as far as the run knows, and
// events before cutoff are past the history horizon: both are dropped
// before their types and URLs are interned. Every row's occurred_at is
// parsed, matched or not, so each file's span is known.
//
// Parsing occurred_at and normalizing emails is most of the cost, so it
// runs as a pipeline: one goroutine decodes the files' batches in order,
// a worker per core parses and joins one batch at a time, and the caller
// merges the workers' results in batch order. The events, the ids their
// types and URLs are interned to (in order of first use) and every count
// come out as a sequential read gives them. At most a few batches are
// decoded and not yet merged.
func loadEvents(ctx context.Context, rc *etl.RunContext, files []eventFile, ix *entityIndex, entities int, cutoff time.Time) (*eventSet, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(1, runtime.GOMAXPROCS(0))
	inFlight := 2*workers + 2
	jobs := make(chan *eventBatch, workers)
	results := make(chan *eventBatch, inFlight)
	tokens := make(chan struct{}, inFlight)
	free := make(chan []compactEvent, inFlight) // merged batches' event buffers, for reuse
	readErr := make(chan error, 1)
	go func() {
		defer close(jobs)
		seq := 0
		for fi, f := range files {
			err := columnar.EachBatch(ctx, f.store, []columnar.FileInfo{{Key: f.key}}, func(rec arrow.Record) error {
				select {
				case tokens <- struct{}{}:
				case <-ctx.Done():
					return ctx.Err()
				}
				rec.Retain()
				jobs <- &eventBatch{seq: seq, file: fi, history: f.history, rec: rec}
				seq++
				return nil
			}, eventColumns...)
			if err != nil {
				readErr <- err
				return
			}
		}
		readErr <- nil
	}()
	var wg sync.WaitGroup
	emails := newEmailRows(len(ix.byEmail))
	for range workers {
		p := &eventParser{ix: ix, asOf: rc.Clock(), cutoff: cutoff, free: free, emailRow: emails,
			rawTypes: map[string]uint16{}, typeIDs: map[string]uint16{}, urlIDs: map[string]uint32{}}
		wg.Go(func() {
			for b := range jobs {
				p.parse(b)
				results <- b
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	es := &eventSet{spans: make([]eventSpan, len(files)), urls: []string{""}}
	in := eventInterner{typeIDs: map[string]uint16{}, urlIDs: map[string]uint32{"": 0}}
	pending := map[int]*eventBatch{}
	next := 0
	for b := range results {
		pending[b.seq] = b
		for b := pending[next]; b != nil; b = pending[next] {
			delete(pending, next)
			in.merge(es, b)
			b.rec.Release()
			select {
			case free <- b.events[:0]:
			default:
			}
			<-tokens
			next++
		}
	}
	for _, b := range pending { // left behind by a read that failed
		b.rec.Release()
	}
	if err := <-readErr; err != nil {
		return nil, err
	}
	es.group(entities)
	return es, nil
}

// eventBatch is one decoded batch of an event file and what a worker
// found in it.
type eventBatch struct {
	seq     int // place among every file's batches, in read order
	file    int
	history bool
	rec     arrow.Record

	span                                         eventSpan
	read, unmatched, undated, afterAsOf, expired int64
	// events' typ and url index types and urls: the batch's own, in order
	// of first use, aliasing rec.
	events      []compactEvent
	types, urls []string
}

// eventParser is one worker's state: the type and URL tables are the
// current batch's. The raw email -> row cache is shared by the workers and
// lasts the whole load: raw addresses repeat per person across batches.
type eventParser struct {
	ix       *entityIndex
	asOf     time.Time
	cutoff   time.Time
	times    normalize.TimeParser
	free     chan []compactEvent
	emailRow *emailRows
	rawTypes map[string]uint16 // raw event_type -> batch type id
	typeIDs  map[string]uint16 // folded event_type -> batch type id
	urlIDs   map[string]uint32
}

// parse fills b from b.rec.
func (p *eventParser) parse(b *eventBatch) {
	rec := b.rec
	emails, recIDs, occurred := columnar.StringCol(rec, "email"), columnar.StringCol(rec, "record_id"), columnar.StringCol(rec, "occurred_at")
	types, urls := columnar.StringCol(rec, "event_type"), columnar.StringCol(rec, "url")
	n := int(rec.NumRows())
	b.read = int64(n)
	select {
	case b.events = <-p.free:
	default:
		b.events = make([]compactEvent, 0, n)
	}
	clear(p.rawTypes)
	clear(p.typeIDs)
	clear(p.urlIDs)
	for i := 0; i < n; i++ {
		at, dated, _ := p.times.Parse(columnar.StrAt(occurred, i), p.asOf)
		if dated {
			b.span.add(at.UnixMicro())
		} else {
			b.span.rows++
			b.span.undated++
		}
		row := p.row(columnar.StrAt(emails, i), columnar.StrAt(recIDs, i))
		switch {
		case row < 0:
			b.unmatched++
			continue
		case !dated:
			b.undated++
			continue
		case at.After(p.asOf):
			b.afterAsOf++
			continue
		case at.Before(p.cutoff):
			b.expired++
			continue
		}
		raw := columnar.StrAt(types, i)
		tid, ok := p.rawTypes[raw]
		if !ok {
			typ := strings.ToLower(strings.TrimSpace(raw))
			if tid, ok = p.typeIDs[typ]; !ok {
				tid = uint16(len(b.types))
				p.typeIDs[typ] = tid
				b.types = append(b.types, typ)
			}
			p.rawTypes[raw] = tid
		}
		url := columnar.StrAt(urls, i)
		uid, ok := p.urlIDs[url]
		if !ok {
			uid = uint32(len(b.urls))
			p.urlIDs[url] = uid
			b.urls = append(b.urls, url)
		}
		b.events = append(b.events, compactEvent{entity: row, typ: tid, url: uid, at: at.UnixMicro()})
	}
}

// row is the entity row an event joins to: by its email's match key, else
// by its record id; -1 for none.
func (p *eventParser) row(email, recordID string) int32 {
	if email != "" {
		sh := p.emailRow.shard(email)
		sh.mu.Lock()
		r, ok := sh.rows[email]
		sh.mu.Unlock()
		if !ok {
			// Two workers may both miss an address and both look it up:
			// they find the same row.
			r = -1
			if e := normalize.Email(email); e.OK {
				if v, ok := p.ix.byEmail[e.MatchKey]; ok {
					r = v
				}
			}
			sh.mu.Lock()
			sh.rows[sh.arena.clone(email)] = r
			sh.mu.Unlock()
		}
		if r >= 0 {
			return r
		}
	}
	if v, ok := p.ix.byRecord[recordID]; ok {
		return v
	}
	return -1
}

// emailRows maps a raw email to its entity row (-1: none), for every
// worker: sharded, so that workers seldom wait on one another's lock.
type emailRows struct {
	seed   maphash.Seed
	shards [64]emailShard
}

type emailShard struct {
	mu    sync.Mutex
	rows  map[string]int32
	arena stringArena
	_     [24]byte // one shard per 64-byte cache line: workers locking two shards do not contend for one line
}

func newEmailRows(size int) *emailRows {
	e := &emailRows{seed: maphash.MakeSeed()}
	for i := range e.shards {
		e.shards[i].rows = make(map[string]int32, size/len(e.shards))
	}
	return e
}

func (e *emailRows) shard(email string) *emailShard {
	return &e.shards[maphash.String(e.seed, email)%uint64(len(e.shards))]
}

// eventInterner gives event types and URLs their ids in the event set, in
// order of first use across the batches merged.
type eventInterner struct {
	typeIDs map[string]uint16
	urlIDs  map[string]uint32
	tmap    []uint16 // batch type id -> set's
	umap    []uint32 // batch URL id -> set's
}

// merge appends b's events and counts to es, b being the next batch in
// read order.
func (in *eventInterner) merge(es *eventSet, b *eventBatch) {
	es.spans[b.file].merge(b.span)
	es.read += b.read
	if b.history {
		es.history += b.read
	}
	es.unmatched += b.unmatched
	es.undated += b.undated
	es.afterAsOf += b.afterAsOf
	es.expired += b.expired
	in.tmap = internAll(in.tmap[:0], b.types, in.typeIDs, &es.types)
	in.umap = internAll(in.umap[:0], b.urls, in.urlIDs, &es.urls)
	for _, e := range b.events {
		e.typ, e.url = in.tmap[e.typ], in.umap[e.url]
		es.events = append(es.events, e)
	}
}

// merge adds the span of the rows after s's.
func (s *eventSpan) merge(o eventSpan) {
	if o.rows > o.undated {
		if s.rows == s.undated || o.minAt < s.minAt {
			s.minAt = o.minAt
		}
		if s.rows == s.undated || o.maxAt > s.maxAt {
			s.maxAt = o.maxAt
		}
	}
	s.rows += o.rows
	s.undated += o.undated
}

// internAll appends to dst the run-wide id of each of a batch's strings,
// giving a string seen for the first time the next id (its index in list).
func internAll[T uint16 | uint32](dst []T, batch []string, ids map[string]T, list *[]string) []T {
	for _, v := range batch {
		id, ok := ids[v]
		if !ok {
			id = T(len(*list))
			v = strings.Clone(v)
			ids[v] = id
			*list = append(*list, v)
		}
		dst = append(dst, id)
	}
	return dst
}
