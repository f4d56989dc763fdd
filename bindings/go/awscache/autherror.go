package awscache

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/clientcache/clientcache/bindings/go"
)

// AuthErrorCodes are the error codes that mean "the credentials this
// client signs with are expired or not valid" — the list the Rust
// (clientcache-aws) and Node layers use. A call of a client a Session
// built that fails with one of them on HTTP 400, 401 or 403 removes that
// client from the session's cache (WithInvalidateOnAuthError).
//
//	ExpiredToken                 S3, STS and other XML services: the session token has expired
//	ExpiredTokenException        JSON services (DynamoDB, Kinesis, ...): the same
//	RequestExpired               EC2 and query services: the signed request is too old
//	InvalidClientTokenId         STS, IAM and query services: unknown access key id or token
//	UnrecognizedClientException  JSON services: unknown access key id or token
//	InvalidAccessKeyId           S3: unknown access key id
//	SignatureDoesNotMatch        most services: the secret does not match the key id
//	InvalidToken                 S3: a malformed or otherwise invalid session token
//	TokenRefreshRequired         S3: the session token must be refreshed
func AuthErrorCodes() []string { return slices.Clone(authErrorCodes) }

var authErrorCodes = []string{
	"ExpiredToken",
	"ExpiredTokenException",
	"RequestExpired",
	"InvalidClientTokenId",
	"UnrecognizedClientException",
	"InvalidAccessKeyId",
	"SignatureDoesNotMatch",
	"InvalidToken",
	"TokenRefreshRequired",
}

// IsAuthError reports whether err is an API error with one of
// AuthErrorCodes carried by an HTTP 400, 401 or 403 response.
func IsAuthError(err error) bool {
	var api smithy.APIError
	if !errors.As(err, &api) || !slices.Contains(authErrorCodes, api.ErrorCode()) {
		return false
	}
	var resp interface{ HTTPStatusCode() int }
	if !errors.As(err, &resp) {
		return false
	}
	switch resp.HTTPStatusCode() {
	case 400, 401, 403:
		return true
	}
	return false
}

// invalidateID names the middleware in the client's stack.
const invalidateID = "awscache.InvalidateOnAuthError"

// builtClient is what the middleware of one client knows: the cache and
// key it was built for, and the client itself (set once the service's
// constructor returns).
type builtClient struct {
	cache  *clientcache.Cache[any]
	key    *clientcache.Key
	mu     sync.Mutex
	client any
}

func (b *builtClient) set(c any) {
	b.mu.Lock()
	b.client = c
	b.mu.Unlock()
}

// addMiddleware is an aws.Config.APIOptions function: it puts the
// middleware at the front of the Deserialize step, where it sees the error
// each attempt's response was deserialized into.
func (b *builtClient) addMiddleware(stack *middleware.Stack) error {
	return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc(invalidateID,
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
			middleware.DeserializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleDeserialize(ctx, in)
			if err != nil && IsAuthError(err) {
				b.invalidate()
			}
			return out, md, err
		}), middleware.Before)
}

// invalidate removes the client from its cache if the cache still holds
// that very client.
func (b *builtClient) invalidate() {
	b.mu.Lock()
	c := b.client
	b.mu.Unlock()
	if c == nil {
		return
	}
	comparable := reflect.TypeOf(c).Comparable()
	_, _ = b.cache.RemoveIf(b.key, func(v any) bool {
		if comparable && reflect.TypeOf(v) == reflect.TypeOf(c) {
			return v == c
		}
		return false
	})
}
