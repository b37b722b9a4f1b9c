package enrich

import (
	"fmt"
	"slices"
	"testing"
)

func TestRoller_RollsContactsIntoAccounts(t *testing.T) {
	contacts := []ContactScore{
		{AccountID: "A", FitScore: 90, EngagementScore: 50, EngagementGrade: "A", LeadRank: "1A", IsMQL: true,
			Persona: PersonaEconomicBuyer, JobFunction: "finance", Seniority: "c_level"},
		{AccountID: "A", FitScore: 70, EngagementScore: 30, EngagementGrade: "B", LeadRank: "1B",
			Persona: PersonaTechnicalBuyer, JobFunction: "it", Seniority: "director"},
		{AccountID: "A", FitScore: 40, EngagementScore: 25, EngagementGrade: "B", LeadRank: "2B",
			Persona: PersonaEndUser, JobFunction: "sales", Seniority: "entry"},
		{AccountID: "A", FitScore: 20, EngagementScore: 0, EngagementGrade: "C", LeadRank: "3C",
			Persona: PersonaChampion, JobFunction: "marketing", Seniority: "manager"},
		{AccountID: "B", FitScore: 30, EngagementScore: 20, EngagementGrade: "B", LeadRank: "bogus",
			Persona: PersonaEndUser, JobFunction: "sales", Seniority: "senior"},
		{AccountID: "C", FitScore: 50, EngagementScore: 0.5, EngagementGrade: "C"},
		{AccountID: "D", FitScore: 50, EngagementScore: 1, EngagementGrade: "C", LeadRank: "2C"},
		{AccountID: "", FitScore: 99, IsMQL: true},
	}
	want := []Rollup{
		{AccountID: "A", ContactCount: 4, EngagedContacts: 3, MQLCount: 1, BestLeadRank: "1A",
			FitScore: (90 + 70 + 40) / 3.0, FitGrade: 1, EngagementScore: 105, EngagementGrade: "A",
			CommitteePersonas:  []string{PersonaChampion, PersonaEconomicBuyer, PersonaTechnicalBuyer},
			EngagedPersonas:    []string{PersonaEconomicBuyer, PersonaTechnicalBuyer},
			CommitteeFunctions: []string{"finance", "it", "marketing"}, Coverage: 2.0 / 3, Stage: "opportunity_ready"},
		{AccountID: "B", ContactCount: 1, EngagedContacts: 1, FitScore: 30, FitGrade: 3, EngagementScore: 20,
			EngagementGrade: "C", CommitteePersonas: []string{}, EngagedPersonas: []string{}, CommitteeFunctions: []string{}, Stage: "engaged"},
		{AccountID: "C", ContactCount: 1, FitScore: 50, FitGrade: 2, EngagementScore: 0.5, EngagementGrade: "C",
			CommitteePersonas: []string{}, EngagedPersonas: []string{}, CommitteeFunctions: []string{}, Stage: StageUnaware},
		{AccountID: "D", ContactCount: 1, BestLeadRank: "2C", FitScore: 50, FitGrade: 2, EngagementScore: 1, EngagementGrade: "C",
			CommitteePersonas: []string{}, EngagedPersonas: []string{}, CommitteeFunctions: []string{}, Stage: "aware"},
	}
	// Any order of Add gives the same roll-ups.
	for _, order := range [][]int{{0, 1, 2, 3, 4, 5, 6, 7}, {7, 6, 5, 4, 3, 2, 1, 0}, {3, 0, 6, 2, 7, 1, 5, 4}} {
		r, err := NewRoller(Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range order {
			r.Add(contacts[i])
		}
		got := r.Rollups()
		if len(got) != len(want) {
			t.Fatalf("order %v: %d roll-ups, want %d", order, len(got), len(want))
		}
		for i := range want {
			if fmt.Sprintf("%+v", got[i]) != fmt.Sprintf("%+v", want[i]) {
				t.Errorf("order %v:\n got %+v\nwant %+v", order, got[i], want[i])
			}
		}
	}
}

func TestRoller_StagesAndGradesFollowOptions(t *testing.T) {
	o := Options{AccountStages: []StageRule{{Stage: "hot", MinEngagementScore: 10}, {Stage: "warm", MinContacts: 2}},
		AccountGrades: GradeCuts{FitA: 80, FitB: 10, EngagementA: 10, EngagementB: 5}, EngagedGrades: []string{"A"}}
	tests := []struct {
		name     string
		contacts []ContactScore
		stage    string
		fit      int
		eng      string
		nEngaged int
	}{
		{"hot", []ContactScore{{AccountID: "x", FitScore: 85, EngagementScore: 12, EngagementGrade: "B"}}, "hot", 1, "A", 0},
		{"warm", []ContactScore{{AccountID: "x", FitScore: 20, EngagementScore: 6, EngagementGrade: "A"}, {AccountID: "x", FitScore: 0}}, "warm", 2, "B", 1},
		{"none holds", []ContactScore{{AccountID: "x", FitScore: 5}}, StageUnaware, 3, "C", 0},
	}
	for _, tt := range tests {
		r, err := NewRoller(o)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range tt.contacts {
			r.Add(c)
		}
		got := r.Rollups()[0]
		if got.Stage != tt.stage || got.FitGrade != tt.fit || got.EngagementGrade != tt.eng || got.EngagedContacts != tt.nEngaged {
			t.Errorf("%s: got %+v", tt.name, got)
		}
	}
	if _, err := NewRoller(Options{EngagedGrades: []string{"Z"}}); err == nil {
		t.Error("bad options accepted")
	}
	if !slices.IsSorted([]int{rankOrder("1A"), rankOrder("1C"), rankOrder("2A"), rankOrder("3C"), rankOrder("")}) {
		t.Error("rank order")
	}
}
