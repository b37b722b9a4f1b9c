package columnar

import (
	"github.com/apache/arrow/go/v17/arrow"
)

// CanonicalColumns are the contact columns of the data contract, in the
// order every dataset lists them. A source's `columns:` mapping renames its
// own headers to these names.
var CanonicalColumns = []string{
	"record_id", "source", "first_name", "last_name", "full_name",
	"email", "phone", "title", "company", "website", "industry",
	"annual_revenue", "employees", "street", "city", "state",
	"postal_code", "country", "created_at", "updated_at",
}

// ActivityColumns are the canonical columns of the activities source.
var ActivityColumns = []string{
	"record_id", "email", "event_type", "occurred_at", "url", "campaign", "channel",
}

// AccountColumns are the canonical columns of a reference account source
// (`enrich.accounts`): a CRM account export or a firmographic data file.
// other_domains lists further domains, separated by ';', ',' or spaces;
// source is the reference source's name, set by extract.
var AccountColumns = []string{
	"source", "account_id", "name", "domain", "other_domains", "industry", "employees",
	"revenue", "country", "state", "parent_account_id", "owner", "tier",
}

// Lineage columns that extract adds to every raw row, so that any value can
// be traced back to the object and line it came from.
const (
	ColSourceObject  = "source_object"
	ColSourceLine    = "source_line"
	ColExtractIssues = "extract_issues"
)

// lowCardinality lists the columns whose values repeat enough that
// dictionary encoding pays; other strings (emails, names, ids) are written
// plain because their dictionaries would only grow and fall back.
var lowCardinality = map[string]bool{
	"source": true, "title": true, "industry": true, "annual_revenue": true,
	"employees": true, "state": true, "country": true, "city": true,
	"company": true, "website": true, ColSourceObject: true, ColExtractIssues: true,
	"seniority": true, "job_function": true, "industry_norm": true, "naics_sector": true,
	"revenue_band": true, "employee_band": true, "country_code": true, "state_code": true,
	"region": true, "email_type": true, "email_domain": true, "domain": true,
	"title_norm": true, "company_key": true, "dq_issues": true, "segment": true,
	"event_type": true, "channel": true, "campaign": true, "url": true, "reason": true,
	"location": false, "blocking_rule": true, "fit_grade": true, "engagement_grade": true,
	"lead_rank": true, "funnel_stage": true, "owner": true, "queue": true, "route_reason": true,
	"persona": true, "run_id": true, "account_match_method": true, "account_match_reason": true,
	"industry_norm_source": true, "employee_band_source": true, "revenue_band_source": true,
	"country_code_source": true, "account_owner": true, "account_tier": true, "account_stage": true,
}

// IsLowCardinality reports whether a column is dictionary-encoded when written.
func IsLowCardinality(name string) bool { return lowCardinality[name] }

// IsCanonical reports whether name is one of cols.
func IsCanonical(name string, cols []string) bool {
	for _, c := range cols {
		if c == name {
			return true
		}
	}
	return false
}

// RawSchema is the schema of one part of the staged `raw` dataset: the
// canonical columns, then the source's other columns passed through as
// strings, then the lineage columns.
func RawSchema(passthrough []string) *arrow.Schema {
	fields := make([]arrow.Field, 0, len(CanonicalColumns)+len(passthrough)+3)
	for _, c := range CanonicalColumns {
		fields = append(fields, arrow.Field{Name: c, Type: arrow.BinaryTypes.String, Nullable: true})
	}
	for _, c := range passthrough {
		fields = append(fields, arrow.Field{Name: c, Type: arrow.BinaryTypes.String, Nullable: true})
	}
	fields = append(fields,
		arrow.Field{Name: ColSourceObject, Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: ColSourceLine, Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: ColExtractIssues, Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	)
	return arrow.NewSchema(fields, nil)
}

// RejectsSchema is the schema of the `rejects` dataset.
func RejectsSchema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "source", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "location", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "reason", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "raw", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
}

// UnionSchema merges schemas field by field: the first schema's order, then
// every field the later ones add. A field present with two different types
// keeps the first type; ConformRecord converts what it can.
func UnionSchema(schemas ...*arrow.Schema) *arrow.Schema {
	var fields []arrow.Field
	seen := map[string]bool{}
	for _, s := range schemas {
		for _, f := range s.Fields() {
			if seen[f.Name] {
				continue
			}
			seen[f.Name] = true
			f.Nullable = true
			fields = append(fields, f)
		}
	}
	return arrow.NewSchema(fields, nil)
}
