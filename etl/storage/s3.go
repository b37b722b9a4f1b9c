package storage

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// S3Options is the `s3:` section of the config, shared by every s3:// location.
// Credentials never appear here: they come from the standard AWS chain
// (environment, shared config profile, web identity, instance role).
type S3Options struct {
	// Endpoint is the URL of an S3-compatible store, e.g. "http://127.0.0.1:7070"; "" means AWS.
	Endpoint string `yaml:"endpoint"`
	// PathStyle addresses buckets as endpoint/bucket instead of bucket.endpoint;
	// most S3-compatible stores need it.
	PathStyle bool `yaml:"path_style"`
	// Region, e.g. "eu-west-1"; "" takes it from the standard chain, and
	// failing that from the bucket itself (AWS) or "us-east-1" (other endpoints).
	Region string `yaml:"region"`
	// Profile is a shared config profile name; "" uses the default chain.
	Profile string `yaml:"profile"`
	// SSE is the server-side encryption of written objects: "", "SSE-S3" or "SSE-KMS".
	SSE string `yaml:"sse"`
	// KMSKeyID is the KMS key id or ARN, required with SSE-KMS.
	KMSKeyID string `yaml:"kms_key_id"`
	// MaxConcurrency bounds the parallel requests of one store (0 = 8).
	MaxConcurrency int `yaml:"max_concurrency"`
	// MaxAttempts bounds the attempts of one request, the first included (0 = 6).
	MaxAttempts int `yaml:"max_attempts"`
	// PartSizeMB is the multipart upload part size in MiB (0 = 16; min 5).
	// An object smaller than one part is written with a single PUT; memory
	// per open writer is up to (MaxConcurrency+1) parts.
	PartSizeMB int `yaml:"part_size_mb"`
	// Requests, when set, counts every HTTP request (retries included) of
	// the stores opened with these options. The caller owns it: a run
	// gives one to all its stores to report each stage's cost in requests.
	Requests *atomic.Int64 `yaml:"-" json:"-"`
}

const (
	defaultS3Concurrency = 8
	defaultS3Attempts    = 6
	defaultS3PartSizeMB  = 16
	minS3PartSizeMB      = 5
	maxS3PartSizeMB      = 5 * 1024 // S3's limit for one part
)

var regionPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*[a-z0-9]$`)

// Validate checks the options and returns one error per bad field, each
// naming the field by its config path under path (e.g. "s3").
func (o S3Options) Validate(path string) []error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", path, field, fmt.Sprintf(format, args...)))
	}
	if o.Endpoint != "" {
		u, err := url.Parse(o.Endpoint)
		switch {
		case err != nil:
			bad("endpoint", "not a URL: %q", o.Endpoint)
		case u.Scheme != "http" && u.Scheme != "https":
			bad("endpoint", "must start with http:// or https://, got %q", o.Endpoint)
		case u.Host == "":
			bad("endpoint", "has no host: %q", o.Endpoint)
		case u.User != nil:
			// Never echo the URL back: it carries a secret.
			bad("endpoint", "must not carry credentials; use the AWS credential chain")
		case u.RawQuery != "" || u.Fragment != "":
			bad("endpoint", "must not have a query or fragment, got %q", o.Endpoint)
		}
	}
	if o.Region != "" && !regionPattern.MatchString(o.Region) {
		bad("region", "not a region name like \"eu-west-1\", got %q", o.Region)
	}
	switch o.SSE {
	case "", "SSE-S3":
		if o.KMSKeyID != "" {
			bad("kms_key_id", "only valid with sse: SSE-KMS")
		}
	case "SSE-KMS":
		if o.KMSKeyID == "" {
			bad("kms_key_id", "required with sse: SSE-KMS")
		}
	default:
		bad("sse", "must be SSE-S3 or SSE-KMS, got %q", o.SSE)
	}
	if o.MaxConcurrency < 0 || o.MaxConcurrency > 256 {
		bad("max_concurrency", "must be between 1 and 256 (0 = %d), got %d", defaultS3Concurrency, o.MaxConcurrency)
	}
	if o.MaxAttempts < 0 || o.MaxAttempts > 20 {
		bad("max_attempts", "must be between 1 and 20 (0 = %d), got %d", defaultS3Attempts, o.MaxAttempts)
	}
	if o.PartSizeMB != 0 && (o.PartSizeMB < minS3PartSizeMB || o.PartSizeMB > maxS3PartSizeMB) {
		bad("part_size_mb", "must be between %d and %d (0 = %d), got %d", minS3PartSizeMB, maxS3PartSizeMB, defaultS3PartSizeMB, o.PartSizeMB)
	}
	return errs
}

// withDefaults fills the zero values that mean "default".
func (o S3Options) withDefaults() S3Options {
	if o.MaxConcurrency == 0 {
		o.MaxConcurrency = defaultS3Concurrency
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = defaultS3Attempts
	}
	if o.PartSizeMB == 0 {
		o.PartSizeMB = defaultS3PartSizeMB
	}
	return o
}

var bucketPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// ParseS3URI splits "s3://bucket/some/prefix/" into its bucket and its
// prefix, which is "" or ends with "/" so that keys join under it.
func ParseS3URI(uri string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	if !ok {
		return "", "", fmt.Errorf("%q: not an s3:// URI", uri)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("%q: no bucket name", uri)
	}
	if !bucketPattern.MatchString(bucket) || strings.Contains(bucket, "..") {
		return "", "", fmt.Errorf("%q: %q is not a valid bucket name (3-63 lower-case letters, digits, dots and hyphens)", uri, bucket)
	}
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix == "" {
		return bucket, "", nil
	}
	for _, seg := range strings.Split(prefix, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", "", fmt.Errorf("%q: the prefix has an empty, \".\" or \"..\" segment", uri)
		}
	}
	return bucket, prefix + "/", nil
}

// s3Store is a Store rooted at one bucket and prefix.
type s3Store struct {
	client *s3.Client
	bucket string
	prefix string // "" or ends with "/"
	opts   S3Options
	tune   s3Tuning
	up     uploader
	http   *limitedHTTPClient
}

// Requests is how many HTTP requests this store has sent, retries included,
// so a run can report what it cost in S3 requests.
func (s *s3Store) Requests() int64 {
	if s.http == nil {
		return 0
	}
	return s.http.requests.Load()
}

var (
	_ Store        = (*s3Store)(nil)
	_ Copier       = (*s3Store)(nil)
	_ BatchDeleter = (*s3Store)(nil)
)

// BatchDeleter is implemented by stores that delete many keys in one call
// (S3 DeleteObjects). Keys that do not exist are not an error. On error some
// keys may already be gone.
type BatchDeleter interface {
	DeleteKeys(ctx context.Context, keys []string) error
}

// URI returns "s3://bucket" or "s3://bucket/prefix".
func (s *s3Store) URI() string {
	if s.prefix == "" {
		return "s3://" + s.bucket
	}
	return "s3://" + s.bucket + "/" + strings.TrimSuffix(s.prefix, "/")
}

// keyURI names one object in errors.
func (s *s3Store) keyURI(key string) string { return "s3://" + s.bucket + "/" + s.prefix + key }

func (s *s3Store) objectKey(key string) (string, error) {
	if key == "" || strings.HasPrefix(key, "/") {
		return "", fmt.Errorf("%s: invalid key %q: must be non-empty and relative", s.URI(), key)
	}
	return s.prefix + key, nil
}

// List pages through ListObjectsV2 (1,000 keys a page), so it works for
// prefixes of any size; the result is sorted by key.
func (s *s3Store) List(ctx context.Context, prefix string) ([]ObjectInfo, error) {
	pager := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket: aws.String(s.bucket),
		Prefix: aws.String(s.prefix + prefix),
	})
	var out []ObjectInfo
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, DescribeS3Error(s.URI()+"/"+prefix, err)
		}
		for _, o := range page.Contents {
			out = append(out, ObjectInfo{
				Key:     strings.TrimPrefix(aws.ToString(o.Key), s.prefix),
				Size:    aws.ToInt64(o.Size),
				ModTime: aws.ToTime(o.LastModified),
				ETag:    strings.Trim(aws.ToString(o.ETag), `"`),
			})
		}
	}
	// S3 already lists in byte order, but compatible stores need not.
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	if out == nil {
		out = []ObjectInfo{}
	}
	return out, nil
}

// Delete removes one object; S3 answers success for a missing key.
func (s *s3Store) Delete(ctx context.Context, key string) error {
	k, err := s.objectKey(key)
	if err != nil {
		return err
	}
	_, err = s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(k)})
	if err != nil {
		if d := DescribeS3Error(s.keyURI(key), err); !errors.Is(d, ErrNotExist) {
			return d
		}
	}
	return nil
}

// maxDeleteKeys is S3's limit of keys per DeleteObjects call.
const maxDeleteKeys = 1000

// DeleteKeys removes keys in batches of 1,000 per request.
func (s *s3Store) DeleteKeys(ctx context.Context, keys []string) error {
	for start := 0; start < len(keys); start += maxDeleteKeys {
		batch := keys[start:min(start+maxDeleteKeys, len(keys))]
		ids := make([]types.ObjectIdentifier, len(batch))
		for i, key := range batch {
			k, err := s.objectKey(key)
			if err != nil {
				return err
			}
			ids[i] = types.ObjectIdentifier{Key: aws.String(k)}
		}
		out, err := s.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: aws.String(s.bucket),
			Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)},
		})
		if err != nil {
			return DescribeS3Error(s.URI(), err)
		}
		var failed []types.Error
		for _, e := range out.Errors {
			if code := aws.ToString(e.Code); code != "NoSuchKey" {
				failed = append(failed, e)
			}
		}
		if len(failed) > 0 {
			first := failed[0]
			return fmt.Errorf("%s: could not delete %d of %d keys, first %q: %s: %s", s.URI(), len(failed), len(batch),
				strings.TrimPrefix(aws.ToString(first.Key), s.prefix), aws.ToString(first.Code), oneLine(aws.ToString(first.Message)))
		}
	}
	return nil
}

// Copy copies an object inside the bucket without streaming it through the
// client. S3 limits CopyObject to objects of up to 5 GiB.
func (s *s3Store) Copy(ctx context.Context, srcKey, dstKey string) error {
	return s.copyFrom(ctx, s, srcKey, dstKey)
}

// copyFrom copies key srcKey of from (a store of the same bucket, maybe
// under another prefix) to dstKey of s, inside the bucket.
func (s *s3Store) copyFrom(ctx context.Context, from *s3Store, srcKey, dstKey string) error {
	src, err := from.objectKey(srcKey)
	if err != nil {
		return err
	}
	dst, err := s.objectKey(dstKey)
	if err != nil {
		return err
	}
	in := &s3.CopyObjectInput{
		Bucket:     aws.String(s.bucket),
		Key:        aws.String(dst),
		CopySource: aws.String(escapeCopySource(s.bucket + "/" + src)),
	}
	if sse, kms := s.sse(); sse != "" {
		in.ServerSideEncryption, in.SSEKMSKeyId = sse, kms
	}
	if _, err := s.client.CopyObject(ctx, in); err != nil {
		if d := DescribeS3Error(from.keyURI(srcKey), err); errors.Is(d, ErrNotExist) {
			return d
		}
		return DescribeS3Error(from.keyURI(srcKey)+" -> "+s.keyURI(dstKey), err)
	}
	return nil
}

// escapeCopySource URL-encodes a copy source, keeping only unreserved
// characters and '/', since S3 decodes it and a bare '+' would turn into a space.
func escapeCopySource(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '/' || c == '-' || c == '_' || c == '.' || c == '~' ||
			('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// sse returns the encryption settings for written objects.
func (s *s3Store) sse() (types.ServerSideEncryption, *string) {
	switch s.opts.SSE {
	case "SSE-S3":
		return types.ServerSideEncryptionAes256, nil
	case "SSE-KMS":
		return types.ServerSideEncryptionAwsKms, aws.String(s.opts.KMSKeyID)
	}
	return "", nil
}
