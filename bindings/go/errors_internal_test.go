package clientcache

import (
	"errors"
	"testing"
)

// Every status maps to its sentinel, whatever the core returns it for
// (KIND_MISMATCH from get, peek and remove included).
func TestStatusSentinels(t *testing.T) {
	for st, want := range map[Status]error{
		StatusNotFound: ErrNotFound, StatusExists: ErrExists, StatusInvalidArgument: ErrInvalidArgument,
		StatusKindMismatch: ErrKindMismatch, StatusFactoryFailed: ErrFactoryFailed,
		StatusNullPointer: ErrInternal, StatusPanic: ErrInternal, StatusBufferTooSmall: ErrInternal,
	} {
		err := statusError("Get", uint32ToC(st), nil, 0)
		if !errors.Is(err, want) {
			t.Errorf("%v: %v does not match %v", st, err, want)
		}
		var e *Error
		if !errors.As(err, &e) || e.Status != st || e.Op != "Get" {
			t.Errorf("%v: %#v", st, err)
		}
	}
}
