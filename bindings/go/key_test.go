package clientcache_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/clientcache/clientcache/bindings/go"
)

const (
	demoAccessKey = "AKIAIOSFODNN7EXAMPLE"
	demoSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestKeyBasics(t *testing.T) {
	k := mustKey(t, "s3", clientcache.Params{"region_name": "us-west-2"})
	if k.Kind() != clientcache.Client {
		t.Errorf("Kind %v", k.Kind())
	}
	if !hex32.MatchString(k.Fingerprint()) {
		t.Errorf("fingerprint %q is not 32 lowercase hex", k.Fingerprint())
	}
	if got, want := k.Label(), `s3(region_name="us-west-2")`; got != want {
		t.Errorf("label %q, want %q", got, want)
	}
	if got, want := k.Canonical(), `{"kind":"client","params":{"region_name":"us-west-2"},"service_name":"s3","version":1}`; got != want {
		t.Errorf("canonical %s, want %s", got, want)
	}
	// Canonical form is SHA-256'd into the fingerprint.
	sum := sha256.Sum256([]byte(k.Canonical()))
	if got, want := k.Fingerprint(), hex.EncodeToString(sum[:16]); got != want {
		t.Errorf("fingerprint %s, want the first 16 bytes of SHA-256(canonical) %s", got, want)
	}
	r, err := clientcache.NewResourceKey("s3", clientcache.Params{"region_name": "us-west-2"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind() != clientcache.Resource || r.Equal(k) || r.Fingerprint() == k.Fingerprint() {
		t.Errorf("resource key %v must differ from client key %v", r, k)
	}
}

func TestKeyIdentityRules(t *testing.T) {
	base := mustKey(t, "s3", nil)
	same := []clientcache.Params{
		{},
		{"region_name": nil},                     // top-level null = absent
		{"region_name": nil, "api_version": nil}, // all-null = no params
	}
	for _, p := range same {
		if k := mustKey(t, "s3", p); !k.Equal(base) || k.Label() != "s3()" {
			t.Errorf("%v: label %q, want s3() and Equal to no params", p, k.Label())
		}
	}
	empty, err := clientcache.NewClientKeyJSON("s3", []byte(`{}`))
	if err != nil || !empty.Equal(base) {
		t.Errorf("raw {}: %v / Equal %v", err, err == nil && empty.Equal(base))
	}

	// Numbers compare by value; map order never matters; Go types that
	// encode to the same JSON give the same key.
	a := mustKey(t, "s3", clientcache.Params{"config": map[string]any{"retries": map[string]any{"max_attempts": 3, "mode": "standard"}, "connect_timeout": 5.0}})
	b := mustKey(t, "s3", clientcache.Params{"config": map[string]any{"connect_timeout": int64(5), "retries": map[string]any{"mode": "standard", "max_attempts": json.Number("3.0")}}})
	type retries struct {
		MaxAttempts uint8  `json:"max_attempts"`
		Mode        string `json:"mode"`
	}
	c := mustKey(t, "s3", clientcache.Params{"config": json.RawMessage(`{"retries": {"mode":"standard","max_attempts":3e0}, "connect_timeout": 5}`)})
	d := mustKey(t, "s3", clientcache.Params{"config": map[string]any{"connect_timeout": 5, "retries": retries{3, "standard"}}})
	for _, k := range []*clientcache.Key{b, c, d} {
		if !a.Equal(k) || a.Fingerprint() != k.Fingerprint() || a.Canonical() != k.Canonical() {
			t.Errorf("%s\n  != %s", k.Canonical(), a.Canonical())
		}
	}
	// Array order matters; nested null is kept.
	x := mustKey(t, "s3", clientcache.Params{"config": map[string]any{"l": []any{1, 2}}})
	y := mustKey(t, "s3", clientcache.Params{"config": map[string]any{"l": []any{2, 1}}})
	z := mustKey(t, "s3", clientcache.Params{"config": map[string]any{"l": []any{1, 2}, "n": nil}})
	if x.Equal(y) || x.Equal(z) {
		t.Errorf("array order or nested null ignored: %s %s %s", x.Canonical(), y.Canonical(), z.Canonical())
	}
	// Service name and kind are part of the key.
	if mustKey(t, "s3", nil).Equal(mustKey(t, "sqs", nil)) {
		t.Errorf("s3() == sqs()")
	}
	// verify may be a bool or a string; use_ssl a bool.
	mustKey(t, "s3", clientcache.Params{"verify": false, "use_ssl": true})
	mustKey(t, "s3", clientcache.Params{"verify": "/etc/ssl/ca.pem", "endpoint_url": "http://127.0.0.1:9000", "profile_name": "dev", "api_version": "2006-03-01"})
}

func TestKeySecretsNeverInClear(t *testing.T) {
	token := "FwoGZXIvYXdzEXAMPLETOKEN"
	k := mustKey(t, "s3", clientcache.Params{
		"region_name": "us-west-2", "aws_access_key_id": demoAccessKey,
		"aws_secret_access_key": demoSecret, "aws_session_token": token,
	})
	for _, s := range []string{k.Label(), k.Canonical(), k.String()} {
		for _, secret := range []string{demoAccessKey, demoSecret, token} {
			if strings.Contains(s, secret) {
				t.Errorf("%q contains a secret's clear text", s)
			}
		}
	}
	if got, want := k.Label(), `s3(aws_access_key_id=***, aws_secret_access_key=***, aws_session_token=***, region_name="us-west-2")`; got != want {
		t.Errorf("label %s, want %s", got, want)
	}
	sum := sha256.Sum256([]byte(demoSecret))
	if want := `"aws_secret_access_key":"sha256:` + hex.EncodeToString(sum[:]) + `"`; !strings.Contains(k.Canonical(), want) {
		t.Errorf("canonical %s lacks %s", k.Canonical(), want)
	}
	// An error about another parameter of the same key names no secret.
	_, err := clientcache.NewClientKey("s3", clientcache.Params{"aws_secret_access_key": demoSecret, "region": "us-west-2"})
	if err == nil || strings.Contains(err.Error(), demoSecret) {
		t.Errorf("err %v", err)
	}
	// A secret of the wrong type: the message must not echo it either.
	_, err = clientcache.NewClientKey("s3", clientcache.Params{"aws_secret_access_key": []string{demoSecret}})
	if !errors.Is(err, clientcache.ErrInvalidArgument) || strings.Contains(err.Error(), demoSecret) {
		t.Errorf("secret as an array: %v", err)
	}
}

func TestKeyBadInputs(t *testing.T) {
	cases := []struct {
		name     string
		service  string
		params   clientcache.Params
		contains string
	}{
		{"empty service", "", nil, ""},
		{"upper-case service", "S3", nil, ""},
		{"service starts with a digit", "3s", nil, ""},
		{"underscore in service", "s3_x", nil, ""},
		{"service too long", "s" + strings.Repeat("a", 64), nil, ""},
		{"invalid UTF-8 service", "s3\xff", nil, ""},
		{"unknown parameter", "s3", clientcache.Params{"regoin_name": "us-west-2"}, "regoin_name"},
		{"NaN", "s3", clientcache.Params{"config": map[string]any{"x": math.NaN()}}, ""},
		{"+Inf", "s3", clientcache.Params{"config": map[string]any{"x": math.Inf(1)}}, ""},
		{"integer beyond 2^53-1", "s3", clientcache.Params{"config": map[string]any{"x": int64(1) << 60}}, ""},
		{"channel", "s3", clientcache.Params{"config": make(chan int)}, ""},
		{"function", "s3", clientcache.Params{"config": func() {}}, ""},
		{"complex", "s3", clientcache.Params{"config": complex(1, 2)}, ""},
		{"region not a string", "s3", clientcache.Params{"region_name": 5}, "region_name"},
		{"use_ssl not a bool", "s3", clientcache.Params{"use_ssl": "yes"}, "use_ssl"},
		{"config not an object", "s3", clientcache.Params{"config": []int{1}}, "config"},
		{"duplicate in raw JSON", "s3", clientcache.Params{"config": json.RawMessage(`{"a":1,"a":2}`)}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k, err := clientcache.NewClientKey(tc.service, tc.params)
			if err == nil {
				t.Fatalf("want ErrInvalidArgument, got key %v", k)
			}
			if !errors.Is(err, clientcache.ErrInvalidArgument) {
				t.Errorf("errors.Is(%v, ErrInvalidArgument) is false", err)
			}
			if errors.Is(err, clientcache.ErrNotFound) || errors.Is(err, clientcache.ErrExists) {
				t.Errorf("%v matches another sentinel", err)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("%q does not name %q", err.Error(), tc.contains)
			}
		})
	}
	raw := []struct{ name, json string }{
		{"malformed", `{"region_name":`},
		{"top-level array", `[1,2]`},
		{"top-level string", `"s3"`},
		{"invalid UTF-8", "{\"region_name\":\"\xff\"}"},
		{"duplicate top-level", `{"region_name":"a","region_name":"b"}`},
		{"trailing garbage", `{} x`},
	}
	for _, tc := range raw {
		t.Run("raw "+tc.name, func(t *testing.T) {
			k, err := clientcache.NewClientKeyJSON("s3", []byte(tc.json))
			if !errors.Is(err, clientcache.ErrInvalidArgument) {
				t.Fatalf("got %v, %v; want ErrInvalidArgument", k, err)
			}
			var ce *clientcache.Error
			if !errors.As(err, &ce) || ce.Status != clientcache.StatusInvalidArgument || ce.Message == "" {
				t.Errorf("error %#v lacks the core's status and message", err)
			}
		})
	}
}

func TestKeyClose(t *testing.T) {
	k := regionKey(t, "eu-west-1")
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	if err := k.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if k.Label() != "" || k.Fingerprint() != "" || k.Canonical() != "" || k.String() != "<closed key>" || k.Equal(k) {
		t.Errorf("closed key still answers: %q %q", k.Label(), k.Fingerprint())
	}
	c := newIntCache(t, nil)
	if err := c.Set(k, ptr(1)); !errors.Is(err, clientcache.ErrClosed) {
		t.Errorf("Set with closed key: %v", err)
	}
	var nilKey *clientcache.Key
	if _, err := c.Get(nilKey); !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Errorf("Get(nil): %v", err)
	}
}
