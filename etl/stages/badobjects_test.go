package stages

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/extract"
)

func gzipBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// contactsCSV is a header and n rows with ids prefix1..prefixN.
func contactsCSV(prefix string, n int) []byte {
	var b bytes.Buffer
	b.WriteString("record_id,email,first_name,last_name\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s%d,%s%d@example.com,First%d,Last%s%d\n", prefix, i, prefix, i, i, prefix, i)
	}
	return b.Bytes()
}

// badCorpus is one source folder of good objects and broken ones.
func badCorpus(t *testing.T) (files map[string][]byte, goodIDs []string) {
	long := contactsCSV("t", 5000)
	gzLong := gzipBytes(t, long)
	files = map[string][]byte{
		"data/a_good.csv":           contactsCSV("a", 3),
		"data/b_good.csv.gz":        gzipBytes(t, contactsCSV("b", 3)),
		"data/c_truncated.csv.gz":   gzLong[:len(gzLong)/2],
		"data/d_trailing.csv.gz":    append(gzipBytes(t, contactsCSV("d", 2)), []byte("this is no gzip member")...),
		"data/e_empty.csv.gz":       {},
		"data/f_csv_named.parquet":  contactsCSV("f", 2),
		"data/g_json_named.csv":     []byte(`{"record_id":"g1","email":"g1@example.com"}` + "\n" + `{"record_id":"g2","email":"g2@example.com"}` + "\n"),
		"data/h_header_only.csv":    []byte("record_id,email,first_name,last_name\n"),
		"data/i_long_line.csv":      bytes.Repeat([]byte("x"), 50<<20),
		"data/j_cut.jsonl":          []byte(`{"record_id":"j1","email":"j1@example.com"}` + "\n" + `{"record_id":"j2","em`),
		"data/k_corrupt.parquet":    append([]byte("PAR1"), bytes.Repeat([]byte{0xAB}, 300)...),
		"data/l_good_after_bad.csv": contactsCSV("l", 2),
	}
	goodIDs = []string{"a1", "a2", "a3", "b1", "b2", "b3", "d1", "d2", "f1", "f2", "g1", "g2", "j1", "l1", "l2"}
	return files, goodIDs
}

func TestExtract_BadObjectsDoNotAbortTheRun(t *testing.T) {
	files, goodIDs := badCorpus(t)
	rc := newDirRun(t, "sources:\n  - name: crm\n    uri: ./data\n", files, nil)
	ctx := context.Background()
	if errs := etl.ValidateData(ctx, rc.Config); len(errs) > 0 {
		t.Fatalf("config validation fails on bad objects under on_bad_object skip: %v", errs)
	}
	if err := etl.RunPipeline(ctx, rc, Pipeline()); err != nil {
		t.Fatal(err)
	}
	ex, err := rc.Committed(ctx, "extract")
	if err != nil {
		t.Fatal(err)
	}
	staged := map[string]bool{}
	truncatedRows := 0
	for _, r := range readRows(t, rc.Work, ex.Datasets["raw"]) {
		staged[r["record_id"]] = true
		if strings.HasPrefix(r["record_id"], "t") {
			truncatedRows++
		}
	}
	for _, id := range goodIDs {
		if !staged[id] {
			t.Errorf("row %s of a readable object is not staged", id)
		}
	}
	if truncatedRows == 0 || truncatedRows >= 5000 {
		t.Errorf("truncated gzip: %d rows staged before the break, want some but not all", truncatedRows)
	}

	// Every broken object is in the stage's notes and in rejects.
	var notes struct {
		Bad        []extract.BadObject      `json:"bad_objects"`
		Mismatched []extract.FormatMismatch `json:"format_mismatches"`
	}
	data, _ := json.Marshal(ex.Notes)
	if err := json.Unmarshal(data, &notes); err != nil {
		t.Fatal(err)
	}
	var bad []string
	for _, b := range notes.Bad {
		bad = append(bad, b.Object+" "+strings.SplitN(b.Reason, ":", 2)[0])
		if b.Object == "c_truncated.csv.gz" && b.RowsStagedBeforeBreak != int64(truncatedRows) {
			t.Errorf("truncated gzip: notes say %d rows staged before the break, staged %d", b.RowsStagedBeforeBreak, truncatedRows)
		}
		if b.RowsPossiblyLost == "" {
			t.Errorf("%s: rows_possibly_lost is empty", b.Object)
		}
	}
	sort.Strings(bad)
	want := []string{"c_truncated.csv.gz truncated_object", "d_trailing.csv.gz corrupt_gzip", "e_empty.csv.gz truncated_object",
		"i_long_line.csv unreadable_header", "k_corrupt.parquet unreadable_parquet"}
	if strings.Join(bad, ";") != strings.Join(want, ";") {
		t.Errorf("bad objects = %q, want %q", bad, want)
	}
	var mism []string
	for _, m := range notes.Mismatched {
		mism = append(mism, m.Object+" "+m.Named+"->"+m.ReadAs)
	}
	sort.Strings(mism)
	if strings.Join(mism, ";") != "f_csv_named.parquet parquet->csv;g_json_named.csv csv->jsonl" {
		t.Errorf("format mismatches = %q", mism)
	}
	m := readManifest(t, rc)
	rejected := map[string]string{}
	for _, r := range readRows(t, rc.Output, m.Datasets["rejects"].Files) {
		rejected[r["location"]] = r["reason"]
	}
	for _, b := range notes.Bad {
		if !strings.HasPrefix(rejected[b.Object], "bad_object: ") {
			t.Errorf("bad object %s has no reject (rejects: %v)", b.Object, rejected)
		}
	}
	if !strings.HasPrefix(rejected["j_cut.jsonl:2"], "invalid_json") {
		t.Errorf("the cut JSON line is not rejected: %v", rejected)
	}
	for _, s := range m.Sources {
		if !s.Reconciled || s.RowsRead != s.RowsStaged+s.RowsRejected {
			t.Errorf("source %s does not reconcile: %+v", s.Name, s)
		}
	}

	// Validation reads headers: it passes over unreadable ones under skip
	// and reports them under fail.
	unreadable := map[string][]byte{"data/i_long_line.csv": files["data/i_long_line.csv"], "data/k_corrupt.parquet": files["data/k_corrupt.parquet"]}
	for mode, want := range map[string]int{"skip": 0, "fail": 2} {
		rc := newDirRun(t, "sources:\n  - name: crm\n    uri: ./data\nextract:\n  on_bad_object: "+mode+"\n", unreadable, nil)
		if errs := etl.ValidateData(ctx, rc.Config); len(errs) != want {
			t.Errorf("on_bad_object %s: validation gives %d errors, want %d: %v", mode, len(errs), want, errs)
		}
	}

	// on_bad_object: fail stops extract with the object named.
	rc = newDirRun(t, "sources:\n  - name: crm\n    uri: ./data\nextract:\n  on_bad_object: fail\n",
		map[string][]byte{"data/a.csv": contactsCSV("a", 2), "data/b.csv.gz": gzLongHalf(t)}, nil)
	_, err = etl.RunStage(ctx, rc, extract.Stage{})
	if err == nil || !strings.Contains(err.Error(), "b.csv.gz") || !strings.Contains(err.Error(), "on_bad_object") {
		t.Fatalf("on_bad_object fail: err = %v", err)
	}
}

func gzLongHalf(t *testing.T) []byte {
	gz := gzipBytes(t, contactsCSV("t", 2000))
	return gz[:len(gz)/2]
}

// A headerless file: its first row is taken for a header. No error and no
// log line may carry its name, email or phone.
func TestHeaderlessFile_NoPersonalDataInMessages(t *testing.T) {
	var logs bytes.Buffer
	csv := "Ada,Lovelace,ada.lovelace@analytical.example,+44 20 7946 0018\nAlan,Turing,alan@bletchley.example,+44 20 7946 0999\n"
	rc := newDirRun(t, "sources:\n  - name: crm\n    uri: ./data\n    columns: {email: Email, phone: Phone, first_name: First Name}\n",
		map[string][]byte{"data/people.csv": []byte(csv)}, &logs)
	var msgs []string
	for _, err := range etl.ValidateData(context.Background(), rc.Config) {
		msgs = append(msgs, err.Error())
	}
	if len(msgs) == 0 {
		t.Fatal("a headerless file passed validation")
	}
	if _, err := etl.RunStage(context.Background(), rc, extract.Stage{}); err != nil {
		msgs = append(msgs, err.Error())
	}
	all := strings.Join(msgs, "\n") + "\n" + logs.String()
	for _, v := range []string{"Ada", "Lovelace", "ada.lovelace", "@analytical", "7946", "Alan", "Turing"} {
		if strings.Contains(all, v) {
			t.Errorf("%q appears in a message:\n%s", v, all)
		}
	}
}
