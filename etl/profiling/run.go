package profiling

import (
	"sort"
	"strings"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/report"
)

// reportStages are the stages whose committed output the report reads, in
// pipeline order.
var reportStages = []string{"extract", "normalize", "dedupe", "enrich", "score"}

// runSection describes the run from its committed stage markers: the
// sources reconciled (read = staged + rejected), each stage's duration and
// the datasets it staged.
func runSection(rc *etl.RunContext, committed map[string]*etl.StageResult) report.RunSection {
	var rs report.RunSection
	for _, name := range reportStages {
		st := committed[name]
		if st == nil {
			continue
		}
		if rs.StartedAt.IsZero() || st.StartedAt.Before(rs.StartedAt) {
			rs.StartedAt = st.StartedAt
		}
		rs.Stages = append(rs.Stages, report.Stage{Name: name, DurationMS: st.DurationMS, RowsIn: st.RowsIn, RowsOut: st.RowsOut})
		for _, s := range st.Sources {
			rs.Inputs = append(rs.Inputs, report.Input{Source: s.Name, Objects: s.Objects, ObjectsUnchanged: s.ObjectsUnchanged,
				Bytes: s.Bytes, RowsRead: s.RowsRead, RowsStaged: s.RowsStaged, RowsRejected: s.RowsRejected})
			if s.Dataset == "raw" {
				rs.RowsRead += s.RowsRead
				rs.RowsStaged += s.RowsStaged
				rs.RowsRejected += s.RowsRejected
			}
			if !s.Reconciled {
				rs.Warnings = append(rs.Warnings, "source "+s.Name+" does not reconcile: rows read differ from rows staged plus rows rejected")
			}
		}
		names := make([]string, 0, len(st.Datasets))
		for d := range st.Datasets {
			names = append(names, d)
		}
		sort.Strings(names)
		for _, d := range names {
			// The entity store's parts and the report's own files are
			// bookkeeping, not the night's data.
			if d == "rejects" || len(st.Datasets[d]) == 0 || strings.HasPrefix(d, etl.StorePrefix) {
				continue
			}
			var rows int64
			for _, f := range st.Datasets[d] {
				rows += f.Rows
			}
			rs.Outputs = append(rs.Outputs, report.Output{Name: name + "/" + d, Path: rc.Config.Resolve(rc.Config.Work) + "/" + rc.DatasetPrefix(name, d), Rows: rows})
		}
	}
	if dd := committed["dedupe"]; dd != nil {
		rs.Entities = dd.RowsOut
		rs.Incremental, _ = dd.Notes["incremental"].(bool)
	}
	return rs
}
