package stages

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl"
)

// A rule or comparison on a column no record fills is a warning naming
// it, never silent; one on a filled column is not.
func TestWarnEmptyColumns_NamesEveryRuleAndComparisonWithNoData(t *testing.T) {
	var logs bytes.Buffer
	rc := &etl.RunContext{Log: slog.New(slog.NewJSONHandler(&logs, nil))}
	s := dedupe.Settings{
		BlockingRules: []dedupe.BlockingRule{{Name: "phone", Keys: []string{"phone_e164"}}, {Keys: []string{"email_norm"}}, {Keys: []string{"last_name_key:first:3", "phone_e164"}}},
		Comparisons:   []dedupe.Comparison{{Name: "phone", Column: "phone_e164"}, {Name: "email", Column: "email_norm"}},
	}
	tab := &dedupe.Table{IDs: []string{"a/1", "a/2"}, Cols: map[string][]string{
		"email_norm": {"x@y.com", ""}, "phone_e164": {"", ""}, "last_name_key": {"SMITH", ""},
	}}
	warnEmptyColumns(rc, s, tab)
	out := logs.String()
	for _, want := range []string{`"rule":"phone"`, `"rule":"last_name_key:first:3 & phone_e164"`, `"comparison":"phone"`} {
		if !strings.Contains(out, want) {
			t.Errorf("no warning with %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, `"rule":"email_norm"`) || strings.Contains(out, `"comparison":"email"`) {
		t.Errorf("warned of a filled column:\n%s", out)
	}
	if n := strings.Count(out, `"level":"WARN"`); n != 3 {
		t.Errorf("%d warnings, want 3:\n%s", n, out)
	}
}
