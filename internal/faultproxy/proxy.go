// Package faultproxy is an HTTP proxy for tests that sits between an S3
// client and a loopback S3 server and injects the faults a real network and a
// busy S3 produce: 503 SlowDown, connection resets, responses cut in the
// middle of their body and stalls. It counts requests by S3 operation so tests
// can assert which path a client took (multipart or single PUT, pages listed).
// It speaks plain HTTP and knows nothing of leadsmith's storage code.
package faultproxy

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Config says which share of requests gets which fault. Shares are in [0,1]
// and their sum must not exceed 1; a request gets at most one fault.
type Config struct {
	// Seed makes the fault decisions repeatable: a request's fault is a hash
	// of the seed, the request (minus bucket name and upload id, which differ
	// between runs) and how many times the same request came before, so
	// concurrent clients get the same faults on every run, in any order.
	Seed int64
	// SlowDown answers 503 with an S3 SlowDown XML error without forwarding.
	SlowDown float64
	// Reset resets the TCP connection (RST) before forwarding.
	Reset float64
	// MidBodyReset forwards, then resets the connection after sending part of
	// the response body. It only applies to GET requests with a non-empty
	// body: cutting the response of a request that already changed the
	// server (a completed multipart upload) is a different fault, a lost
	// response, which these tests do not model.
	MidBodyReset float64
	// Stall waits StallFor before forwarding.
	Stall    float64
	StallFor time.Duration
	// Observe, when set, sees every request before any fault, e.g. for a
	// test to check the headers a client sends. It must not keep or change r.
	Observe func(r *http.Request)
}

// Stats counts what the proxy has seen since it started.
type Stats struct {
	Requests      int
	SlowDowns     int
	Resets        int
	MidBodyResets int
	Stalls        int
	// Ops counts requests (faulted or not) by S3 operation name, e.g.
	// "UploadPart", "ListObjectsV2"; see Operation.
	Ops map[string]int
}

// Faults is the number of requests that got a fault (stalls included).
func (s Stats) Faults() int { return s.SlowDowns + s.Resets + s.MidBodyResets + s.Stalls }

type fault int

const (
	faultNone fault = iota
	faultSlowDown
	faultReset
	faultMidBody
	faultStall
)

// Proxy is a running fault-injecting proxy listening on 127.0.0.1.
type Proxy struct {
	target *url.URL
	cfg    Config
	ln     net.Listener
	srv    *http.Server
	client *http.Client

	mu    sync.Mutex
	seen  map[string]int // occurrences of each request key
	stats Stats
}

// New starts a proxy in front of target, which must be an http URL on a
// loopback address: the proxy is a test tool and refuses to forward anywhere
// else.
func New(target string, cfg Config) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("faultproxy: target %q: %w", target, err)
	}
	if u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("faultproxy: target %q: must be http://host:port", target)
	}
	if !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("faultproxy: target %q: only loopback targets are allowed", target)
	}
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("faultproxy: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p := &Proxy{
		target: u,
		cfg:    cfg,
		ln:     ln,
		seen:   map[string]int{},
		stats:  Stats{Ops: map[string]int{}},
		client: &http.Client{
			Transport: &http.Transport{
				Proxy:               nil, // never route test traffic through an environment proxy
				DisableCompression:  true,
				MaxIdleConnsPerHost: 64,
			},
			// Redirects go back to the client untouched, as S3's 301s would.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

func (c Config) validate() error {
	shares := []struct {
		name string
		v    float64
	}{{"SlowDown", c.SlowDown}, {"Reset", c.Reset}, {"MidBodyReset", c.MidBodyReset}, {"Stall", c.Stall}}
	sum := 0.0
	for _, s := range shares {
		if s.v < 0 || s.v > 1 {
			return fmt.Errorf("%s share %v: must be in [0,1]", s.name, s.v)
		}
		sum += s.v
	}
	if sum > 1+1e-9 {
		return fmt.Errorf("fault shares add up to %v: must not exceed 1", sum)
	}
	if c.Stall > 0 && c.StallFor <= 0 {
		return errors.New("a Stall share needs a StallFor duration")
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// SetConfig replaces the fault configuration (and restarts the seeded
// sequence) for the requests that follow, so a test can set up through a
// clean proxy and then break it.
func (p *Proxy) SetConfig(cfg Config) error {
	if err := cfg.validate(); err != nil {
		return fmt.Errorf("faultproxy: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg = cfg
	p.seen = map[string]int{}
	return nil
}

// URL is the proxy's base URL, to be used as the client's endpoint.
func (p *Proxy) URL() string { return "http://" + p.ln.Addr().String() }

// Close stops the proxy and drops the connections it holds.
func (p *Proxy) Close() error {
	err := p.srv.Close()
	p.client.CloseIdleConnections()
	return err
}

// Stats returns a copy of the counters.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Ops = make(map[string]int, len(p.stats.Ops))
	for k, v := range p.stats.Ops {
		s.Ops[k] = v
	}
	return s
}

// decide picks the fault for one request, and where a cut body ends.
func (p *Proxy) decide(r *http.Request) (fault, time.Duration, uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats.Requests++
	p.stats.Ops[Operation(r)]++
	key := requestKey(r)
	p.seen[key]++
	h := hash64(p.cfg.Seed, key, p.seen[key])
	x := float64(h>>11) / (1 << 53)
	pick := faultNone
	for _, c := range []struct {
		share float64
		f     fault
	}{{p.cfg.SlowDown, faultSlowDown}, {p.cfg.Reset, faultReset}, {p.cfg.MidBodyReset, faultMidBody}, {p.cfg.Stall, faultStall}} {
		if x < c.share {
			pick = c.f
			break
		}
		x -= c.share
	}
	if pick == faultMidBody && r.Method != http.MethodGet {
		pick = faultNone
	}
	switch pick {
	case faultSlowDown:
		p.stats.SlowDowns++
	case faultReset:
		p.stats.Resets++
	case faultStall:
		p.stats.Stalls++
	}
	return pick, p.cfg.StallFor, hash64(p.cfg.Seed+1, key, p.seen[key])
}

// requestKey identifies a request across runs: method, path without the
// bucket, query without the upload id, and the Range asked for.
func requestKey(r *http.Request) string {
	path := strings.TrimPrefix(r.URL.Path, "/")
	if _, rest, ok := strings.Cut(path, "/"); ok {
		path = rest
	} else {
		path = ""
	}
	q := r.URL.Query()
	q.Del("uploadId")
	return r.Method + " " + path + "?" + q.Encode() + " " + r.Header.Get("Range")
}

func hash64(seed int64, key string, n int) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\x00%s\x00%d", seed, key, n)
	// FNV's low bits mix poorly for similar keys; finish with splitmix64.
	z := h.Sum64() + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

const slowDownBody = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>faultproxy</RequestId></Error>`

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	observe := p.cfg.Observe
	p.mu.Unlock()
	if observe != nil {
		observe(r)
	}
	f, stallFor, cutHash := p.decide(r)
	switch f {
	case faultSlowDown:
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("Content-Length", fmt.Sprint(len(slowDownBody)))
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, slowDownBody)
		return
	case faultReset:
		resetConn(w)
		return
	case faultStall:
		t := time.NewTimer(stallFor)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
		p.forward(w, r, false, 0)
	case faultMidBody:
		p.forward(w, r, true, cutHash)
	default:
		p.forward(w, r, false, 0)
	}
}

// hopHeaders are per-connection headers that a proxy must not pass on.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade", "Expect"}

func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, cutBody bool, cutHash uint64) {
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.target.String()+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, "faultproxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	for _, h := range hopHeaders {
		out.Header.Del(h)
	}
	// SigV4 signs the Host the client dialled, so it must reach the server unchanged.
	out.Host = r.Host
	out.ContentLength = r.ContentLength
	if r.ContentLength == 0 {
		out.Body = http.NoBody
	}
	resp, err := p.client.Do(out)
	if err != nil {
		http.Error(w, "faultproxy: upstream: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	for _, h := range hopHeaders {
		w.Header().Del(h)
	}
	if cutBody && resp.ContentLength > 0 {
		// Anywhere but the body's end, so the client always sees a short body.
		cut := int64(cutHash % uint64(resp.ContentLength))
		w.WriteHeader(resp.StatusCode)
		_, _ = io.CopyN(w, resp.Body, cut)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		// A RST makes the kernel drop what the client has not read yet; a
		// real reset mid-stream comes after the client got the bytes before it.
		time.Sleep(20 * time.Millisecond)
		p.mu.Lock()
		p.stats.MidBodyResets++
		p.mu.Unlock()
		resetConn(w)
		return
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// resetConn takes the connection from the HTTP server and closes it with
// SO_LINGER 0, so the client sees a TCP RST, not a clean close.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("faultproxy: ResponseWriter cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// Operation names the S3 operation of a path-style request, e.g.
// "PutObject", "UploadPart", "ListObjectsV2"; "Other" when unknown.
func Operation(r *http.Request) string {
	q := r.URL.Query()
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucketOnly := path != "" && !strings.Contains(strings.TrimSuffix(path, "/"), "/")
	has := func(k string) bool { _, ok := q[k]; return ok }
	switch r.Method {
	case http.MethodGet:
		switch {
		case bucketOnly && q.Get("list-type") == "2":
			return "ListObjectsV2"
		case bucketOnly && has("uploads"):
			return "ListMultipartUploads"
		case bucketOnly:
			return "ListObjects"
		case path == "":
			return "ListBuckets"
		}
		return "GetObject"
	case http.MethodHead:
		if bucketOnly {
			return "HeadBucket"
		}
		return "HeadObject"
	case http.MethodPut:
		switch {
		case bucketOnly:
			return "CreateBucket"
		case has("uploadId") && has("partNumber"):
			if r.Header.Get("X-Amz-Copy-Source") != "" {
				return "UploadPartCopy"
			}
			return "UploadPart"
		case r.Header.Get("X-Amz-Copy-Source") != "":
			return "CopyObject"
		}
		return "PutObject"
	case http.MethodPost:
		switch {
		case has("delete"):
			return "DeleteObjects"
		case has("uploads"):
			return "CreateMultipartUpload"
		case has("uploadId"):
			return "CompleteMultipartUpload"
		}
	case http.MethodDelete:
		switch {
		case has("uploadId"):
			return "AbortMultipartUpload"
		case bucketOnly:
			return "DeleteBucket"
		}
		return "DeleteObject"
	}
	return "Other"
}
