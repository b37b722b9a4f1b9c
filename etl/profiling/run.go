package profiling

import (
	"sort"
	"strings"
	"time"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/report"
)

// runSection describes the run from its committed stage markers: the
// sources reconciled (read = staged + rejected), each stage's duration and
// the datasets it staged.
func runSection(rc *etl.RunContext, order []string, committed map[string]*etl.StageResult) report.RunSection {
	var rs report.RunSection
	for _, name := range order {
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

// publishedOutputs are where a full run's publish puts the datasets the
// stages offer (etl.Publisher), with their staged rows: the latest
// committed stage that offers a dataset feeds it, and rejects gathers every
// stage's (as publish does). The profile's own rows, not known yet, are
// filled in by the stage.
func publishedOutputs(rc *etl.RunContext, stages []etl.Stage, committed map[string]*etl.StageResult) []report.Output {
	root := strings.TrimSuffix(rc.Config.Resolve(rc.Config.Output), "/") + "/"
	date := rc.RunDate.Format(time.DateOnly)
	var out []report.Output
	for _, name := range etl.PublishedNames(stages) {
		var rows int64
		for i := len(stages) - 1; i >= 0; i-- {
			pub, ok := stages[i].(etl.Publisher)
			st := committed[stages[i].Name()]
			if !ok || st == nil {
				continue
			}
			offered := false
			for _, p := range pub.Publishes() {
				if p.Dataset == name && !p.RunFile {
					offered = true
					for _, f := range st.Datasets[p.Staged] {
						rows += f.Rows
					}
				}
			}
			if offered && name != "rejects" {
				break
			}
		}
		out = append(out, report.Output{Name: name + " (published)", Path: root + name + "/run_date=" + date + "/", Rows: rows})
	}
	return append(out, report.Output{Name: "manifest and report", Path: root + etl.RunPrefix(rc.RunID)})
}
