package awscache_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/clientcache/clientcache/bindings/go"
	"github.com/clientcache/clientcache/bindings/go/awscache"
)

func mustKey(t *testing.T, service string, opts ...awscache.Option) *clientcache.Key {
	t.Helper()
	k, err := awscache.Key(service, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Every mapped option configures the built client, not only the key.
func TestMappedOptionsConfigureTheClient(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	sess := newSession(t)
	opts := []awscache.Option{
		awscache.WithRegion("us-east-1"),
		awscache.WithRetryMaxAttempts(7),
		awscache.WithRetryMode(aws.RetryModeAdaptive),
		awscache.WithConnectTimeout(1234 * time.Millisecond),
		awscache.WithReadTimeout(30 * time.Second),
		awscache.WithFIPS(true),
		awscache.WithDualStack(false),
		awscache.WithAppID("billing-svc/2.1"),
	}
	c, err := awscache.S3(ctx, sess, opts...)
	if err != nil {
		t.Fatal(err)
	}
	o := c.Options()
	if o.RetryMaxAttempts != 7 || o.RetryMode != aws.RetryModeAdaptive {
		t.Errorf("retries: %d %q", o.RetryMaxAttempts, o.RetryMode)
	}
	if o.EndpointOptions.UseFIPSEndpoint != aws.FIPSEndpointStateEnabled {
		t.Errorf("FIPS: %v", o.EndpointOptions.UseFIPSEndpoint)
	}
	if o.EndpointOptions.UseDualStackEndpoint != aws.DualStackEndpointStateDisabled {
		t.Errorf("dual-stack: %v", o.EndpointOptions.UseDualStackEndpoint)
	}
	if o.AppID != "billing-svc/2.1" {
		t.Errorf("app id %q", o.AppID)
	}
	bc, ok := o.HTTPClient.(*awshttp.BuildableClient)
	if !ok {
		t.Fatalf("HTTP client is a %T", o.HTTPClient)
	}
	if d := bc.GetDialer().Timeout; d != 1234*time.Millisecond {
		t.Errorf("dialer timeout %v", d)
	}
	if rt, ok := bc.GetReadTimeout(); !ok || rt != 30*time.Second {
		t.Errorf("read timeout %v %v", rt, ok)
	}
	k, _ := sess.Key("s3", opts...)
	want := `s3(config={"connect_timeout":1.234,"read_timeout":30,"retries":{"mode":"adaptive","total_max_attempts":7},"use_dualstack_endpoint":false,"use_fips_endpoint":true,"user_agent_appid":"billing-svc/2.1"}, region_name="us-east-1")`
	if k.Label() != want {
		t.Errorf("label %s\nwant  %s", k.Label(), want)
	}
}

// Durations are one correctly rounded division of the nanoseconds.
func TestDurationsInSeconds(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{1234 * time.Millisecond, "1.234"},
		{1500 * time.Millisecond, "1.5"},
		{250 * time.Millisecond, "0.25"},
		{time.Nanosecond, "1e-9"},
		{3*time.Second + 300*time.Millisecond, "3.3"},
		{0, "0"},
	} {
		k := mustKey(t, "s3", awscache.WithConnectTimeout(tc.d))
		if want := `"connect_timeout":` + tc.want + `}`; !strings.Contains(k.Canonical(), want) {
			t.Errorf("%v: canonical %s lacks %s", tc.d, k.Canonical(), want)
		}
	}
}

// Session defaults are merged under the call's options, option by option.
func TestSessionDefaultsMergeOptionByOption(t *testing.T) {
	sess := newSession(t, awscache.WithDefaults(awscache.WithRegion("us-west-1"),
		awscache.WithRetries(aws.RetryModeStandard, 5), awscache.WithFIPS(true)))
	k, err := sess.Key("s3", awscache.WithRetryMaxAttempts(2), awscache.WithFIPS(false))
	if err != nil {
		t.Fatal(err)
	}
	want := mustKey(t, "s3", awscache.WithRegion("us-west-1"), awscache.WithRetryMode(aws.RetryModeStandard),
		awscache.WithRetryMaxAttempts(2), awscache.WithFIPS(false))
	if !k.Equal(want) {
		t.Errorf("merged %s\nwant   %s", k.Label(), want.Label())
	}
	plain, _ := sess.Key("s3")
	if !strings.Contains(plain.Label(), `"total_max_attempts":5`) || !strings.Contains(plain.Label(), `region_name="us-west-1"`) {
		t.Errorf("session defaults missing from the key: %s", plain.Label())
	}
}

type countingProvider struct{ calls atomic.Int64 }

func (p *countingProvider) Retrieve(context.Context) (aws.Credentials, error) {
	p.calls.Add(1)
	return aws.Credentials{AccessKeyID: "AKIDPROV", SecretAccessKey: "provider-secret", Source: "test"}, nil
}

type valueProvider struct{ id string }

func (p valueProvider) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: p.id, SecretAccessKey: "x"}, nil
}

func configValue(t *testing.T, k *clientcache.Key, name string) string {
	t.Helper()
	c := k.Canonical()
	i := strings.Index(c, `"`+name+`":"`)
	if i < 0 {
		t.Fatalf("%s not in %s", name, c)
	}
	rest := c[i+len(name)+4:]
	return rest[:strings.IndexByte(rest, '"')]
}

func TestCredentialsProviderIsAnInstance(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	sess := newSession(t)
	p1, p2 := &countingProvider{}, &countingProvider{}
	a, err := awscache.S3(ctx, sess, awscache.WithRegion("us-west-2"), awscache.WithCredentialsProvider(p1))
	if err != nil {
		t.Fatal(err)
	}
	b, err := awscache.S3(ctx, sess, awscache.WithCredentialsProvider(p1), awscache.WithRegion("us-west-2"))
	if err != nil || a != b {
		t.Fatalf("same provider object, another client: %v", err)
	}
	c, err := awscache.S3(ctx, sess, awscache.WithRegion("us-west-2"), awscache.WithCredentialsProvider(p2))
	if err != nil || c == a {
		t.Fatalf("another provider object shares the client: %v", err)
	}
	k1 := mustKey(t, "s3", awscache.WithCredentialsProvider(p1))
	k2 := mustKey(t, "s3", awscache.WithCredentialsProvider(p2))
	n1, n2 := configValue(t, k1, "credential_provider"), configValue(t, k2, "credential_provider")
	if !strings.HasPrefix(n1, "instance:") || !strings.HasPrefix(n2, "instance:") || n1 == n2 {
		t.Errorf("instances %q %q", n1, n2)
	}
	if again := configValue(t, mustKey(t, "s3", awscache.WithCredentialsProvider(p1)), "credential_provider"); again != n1 {
		t.Errorf("the same object got %q then %q", n1, again)
	}
	// The client signs with that provider.
	creds, err := a.Options().Credentials.Retrieve(ctx)
	if err != nil || creds.AccessKeyID != "AKIDPROV" || p1.calls.Load() == 0 {
		t.Errorf("client credentials %q %v (provider called %d times)", creds.AccessKeyID, err, p1.calls.Load())
	}
	// A provider replaces static credentials, and the reverse.
	k := mustKey(t, "s3", awscache.WithStaticCredentials("AKID", "SECRET", ""), awscache.WithCredentialsProvider(p1))
	if strings.Contains(k.Label(), "aws_access_key_id") {
		t.Errorf("static credentials kept beside a provider: %s", k.Label())
	}
	k = mustKey(t, "s3", awscache.WithCredentialsProvider(p1), awscache.WithStaticCredentials("AKID", "SECRET", ""))
	if strings.Contains(k.Label(), "credential_provider") {
		t.Errorf("provider kept beside static credentials: %s", k.Label())
	}
}

func TestStaticProviderIsData(t *testing.T) {
	isolate(t)
	want := mustKey(t, "s3", awscache.WithStaticCredentials("AKID", "SECRET", "TOKEN"))
	sp := credentials.NewStaticCredentialsProvider("AKID", "SECRET", "TOKEN")
	withMeta := sp
	withMeta.Value.AccountID = "123456789012" // metadata, not identity
	for name, p := range map[string]aws.CredentialsProvider{"value": sp, "pointer": &sp, "with account id": withMeta} {
		if k := mustKey(t, "s3", awscache.WithCredentialsProvider(p)); !k.Equal(want) {
			t.Errorf("%s: %s\nwant %s", name, k.Label(), want.Label())
		}
	}
	sess := newSession(t)
	c, err := awscache.S3(context.Background(), sess, awscache.WithCredentialsProvider(withMeta))
	if err != nil {
		t.Fatal(err)
	}
	creds, err := c.Options().Credentials.Retrieve(context.Background())
	if err != nil || creds.SessionToken != "TOKEN" || creds.AccountID != "123456789012" {
		t.Errorf("client credentials: %+v %v", creds.AccountID, err)
	}
}

func TestObjectOptionsMustBePointers(t *testing.T) {
	for name, opt := range map[string]awscache.Option{
		"provider value":     awscache.WithCredentialsProvider(valueProvider{"x"}),
		"nil provider":       awscache.WithCredentialsProvider(nil),
		"nil provider ptr":   awscache.WithCredentialsProvider((*countingProvider)(nil)),
		"func HTTP client":   awscache.WithHTTPClient(doFunc(func(*http.Request) (*http.Response, error) { return nil, nil })),
		"nil HTTP client":    awscache.WithHTTPClient(nil),
		"anonymous by value": awscache.WithCredentialsProvider(aws.AnonymousCredentials{}),
	} {
		_, err := awscache.Key("s3", opt)
		if !errors.Is(err, clientcache.ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := awscache.Key("s3", awscache.WithCredentialsProvider(valueProvider{"x"}))
	if err == nil || !strings.Contains(err.Error(), "pointer") {
		t.Errorf("the error should say to pass a pointer: %v", err)
	}
	// A pointer works for any provider type.
	if _, err := awscache.Key("s3", awscache.WithCredentialsProvider(&aws.AnonymousCredentials{})); err != nil {
		t.Error(err)
	}
}

type doFunc func(*http.Request) (*http.Response, error)

func (f doFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func TestHTTPClientIsAnInstance(t *testing.T) {
	isolate(t)
	// With a CA bundle the SDK must add it to the client's transport, which
	// an *http.Client does not let it do (it refuses the build).
	t.Setenv("AWS_CA_BUNDLE", "")
	ctx := context.Background()
	sess := newSession(t)
	hc := &http.Client{Timeout: 5 * time.Second}
	a, err := awscache.S3(ctx, sess, awscache.WithRegion("us-west-2"), awscache.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if a.Options().HTTPClient != hc {
		t.Errorf("the client's HTTP client is %T %p, not the one given", a.Options().HTTPClient, a.Options().HTTPClient)
	}
	b, _ := awscache.S3(ctx, sess, awscache.WithRegion("us-west-2"), awscache.WithHTTPClient(hc))
	c, _ := awscache.S3(ctx, sess, awscache.WithRegion("us-west-2"), awscache.WithHTTPClient(&http.Client{}))
	if a != b || a == c {
		t.Errorf("same object must share, another must not: %p %p %p", a, b, c)
	}
	if n := configValue(t, mustKey(t, "s3", awscache.WithHTTPClient(hc)), "http_client"); !strings.HasPrefix(n, "instance:") {
		t.Errorf("http_client %q", n)
	}
	// Timeouts configure the SDK's own HTTP client: not with another one,
	// even when they come from the session.
	_, err = awscache.S3(ctx, sess, awscache.WithHTTPClient(hc), awscache.WithReadTimeout(time.Second))
	if !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Errorf("HTTP client and timeout: %v", err)
	}
	timed := newSession(t, awscache.WithDefaults(awscache.WithConnectTimeout(time.Second)))
	if _, err := timed.Key("s3", awscache.WithHTTPClient(hc)); !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Errorf("session timeout and call HTTP client: %v", err)
	}
}
