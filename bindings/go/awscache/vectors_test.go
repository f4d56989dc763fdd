package awscache_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/clientcache/clientcache/bindings/go/awscache"
)

// The cross-language high-level vectors (docs/identity.md, "SDK options").
type highLevelFile struct {
	CanonicalVersion int `json:"canonical_version"`
	Cases            []struct {
		Name        string `json:"name"`
		ServiceName string `json:"service_name"`
		Go          *struct {
			Session [][]any `json:"session"`
			Options [][]any `json:"options"`
		} `json:"go"`
		Canonical   string `json:"canonical"`
		Fingerprint string `json:"fingerprint"`
		Label       string `json:"label"`
	} `json:"cases"`
	MustDiffer [][2]string `json:"must_differ"`
}

// repoFile finds rel (a path from the repository root) by walking up from
// the package folder, so the test does not depend on where it runs from.
func repoFile(t *testing.T, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			if os.Getenv("CLIENTCACHE_REQUIRE_VECTORS") == "1" {
				t.Fatalf("%s not found above the package folder", rel)
			}
			t.Skipf("%s not found above the package folder; set CLIENTCACHE_REQUIRE_VECTORS=1 to fail instead", rel)
		}
		dir = parent
	}
}

func str(op []any, i int) string {
	if s, ok := op[i].(string); ok {
		return s
	}
	panic(fmt.Sprintf("%v: argument %d is not a string", op, i))
}

func num(op []any, i int) int64 {
	if f, ok := op[i].(float64); ok && f == float64(int64(f)) {
		return int64(f)
	}
	panic(fmt.Sprintf("%v: argument %d is not an integer", op, i))
}

func boolean(op []any, i int) bool {
	if b, ok := op[i].(bool); ok {
		return b
	}
	panic(fmt.Sprintf("%v: argument %d is not a bool", op, i))
}

// option turns one vector op, [name, args...], into the awscache option.
func option(op []any) (o awscache.Option, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	name, _ := op[0].(string)
	want := map[string]int{
		"WithRegion": 1, "WithEndpoint": 1, "WithStaticCredentials": 3, "WithProfile": 1,
		"WithRetryMaxAttempts": 1, "WithRetryMode": 1, "WithRetries": 2, "WithConnectTimeoutMs": 1,
		"WithReadTimeoutMs": 1, "WithPathStyle": 0, "WithFIPS": 1, "WithDualStack": 1, "WithAppID": 1,
	}
	n, known := want[name]
	if !known {
		return awscache.Option{}, fmt.Errorf("unknown option %q", name)
	}
	if len(op) != n+1 {
		return awscache.Option{}, fmt.Errorf("%s takes %d arguments, got %v", name, n, op[1:])
	}
	switch name {
	case "WithRegion":
		return awscache.WithRegion(str(op, 1)), nil
	case "WithEndpoint":
		return awscache.WithEndpoint(str(op, 1)), nil
	case "WithStaticCredentials":
		return awscache.WithStaticCredentials(str(op, 1), str(op, 2), str(op, 3)), nil
	case "WithProfile":
		return awscache.WithProfile(str(op, 1)), nil
	case "WithRetryMaxAttempts":
		return awscache.WithRetryMaxAttempts(int(num(op, 1))), nil
	case "WithRetryMode":
		return awscache.WithRetryMode(aws.RetryMode(str(op, 1))), nil
	case "WithRetries":
		return awscache.WithRetries(aws.RetryMode(str(op, 1)), int(num(op, 2))), nil
	case "WithConnectTimeoutMs":
		return awscache.WithConnectTimeout(time.Duration(num(op, 1)) * time.Millisecond), nil
	case "WithReadTimeoutMs":
		return awscache.WithReadTimeout(time.Duration(num(op, 1)) * time.Millisecond), nil
	case "WithPathStyle":
		return awscache.WithPathStyle(), nil
	case "WithFIPS":
		return awscache.WithFIPS(boolean(op, 1)), nil
	case "WithDualStack":
		return awscache.WithDualStack(boolean(op, 1)), nil
	default: // WithAppID
		return awscache.WithAppID(str(op, 1)), nil
	}
}

func options(t *testing.T, ops [][]any) []awscache.Option {
	t.Helper()
	var out []awscache.Option
	for _, op := range ops {
		o, err := option(op)
		if err != nil {
			t.Fatalf("op %v: %v", op, err)
		}
		out = append(out, o)
	}
	return out
}

// Every case with a Go spelling gives the file's key: session ops as
// NewSession defaults, options as the call's, the key computed as Client
// computes it (no client is built).
func TestHighLevelVectors(t *testing.T) {
	path := repoFile(t, filepath.Join("tests", "vectors", "high-level.json"))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var hl highLevelFile
	if err := json.Unmarshal(data, &hl); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if hl.CanonicalVersion != 1 || len(hl.Cases) == 0 {
		t.Fatalf("%s: version %d, %d cases", path, hl.CanonicalVersion, len(hl.Cases))
	}
	fingerprints := map[string]string{}
	checked := 0
	for _, c := range hl.Cases {
		if c.Go == nil {
			continue
		}
		checked++
		t.Run(c.Name, func(t *testing.T) {
			sess := newSession(t, awscache.WithDefaults(options(t, c.Go.Session)...))
			k, err := sess.Key(c.ServiceName, options(t, c.Go.Options)...)
			if err != nil {
				t.Fatal(err)
			}
			if got := k.Canonical(); got != c.Canonical {
				t.Errorf("canonical\n got %s\nwant %s", got, c.Canonical)
			}
			if got := k.Fingerprint(); got != c.Fingerprint {
				t.Errorf("fingerprint %s, want %s", got, c.Fingerprint)
			}
			if got := k.Label(); got != c.Label {
				t.Errorf("label\n got %s\nwant %s", got, c.Label)
			}
			fingerprints[c.Name] = k.Fingerprint()
		})
	}
	if checked == 0 {
		t.Fatal("no case has a Go spelling")
	}
	t.Logf("%d of %d cases have a Go spelling", checked, len(hl.Cases))
	for _, pair := range hl.MustDiffer {
		a, okA := fingerprints[pair[0]]
		b, okB := fingerprints[pair[1]]
		if !okA || !okB {
			continue // a case without a Go spelling
		}
		if a == b {
			t.Errorf("%q and %q must give different keys, both give %s", pair[0], pair[1], a)
		}
	}
}
