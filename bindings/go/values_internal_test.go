package clientcache

import (
	"testing"
	"unsafe"
)

// The value table gives each live entry its own id, across chunk
// boundaries, and reuses an id only after remove.
func TestValueTable(t *testing.T) {
	const n = 3*valueChunkSize + 5
	ids := make([]valueID, n)
	ents := make([]*entry[int], n)
	seen := map[valueID]bool{}
	for i := range ids {
		ents[i] = &entry[int]{v: i}
		ids[i] = values.put(unsafe.Pointer(ents[i]))
		if ids[i] == 0 || seen[ids[i]] {
			t.Fatalf("id %d given twice or zero", ids[i])
		}
		seen[ids[i]] = true
	}
	for i, id := range ids {
		if (*entry[int])(values.get(id)).v != i {
			t.Fatalf("id %d reads the wrong entry", id)
		}
	}
	for _, id := range ids[:n/2] {
		values.remove(id)
	}
	for i, id := range ids[n/2:] {
		if (*entry[int])(values.get(id)).v != n/2+i {
			t.Fatalf("id %d changed after other ids were removed", id)
		}
	}
	again := values.put(unsafe.Pointer(&entry[int]{v: -1}))
	if !seen[again] {
		t.Errorf("a removed id is not reused (got %d)", again)
	}
	if (*entry[int])(values.get(again)).v != -1 {
		t.Error("a reused id reads the old entry")
	}
	values.remove(again)
	for _, id := range ids[n/2:] {
		values.remove(id)
	}
}
