package columnar

import "github.com/apache/arrow/go/v17/arrow"

// The enrich stage's datasets and the published `accounts`.

func optString(name string) arrow.Field {
	return arrow.Field{Name: name, Type: arrow.BinaryTypes.String, Nullable: true}
}

// FirmographicColumns are the golden columns enrich fills from a contact's
// account (see enrich.Append); each has a `<column>_source` beside it.
var FirmographicColumns = []string{"industry_norm", "employee_band", "revenue_band", "country_code"}

// EnrichedSchema is the staged `enriched` dataset: one row per entity, in
// the golden dataset's order, with what enrich adds to it.
var EnrichedSchema = func() *arrow.Schema {
	fields := []arrow.Field{
		{Name: "entity_id", Type: arrow.BinaryTypes.String},
		optString("account_id"), optString("account_name"), optString("account_match_method"),
		{Name: "account_match_score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		optString("account_match_reason"), optString("account_owner"), optString("account_tier"),
		optString("persona"),
	}
	for _, c := range FirmographicColumns {
		fields = append(fields, optString(c))
	}
	for _, c := range FirmographicColumns {
		fields = append(fields, optString(c+"_source"))
	}
	return arrow.NewSchema(fields, nil)
}()

// accountFields are the columns of an account as enrich knows it.
var accountFields = []arrow.Field{
	{Name: "account_id", Type: arrow.BinaryTypes.String},
	optString("name"), optString("company_key"), optString("domain"),
	{Name: "domains", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	optString("industry_norm"), optString("employee_band"), optString("revenue_band"),
	optString("country_code"), optString("state_code"), optString("parent_account_id"),
	optString("owner"), optString("tier"), optString("source"),
	{Name: "inferred", Type: arrow.FixedWidthTypes.Boolean},
}

// AccountListSchema is the staged `account_list` dataset: every reference
// account and every account enrich inferred, normalized.
var AccountListSchema = arrow.NewSchema(accountFields, nil)

// AccountsSchema is the published `accounts` dataset: an account's
// columns and its roll-ups over the run's contacts.
var AccountsSchema = arrow.NewSchema(append(append([]arrow.Field(nil), accountFields...),
	arrow.Field{Name: "is_target", Type: arrow.FixedWidthTypes.Boolean},
	arrow.Field{Name: "contact_count", Type: arrow.PrimitiveTypes.Int64},
	arrow.Field{Name: "engaged_contacts", Type: arrow.PrimitiveTypes.Int64},
	arrow.Field{Name: "mql_count", Type: arrow.PrimitiveTypes.Int64},
	optString("best_lead_rank"),
	arrow.Field{Name: "account_fit_score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	arrow.Field{Name: "account_fit_grade", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	arrow.Field{Name: "account_engagement_score", Type: arrow.PrimitiveTypes.Float64},
	optString("account_engagement_grade"),
	arrow.Field{Name: "committee_personas", Type: arrow.ListOf(arrow.BinaryTypes.String)},
	arrow.Field{Name: "engaged_personas", Type: arrow.ListOf(arrow.BinaryTypes.String)},
	arrow.Field{Name: "committee_functions", Type: arrow.ListOf(arrow.BinaryTypes.String)},
	arrow.Field{Name: "committee_coverage", Type: arrow.PrimitiveTypes.Float64},
	arrow.Field{Name: "account_stage", Type: arrow.BinaryTypes.String},
	arrow.Field{Name: "run_id", Type: arrow.BinaryTypes.String},
), nil)
