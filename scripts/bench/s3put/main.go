// Command s3put creates a bucket on an S3-compatible endpoint and uploads a
// local folder into it, for the S3 benchmark (scripts/bench/s3.sh). It
// reads credentials from the standard AWS environment.
//
//	go run ./scripts/bench/s3put -endpoint http://127.0.0.1:7070 -bucket bench -prefix in DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/leadsmith/leadsmith/etl/storage"
)

func main() {
	endpoint := flag.String("endpoint", "", "S3 endpoint URL")
	bucket := flag.String("bucket", "", "bucket to create (if missing) and fill")
	prefix := flag.String("prefix", "", "key prefix for the uploaded files")
	flag.Parse()
	if *endpoint == "" || *bucket == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: s3put -endpoint URL -bucket NAME [-prefix P] DIR")
		os.Exit(2)
	}
	if err := run(context.Background(), *endpoint, *bucket, *prefix, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "s3put:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, endpoint, bucket, prefix, dir string) error {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"))
	if err != nil {
		return err
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.UsePathStyle = true
	})
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil &&
		!strings.Contains(err.Error(), "BucketAlreadyOwnedByYou") && !strings.Contains(err.Error(), "BucketAlreadyExists") {
		return fmt.Errorf("create bucket: %w", err)
	}
	store, err := storage.Open(ctx, "s3://"+bucket+"/"+prefix, storage.S3Options{Endpoint: endpoint, PathStyle: true, Region: "us-east-1"})
	if err != nil {
		return err
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasPrefix(rel, "_") || strings.HasPrefix(rel, ".") {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		w, err := store.Create(ctx, filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, f); err != nil {
			_ = w.Abort()
			return err
		}
		return w.Close()
	})
}
