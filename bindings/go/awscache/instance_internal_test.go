package awscache

import (
	"runtime"
	"testing"
)

type obj struct{ n [4]int64 }

func registrySize() int {
	instances.mu.Lock()
	defer instances.mu.Unlock()
	return len(instances.ids)
}

// Numbers are never reused, even when a collected object's address is
// reused by a new one, and the registry forgets collected objects.
func TestInstanceNumbersAreNeverReused(t *testing.T) {
	seen := map[uint64]bool{}
	keep := &obj{}
	kept, _ := instanceOf(keep, "test")
	for round := range 50 {
		for range 100 {
			id, msg := instanceOf(&obj{}, "test")
			if msg != "" {
				t.Fatal(msg)
			}
			if seen[id] || id == kept {
				t.Fatalf("round %d: number %d given twice", round, id)
			}
			seen[id] = true
		}
		runtime.GC()
	}
	if again, _ := instanceOf(keep, "test"); again != kept {
		t.Errorf("a live object changed number: %d then %d", kept, again)
	}
	runtime.KeepAlive(keep)
	if n := registrySize(); n > 1000 {
		t.Errorf("the registry holds %d entries after 5000 objects were collected", n)
	}
}
