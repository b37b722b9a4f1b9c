package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestS3Options_ValidateNamesTheBadField(t *testing.T) {
	cases := []struct {
		name string
		o    S3Options
		want []string // one substring per expected error, in order
	}{
		{"zero value is valid", S3Options{}, nil},
		{"full valid", S3Options{Endpoint: "https://minio.local:9000", PathStyle: true, Region: "eu-west-1", SSE: "SSE-KMS", KMSKeyID: "arn:aws:kms:k", MaxConcurrency: 16, MaxAttempts: 10, PartSizeMB: 64}, nil},
		{"unknown sse", S3Options{SSE: "AES"}, []string{`s3.sse: must be SSE-S3 or SSE-KMS, got "AES"`}},
		{"kms without key", S3Options{SSE: "SSE-KMS"}, []string{"s3.kms_key_id: required with sse: SSE-KMS"}},
		{"key without kms", S3Options{SSE: "SSE-S3", KMSKeyID: "k"}, []string{"s3.kms_key_id: only valid with sse: SSE-KMS"}},
		{"endpoint without scheme", S3Options{Endpoint: "minio:9000"}, []string{"s3.endpoint: must start with http:// or https://"}},
		{"endpoint with credentials", S3Options{Endpoint: "http://user:secret@minio:9000"}, []string{"s3.endpoint: must not carry credentials"}},
		{"bad region", S3Options{Region: "EU West"}, []string{"s3.region: not a region name"}},
		{"part too small", S3Options{PartSizeMB: 4}, []string{"s3.part_size_mb: must be between 5 and 5120"}},
		{"negative numbers", S3Options{MaxConcurrency: -1, MaxAttempts: -2}, []string{"s3.max_concurrency:", "s3.max_attempts:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := c.o.Validate("s3")
			if len(errs) != len(c.want) {
				t.Fatalf("Validate = %v, want %d errors", errs, len(c.want))
			}
			for i, err := range errs {
				if !strings.Contains(err.Error(), c.want[i]) {
					t.Errorf("error %d = %q, want it to contain %q", i, err, c.want[i])
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error %q echoes a secret", err)
				}
			}
		})
	}
}

func TestParseS3URI_SplitsBucketAndPrefix(t *testing.T) {
	cases := []struct {
		uri, bucket, prefix string
		wantErr             string
	}{
		{"s3://bucket", "bucket", "", ""},
		{"s3://bucket/", "bucket", "", ""},
		{"s3://my.bucket-1/some/prefix/", "my.bucket-1", "some/prefix/", ""},
		{"s3://bucket/some/prefix", "bucket", "some/prefix/", ""},
		{"/local/dir", "", "", "not an s3:// URI"},
		{"s3://", "", "", "no bucket name"},
		{"s3://Bucket/x", "", "", "not a valid bucket name"},
		{"s3://ab/x", "", "", "not a valid bucket name"},
		{"s3://bucket//x", "", "", "empty"},
		{"s3://bucket/a/../b", "", "", `".."`},
	}
	for _, c := range cases {
		bucket, prefix, err := ParseS3URI(c.uri)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), c.uri) {
				t.Errorf("ParseS3URI(%q) error = %v, want one naming the URI and containing %q", c.uri, err, c.wantErr)
			}
			continue
		}
		if err != nil || bucket != c.bucket || prefix != c.prefix {
			t.Errorf("ParseS3URI(%q) = %q, %q, %v; want %q, %q", c.uri, bucket, prefix, err, c.bucket, c.prefix)
		}
	}
}

// apiErr builds the error the SDK returns for an S3 error answer.
func apiErr(op string, status int, code string, header http.Header) error {
	resp := &http.Response{StatusCode: status, Header: header, Body: io.NopCloser(strings.NewReader(""))}
	return &smithy.OperationError{ServiceID: "S3", OperationName: op, Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: resp},
			Err:      &smithy.GenericAPIError{Code: code, Message: "line one\nline two"},
		},
		RequestID: "REQ123",
	}}
}

// The cases versitygw cannot produce (AWS redirects, throttling) are pinned
// here on the errors the SDK builds; the others run against the server.
func TestDescribeS3Error_OneReadableLine(t *testing.T) {
	cases := []struct {
		name     string
		err      error
		want     string
		notExist bool
	}{
		{"redirect to the bucket's region", apiErr("ListObjectsV2", 301, "", http.Header{"X-Amz-Bucket-Region": {"eu-west-1"}}),
			"s3://b/p: wrong region: the bucket is in eu-west-1 (set s3.region or AWS_REGION)", false},
		{"throttled past the attempts", &retry.MaxAttemptsError{Attempt: 6, Err: apiErr("PutObject", 503, "SlowDown", nil)},
			"s3://b/p: the server is throttling requests (503 SlowDown) (gave up after 6 attempts)", false},
		{"missing key", apiErr("GetObject", 404, "NoSuchKey", nil), "s3://b/p: object does not exist", true},
		{"missing key on HEAD", apiErr("HeadObject", 404, "NotFound", nil), "s3://b/p: object does not exist", true},
		{"missing bucket", apiErr("ListObjectsV2", 404, "NoSuchBucket", nil), "s3://b/p: bucket does not exist", false},
		{"expired token", apiErr("GetObject", 400, "ExpiredToken", nil), "s3://b/p: the credentials have expired", false},
		{"other code keeps op and message on one line", apiErr("PutObject", 400, "EntityTooLarge", nil),
			"s3://b/p: PutObject: EntityTooLarge: line one line two", false},
		{"no credentials", &smithy.OperationError{ServiceID: "S3", OperationName: "GetObject",
			Err: errors.New("failed to refresh cached credentials, no EC2 IMDS role found")},
			"s3://b/p: no usable AWS credentials", false},
		{"cancelled", fmt.Errorf("upload: %w", context.Canceled), "s3://b/p: canceled", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := DescribeS3Error("s3://b/p", c.err)
			if !strings.HasPrefix(got.Error(), c.want) || strings.Contains(got.Error(), "\n") || strings.Contains(got.Error(), "REQ123") {
				t.Errorf("got %q, want one line starting %q", got, c.want)
			}
			if errors.Is(got, ErrNotExist) != c.notExist {
				t.Errorf("errors.Is(ErrNotExist) = %v, want %v", !c.notExist, c.notExist)
			}
			if !errors.Is(got, c.err) {
				t.Error("the described error no longer wraps the original")
			}
			if again := DescribeS3Error("s3://other", got); again != got {
				t.Errorf("describing twice changed the error to %q", again)
			}
		})
	}
}
