package awscache_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/clientcache/clientcache/bindings/go"
	"github.com/clientcache/clientcache/bindings/go/awscache"
)

func expiringCreds(expires time.Time) aws.Credentials {
	return aws.Credentials{AccessKeyID: "AKIDEXPIRING", SecretAccessKey: "expiring-secret",
		SessionToken: "token", CanExpire: true, Expires: expires, Source: "test"}
}

// causeLog records what a session's caches tell.
type causeLog struct {
	mu     sync.Mutex
	causes []clientcache.Cause
}

func (l *causeLog) onEvict(_ *clientcache.Key, _ any, c clientcache.Cause) {
	l.mu.Lock()
	l.causes = append(l.causes, c)
	l.mu.Unlock()
}

func (l *causeLog) get() []clientcache.Cause {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]clientcache.Cause(nil), l.causes...)
}

// waitForNewClient calls S3 until it returns a client other than old (the
// cache's clock ticks every few milliseconds) or the deadline passes.
func waitForNewClient(t *testing.T, sess *awscache.Session, old *s3.Client, opts ...awscache.Option) *s3.Client {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := awscache.S3(context.Background(), sess, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if c != old {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatal("the client was not rebuilt after its credentials' expiry")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A client built from credentials expiring soon is rebuilt after the
// refresh margin before their expiry; the expiry is not part of the key.
func TestExpiringCredentialsRebuildTheClient(t *testing.T) {
	isolate(t)
	log := &causeLog{}
	sess := newSession(t, awscache.WithOnEvict(log.onEvict))
	// Default margin: 5 minutes before an expiry 5 min 300 ms away.
	opts := []awscache.Option{awscache.WithRegion("us-east-1"),
		awscache.WithCredentials(expiringCreds(time.Now().Add(awscache.DefaultRefreshMargin + 300*time.Millisecond)))}
	a, err := awscache.S3(context.Background(), sess, opts...)
	if err != nil {
		t.Fatal(err)
	}
	b, err := awscache.S3(context.Background(), sess, opts...)
	if err != nil || b != a {
		t.Fatalf("second call within the lifetime: %p %p %v", a, b, err)
	}
	start := time.Now()
	// Later credentials (same key material, a later expiry): same key.
	later := []awscache.Option{awscache.WithRegion("us-east-1"),
		awscache.WithCredentials(expiringCreds(time.Now().Add(time.Hour)))}
	k1, _ := sess.Key("s3", opts...)
	k2, _ := sess.Key("s3", later...)
	if !k1.Equal(k2) {
		t.Fatal("the expiry changed the key")
	}
	c := waitForNewClient(t, sess, a, later...)
	if time.Since(start) < 200*time.Millisecond {
		t.Fatalf("rebuilt after %v, before the margin", time.Since(start))
	}
	if got := log.get(); len(got) != 1 || got[0] != clientcache.Expired {
		t.Fatalf("told %v, want [Expired]", got)
	}
	// The new client lives until an hour minus the margin.
	if d, err := awscache.S3(context.Background(), sess, later...); err != nil || d != c {
		t.Fatalf("rebuilt client not cached: %v", err)
	}
	st, _ := sess.Cache(clientcache.LRU).Stats()
	if st.Expirations != 1 || st.Insertions != 2 {
		t.Fatalf("stats %+v", st)
	}
}

func TestRefreshMarginAndSessionTTL(t *testing.T) {
	isolate(t)
	// Credentials inside the margin: every call builds a new client.
	sess := newSession(t)
	opts := []awscache.Option{awscache.WithRegion("us-east-1"),
		awscache.WithCredentials(expiringCreds(time.Now().Add(time.Minute)))}
	a, _ := awscache.S3(context.Background(), sess, opts...)
	time.Sleep(30 * time.Millisecond) // one tick of the coarse clock
	if b, _ := awscache.S3(context.Background(), sess, opts...); b == a {
		t.Fatal("a client within the refresh margin was reused")
	}
	// A zero margin keeps it until the expiry itself.
	sess0 := newSession(t, awscache.WithRefreshMargin(0))
	a, _ = awscache.S3(context.Background(), sess0, opts...)
	if b, _ := awscache.S3(context.Background(), sess0, opts...); b != a {
		t.Fatal("a zero margin did not cache the client")
	}
	// A refreshing provider: no expiry of its own; the session's TTL ends it.
	prov := aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return expiringCreds(time.Now().Add(time.Second)), nil
	}))
	sessTTL := newSession(t, awscache.WithTTL(300*time.Millisecond))
	popts := []awscache.Option{awscache.WithRegion("us-east-1"), awscache.WithCredentialsProvider(prov)}
	p1, _ := awscache.S3(context.Background(), sess0, popts...)
	time.Sleep(50 * time.Millisecond)
	if p2, _ := awscache.S3(context.Background(), sess0, popts...); p2 != p1 {
		t.Fatal("a provider's client expired without a TTL")
	}
	t1, _ := awscache.S3(context.Background(), sessTTL, popts...)
	waitForNewClient(t, sessTTL, t1, popts...)
	for _, bad := range []awscache.SessionOption{awscache.WithTTL(-1), awscache.WithRefreshMargin(-1)} {
		if _, err := awscache.NewSession(bad); !errors.Is(err, clientcache.ErrInvalidArgument) {
			t.Fatalf("negative duration: %v", err)
		}
	}
}

func TestAuthErrorCodes(t *testing.T) {
	want := "ExpiredToken ExpiredTokenException RequestExpired InvalidClientTokenId UnrecognizedClientException InvalidAccessKeyId SignatureDoesNotMatch InvalidToken TokenRefreshRequired"
	if got := strings.Join(awscache.AuthErrorCodes(), " "); got != want {
		t.Fatalf("AuthErrorCodes %s", got)
	}
	if awscache.IsAuthError(errors.New("ExpiredToken")) || awscache.IsAuthError(nil) {
		t.Fatal("a plain error is an auth error")
	}
}

// stub is a local S3 stand-in answering every request with one status and
// error code.
type stub struct {
	status   atomic.Int32
	code     atomic.Value
	requests atomic.Int32
}

func newStub(t *testing.T, status int, code string) (*stub, string) {
	s := &stub{}
	s.status.Store(int32(status))
	s.code.Store(code)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("x-amz-request-id", "stub-request")
		w.WriteHeader(int(s.status.Load()))
		_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<Error><Code>`+s.code.Load().(string)+`</Code><Message>The provided token has expired.</Message>`+
			`<RequestId>stub-request</RequestId></Error>`)
	}))
	t.Cleanup(srv.Close)
	return s, srv.URL
}

func stubOptions(endpoint string) []awscache.Option {
	return []awscache.Option{awscache.WithEndpoint(endpoint), awscache.WithRegion("us-east-1"),
		awscache.WithStaticCredentials("AKIDSTUB", "stub-secret", "stub-token"), awscache.WithPathStyle(),
		awscache.WithRetryMaxAttempts(1)}
}

func getObject(c *s3.Client) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String("object")})
	return err
}

// A 403 ExpiredToken from the server evicts the client that got it; the
// caller gets the SDK's error unchanged, and the next call builds anew.
func TestAuthErrorInvalidatesTheClient(t *testing.T) {
	isolate(t)
	srv, endpoint := newStub(t, http.StatusForbidden, "ExpiredToken")
	log := &causeLog{}
	sess := newSession(t, awscache.WithOnEvict(log.onEvict))
	opts := stubOptions(endpoint)
	a, err := awscache.S3(context.Background(), sess, opts...)
	if err != nil {
		t.Fatal(err)
	}
	err = getObject(a)
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "ExpiredToken" {
		t.Fatalf("the caller did not get the SDK's ExpiredToken error: %v", err)
	}
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != 403 || errors.Is(err, clientcache.ErrNotFound) {
		t.Fatalf("not the SDK's 403 error: %v", err)
	}
	if srv.requests.Load() != 1 {
		t.Fatalf("%d requests", srv.requests.Load())
	}
	k, _ := sess.Key("s3", opts...)
	if sess.Cache(clientcache.LRU).Contains(k) {
		t.Fatal("the client is still cached")
	}
	if got := log.get(); len(got) != 1 || got[0] != clientcache.Removed {
		t.Fatalf("told %v", got)
	}
	b, err := awscache.S3(context.Background(), sess, opts...)
	if err != nil || b == a {
		t.Fatalf("the next call did not build a new client: %v", err)
	}
	// The old client failing again must not remove the new one.
	if err := getObject(a); !errors.As(err, &api) {
		t.Fatalf("%v", err)
	}
	if c, _ := awscache.S3(context.Background(), sess, opts...); c != b {
		t.Fatal("the old client's error removed the newer client")
	}
	// Other errors and other statuses do not invalidate.
	for _, tc := range []struct {
		status int
		code   string
	}{{404, "NoSuchKey"}, {403, "AccessDenied"}, {500, "ExpiredToken"}} {
		srv.status.Store(int32(tc.status))
		srv.code.Store(tc.code)
		if err := getObject(b); err == nil {
			t.Fatal("no error")
		}
		if c, _ := awscache.S3(context.Background(), sess, opts...); c != b {
			t.Fatalf("%d %s invalidated the client", tc.status, tc.code)
		}
	}
	// Every code of the list does, on 400, 401 and 403.
	for i, code := range awscache.AuthErrorCodes() {
		srv.status.Store(int32([]int{400, 401, 403}[i%3]))
		srv.code.Store(code)
		cur, _ := awscache.S3(context.Background(), sess, opts...)
		_ = getObject(cur)
		if next, _ := awscache.S3(context.Background(), sess, opts...); next == cur {
			t.Fatalf("%s on %d did not invalidate", code, srv.status.Load())
		}
	}
}

func TestAuthErrorOptOut(t *testing.T) {
	isolate(t)
	_, endpoint := newStub(t, http.StatusForbidden, "ExpiredToken")
	sess := newSession(t, awscache.WithInvalidateOnAuthError(false))
	opts := stubOptions(endpoint)
	a, err := awscache.S3(context.Background(), sess, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var api smithy.APIError
	if err := getObject(a); !errors.As(err, &api) || api.ErrorCode() != "ExpiredToken" {
		t.Fatalf("%v", err)
	}
	if b, _ := awscache.S3(context.Background(), sess, opts...); b != a {
		t.Fatal("a session that opted out evicted the client")
	}
	st, _ := sess.Cache(clientcache.LRU).Stats()
	if st.Removals != 0 || st.Len != 1 {
		t.Fatalf("stats %+v", st)
	}
}
