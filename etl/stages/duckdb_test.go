package stages

import (
	"context"
	"fmt"
	"testing"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/internal/testenv"
)

type duckResult = testenv.DuckResult

// duckQuery runs SQL through DuckDB (testenv.DuckQuery).
func duckQuery(t *testing.T, sql ...string) []duckResult {
	t.Helper()
	return testenv.DuckQuery(t, sql...)
}

// TestReadback_DuckDB reads the published layout the way a BI tool does:
// one glob with Hive partitioning, no help from leadsmith.
func TestReadback_DuckDB(t *testing.T) {
	rc := newTestRun(t)
	if err := etl.RunPipeline(context.Background(), rc, Pipeline()); err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, rc)
	out := rc.Output.URI()
	contacts := fmt.Sprintf("read_parquet('%s/contacts/**/*.parquet', hive_partitioning=true)", out)
	rejects := fmt.Sprintf("read_parquet('%s/rejects/**/*.parquet', hive_partitioning=true)", out)
	res := duckQuery(t,
		"DESCRIBE SELECT * FROM "+contacts,
		"SELECT count(*) AS n, count(DISTINCT entity_id) AS ids, min(run_date)::VARCHAR AS run_date, string_agg(DISTINCT segment, ',' ORDER BY segment) AS segment FROM "+contacts,
		"SELECT count(*) AS n, count(reason) AS reasons FROM "+rejects,
	)
	types := map[string]string{}
	for _, r := range res[0].Rows {
		types[fmt.Sprint(r["column_name"])] = fmt.Sprint(r["column_type"])
	}
	for col, want := range map[string]string{
		"entity_id": "VARCHAR", "email": "VARCHAR", "first_name": "VARCHAR", "source_record_ids": "VARCHAR[]",
		"record_count": "BIGINT", "first_seen_at": "TIMESTAMP WITH TIME ZONE", "run_date": "DATE", "segment": "VARCHAR",
		"created_at": "TIMESTAMP WITH TIME ZONE", "revenue_usd": "DOUBLE", "employee_count": "BIGINT",
		"fit_score": "BIGINT", "fit_grade": "BIGINT", "engagement_score": "DOUBLE", "engagement_grade": "VARCHAR",
		"lead_rank": "VARCHAR", "is_mql": "BOOLEAN", "funnel_stage": "VARCHAR", "owner": "VARCHAR", "queue": "VARCHAR",
		"sla_due_at": "TIMESTAMP WITH TIME ZONE", "route_reason": "VARCHAR", "run_id": "VARCHAR", "scored_at": "TIMESTAMP WITH TIME ZONE",
		"email_norm": "VARCHAR", "seniority": "VARCHAR", "country_code": "VARCHAR",
	} {
		if types[col] != want {
			t.Errorf("DuckDB sees %s as %q, want %s", col, types[col], want)
		}
	}
	for i, col := range columnar.CanonicalColumns {
		if col == "record_id" || col == "source" {
			continue // per record, not per entity
		}
		if _, ok := types[col]; !ok {
			t.Errorf("canonical column %d %s missing", i, col)
		}
	}
	got := res[1].Rows[0]
	want := m.Datasets["contacts"].Rows
	if fmt.Sprint(got["n"]) != fmt.Sprint(want) || fmt.Sprint(got["ids"]) != fmt.Sprint(want) {
		t.Errorf("DuckDB counts %v rows / %v distinct entity ids, manifest says %d", got["n"], got["ids"], want)
	}
	// Segments come from the config's rules: professors, the CTO, the rest.
	if got["run_date"] != "2026-11-23" || got["segment"] != "executives,other,researchers" {
		t.Errorf("partitions = %v", got)
	}
	if rj := res[2].Rows[0]; fmt.Sprint(rj["n"]) != fmt.Sprint(m.Datasets["rejects"].Rows) || fmt.Sprint(rj["reasons"]) != fmt.Sprint(rj["n"]) {
		t.Errorf("rejects via DuckDB = %v, manifest %d", rj, m.Datasets["rejects"].Rows)
	}
}
