package stages

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
)

// ErrUnknownColumn marks a truth column the normalized records lack.
var ErrUnknownColumn = errors.New("not a column of the normalized records")

// referenceMethods are the enrich match methods that name an account of
// the reference files; "inferred_domain" makes an account up instead.
var referenceMethods = []string{"domain", "company_country", "company_fuzzy"}

const inferredMethod = "inferred_domain"

// AccountEvalReport is what `leadsmith eval --account-truth-column`
// measures of a run's lead-to-account matching. Matching gives an entity
// (a golden record) its account, so it counts entities: those of
// tonight's records (newest versions, tombstones out). An entity's truth
// is the set of its records' true accounts: one, except for a person whose
// records show two employers (a job change), where the golden record
// reflects one of them and either is right. Only a reference match is a
// prediction; an inferred account and no account are none.
type AccountEvalReport struct {
	Truth    string `json:"truth_column"`
	Records  int    `json:"records"`  // tonight's records
	Entities int    `json:"entities"` // their entities: what the counts below count
	// Labelled entities have a true account (a record's truth column is
	// not empty).
	Labelled  int `json:"labelled"`
	Predicted int `json:"predicted"`
	Correct   int `json:"correct"`
	// Precision is Correct / Predicted, Recall Correct / Labelled (0 when
	// the divisor is 0).
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	// WrongAccount counts predictions of another reference account than
	// the true one; Unlisted those for records whose company is in no
	// reference file (empty truth), false positives all.
	WrongAccount int `json:"wrong_account"`
	Unlisted     int `json:"unlisted"`
	// ByMethod counts the predictions of each reference method.
	ByMethod map[string]MethodCounts `json:"by_method"`
	// Inferred counts records whose entity got an inferred account, of
	// which InferredLabelled had a reference account to find.
	Inferred         int `json:"inferred"`
	InferredLabelled int `json:"inferred_labelled"`
	// Unmatched counts records whose entity got no account, by reason
	// ("unknown" when enrich gave none).
	Unmatched map[string]int `json:"unmatched"`
	// OtherMethods counts records of a method this evaluation does not
	// know; they count as no prediction.
	OtherMethods map[string]int `json:"other_methods,omitempty"`
	// NoEntity counts records dedupe did not map to an entity, NoEnriched
	// records whose entity has no enriched row; neither is a prediction.
	NoEntity   int `json:"no_entity"`
	NoEnriched int `json:"no_enriched"`
}

// MethodCounts are one match method's predictions.
type MethodCounts struct {
	Predicted int     `json:"predicted"`
	Correct   int     `json:"correct"`
	Precision float64 `json:"precision"`
}

// accountVerdict is what enrich decided for one entity.
type accountVerdict struct {
	account, method, reason string
}

// EvaluateAccounts compares the account the committed enrich stage gave
// each entity with a ground-truth account column of the normalized
// records. An unknown column is an error wrapping ErrUnknownColumn.
func EvaluateAccounts(ctx context.Context, rc *etl.RunContext, truthColumn string) (*AccountEvalReport, error) {
	enr, err := etl.CommittedStage(ctx, rc, "enrich", ": run `leadsmith enrich` (or `leadsmith run`) first")
	if err != nil {
		return nil, err
	}
	dd, err := etl.CommittedStage(ctx, rc, "dedupe", ": run `leadsmith dedupe` (or `leadsmith run`) first")
	if err != nil {
		return nil, err
	}
	truthOf, err := nightTruth(ctx, rc, truthColumn, "--account-truth-column")
	if err != nil {
		return nil, err
	}
	verdicts, err := readVerdicts(ctx, rc, enr.Datasets["enriched"])
	if err != nil {
		return nil, err
	}
	rep := &AccountEvalReport{Truth: truthColumn, Records: len(truthOf),
		ByMethod: map[string]MethodCounts{}, Unmatched: map[string]int{}}
	truths := map[string][]string{} // entity -> its records' true accounts
	var order []string              // entities in the order first seen
	// Records dedupe knows but tonight's data does not (known records on
	// an incremental night) have no truth here and are skipped; tonight's
	// records left in truthOf afterwards have no entity.
	err = columnar.EachBatch(ctx, rc.Work, liveRecords(dd), func(rec arrow.Record) error {
		srcs, ids, ents := columnar.StringCol(rec, "source"), columnar.StringCol(rec, "record_id"), columnar.StringCol(rec, "entity_id")
		if srcs == nil || ids == nil || ents == nil {
			return errors.New("dedupe's record list lacks source, record_id or entity_id")
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			key := dedupe.RecordKey(columnar.StrAt(srcs, i), columnar.StrAt(ids, i))
			truth, ok := truthOf[key]
			if !ok {
				continue
			}
			delete(truthOf, key)
			ent := columnar.StrAt(ents, i)
			if _, ok := verdicts[ent]; !ok {
				rep.NoEnriched++
				continue
			}
			ts, seen := truths[ent]
			if !seen {
				order = append(order, strings.Clone(ent))
			}
			if truth != "" && !slices.Contains(ts, truth) {
				ts = append(ts, truth)
			}
			truths[ent] = ts
		}
		return nil
	}, "source", "record_id", "entity_id")
	if err != nil {
		return nil, fmt.Errorf("read dedupe's record list: %w", err)
	}
	rep.NoEntity = len(truthOf)
	rep.Entities = len(order)
	for _, ent := range order {
		if len(truths[ent]) > 0 {
			rep.Labelled++
		}
		rep.add(verdicts[ent], truths[ent])
	}
	rep.finish()
	return rep, nil
}

// add counts one entity that got v and whose records' true accounts are
// truths (none: its company is in no reference file).
func (r *AccountEvalReport) add(v accountVerdict, truths []string) {
	switch {
	case v.method == inferredMethod:
		r.Inferred++
		if len(truths) > 0 {
			r.InferredLabelled++
		}
	case slices.Contains(referenceMethods, v.method) && v.account != "":
		r.Predicted++
		m := r.ByMethod[v.method]
		m.Predicted++
		switch {
		case slices.Contains(truths, v.account):
			r.Correct++
			m.Correct++
		case len(truths) == 0:
			r.Unlisted++
		default:
			r.WrongAccount++
		}
		r.ByMethod[v.method] = m
	case v.account == "" && v.method == "":
		reason := v.reason
		if reason == "" {
			reason = "unknown"
		}
		r.Unmatched[reason]++
	default:
		if r.OtherMethods == nil {
			r.OtherMethods = map[string]int{}
		}
		r.OtherMethods[v.method]++
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (r *AccountEvalReport) finish() {
	r.Precision, r.Recall = ratio(r.Correct, r.Predicted), ratio(r.Correct, r.Labelled)
	if r.Precision+r.Recall > 0 {
		r.F1 = 2 * r.Precision * r.Recall / (r.Precision + r.Recall)
	}
	for k, m := range r.ByMethod {
		m.Precision = ratio(m.Correct, m.Predicted)
		r.ByMethod[k] = m
	}
}

// nightTruth maps the record key of each of tonight's records (newest
// version, tombstones out, as dedupe matched them) to its truth value.
func nightTruth(ctx context.Context, rc *etl.RunContext, truthColumn, flag string) (map[string]string, error) {
	norm, err := etl.CommittedStage(ctx, rc, "normalize", "")
	if err != nil {
		return nil, err
	}
	t, err := loadTable(ctx, rc.Work, norm.Datasets["normalized"], func(name string) bool {
		return name == truthColumn || name == columnar.ColSourceObject || name == columnar.ColSourceLine || name == "updated_at" || isTombstoneColumn(name)
	})
	if err != nil {
		return nil, err
	}
	if _, ok := t.Cols[truthColumn]; !ok {
		return nil, fmt.Errorf("%s: %q is %w", flag, truthColumn, ErrUnknownColumn)
	}
	night := resolveVersions(t).t
	truthOf := make(map[string]string, night.Len())
	for i, k := range night.IDs {
		truthOf[k] = night.Cols[truthColumn][i]
	}
	return truthOf, nil
}

// readVerdicts reads entity -> account verdict from the enriched dataset.
func readVerdicts(ctx context.Context, rc *etl.RunContext, files []columnar.FileInfo) (map[string]accountVerdict, error) {
	out := map[string]accountVerdict{}
	labels := map[string]string{} // methods and reasons are few: one copy each
	label := func(s string) string {
		l, ok := labels[s]
		if !ok {
			l = strings.Clone(s)
			labels[l] = l
		}
		return l
	}
	cols := []string{"entity_id", "account_id", "account_match_method", "account_match_reason"}
	err := columnar.EachBatch(ctx, rc.Work, files, func(rec arrow.Record) error {
		var arrs [4]*array.String
		for j, c := range cols {
			if arrs[j] = columnar.StringCol(rec, c); arrs[j] == nil {
				return fmt.Errorf("the enriched dataset has no string column %s", c)
			}
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			out[strings.Clone(columnar.StrAt(arrs[0], i))] = accountVerdict{
				account: strings.Clone(columnar.StrAt(arrs[1], i)),
				method:  label(columnar.StrAt(arrs[2], i)),
				reason:  label(columnar.StrAt(arrs[3], i)),
			}
		}
		return nil
	}, cols...)
	if err != nil {
		return nil, fmt.Errorf("read the enriched dataset: %w", err)
	}
	return out, nil
}

// CheckTruthColumns reports, for each flag -> column given, a column the
// run's normalized records lack, as an error wrapping ErrUnknownColumn;
// the CLI checks every flag before it evaluates anything.
func CheckTruthColumns(ctx context.Context, rc *etl.RunContext, flags map[string]string) error {
	norm, err := etl.CommittedStage(ctx, rc, "normalize", ": run `leadsmith normalize` (or `leadsmith run`) first")
	if err != nil {
		return err
	}
	files := norm.Datasets["normalized"]
	if len(files) == 0 {
		return nil
	}
	schema, _, err := columnar.ReadParquetSchema(ctx, rc.Work, files[0].Key)
	if err != nil {
		return err
	}
	var errs []error
	for _, flag := range slices.Sorted(maps.Keys(flags)) {
		if col := flags[flag]; len(schema.FieldIndices(col)) == 0 {
			errs = append(errs, fmt.Errorf("%s: %q is %w", flag, col, ErrUnknownColumn))
		}
	}
	return errors.Join(errs...)
}

// WriteText prints the report as a person reads it.
func (r *AccountEvalReport) WriteText(w io.Writer) {
	fmt.Fprintf(w, "account matching: records %d, entities %d (%d with a true account), truth column %s\n",
		r.Records, r.Entities, r.Labelled, r.Truth)
	fmt.Fprintf(w, "precision %.4f  recall %.4f  F1 %.4f  (predicted %d, correct %d, wrong account %d, account for an unlisted company %d)\n",
		r.Precision, r.Recall, r.F1, r.Predicted, r.Correct, r.WrongAccount, r.Unlisted)
	fmt.Fprintf(w, "%-18s %9s %9s %9s\n", "method", "predicted", "correct", "precision")
	for _, m := range referenceMethods {
		c := r.ByMethod[m]
		fmt.Fprintf(w, "%-18s %9d %9d %9.4f\n", m, c.Predicted, c.Correct, c.Precision)
	}
	fmt.Fprintf(w, "inferred accounts  %d entities (%d of them with a reference account to find)\n", r.Inferred, r.InferredLabelled)
	fmt.Fprintf(w, "unmatched          %d entities", sumCounts(r.Unmatched))
	for _, k := range slices.Sorted(maps.Keys(r.Unmatched)) {
		fmt.Fprintf(w, ", %s %d", k, r.Unmatched[k])
	}
	fmt.Fprintln(w)
	for _, k := range slices.Sorted(maps.Keys(r.OtherMethods)) {
		fmt.Fprintf(w, "unknown method %q: %d entities (no prediction)\n", k, r.OtherMethods[k])
	}
	if r.NoEntity+r.NoEnriched > 0 {
		fmt.Fprintf(w, "no entity %d records, entity not enriched %d records\n", r.NoEntity, r.NoEnriched)
	}
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
