package profiling

import (
	"context"
	"sort"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
	"github.com/leadsmith/leadsmith/report"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// noTier labels accounts without a tier.
const noTier = "(none)"

// accountSection counts the published accounts by tier, and those with at
// least one engaged contact (engaged_contacts > 0) among them; coverage
// and match methods come from the contacts.
func accountSection(ctx context.Context, s storage.Store, files []columnar.FileInfo, cc *contactCounts) (*report.AccountSection, error) {
	as := &report.AccountSection{Contacts: cc.rows, Matched: cc.matched}
	tiers := map[string]*report.TierCount{}
	err := columnar.EachBatch(ctx, s, files, func(rec arrow.Record) error {
		n := int(rec.NumRows())
		as.Accounts += int64(n)
		tier := columnar.StringCol(rec, "tier")
		engaged, _ := columnar.Column(rec, "engaged_contacts").(*array.Int64)
		for i := 0; i < n; i++ {
			t := columnar.StrAt(tier, i)
			if t == "" {
				t = noTier
			}
			tc := tiers[t]
			if tc == nil {
				tc = &report.TierCount{Tier: t}
				tiers[t] = tc
			}
			tc.Accounts++
			if engaged != nil && engaged.IsValid(i) && engaged.Value(i) > 0 {
				tc.Engaged++
			}
		}
		return nil
	}, "tier", "engaged_contacts")
	if err != nil {
		return nil, err
	}
	for _, tc := range tiers {
		as.ByTier = append(as.ByTier, *tc)
	}
	sort.Slice(as.ByTier, func(i, j int) bool {
		a, b := as.ByTier[i].Tier, as.ByTier[j].Tier
		if (a == noTier) != (b == noTier) {
			return b == noTier
		}
		return a < b
	})
	methods := map[string]int64{}
	var withMethod int64
	for m, n := range cc.values["account_match_method"] {
		methods[m] = n
		withMethod += n
	}
	if rest := cc.rows - withMethod; rest > 0 {
		methods["unmatched"] = rest
	}
	as.MatchMethods = byCount(methods, nil)
	return as, nil
}
