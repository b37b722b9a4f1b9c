package stages

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl/columnar"
)

// Score reads enrich's `enriched` dataset beside golden: the same entities
// in the same order. Each golden batch is merged with its enriched rows
// into the record that is scored and written to contacts: the
// firmographic columns take their enriched values (appended from the
// account where the golden record had none), and the account, persona
// and provenance columns follow golden's.

// enrichedExtra are the enriched columns contacts gains, in order.
var enrichedExtra = func() []arrow.Field {
	var out []arrow.Field
	for _, f := range columnar.EnrichedSchema.Fields() {
		if f.Name != "entity_id" && !columnar.IsCanonical(f.Name, columnar.FirmographicColumns) {
			out = append(out, f)
		}
	}
	return out
}()

// fromEnriched names the merged record's columns that enriched gives.
var fromEnriched = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range columnar.FirmographicColumns {
		m[c] = true
	}
	for _, f := range enrichedExtra {
		m[f.Name] = true
	}
	return m
}()

// mergedSchema is golden's schema with enrich's columns: the firmographic
// ones as enrich gives them, the others appended.
func mergedSchema(golden *arrow.Schema) *arrow.Schema {
	fields := make([]arrow.Field, 0, golden.NumFields()+len(enrichedExtra))
	for _, f := range golden.Fields() {
		if fromEnriched[f.Name] && !columnar.IsCanonical(f.Name, columnar.FirmographicColumns) {
			continue // a passthrough column of that name: enrich's wins
		}
		if columnar.IsCanonical(f.Name, columnar.FirmographicColumns) {
			f = arrow.Field{Name: f.Name, Type: arrow.BinaryTypes.String, Nullable: true}
		}
		fields = append(fields, f)
	}
	return arrow.NewSchema(append(fields, enrichedExtra...), nil)
}

// mergeEnriched builds the merged record of a golden batch and its
// enriched rows (the same entities, checked).
func mergeEnriched(schema *arrow.Schema, golden, enriched arrow.Record) (arrow.Record, error) {
	n := golden.NumRows()
	if enriched.NumRows() != n {
		return nil, fmt.Errorf("enriched rows: %d for a golden batch of %d", enriched.NumRows(), n)
	}
	gids, eids := columnar.StringCol(golden, "entity_id"), columnar.StringCol(enriched, "entity_id")
	if n > 0 && (gids == nil || eids == nil || gids.Value(0) != eids.Value(0) || gids.Value(int(n)-1) != eids.Value(int(n)-1)) {
		return nil, fmt.Errorf("enriched rows are not in golden's order: rerun enrich")
	}
	cols := make([]arrow.Array, 0, schema.NumFields())
	for _, f := range schema.Fields() {
		var a arrow.Array
		if fromEnriched[f.Name] {
			a = columnar.Column(enriched, f.Name)
		} else {
			a = columnar.Column(golden, f.Name)
		}
		if a == nil {
			nulls := array.MakeArrayOfNull(memory.DefaultAllocator, f.Type, int(n))
			defer nulls.Release()
			a = nulls
		}
		cols = append(cols, a)
	}
	return array.NewRecord(schema, cols, n), nil
}

// mergeNext is the merged record of a golden batch and the next enriched
// rows (see mergeEnriched); the caller releases it.
func mergeNext(c *columnar.RowCursor, schema *arrow.Schema, golden arrow.Record) (arrow.Record, error) {
	erec, err := c.Next(golden.NumRows())
	if err != nil {
		return nil, err
	}
	defer erec.Release()
	return mergeEnriched(schema, golden, erec)
}
