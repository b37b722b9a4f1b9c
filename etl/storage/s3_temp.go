package storage

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// RemoveTemp implements TempRemover: it aborts the multipart uploads that
// a killed writer left unfinished under prefix (S3 bills their parts and
// keeps them until a lifecycle rule or an abort removes them).
func (s *s3Store) RemoveTemp(ctx context.Context, prefix string) (int, error) {
	in := &s3.ListMultipartUploadsInput{Bucket: aws.String(s.bucket), Prefix: aws.String(s.prefix + prefix)}
	n := 0
	for {
		out, err := s.client.ListMultipartUploads(ctx, in)
		if err != nil {
			return n, DescribeS3Error(s.URI(), fmt.Errorf("list unfinished uploads: %w", err))
		}
		for _, u := range out.Uploads {
			if _, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
				Bucket: aws.String(s.bucket), Key: u.Key, UploadId: u.UploadId,
			}); err != nil && !isS3Code(err, "NoSuchUpload") {
				return n, DescribeS3Error(s.URI(), fmt.Errorf("abort unfinished upload: %w", err))
			}
			n++
		}
		if !aws.ToBool(out.IsTruncated) {
			return n, nil
		}
		in.KeyMarker, in.UploadIdMarker = out.NextKeyMarker, out.NextUploadIdMarker
	}
}
