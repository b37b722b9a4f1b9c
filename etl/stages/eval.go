package stages

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
)

// EvalReport is what `leadsmith eval` measures for a run's clusters.
type EvalReport struct {
	Records   int                    `json:"records"`
	Entities  int                    `json:"entities"`
	Truth     string                 `json:"truth_column"`
	Threshold float64                `json:"threshold"`
	Metrics   dedupe.Metrics         `json:"metrics"`
	Sweep     []dedupe.SweepPoint    `json:"sweep"`
	ChartKey  string                 `json:"chart_key"`
	Blocking  *dedupe.BlockingReport `json:"-"`
}

// Evaluate compares the run's committed clusters with a ground-truth
// column of the normalized records, sweeps the match threshold over the
// run's scored pairs, and writes a precision-recall chart (SVG) to
// <work>/runs/<run_id>/eval/precision_recall.svg. Records with no truth
// value count as entities of their own.
func Evaluate(ctx context.Context, rc *etl.RunContext, truthColumn string) (*EvalReport, error) {
	dd, err := etl.CommittedStage(ctx, rc, "dedupe", ": run `leadsmith dedupe` (or `leadsmith run`) first")
	if err != nil {
		return nil, err
	}
	// The records dedupe matched: tonight's newest versions (and, on an
	// incremental night, the known records they touched, whose truth is
	// not in tonight's data: they count as their own).
	truthOf, err := nightTruth(ctx, rc, truthColumn, "--truth-column")
	if err != nil {
		return nil, err
	}
	var keys []string
	var truth []string
	index := map[string]int32{}
	var cluster []int32
	entities := map[string]int32{}
	err = columnar.EachBatch(ctx, rc.Work, dd.Datasets["clusters"], func(rec arrow.Record) error {
		srcs, ids, ents := columnar.StringCol(rec, "source"), columnar.StringCol(rec, "record_id"), columnar.StringCol(rec, "entity_id")
		for i := 0; i < int(rec.NumRows()); i++ {
			key := dedupe.RecordKey(columnar.StrAt(srcs, i), columnar.StrAt(ids, i))
			id := columnar.StrAt(ents, i)
			c, ok := entities[id]
			if !ok {
				c = int32(len(entities))
				entities[strings.Clone(id)] = c
			}
			index[key] = int32(len(keys))
			keys = append(keys, key)
			v := truthOf[key]
			if v == "" {
				v = "\x00unlabelled/" + key
			}
			truth = append(truth, v)
			cluster = append(cluster, c)
		}
		return nil
	}, "source", "record_id", "entity_id")
	if err != nil {
		return nil, err
	}
	m, err := dedupe.Evaluate(cluster, truth)
	if err != nil {
		return nil, err
	}
	settings, err := etl.DedupeSettings(rc.Config)
	if err != nil {
		return nil, err
	}
	pairs := &dedupe.Pairs{}
	err = columnar.EachBatch(ctx, rc.Work, dd.Datasets["pairs"], func(rec arrow.Record) error {
		ls, rs := columnar.StringCol(rec, "record_id_l"), columnar.StringCol(rec, "record_id_r")
		probs, _ := rec.Column(rec.Schema().FieldIndices("match_probability")[0]).(*array.Float64)
		for i := 0; i < int(rec.NumRows()); i++ {
			l, lok := index[columnar.StrAt(ls, i)]
			r, rok := index[columnar.StrAt(rs, i)]
			if !lok || !rok || probs == nil {
				return fmt.Errorf("pairs list a record that clusters do not")
			}
			pairs.L, pairs.R, pairs.Prob = append(pairs.L, l), append(pairs.R, r), append(pairs.Prob, float32(probs.Value(i)))
		}
		return nil
	}, "record_id_l", "record_id_r", "match_probability")
	if err != nil {
		return nil, err
	}
	sweep, err := dedupe.Sweep(pairs, truth, dedupe.DefaultSweepThresholds, settings.MaxClusterSize)
	if err != nil {
		return nil, err
	}
	var svg bytes.Buffer
	if err := dedupe.WriteSweepSVG(&svg, sweep); err != nil {
		return nil, err
	}
	chart := rc.StagePrefix("eval") + "precision_recall.svg"
	if err := etl.WriteBytes(ctx, rc.Work, chart, svg.Bytes()); err != nil {
		return nil, err
	}
	threshold, _ := dd.Notes["threshold"].(float64)
	return &EvalReport{Records: len(keys), Entities: len(entities), Truth: truthColumn, Threshold: threshold,
		Metrics: m, Sweep: sweep, ChartKey: chart}, nil
}

// WriteText prints the report as a person reads it.
func (r *EvalReport) WriteText(w io.Writer, workURI string) {
	m := r.Metrics
	fmt.Fprintf(w, "records %d, entities %d, truth column %s, threshold %g\n", r.Records, r.Entities, r.Truth, r.Threshold)
	fmt.Fprintf(w, "pairwise  precision %.4f  recall %.4f  F1 %.4f  (true pairs %d, predicted %d, correct %d)\n",
		m.Precision, m.Recall, m.F1, m.TruePairs, m.PredictedPairs, m.TruePositives)
	fmt.Fprintf(w, "b-cubed   precision %.4f  recall %.4f  F1 %.4f\n\n", m.BCubedPrecision, m.BCubedRecall, m.BCubedF1)
	fmt.Fprintf(w, "%-10s %9s %9s %9s %9s %9s\n", "threshold", "clusters", "precision", "recall", "F1", "b3 F1")
	for _, p := range r.Sweep {
		fmt.Fprintf(w, "%-10g %9d %9.4f %9.4f %9.4f %9.4f\n", p.Threshold, p.Clusters, p.Precision, p.Recall, p.F1, p.BCubedF1)
	}
	fmt.Fprintf(w, "\nprecision-recall chart: %s/%s\n", strings.TrimSuffix(workURI, "/"), r.ChartKey)
}

// ErrUnknownRecord marks a --pair record id the run does not hold (or holds
// in several sources): bad usage, not a failure.
var ErrUnknownRecord = errors.New("not one record of the run")

// ExplainPair prints the match-weight waterfall of two records of the run.
func ExplainPair(ctx context.Context, rc *etl.RunContext, left, right string, w io.Writer) error {
	ex, err := PairExplanation(ctx, rc, left, right)
	if err != nil {
		return err
	}
	return ex.WriteText(w)
}

// PairExplanation scores two records of the run (record ids, or
// source/record_id) with the model dedupe used and returns the waterfall.
func PairExplanation(ctx context.Context, rc *etl.RunContext, left, right string) (dedupe.Explanation, error) {
	var none dedupe.Explanation
	r, err := rc.Work.Open(ctx, rc.StagePrefix("dedupe")+"model.json")
	if err != nil {
		return none, fmt.Errorf("no trained model for run %s (run `leadsmith dedupe` first): %w", rc.RunID, err)
	}
	model, err := dedupe.LoadModel(r)
	r.Close()
	if err != nil {
		return none, err
	}
	raw, err := loadNormalized(ctx, rc)
	if err != nil {
		return none, err
	}
	t := resolveVersions(raw).t
	find := func(id string) (int, error) {
		found := -1
		for i, k := range t.IDs {
			if k == id || strings.HasSuffix(k, "/"+id) && !strings.Contains(id, "/") {
				if found >= 0 {
					return 0, fmt.Errorf("--pair: record id %q is in several sources; write it as source/record_id: %w", id, ErrUnknownRecord)
				}
				found = i
			}
		}
		if found < 0 {
			return 0, fmt.Errorf("--pair: no record %q in run %s: %w", id, rc.RunID, ErrUnknownRecord)
		}
		return found, nil
	}
	i, err := find(left)
	if err != nil {
		return none, err
	}
	j, err := find(right)
	if err != nil {
		return none, err
	}
	scorer, err := dedupe.NewScorer(model, t)
	if err != nil {
		return none, err
	}
	return scorer.Explain(i, j)
}
