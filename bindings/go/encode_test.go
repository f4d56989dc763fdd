package clientcache_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/clientcache/clientcache/bindings/go"
)

// Two different secrets must never give one key: invalid UTF-8 is refused,
// never replaced by U+FFFD (which encoding/json did, so all three of these
// secrets used to share one fingerprint and so one client).
func TestKeyInvalidUTF8SecretsAreRefused(t *testing.T) {
	const valid = "wJalr-\uFFFD-KEY"
	for _, secret := range []string{"wJalr-\xff-KEY", "wJalr-\xfe-KEY"} {
		k, err := clientcache.NewClientKey("s3", clientcache.Params{
			"aws_access_key_id": demoAccessKey, "aws_secret_access_key": secret,
		})
		if !errors.Is(err, clientcache.ErrInvalidArgument) {
			t.Fatalf("secret %q: got key %v, err %v; want ErrInvalidArgument", secret, k, err)
		}
		if !strings.Contains(err.Error(), `parameter "aws_secret_access_key"`) || !strings.Contains(err.Error(), "UTF-8") {
			t.Errorf("error %q does not name the parameter and the problem", err)
		}
		if strings.Contains(err.Error(), "wJalr") {
			t.Errorf("error %q echoes the secret", err)
		}
		// The raw JSON constructor hands the bytes to the core untouched,
		// and the core refuses them too.
		raw := `{"aws_secret_access_key":"` + secret + `"}`
		if _, err := clientcache.NewClientKeyJSON("s3", []byte(raw)); !errors.Is(err, clientcache.ErrInvalidArgument) {
			t.Errorf("raw JSON with secret %q: %v", secret, err)
		}
	}
	a := mustKey(t, "s3", clientcache.Params{"aws_secret_access_key": valid})
	b, err := clientcache.NewClientKeyJSON("s3", []byte(`{"aws_secret_access_key":"`+valid+`"}`))
	if err != nil || !a.Equal(b) {
		t.Fatalf("U+FFFD itself is valid text and must work both ways: %v", err)
	}
	c := mustKey(t, "s3", clientcache.Params{"aws_secret_access_key": "wJalr-?-KEY"})
	if a.Equal(c) {
		t.Fatal("different secrets share a key")
	}
}

func TestKeyStrictEncoderRefuses(t *testing.T) {
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	type embedded struct{ Mode string }
	type withEmbedded struct {
		embedded
		Max int `json:"max"`
	}
	one := 1
	cases := []struct {
		name   string
		params clientcache.Params
		path   string // the parameter path the message must name
		what   string // and a word of the reason
	}{
		{"[]byte", clientcache.Params{"config": map[string]any{"blob": []byte("secret")}}, "config.blob", "base64"},
		{"named []byte", clientcache.Params{"config": map[string]any{"b": []uint8{1}}}, "config.b", "no exact JSON form"},
		{"invalid UTF-8 nested", clientcache.Params{"config": map[string]any{"retries": map[string]any{"mode": "stand\xffard"}}}, "config.retries.mode", "UTF-8"},
		{"invalid UTF-8 in an array", clientcache.Params{"config": map[string]any{"order": []any{"a", "b", "\xc3"}}}, "config.order[2]", "UTF-8"},
		{"invalid UTF-8 in a []string", clientcache.Params{"config": map[string]any{"order": []string{"a", "\xc3("}}}, "config.order[1]", "UTF-8"},
		{"invalid UTF-8 member name", clientcache.Params{"config": map[string]any{"ok\xff": 1}}, "config", "member name"},
		{"invalid UTF-8 top-level value", clientcache.Params{"region_name": "us-\xffwest"}, "region_name", "UTF-8"},
		{"NaN in an array", clientcache.Params{"config": map[string]any{"order": []any{1, 2, math.NaN()}}}, "config.order[2]", "non-finite"},
		{"-Inf float32", clientcache.Params{"config": map[string]any{"x": float32(math.Inf(-1))}}, "config.x", "non-finite"},
		{"channel", clientcache.Params{"config": map[string]any{"c": make(chan int)}}, "config.c", "chan"},
		{"function", clientcache.Params{"config": map[string]any{"f": func() {}}}, "config.f", "func"},
		{"complex", clientcache.Params{"config": map[string]any{"z": complex64(1)}}, "config.z", "complex64"},
		{"pointer", clientcache.Params{"config": map[string]any{"p": &one}}, "config.p", "pointer"},
		{"int-keyed map", clientcache.Params{"config": map[int]string{1: "a"}}, "config", "string keys"},
		{"empty json.Number", clientcache.Params{"config": map[string]any{"n": json.Number("")}}, "config.n", "json.Number"},
		{"bad json.Number", clientcache.Params{"config": map[string]any{"n": json.Number("1e")}}, "config.n", "json.Number"},
		{"RawMessage smuggling a member", clientcache.Params{"config": json.RawMessage(`{}, "region_name": "x"`)}, "config", "valid JSON"},
		{"RawMessage with invalid UTF-8", clientcache.Params{"config": json.RawMessage("{\"a\":\"\xff\"}")}, "config", "UTF-8"},
		{"embedded struct", clientcache.Params{"config": withEmbedded{}}, "config", "embedded"},
		{"cycle", clientcache.Params{"config": cyclic}, "config.self.self", "cycle"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k, err := clientcache.NewClientKey("s3", tc.params)
			if err == nil {
				t.Fatalf("want ErrInvalidArgument, got key %v", k)
			}
			if !errors.Is(err, clientcache.ErrInvalidArgument) {
				t.Fatalf("errors.Is(%v, ErrInvalidArgument) is false", err)
			}
			if !strings.Contains(err.Error(), `parameter "`+tc.path) || !strings.Contains(err.Error(), tc.what) {
				t.Errorf("error %q does not name %q and %q", err, tc.path, tc.what)
			}
		})
	}
}

// Everything the strict encoder accepts gives the key encoding/json's text
// gives (for values both carry exactly).
func TestKeyStrictEncoderAgreesWithEncodingJSON(t *testing.T) {
	type retries struct {
		MaxAttempts uint8     `json:"max_attempts"`
		Mode        string    `json:"mode,omitempty"`
		Skipped     string    `json:"-"`
		Empty       []int     `json:"empty,omitempty"`
		Zero        time.Time `json:"zero,omitzero"`
		Quoted      int       `json:"quoted,string"`
		unexported  int
	}
	type mode string
	cases := []clientcache.Params{
		{"region_name": "us-west-2", "use_ssl": true, "verify": "/etc/ssl/ca.pem"},
		{"config": map[string]any{"s": "quote \" backslash \\ tab \t nl \n ctl \x01 del \x7f é \u2028 😀"}},
		{"config": map[string]any{"i8": int8(-8), "u16": uint16(65535), "u64": uint64(1 << 52), "i": -(1 << 53) + 1}},
		{"config": map[string]any{"f": 0.1, "g": 1.5e-5, "h": 1e-7, "z": math.Copysign(0, -1), "tiny": 5e-324, "frac": 123.456}},
		{"config": map[string]any{"arr": [3]int{1, 2, 3}, "strs": []string{"a", "b"}, "nested": []any{[]any{}, map[string]any{}}}},
		{"config": map[string]any{"nil slice": []int(nil), "nil map": map[string]int(nil), "null": nil}},
		{"config": map[string]any{"retries": retries{MaxAttempts: 3, Skipped: "x", Quoted: 7, unexported: 1}}},
		{"config": map[string]any{"mode": mode("adaptive"), "n": json.Number("-12.50e+3")}},
		{"config": map[string]any{"raw": json.RawMessage(` {"b": [1, 2], "a": null} `), "t": time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}},
		{"config": clientcache.Params{"params": "nested Params"}},
	}
	for i, p := range cases {
		k, err := clientcache.NewClientKey("s3", p)
		if err != nil {
			t.Errorf("case %d: %v", i, err)
			continue
		}
		text, err := json.Marshal(map[string]any(p))
		if err != nil {
			t.Fatalf("case %d: encoding/json: %v", i, err)
		}
		want, err := clientcache.NewClientKeyJSON("s3", text)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if k.Canonical() != want.Canonical() {
			t.Errorf("case %d:\n strict %s\n   json %s", i, k.Canonical(), want.Canonical())
		}
	}
}

func TestKeyFloat32IsCarriedExactly(t *testing.T) {
	k := mustKey(t, "s3", clientcache.Params{"config": map[string]any{"x": float32(0.1)}})
	if want := `"x":0.10000000149011612`; !strings.Contains(k.Canonical(), want) {
		t.Errorf("canonical %s lacks %s", k.Canonical(), want)
	}
}

// Range and identity rules are the core's: the encoder passes such values
// on, and the core's message comes back.
func TestKeyRangeIsTheCoresRule(t *testing.T) {
	_, err := clientcache.NewClientKey("s3", clientcache.Params{"config": map[string]any{"n": uint64(1) << 60}})
	var ce *clientcache.Error
	if !errors.As(err, &ce) || ce.Status != clientcache.StatusInvalidArgument || !strings.Contains(err.Error(), "config.n") {
		t.Errorf("integer beyond 2^53-1: %v", err)
	}
	deep := any("leaf")
	for range 80 {
		deep = []any{deep}
	}
	_, err = clientcache.NewClientKey("s3", clientcache.Params{"config": map[string]any{"d": deep}})
	if !errors.As(err, &ce) || ce.Status != clientcache.StatusInvalidArgument {
		t.Errorf("80 levels: %v (want the core's depth error)", err)
	}
}
