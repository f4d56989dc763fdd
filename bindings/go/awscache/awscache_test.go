package awscache_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/clientcache/clientcache/bindings/go"
	"github.com/clientcache/clientcache/bindings/go/awscache"
)

const (
	demoAccessKey = "AKIAIOSFODNN7EXAMPLE"
	demoSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	demoJSON      = `{"region_name":"us-west-2","config":{"retries":{"total_max_attempts":3,"mode":"standard"}},"aws_access_key_id":"AKIAIOSFODNN7EXAMPLE","aws_secret_access_key":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}`
)

// isolate keeps the machine's own AWS files and instance metadata out of
// the tests.
func isolate(t *testing.T) string {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	if err := os.WriteFile(cfg, []byte("[profile cc-test]\nregion = eu-central-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, v := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(v, "") // the SDK treats an empty variable as unset
	}
	return dir
}

func newSession(t *testing.T, opts ...awscache.SessionOption) *awscache.Session {
	t.Helper()
	s, err := awscache.NewSession(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func demoOptions() []awscache.Option {
	return []awscache.Option{
		awscache.WithRegion("us-west-2"),
		awscache.WithRetries(aws.RetryModeStandard, 3),
		awscache.WithStaticCredentials(demoAccessKey, demoSecret, ""),
	}
}

func TestKeyIsTheDemoKey(t *testing.T) {
	k, err := awscache.Key("s3", demoOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	want, err := clientcache.NewClientKeyJSON("s3", []byte(demoJSON))
	if err != nil {
		t.Fatal(err)
	}
	if !k.Equal(want) || k.Fingerprint() != want.Fingerprint() || k.Label() != want.Label() {
		t.Fatalf("options key %s\n!= demo key %s", k.Label(), want.Label())
	}
	if strings.Contains(k.Label(), demoSecret) || strings.Contains(k.Canonical(), demoSecret) {
		t.Fatal("secret in clear")
	}
}

func TestOptionsConfigureTheClient(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	sess := newSession(t)
	c, err := awscache.S3(ctx, sess,
		awscache.WithRegion("ap-south-1"),
		awscache.WithEndpoint("http://127.0.0.1:1"),
		awscache.WithStaticCredentials("AKIDTEST", "secret-test", "token-test"),
		awscache.WithRetries(aws.RetryModeAdaptive, 4),
		awscache.WithPathStyle())
	if err != nil {
		t.Fatal(err)
	}
	o := c.Options()
	if o.Region != "ap-south-1" || aws.ToString(o.BaseEndpoint) != "http://127.0.0.1:1" || !o.UsePathStyle {
		t.Errorf("region %q endpoint %q path style %v", o.Region, aws.ToString(o.BaseEndpoint), o.UsePathStyle)
	}
	if o.RetryMode != aws.RetryModeAdaptive || o.RetryMaxAttempts != 4 {
		t.Errorf("retry mode %q max attempts %d (want adaptive, 4 attempts in all)", o.RetryMode, o.RetryMaxAttempts)
	}
	creds, err := o.Credentials.Retrieve(ctx)
	if err != nil || creds.AccessKeyID != "AKIDTEST" || creds.SecretAccessKey != "secret-test" || creds.SessionToken != "token-test" {
		t.Errorf("credentials %v %v", creds.AccessKeyID, err)
	}
	key, _ := sess.Key("s3", awscache.WithRegion("ap-south-1"),
		awscache.WithEndpoint("http://127.0.0.1:1"),
		awscache.WithStaticCredentials("AKIDTEST", "secret-test", "token-test"),
		awscache.WithRetries(aws.RetryModeAdaptive, 4),
		awscache.WithPathStyle())
	want := `s3(aws_access_key_id=***, aws_secret_access_key=***, aws_session_token=***, config={"retries":{"mode":"adaptive","total_max_attempts":4},"s3":{"addressing_style":"path"}}, endpoint_url="http://127.0.0.1:1", region_name="ap-south-1")`
	if key.Label() != want {
		t.Errorf("label %s\nwant  %s", key.Label(), want)
	}
}

func TestProfile(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	sess := newSession(t, awscache.WithDefaults(awscache.WithProfile("cc-test")))
	c, err := awscache.S3(ctx, sess)
	if err != nil {
		t.Fatal(err)
	}
	if c.Options().Region != "eu-central-1" {
		t.Errorf("region from profile: %q", c.Options().Region)
	}
	k, _ := sess.Key("s3")
	if k.Label() != `s3(profile_name="cc-test")` {
		t.Errorf("label %s", k.Label())
	}
	// A profile that does not exist fails the build, and nothing is cached.
	_, err = awscache.S3(ctx, sess, awscache.WithProfile("no-such-profile"))
	if !errors.Is(err, clientcache.ErrFactoryFailed) {
		t.Fatalf("missing profile: %v", err)
	}
	if sess.Cache(clientcache.LRU).Len() != 1 {
		t.Errorf("len %d", sess.Cache(clientcache.LRU).Len())
	}
}

func TestSameOptionsSameClient(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	sess := newSession(t, awscache.WithMaxSize(2))
	a, err := awscache.S3(ctx, sess, demoOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	// Options in another order, through the generic form: same client.
	opts := demoOptions()
	b, err := awscache.Client(ctx, sess, "s3", s3.NewFromConfig, opts[2], opts[0], opts[1])
	if err != nil || a != b {
		t.Fatalf("second call: %p %p %v", a, b, err)
	}
	c, err := awscache.S3(ctx, sess, awscache.WithRegion("eu-west-1"))
	if err != nil || c == a {
		t.Fatalf("other region: %v", err)
	}
	// LFU is a separate cache.
	d, err := awscache.S3(ctx, sess, append(demoOptions(), awscache.WithPolicy(clientcache.LFU))...)
	if err != nil || d == a {
		t.Fatalf("LFU: %v", err)
	}
	lru, _ := sess.Cache(clientcache.LRU).Stats()
	lfu, _ := sess.Cache(clientcache.LFU).Stats()
	if lru.Hits != 1 || lru.Misses != 2 || lru.Len != 2 || lfu.Len != 1 {
		t.Errorf("stats LRU %+v LFU %+v", lru, lfu)
	}
}

type fakeOptions struct{ Region string }
type fakeClient struct{ opts fakeOptions }

func newFake(cfg aws.Config, fns ...func(*fakeOptions)) *fakeClient {
	c := &fakeClient{opts: fakeOptions{Region: cfg.Region}}
	for _, f := range fns {
		f(&c.opts)
	}
	return c
}

func TestGenericAndBadOptions(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	sess := newSession(t)
	f, err := awscache.Client(ctx, sess, "sso-oidc", newFake, awscache.WithRegion("us-east-2"))
	if err != nil || f.opts.Region != "us-east-2" {
		t.Fatalf("generic client: %v %v", f, err)
	}
	if _, err := awscache.Client(ctx, sess, "sso-oidc", newFake, awscache.WithPathStyle()); !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Errorf("path style on a service without it: %v", err)
	}
	// The same key built by another constructor type is refused, not mis-typed.
	if _, err := awscache.Client(ctx, sess, "sso-oidc", s3.NewFromConfig, awscache.WithRegion("us-east-2")); !errors.Is(err, clientcache.ErrKindMismatch) {
		t.Errorf("type clash: %v", err)
	}
	bad := map[string][]awscache.Option{
		"legacy retry mode": {awscache.WithRetries("legacy", 3)},
		"negative retries":  {awscache.WithRetries(aws.RetryModeStandard, -1)},
		"zero attempts":     {awscache.WithRetryMaxAttempts(0)},
		"bad retry mode":    {awscache.WithRetryMode("legacy")},
		"negative timeout":  {awscache.WithConnectTimeout(-time.Second)},
		"negative read":     {awscache.WithReadTimeout(-1)},
		"empty credentials": {awscache.WithStaticCredentials("", "", "")},
		"unknown policy":    {awscache.WithPolicy(clientcache.Policy(9))},
	}
	for name, opts := range bad {
		if _, err := awscache.S3(ctx, sess, opts...); !errors.Is(err, clientcache.ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := awscache.Client(ctx, sess, "S3!", s3.NewFromConfig); !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Errorf("bad service name: %v", err)
	}
	if _, err := awscache.NewSession(awscache.WithMaxSize(0)); !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Errorf("max size 0: %v", err)
	}
	sess.Close()
	if _, err := awscache.S3(ctx, sess); !errors.Is(err, clientcache.ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

func TestSingleFlightBuild(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	sess := newSession(t)
	var builds atomic.Int64
	slowS3 := func(cfg aws.Config, fns ...func(*s3.Options)) *s3.Client {
		builds.Add(1)
		time.Sleep(20 * time.Millisecond)
		return s3.NewFromConfig(cfg, fns...)
	}
	const goroutines = 32
	got := make([]*s3.Client, goroutines)
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			c, err := awscache.Client(ctx, sess, "s3", slowS3, demoOptions()...)
			if err != nil {
				t.Error(err)
			}
			got[g] = c
		}(g)
	}
	wg.Wait()
	if builds.Load() != 1 {
		t.Errorf("built %d clients for one key", builds.Load())
	}
	for _, c := range got {
		if c != got[0] || c == nil {
			t.Fatal("callers got different clients")
		}
	}
}

// A caller's context ends only its own wait for a client: the first caller
// leaving does not cancel the build another caller waits for, and when
// every caller has left nothing is cached and the next call builds again.
func TestClientWaitEndsWithItsContext(t *testing.T) {
	isolate(t)
	sess := newSession(t)
	var builds atomic.Int64
	started, finish := make(chan struct{}), make(chan struct{})
	slowS3 := func(cfg aws.Config, fns ...func(*s3.Options)) *s3.Client {
		if builds.Add(1) == 1 {
			close(started)
			<-finish // ignores cancellation: nothing in newFn can see it
		}
		return s3.NewFromConfig(cfg, fns...)
	}
	cache := sess.Cache(clientcache.LRU)
	misses := func() uint64 { st, _ := cache.Stats(); return st.Misses }

	// The first caller starts the build, a second one waits, the first leaves.
	first, cancelFirst := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := awscache.Client(first, sess, "s3", slowS3, demoOptions()...)
		firstErr <- err
	}()
	<-started
	second := make(chan *s3.Client, 1)
	go func() {
		c, err := awscache.Client(context.Background(), sess, "s3", slowS3, demoOptions()...)
		if err != nil {
			t.Error(err)
		}
		second <- c
	}()
	for misses() < 2 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // from its miss to waiting for the build
	cancelFirst()
	select {
	case err := <-firstErr:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("first caller: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the first caller did not return after its context was cancelled")
	}
	close(finish)
	c := <-second
	if c == nil || builds.Load() != 1 {
		t.Fatalf("second caller: %v after %d builds", c, builds.Load())
	}
	if again, err := awscache.Client(first, sess, "s3", slowS3, demoOptions()...); err != nil || again != c {
		t.Fatalf("a hit (whatever the context): %v %v", again, err)
	}

	// Everyone leaves: nothing is cached, and the next call builds again.
	builds.Store(0)
	started, finish = make(chan struct{}), make(chan struct{})
	opts := append(demoOptions(), awscache.WithRegion("eu-north-1"))
	ctx, cancel := context.WithCancel(context.Background())
	leftErr := make(chan error, 1)
	go func() {
		_, err := awscache.Client(ctx, sess, "s3", slowS3, opts...)
		leftErr <- err
	}()
	<-started
	cancel()
	if err := <-leftErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("only caller: %v", err)
	}
	c2, err := awscache.Client(context.Background(), sess, "s3", slowS3, opts...)
	if err != nil || c2 == nil || builds.Load() != 2 {
		t.Fatalf("after everyone left: %v %v, %d builds (want 2)", c2, err, builds.Load())
	}
	close(finish)
	if got, _ := awscache.Client(context.Background(), sess, "s3", slowS3, opts...); got != c2 {
		t.Fatal("the abandoned build replaced the cached client")
	}
}

// A real round trip against the S3-compatible server that
// scripts/with-s3-server.sh starts (moto), through a cached client.
func TestS3RoundTrip(t *testing.T) {
	endpoint := os.Getenv("CLIENTCACHE_TEST_S3_ENDPOINT")
	if endpoint == "" {
		if os.Getenv("CLIENTCACHE_REQUIRE_S3") == "1" {
			t.Fatal("CLIENTCACHE_TEST_S3_ENDPOINT is not set (run under scripts/with-s3-server.sh)")
		}
		t.Skip("CLIENTCACHE_TEST_S3_ENDPOINT is not set; run under scripts/with-s3-server.sh (make test-go does)")
	}
	isolate(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sess := newSession(t)
	opts := []awscache.Option{
		awscache.WithEndpoint(endpoint), awscache.WithRegion("us-east-1"),
		awscache.WithStaticCredentials("testing", "testing", ""), awscache.WithPathStyle(),
	}
	c, err := awscache.S3(ctx, sess, opts...)
	if err != nil {
		t.Fatal(err)
	}
	bucket := "clientcache-go-" + time.Now().Format("150405.000000")
	bucket = strings.ReplaceAll(bucket, ".", "-")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	body := []byte("hello from the Go binding of clientcache")
	// The second call must hand back the very same client.
	c2, err := awscache.S3(ctx, sess, opts...)
	if err != nil || c2 != c {
		t.Fatalf("second call: %p != %p (%v)", c2, c, err)
	}
	if _, err := c2.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("greeting.txt"), Body: bytes.NewReader(body)}); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("greeting.txt")})
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	got, err := io.ReadAll(out.Body)
	out.Body.Close()
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("round trip: %q %v", got, err)
	}
	st, _ := sess.Cache(clientcache.LRU).Stats()
	if st.Insertions != 1 || st.Hits != 1 {
		t.Errorf("stats %+v", st)
	}
	t.Logf("round trip through %s via cached client %p", endpoint, c)
}
