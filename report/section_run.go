package report

import (
	"html/template"
	"strconv"
)

// runView is the run section: what came in, how long each stage took,
// what went out.
type runView struct {
	Tiles    []tile
	Inputs   []inputRow
	Total    inputRow
	Stages   template.HTML
	Outputs  []Output
	Warnings []string
	StageTab []Stage
}

// inputRow is one source with its reconciliation: read = staged +
// rejected, flagged when it does not add up.
type inputRow struct {
	Input
	Balanced bool
}

func newRunView(r *RunSection) runView {
	incr := tile{Metric: "incremental", Value: "0", Text: "no", Label: "incremental", Note: "full match"}
	if r.Incremental {
		incr = tile{Metric: "incremental", Value: "1", Text: "yes", Label: "incremental", Note: "matched against the entity store"}
	}
	warn := countTile("warnings", "warnings", int64(len(r.Warnings)), "")
	warn.Warn = len(r.Warnings) > 0
	rej := countTile("rows-rejected", "rows rejected", r.RowsRejected, shareNote(r.RowsRejected, r.RowsRead, "of read"))
	rej.Warn = r.RowsRejected > 0 && share(r.RowsRejected, r.RowsRead) > 0.05
	v := runView{
		Tiles: []tile{
			countTile("rows-read", "rows read", r.RowsRead, ""),
			countTile("rows-staged", "rows staged", r.RowsStaged, shareNote(r.RowsStaged, r.RowsRead, "of read")),
			rej,
			countTile("entities", "entities", r.Entities, ""),
			incr,
			warn,
		},
		Outputs:  r.Outputs,
		Warnings: r.Warnings,
		StageTab: r.Stages,
	}
	for _, in := range r.Inputs {
		v.Inputs = append(v.Inputs, inputRow{in, in.RowsRead == in.RowsStaged+in.RowsRejected})
		v.Total.Objects += in.Objects
		v.Total.ObjectsUnchanged += in.ObjectsUnchanged
		v.Total.Bytes += in.Bytes
		v.Total.RowsRead += in.RowsRead
		v.Total.RowsStaged += in.RowsStaged
		v.Total.RowsRejected += in.RowsRejected
	}
	v.Total.Source = "total"
	v.Total.Balanced = v.Total.RowsRead == v.Total.RowsStaged+v.Total.RowsRejected

	// The axis counts in the unit of the longest stage, so that its
	// ticks read 5, 10, 15 minutes rather than 500k milliseconds.
	var longest int64
	for _, s := range r.Stages {
		longest = max(longest, s.DurationMS)
	}
	unit, div := "milliseconds", 1.0
	switch {
	case longest >= 10*60_000:
		unit, div = "minutes", 60_000
	case longest >= 10_000:
		unit, div = "seconds", 1000
	}
	bars := make([]bar, len(r.Stages))
	for i, s := range r.Stages {
		bars[i] = bar{
			Label: s.Name, Value: float64(s.DurationMS) / div, Text: fmtDuration(s.DurationMS),
			Data:  strconv.FormatInt(s.DurationMS, 10),
			Title: s.Name + ": " + fmtDuration(s.DurationMS) + ", " + fmtInt(s.RowsIn) + " rows in, " + fmtInt(s.RowsOut) + " out",
		}
	}
	v.Stages = hbar(barChart{Name: "stage-durations", Caption: "Wall-clock time of each stage", Axis: unit, Bars: bars})
	return v
}
