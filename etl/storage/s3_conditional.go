package storage

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ReadVersion implements ConditionalWriter with one GetObject, whose ETag
// names the version whose bytes it returned.
func (s *s3Store) ReadVersion(ctx context.Context, key string) ([]byte, string, error) {
	if _, err := s.objectKey(key); err != nil {
		return nil, "", err
	}
	out, err := s.getRange(ctx, key, "", 0, -1)
	if err != nil {
		return nil, "", err
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, "", DescribeS3Error(s.keyURI(key), err)
	}
	return data, aws.ToString(out.ETag), nil
}

// CreateIfAbsent implements ConditionalWriter with PutObject If-None-Match: *.
func (s *s3Store) CreateIfAbsent(ctx context.Context, key string, data []byte) (string, error) {
	return s.putIf(ctx, key, data, &s3.PutObjectInput{IfNoneMatch: aws.String("*")}, ErrExist)
}

// ReplaceIf implements ConditionalWriter with PutObject If-Match: etag.
func (s *s3Store) ReplaceIf(ctx context.Context, key string, data []byte, etag string) (string, error) {
	return s.putIf(ctx, key, data, &s3.PutObjectInput{IfMatch: aws.String(etag)}, ErrPrecondition)
}

// putIf sends one PutObject of data with in's condition; a failed
// condition is returned as an error wrapping failed.
func (s *s3Store) putIf(ctx context.Context, key string, data []byte, in *s3.PutObjectInput, failed error) (string, error) {
	k, err := s.objectKey(key)
	if err != nil {
		return "", err
	}
	in.Bucket, in.Key = aws.String(s.bucket), aws.String(k)
	in.Body, in.ContentLength = bytes.NewReader(data), aws.Int64(int64(len(data)))
	if sse, kms := s.sse(); sse != "" {
		in.ServerSideEncryption, in.SSEKMSKeyId = sse, kms
	}
	out, err := s.client.PutObject(ctx, in)
	if err != nil {
		return "", s.conditionalError(key, err, failed)
	}
	return aws.ToString(out.ETag), nil
}

// DeleteIf implements ConditionalWriter with DeleteObject If-Match: etag.
// A server that does not implement conditional deletes (501) gets a read,
// a comparison and a plain delete instead: a writer that replaces the
// object between the two can then lose its version, which a lease only
// risks when its holder releases it after it has expired.
func (s *s3Store) DeleteIf(ctx context.Context, key string, etag string) error {
	k, err := s.objectKey(key)
	if err != nil {
		return err
	}
	_, err = s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(k), IfMatch: aws.String(etag)})
	if isS3Code(err, "NotImplemented") || httpStatus(err) == http.StatusNotImplemented {
		_, cur, rerr := s.ReadVersion(ctx, key)
		switch {
		case errors.Is(rerr, ErrNotExist):
			return nil
		case rerr != nil:
			return rerr
		case cur != etag:
			return &s3Error{uri: s.keyURI(key), reason: "the object is another version", kind: ErrPrecondition, err: ErrPrecondition}
		}
		return s.Delete(ctx, key)
	}
	if err != nil {
		if d := s.conditionalError(key, err, ErrPrecondition); !errors.Is(d, ErrNotExist) {
			return d
		}
	}
	return nil
}

// conditionalError describes a failed conditional request, naming a
// failed precondition (412) or a conflicting concurrent conditional
// write (409 ConditionalRequestConflict) by the error kind failed.
func (s *s3Store) conditionalError(key string, err error, failed error) error {
	status := httpStatus(err)
	switch {
	case status == http.StatusPreconditionFailed || isS3Code(err, "PreconditionFailed"):
		reason := "precondition failed: the object is another version"
		if failed == ErrExist {
			reason = "the object already exists"
		}
		return &s3Error{uri: s.keyURI(key), reason: reason, kind: failed, err: err}
	case isS3Code(err, "ConditionalRequestConflict") || status == http.StatusConflict:
		return &s3Error{uri: s.keyURI(key), reason: "a concurrent conditional write to the object conflicted", kind: failed, err: err}
	}
	return DescribeS3Error(s.keyURI(key), err)
}

func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}
