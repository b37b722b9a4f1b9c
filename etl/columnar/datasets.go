package columnar

import "github.com/apache/arrow/go/v17/arrow"

// RecordMapSchema is the published record_map: which entity each live
// record belongs to, and its email key (which score joins events by).
var RecordMapSchema = arrow.NewSchema([]arrow.Field{
	{Name: "source", Type: arrow.BinaryTypes.String},
	{Name: "record_id", Type: arrow.BinaryTypes.String},
	{Name: "entity_id", Type: arrow.BinaryTypes.String},
	{Name: "email_key", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// EntityChangesSchema is the published entity_changes.
var EntityChangesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "entity_id", Type: arrow.BinaryTypes.String},
	{Name: "change", Type: arrow.BinaryTypes.String},
	{Name: "other_id", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "run_id", Type: arrow.BinaryTypes.String},
}, nil)

// NormalizedStrings are the string columns normalize adds, in order.
var NormalizedStrings = []string{
	"first_name_key", "last_name_key",
	"email_norm", "email_domain", "email_type", "email_key", "phone_e164",
	"title_norm", "seniority", "job_function", "industry_norm", "naics_sector",
	"revenue_band", "employee_band", "country_code", "state_code", "region",
	"company_key", "domain",
}

// NormalizedSchema is the schema of the `normalized` dataset for the given
// passthrough columns.
func NormalizedSchema(pass []string) *arrow.Schema {
	str := func(n string) arrow.Field {
		return arrow.Field{Name: n, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	var fields []arrow.Field
	for _, c := range CanonicalColumns {
		if c == "created_at" || c == "updated_at" {
			fields = append(fields, arrow.Field{Name: c, Type: TimestampUTC, Nullable: true})
			continue
		}
		fields = append(fields, str(c))
	}
	for _, c := range NormalizedStrings {
		fields = append(fields, str(c))
	}
	fields = append(fields,
		arrow.Field{Name: "revenue_usd", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		arrow.Field{Name: "employee_count", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: "dq_issues", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	)
	for _, c := range pass {
		fields = append(fields, str(c))
	}
	fields = append(fields, str(ColSourceObject),
		arrow.Field{Name: ColSourceLine, Type: arrow.PrimitiveTypes.Int64, Nullable: true})
	return arrow.NewSchema(fields, nil)
}

// GoldenSchema is the schema of the `golden` dataset.
func GoldenSchema(cols []string) *arrow.Schema {
	normTypes := map[string]arrow.DataType{}
	for _, f := range NormalizedSchema(nil).Fields() {
		normTypes[f.Name] = f.Type
	}
	fields := []arrow.Field{{Name: "entity_id", Type: arrow.BinaryTypes.String}}
	for _, c := range cols {
		typ := normTypes[c]
		if typ == nil {
			typ = arrow.BinaryTypes.String
		}
		fields = append(fields, arrow.Field{Name: c, Type: typ, Nullable: true})
	}
	return arrow.NewSchema(append(fields,
		arrow.Field{Name: "source_record_ids", Type: arrow.ListOf(arrow.BinaryTypes.String)},
		arrow.Field{Name: "record_count", Type: arrow.PrimitiveTypes.Int64},
		arrow.Field{Name: "first_seen_at", Type: TimestampUTC},
		arrow.Field{Name: "last_seen_at", Type: TimestampUTC, Nullable: true},
	), nil)
}

// StoreRecordsSchema is the schema of store/records for the table columns
// cols (goldenColumns order), typed like golden's.
func StoreRecordsSchema(cols []string) *arrow.Schema {
	g := GoldenSchema(cols)
	fields := []arrow.Field{
		{Name: "entity_id", Type: arrow.BinaryTypes.String},
		{Name: "record_id", Type: arrow.BinaryTypes.String},
		{Name: "source", Type: arrow.BinaryTypes.String},
	}
	return arrow.NewSchema(append(fields, g.Fields()[1:1+len(cols)]...), nil)
}

// ProfileSchema is the published `profile` dataset: long format, one row
// per metric, so that BI charts a metric across nights with a filter.
// Source is "*" for the whole dataset; key names a metric's subject (a top
// value, a pattern, a blocking rule, a lead rank) and text a readable
// form of the value where there is one (a date).
var ProfileSchema = arrow.NewSchema([]arrow.Field{
	{Name: "run_id", Type: arrow.BinaryTypes.String},
	{Name: "dataset", Type: arrow.BinaryTypes.String},
	{Name: "source", Type: arrow.BinaryTypes.String},
	{Name: "column", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "metric", Type: arrow.BinaryTypes.String},
	{Name: "key", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "value", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "text", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)
