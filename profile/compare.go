package profile

// Comparison sets a raw column beside the normalized column made from it,
// for one source or for all rows.
type Comparison struct {
	Source string
	Pair
	// Present counts the rows whose raw value is present, Valid those of
	// them whose normalized value is present too.
	Present, Valid int64
	// Distinct and top values before (raw) and after (normalized).
	DistinctBefore, DistinctAfter int64
	TopBefore, TopAfter           []Count
}

// Compare sets every pair of Options.Pairs whose raw column was seen beside
// its normalized column: for all rows first, then for each source.
func (d *Dataset) Compare() []Comparison {
	srcs := []string{AllSources}
	if d.opts.SourceColumn != "" {
		srcs = append(srcs, d.Sources()...)
	}
	var out []Comparison
	for _, p := range d.opts.Pairs {
		for _, src := range srcs {
			raw := d.Column(p.Raw, src)
			if raw == nil {
				continue
			}
			before := raw.Stats()
			cmp := Comparison{
				Source: src, Pair: p,
				Present: before.Present, Valid: before.Valid,
				DistinctBefore: before.Distinct, TopBefore: before.Top,
			}
			if norm := d.Column(p.Norm, src); norm != nil {
				after := norm.Stats()
				cmp.DistinctAfter, cmp.TopAfter = after.Distinct, after.Top
			}
			out = append(out, cmp)
		}
	}
	return out
}
