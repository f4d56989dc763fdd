package clientcache_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clientcache/clientcache/bindings/go"
)

// The fuzz targets run as ordinary tests over their seeds in `go test`, and
// `make test-go` also fuzzes each for a bounded time.

// seedVectors returns the kind, service and params text of every vector and
// error vector of tests/vectors/keys.json (nothing when it cannot be read:
// the seeds below still run).
func seedVectors(f *testing.F) (out [][3]string) {
	data, err := os.ReadFile(vectorsPath)
	if err != nil {
		if os.Getenv("CLIENTCACHE_REQUIRE_VECTORS") == "1" {
			f.Fatalf("shared vectors: %v", err)
		}
		return nil
	}
	var vf vectorFile
	if err := json.Unmarshal(data, &vf); err != nil {
		f.Fatal(err)
	}
	text := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	for _, v := range vf.Vectors {
		out = append(out, [3]string{v.Kind, v.ServiceName, text(v.ParamsJSON)})
	}
	for _, v := range vf.Errors {
		out = append(out, [3]string{v.Kind, v.ServiceName, text(v.ParamsJSON)})
	}
	return out
}

// paramsOf is the "params" member of a canonical form, and whether it
// holds a secret (whose digest cannot be rebuilt into the same key).
func paramsOf(t *testing.T, canonical string) ([]byte, bool) {
	var c struct {
		Params json.RawMessage `json:"params"`
	}
	if err := json.Unmarshal([]byte(canonical), &c); err != nil {
		t.Fatalf("canonical form %q does not parse: %v", canonical, err)
	}
	var p map[string]json.RawMessage
	if err := json.Unmarshal(c.Params, &p); err != nil {
		t.Fatalf("canonical params %s: %v", c.Params, err)
	}
	for name := range p {
		if name == "aws_access_key_id" || name == "aws_secret_access_key" || name == "aws_session_token" {
			return c.Params, true
		}
	}
	return c.Params, false
}

// checkRebuild: the canonical params of an accepted key, given back to
// NewClientKeyJSON, give the same key (when no secret was digested).
func checkRebuild(t *testing.T, k *clientcache.Key, service string) {
	params, secret := paramsOf(t, k.Canonical())
	if secret {
		return
	}
	again, err := clientcache.NewClientKeyJSON(service, params)
	if err != nil {
		t.Fatalf("canonical params %s refused: %v", params, err)
	}
	defer again.Close()
	if again.Fingerprint() != k.Fingerprint() || again.Canonical() != k.Canonical() {
		t.Fatalf("rebuilt key differs:\n %s\n %s", k.Canonical(), again.Canonical())
	}
}

func checkRefusal(t *testing.T, err error) {
	if !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Fatalf("refusal %v does not match ErrInvalidArgument", err)
	}
}

// FuzzNewClientKeyJSON: raw JSON never panics the binding; accepted text is
// valid UTF-8; accepted keys rebuild to themselves from their canonical
// form; every refusal is ErrInvalidArgument.
func FuzzNewClientKeyJSON(f *testing.F) {
	for _, v := range seedVectors(f) {
		if v[0] == "client" {
			f.Add(v[1], []byte(v[2]))
		}
	}
	f.Add("s3", []byte(`{"aws_secret_access_key":"wJalr-\xff-KEY"}`))
	f.Add("s3", []byte(`{"config":{"a":"\xed\xa0\x80","b":"\ud800"}}`))
	f.Fuzz(func(t *testing.T, service string, params []byte) {
		k, err := clientcache.NewClientKeyJSON(service, params)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		defer k.Close()
		if !utf8.Valid(params) {
			t.Fatalf("invalid UTF-8 accepted: %q", params)
		}
		checkRebuild(t, k, service)
	})
}

// FuzzNewClientKey: Params built from fuzzed text and numbers never panic;
// invalid UTF-8 and non-finite numbers are always refused, at any depth;
// an accepted key equals the key of encoding/json's text for the same
// values (which, for valid text, is exact) and rebuilds from its canonical
// form.
func FuzzNewClientKey(f *testing.F) {
	for _, v := range seedVectors(f) {
		f.Add(v[1], v[2], "wJalr-\xff-KEY", 1.5, int64(3))
	}
	f.Add("s3", `{"region_name":"us-west-2"}`, "wJalr-\uFFFD-KEY", math.Inf(1), int64(1)<<53)
	f.Add("s3", ``, "", 0.1, int64(-1))
	f.Fuzz(func(t *testing.T, service, paramsJSON, text string, x float64, n int64) {
		params := clientcache.Params{}
		if utf8.ValidString(paramsJSON) {
			dec := json.NewDecoder(strings.NewReader(paramsJSON))
			dec.UseNumber()
			var p map[string]any
			if dec.Decode(&p) == nil && p != nil {
				params = p
			}
		}
		cfg := map[string]any{"orig": params["config"], "fuzz": []any{text, x, n, map[string]any{text: true}}}
		params["config"] = cfg
		if len(text) > 0 && text[0]%2 == 0 {
			params["aws_secret_access_key"] = text
		}
		k, err := clientcache.NewClientKey(service, params)
		if !utf8.ValidString(text) || math.IsNaN(x) || math.IsInf(x, 0) {
			if err == nil {
				k.Close()
				t.Fatalf("accepted text %q / number %v", text, x)
			}
		}
		if err != nil {
			checkRefusal(t, err)
			if s, ok := params["aws_secret_access_key"].(string); ok && len(s) >= 16 &&
				!strings.Contains(service+paramsJSON, s) && strings.Contains(err.Error(), s) {
				t.Fatalf("error %q shows the secret", err)
			}
			return
		}
		defer k.Close()
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(map[string]any(params)); err != nil {
			t.Fatalf("encoding/json refuses what the binding accepted: %v", err)
		}
		ref, err := clientcache.NewClientKeyJSON(service, bytes.TrimSpace(buf.Bytes()))
		if err != nil {
			t.Fatalf("encoding/json's text refused: %v", err)
		}
		defer ref.Close()
		if ref.Fingerprint() != k.Fingerprint() {
			t.Fatalf("keys differ:\n strict %s\n   json %s", k.Canonical(), ref.Canonical())
		}
		checkRebuild(t, k, service)
	})
}
