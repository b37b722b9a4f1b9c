package score

import (
	"errors"
	"testing"
)

func FuzzParseExpr(f *testing.F) {
	for _, s := range []string{
		`region == "NA"`,
		`industry_norm in ["Computer Software", "Internet"] and employee_band >= "201-500" and region == "NA"`,
		`not (seniority < "vp") or title_norm contains "head" or title_norm startswith "chief"`,
		`revenue_usd >= 1e7 and employee_count not in [1, 2.5, -3]`,
		`state_code is not null and is_customer`,
		`first_seen_at > "2026-01-01" or opted_in == false`,
		`"a\u00e9\"" == company_key`, `lead_rank in ["1A"] and fit_score > 50`, `((x`, `a == `, `1..2`, "\x00", `"\u12`,
	} {
		f.Add(s)
	}
	rows, _ := genData(4, 0, 9)
	rows = append(rows, row(nil), Row{})
	f.Fuzz(func(t *testing.T, src string) {
		n, err := parseExpr(src)
		if err != nil {
			var xe *ExprError
			if !errors.As(err, &xe) || xe.Pos < 1 || xe.Pos > len([]rune(src))+1 {
				t.Fatalf("parse %q: error %v has no valid position", src, err)
			}
			return
		}
		c := newCompiler(DefaultConfig(), testCols)
		c.res.stage = exprRoute
		p, err := c.res.compile(n)
		if err != nil {
			var xe *ExprError
			if !errors.As(err, &xe) {
				t.Fatalf("compile %q: %v is not an *ExprError", src, err)
			}
			return
		}
		var ext [numVirtual]Value
		for _, r := range rows {
			p(&env{row: r, ext: &ext})
		}
	})
}
