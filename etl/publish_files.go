package etl

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// partFileName names a published file so that a run id's files can be
// found (and replaced) among other runs' files in the same partition.
func partFileName(runID, attempt string, seq int) string {
	return fmt.Sprintf("part-%s-%s-%05d.parquet", runID, attempt, seq)
}

// publishDataset writes one dataset's staged files to the output. Files
// that already share one schema are copied byte for byte; otherwise rows
// are rewritten into the union schema.
func publishDataset(ctx context.Context, rc *RunContext, m *Manifest, name, from string, files []columnar.FileInfo, segmented bool, date string) (ManifestDataset, error) {
	md := ManifestDataset{From: from, Files: []columnar.FileInfo{}}
	if len(files) == 0 {
		return md, nil
	}
	type group struct {
		partition string
		files     []columnar.FileInfo
	}
	groups := map[string]*group{}
	var order []string
	for _, f := range files {
		part := "run_date=" + date
		if segmented {
			seg := DefaultSegment
			for _, dir := range strings.Split(path.Dir(f.Key), "/") {
				if strings.HasPrefix(dir, "segment=") {
					seg = strings.TrimPrefix(dir, "segment=")
				}
			}
			part += "/segment=" + seg
		}
		g := groups[part]
		if g == nil {
			g = &group{partition: part}
			groups[part] = g
			order = append(order, part)
		}
		g.files = append(g.files, f)
	}
	sort.Strings(order)
	seq := 0
	for _, part := range order {
		g := groups[part]
		prefix := name + "/" + g.partition + "/"
		schemas := make([]*arrow.Schema, len(g.files))
		uniform := true
		for i, f := range g.files {
			sc, _, err := columnar.ReadParquetSchema(ctx, rc.Work, f.Key)
			if err != nil {
				return md, err
			}
			schemas[i] = sc
			// A file with dead rows (an entity store file, see
			// columnar.DeadRows) is rewritten without them.
			uniform = uniform && sc.Equal(schemas[0]) && f.Dead == ""
		}
		if uniform {
			for _, f := range g.files {
				dst := prefix + partFileName(rc.RunID, m.Attempt, seq)
				seq++
				if err := storage.Copy(ctx, rc.Work, f.Key, rc.Output, dst); err != nil {
					return md, err
				}
				md.Files = append(md.Files, columnar.FileInfo{Key: dst, Rows: f.Rows, Bytes: f.Bytes})
			}
			continue
		}
		union := columnar.UnionSchema(schemas...)
		w, err := columnar.NewParquetWriter(ctx, rc.Output, prefix+partFileName(rc.RunID, m.Attempt, seq), union, rc.Config.Parquet)
		seq++
		if err != nil {
			return md, err
		}
		for _, f := range g.files {
			if err := conformFile(ctx, rc.Work, f, union, w); err != nil {
				w.Abort()
				return md, err
			}
		}
		fi, err := w.Close()
		if err != nil {
			return md, err
		}
		md.Files = append(md.Files, fi)
	}
	for _, f := range md.Files {
		md.Rows += f.Rows
		md.Bytes += f.Bytes
	}
	return md, nil
}

// conformFile appends a file's live rows to w in w's (wider) schema.
func conformFile(ctx context.Context, s storage.Store, f columnar.FileInfo, union *arrow.Schema, w *columnar.ParquetWriter) error {
	return columnar.EachBatch(ctx, s, []columnar.FileInfo{f}, func(rec arrow.Record) error {
		out, err := columnar.ConformRecord(rec, union)
		if err != nil {
			return fmt.Errorf("%s: %w", f.Key, err)
		}
		defer out.Release()
		return w.Write(out)
	})
}

// publishRejects publishes the gathered rejects, or an empty file in the
// rejects schema when there are none, so that a reader's glob of the date
// always finds the dataset.
func publishRejects(ctx context.Context, rc *RunContext, m *Manifest, from string, files []columnar.FileInfo, date string) (ManifestDataset, error) {
	if len(files) > 0 {
		return publishDataset(ctx, rc, m, "rejects", from, files, false, date)
	}
	key := "rejects/run_date=" + date + "/" + partFileName(rc.RunID, m.Attempt, 0)
	w, err := columnar.NewParquetWriter(ctx, rc.Output, key, columnar.RejectsSchema(), rc.Config.Parquet)
	if err != nil {
		return ManifestDataset{}, err
	}
	fi, err := w.Close()
	if err != nil {
		return ManifestDataset{}, err
	}
	return ManifestDataset{From: "none", Bytes: fi.Bytes, Files: []columnar.FileInfo{fi}}, nil
}

// partFile is a published file found in a date's partitions.
type partFile struct {
	key, runID, attempt string
}

var partFilePattern = regexp.MustCompile(`^part-(.+)-([0-9a-f]{8})-[0-9]{5}\.parquet$`)

// PublishedNames are the output datasets the stages offer.
func PublishedNames(stages []Stage) []string {
	seen := map[string]bool{"rejects": true}
	names := []string{"rejects"}
	for _, s := range stages {
		if p, ok := s.(Publisher); ok {
			for _, d := range p.Publishes() {
				if !seen[d.Dataset] && !d.RunFile {
					seen[d.Dataset] = true
					names = append(names, d.Dataset)
				}
			}
		}
	}
	sort.Strings(names)
	return names
}

// datePartitionFiles lists the published files of a run date, of every
// run id and attempt. Files leadsmith did not name are left out (and so
// never deleted).
func datePartitionFiles(ctx context.Context, rc *RunContext, date string, datasets []string) ([]partFile, error) {
	var out []partFile
	for _, name := range datasets {
		objs, err := rc.Output.List(ctx, name+"/run_date="+date+"/")
		if err != nil {
			return nil, fmt.Errorf("list %s of %s: %w", name, date, err)
		}
		for _, o := range objs {
			if m := partFilePattern.FindStringSubmatch(path.Base(o.Key)); m != nil {
				out = append(out, partFile{key: o.Key, runID: m[1], attempt: m[2]})
			}
		}
	}
	return out, nil
}

// withdrawDate removes the _SUCCESS of every run that holds files in the
// date's partitions, this run id's included: from now until this run's
// own _SUCCESS, no reader takes the date as complete.
func withdrawDate(ctx context.Context, rc *RunContext, date string, datasets []string) error {
	files, err := datePartitionFiles(ctx, rc, date, datasets)
	if err != nil {
		return err
	}
	holders := map[string]bool{rc.RunID: true}
	for _, f := range files {
		holders[f.runID] = true
	}
	ids := make([]string, 0, len(holders))
	for id := range holders {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if id != rc.RunID {
			rc.Log.Info("publish replaces another run of the same date", "run_id", rc.RunID, "replaced_run_id", id, "run_date", date)
		}
		if err := rc.Output.Delete(ctx, RunPrefix(id)+"_SUCCESS"); err != nil {
			return fmt.Errorf("withdraw _SUCCESS of run %s: %w", id, err)
		}
	}
	return nil
}

// removeStale deletes every file of the date's partitions that the new
// manifest does not list: earlier attempts, killed attempts, other run ids.
func removeStale(ctx context.Context, rc *RunContext, m *Manifest, date string, datasets []string) (int, error) {
	keep := map[string]bool{}
	for _, d := range m.Datasets {
		for _, f := range d.Files {
			keep[f.Key] = true
		}
	}
	return deleteDateFiles(ctx, rc, date, datasets, func(f partFile) bool { return !keep[f.key] })
}

// deleteDateFiles deletes the published files of a run date that drop
// selects, and returns how many it deleted.
func deleteDateFiles(ctx context.Context, rc *RunContext, date string, datasets []string, drop func(partFile) bool) (int, error) {
	files, err := datePartitionFiles(ctx, rc, date, datasets)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range files {
		if !drop(f) {
			continue
		}
		if err := rc.Output.Delete(ctx, f.key); err != nil {
			return n, fmt.Errorf("delete %s: %w", f.key, err)
		}
		n++
	}
	return n, nil
}
