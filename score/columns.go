package score

import (
	"errors"
	"fmt"
	"sort"
)

// CustomerFlag is the column the funnel reads as the customer flag when
// funnel.customer_when is empty and the data has it.
const CustomerFlag = "is_customer"

// Columns lists the row columns the model built from c reads, sorted, so
// etl can load just those instead of the whole golden record: every column
// the fit rules, MQL rule, funnel customer rule, segments and territories
// name, plus CustomerFlag when funnel.customer_when is empty (the caller
// leaves out a column the data lacks). Kind is how a text cell of the
// column is read: Bool for CustomerFlag ("true"/"yes"/"1" in text exports),
// String otherwise; a typed column keeps its own type.
func (c Config) Columns() ([]Column, error) {
	seen := map[string]bool{}
	var errs []error
	add := func(path, src string) {
		if src == "" {
			return
		}
		n, err := parseExpr(src)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			return
		}
		collectColumns(n, seen)
	}
	for i, r := range c.Fit.Rules {
		add(fmt.Sprintf("score.fit.rules[%d].when", i), r.When)
	}
	add("score.mql_when", c.MQLWhen)
	add("score.funnel.customer_when", c.Funnel.CustomerWhen)
	for i, s := range c.Segments {
		add(fmt.Sprintf("score.segments[%d].when", i), s.When)
	}
	for i, t := range c.Routing.Territories {
		add(fmt.Sprintf("score.routing.territories[%d].when", i), t.When)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("score config columns: %w", errors.Join(errs...))
	}
	if c.Funnel.CustomerWhen == "" {
		seen[CustomerFlag] = true
	}
	out := make([]Column, 0, len(seen))
	for name := range seen {
		kind := String
		if name == CustomerFlag {
			kind = Bool
		}
		out = append(out, Column{Name: name, Kind: kind})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// collectColumns records every column name in n; computed fields are not
// columns etl supplies.
func collectColumns(n node, seen map[string]bool) {
	op := func(o operand) {
		if o.tok.kind != tIdent {
			return
		}
		if _, computed := virtualByName[o.tok.text]; !computed {
			seen[o.tok.text] = true
		}
	}
	switch n := n.(type) {
	case nOr:
		collectColumns(n.l, seen)
		collectColumns(n.r, seen)
	case nAnd:
		collectColumns(n.l, seen)
		collectColumns(n.r, seen)
	case nNot:
		collectColumns(n.x, seen)
	case nCmp:
		op(n.l)
		op(n.r)
	case nMatch:
		op(n.l)
		op(n.r)
	case nIn:
		op(n.l)
	case nIsNull:
		op(n.x)
	case nTruth:
		op(n.x)
	}
}
