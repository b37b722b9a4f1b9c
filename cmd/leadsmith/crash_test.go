package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
	"github.com/leadsmith/leadsmith/internal/s3test"
)

// The crash trials do to real `leadsmith run` processes what an
// operator's bad night does: kill -9 at every step of a commit (through
// LEADSMITH_FAILPOINT) and at random moments, and SIGTERM at random
// moments, on local disk and on the real S3 server. After each kill the
// output must hold the earlier complete runs and nothing new that is
// marked complete; a re-run must complete with the data of a clean run
// and leave no temporary file. LEADSMITH_CRASH_TRIALS sets the number of
// random trials per location (scripts/crash-trials.sh runs 50).

var failpoints = []string{
	"stage-extract-before-marker", "stage-normalize-before-marker", "stage-dedupe-before-marker",
	"stage-score-before-marker", "publish-pending-written", "publish-withdrawn", "publish-data-written",
	"publish-state-written", "publish-stale-removed", "publish-manifest-written", "publish-committed",
	"publish-head-written", "stage-publish-before-marker",
}

const (
	crashPrevDate = "2026-11-22"
	crashDate     = "2026-11-23"
)

// crashEnv is one trial's locations: local folders or prefixes of a bucket.
type crashEnv struct {
	t                   *testing.T
	work, output, state string
	raw                 *s3.Client // nil on local disk
	bucket, prefix      string
}

func (e *crashEnv) environ() []string {
	return append(os.Environ(), "LEADSMITH_TEST_WORK="+e.work, "LEADSMITH_TEST_OUTPUT="+e.output, "LEADSMITH_TEST_STATE="+e.state)
}

// cli runs the real CLI in a child process; kill, when set, is called
// with the started process and may stop it.
func (e *crashEnv) cli(extraEnv []string, kill func(*os.Process), args ...string) (int, string) {
	cfg, _ := filepath.Abs(filepath.Join("..", "..", "etl", "stages", "testdata", "pipeline", "leadsmith.yaml"))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(e.environ(), extraEnv...), "LEADSMITH_TEST_MAIN_ARGS="+strings.Join(append(args, "--config", cfg, "--log-format", "json"), "\n"))
	var stderr limitedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	if kill != nil {
		kill(cmd.Process)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stderr.String()
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -int(ws.Signal()), stderr.String()
		}
		return ee.ExitCode(), stderr.String()
	}
	e.t.Fatal(err)
	return 0, ""
}

func (e *crashEnv) mustRun(args ...string) {
	e.t.Helper()
	if code, stderr := e.cli(nil, nil, args...); code != 0 {
		e.t.Fatalf("leadsmith %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
}

func (e *crashEnv) store(loc string) storage.Store {
	s, err := storage.Open(context.Background(), loc, storage.S3Options{Endpoint: os.Getenv("LEADSMITH_TEST_S3_ENDPOINT"), PathStyle: true, Region: "us-east-1"})
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// committed returns the manifest of a run id when its _SUCCESS commits
// it, after checking that the date's partitions hold exactly its files.
func (e *crashEnv) committed(runID, date string) *etl.Manifest {
	e.t.Helper()
	ctx := context.Background()
	out := e.store(e.output)
	r, err := out.Open(ctx, etl.RunPrefix(runID)+"_SUCCESS")
	if errors.Is(err, storage.ErrNotExist) {
		return nil
	}
	if err != nil {
		e.t.Fatal(err)
	}
	r.Close()
	var m etl.Manifest
	if err := readJSONFile(ctx, out, etl.RunPrefix(runID)+"_manifest.json", &m); err != nil {
		e.t.Fatalf("run %s has _SUCCESS but no readable manifest: %v", runID, err)
	}
	listed := map[string]bool{}
	for _, d := range m.Datasets {
		for _, f := range d.Files {
			listed[f.Key] = true
		}
	}
	objs, err := out.List(ctx, "")
	if err != nil {
		e.t.Fatal(err)
	}
	found := 0
	for _, o := range objs {
		if strings.Contains(o.Key, "/run_date="+date+"/") {
			found++
			if !listed[o.Key] {
				e.t.Errorf("run %s is committed but %s also holds %s", runID, date, o.Key)
			}
		}
	}
	if found != len(listed) {
		e.t.Errorf("run %s is committed with %d files, %s holds %d", runID, len(listed), date, found)
	}
	return &m
}

// rows renders every published row of the manifest's datasets, sorted, so
// that two runs can be compared whatever their file names.
func (e *crashEnv) rows(m *etl.Manifest) []string {
	e.t.Helper()
	ctx := context.Background()
	out := e.store(e.output)
	var lines []string
	for name, d := range m.Datasets {
		for _, f := range d.Files {
			pf, err := columnar.OpenParquet(ctx, out, f.Key)
			if err != nil {
				e.t.Fatal(err)
			}
			err = pf.Each(ctx, func(rec arrow.Record) error {
				for i := 0; i < int(rec.NumRows()); i++ {
					var b strings.Builder
					b.WriteString(name)
					for j, col := range rec.Columns() {
						if rec.ColumnName(j) == "run_id" {
							continue // a re-run under another run id is the same data
						}
						fmt.Fprintf(&b, "|%s=%s", rec.ColumnName(j), col.ValueStr(i))
					}
					lines = append(lines, b.String())
				}
				return nil
			})
			pf.Close()
			if err != nil {
				e.t.Fatal(err)
			}
		}
	}
	sort.Strings(lines)
	return lines
}

// assertClean checks that nothing a killed run left behind remains.
func (e *crashEnv) assertClean() {
	e.t.Helper()
	ctx := context.Background()
	if e.raw == nil {
		for _, dir := range []string{e.work, e.output, e.state} {
			_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && strings.HasPrefix(d.Name(), ".leadsmith-tmp-") && !strings.HasPrefix(d.Name(), ".leadsmith-tmp-lock.") {
					e.t.Errorf("temporary file left: %s", p)
				}
				return nil
			})
		}
	} else {
		up, err := e.raw.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(e.bucket), Prefix: aws.String(e.prefix)})
		if err != nil {
			e.t.Fatal(err)
		}
		if len(up.Uploads) > 0 {
			e.t.Errorf("%d unfinished multipart uploads left", len(up.Uploads))
		}
	}
	st := e.store(e.state)
	if objs, _ := st.List(ctx, "PENDING.json"); len(objs) > 0 {
		e.t.Error("PENDING.json left after a completed run")
	}
}

func readJSONFile(ctx context.Context, s storage.Store, key string, v any) error {
	r, err := s.Open(ctx, key)
	if err != nil {
		return err
	}
	defer r.Close()
	return jsonDecode(r, v)
}

func newCrashEnv(t *testing.T, onS3 bool, name string) *crashEnv {
	if !onS3 {
		dir := t.TempDir()
		return &crashEnv{t: t, work: filepath.Join(dir, "work"), output: filepath.Join(dir, "out"), state: filepath.Join(dir, "state")}
	}
	_, bucket, raw := sharedBucket(t)
	p := name + "-" + s3test.RandomHex(3)
	base := "s3://" + bucket + "/" + p
	return &crashEnv{t: t, work: base + "/work", output: base + "/out", state: base + "/state", raw: raw, bucket: bucket, prefix: p + "/"}
}

var crashBucket struct {
	bucket string
	raw    *s3.Client
}

// sharedBucket gives every S3 trial of the test one bucket.
func sharedBucket(t *testing.T) (string, string, *s3.Client) {
	if crashBucket.raw == nil {
		t.Fatal("no bucket: the S3 trials run inside TestCrashTrials")
	}
	return "", crashBucket.bucket, crashBucket.raw
}

// reference is the published data of a clean night D-1 then D.
func reference(t *testing.T) ([]string, time.Duration) {
	e := newCrashEnv(t, false, "reference")
	e.mustRun("run", "--date", crashPrevDate)
	start := time.Now()
	e.mustRun("run", "--date", crashDate)
	took := time.Since(start)
	m := e.committed(crashDate, crashDate)
	if m == nil {
		t.Fatal("the clean run did not commit")
	}
	return e.rows(m), took
}

// trial is one bad night: an earlier complete run, optionally a complete
// run of the same date (the night is re-run), then a run stopped by kill.
type trial struct {
	failpoint string        // kill -9 at this step, or
	after     time.Duration // signal after this long
	sig       syscall.Signal
	rerun     bool
}

func (tr trial) String() string {
	s := tr.failpoint
	if s == "" {
		s = fmt.Sprintf("%v-after-%v", tr.sig, tr.after)
	}
	if tr.rerun {
		s += "-rerun"
	}
	return s
}

func runTrial(t *testing.T, e *crashEnv, tr trial, want []string) {
	e.mustRun("run", "--date", crashPrevDate)
	prev := e.rows(e.committed(crashPrevDate, crashPrevDate))
	args := []string{"run", "--date", crashDate}
	if tr.rerun {
		e.mustRun(args...)
		args = append(args, "--force")
	}
	var env []string
	var kill func(*os.Process)
	delivered := false
	if tr.failpoint != "" {
		env = []string{"LEADSMITH_FAILPOINT=" + tr.failpoint}
	} else {
		kill = func(p *os.Process) {
			time.Sleep(tr.after)
			// A process that has exited but is not yet reaped (a zombie)
			// accepts a signal and ignores it: that signal came too late.
			if exited(p.Pid) {
				return
			}
			delivered = p.Signal(tr.sig) == nil
		}
	}
	code, stderr := e.cli(env, kill, args...)
	switch {
	case tr.failpoint != "" && code != -int(syscall.SIGKILL):
		t.Fatalf("failpoint %s: exit %d, want killed\n%s", tr.failpoint, code, stderr)
	case tr.sig == syscall.SIGTERM && delivered && code == 0:
		t.Fatalf("exit 0 after SIGTERM\n%s", stderr)
	case tr.sig == syscall.SIGTERM && delivered && code == -int(syscall.SIGTERM):
		// The signal came before main caught signals (process start-up)
		// or after it stopped (the run had ended): the default action
		// ended the process, which a scheduler sees as a failure too.
	case tr.sig == syscall.SIGTERM && delivered && !strings.Contains(stderr, "interrupted"):
		t.Errorf("exit %d after SIGTERM without saying it was interrupted\n%s", code, stderr)
	}
	// After the kill: the earlier night is intact, and the killed night is
	// either not marked complete or complete and right.
	if got := e.rows(e.committed(crashPrevDate, crashPrevDate)); !equalLines(got, prev) {
		t.Errorf("the kill changed the earlier night's published data")
	}
	if m := e.committed(crashDate, crashDate); m != nil && !equalLines(e.rows(m), want) {
		t.Errorf("a killed run is marked complete with other data than a clean run's")
	}
	e.mustRun("run", "--date", crashDate)
	m := e.committed(crashDate, crashDate)
	if m == nil {
		t.Fatal("the re-run did not commit")
	}
	if got := e.rows(m); !equalLines(got, want) {
		t.Errorf("after the re-run the data differs from a clean run's (%d rows, want %d)%s", len(got), len(want), firstDiff(got, want))
	}
	e.assertClean()
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func trialCount() int {
	if n, err := strconv.Atoi(os.Getenv("LEADSMITH_CRASH_TRIALS")); err == nil && n > 0 {
		return n
	}
	return 3
}

func TestCrashTrials(t *testing.T) {
	if testing.Short() {
		t.Skip("real processes killed at every step")
	}
	want, took := reference(t)
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("LEADSMITH_CRASH_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("random trials: seed %d (LEADSMITH_CRASH_SEED)", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	var trials []trial
	for i, fp := range failpoints {
		trials = append(trials, trial{failpoint: fp, rerun: i%2 == 1})
	}
	for i := 0; i < trialCount(); i++ {
		sig := syscall.SIGKILL
		if i%2 == 1 {
			sig = syscall.SIGTERM
		}
		trials = append(trials, trial{after: time.Duration(rng.Int64N(int64(took))), sig: sig, rerun: rng.IntN(2) == 0})
	}
	for _, onS3 := range []bool{false, true} {
		where := "local"
		if onS3 {
			where = "s3"
			endpoint := s3test.Endpoint(t)
			_, bucket, raw := s3test.Bucket(t)
			_ = endpoint
			crashBucket.bucket, crashBucket.raw = bucket, raw
		}
		for i, tr := range trials {
			t.Run(fmt.Sprintf("%s/%02d-%s", where, i, tr), func(t *testing.T) {
				runTrial(t, newCrashEnv(t, onS3, fmt.Sprintf("t%02d", i)), tr, want)
			})
		}
	}
}

func jsonDecode(r interface{ Read([]byte) (int, error) }, v any) error {
	return json.NewDecoder(r).Decode(v)
}

func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return "\n got: " + got[i] + "\nwant: " + want[i]
		}
	}
	return ""
}

// exited reports whether the process pid has ended and awaits its
// parent's wait (state Z in /proc/<pid>/stat).
func exited(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses.
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && i+2 < len(b) && b[i+2] == 'Z'
}
