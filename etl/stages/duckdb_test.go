package stages

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/internal/testenv"
	"github.com/leadsmith/leadsmith/report"
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

	// The run report's rejects by reason and its funnel equal the
	// published data, and so do the profile dataset's counts.
	var rep report.Report
	if err := etl.ReadJSON(context.Background(), rc.Output, etl.RunPrefix(rc.RunID)+"report.json", &rep); err != nil {
		t.Fatal(err)
	}
	profile := fmt.Sprintf("read_parquet('%s/profile/**/*.parquet', hive_partitioning=true)", out)
	byReason := duckQuery(t,
		"SELECT reason, count(*)::BIGINT AS n FROM "+rejects+" GROUP BY reason",
		"SELECT lead_rank, count(*)::BIGINT AS n FROM "+contacts+" GROUP BY lead_rank",
		"SELECT key, value FROM "+profile+` WHERE dataset = 'rejects' AND "column" = 'reason' AND metric = 'count'`,
	)
	counts := func(cs []report.Count) map[string]string {
		out := map[string]string{}
		for _, c := range cs {
			if c.N > 0 {
				out[c.Label] = fmt.Sprint(c.N)
			}
		}
		return out
	}
	rows := func(r testenv.DuckResult, key, val string) map[string]string {
		out := map[string]string{}
		for _, row := range r.Rows {
			out[fmt.Sprint(row[key])] = fmt.Sprint(row[val])
		}
		return out
	}
	if len(byReason[0].Rows) == 0 {
		t.Fatal("the test pipeline published no rejects to compare")
	}
	if got, want := counts(rep.Quality.Rejects), rows(byReason[0], "reason", "n"); !maps.Equal(got, want) {
		t.Errorf("report rejects by reason %v, published %v", got, want)
	}
	if got, want := counts(rep.Funnel.Ranks), rows(byReason[1], "lead_rank", "n"); !maps.Equal(got, want) {
		t.Errorf("report lead ranks %v, published %v", got, want)
	}
	if got, want := rows(byReason[2], "key", "value"), rows(byReason[0], "reason", "n"); !maps.Equal(got, want) {
		t.Errorf("profile dataset rejects by reason %v, published %v", got, want)
	}
}
