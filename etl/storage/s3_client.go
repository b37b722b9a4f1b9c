package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"
)

// s3Tuning holds the timing knobs that are not user configuration; tests
// shrink them so that exhausting every attempt takes milliseconds.
type s3Tuning struct {
	baseBackoff   time.Duration // first retry waits up to this, doubling per attempt
	maxBackoff    time.Duration // cap of one wait
	headerTimeout time.Duration // from request written to response headers
	abortTimeout  time.Duration // for AbortMultipartUpload after a failed upload
	abortSettle   time.Duration // an aborted upload must stay gone this long
	readAhead     int           // smallest ranged GET an OpenReaderAt issues
}

var defaultS3Tuning = s3Tuning{
	baseBackoff: 200 * time.Millisecond,
	maxBackoff:  20 * time.Second,
	// Long enough for a slow CompleteMultipartUpload or CopyObject, short
	// enough that a silently stalled server costs one retry, not the night.
	headerTimeout: 2 * time.Minute,
	abortTimeout:  30 * time.Second,
	abortSettle:   time.Second,
	readAhead:     256 << 10,
}

// NewS3Store opens the location uri ("s3://bucket/prefix") with options o.
// It checks that the bucket exists and is reachable with the credentials of
// the standard AWS chain, so a bad location fails before any work starts.
func NewS3Store(ctx context.Context, uri string, o S3Options) (Store, error) {
	return newS3Store(ctx, uri, o, defaultS3Tuning)
}

func newS3Store(ctx context.Context, uri string, o S3Options, tune s3Tuning) (*s3Store, error) {
	bucket, prefix, err := ParseS3URI(uri)
	if err != nil {
		return nil, err
	}
	if errs := o.Validate("s3"); len(errs) > 0 {
		return nil, fmt.Errorf("%s: %w", uri, errors.Join(errs...))
	}
	o = o.withDefaults()
	s := &s3Store{bucket: bucket, prefix: prefix, opts: o, tune: tune}

	loadOpts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer { return newS3Retryer(o.MaxAttempts, tune) }),
		// The SDK's default logger writes to stderr, warning for example on
		// every multipart object it cannot checksum; route it to slog.
		config.WithLogger(logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
			slog.Debug("aws sdk: "+fmt.Sprintf(format, v...), "class", string(c))
		})),
	}
	if o.Profile != "" {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		loadOpts = append(loadOpts, config.WithRegion(o.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, DescribeS3Error(s.URI(), fmt.Errorf("load AWS configuration: %w", err))
	}
	// Wrapped after loading, so that the chain's own HTTP settings (a custom
	// CA bundle from AWS_CA_BUNDLE) are applied to the client first.
	httpClient := newLimitedHTTPClient(cfg.HTTPClient, o.MaxConcurrency, tune.headerTimeout)
	httpClient.shared = o.Requests
	cfg.HTTPClient = httpClient
	s.http = httpClient
	clientOpts := func(so *s3.Options) {
		if o.Endpoint != "" {
			so.BaseEndpoint = aws.String(o.Endpoint)
		}
		so.UsePathStyle = o.PathStyle
	}
	if cfg.Region == "" {
		region, err := discoverRegion(ctx, cfg, bucket, o, clientOpts)
		if err != nil {
			return nil, DescribeS3Error(s.URI(), err)
		}
		cfg.Region = region
	}
	s.client = s3.NewFromConfig(cfg, clientOpts)
	s.up = newUploader(s.client, o)

	// A one-key listing rather than HeadBucket: it needs the same permission
	// (s3:ListBucket), but its errors carry a body, so an unknown access key,
	// a wrong region and a missing bucket can be told apart.
	if _, err := s.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
		Bucket: aws.String(bucket), Prefix: aws.String(prefix), MaxKeys: aws.Int32(1),
	}); err != nil {
		return nil, DescribeS3Error(s.URI(), err)
	}
	endpoint := "AWS"
	if o.Endpoint != "" {
		endpoint = o.Endpoint // Validate refused endpoints that carry credentials
	}
	slog.Debug("s3 store ready", "uri", s.URI(), "endpoint", endpoint, "region", cfg.Region,
		"path_style", o.PathStyle, "max_concurrency", o.MaxConcurrency, "part_size_mb", o.PartSizeMB)
	return s, nil
}

// discoverRegion finds the region when no config names one. S3-compatible
// stores mostly ignore the region, so us-east-1 signs fine; on AWS the
// bucket says where it lives.
func discoverRegion(ctx context.Context, cfg aws.Config, bucket string, o S3Options, clientOpts func(*s3.Options)) (string, error) {
	if o.Endpoint != "" {
		return "us-east-1", nil
	}
	probe := cfg.Copy()
	probe.Region = "us-east-1"
	region, err := manager.GetBucketRegion(ctx, s3.NewFromConfig(probe, clientOpts), bucket)
	if err != nil {
		return "", fmt.Errorf("no region configured (set s3.region or AWS_REGION) and finding the bucket's region failed: %w", err)
	}
	return region, nil
}

// newS3Retryer retries throttling, 5xx, connection resets, truncated bodies
// and timeouts with capped exponential backoff and full jitter, never more
// than maxAttempts in all; cancelled contexts are never retried.
func newS3Retryer(maxAttempts int, tune s3Tuning) aws.Retryer {
	return retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = maxAttempts
		so.MaxBackoff = tune.maxBackoff
		so.Backoff = retry.BackoffDelayerFunc(func(attempt int, _ error) (time.Duration, error) {
			return backoffDelay(attempt, tune), nil
		})
		so.Retryables = append(so.Retryables, retry.IsErrorRetryableFunc(retryableTransportError))
		// The SDK's retry quota protects a shared service from a storm of
		// retries by failing requests early; a batch job with a bounded
		// number of attempts per request would only fail the night's run.
		so.RateLimiter = ratelimit.None
	})
}

// backoffDelay is full jitter: uniform in [0, min(max, base*2^(attempt-1))].
func backoffDelay(attempt int, tune s3Tuning) time.Duration {
	ceiling := tune.baseBackoff
	for i := 1; i < attempt && ceiling < tune.maxBackoff; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, tune.maxBackoff)
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1)
}

// retryableTransportError catches what the SDK's defaults leave out: a
// response body that breaks while the SDK deserializes it.
func retryableTransportError(err error) aws.Ternary {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return aws.FalseTernary
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return aws.TrueTernary
	}
	var timeout interface{ Timeout() bool }
	if errors.As(err, &timeout) && timeout.Timeout() {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// limitedHTTPClient bounds the requests in flight for one store. A slot is
// held until the response headers arrive, not until the body is closed:
// callers may hold many streaming readers open at once (a k-way merge), and
// holding slots for them would deadlock.
type limitedHTTPClient struct {
	next     aws.HTTPClient
	slots    chan struct{}
	requests atomic.Int64  // HTTP requests sent, retries included
	shared   *atomic.Int64 // the caller's counter (S3Options.Requests), or nil
}

func newLimitedHTTPClient(next aws.HTTPClient, n int, headerTimeout time.Duration) *limitedHTTPClient {
	b, ok := next.(*awshttp.BuildableClient)
	if !ok {
		b = awshttp.NewBuildableClient()
	}
	b = b.WithTransportOptions(func(t *http.Transport) {
		t.ResponseHeaderTimeout = headerTimeout
		t.MaxIdleConnsPerHost = n * 2
	})
	return &limitedHTTPClient{next: b, slots: make(chan struct{}, n)}
}

func (c *limitedHTTPClient) Do(req *http.Request) (*http.Response, error) {
	c.requests.Add(1)
	if c.shared != nil {
		c.shared.Add(1)
	}
	select {
	case c.slots <- struct{}{}:
	case <-req.Context().Done():
		return nil, &url.Error{Op: req.Method, URL: req.URL.Redacted(), Err: req.Context().Err()}
	}
	defer func() { <-c.slots }()
	return c.next.Do(req)
}
