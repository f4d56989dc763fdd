package clientcache_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/clientcache/clientcache/bindings/go"
)

// needDiff skips when the linked libclientcache predates
// clientcache_key_diff (the binding links either way).
func needDiff(t *testing.T, err error) {
	t.Helper()
	var ce *clientcache.Error
	if errors.Is(err, clientcache.ErrInternal) && errors.As(err, &ce) && strings.Contains(ce.Message, "predates") {
		t.Skip("the linked libclientcache has no clientcache_key_diff yet")
	}
}

func diffOf(t *testing.T, a, b *clientcache.Key) map[string]clientcache.Difference {
	t.Helper()
	d, err := a.Diff(b)
	needDiff(t, err)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]clientcache.Difference{}
	for _, x := range d {
		if _, dup := m[x.Path]; dup {
			t.Errorf("path %s twice in %v", x.Path, d)
		}
		m[x.Path] = x
	}
	return m
}

func TestKeyDiff(t *testing.T) {
	a := mustKey(t, "s3", clientcache.Params{
		"region_name": "us-west-2", "aws_access_key_id": demoAccessKey, "aws_secret_access_key": demoSecret,
		"config": map[string]any{"retries": map[string]any{"mode": "standard"}, "order": []any{1, 2, 3}},
	})
	b := mustKey(t, "s3", clientcache.Params{
		"region_name": "eu-west-1", "aws_access_key_id": demoAccessKey, "aws_secret_access_key": demoSecret + "2",
		"endpoint_url": "http://127.0.0.1:9000",
		"config":       map[string]any{"retries": map[string]any{"mode": "adaptive"}, "order": []any{1, 2, 4}},
	})
	d := diffOf(t, a, b)
	want := map[string]clientcache.Difference{
		"region_name":           {Path: "region_name", Left: `"us-west-2"`, Right: `"eu-west-1"`},
		"aws_secret_access_key": {Path: "aws_secret_access_key", Left: `"***"`, Right: `"***"`},
		"endpoint_url":          {Path: "endpoint_url", Left: "", Right: `"http://127.0.0.1:9000"`},
		"config.retries.mode":   {Path: "config.retries.mode", Left: `"standard"`, Right: `"adaptive"`},
		"config.order[2]":       {Path: "config.order[2]", Left: `3`, Right: `4`},
	}
	for p, w := range want {
		if d[p] != w {
			t.Errorf("%s: got %#v, want %#v", p, d[p], w)
		}
	}
	if len(d) != len(want) {
		t.Errorf("got %d differences, want %d: %v", len(d), len(want), d)
	}
	for _, x := range d {
		for _, s := range []string{x.Left, x.Right, x.String()} {
			if strings.Contains(s, demoSecret) || strings.Contains(s, demoAccessKey) || strings.Contains(s, "sha256:") {
				t.Errorf("%s shows a secret or its digest: %s", x.Path, s)
			}
		}
	}
	// Reversed, the sides swap.
	if r := diffOf(t, b, a); r["endpoint_url"].Left != `"http://127.0.0.1:9000"` || r["endpoint_url"].Right != "" {
		t.Errorf("reversed: %#v", r["endpoint_url"])
	}
	// Equal keys: an empty, non-nil slice.
	same, err := a.Diff(mustKey(t, "s3", clientcache.Params{
		"aws_secret_access_key": demoSecret, "aws_access_key_id": demoAccessKey, "region_name": "us-west-2",
		"config": map[string]any{"order": []any{1, 2, 3.0}, "retries": map[string]any{"mode": "standard"}},
	}))
	if err != nil || same == nil || len(same) != 0 {
		t.Errorf("equal keys: %v %v", same, err)
	}
	// Kind and service.
	r, err := clientcache.NewResourceKey("sqs", nil)
	if err != nil {
		t.Fatal(err)
	}
	kd := diffOf(t, mustKey(t, "s3", nil), r)
	if kd["kind"].Left != `"client"` || kd["kind"].Right != `"resource"` || kd["service_name"].Right != `"sqs"` {
		t.Errorf("kind/service: %v", kd)
	}
}

func TestKeyDiffBadArguments(t *testing.T) {
	a := regionKey(t, "us-west-2")
	if _, err := a.Diff(nil); !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Errorf("Diff(nil): %v", err)
	}
	closed := regionKey(t, "us-east-1")
	closed.Close()
	if _, err := a.Diff(closed); !errors.Is(err, clientcache.ErrClosed) {
		t.Errorf("Diff(closed): %v", err)
	}
	if _, err := closed.Diff(a); !errors.Is(err, clientcache.ErrClosed) {
		t.Errorf("closed.Diff: %v", err)
	}
}
