package clientcache

import (
	"runtime"
	"testing"
)

// A thread's hazard slots: while they are taken, a released value's id is
// neither deleted nor reused; with every slot of the thread taken, a hit
// keeps the lease for its read instead.
func TestHazardSlots(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	released := 0
	c, err := NewClientCache[int](WithMaxSize(4), WithOnRelease(func(int) { released++ }))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	key, _ := NewClientKey("s3", Params{"region_name": "r"})
	if err := c.Set(key, 42); err != nil {
		t.Fatal(err)
	}
	const slots = 6 // CC_HAZARD_SLOTS
	var held []uintptr
	for i := range slots {
		r := c.lookupRaw(key)
		if r == 0 || uintptr(r)>>62 != 0 {
			t.Fatalf("lookup %d: %#x is not a slot", i, uintptr(r))
		}
		held = append(held, uintptr(r))
	}
	kept := c.lookupRaw(key)
	if uintptr(kept)>>62 != 1 {
		t.Fatalf("with every slot taken: %#x, want a kept lease", uintptr(kept))
	}
	if v := hazardValue[int](kept); v != 42 {
		t.Fatalf("kept lease read %d", v)
	}
	// The value leaves and is released while the slots hold its id.
	id := valueID(*(*uintptr)(unsafePointer(held[0])))
	if _, err := c.Remove(key); err != nil {
		t.Fatal(err)
	}
	c.st.dom.flush()
	if released != 1 {
		t.Fatalf("released %d times", released)
	}
	if !hazardHeld(id) || values.get(id) == nil {
		t.Fatal("a released id still in a hazard slot was deleted")
	}
	for _, r := range held {
		if v := hazardValue[int](cuintptr(r)); v != 42 {
			t.Fatalf("slot read %d", v)
		}
	}
	if hazardHeld(id) {
		t.Fatal("slots not cleared")
	}
	c.st.dom.flush()
	if len(c.st.dom.held) != 0 {
		t.Fatalf("%d ids still held after the slots were cleared", len(c.st.dom.held))
	}
}
