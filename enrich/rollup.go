package enrich

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// ContactScore is one scored contact, as the score stage hands it over.
type ContactScore struct {
	AccountID                       string
	FitScore                        float64
	FitGrade                        int
	EngagementScore                 float64
	EngagementGrade                 string
	LeadRank                        string
	IsMQL                           bool
	Persona, JobFunction, Seniority string
}

// Rollup is one account's view of its scored contacts.
type Rollup struct {
	AccountID                               string
	ContactCount, EngagedContacts, MQLCount int
	// BestLeadRank is the best rank of its contacts, "1A" best ... "3C"
	// worst; "" when none has a valid rank.
	BestLeadRank string
	// FitScore is the mean of its best three contacts' fit scores (all of
	// them when fewer): one well-fitting buyer is what makes an account
	// worth selling to, and three rather than one keeps a single
	// mis-parsed title from lifting the account. FitGrade cuts it with
	// AccountGrades.FitA/FitB.
	FitScore float64
	FitGrade int
	// EngagementScore is the sum of its contacts' engagement scores:
	// account engagement grows with every person engaging, which is the
	// signal account-based marketing looks for. EngagementGrade cuts it
	// with AccountGrades.EngagementA/EngagementB.
	EngagementScore float64
	EngagementGrade string
	// CommitteePersonas are the distinct personas of its contacts at
	// manager level or above, sorted; EngagedPersonas those of them held
	// by engaged contacts (engagement grade in EngagedGrades).
	CommitteePersonas []string
	EngagedPersonas   []string
	// CommitteeFunctions are the distinct job functions of its contacts at
	// manager level or above, sorted.
	CommitteeFunctions []string
	// Coverage is the share of Options.BuyingCommittee among EngagedPersonas.
	Coverage float64
	// Stage is the first of AccountStages that holds, else "unaware".
	Stage string
}

// Roller accumulates scored contacts into account roll-ups. Add and
// Rollups are not safe for concurrent use; the result does not depend on
// the order of Add calls.
type Roller struct {
	o        Options
	engaged  map[string]bool
	accounts map[string]*rollAcc
}

type rollAcc struct {
	n, engaged, mqls int
	bestRank         string
	fitTop           []float64 // best three, descending
	engagement       []float64 // summed sorted, so the sum is order-free
	committee        map[string]bool
	engagedPersonas  map[string]bool
	functions        map[string]bool
}

// committeeLevels are the seniorities "manager level or above".
var committeeLevels = map[string]bool{"manager": true, "director": true, "vp": true, "c_level": true}

// NewRoller checks o (after defaults) and returns an empty Roller.
func NewRoller(o Options) (*Roller, error) {
	o = o.WithDefaults()
	if errs := o.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("enrich options: %s", strings.Join(errs, "; "))
	}
	r := &Roller{o: o, engaged: map[string]bool{}, accounts: map[string]*rollAcc{}}
	for _, g := range o.EngagedGrades {
		r.engaged[g] = true
	}
	return r, nil
}

// Add counts one scored contact; contacts with AccountID "" are ignored.
func (r *Roller) Add(c ContactScore) {
	if c.AccountID == "" {
		return
	}
	a := r.accounts[c.AccountID]
	if a == nil {
		a = &rollAcc{committee: map[string]bool{}, engagedPersonas: map[string]bool{}, functions: map[string]bool{}}
		r.accounts[c.AccountID] = a
	}
	a.n++
	engaged := r.engaged[c.EngagementGrade]
	if engaged {
		a.engaged++
	}
	if c.IsMQL {
		a.mqls++
	}
	if rankOrder(c.LeadRank) < rankOrder(a.bestRank) {
		a.bestRank = c.LeadRank
	}
	a.fitTop = append(a.fitTop, c.FitScore)
	sort.Sort(sort.Reverse(sort.Float64Slice(a.fitTop)))
	if len(a.fitTop) > 3 {
		a.fitTop = a.fitTop[:3]
	}
	a.engagement = append(a.engagement, c.EngagementScore)
	if committeeLevels[c.Seniority] {
		if c.Persona != "" {
			a.committee[c.Persona] = true
			if engaged {
				a.engagedPersonas[c.Persona] = true
			}
		}
		if c.JobFunction != "" {
			a.functions[c.JobFunction] = true
		}
	}
}

// rankOrder orders lead ranks "1A" (0) ... "3C" (8); anything else is
// worse than every rank.
func rankOrder(rank string) int {
	if len(rank) != 2 || rank[0] < '1' || rank[0] > '3' || rank[1] < 'A' || rank[1] > 'C' {
		return 99
	}
	return int(rank[0]-'1')*3 + int(rank[1]-'A')
}

// Rollups returns one Rollup per account seen, sorted by AccountID.
func (r *Roller) Rollups() []Rollup {
	ids := make([]string, 0, len(r.accounts))
	for id := range r.accounts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]Rollup, len(ids))
	g := r.o.AccountGrades
	for i, id := range ids {
		a := r.accounts[id]
		ro := Rollup{AccountID: id, ContactCount: a.n, EngagedContacts: a.engaged, MQLCount: a.mqls,
			BestLeadRank: a.bestRank}
		for _, f := range a.fitTop {
			ro.FitScore += f
		}
		if len(a.fitTop) > 0 {
			ro.FitScore /= float64(len(a.fitTop))
		}
		ro.FitGrade = 3
		switch {
		case ro.FitScore >= g.FitA:
			ro.FitGrade = 1
		case ro.FitScore >= g.FitB:
			ro.FitGrade = 2
		}
		eng := slices.Clone(a.engagement)
		slices.Sort(eng)
		for _, e := range eng {
			ro.EngagementScore += e
		}
		ro.EngagementGrade = "C"
		switch {
		case ro.EngagementScore >= g.EngagementA:
			ro.EngagementGrade = "A"
		case ro.EngagementScore >= g.EngagementB:
			ro.EngagementGrade = "B"
		}
		ro.CommitteePersonas = sortedKeys(a.committee)
		ro.EngagedPersonas = sortedKeys(a.engagedPersonas)
		ro.CommitteeFunctions = sortedKeys(a.functions)
		if n := len(r.o.BuyingCommittee); n > 0 {
			hit := 0
			for _, p := range r.o.BuyingCommittee {
				if a.engagedPersonas[p] {
					hit++
				}
			}
			ro.Coverage = float64(hit) / float64(n)
		}
		ro.Stage = r.stage(&ro)
		out[i] = ro
	}
	return out
}

func (r *Roller) stage(ro *Rollup) string {
	for _, s := range r.o.AccountStages {
		if ro.ContactCount >= s.MinContacts && ro.EngagedContacts >= s.MinEngagedContacts &&
			ro.MQLCount >= s.MinMQLs && len(ro.EngagedPersonas) >= s.MinEngagedPersonas &&
			ro.EngagementScore >= s.MinEngagementScore {
			return s.Stage
		}
	}
	return StageUnaware
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Empty is the roll-up of an account no contact of the run belongs to:
// zero counts, engagement graded as zero, and the stage its rules give
// to none (a rule that asks for nothing still holds).
func (r *Roller) Empty(accountID string) Rollup {
	ro := Rollup{AccountID: accountID, FitGrade: 3, EngagementGrade: "C"}
	if g := r.o.AccountGrades; g.EngagementB <= 0 {
		ro.EngagementGrade = "B"
		if g.EngagementA <= 0 {
			ro.EngagementGrade = "A"
		}
	}
	ro.Stage = r.stage(&ro)
	return ro
}
