package benchcases

// static void benchcases_empty(void) {}
import "C"

import "testing"

// EmptyCgoCall: a call of an empty C function, the floor under any call
// into the core through cgo (Cache.Get makes one).
func EmptyCgoCall(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		C.benchcases_empty()
	}
}
