package awscache

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/clientcache/clientcache/bindings/go"
)

// The key memo (memo.go) must never give a client for options that differ
// in anything the key distinguishes, and must not keep options (secrets)
// once the session no longer holds a client built from them.

func isolateEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, v := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		t.Setenv(v, "")
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
}

func session(t *testing.T, opts ...SessionOption) *Session {
	t.Helper()
	s, err := NewSession(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func s3Client(t *testing.T, sess *Session, opts ...Option) *s3.Client {
	t.Helper()
	c, err := S3(context.Background(), sess, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// entries lists the memo's entries.
func (m *memo) entries() []*memoEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*memoEntry
	for i := range m.buckets {
		for e := m.buckets[i].Load(); e != nil; e = e.next.Load() {
			out = append(out, e)
		}
	}
	if len(out) != m.n {
		panic(fmt.Sprintf("memo counts %d entries, holds %d", m.n, len(out)))
	}
	return out
}

// holdsSecret reports whether any memo entry holds secret.
func (m *memo) holdsSecret(secret string) bool {
	for _, e := range m.entries() {
		if e.id.secret == secret || e.id.keyID == secret || e.id.token == secret {
			return true
		}
	}
	return false
}

// clientSecret is the secret access key a client signs with.
func clientSecret(t *testing.T, c *s3.Client) string {
	t.Helper()
	creds, err := c.Options().Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return creds.SecretAccessKey
}

func TestMemoSecretsAreDistinguished(t *testing.T) {
	isolateEnv(t)
	sess := session(t)
	a := s3Client(t, sess, WithRegion("us-west-2"), WithStaticCredentials("AKID", "secret-a", ""))
	b := s3Client(t, sess, WithRegion("us-west-2"), WithStaticCredentials("AKID", "secret-b", ""))
	tok := s3Client(t, sess, WithRegion("us-west-2"), WithStaticCredentials("AKID", "secret-a", "token"))
	if a == b || a == tok || b == tok {
		t.Fatal("options that differ only in a secret shared a client")
	}
	for i := 0; i < 3; i++ { // now from the memo
		if c := s3Client(t, sess, WithRegion("us-west-2"), WithStaticCredentials("AKID", "secret-b", "")); c != b {
			t.Fatal("secret-b: not its client")
		}
		if c := s3Client(t, sess, WithRegion("us-west-2"), WithStaticCredentials("AKID", "secret-a", "")); c != a {
			t.Fatal("secret-a: not its client")
		}
	}
	if got := clientSecret(t, b); got != "secret-b" {
		t.Errorf("client b signs with %q", got)
	}
	if n := len(sess.state().memo.entries()); n != 3 {
		t.Errorf("memo holds %d entries, want 3", n)
	}
}

func TestMemoNestedValuesAreDistinguished(t *testing.T) {
	isolateEnv(t)
	sess := session(t)
	three := s3Client(t, sess, WithRegion("eu-west-1"), WithRetries(aws.RetryModeStandard, 3))
	four := s3Client(t, sess, WithRegion("eu-west-1"), WithRetries(aws.RetryModeStandard, 4))
	adaptive := s3Client(t, sess, WithRegion("eu-west-1"), WithRetries(aws.RetryModeAdaptive, 3))
	ct := s3Client(t, sess, WithRegion("eu-west-1"), WithConnectTimeout(time.Second))
	ct2 := s3Client(t, sess, WithRegion("eu-west-1"), WithConnectTimeout(time.Second+1))
	fipsOff := s3Client(t, sess, WithRegion("eu-west-1"), WithFIPS(false))
	plain := s3Client(t, sess, WithRegion("eu-west-1"))
	all := []*s3.Client{three, four, adaptive, ct, ct2, fipsOff, plain}
	for i := range all {
		for j := range i {
			if all[i] == all[j] {
				t.Fatalf("clients %d and %d are one client", j, i)
			}
		}
	}
	// The same options spelled another way are the same key, hence client.
	if c := s3Client(t, sess, WithRegion("eu-west-1"), WithRetryMode(aws.RetryModeStandard), WithRetryMaxAttempts(4)); c != four {
		t.Error("WithRetryMode+WithRetryMaxAttempts is not WithRetries' client")
	}
	if got := four.Options().RetryMaxAttempts; got != 4 {
		t.Errorf("client built with 4 attempts has %d", got)
	}
	if c := s3Client(t, sess, WithRegion("eu-west-1"), WithRetries(aws.RetryModeStandard, 3)); c != three {
		t.Error("memo hit gave another client")
	}
}

// After eviction, removal and expiry the memo holds neither the entry nor
// its secret, and the next call builds a new client.
func TestMemoForgetsClientsThatLeave(t *testing.T) {
	isolateEnv(t)
	evicted := make(chan clientcache.Cause, 10)
	sess := session(t, WithMaxSize(1), WithOnEvict(func(_ *clientcache.Key, _ any, cause clientcache.Cause) {
		evicted <- cause
	}))
	m := sess.state().memo
	a := s3Client(t, sess, WithStaticCredentials("AKID", "evicted-secret", ""))
	if !m.holdsSecret("evicted-secret") {
		t.Fatal("the memo should hold the options of a resident client")
	}
	s3Client(t, sess, WithStaticCredentials("AKID", "other-secret", "")) // evicts a
	if cause := <-evicted; cause != clientcache.Evicted {
		t.Fatalf("cause %v", cause)
	}
	if m.holdsSecret("evicted-secret") {
		t.Error("evicted: the memo still holds its secret")
	}
	if c := s3Client(t, sess, WithStaticCredentials("AKID", "evicted-secret", "")); c == a {
		t.Error("evicted client returned again")
	}
	<-evicted // other-secret's client

	// Removal (as after an authentication error).
	key, err := sess.Key("s3", WithStaticCredentials("AKID", "evicted-secret", ""))
	if err != nil {
		t.Fatal(err)
	}
	before := s3Client(t, sess, WithStaticCredentials("AKID", "evicted-secret", ""))
	if _, err := sess.Cache(clientcache.LRU).Remove(key); err != nil {
		t.Fatal(err)
	}
	<-evicted
	if m.holdsSecret("evicted-secret") || len(m.entries()) != 0 {
		t.Error("removed: the memo still holds it")
	}
	if c := s3Client(t, sess, WithStaticCredentials("AKID", "evicted-secret", "")); c == before {
		t.Error("removed client returned again")
	}

	// Credentials within the refresh margin: the client expires at once
	// (within a tick of the core's coarse clock), and its memo entry with
	// it: once the expired entry leaves, the memo holds no secret of it.
	soon := aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "expiring-secret", CanExpire: true,
		Expires: time.Now().Add(time.Minute)}
	x := s3Client(t, sess, WithCredentials(soon))
	time.Sleep(50 * time.Millisecond) // past the clock's tick
	sess.Cache(clientcache.LRU).PurgeExpired()
	for cause := <-evicted; cause != clientcache.Expired; cause = <-evicted {
		if cause != clientcache.Evicted { // x evicted the previous client
			t.Fatalf("cause %v", cause)
		}
	}
	if m.holdsSecret("expiring-secret") {
		t.Error("an expired client left its options in the memo")
	}
	time.Sleep(50 * time.Millisecond)
	if y := s3Client(t, sess, WithCredentials(soon)); y == x {
		t.Error("an expired client was returned again")
	}

	// Closing the session empties it.
	s3Client(t, sess, WithStaticCredentials("AKID", "closing-secret", ""))
	sess.Close()
	if len(m.entries()) != 0 {
		t.Error("Close left memo entries")
	}
}

// Session defaults are part of the identity: a call that overrides a
// default secret gets another client, one that repeats it the same.
func TestMemoSessionDefaults(t *testing.T) {
	isolateEnv(t)
	sess := session(t, WithDefaults(WithRegion("us-east-2"), WithStaticCredentials("AKID", "default-secret", "")))
	def := s3Client(t, sess)
	if c := s3Client(t, sess, WithStaticCredentials("AKID", "default-secret", "")); c != def {
		t.Error("repeating the default is not the same client")
	}
	if c := s3Client(t, sess, WithStaticCredentials("AKID", "call-secret", "")); c == def || clientSecret(t, c) != "call-secret" {
		t.Error("overriding the default secret gave the default's client")
	}
	if c := s3Client(t, sess, WithRegion("us-east-1")); c == def || c.Options().Region != "us-east-1" || clientSecret(t, c) != "default-secret" {
		t.Error("overriding the default region")
	}
	other := session(t, WithDefaults(WithRegion("us-east-2"), WithStaticCredentials("AKID", "other-default", "")))
	if c := s3Client(t, other); clientSecret(t, c) != "other-default" {
		t.Error("another session's defaults")
	}
}

// Randomised: many goroutines, option sets that differ in one field each
// (secrets, nested retries, timeouts, flags), a cache small enough to
// evict all the time; every client returned must have been built from the
// call's own options, and the memo's key must equal the key built without
// it. Run with -race.
func TestMemoConcurrentExact(t *testing.T) {
	isolateEnv(t)
	sess := session(t, WithMaxSize(3))
	type variant struct {
		opts   []Option
		secret string
		region string
		tries  int
	}
	var variants []variant
	for i := range 8 {
		secret := fmt.Sprintf("secret-%d", i%4)
		region := []string{"us-east-1", "eu-west-1"}[i/4]
		tries := 2 + i%2
		variants = append(variants, variant{
			opts: []Option{WithRegion(region), WithStaticCredentials("AKID", secret, ""),
				WithRetries(aws.RetryModeStandard, tries)},
			secret: secret, region: region, tries: tries,
		})
	}
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for range 150 {
				v := variants[r.IntN(len(variants))]
				c, err := S3(context.Background(), sess, v.opts...)
				if err != nil {
					errs <- err.Error()
					return
				}
				creds, _ := c.Options().Credentials.Retrieve(context.Background())
				if creds.SecretAccessKey != v.secret || c.Options().Region != v.region || c.Options().RetryMaxAttempts != v.tries {
					errs <- fmt.Sprintf("asked %s/%s/%d, got %s/%s/%d", v.secret, v.region, v.tries,
						creds.SecretAccessKey, c.Options().Region, c.Options().RetryMaxAttempts)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	// Every entry left is exact and belongs to a resident client.
	m := sess.state().memo
	for _, e := range m.entries() {
		want, err := clientcache.NewClientKey(e.service, e.id.params())
		if err != nil || !want.Equal(e.key) {
			t.Errorf("memo entry's key %s is not the key of its options", e.key.Label())
		}
		if !sess.Cache(e.policy).Contains(e.key) {
			t.Errorf("memo entry %s outlived its client", e.key.Label())
		}
	}
	if len(m.entries()) > 3 {
		t.Errorf("%d memo entries for a cache of 3", len(m.entries()))
	}
}

// The memo's key is the key of the call's options, for random option sets
// (the memo is only a shortcut to it).
func TestMemoKeyMatchesKey(t *testing.T) {
	isolateEnv(t)
	sess := session(t, WithMaxSize(64))
	r := rand.New(rand.NewPCG(7, 7))
	pick := func() []Option {
		var o []Option
		if r.IntN(2) == 0 {
			o = append(o, WithRegion([]string{"us-east-1", "eu-west-1"}[r.IntN(2)]))
		}
		if r.IntN(2) == 0 {
			o = append(o, WithStaticCredentials("AKID", []string{"s1", "s2"}[r.IntN(2)], []string{"", "t"}[r.IntN(2)]))
		}
		if r.IntN(2) == 0 {
			o = append(o, WithRetryMaxAttempts(1+r.IntN(2)))
		}
		if r.IntN(3) == 0 {
			o = append(o, WithReadTimeout(time.Duration(r.IntN(2))*time.Second))
		}
		if r.IntN(3) == 0 {
			o = append(o, WithDualStack(r.IntN(2) == 0))
		}
		if r.IntN(3) == 0 {
			o = append(o, WithAppID("app"))
		}
		if r.IntN(4) == 0 {
			o = append(o, WithPolicy(clientcache.LFU))
		}
		return o
	}
	for range 60 {
		opts := pick()
		c := s3Client(t, sess, opts...)
		want, err := Key("s3", opts...)
		if err != nil {
			t.Fatal(err)
		}
		var set settings
		for i := range opts {
			set.apply(&opts[i])
		}
		got := sess.state().memo.find(set.id.hash("s3"), "s3", set.policy, &set.id)
		if got == nil || !got.Equal(want) {
			t.Fatalf("memo key for %v: %v, want %s", opts, got, want.Label())
		}
		if again := s3Client(t, sess, opts...); again != c {
			t.Fatalf("%v: a second call gave another client", opts)
		}
	}
	if s := fmt.Sprint(sess.state().memo.entries()[0].id.params()); strings.Contains(s, "s1") || strings.Contains(s, "s2") {
		t.Errorf("params print secrets: %s", s)
	}
}

// find compares every field of the ident, not only the hash: an ident that
// differs in any one field is not found even under the same hash.
func TestMemoComparesEveryField(t *testing.T) {
	base := ident{region: "r", endpoint: "e", profile: "p", appID: "a", retryMode: "standard",
		keyID: "k", secret: "s", token: "t", retryMaxAttempts: 3, connectTimeout: 1, readTimeout: 2,
		credProviderID: 4, httpClientID: 5, flags: hasCredentials | fipsSet}
	m := newMemo(10)
	key, err := clientcache.NewClientKey("s3", base.params())
	if err != nil {
		t.Fatal(err)
	}
	const h = 42
	e := &memoEntry{hash: h, service: "s3", policy: clientcache.LRU, id: base, key: key, fp: key.Fingerprint()}
	m.buckets[h&uint64(len(m.buckets)-1)].Store(e)
	m.n = 1
	if m.find(h, "s3", clientcache.LRU, &base) != key {
		t.Fatal("the entry itself is not found")
	}
	if m.find(h, "sqs", clientcache.LRU, &base) != nil || m.find(h, "s3", clientcache.LFU, &base) != nil {
		t.Error("service or policy ignored")
	}
	rv := reflect.ValueOf(&base).Elem()
	for i := range rv.NumField() {
		other := base
		f := reflect.ValueOf(&other).Elem().Field(i)
		f = reflect.NewAt(f.Type(), f.Addr().UnsafePointer()).Elem()
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Int64:
			f.SetInt(f.Int() + 1)
		case reflect.Uint64, reflect.Uint16:
			f.SetUint(f.Uint() ^ 8)
		default:
			t.Fatalf("field %s of kind %v: extend this test", rv.Type().Field(i).Name, f.Kind())
		}
		if m.find(h, "s3", clientcache.LRU, &other) != nil {
			t.Errorf("an ident differing in %s found the entry", rv.Type().Field(i).Name)
		}
		if other.hash("s3") == base.hash("s3") {
			t.Errorf("the hash ignores %s", rv.Type().Field(i).Name)
		}
	}
}
