package etl

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// An incremental night does not rewrite the store's files. A file whose
// rows tonight leaves alone is carried into tonight's version as it is (a
// hard link or a server-side copy); the rows tonight supersedes (records
// and golden records of the entities it touches) join the file's deletion
// vector (columnar.DeadRows), and their new versions go to tonight's own
// part. A file is compacted (its live rows rewritten into one new part)
// once a third of it is dead, and the smallest files are when a part has
// more than StoreMaxFiles (or, for golden records, when tonight's schema
// differs from the file's), so that reading the store stays one pass over
// few files whatever the number of nights.

// storeDeadShare is the share of dead rows past which a file is compacted.
const storeDeadShare = 0.3

// StoreMaxFiles bounds the files of a store part: past it the smallest
// are compacted.
const StoreMaxFiles = 8

// Carrier carries the files of one store part into tonight's version.
type Carrier struct {
	files   []columnar.FileInfo
	rows    []int64           // every row of each file, dead ones included
	old     []*roaring.Bitmap // each file's deletion vector (never nil)
	dead    []*roaring.Bitmap // rows tonight supersedes
	compact []bool            // rewritten tonight into the compacted part
}

// NewCarrier reads the files' footers and deletion vectors and chooses
// the files to compact. With want given, a file of another schema is
// compacted too (into want), so that every file of tonight's part has one
// schema, as readers of the golden dataset expect.
func NewCarrier(ctx context.Context, s storage.Store, files []columnar.FileInfo, want *arrow.Schema) (*Carrier, error) {
	c := &Carrier{files: files}
	live := make([]int64, len(files))
	for i, f := range files {
		schema, rows, err := columnar.ReadParquetSchema(ctx, s, f.Key)
		if err != nil {
			return nil, err
		}
		old, err := columnar.DeadRows(ctx, s, f)
		if err != nil {
			return nil, err
		}
		if old == nil {
			old = roaring.New()
		}
		c.rows = append(c.rows, rows)
		c.old = append(c.old, old)
		c.dead = append(c.dead, roaring.New())
		live[i] = rows - int64(old.GetCardinality())
		c.compact = append(c.compact, (rows > 0 && float64(old.GetCardinality()) > storeDeadShare*float64(rows)) ||
			(want != nil && !sameColumns(schema, want)))
	}
	kept := 0
	for _, comp := range c.compact {
		if !comp {
			kept++
		}
	}
	if kept > StoreMaxFiles-2 { // room for the compacted part and tonight's
		order := make([]int, len(files))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return live[order[a]] < live[order[b]] })
		for _, i := range order {
			if kept <= StoreMaxFiles-2 {
				break
			}
			if !c.compact[i] {
				c.compact[i] = true
				kept--
			}
		}
	}
	return c, nil
}

// Kill marks row `row` of file `file` superseded tonight.
func (c *Carrier) Kill(file int, row int64) { c.dead[file].Add(uint32(row)) }

// Carry puts the files that are not compacted into tonight's dataset
// (prefix: its folder in the work location), each with its deletion
// vector; a file with no live row left is dropped. It returns them in
// order; the compacted part and tonight's follow them.
func (c *Carrier) Carry(ctx context.Context, rc *RunContext, prefix string) ([]columnar.FileInfo, error) {
	var out []columnar.FileInfo
	for i, f := range c.files {
		if c.compact[i] {
			continue
		}
		dead := roaring.Or(c.old[i], c.dead[i])
		n := int64(dead.GetCardinality())
		if n >= c.rows[i] {
			continue
		}
		key := prefix + fmt.Sprintf("part-%05d.parquet", len(out))
		if err := storage.Copy(ctx, rc.BaseState(), f.Key, rc.Work, key); err != nil {
			return nil, fmt.Errorf("carry store file %s: %w", f.Key, err)
		}
		fi := columnar.FileInfo{Key: key, Rows: c.rows[i] - n, Bytes: f.Bytes}
		if n > 0 {
			fi.Dead = strings.TrimSuffix(key, ".parquet") + ".dead"
			fi.DeadRows = n
			if err := columnar.WriteDeadRows(ctx, rc.Work, fi.Dead, dead); err != nil {
				return nil, err
			}
		}
		out = append(out, fi)
	}
	return out, nil
}

// Compacts reports whether file i is compacted tonight: its live rows,
// less those Kill marks, go to the caller's compacted part.
func (c *Carrier) Compacts(i int) bool { return c.compact[i] }

// Compacted counts the files compacted tonight.
func (c *Carrier) Compacted() int {
	n := 0
	for _, comp := range c.compact {
		if comp {
			n++
		}
	}
	return n
}

// sameColumns reports whether two schemas have the same columns in the
// same order with the same types (metadata aside: a schema read back from
// Parquet carries some).
func sameColumns(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.Fields() {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name || !arrow.TypeEqual(fa.Type, fb.Type) {
			return false
		}
	}
	return true
}
