package stages

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/leadsmith/leadsmith/enrich"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/extract"
)

// Enrich matches every golden record to an account (the reference
// accounts of `enrich.accounts`, else one inferred from its corporate
// domain), fills missing firmographics from the account with their
// provenance, and names each contact's persona: dataset `enriched`, one
// row per entity in golden order, which score reads beside golden. Every
// account, referenced or inferred, goes to `account_list`, from which
// score builds the published `accounts` with its roll-ups.
type Enrich struct{}

// Name implements Stage.
func (Enrich) Name() string { return "enrich" }

// Needs implements Stage.
func (Enrich) Needs() []string { return []string{"extract", "dedupe"} }

// MemoryBudget: the match inputs of every entity (a few short strings
// each) and the reference accounts' indexes.
func (Enrich) MemoryBudget() int64 { return 1 << 30 }

// Summary is the stage's one-line description.
func (Enrich) Summary() string {
	return "Match contacts to accounts, append firmographics, name personas"
}

// Fingerprint implements Fingerprinter: the enrich section (its account
// sources are read by extract, whose fingerprint covers their objects).
func (Enrich) Fingerprint(ctx context.Context, rc *etl.RunContext) (string, error) {
	return etl.FingerprintOf(rc.Config.Parquet, rc.Config.Enrich)
}

// enrichInputCols are the golden columns matching and append read.
var enrichInputCols = []string{"entity_id", "email_domain", "email_type", "domain", "company_key", "country_code",
	"industry_norm", "employee_band", "revenue_band", "job_function", "seniority"}

// Run implements Stage.
func (Enrich) Run(ctx context.Context, rc *etl.RunContext) (*etl.StageResult, error) {
	opts := rc.Config.Enrich.Options.WithDefaults()
	ex, err := etl.CommittedStage(ctx, rc, "extract", "")
	if err != nil {
		return nil, err
	}
	dd, err := etl.CommittedStage(ctx, rc, "dedupe", "")
	if err != nil {
		return nil, err
	}
	start := time.Now()
	raws, err := readAccountRows(ctx, rc, ex.Datasets[extract.AccountsDataset])
	if err != nil {
		return nil, err
	}
	ref, refIssues := enrich.BuildReference(raws, opts)
	ids, contacts, err := readEnrichInputs(ctx, rc, dd.Datasets["golden"])
	if err != nil {
		return nil, err
	}
	matches, inferred := ref.MatchAll(contacts, opts)
	personas, err := enrich.NewPersonaTable(opts.Personas)
	if err != nil {
		return nil, err
	}
	accounts := append(ref.Accounts(), inferred...)
	byID := make(map[string]*enrich.Account, len(accounts))
	for i := range accounts {
		byID[accounts[i].ID] = &accounts[i]
	}
	rc.Log.Info("accounts matched", "reference_rows", len(raws), "reference_accounts", ref.Len(), "inferred_accounts", len(inferred),
		"contacts", len(contacts), "duration_ms", time.Since(start).Milliseconds())

	methods, reasons := map[string]int{}, map[string]int{}
	appended := map[string]int{}
	key := rc.DatasetPrefix("enrich", "enriched") + "part-00000.parquet"
	enriched, err := writeTable(ctx, rc, key, columnar.EnrichedSchema, len(ids), func(b *array.RecordBuilder, from, to int) {
		for i := from; i < to; i++ {
			m := matches[i]
			a := byID[m.AccountID]
			firmo, prov := enrich.Append(contacts[i], a, opts)
			if m.AccountID != "" {
				methods[m.Method]++
			} else {
				reasons[m.Reason]++
			}
			b.Field(0).(*array.StringBuilder).Append(ids[i])
			opt := func(j int, v string) { columnar.AppendOptString(b.Field(j).(*array.StringBuilder), v) }
			opt(1, m.AccountID)
			if a != nil {
				opt(2, a.Name)
			} else {
				opt(2, "")
			}
			opt(3, m.Method)
			if m.AccountID != "" {
				b.Field(4).(*array.Float64Builder).Append(m.Score)
			} else {
				b.Field(4).AppendNull()
			}
			opt(5, m.Reason)
			if a != nil {
				opt(6, a.Owner)
				opt(7, a.Tier)
			} else {
				opt(6, "")
				opt(7, "")
			}
			opt(8, personas.Persona(contacts[i].JobFunction, contacts[i].Seniority))
			vals := []string{firmo.IndustryNorm, firmo.EmployeeBand, firmo.RevenueBand, firmo.CountryCode}
			srcs := []string{prov.IndustryNorm, prov.EmployeeBand, prov.RevenueBand, prov.CountryCode}
			for k := range vals {
				opt(9+k, vals[k])
				opt(9+len(vals)+k, srcs[k])
				if srcs[k] == "account" {
					appended[columnar.FirmographicColumns[k]]++
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	list, err := writeAccountList(ctx, rc, accounts)
	if err != nil {
		return nil, err
	}
	matched := 0
	for _, n := range methods {
		matched += n
	}
	rc.Log.Info("contacts enriched", "entities", len(ids), "matched", matched, "inferred_accounts", len(inferred),
		"appended", len(appended), "duration_ms", time.Since(start).Milliseconds())
	res := &etl.StageResult{RowsIn: int64(len(ids)), RowsOut: int64(len(ids)),
		Datasets: map[string][]columnar.FileInfo{"enriched": {enriched}, "account_list": {list}}}
	res.Notes = map[string]any{"reference_rows": len(raws), "reference_accounts": ref.Len(), "reference_issues": refIssues,
		"inferred_accounts": len(inferred), "matched": matched, "match_methods": methods, "unmatched_reasons": reasons,
		"appended": appended}
	return res, nil
}

// readAccountRows reads the staged reference account rows.
func readAccountRows(ctx context.Context, rc *etl.RunContext, files []columnar.FileInfo) ([]enrich.RawAccount, error) {
	priority := map[string]int{}
	for _, a := range rc.Config.Enrich.Accounts {
		priority[a.Name] = a.Priority
	}
	var out []enrich.RawAccount
	err := columnar.EachBatch(ctx, rc.Work, files, func(rec arrow.Record) error {
		n := int(rec.NumRows())
		col := func(name string) []string {
			vals := make([]string, n)
			if idx := rec.Schema().FieldIndices(name); len(idx) > 0 {
				columnar.ColumnStrings(rec.Column(idx[0]), vals)
			}
			return vals
		}
		src, id, name, domain, other := col("source"), col("account_id"), col("name"), col("domain"), col("other_domains")
		ind, emp, rev, country, state := col("industry"), col("employees"), col("revenue"), col("country"), col("state")
		parent, owner, tier := col("parent_account_id"), col("owner"), col("tier")
		for i := 0; i < n; i++ {
			out = append(out, enrich.RawAccount{
				Source: strings.Clone(src[i]), Priority: priority[src[i]],
				ID: strings.Clone(id[i]), Name: strings.Clone(name[i]), Domain: strings.Clone(domain[i]),
				OtherDomains: strings.Clone(other[i]), Industry: strings.Clone(ind[i]), Employees: strings.Clone(emp[i]),
				Revenue: strings.Clone(rev[i]), Country: strings.Clone(country[i]), State: strings.Clone(state[i]),
				ParentID: strings.Clone(parent[i]), Owner: strings.Clone(owner[i]), Tier: strings.Clone(tier[i]),
			})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reference accounts: %w", err)
	}
	return out, nil
}

// readEnrichInputs reads what matching needs of every golden record, in
// golden order. Values repeat heavily (domains, countries, bands), so each
// distinct one is kept once.
func readEnrichInputs(ctx context.Context, rc *etl.RunContext, golden []columnar.FileInfo) ([]string, []enrich.Contact, error) {
	var ids []string
	var out []enrich.Contact
	intern := map[string]string{}
	in := func(s string) string {
		if v, ok := intern[s]; ok {
			return v
		}
		v := strings.Clone(s)
		intern[v] = v
		return v
	}
	err := columnar.EachBatch(ctx, rc.Work, golden, func(rec arrow.Record) error {
		n := int(rec.NumRows())
		cols := make([][]string, len(enrichInputCols))
		for j, name := range enrichInputCols {
			cols[j] = make([]string, n)
			if idx := rec.Schema().FieldIndices(name); len(idx) > 0 {
				columnar.ColumnStrings(rec.Column(idx[0]), cols[j])
			}
		}
		for i := 0; i < n; i++ {
			ids = append(ids, strings.Clone(cols[0][i]))
			out = append(out, enrich.Contact{
				EmailDomain: in(cols[1][i]), EmailType: in(cols[2][i]), Domain: in(cols[3][i]),
				CompanyKey: in(cols[4][i]), CountryCode: in(cols[5][i]), IndustryNorm: in(cols[6][i]),
				EmployeeBand: in(cols[7][i]), RevenueBand: in(cols[8][i]), JobFunction: in(cols[9][i]),
				Seniority: in(cols[10][i]),
			})
		}
		return nil
	}, enrichInputCols...)
	return ids, out, err
}

// writeAccountList writes every account, sorted by id.
func writeAccountList(ctx context.Context, rc *etl.RunContext, accounts []enrich.Account) (columnar.FileInfo, error) {
	sorted := append([]enrich.Account(nil), accounts...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	key := rc.DatasetPrefix("enrich", "account_list") + "part-00000.parquet"
	return writeTable(ctx, rc, key, columnar.AccountListSchema, len(sorted), func(b *array.RecordBuilder, from, to int) {
		for i := from; i < to; i++ {
			appendAccount(b, &sorted[i])
		}
	})
}

// appendAccount appends an account's columns (the first fields of
// AccountListSchema and AccountsSchema).
func appendAccount(b *array.RecordBuilder, a *enrich.Account) {
	opt := func(j int, v string) { columnar.AppendOptString(b.Field(j).(*array.StringBuilder), v) }
	b.Field(0).(*array.StringBuilder).Append(a.ID)
	opt(1, a.Name)
	opt(2, a.CompanyKey)
	primary := ""
	if len(a.Domains) > 0 {
		primary = a.Domains[0]
	}
	opt(3, primary)
	lb := b.Field(4).(*array.ListBuilder)
	lb.Append(true)
	vb := lb.ValueBuilder().(*array.StringBuilder)
	for _, d := range a.Domains {
		vb.Append(d)
	}
	for j, v := range []string{a.IndustryNorm, a.EmployeeBand, a.RevenueBand, a.CountryCode, a.StateCode, a.ParentID, a.Owner, a.Tier, a.Source} {
		opt(5+j, v)
	}
	b.Field(14).(*array.BooleanBuilder).Append(a.Inferred)
}
