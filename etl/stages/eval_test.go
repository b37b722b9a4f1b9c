package stages

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/leadsmith/leadsmith/etl"
)

// TestEvaluate_AgainstEmailAsTruth uses the normalized email as a stand-in
// truth: Ada's CRM record and form fill share one address and are the only
// pair, and dedupe merges exactly them.
func TestEvaluate_AgainstEmailAsTruth(t *testing.T) {
	rc := newTestRun(t)
	ctx := context.Background()
	if err := etl.RunPipeline(ctx, rc, Pipeline()); err != nil {
		t.Fatal(err)
	}
	rep, err := Evaluate(ctx, rc, "email_norm")
	if err != nil {
		t.Fatal(err)
	}
	m := rep.Metrics
	if rep.Records != 7 || rep.Entities != 6 || m.TruePairs != 1 || m.PredictedPairs != 1 || m.F1 != 1 {
		t.Errorf("report = %+v", rep)
	}
	if len(rep.Sweep) == 0 {
		t.Error("no threshold sweep")
	}
	svg, err := rc.Work.Open(ctx, rep.ChartKey)
	if err != nil {
		t.Fatalf("chart not written: %v", err)
	}
	svg.Close()
	if _, err := Evaluate(ctx, rc, "no_such_column"); err == nil || !strings.Contains(err.Error(), "--truth-column") {
		t.Errorf("unknown truth column: err = %v", err)
	}
	var out bytes.Buffer
	if err := ExplainPair(ctx, rc, "crm/c1", "fills.jsonl:1", &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "email") {
		t.Errorf("waterfall lacks the email comparison:\n%s", out.String())
	}
	if err := ExplainPair(ctx, rc, "crm/c1", "nobody", &out); err == nil || !strings.Contains(err.Error(), "no record") {
		t.Errorf("unknown record: err = %v", err)
	}
}
