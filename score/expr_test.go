package score

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParseExpr_SyntaxErrorsGivePositionAndExpectation(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{`region == `, `syntax error at position 11: expected value after "=="`},
		{`region == "NA" and`, `syntax error at position 19: expected condition after "and"`},
		{`employee_band >= and x`, `syntax error at position 18: expected value after ">="`},
		{`region = "NA"`, `syntax error at position 8: unexpected "=" (did you mean "=="?)`},
		{`region == "NA`, `syntax error at position 11: unterminated string`},
		{`(region == "NA"`, `syntax error at position 16: expected ")" to close "(" at position 1, found end of expression`},
		{`region in "NA"`, `syntax error at position 11: expected "[" after "in", found "\"NA\""`},
		{`region in ["NA" "EMEA"]`, `syntax error at position 17: expected "," or "]" in list, found "\"EMEA\""`},
		{`region not ["NA"]`, `syntax error at position 12: expected "in" after "not", found "["`},
		{`region is nul`, `syntax error at position 11: expected "null" after "is", found "nul"`},
		{`region == "NA" "x"`, `syntax error at position 16: expected "and", "or" or end of expression, found "\"x\""`},
		{``, `syntax error at position 1: empty expression`},
		{`region == "a\q"`, `syntax error at position 11: unknown escape \q in string`},
		{`é == "x"`, `syntax error at position 1: unexpected character 'é'`},
		{`"é" == x ==`, `syntax error at position 10: expected "and", "or" or end of expression, found "=="`},
		{`and`, `syntax error at position 1: expected a column name or value, found "and"`},
		{`1.2.3 == x`, `syntax error at position 1: malformed number "1.2.3"`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := parseExpr(tt.src)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("parseExpr(%q) error = %v, want %q", tt.src, err, tt.want)
			}
			var xe *ExprError
			if !errors.As(err, &xe) {
				t.Fatalf("error %T is not *ExprError", err)
			}
		})
	}
}

func TestParseExpr_DeepNestingIsAnErrorNotACrash(t *testing.T) {
	src := strings.Repeat("(", 10000) + "x" + strings.Repeat(")", 10000)
	if _, err := parseExpr(src); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Fatalf("err = %v", err)
	}
	src = strings.Repeat("not ", 10000) + "x"
	if _, err := parseExpr(src); err == nil {
		t.Fatal("10000 nots parsed")
	}
}

func TestCompile_TypeAndNameErrors(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{`revenue_usd > "10M"`, `type error at position 15: cannot compare number column revenue_usd with string "10M"`},
		{`region == 5`, `type error at position 11: cannot compare string column region with number 5`},
		{`region in ["NA", 3]`, `type error at position 18: cannot match string column region with number 3`},
		{`employee_band >= "200-500"`, `type error at position 18: "200-500" is not a value of the ordered column employee_band`},
		{`region == null`, `type error at position 11: a comparison with null is always false: use "is null" or "is not null"`},
		{`opted_in > true`, `type error at position 10: ">" does not apply to bool column opted_in`},
		{`revenue_usd contains "x"`, `type error at position 1: "contains" needs strings, revenue_usd is number`},
		{`"NA"`, `type error at position 1: "NA" is a value, not a condition`},
		{`regoin == "NA"`, `name error at position 1: unknown column "regoin"`},
		{`first_seen_at > "last week"`, `type error at position 17: "last week" is not a time`},
		{`"a" in ["a"]`, `type error at position 1: the left of "in" must be a column`},
		{`region in [country_code]`, `type error at position 12: list items must be values, found column country_code`},
		{`region == revenue_usd`, `type error at position 8: cannot compare string column region with number column revenue_usd`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := evalExpr(t, tt.src, row(nil), [numVirtual]Value{})
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("error = %v, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestEval_Semantics(t *testing.T) {
	full := row(map[string]any{
		"seniority": "vp", "job_function": "marketing", "industry_norm": "Computer Software",
		"revenue_usd": 25e6, "revenue_band": "10M-50M", "employee_count": 350, "employee_band": "201-500",
		"country_code": "US", "state_code": "US-CA", "region": "NA", "email_type": "corporate",
		"title_norm": "vice president marketing", "is_customer": "Yes", "opted_in": true,
		"first_seen_at": daysAgo(10),
	})
	other := row(map[string]any{"seniority": "other", "employee_band": "10001+", "region": "EMEA"})
	empty := row(nil)
	nan := row(map[string]any{"revenue_usd": math.NaN()})
	tests := []struct {
		name string
		src  string
		r    Row
		want bool
	}{
		{"string equality", `region == "NA"`, full, true},
		{"string inequality", `region != "NA"`, full, false},
		{"escaped string", `title_norm != "a\"b\\c\u00e9"`, full, true},
		{"in list", `industry_norm in ["Computer Software", "Internet"]`, full, true},
		{"in long list uses set", `country_code in ["a","b","c","d","e","f","g","US"]`, full, true},
		{"not in list", `region not in ["EMEA", "APAC"]`, full, true},
		{"empty list", `region in []`, full, false},
		{"number comparison", `revenue_usd >= 25000000`, full, true},
		{"number literal on the left flips", `10000000 < revenue_usd`, full, true},
		{"negative number", `revenue_usd > -1`, full, true},
		{"number in list", `employee_count in [100, 350]`, full, true},
		{"ordinal >= by band order not text", `employee_band >= "51-200"`, full, true},
		{"ordinal text order would say otherwise", `employee_band < "1001-5000"`, full, true},
		{"ordinal highest band", `employee_band >= "1001-5000"`, other, true},
		{"ordinal revenue", `revenue_band > "1M-10M" and revenue_band < "50M-100M"`, full, true},
		{"ordinal seniority", `seniority >= "director"`, full, true},
		{"unordered value compares false", `seniority >= "intern"`, other, false},
		{"unordered value compares false both ways", `seniority < "c_level"`, other, false},
		{"ordinal equality is plain", `seniority == "other"`, other, true},
		{"lexical string order without a table", `region < "NB"`, full, true},
		{"null equality is false", `region == "NA"`, empty, false},
		{"null inequality is false", `region != "NA"`, empty, false},
		{"null in list is false", `region in ["NA"]`, empty, false},
		{"null not in list is false", `region not in ["NA"]`, empty, false},
		{"null ordinal is false", `employee_band < "10001+"`, empty, false},
		{"not of a null comparison is true", `not (region == "NA")`, empty, true},
		{"is null", `region is null`, empty, true},
		{"is not null", `region is not null`, full, true},
		{"literal is null", `null is null`, full, true},
		{"contains", `title_norm contains "president"`, full, true},
		{"contains null", `title_norm contains "x"`, empty, false},
		{"startswith", `title_norm startswith "vice"`, full, true},
		{"startswith false", `title_norm startswith "president"`, full, false},
		{"column startswith column", `state_code startswith country_code`, full, true},
		{"and binds tighter than or", `region == "EMEA" or region == "NA" and seniority == "vp"`, full, true},
		{"and binds tighter than or, false case", `region == "NA" and seniority == "cto" or region == "EMEA"`, full, false},
		{"parentheses", `(region == "EMEA" or region == "NA") and not (seniority == "vp")`, full, false},
		{"bare string flag truthy", `is_customer`, full, true},
		{"bare null flag is false", `is_customer`, empty, false},
		{"bare bool column", `opted_in`, full, true},
		{"bool equality", `opted_in == true`, full, true},
		{"true literal", `true`, empty, true},
		{"false literal", `false or region is null`, empty, true},
		{"time vs date literal", `first_seen_at > "2026-11-01"`, full, true},
		{"time vs RFC 3339 literal", `first_seen_at < "2026-11-13T02:00:01Z"`, full, true},
		{"constant folding", `1 < 2`, empty, true},
		{"column vs column", `country_code != region`, full, true},
		{"column vs column with null", `country_code != region`, empty, false},
		{"NaN is not greater", `revenue_usd > 0`, nan, false},
		{"NaN is not less or equal", `revenue_usd <= 0`, nan, false},
		{"NaN is unequal", `revenue_usd != 0`, nan, true},
		{"multi-line with tabs", "region == \"NA\"\n\tand seniority == \"vp\"", full, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evalExpr(t, tt.src, tt.r, [numVirtual]Value{})
			if err != nil {
				t.Fatalf("%s: %v", tt.src, err)
			}
			if got != tt.want {
				t.Fatalf("%s = %v, want %v", tt.src, got, tt.want)
			}
		})
	}
}

func TestEval_ComputedFields(t *testing.T) {
	var ext [numVirtual]Value
	ext[vFitScore] = Num(72)
	ext[vFitGrade] = Num(1)
	ext[vLeadRank] = Str("1B")
	ext[vIsMQL] = BoolVal(true)
	for _, src := range []string{`lead_rank in ["1A", "1B", "2A"]`, `fit_score >= 70 and fit_grade == 1`, `is_mql`} {
		got, err := evalExpr(t, src, row(nil), ext)
		if err != nil || !got {
			t.Errorf("%s = %v, %v; want true", src, got, err)
		}
	}
}

func TestCompile_ComputedFieldNotYetKnownIsAnError(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Fit.Rules = append(cfg.Fit.Rules, FitRule{Name: "circular", When: `fit_score > 10`, Points: 5})
	cfg.MQLWhen = `segment == "enterprise"`
	_, err := Compile(cfg, testCols, runTime)
	for _, want := range []string{
		`score.fit.rules[18].when (rule "circular"): name error at position 1: fit_score is not computed yet`,
		`score.mql_when: name error at position 1: segment is not computed yet`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v\nwant it to contain %q", err, want)
		}
	}
}
