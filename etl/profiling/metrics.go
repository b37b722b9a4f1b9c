package profiling

import (
	"context"
	"math"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/report"
)

// allSources is the source of a metric about a whole dataset.
const allSources = "*"

// metricRow is one row of the profile dataset.
type metricRow struct {
	dataset, source, column, metric, key string
	value                                float64
	text                                 string
}

// metricRows are the profile dataset's rows in the order they are written.
type metricRows []metricRow

func (m *metricRows) add(dataset, source, column, metric, key string, value float64) {
	*m = append(*m, metricRow{dataset: dataset, source: source, column: column, metric: metric, key: key, value: value})
}

func (m *metricRows) counts(dataset, column, metric string, cs []report.Count) {
	for _, c := range cs {
		m.add(dataset, allSources, column, metric, c.Label, float64(c.N))
	}
}

// run adds each source's reconciliation and the run's totals.
func (m *metricRows) run(rs report.RunSection) {
	for _, in := range rs.Inputs {
		m.add("sources", in.Source, "", "rows_read", "", float64(in.RowsRead))
		m.add("sources", in.Source, "", "rows_staged", "", float64(in.RowsStaged))
		m.add("sources", in.Source, "", "rows_rejected", "", float64(in.RowsRejected))
		m.add("sources", in.Source, "", "objects", "", float64(in.Objects))
	}
	m.add("run", allSources, "", "rows_read", "", float64(rs.RowsRead))
	m.add("run", allSources, "", "rows_rejected", "", float64(rs.RowsRejected))
	m.add("run", allSources, "", "entities", "", float64(rs.Entities))
}

// funnel adds the contacts' counts by rank, stage, segment, queue, owner.
func (m *metricRows) funnel(f *report.FunnelSection) {
	m.add("contacts", allSources, "", "contacts", "", float64(f.Contacts))
	m.add("contacts", allSources, "is_mql", "count", "true", float64(f.MQLs))
	m.add("contacts", allSources, "sla_due_at", "due_within_24h", "", float64(f.SLADue24h))
	m.add("contacts", allSources, "sla_due_at", "due_within_72h", "", float64(f.SLADue72h))
	m.counts("contacts", "lead_rank", "count", f.Ranks)
	m.counts("contacts", "funnel_stage", "count", f.FunnelStages)
	m.counts("contacts", "segment", "count", f.Segments)
	m.counts("contacts", "queue", "count", f.Queues)
	m.counts("contacts", "owner", "count", f.Owners)
}

// accounts adds coverage, match methods and accounts by tier.
func (m *metricRows) accounts(a *report.AccountSection) {
	m.add("accounts", allSources, "", "accounts", "", float64(a.Accounts))
	m.add("contacts", allSources, "account_id", "present", "", float64(a.Matched))
	m.counts("contacts", "account_match_method", "count", a.MatchMethods)
	for _, t := range a.ByTier {
		m.add("accounts", allSources, "tier", "accounts", t.Tier, float64(t.Accounts))
		m.add("accounts", allSources, "tier", "engaged_accounts", t.Tier, float64(t.Engaged))
	}
}

// matching adds blocking, the model, the weight histogram, cluster sizes
// and the evaluation.
func (m *metricRows) matching(ms *report.MatchSection) {
	const ds = "dedupe"
	m.add(ds, allSources, "", "records", "", float64(ms.Records))
	m.add(ds, allSources, "", "entities", "", float64(ms.Entities))
	for _, r := range ms.Rules {
		m.add(ds, allSources, "", "candidate_pairs", r.Name, float64(r.Pairs))
		m.add(ds, allSources, "", "candidate_pairs_cumulative", r.Name, float64(r.Cumulative))
		m.add(ds, allSources, "", "capped_blocks", r.Name, float64(r.CappedBlocks))
	}
	if len(ms.Comparisons) > 0 {
		m.add(ds, allSources, "", "prior", "", ms.Prior)
	}
	for _, c := range ms.Comparisons {
		for _, l := range c.Levels {
			if l.Null {
				continue
			}
			m.add(ds, allSources, c.Name, "m", l.Label, l.M)
			m.add(ds, allSources, c.Name, "u", l.Label, l.U)
			m.add(ds, allSources, c.Name, "match_weight", l.Label, l.Weight)
		}
	}
	for _, b := range ms.Histogram {
		if b.N > 0 {
			m.add(ds, allSources, "", "pairs_by_match_weight", strconv.FormatFloat(b.Lo, 'f', -1, 64), float64(b.N))
		}
	}
	m.counts(ds, "", "entities_by_size", ms.ClusterSizes)
	for _, t := range ms.Training {
		m.add(ds, allSources, "", "em_iterations", t.Rule, float64(t.Iterations))
	}
	if e := ms.Eval; e != nil {
		m.add(ds, allSources, e.TruthColumn, "precision", "", e.Precision)
		m.add(ds, allSources, e.TruthColumn, "recall", "", e.Recall)
		m.add(ds, allSources, e.TruthColumn, "f1", "", e.F1)
	}
}

// write writes the rows as one Parquet file of the profile schema.
func (m metricRows) write(ctx context.Context, rc *etl.RunContext, key string) (columnar.FileInfo, error) {
	w, err := columnar.NewParquetWriter(ctx, rc.Work, key, columnar.ProfileSchema, rc.Config.Parquet)
	if err != nil {
		return columnar.FileInfo{}, err
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, columnar.ProfileSchema)
	defer b.Release()
	str := func(j int, v string, nullable bool) {
		fb := b.Field(j).(*array.StringBuilder)
		if v == "" && nullable {
			fb.AppendNull()
		} else {
			fb.Append(v)
		}
	}
	for _, r := range m {
		str(0, rc.RunID, false)
		str(1, r.dataset, false)
		str(2, r.source, false)
		str(3, r.column, true)
		str(4, r.metric, false)
		str(5, r.key, true)
		if math.IsNaN(r.value) || math.IsInf(r.value, 0) {
			b.Field(6).AppendNull()
		} else {
			b.Field(6).(*array.Float64Builder).Append(r.value)
		}
		str(7, r.text, true)
	}
	rec := b.NewRecord()
	defer rec.Release()
	if err := w.Write(rec); err != nil {
		w.Abort()
		return columnar.FileInfo{}, err
	}
	return w.Close()
}
