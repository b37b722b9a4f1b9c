// Package s3test gives tests a fresh bucket on the real S3 server that
// scripts/s3server.sh starts (versitygw on 127.0.0.1). It never fakes S3:
// without LEADSMITH_TEST_S3_ENDPOINT a test is skipped, and under CI=true
// it fails, so the S3 tests cannot silently stop running in CI. It talks to
// S3 through the AWS SDK and knows nothing of leadsmith's storage code.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/leadsmith/leadsmith/internal/testenv"
)

// Endpoint is the test S3 server's URL.
func Endpoint(t *testing.T) string {
	t.Helper()
	ep := os.Getenv("LEADSMITH_TEST_S3_ENDPOINT")
	if ep == "" {
		testenv.Missing(t, `LEADSMITH_TEST_S3_ENDPOINT is unset: run eval "$(scripts/s3server.sh start)" to test against a real S3 server (scripts/test.sh does)`)
	}
	return ep
}

// Raw is a plain SDK client for setting up and inspecting buckets
// behind the store's back.
func Raw(t *testing.T, endpoint string) *s3.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"))
	if err != nil {
		t.Fatal(err)
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.UsePathStyle = true
	})
}

var nonBucketChars = regexp.MustCompile(`[^a-z0-9]+`)

// Bucket creates a fresh bucket for one test and removes it after.
func Bucket(t *testing.T) (endpoint, bucket string, raw *s3.Client) {
	t.Helper()
	endpoint = Endpoint(t)
	raw = Raw(t, endpoint)
	name := strings.Trim(nonBucketChars.ReplaceAllString(strings.ToLower(t.Name()), "-"), "-")
	if len(name) > 40 {
		name = name[len(name)-40:]
	}
	bucket = strings.Trim("ls-"+name, "-") + "-" + RandomHex(4)
	ctx := context.Background()
	if _, err := raw.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("create bucket %s: %v", bucket, err)
	}
	t.Cleanup(func() { emptyAndDeleteBucket(t, raw, bucket) })
	return endpoint, bucket, raw
}

func emptyAndDeleteBucket(t *testing.T, raw *s3.Client, bucket string) {
	ctx := context.Background()
	pager := s3.NewListObjectsV2Paginator(raw, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Logf("cleanup list %s: %v", bucket, err)
			return
		}
		for _, o := range page.Contents {
			_, _ = raw.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: o.Key})
		}
	}
	for _, u := range PendingUploads(t, raw, bucket) {
		_, _ = raw.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(bucket), Key: u.Key, UploadId: u.UploadId})
	}
	if _, err := raw.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Logf("cleanup delete bucket %s: %v", bucket, err)
	}
}

// PendingUploads lists the bucket's unfinished multipart uploads.
func PendingUploads(t *testing.T, raw *s3.Client, bucket string) []types.MultipartUpload {
	t.Helper()
	out, err := raw.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("list multipart uploads: %v", err)
	}
	return out.Uploads
}

// RandomHex is n random bytes in hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
