package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run the real CLI in a child process (this test
// binary re-executed), so that signals reach a real process.
func TestMain(m *testing.M) {
	if args := os.Getenv("LEADSMITH_TEST_MAIN_ARGS"); args != "" {
		os.Args = append([]string{"leadsmith"}, strings.Split(args, "\n")...)
		main()
		return
	}
	os.Exit(m.Run())
}

// TestCLI_SIGTERMStopsCleanly sends SIGTERM to a running `leadsmith run`:
// it must exit 1, say it was interrupted, and leave no _SUCCESS.
func TestCLI_SIGTERMStopsCleanly(t *testing.T) {
	demo, err := filepath.Abs(filepath.Join("..", "..", "fixtures", "demo", "leadsmith.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "leadsmith.yaml")
	data, err := os.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	// The demo config reads its data relative to its own folder: point
	// the copy there, with work and output in the temp folder.
	abs := filepath.Dir(demo)
	text := string(data)
	text = strings.ReplaceAll(text, "uri: .", "uri: "+abs)
	text = strings.ReplaceAll(text, "work: _work", "work: "+filepath.Join(dir, "work"))
	text = strings.ReplaceAll(text, "output: _output", "output: "+filepath.Join(dir, "out"))
	text = strings.ReplaceAll(text, "state: _state", "state: "+filepath.Join(dir, "state"))
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	interrupted := 0
	// Each signal comes a while after the run's first stage started (so
	// the run is under way however slowly the process started).
	for _, delay := range []time.Duration{0, 150 * time.Millisecond} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "LEADSMITH_TEST_MAIN_ARGS="+strings.Join([]string{"run", "--config", cfg, "--force"}, "\n"))
		var stderr limitedBuffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(time.Minute); !strings.Contains(stderr.String(), `"stage started"`); {
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				t.Fatalf("no stage started within a minute:\n%s", stderr.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(delay)
		_ = cmd.Process.Signal(syscall.SIGTERM)
		err := cmd.Wait()
		var ee *exec.ExitError
		if err == nil {
			t.Logf("run finished within %v before the signal landed; nothing to check", delay)
			continue
		}
		if !errors.As(err, &ee) || ee.ExitCode() != exitFailed {
			t.Fatalf("after SIGTERM at %v: %v, want exit %d; stderr:\n%s", delay, err, exitFailed, stderr.String())
		}
		interrupted++
		if !strings.Contains(stderr.String(), "interrupted") {
			t.Errorf("stderr does not say interrupted:\n%s", stderr.String())
		}
		matches, _ := filepath.Glob(filepath.Join(dir, "out", "_runs", "*", "_SUCCESS"))
		if len(matches) > 0 {
			t.Errorf("an interrupted run left %v", matches)
		}
	}
	if interrupted == 0 {
		t.Error("no run was interrupted: the signal always came too late to test anything")
	}
}

type limitedBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.b) < 1<<20 {
		l.b = append(l.b, p...)
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}
