package clientcache_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clientcache/clientcache/bindings/go"
)

// The cross-language identity vectors shared by every suite.
var vectorsPath = filepath.Join("..", "..", "tests", "vectors", "keys.json")

type vectorFile struct {
	CanonicalVersion int `json:"canonical_version"`
	Vectors          []struct {
		Name          string  `json:"name"`
		Kind          string  `json:"kind"`
		ServiceName   string  `json:"service_name"`
		ParamsJSON    *string `json:"params_json"`
		HostRoundtrip bool    `json:"host_roundtrip"`
		Canonical     string  `json:"canonical"`
		Fingerprint   string  `json:"fingerprint"`
		Label         string  `json:"label"`
	} `json:"vectors"`
	Errors []struct {
		Name            string  `json:"name"`
		Kind            string  `json:"kind"`
		ServiceName     string  `json:"service_name"`
		ParamsJSON      *string `json:"params_json"`
		Status          string  `json:"status"`
		MessageContains string  `json:"message_contains"`
	} `json:"errors"`
}

func loadVectors(t *testing.T) *vectorFile {
	t.Helper()
	data, err := os.ReadFile(vectorsPath)
	if err != nil {
		if os.Getenv("CLIENTCACHE_REQUIRE_VECTORS") == "1" {
			t.Fatalf("shared vectors: %v", err)
		}
		t.Skipf("shared vectors not readable (%v); set CLIENTCACHE_REQUIRE_VECTORS=1 to fail instead", err)
	}
	var vf vectorFile
	if err := json.Unmarshal(data, &vf); err != nil {
		t.Fatalf("%s: %v", vectorsPath, err)
	}
	if vf.CanonicalVersion != 1 {
		t.Fatalf("canonical_version %d, want 1", vf.CanonicalVersion)
	}
	if len(vf.Vectors) == 0 || len(vf.Errors) == 0 {
		t.Fatalf("%s has %d vectors and %d error vectors", vectorsPath, len(vf.Vectors), len(vf.Errors))
	}
	return &vf
}

func rawParams(p *string) []byte {
	if p == nil {
		return nil
	}
	return []byte(*p)
}

func keyJSON(kind, service string, params []byte) (*clientcache.Key, error) {
	if kind == "resource" {
		return clientcache.NewResourceKeyJSON(service, params)
	}
	return clientcache.NewClientKeyJSON(service, params)
}

func keyParams(kind, service string, params clientcache.Params) (*clientcache.Key, error) {
	if kind == "resource" {
		return clientcache.NewResourceKey(service, params)
	}
	return clientcache.NewClientKey(service, params)
}

func checkVectorKey(t *testing.T, k *clientcache.Key, kind, canonical, fingerprint, label string) {
	t.Helper()
	if got := k.Kind().String(); got != kind {
		t.Errorf("kind %q, want %q", got, kind)
	}
	if got := k.Canonical(); got != canonical {
		t.Errorf("canonical\n got %s\nwant %s", got, canonical)
	}
	if got := k.Fingerprint(); got != fingerprint {
		t.Errorf("fingerprint %s, want %s", got, fingerprint)
	}
	if got := k.Label(); got != label {
		t.Errorf("label\n got %s\nwant %s", got, label)
	}
	if got := k.String(); got != label {
		t.Errorf("String() %q, want the label %q", got, label)
	}
}

func TestVectors(t *testing.T) {
	vf := loadVectors(t)
	roundtrips := 0
	for _, v := range vf.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			k, err := keyJSON(v.Kind, v.ServiceName, rawParams(v.ParamsJSON))
			if err != nil {
				t.Fatalf("raw JSON constructor: %v", err)
			}
			defer k.Close()
			checkVectorKey(t, k, v.Kind, v.Canonical, v.Fingerprint, v.Label)
			if !v.HostRoundtrip {
				return
			}
			roundtrips++
			// The idiomatic constructor, from Go values decoded from the
			// vector's text (json.Number keeps every number's spelling).
			var params clientcache.Params
			if v.ParamsJSON != nil {
				dec := json.NewDecoder(bytes.NewReader([]byte(*v.ParamsJSON)))
				dec.UseNumber()
				if err := dec.Decode(&params); err != nil {
					t.Fatalf("decoding params_json for the Go constructor: %v", err)
				}
			}
			k2, err := keyParams(v.Kind, v.ServiceName, params)
			if err != nil {
				t.Fatalf("Params constructor: %v", err)
			}
			defer k2.Close()
			checkVectorKey(t, k2, v.Kind, v.Canonical, v.Fingerprint, v.Label)
			if !k.Equal(k2) {
				t.Errorf("keys from raw JSON and from Params are not Equal")
			}
		})
	}
	if roundtrips == 0 {
		t.Errorf("no vector has host_roundtrip: true; the Params constructor went unchecked")
	}
}

var sentinelByStatus = map[string]error{
	"NOT_FOUND":        clientcache.ErrNotFound,
	"EXISTS":           clientcache.ErrExists,
	"INVALID_ARGUMENT": clientcache.ErrInvalidArgument,
	"KIND_MISMATCH":    clientcache.ErrKindMismatch,
	"FACTORY_FAILED":   clientcache.ErrFactoryFailed,
}

func TestVectorErrors(t *testing.T) {
	vf := loadVectors(t)
	for _, v := range vf.Errors {
		t.Run(v.Name, func(t *testing.T) {
			k, err := keyJSON(v.Kind, v.ServiceName, rawParams(v.ParamsJSON))
			if err == nil {
				k.Close()
				t.Fatalf("want %s, got a key", v.Status)
			}
			var ce *clientcache.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T) is not a *clientcache.Error", err, err)
			}
			if got := ce.Status.String(); got != v.Status {
				t.Errorf("status %s, want %s (%v)", got, v.Status, err)
			}
			if want, ok := sentinelByStatus[v.Status]; ok && !errors.Is(err, want) {
				t.Errorf("errors.Is(%v, %v) is false", err, want)
			}
			if !strings.Contains(err.Error(), v.MessageContains) {
				t.Errorf("message %q does not contain %q", err.Error(), v.MessageContains)
			}
		})
	}
}
