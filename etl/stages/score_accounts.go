package stages

import (
	"context"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/leadsmith/leadsmith/enrich"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/score"
)

// Account roll-ups: score hands every scored contact to an enrich.Roller
// and writes the `accounts` dataset, every account of enrich's
// account_list with what its contacts add up to (an account without
// contacts has zero counts and the stage its rules give to none).

// accountOwners is the account owner of each row of a merged batch.
func accountOwners(rec arrow.Record) []string {
	col := columnar.StringCol(rec, "account_owner")
	if col == nil {
		return nil
	}
	out := make([]string, rec.NumRows())
	for i := range out {
		out[i] = columnar.StrAt(col, i)
	}
	return out
}

// rollUp adds a scored batch's contacts to their accounts.
func rollUp(r *enrich.Roller, rec arrow.Record, results []score.Result) {
	acct := columnar.StringCol(rec, "account_id")
	if acct == nil {
		return
	}
	persona, fn, sen := columnar.StringCol(rec, "persona"), columnar.StringCol(rec, "job_function"), columnar.StringCol(rec, "seniority")
	for i := range results {
		id := columnar.StrAt(acct, i)
		if id == "" {
			continue
		}
		res := &results[i]
		r.Add(enrich.ContactScore{
			AccountID: id, FitScore: float64(res.FitScore), FitGrade: res.FitGrade,
			EngagementScore: res.EngagementScore, EngagementGrade: res.EngagementGrade,
			LeadRank: res.LeadRank, IsMQL: res.IsMQL,
			Persona: strAt(persona, i), JobFunction: strAt(fn, i), Seniority: strAt(sen, i),
		})
	}
}

// strAt is StrAt that reads a missing column as nulls.
func strAt(a *array.String, i int) string {
	if a == nil {
		return ""
	}
	return columnar.StrAt(a, i)
}

// writeAccounts writes `accounts`: account_list (sorted by id) joined with
// the roll-ups.
func writeAccounts(ctx context.Context, rc *etl.RunContext, list []columnar.FileInfo, r *enrich.Roller) (columnar.FileInfo, error) {
	var accounts []enrich.Account
	err := columnar.EachBatch(ctx, rc.Work, list, func(rec arrow.Record) error {
		accounts = append(accounts, readAccounts(rec)...)
		return nil
	})
	if err != nil {
		return columnar.FileInfo{}, err
	}
	rolled := map[string]enrich.Rollup{}
	for _, ru := range r.Rollups() {
		rolled[ru.AccountID] = ru
	}
	key := rc.DatasetPrefix("score", "accounts") + "part-00000.parquet"
	return writeTable(ctx, rc, key, columnar.AccountsSchema, len(accounts), func(b *array.RecordBuilder, from, to int) {
		for i := from; i < to; i++ {
			a := &accounts[i]
			ru, ok := rolled[a.ID]
			if !ok {
				ru = r.Empty(a.ID)
			}
			appendAccount(b, a)
			j := len(columnar.AccountListSchema.Fields())
			b.Field(j).(*array.BooleanBuilder).Append(a.Tier != "")
			b.Field(j + 1).(*array.Int64Builder).Append(int64(ru.ContactCount))
			b.Field(j + 2).(*array.Int64Builder).Append(int64(ru.EngagedContacts))
			b.Field(j + 3).(*array.Int64Builder).Append(int64(ru.MQLCount))
			columnar.AppendOptString(b.Field(j+4).(*array.StringBuilder), ru.BestLeadRank)
			if ru.ContactCount > 0 {
				b.Field(j + 5).(*array.Float64Builder).Append(ru.FitScore)
				b.Field(j + 6).(*array.Int64Builder).Append(int64(ru.FitGrade))
			} else {
				b.Field(j + 5).AppendNull()
				b.Field(j + 6).AppendNull()
			}
			b.Field(j + 7).(*array.Float64Builder).Append(ru.EngagementScore)
			columnar.AppendOptString(b.Field(j+8).(*array.StringBuilder), ru.EngagementGrade)
			for k, list := range [][]string{ru.CommitteePersonas, ru.EngagedPersonas, ru.CommitteeFunctions} {
				lb := b.Field(j + 9 + k).(*array.ListBuilder)
				lb.Append(true)
				vb := lb.ValueBuilder().(*array.StringBuilder)
				for _, v := range list {
					vb.Append(v)
				}
			}
			b.Field(j + 12).(*array.Float64Builder).Append(ru.Coverage)
			b.Field(j + 13).(*array.StringBuilder).Append(ru.Stage)
			b.Field(j + 14).(*array.StringBuilder).Append(rc.RunID)
		}
	})
}

// readAccounts reads account_list rows back into accounts.
func readAccounts(rec arrow.Record) []enrich.Account {
	n := int(rec.NumRows())
	col := func(name string) []string { return columnar.NamedStrings(rec, name) }
	id, name, key := col("account_id"), col("name"), col("company_key")
	ind, emp, rev, country, state := col("industry_norm"), col("employee_band"), col("revenue_band"), col("country_code"), col("state_code")
	parent, owner, tier, src := col("parent_account_id"), col("owner"), col("tier"), col("source")
	var doms *array.List
	var inferred *array.Boolean
	if idx := rec.Schema().FieldIndices("domains"); len(idx) > 0 {
		doms, _ = rec.Column(idx[0]).(*array.List)
	}
	if idx := rec.Schema().FieldIndices("inferred"); len(idx) > 0 {
		inferred, _ = rec.Column(idx[0]).(*array.Boolean)
	}
	out := make([]enrich.Account, n)
	for i := range out {
		a := enrich.Account{ID: strings.Clone(id[i]), Name: strings.Clone(name[i]), CompanyKey: strings.Clone(key[i]),
			IndustryNorm: strings.Clone(ind[i]), EmployeeBand: strings.Clone(emp[i]), RevenueBand: strings.Clone(rev[i]),
			CountryCode: strings.Clone(country[i]), StateCode: strings.Clone(state[i]), ParentID: strings.Clone(parent[i]),
			Owner: strings.Clone(owner[i]), Tier: strings.Clone(tier[i]), Source: strings.Clone(src[i])}
		if doms != nil && doms.IsValid(i) {
			lo, hi := doms.ValueOffsets(i)
			vs := doms.ListValues().(*array.String)
			for k := lo; k < hi; k++ {
				a.Domains = append(a.Domains, strings.Clone(vs.Value(int(k))))
			}
		}
		a.Inferred = inferred != nil && inferred.Value(i)
		out[i] = a
	}
	return out
}
