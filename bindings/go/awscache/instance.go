package awscache

import (
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"unsafe"
	"weak"
)

// Objects passed as options (a credentials provider, an HTTP client) are
// identified by instance: the key records "instance:<n>", n a number this
// process gives an object the first time an option sees it.
//
// The registry maps a weak pointer to each object to its number. A weak
// pointer does not keep the object alive, and two weak pointers are equal
// only when made from the same live object, so a number is never given to
// another object, even one that later occupies a collected object's
// address. Entries whose object is gone are swept when the map has doubled
// since the last sweep, so the registry stays proportional to the objects
// alive (the objects themselves are kept alive only by their caller, the
// cached clients that hold them and the key memo entries of those clients).
//
// Pointers to zero-size values may all be equal in Go; such objects have no
// state, and they share a number.
var instances struct {
	mu      sync.Mutex
	ids     map[weak.Pointer[byte]]uint64
	next    uint64
	sweepAt int
}

// instanceOf returns the number of the object v points to, or an error
// message when v is nil or not a pointer.
func instanceOf(v any, option string) (uint64, string) {
	if v == nil {
		return 0, option + ": nil"
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer {
		return 0, fmt.Sprintf("%s: a %T is not a pointer; objects are identified by instance, so pass a pointer to it (&value) and reuse it on every call", option, v)
	}
	if rv.IsNil() {
		return 0, fmt.Sprintf("%s: nil %T", option, v)
	}
	return instanceID(rv.UnsafePointer()), ""
}

func instanceID(p unsafe.Pointer) uint64 {
	wp := weak.Make((*byte)(p))
	in := &instances
	in.mu.Lock()
	defer in.mu.Unlock()
	if id, ok := in.ids[wp]; ok {
		return id
	}
	if in.ids == nil {
		in.ids = map[weak.Pointer[byte]]uint64{}
	}
	if len(in.ids) >= in.sweepAt {
		for w := range in.ids {
			if w.Value() == nil {
				delete(in.ids, w)
			}
		}
		in.sweepAt = max(64, 2*len(in.ids))
	}
	in.next++
	in.ids[wp] = in.next
	return in.next
}

func instanceName(id uint64) string { return "instance:" + strconv.FormatUint(id, 10) }
