package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// s3Error is one readable line about a failed S3 call: the location and
// what went wrong, without the SDK's request ids and XML. It still wraps
// the SDK error (and ErrNotExist when that is the cause) for errors.Is/As.
type s3Error struct {
	uri    string
	reason string
	kind   error // ErrNotExist or nil
	err    error
}

func (e *s3Error) Error() string {
	if e.uri == "" {
		return e.reason
	}
	return e.uri + ": " + e.reason
}

func (e *s3Error) Unwrap() []error {
	if e.kind != nil {
		return []error{e.kind, e.err}
	}
	return []error{e.err}
}

// DescribeS3Error turns an error from an S3 call on the location uri into
// one line naming uri and the cause a user can act on: a missing bucket or
// object, access denied, invalid or missing credentials, a wrong region, an
// unreachable endpoint, throttling. A missing object wraps ErrNotExist.
// An error already described is returned as is.
func DescribeS3Error(uri string, err error) error {
	if err == nil {
		return nil
	}
	var done *s3Error
	if errors.As(err, &done) {
		return err
	}
	reason, kind := describeS3Cause(err)
	var attempts *retry.MaxAttemptsError
	if errors.As(err, &attempts) {
		reason += fmt.Sprintf(" (gave up after %d attempts)", attempts.Attempt)
	}
	return &s3Error{uri: uri, reason: reason, kind: kind, err: err}
}

func describeS3Cause(err error) (string, error) {
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled", nil
	case errors.As(err, &netErr) && netErr.Timeout() && !chainHas(err, context.DeadlineExceeded):
		// Transport timeouts also claim to be context.DeadlineExceeded
		// (errors.Is), but no caller's deadline has passed.
		return "the endpoint did not answer in time", nil
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline exceeded", nil
	case errors.Is(err, errWriterAborted):
		return "writer aborted", nil
	}
	op := ""
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		op = oe.OperationName
	}
	status := 0
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	code, msg := "", ""
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code, msg = ae.ErrorCode(), oneLine(ae.ErrorMessage())
	}

	switch {
	case code == "NoSuchBucket" || (op == "HeadBucket" && status == http.StatusNotFound):
		return "bucket does not exist", nil
	case code == "NoSuchKey" || (status == http.StatusNotFound && (code == "" || code == "NotFound")):
		return "object does not exist", ErrNotExist
	case code == "InvalidAccessKeyId" || code == "XAdminUserNotFound": // the latter is versitygw's
		return "invalid credentials: the access key id is not known to the endpoint", nil
	case code == "SignatureDoesNotMatch":
		return "invalid credentials: the secret key does not match the access key id", nil
	case code == "ExpiredToken" || code == "TokenRefreshRequired":
		return "the credentials have expired", nil
	case code == "InvalidToken":
		return "invalid credentials: the session token is not valid", nil
	case code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed" ||
		code == "IllegalLocationConstraintException" || status == http.StatusMovedPermanently:
		return wrongRegion(re, msg), nil
	case code == "AccessDenied" || status == http.StatusForbidden:
		// HEAD answers carry no body, so a bad key and a missing permission look alike.
		return "access denied: the credentials are invalid or not allowed to use this location", nil
	case code == "PreconditionFailed" || status == http.StatusPreconditionFailed:
		return "the object changed while it was being read", nil
	case code == "SlowDown" || status == http.StatusServiceUnavailable:
		return "the server is throttling requests (503 SlowDown)", nil
	case status >= 500:
		return fmt.Sprintf("server error %d %s", status, code), nil
	case code != "":
		return opPrefix(op) + code + ": " + msg, nil
	}
	if oe == nil {
		// Not from an SDK call, e.g. the store's own "read broke" error:
		// its text is already the explanation.
		return oneLine(err.Error()), nil
	}
	if reason := describeTransport(err); reason != "" {
		return reason, nil
	}
	return opPrefix(op) + oneLine(oe.Err.Error()), nil
}

func opPrefix(op string) string {
	if op == "" {
		return ""
	}
	return op + ": "
}

func wrongRegion(re *awshttp.ResponseError, msg string) string {
	region := ""
	if re != nil && re.Response != nil {
		region = re.Response.Header.Get("X-Amz-Bucket-Region")
	}
	if region != "" {
		return fmt.Sprintf("wrong region: the bucket is in %s (set s3.region or AWS_REGION)", region)
	}
	if msg != "" {
		return "wrong region: " + msg + " (set s3.region or AWS_REGION)"
	}
	return "wrong region: the bucket is in another region (set s3.region or AWS_REGION)"
}

// describeTransport names failures below HTTP: no credentials, no route to
// the endpoint, resets, timeouts.
func describeTransport(err error) string {
	text := err.Error()
	if strings.Contains(text, "failed to retrieve credentials") || strings.Contains(text, "failed to refresh cached credentials") ||
		strings.Contains(text, "no EC2 IMDS role found") {
		return "no usable AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, s3.profile, web identity or an instance role"
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return fmt.Sprintf("endpoint unreachable: cannot resolve host %q", dns.Name)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return "endpoint unreachable: " + oneLine(op.Error())
	}
	var timeout interface{ Timeout() bool }
	if errors.As(err, &timeout) && timeout.Timeout() {
		return "the endpoint did not answer in time"
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrUnexpectedEOF) ||
		strings.Contains(text, "connection reset") || strings.Contains(text, "broken pipe") || strings.Contains(text, "EOF") ||
		strings.Contains(text, "use of closed network connection") {
		return "the connection to the endpoint broke"
	}
	if errors.As(err, &op) {
		return "network error: " + oneLine(op.Error())
	}
	return ""
}

// chainHas reports whether target itself, not something that merely
// claims to match it, is in err's chain.
func chainHas(err, target error) bool {
	if err == target {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if next := u.Unwrap(); next != nil {
			return chainHas(next, target)
		}
	case interface{ Unwrap() []error }:
		for _, next := range u.Unwrap() {
			if chainHas(next, target) {
				return true
			}
		}
	}
	return false
}

// isS3Code reports whether err carries the S3 error code.
func isS3Code(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}

// oneLine keeps server-provided text on one line of bounded length.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}
