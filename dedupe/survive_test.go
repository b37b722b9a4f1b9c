package dedupe

import (
	"reflect"
	"testing"
	"time"
)

func TestSurvive_EachRulePicksItsValue(t *testing.T) {
	tab := &Table{IDs: []string{"crm/1", "web/2", "list/3", "crm/4"}, Cols: map[string][]string{
		"first_name": {"Jon", "Jonathan", "Jon", "Zed"},
		"email":      {"jon@old.com", "", "jon@new.com", "zed@z.com"},
		"title":      {"", "VP Sales", "Vice President Sales", ""},
		"company":    {"Acme", "Acme Inc", "Acme", ""},
		"updated_at": {"2024-01-01T00:00:00Z", "2024-06-01", "2025-01-01 09:00:00", "2023-01-01"},
	}}
	c := &Clustering{Cluster: []int32{0, 0, 0, 1}, Size: []int32{3, 1}, Prob: []float32{1, 1, 1, 1}}
	ids := []string{"e_a", "e_a", "e_a", "e_b"}
	cases := []struct {
		rule string
		col  string
		want string
	}{
		{SurviveSourcePriority, "first_name", "Jon"},           // crm/1 has priority 0
		{SurviveMostRecent, "email", "jon@new.com"},            // list/3 is latest
		{SurviveLongest, "first_name", "Jonathan"},             // longest
		{SurviveMostFrequent, "company", "Acme"},               // two records agree
		{SurviveMostComplete, "title", "Vice President Sales"}, // list/3 and web/2 are full, list/3 more recent
	}
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			g, err := Survive(tab, c, ids, SurviveOptions{
				Rules:    Survivorship{Default: tc.rule, TimestampColumn: "updated_at"},
				Priority: []int{0, 1, 2, 0},
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := g.Cols[tc.col][0]; got != tc.want {
				t.Errorf("%s %s = %q, want %q", tc.rule, tc.col, got, tc.want)
			}
		})
	}
}

func TestSurvive_GoldenRecordListsSourcesAndFirstSeen(t *testing.T) {
	tab := &Table{IDs: []string{"b/2", "a/1", "c/3"}, Cols: map[string][]string{
		"name": {"x", "", "y"}, "ts": {"2024-03-01", "2024-01-15", "bad"},
	}}
	c := &Clustering{Cluster: []int32{0, 0, 1}, Size: []int32{2, 1}, Prob: []float32{1, 1, 1}}
	g, err := Survive(tab, c, []string{"e1", "e1", "e2"}, SurviveOptions{
		Rules: Survivorship{Fields: map[string]string{"name": SurviveMostRecent}, TimestampColumn: "ts"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g.EntityIDs, []string{"e1", "e2"}) {
		t.Errorf("entity ids = %v", g.EntityIDs)
	}
	if !reflect.DeepEqual(g.SourceRecordIDs, [][]string{{"a/1", "b/2"}, {"c/3"}}) {
		t.Errorf("source ids = %v", g.SourceRecordIDs)
	}
	if want := time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC); !g.FirstSeenAt[0].Equal(want) || !g.FirstSeenAt[1].IsZero() {
		t.Errorf("first seen = %v", g.FirstSeenAt)
	}
	if g.Cols["name"][0] != "x" {
		t.Errorf("null value survived over a present one: %q", g.Cols["name"][0])
	}
}

func TestSurvive_RejectsMismatchedInputs(t *testing.T) {
	tab := &Table{IDs: []string{"a", "b"}, Cols: map[string][]string{"x": {"1", "2"}}}
	c := &Clustering{Cluster: []int32{0, 1}, Size: []int32{1, 1}}
	cases := map[string]SurviveOptions{
		"short priority": {Priority: []int{1}},
		"unknown rule":   {Rules: Survivorship{Default: "newest"}},
		"unknown column": {Columns: []string{"y"}},
		"unknown ts":     {Rules: Survivorship{TimestampColumn: "ts"}},
		"bad field rule": {Rules: Survivorship{Fields: map[string]string{"x": "best"}}},
	}
	for name, opt := range cases {
		if _, err := Survive(tab, c, []string{"e", "f"}, opt); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := Survive(tab, c, []string{"e"}, SurviveOptions{}); err == nil {
		t.Error("short entity ids: no error")
	}
}

func TestSurvive_UnionKeepsEveryRecordsItems(t *testing.T) {
	tab := &Table{IDs: []string{"crm/1", "web/2", "list/3", "crm/4"}, Cols: map[string][]string{
		"dq_issues": {"phone_invalid|title_unparsed", "", "country_unknown|phone_invalid", "revenue_unparsed"},
	}}
	c := &Clustering{Cluster: []int32{0, 0, 0, 1}, Size: []int32{3, 1}, Prob: []float32{1, 1, 1, 1}}
	g, err := Survive(tab, c, []string{"e_a", "e_a", "e_a", "e_b"}, SurviveOptions{
		Rules: Survivorship{Default: SurviveMostComplete, Fields: map[string]string{"dq_issues": SurviveUnion}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"country_unknown|phone_invalid|title_unparsed", "revenue_unparsed"}
	if !reflect.DeepEqual(g.Cols["dq_issues"], want) {
		t.Errorf("union = %q, want %q", g.Cols["dq_issues"], want)
	}
}
