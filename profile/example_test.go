package profile_test

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/leadsmith/leadsmith/profile"
)

func Example() {
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema([]arrow.Field{
		{Name: "source", Type: arrow.BinaryTypes.String},
		{Name: "title", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "title_norm", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil))
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"crm", "crm", "webinar", "webinar"}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"CEO", "???", "CEO", ""}, nil)
	b.Field(2).(*array.StringBuilder).AppendValues([]string{"ceo", "", "ceo", ""}, []bool{true, false, true, false})
	rec := b.NewRecord()
	defer rec.Release()

	d := profile.NewDataset("normalized", profile.Options{
		SourceColumn: "source",
		Pairs:        []profile.Pair{{Raw: "title", Norm: "title_norm"}},
	})
	if err := d.Add(rec); err != nil {
		panic(err)
	}
	for _, m := range d.Metrics() {
		if m.Column == "title" && m.Source == profile.AllSources {
			fmt.Printf("%s %s %q %v\n", m.Source, m.Metric, m.Key, m.Value)
		}
	}
	// Output:
	// * rows "" 4
	// * present "" 3
	// * completeness "" 0.75
	// * validity "" 0.6666666666666666
	// * distinct "" 2
	// * approximate_top "" 0
	// * top_value "CEO" 2
	// * top_value "???" 1
}
