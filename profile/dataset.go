package profile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// AllSources is the Source of the metrics about all of a dataset's rows.
const AllSources = "*"

// Dataset profiles every column of a dataset from its record batches: of
// all rows, and of each source apart when Options.SourceColumn is set. A
// Dataset is not safe for concurrent use: give each goroutine its own and
// Merge them at the end.
type Dataset struct {
	name  string
	opts  Options
	order []string                      // column names, first seen first
	known map[string]bool               // the names in order
	cols  map[string]map[string]*Column // source -> column -> profile
	valid map[string][]bool             // raw column -> validity flags of this batch
	flags map[string][]bool             // the buffers valid's flags are kept in

	// Per-batch scratch of split.
	ids  map[string]int
	srcs []string
	sels [][]int32
	bufs [][]int32 // the buffers of sels, kept from batch to batch
}

// NewDataset returns an empty profile of the named dataset.
func NewDataset(name string, opts Options) *Dataset {
	return &Dataset{
		name: name, opts: opts.withDefaults(),
		cols: map[string]map[string]*Column{}, known: map[string]bool{},
		valid: map[string][]bool{}, flags: map[string][]bool{}, ids: map[string]int{},
	}
}

// Name returns the dataset's name.
func (d *Dataset) Name() string { return d.name }

// Add profiles every column of rec. Rows whose source is null, or that come
// in a record without the source column, count under the source "". It
// fails only when the source column is not text. Add retains nothing of
// rec.
func (d *Dataset) Add(rec arrow.Record) error {
	if err := d.split(rec); err != nil {
		return err
	}
	schema := rec.Schema()
	clear(d.valid)
	for _, p := range d.opts.Pairs {
		if j := schema.FieldIndices(p.Norm); len(j) > 0 && schema.HasField(p.Raw) {
			d.flags[p.Raw] = validFlags(d.flags[p.Raw], rec.Column(j[0]))
			d.valid[p.Raw] = d.flags[p.Raw]
		}
	}
	for i, f := range schema.Fields() {
		d.register(f.Name)
		arr, valid := rec.Column(i), d.valid[f.Name]
		for s, src := range d.srcs {
			d.column(src, f.Name).observe(arr, d.sels[s], valid)
		}
	}
	return nil
}

func (d *Dataset) register(name string) {
	if !d.known[name] {
		d.known[name] = true
		d.order = append(d.order, name)
	}
}

func (d *Dataset) column(source, name string) *Column {
	m := d.cols[source]
	if m == nil {
		m = map[string]*Column{}
		d.cols[source] = m
	}
	c := m[name]
	if c == nil {
		c = NewColumn(name, d.opts)
		m[name] = c
	}
	return c
}

// split sets d.srcs to the sources of rec's rows and d.sels to their rows;
// a lone source gets a nil selection, meaning every row.
func (d *Dataset) split(rec arrow.Record) error {
	d.srcs, d.sels = d.srcs[:0], d.sels[:0]
	if d.opts.SourceColumn == "" {
		d.srcs, d.sels = append(d.srcs, AllSources), append(d.sels, nil)
		return nil
	}
	j := rec.Schema().FieldIndices(d.opts.SourceColumn)
	if len(j) == 0 {
		d.srcs, d.sels = append(d.srcs, ""), append(d.sels, nil)
		return nil
	}
	col := rec.Column(j[0])
	clear(d.ids)
	id := func(s string) int {
		k, ok := d.ids[s]
		if !ok {
			s = strings.Clone(s) // s may point into rec's buffers
			k = len(d.srcs)
			d.ids[s] = k
			d.srcs = append(d.srcs, s)
			if k == len(d.bufs) {
				d.bufs = append(d.bufs, nil)
			}
			d.sels = append(d.sels, d.bufs[k][:0])
		}
		return k
	}
	nb := nullsOf(col)
	var source func(i int) int
	if dict, ok := col.(*array.Dictionary); ok {
		acc := accessorOf(dict.Dictionary())
		if acc.kind != kindText {
			return fmt.Errorf("profile %s: source column %s is %s, want text", d.name, d.opts.SourceColumn, col.DataType())
		}
		byEntry := make([]int, dict.Dictionary().Len())
		for e := range byEntry {
			byEntry[e] = -1
		}
		source = func(i int) int {
			e := dict.GetValueIndex(i)
			if byEntry[e] < 0 {
				byEntry[e] = id(acc.str(e))
			}
			return byEntry[e]
		}
	} else {
		acc := accessorOf(col)
		if acc.kind != kindText {
			return fmt.Errorf("profile %s: source column %s is %s, want text", d.name, d.opts.SourceColumn, col.DataType())
		}
		last, lastID := "", -1
		source = func(i int) int {
			if s := acc.str(i); lastID < 0 || s != last {
				last, lastID = s, id(s)
			}
			return lastID
		}
	}
	for i := range col.Len() {
		k := 0
		if nb.null(i) {
			k = id("")
		} else {
			k = source(i)
		}
		d.sels[k] = append(d.sels[k], int32(i))
	}
	copy(d.bufs, d.sels) // keep the grown buffers for the next batch
	if len(d.srcs) == 1 {
		d.sels[0] = nil
	}
	return nil
}

// Sources returns the sources seen, sorted; without a source column, only
// AllSources.
func (d *Dataset) Sources() []string {
	out := make([]string, 0, len(d.cols))
	for s := range d.cols {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// Columns returns the names of the columns seen, first seen first.
func (d *Dataset) Columns() []string { return slices.Clone(d.order) }

// Column returns the profile of a column for one source, or for all rows
// when source is AllSources (then a merged copy); nil if unseen. The
// returned profile must not be changed.
func (d *Dataset) Column(name, source string) *Column {
	if source != AllSources || d.opts.SourceColumn == "" {
		return d.cols[source][name]
	}
	var all *Column
	for _, src := range d.Sources() {
		if c := d.cols[src][name]; c != nil {
			if all == nil {
				all = NewColumn(name, d.opts)
			}
			all.Merge(c)
		}
	}
	return all
}

// Merge adds o's profiles to d's, as if d had been given o's records too.
func (d *Dataset) Merge(o *Dataset) {
	for _, name := range o.order {
		d.register(name)
	}
	for src, m := range o.cols {
		for name, c := range m {
			d.column(src, name).Merge(c)
		}
	}
}

// Metrics returns the figures of every column, in column order: first of
// all rows (Source AllSources), then of each source in order.
func (d *Dataset) Metrics() []Metric {
	var out []Metric
	srcs := d.Sources()
	for _, name := range d.order {
		emit := func(source string, c *Column) {
			if c == nil {
				return
			}
			for _, m := range c.Metrics() {
				m.Dataset, m.Source = d.name, source
				out = append(out, m)
			}
		}
		emit(AllSources, d.Column(name, AllSources))
		if d.opts.SourceColumn == "" {
			continue
		}
		for _, src := range srcs {
			emit(src, d.cols[src][name])
		}
	}
	return out
}
