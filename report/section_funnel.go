package report

import (
	"html/template"
	"strconv"
)

// funnelView is what the night hands to sales and marketing.
type funnelView struct {
	Tiles    []tile
	Ranks    template.HTML
	Stages   template.HTML
	Segments template.HTML
	Queues   template.HTML
	Owners   template.HTML
}

func newFunnelView(f *FunnelSection) *funnelView {
	if f == nil {
		return nil
	}
	ranks := countBars(f.Ranks)
	for i := range ranks {
		// 1A..1C are the hottest leads and the darkest bars.
		if l := f.Ranks[i].Label; l != "" && l[0] >= '1' && l[0] <= '3' {
			ranks[i].Class = "rank" + l[:1]
		}
	}
	return &funnelView{
		Tiles: []tile{
			countTile("contacts", "contacts", f.Contacts, ""),
			countTile("mqls", "MQLs", f.MQLs, shareNote(f.MQLs, f.Contacts, "of contacts")),
			countTile("sla-due-24h", "SLA due in 24 h", f.SLADue24h, ""),
			countTile("sla-due-72h", "SLA due in 72 h", f.SLADue72h, ""),
		},
		Ranks:    vbar(barChart{Name: "lead-ranks", Caption: "Contacts by lead rank (1 = best fit, A = most engaged)", Axis: "lead rank", Bars: ranks}),
		Stages:   hbar(barChart{Name: "funnel-stages", Caption: "Contacts by funnel stage", Axis: "contacts", Bars: countBars(f.FunnelStages)}),
		Segments: hbar(barChart{Name: "segments", Caption: "Contacts by segment", Axis: "contacts", Bars: countBars(capBars(f.Segments, 25))}),
		Queues:   hbar(barChart{Name: "queues", Caption: "Routed contacts by queue", Axis: "contacts", Bars: countBars(capBars(f.Queues, 25))}),
		Owners:   hbar(barChart{Name: "owners", Caption: "Routed contacts per owner", Axis: "contacts", Bars: countBars(capBars(f.Owners, 25))}),
	}
}

// accountView is the enrich section.
type accountView struct {
	Tiles   []tile
	Methods template.HTML
	Tiers   template.HTML
	A       *AccountSection
}

func newAccountView(a *AccountSection) *accountView {
	if a == nil {
		return nil
	}
	cov := tile{
		Metric: "contacts-matched", Value: strconv.FormatInt(a.Matched, 10),
		Text:  fmtPct(share(a.Matched, a.Contacts)),
		Label: "account coverage", Note: fmtInt(a.Matched) + " of " + fmtInt(a.Contacts) + " contacts",
	}
	g := groupedChart{
		Name: "account-tiers", Caption: "Accounts and engaged accounts by tier", Axis: "tier",
		Series: []string{"accounts", "engaged"},
	}
	for _, t := range a.ByTier {
		g.Categories = append(g.Categories, t.Tier)
		g.Values = append(g.Values, []int64{t.Accounts, t.Engaged})
	}
	return &accountView{
		A:       a,
		Tiles:   []tile{countTile("accounts", "accounts", a.Accounts, ""), cov},
		Methods: hbar(barChart{Name: "match-methods", Caption: "Contacts by how they matched an account", Axis: "contacts", Bars: countBars(capBars(a.MatchMethods, 25))}),
		Tiers:   grouped(g),
	}
}
