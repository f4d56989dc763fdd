package clientcache_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/clientcache/clientcache/bindings/go"
)

type argData struct {
	name string
	n    int
}

func buildFromArg(_ context.Context, a argData) (string, time.Duration, error) {
	if a.n < 0 {
		return "", 0, errors.New("negative")
	}
	return a.name, clientcache.DefaultTTL, nil
}

// GetOrCreateArg: the factory gets the arg of the call that missed, the
// statistics count one hit or miss per call as GetOrCreate does, and a hit
// allocates nothing.
func TestGetOrCreateArg(t *testing.T) {
	c, err := clientcache.NewClientCache[string]()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	key, _ := clientcache.NewClientKey("s3", clientcache.Params{"region_name": "us-west-2"})
	ctx := context.Background()
	if _, err := clientcache.GetOrCreateArg(ctx, c, key, argData{n: -1}, buildFromArg); !errors.Is(err, clientcache.ErrFactoryFailed) {
		t.Fatalf("failing factory: %v", err)
	}
	v, err := clientcache.GetOrCreateArg(ctx, c, key, argData{name: "first"}, buildFromArg)
	if err != nil || v != "first" {
		t.Fatalf("miss: %q %v", v, err)
	}
	v, err = clientcache.GetOrCreateArg(ctx, c, key, argData{name: "second"}, buildFromArg)
	if err != nil || v != "first" {
		t.Fatalf("hit: %q %v", v, err)
	}
	st, _ := c.Stats()
	if st.Hits != 1 || st.Misses != 2 || st.Insertions != 1 {
		t.Errorf("stats %+v, want 1 hit, 2 misses, 1 insertion", st)
	}
	arg := argData{name: "unused"}
	if n := testing.AllocsPerRun(100, func() {
		if _, err := clientcache.GetOrCreateArg(ctx, c, key, arg, buildFromArg); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("a hit allocates %v times", n)
	}
	if _, err := clientcache.GetOrCreateArg[string, argData](ctx, c, key, arg, nil); !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Errorf("nil create: %v", err)
	}
	other, _ := clientcache.NewResourceKey("s3", nil)
	if _, err := clientcache.GetOrCreateArg(ctx, c, other, arg, buildFromArg); !errors.Is(err, clientcache.ErrKindMismatch) {
		t.Errorf("resource key: %v", err)
	}
}

// A hit of Get allocates nothing.
func TestGetHitAllocatesNothing(t *testing.T) {
	c, _ := clientcache.NewClientCache[*int]()
	defer c.Close()
	key, _ := clientcache.NewClientKey("s3", nil)
	one := 1
	_ = c.Set(key, &one)
	if n := testing.AllocsPerRun(100, func() {
		if v, err := c.Get(key); err != nil || v != &one {
			t.Fatal(v, err)
		}
	}); n != 0 {
		t.Errorf("a Get hit allocates %v times", n)
	}
}
