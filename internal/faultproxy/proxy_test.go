package faultproxy

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// upstream serves a fixed body for every request and echoes the Host header
// it received, so tests can check what the proxy forwards.
func upstream(t *testing.T, body []byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Seen-Host", r.Host)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newProxy(t *testing.T, target string, cfg Config) *Proxy {
	t.Helper()
	p, err := New(target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// freshClient does not reuse connections, so a reset on one request cannot
// leak into the next.
func freshClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}, Timeout: 10 * time.Second}
}

func TestNew_RefusesNonLoopbackTargets(t *testing.T) {
	for _, target := range []string{"http://example.com:80", "http://10.0.0.1:9000", "https://127.0.0.1:9000", "127.0.0.1:9000", "http://"} {
		if p, err := New(target, Config{}); err == nil {
			_ = p.Close()
			t.Errorf("New(%q) succeeded, want an error", target)
		}
	}
}

func TestNew_RefusesBadShares(t *testing.T) {
	for _, cfg := range []Config{{SlowDown: -0.1}, {Reset: 1.5}, {SlowDown: 0.6, Reset: 0.6}, {Stall: 0.1}} {
		if p, err := New("http://127.0.0.1:1", cfg); err == nil {
			_ = p.Close()
			t.Errorf("New with %+v succeeded, want an error", cfg)
		}
	}
}

func TestProxy_ForwardsUnchangedWithoutFaults(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 1000)
	up := upstream(t, body)
	p := newProxy(t, up.URL, Config{})
	resp, err := freshClient().Get(p.URL() + "/bucket/key")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, body) {
		t.Fatalf("body differs: got %d bytes, want %d", len(got), len(body))
	}
	if want := strings.TrimPrefix(p.URL(), "http://"); resp.Header.Get("X-Seen-Host") != want {
		t.Errorf("upstream saw Host %q, want the proxy's %q (SigV4 signs it)", resp.Header.Get("X-Seen-Host"), want)
	}
	if s := p.Stats(); s.Requests != 1 || s.Faults() != 0 || s.Ops["GetObject"] != 1 {
		t.Errorf("stats = %+v, want 1 GetObject request and no faults", s)
	}
}

func TestProxy_SlowDownAnswers503WithS3Error(t *testing.T) {
	up := upstream(t, []byte("x"))
	p := newProxy(t, up.URL, Config{SlowDown: 1})
	resp, err := freshClient().Get(p.URL() + "/bucket/key")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), "<Code>SlowDown</Code>") {
		t.Fatalf("got %d %q, want 503 with a SlowDown error", resp.StatusCode, b)
	}
	if s := p.Stats(); s.SlowDowns != 1 {
		t.Errorf("SlowDowns = %d, want 1", s.SlowDowns)
	}
}

func TestProxy_ResetFailsTheRequest(t *testing.T) {
	up := upstream(t, []byte("x"))
	p := newProxy(t, up.URL, Config{Reset: 1})
	resp, err := freshClient().Get(p.URL() + "/bucket/key")
	if err == nil {
		resp.Body.Close()
		t.Fatal("request through a resetting proxy succeeded")
	}
	if s := p.Stats(); s.Resets != 1 {
		t.Errorf("Resets = %d, want 1", s.Resets)
	}
}

func TestProxy_MidBodyResetCutsGetBodies(t *testing.T) {
	body := bytes.Repeat([]byte("a"), 1<<20)
	up := upstream(t, body)
	p := newProxy(t, up.URL, Config{MidBodyReset: 1, Seed: 7})
	c := freshClient()
	resp, err := c.Get(p.URL() + "/bucket/key")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || len(got) >= len(body) {
		t.Fatalf("read %d of %d bytes with err %v, want a short body and an error", len(got), len(body), err)
	}
	// A PUT already changed the server; cutting its answer is not this fault.
	req, _ := http.NewRequest(http.MethodPut, p.URL()+"/bucket/key", strings.NewReader("data"))
	resp, err = c.Do(req)
	if err != nil {
		t.Fatalf("PUT through a mid-body-reset proxy: %v", err)
	}
	resp.Body.Close()
	if s := p.Stats(); s.MidBodyResets != 1 || s.Requests != 2 {
		t.Errorf("stats = %+v, want 2 requests and 1 mid-body reset", s)
	}
}

func TestProxy_StallDelaysForwarding(t *testing.T) {
	up := upstream(t, []byte("x"))
	p := newProxy(t, up.URL, Config{Stall: 1, StallFor: 150 * time.Millisecond})
	start := time.Now()
	resp, err := freshClient().Get(p.URL() + "/bucket/key")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("stalled request took %v, want >= 150ms", d)
	}
}

// faultSequence runs n sequential requests and records which ones failed.
func faultSequence(t *testing.T, target string, cfg Config, n int) (string, Stats) {
	t.Helper()
	p := newProxy(t, target, cfg)
	c := freshClient()
	var seq strings.Builder
	for i := 0; i < n; i++ {
		resp, err := c.Get(p.URL() + "/bucket/key")
		switch {
		case err != nil:
			seq.WriteByte('R')
		case resp.StatusCode == http.StatusServiceUnavailable:
			seq.WriteByte('S')
		default:
			seq.WriteByte('.')
		}
		if err == nil {
			resp.Body.Close()
		}
	}
	return seq.String(), p.Stats()
}

func TestProxy_FaultsAreRepeatableBySeedAndNearTheirShare(t *testing.T) {
	up := upstream(t, []byte("x"))
	cfg := Config{Seed: 42, SlowDown: 0.1, Reset: 0.1}
	const n = 400
	a, stats := faultSequence(t, up.URL, cfg, n)
	b, _ := faultSequence(t, up.URL, cfg, n)
	if a != b {
		t.Errorf("same seed gave different fault sequences:\n%s\n%s", a, b)
	}
	for name, got := range map[string]int{"SlowDowns": stats.SlowDowns, "Resets": stats.Resets} {
		if got < n/20 || got > n*3/20 { // 10% share: expect 40, accept 20..60
			t.Errorf("%s = %d of %d requests, want about 10%%", name, got, n)
		}
	}
	other, _ := faultSequence(t, up.URL, Config{Seed: 43, SlowDown: 0.1, Reset: 0.1}, n)
	if other == a {
		t.Error("a different seed gave the same fault sequence")
	}
}

func TestOperation_NamesS3Requests(t *testing.T) {
	cases := []struct {
		method, target, copySrc, want string
	}{
		{"GET", "/b?list-type=2&prefix=x", "", "ListObjectsV2"},
		{"GET", "/b/k/e/y", "", "GetObject"},
		{"HEAD", "/b", "", "HeadBucket"},
		{"HEAD", "/b/key", "", "HeadObject"},
		{"PUT", "/b", "", "CreateBucket"},
		{"PUT", "/b/key", "", "PutObject"},
		{"PUT", "/b/key?partNumber=2&uploadId=u", "", "UploadPart"},
		{"PUT", "/b/key", "b/src", "CopyObject"},
		{"POST", "/b/key?uploads", "", "CreateMultipartUpload"},
		{"POST", "/b/key?uploadId=u", "", "CompleteMultipartUpload"},
		{"POST", "/b?delete", "", "DeleteObjects"},
		{"DELETE", "/b/key?uploadId=u", "", "AbortMultipartUpload"},
		{"DELETE", "/b/key", "", "DeleteObject"},
		{"GET", "/b?uploads", "", "ListMultipartUploads"},
	}
	for _, c := range cases {
		r := httptest.NewRequest(c.method, c.target, nil)
		if c.copySrc != "" {
			r.Header.Set("X-Amz-Copy-Source", c.copySrc)
		}
		if got := Operation(r); got != c.want {
			t.Errorf("Operation(%s %s) = %q, want %q", c.method, c.target, got, c.want)
		}
	}
}

func TestProxy_SetConfigSwitchesFaultsAndObserveSeesRequests(t *testing.T) {
	up := upstream(t, []byte("x"))
	p := newProxy(t, up.URL, Config{})
	c := freshClient()
	get := func() int {
		resp, err := c.Get(p.URL() + "/bucket/key")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(); code != http.StatusOK {
		t.Fatalf("clean proxy answered %d", code)
	}
	var seen []string
	if err := p.SetConfig(Config{SlowDown: 1, Observe: func(r *http.Request) { seen = append(seen, r.Method+" "+r.URL.Path) }}); err != nil {
		t.Fatal(err)
	}
	if code := get(); code != http.StatusServiceUnavailable {
		t.Errorf("after SetConfig(SlowDown: 1) the proxy answered %d, want 503", code)
	}
	if len(seen) != 1 || seen[0] != "GET /bucket/key" {
		t.Errorf("Observe saw %v, want the one GET", seen)
	}
	if err := p.SetConfig(Config{Reset: 2}); err == nil {
		t.Error("SetConfig accepted a share of 2")
	}
}
