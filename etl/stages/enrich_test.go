package stages

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// enrichRun copies the pipeline test data with two reference account
// files (testdata/enrich) and an `enrich:` section, and runs it.
func enrichRun(t *testing.T, extra string) *etl.RunContext {
	t.Helper()
	return enrichRunWith(t, `
enrich:
  accounts:
    - name: crm_accounts
      uri: ./accounts
      glob: crm_accounts.csv
      columns: {account_id: Account ID, name: Account Name, domain: Website, industry: Industry, employees: Employees,
                revenue: Annual Revenue, country: Billing Country, owner: Account Owner, tier: Tier, parent_account_id: Parent Account ID}
    - name: firmographics
      uri: ./accounts
      glob: firmographics.csv
      columns: {account_id: Vendor ID, name: Company Name, domain: Domain, other_domains: Other Domains, industry: Industry,
                employees: Employee Range, country: Country}
`+extra)
}

// enrichRunWith runs the pipeline test data (with testdata/enrich under
// accounts/) and the config text section appended to its config.
func enrichRunWith(t *testing.T, section string) *etl.RunContext {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "pipeline"))); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(dir, "accounts"), os.DirFS(filepath.Join("testdata", "enrich"))); err != nil {
		t.Fatal(err)
	}
	cfgText, err := os.ReadFile(filepath.Join(dir, "leadsmith.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfgText = append(cfgText, []byte(section)...)
	if err := os.WriteFile(filepath.Join(dir, "leadsmith.yaml"), cfgText, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LEADSMITH_TEST_WORK", filepath.Join(dir, "work"))
	t.Setenv("LEADSMITH_TEST_OUTPUT", filepath.Join(dir, "out"))
	t.Setenv("LEADSMITH_TEST_STATE", filepath.Join(dir, "state"))
	cfg, err := etl.LoadConfig(filepath.Join(dir, "leadsmith.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if errs := cfg.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
	rc := testRunContext(cfg, nil)
	if err := etl.RunPipeline(context.Background(), rc, Pipeline()); err != nil {
		t.Fatal(err)
	}
	return rc
}

// TestEnrich_AccountsPersonaAndRouting: contacts get their account by
// domain (a CRM account and the vendor's row of the same company merge),
// missing firmographics from it with provenance, a persona, and the
// account owner as their owner; accounts holds every account with its
// roll-ups.
func TestEnrich_AccountsPersonaAndRouting(t *testing.T) {
	rc := enrichRun(t, "")
	m := readManifest(t, rc)
	contacts := map[string]map[string]string{}
	for _, r := range readRows(t, rc.Output, m.Datasets["contacts"].Files) {
		contacts[r["email_norm"]] = r
	}
	ada := contacts["ada@analytical.com"]
	if ada["account_id"] != "A1" || ada["account_match_method"] != "domain" || ada["account_name"] != "Analytical Engines Limited" {
		t.Errorf("ada: account %q by %q (%q)", ada["account_id"], ada["account_match_method"], ada["account_name"])
	}
	if ada["industry_norm_source"] != "account" || ada["industry_norm"] == "" {
		t.Errorf("ada: industry %q from %q, want the account's", ada["industry_norm"], ada["industry_norm_source"])
	}
	if ada["country_code"] != "GB" || ada["country_code_source"] != "contact" {
		t.Errorf("ada: country %q from %q, want her own GB", ada["country_code"], ada["country_code_source"])
	}
	if ada["persona"] != "Economic buyer" {
		t.Errorf("ada (CTO): persona %q", ada["persona"])
	}
	if ada["lead_rank"] != "2A" || ada["owner"] != "olga" || ada["route_reason"] != "account owner" {
		t.Errorf("ada (%s): routed to %q (%q), want her account's owner olga", ada["lead_rank"], ada["owner"], ada["route_reason"])
	}
	if alan := contacts["alan@bletchley.com"]; alan["account_id"] != "A2" || alan["country_code"] != "GB" || alan["country_code_source"] != "contact" {
		t.Errorf("alan: account %q by %q, country %q from %q (his own GB, not A2's IE)", alan["account_id"], alan["account_match_method"],
			alan["country_code"], alan["country_code_source"])
	}
	if ken := contacts["ken@bell.com"]; ken["account_id"] != "FV-2" || ken["account_match_method"] != "domain" {
		t.Errorf("ken: account %q by %q, want the vendor file's FV-2", ken["account_id"], ken["account_match_method"])
	}
	for email, c := range contacts {
		if c["account_id"] == "" && c["account_match_reason"] == "" {
			t.Errorf("%s: unmatched without a reason", email)
		}
	}

	accounts := map[string]map[string]string{}
	for _, r := range readRows(t, rc.Output, m.Datasets["accounts"].Files) {
		accounts[r["account_id"]] = r
	}
	for _, id := range []string{"A1", "A2", "A3", "A4", "A5", "FV-2"} {
		if _, ok := accounts[id]; !ok {
			t.Errorf("accounts lacks %s", id)
		}
	}
	if _, ok := accounts["FV-1"]; ok {
		t.Error("the vendor's row of Analytical Engines is an account of its own, not merged into A1")
	}
	if a1 := accounts["A1"]; a1["contact_count"] != "1" || a1["is_target"] != "true" || a1["owner"] != "olga" {
		t.Errorf("A1: %v", a1)
	}
	if a5 := accounts["A5"]; a5["contact_count"] != "0" || a5["account_stage"] == "" {
		t.Errorf("A5 (no contacts): count %q stage %q", a5["contact_count"], a5["account_stage"])
	}
}

// TestEnrich_DuckDBReadBack checks the published accounts against
// contacts the way an analyst would, in SQL: every contact's account is
// in accounts, the roll-up counts are what contacts add up to, and no
// contact lost a value it had to an append (golden is dedupe's staged
// output, before enrich).
func TestEnrich_DuckDBReadBack(t *testing.T) {
	rc := enrichRun(t, "")
	dd, err := rc.Committed(context.Background(), "dedupe")
	if err != nil || dd == nil {
		t.Fatalf("dedupe marker: %v", err)
	}
	out := rc.Output.URI()
	contacts := fmt.Sprintf("read_parquet('%s/contacts/**/*.parquet', hive_partitioning=true)", out)
	accounts := fmt.Sprintf("read_parquet('%s/accounts/**/*.parquet', hive_partitioning=true)", out)
	var gkeys []string
	for _, f := range dd.Datasets["golden"] {
		gkeys = append(gkeys, "'"+filepath.Join(rc.Work.URI(), f.Key)+"'")
	}
	golden := "read_parquet([" + strings.Join(gkeys, ",") + "])"
	res := duckQuery(t,
		"SELECT count(*) AS n FROM "+contacts+" c WHERE c.account_id IS NOT NULL AND c.account_id NOT IN (SELECT account_id FROM "+accounts+")",
		`WITH r AS (SELECT account_id, count(*) AS n, count(*) FILTER (WHERE engagement_grade IN ('A','B')) AS engaged,
		   count(*) FILTER (WHERE is_mql) AS mqls FROM `+contacts+` WHERE account_id IS NOT NULL GROUP BY account_id)
		 SELECT count(*) AS bad, (SELECT count(*) FROM r) AS accounts_with_contacts,
		   (SELECT sum(contact_count) FROM `+accounts+`) AS rolled, (SELECT count(*) FROM `+contacts+` WHERE account_id IS NOT NULL) AS matched
		 FROM `+accounts+` a LEFT JOIN r USING (account_id)
		 WHERE a.contact_count <> coalesce(r.n, 0) OR a.engaged_contacts <> coalesce(r.engaged, 0) OR a.mql_count <> coalesce(r.mqls, 0)`,
		`SELECT count(*) FILTER (WHERE g.industry_norm IS NOT NULL AND g.industry_norm IS DISTINCT FROM c.industry_norm) +
		        count(*) FILTER (WHERE g.employee_band IS NOT NULL AND g.employee_band IS DISTINCT FROM c.employee_band) +
		        count(*) FILTER (WHERE g.revenue_band IS NOT NULL AND g.revenue_band IS DISTINCT FROM c.revenue_band) +
		        count(*) FILTER (WHERE g.country_code IS NOT NULL AND g.country_code IS DISTINCT FROM c.country_code) AS overwritten,
		        count(*) FILTER (WHERE g.industry_norm IS NULL AND c.industry_norm IS NOT NULL AND c.industry_norm_source = 'account') AS appended,
		        count(*) FILTER (WHERE g.industry_norm IS NULL AND c.industry_norm IS NOT NULL AND c.industry_norm_source IS DISTINCT FROM 'account') AS unexplained
		 FROM `+contacts+` c JOIN `+golden+` g USING (entity_id)`,
	)
	if n := fmt.Sprint(res[0].Rows[0]["n"]); n != "0" {
		t.Errorf("%s contacts name an account that accounts lacks", n)
	}
	r := res[1].Rows[0]
	if fmt.Sprint(r["bad"]) != "0" || fmt.Sprint(r["rolled"]) != fmt.Sprint(r["matched"]) || fmt.Sprint(r["accounts_with_contacts"]) == "0" {
		t.Errorf("roll-ups against SQL: %v", r)
	}
	a := res[2].Rows[0]
	if fmt.Sprint(a["overwritten"]) != "0" || fmt.Sprint(a["unexplained"]) != "0" || fmt.Sprint(a["appended"]) == "0" {
		t.Errorf("append against golden: %v", a)
	}
}

// TestEnrich_OverwriteWhenConfigured: with `overwrite: [country_code]`
// the account's country replaces the contact's own, and says so.
func TestEnrich_OverwriteWhenConfigured(t *testing.T) {
	rc := enrichRun(t, "  overwrite: [country_code]\n")
	m := readManifest(t, rc)
	seen := false
	for _, r := range readRows(t, rc.Output, m.Datasets["contacts"].Files) {
		if r["email_norm"] != "alan@bletchley.com" {
			continue
		}
		seen = true
		if r["account_id"] != "A2" || r["country_code"] != "IE" || r["country_code_source"] != "account" {
			t.Errorf("alan (GB, account A2 in IE): country %q from %q, account %q", r["country_code"], r["country_code_source"], r["account_id"])
		}
	}
	if !seen {
		t.Fatal("alan is not in contacts")
	}
}

// TestEnrich_ParquetReferenceAndBadRows: a reference source may be
// Parquet; a row of a reference CSV that cannot be read goes to rejects
// with its source, like a contact row, and the rest is used.
func TestEnrich_ParquetReferenceAndBadRows(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := storage.NewLocalStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "Id", Type: arrow.BinaryTypes.String}, {Name: "Company", Type: arrow.BinaryTypes.String},
		{Name: "Web", Type: arrow.BinaryTypes.String}, {Name: "Owner", Type: arrow.BinaryTypes.String},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	for j, v := range []string{"P1", "Bletchley Park", "www.bletchley.com", "mia"} {
		b.Field(j).(*array.StringBuilder).Append(v)
	}
	rec := b.NewRecord()
	w, err := columnar.NewParquetWriter(ctx, st, "accounts.parquet", schema, columnar.ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rec.Release()
	b.Release()
	csv := "Account ID,Account Name,Website\nB1,Bell Labs,bell.com\nB2,\"unterminated,x.com\n"
	if err := os.WriteFile(filepath.Join(dir, "bad_accounts.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	rc := enrichRunWith(t, fmt.Sprintf(`
enrich:
  accounts:
    - name: vendor_parquet
      uri: %s
      glob: accounts.parquet
      columns: {account_id: Id, name: Company, domain: Web, owner: Owner}
    - name: crm_csv
      uri: %s
      glob: bad_accounts.csv
      columns: {account_id: Account ID, name: Account Name, domain: Website}
`, dir, dir))
	m := readManifest(t, rc)
	byEmail := map[string]map[string]string{}
	for _, r := range readRows(t, rc.Output, m.Datasets["contacts"].Files) {
		byEmail[r["email_norm"]] = r
	}
	if a := byEmail["alan@bletchley.com"]; a["account_id"] != "P1" || a["account_owner"] != "mia" {
		t.Errorf("alan: account %q owner %q, want the Parquet source's P1 (mia)", a["account_id"], a["account_owner"])
	}
	if k := byEmail["ken@bell.com"]; k["account_id"] != "B1" {
		t.Errorf("ken: account %q, want B1 from the CSV's good row", k["account_id"])
	}
	rejected := false
	for _, r := range readRows(t, rc.Output, m.Datasets["rejects"].Files) {
		if r["source"] == "crm_csv" {
			rejected = true
		}
	}
	if !rejected {
		t.Error("the reference CSV's unreadable row is not in rejects")
	}
	for _, s := range m.Sources {
		if s.Name == "crm_csv" && (s.RowsRead != 2 || s.RowsStaged != 1 || s.RowsRejected != 1 || !s.Reconciled) {
			t.Errorf("crm_csv reconciliation: %+v", s)
		}
	}
}
