package score

import (
	"testing"
	"time"
)

var runTime = time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)

// testCols is the golden-record layout etl hands the score stage.
var testCols = []Column{
	{"seniority", String}, {"job_function", String}, {"industry_norm", String}, {"naics_sector", String},
	{"revenue_usd", Number}, {"revenue_band", String}, {"employee_count", Number}, {"employee_band", String},
	{"country_code", String}, {"state_code", String}, {"region", String}, {"email_type", String},
	{"title_norm", String}, {"company_key", String}, {"domain", String}, {"is_customer", String},
	{"opted_in", Bool}, {"first_seen_at", Time},
}

// row builds a Row for testCols; columns not given are null.
func row(vals map[string]any) Row {
	r := make(Row, len(testCols))
	for i, c := range testCols {
		v, ok := vals[c.Name]
		if !ok || v == nil {
			r[i] = Null
			continue
		}
		switch x := v.(type) {
		case string:
			r[i] = Str(x)
		case float64:
			r[i] = Num(x)
		case int:
			r[i] = Num(float64(x))
		case bool:
			r[i] = BoolVal(x)
		case time.Time:
			r[i] = TimeVal(x)
		default:
			panic("row: unsupported test value")
		}
	}
	return r
}

func mustCompile(t testing.TB, cfg Config) *Model {
	t.Helper()
	m, err := Compile(cfg, testCols, runTime)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return m
}

func daysAgo(d float64) time.Time {
	return runTime.Add(-time.Duration(d * 24 * float64(time.Hour)))
}

// evalExpr compiles src against testCols at the routing stage (every field
// readable) and evaluates it on r with the given computed fields.
func evalExpr(t *testing.T, src string, r Row, ext [numVirtual]Value) (bool, error) {
	t.Helper()
	n, err := parseExpr(src)
	if err != nil {
		return false, err
	}
	c := newCompiler(DefaultConfig(), testCols)
	c.res.stage = exprRoute
	p, err := c.res.compile(n)
	if err != nil {
		return false, err
	}
	return p(&env{row: r, ext: &ext}), nil
}
