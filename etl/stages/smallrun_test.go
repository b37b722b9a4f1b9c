package stages

import (
	"context"
	"testing"

	"github.com/leadsmith/leadsmith/etl"
)

// A run whose sources hold no row, or one, completes: dedupe has nothing
// to match.
func TestPipeline_ZeroAndOneRecordRunsComplete(t *testing.T) {
	for _, n := range []int{1, 0} {
		rc := newDirRun(t, "sources:\n  - name: crm\n    uri: ./data\n", map[string][]byte{"data/a.csv": contactsCSV("a", n)}, nil)
		if err := etl.RunPipeline(context.Background(), rc, Pipeline()); err != nil {
			t.Fatalf("%d records: %v", n, err)
		}
		m := readManifest(t, rc)
		if got := len(readRows(t, rc.Output, m.Datasets["contacts"].Files)); got != n {
			t.Errorf("%d records: %d contacts published", n, got)
		}
	}
}
