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
	"golang.org/x/sync/errgroup"
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
	// The reference (normalized on every core) and the golden inputs are
	// read side by side.
	var raws []enrich.RawAccount
	var ref *enrich.Reference
	var refIssues map[string]int
	var ids []string
	var contacts []enrich.Contact
	var g errgroup.Group
	g.Go(func() (err error) {
		if raws, err = readAccountRows(ctx, rc, ex.Datasets[extract.AccountsDataset]); err == nil {
			ref, refIssues = enrich.BuildReference(raws, opts)
		}
		return err
	})
	g.Go(func() (err error) { ids, contacts, err = readEnrichInputs(ctx, rc, dd.Datasets["golden"]); return err })
	if err := g.Wait(); err != nil {
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

	ew := &enrichedWriter{contacts: contacts, matches: matches, byID: byID, personas: personas, opts: opts}
	methods, reasons, appended := ew.counts()
	// Two parts, one per core, and the account list beside them.
	parts := 1
	if len(ids) >= 2*columnar.BatchRows {
		parts = 2
	}
	enriched := make([]columnar.FileInfo, parts)
	var list columnar.FileInfo
	var wg errgroup.Group
	for p := range parts {
		lo, hi := len(ids)*p/parts, len(ids)*(p+1)/parts
		wg.Go(func() (err error) {
			key := rc.DatasetPrefix("enrich", "enriched") + fmt.Sprintf("part-%05d.parquet", p)
			enriched[p], err = writeTable(ctx, rc, key, columnar.EnrichedSchema, hi-lo, func(b *array.RecordBuilder, from, to int) {
				ew.fill(b, ids, lo+from, lo+to)
			})
			return err
		})
	}
	wg.Go(func() (err error) { list, err = writeAccountList(ctx, rc, accounts); return err })
	if err := wg.Wait(); err != nil {
		return nil, err
	}
	matched := 0
	for _, n := range methods {
		matched += n
	}
	rc.Log.Info("contacts enriched", "entities", len(ids), "matched", matched, "inferred_accounts", len(inferred),
		"appended", len(appended), "duration_ms", time.Since(start).Milliseconds())
	res := &etl.StageResult{RowsIn: int64(len(ids)), RowsOut: int64(len(ids)),
		Datasets: map[string][]columnar.FileInfo{"enriched": enriched, "account_list": {list}}}
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
		col := func(name string) []string { return columnar.NamedStrings(rec, name) }
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
			cols[j] = columnar.NamedStrings(rec, name)
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

// enrichedWriter renders the enriched rows of a range of entities.
type enrichedWriter struct {
	contacts []enrich.Contact
	matches  []enrich.Match
	byID     map[string]*enrich.Account
	personas enrich.PersonaTable
	opts     enrich.Options
}

// counts tallies match methods, unmatched reasons and appended fields.
func (w *enrichedWriter) counts() (methods, reasons, appended map[string]int) {
	methods, reasons, appended = map[string]int{}, map[string]int{}, map[string]int{}
	for i, m := range w.matches {
		if m.AccountID == "" {
			reasons[m.Reason]++
			continue
		}
		methods[m.Method]++
		_, prov := enrich.Append(w.contacts[i], w.byID[m.AccountID], w.opts)
		for k, src := range []string{prov.IndustryNorm, prov.EmployeeBand, prov.RevenueBand, prov.CountryCode} {
			if src == enrich.FromAccount {
				appended[columnar.FirmographicColumns[k]]++
			}
		}
	}
	return methods, reasons, appended
}

// fill appends the rows of entities from..to-1.
func (w *enrichedWriter) fill(b *array.RecordBuilder, ids []string, from, to int) {
	sb := make([]*array.StringBuilder, b.Schema().NumFields())
	for j := range sb {
		sb[j], _ = b.Field(j).(*array.StringBuilder)
	}
	opt := func(j int, v string) { columnar.AppendOptString(sb[j], v) }
	nf := len(columnar.FirmographicColumns)
	for i := from; i < to; i++ {
		m := w.matches[i]
		a := w.byID[m.AccountID]
		firmo, prov := enrich.Append(w.contacts[i], a, w.opts)
		sb[0].Append(ids[i])
		opt(1, m.AccountID)
		name, owner, tier := "", "", ""
		if a != nil {
			name, owner, tier = a.Name, a.Owner, a.Tier
		}
		opt(2, name)
		opt(3, m.Method)
		if m.AccountID != "" {
			b.Field(4).(*array.Float64Builder).Append(m.Score)
		} else {
			b.Field(4).AppendNull()
		}
		opt(5, m.Reason)
		opt(6, owner)
		opt(7, tier)
		opt(8, w.personas.Persona(w.contacts[i].JobFunction, w.contacts[i].Seniority))
		opt(9, firmo.IndustryNorm)
		opt(10, firmo.EmployeeBand)
		opt(11, firmo.RevenueBand)
		opt(12, firmo.CountryCode)
		opt(9+nf, prov.IndustryNorm)
		opt(10+nf, prov.EmployeeBand)
		opt(11+nf, prov.RevenueBand)
		opt(12+nf, prov.CountryCode)
	}
}
