package stages

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
	"github.com/leadsmith/leadsmith/normalize"
	"github.com/leadsmith/leadsmith/score"
)

// entityIndex maps what activity events carry (an email, a record id) to
// the row of the entity in golden order.
type entityIndex struct {
	byEntity map[string]int32 // entity_id -> row
	byEmail  map[string]int32 // email match key -> row
	byRecord map[string]int32 // record_id (any source) -> row
}

// buildEntityIndex joins every record's email key and record id to its
// entity, so events of merged duplicates land on one entity. The email
// keys come from clusters when it has an email_key column (it then covers
// every live record, those of earlier nights too), else from tonight's
// normalized records joined to clusters by record key.
func buildEntityIndex(ctx context.Context, rc *etl.RunContext, golden []columnar.FileInfo, clusters []columnar.FileInfo, normalized []columnar.FileInfo) (*entityIndex, error) {
	clusterKeys, err := allHaveColumn(ctx, rc.Work, clusters, "email_key")
	if err != nil {
		return nil, err
	}
	var records, clustered, ents int64
	for _, f := range normalized {
		records += f.Rows
	}
	for _, f := range clusters {
		clustered += f.Rows
	}
	records = max(records, clustered)
	for _, f := range golden {
		ents += f.Rows
	}
	// Presized: these maps hold a million keys, and growing them rehashes.
	ix := &entityIndex{byEntity: make(map[string]int32, ents), byEmail: make(map[string]int32, records), byRecord: make(map[string]int32, records)}
	err = columnar.EachBatch(ctx, rc.Work, golden, func(rec arrow.Record) error {
		ids := columnar.StringCol(rec, "entity_id")
		for i := 0; i < int(rec.NumRows()); i++ {
			ix.byEntity[strings.Clone(columnar.StrAt(ids, i))] = int32(len(ix.byEntity))
		}
		return nil
	}, "entity_id")
	if err != nil {
		return nil, err
	}
	var recordEntity map[string]int32 // dedupe.RecordKey -> row, for the join through normalized
	if !clusterKeys {
		recordEntity = make(map[string]int32, records)
	}
	err = columnar.EachBatch(ctx, rc.Work, clusters, func(rec arrow.Record) error {
		ents, ids, srcs := columnar.StringCol(rec, "entity_id"), columnar.StringCol(rec, "record_id"), columnar.StringCol(rec, "source")
		keys := columnar.StringCol(rec, "email_key")
		for i := 0; i < int(rec.NumRows()); i++ {
			row, ok := ix.byEntity[columnar.StrAt(ents, i)]
			if !ok {
				continue
			}
			id := columnar.StrAt(ids, i)
			if clusterKeys {
				if key := columnar.StrAt(keys, i); key != "" {
					if _, dup := ix.byEmail[key]; !dup {
						ix.byEmail[strings.Clone(key)] = row
					}
				}
			} else {
				recordEntity[dedupe.RecordKey(columnar.StrAt(srcs, i), id)] = row
			}
			if _, dup := ix.byRecord[id]; !dup {
				ix.byRecord[strings.Clone(id)] = row
			}
		}
		return nil
	}, "entity_id", "record_id", "source", "email_key")
	if err != nil || clusterKeys {
		return ix, err
	}
	err = columnar.EachBatch(ctx, rc.Work, normalized, func(rec arrow.Record) error {
		keys, srcs, ids := columnar.StringCol(rec, "email_key"), columnar.StringCol(rec, "source"), columnar.StringCol(rec, "record_id")
		for i := 0; i < int(rec.NumRows()); i++ {
			key := columnar.StrAt(keys, i)
			if key == "" {
				continue
			}
			if row, ok := recordEntity[dedupe.RecordKey(columnar.StrAt(srcs, i), columnar.StrAt(ids, i))]; ok {
				if _, dup := ix.byEmail[key]; !dup {
					ix.byEmail[strings.Clone(key)] = row
				}
			}
		}
		return nil
	}, "email_key", "source", "record_id")
	return ix, err
}

// allHaveColumn reports whether every file has a column of that name
// (false for no files).
func allHaveColumn(ctx context.Context, s storage.Store, files []columnar.FileInfo, name string) (bool, error) {
	for _, f := range files {
		schema, _, err := columnar.ReadParquetSchema(ctx, s, f.Key)
		if err != nil {
			return false, err
		}
		if len(schema.FieldIndices(name)) == 0 {
			return false, nil
		}
	}
	return len(files) > 0, nil
}

// compactEvent is one event in 24 bytes: strings are interned to ids, so
// ten million events fit in a few hundred MB.
type compactEvent struct {
	entity int32
	typ    uint16
	url    uint32
	at     int64 // Unix microseconds
}

type eventSet struct {
	events    []compactEvent
	types     []string
	urls      []string
	offsets   []int32 // events of entity e: events[offsets[e]:offsets[e+1]] after group
	read      int64
	history   int64 // of read: from the store's events (earlier nights)
	unmatched int64
	undated   int64
	afterAsOf int64 // dated after the run's as-of: ignored
	expired   int64 // dated before the history cutoff: counted on no night
	spans     []eventSpan
}

// eventFile is one file of activity events: tonight's staged activities
// (in the work area) or a file of the store's events part (in the base
// state).
type eventFile struct {
	store   storage.Store
	key     string
	history bool
}

// eventSpan is what the parse of one event file found: its rows, how many
// had no usable date, and the range of the others' occurred_at (Unix
// microseconds). The store's keep, copy or rewrite choice reads it.
type eventSpan struct {
	rows, undated int64
	minAt, maxAt  int64
}

func (s *eventSpan) add(at int64) {
	if s.rows == s.undated || at < s.minAt {
		s.minAt = at
	}
	if s.rows == s.undated || at > s.maxAt {
		s.maxAt = at
	}
	s.rows++
}

// loadEvents reads the event files, joins each event to its entity by
// email match key (then record id) and groups them by entity. Events dated
// after the run's as-of have not happened yet as far as the run knows, and
// events before cutoff are past the history horizon: both are dropped
// before their types and URLs are interned. Every row's occurred_at is
// parsed, matched or not, so each file's span is known.
func loadEvents(ctx context.Context, rc *etl.RunContext, files []eventFile, ix *entityIndex, entities int, cutoff time.Time) (*eventSet, error) {
	es := &eventSet{spans: make([]eventSpan, len(files))}
	typeIDs, urlIDs := map[string]uint16{}, map[string]uint32{"": 0}
	es.urls = []string{""}
	emailRow := make(map[string]int32, len(ix.byEmail)) // raw email -> row (-1: none); raw addresses repeat per person
	var times normalize.TimeParser
	asOf := rc.Clock()
	for fi, f := range files {
		span := &es.spans[fi]
		err := columnar.EachBatch(ctx, f.store, []columnar.FileInfo{{Key: f.key}}, func(rec arrow.Record) error {
			emails, recIDs, occurred := columnar.StringCol(rec, "email"), columnar.StringCol(rec, "record_id"), columnar.StringCol(rec, "occurred_at")
			types, urls := columnar.StringCol(rec, "event_type"), columnar.StringCol(rec, "url")
			for i := 0; i < int(rec.NumRows()); i++ {
				es.read++
				if f.history {
					es.history++
				}
				at, dated, _ := times.Parse(columnar.StrAt(occurred, i), asOf)
				if dated {
					span.add(at.UnixMicro())
				} else {
					span.rows++
					span.undated++
				}
				row := int32(-1)
				if email := columnar.StrAt(emails, i); email != "" {
					r, ok := emailRow[email]
					if !ok {
						r = -1
						if e := normalize.Email(email); e.OK {
							if v, ok := ix.byEmail[e.MatchKey]; ok {
								r = v
							}
						}
						emailRow[strings.Clone(email)] = r
					}
					row = r
				}
				if row < 0 {
					if v, ok := ix.byRecord[columnar.StrAt(recIDs, i)]; ok {
						row = v
					}
				}
				switch {
				case row < 0:
					es.unmatched++
					continue
				case !dated:
					es.undated++
					continue
				case at.After(asOf):
					es.afterAsOf++
					continue
				case at.Before(cutoff):
					es.expired++
					continue
				}
				typ := strings.ToLower(strings.TrimSpace(columnar.StrAt(types, i)))
				tid, ok := typeIDs[typ]
				if !ok {
					tid = uint16(len(es.types))
					typeIDs[strings.Clone(typ)] = tid
					es.types = append(es.types, strings.Clone(typ))
				}
				url := columnar.StrAt(urls, i)
				uid, ok := urlIDs[url]
				if !ok {
					uid = uint32(len(es.urls))
					urlIDs[strings.Clone(url)] = uid
					es.urls = append(es.urls, strings.Clone(url))
				}
				es.events = append(es.events, compactEvent{entity: row, typ: tid, url: uid, at: at.UnixMicro()})
			}
			return nil
		}, "email", "record_id", "occurred_at", "event_type", "url")
		if err != nil {
			return nil, err
		}
	}
	es.group(entities)
	return es, nil
}

// group orders events by entity with a counting sort (linear, stable) and
// drops exact repeats of one event within an entity: a visit logged under
// two addresses of the same person counts once.
func (es *eventSet) group(entities int) {
	es.offsets = make([]int32, entities+1)
	for _, e := range es.events {
		es.offsets[e.entity+1]++
	}
	for i := 1; i <= entities; i++ {
		es.offsets[i] += es.offsets[i-1]
	}
	sorted := make([]compactEvent, len(es.events))
	next := append([]int32(nil), es.offsets[:entities]...)
	for _, e := range es.events {
		sorted[next[e.entity]] = e
		next[e.entity]++
	}
	out := sorted[:0]
	newOff := make([]int32, entities+1)
	for e := 0; e < entities; e++ {
		evs := sorted[es.offsets[e]:es.offsets[e+1]]
		slices.SortFunc(evs, func(a, b compactEvent) int {
			return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.typ, b.typ), cmp.Compare(a.url, b.url))
		})
		for k, ev := range evs {
			if k == 0 || ev != evs[k-1] {
				out = append(out, ev)
			}
		}
		newOff[e+1] = int32(len(out))
	}
	es.events, es.offsets = out, newOff
}

// chunk returns the events of entities [from, to) as score events with
// entity numbers relative to from.
func (es *eventSet) chunk(from, to int, buf []score.Event) []score.Event {
	buf = buf[:0]
	for _, e := range es.events[es.offsets[from]:es.offsets[to]] {
		buf = append(buf, score.Event{Entity: e.entity - int32(from), Type: es.types[e.typ], URL: es.urls[e.url],
			At: time.UnixMicro(e.at).UTC()})
	}
	return buf
}
