package clientcache

// #include "shims.h"
// #include <stdlib.h>
import "C"

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"unsafe"
)

// Difference is one path at which two keys differ (see Key.Diff).
type Difference struct {
	// Path is "kind", "service_name", a top-level parameter name, or a
	// nested path in the core's format: "config.retries.mode",
	// "config.order[2]".
	Path string
	// Left and Right are the JSON texts of the value at Path in the
	// receiver and in the other key ("us-west-2" is `"us-west-2"`), ""
	// where the path is absent on that side, and `"***"` for a secret
	// parameter (whose clear text no key holds).
	Left, Right string
}

// String is "path: left -> right", with "(absent)" for a missing side.
func (d Difference) String() string {
	side := func(s string) string {
		if s == "" {
			return "(absent)"
		}
		return s
	}
	return d.Path + ": " + side(d.Left) + " -> " + side(d.Right)
}

// Diff explains why two keys are not Equal: one Difference per path at
// which they differ, in the core's order. Equal keys give an empty,
// non-nil slice. Secrets appear only as `"***"`: two keys whose secrets
// differ show that parameter as `"***" -> "***"`.
//
// A nil key is ErrInvalidArgument, a closed one ErrClosed. With a
// libclientcache that predates clientcache_key_diff the error matches
// ErrInternal.
func (k *Key) Diff(other *Key) ([]Difference, error) {
	a, err := keyPtr("Diff", k)
	if err != nil {
		return nil, err
	}
	b, err := keyPtr("Diff", other)
	if err != nil {
		return nil, err
	}
	r := C.cc_key_diff(a, b)
	runtime.KeepAlive(k)
	runtime.KeepAlive(other)
	if r.status == C.CC_STATUS_NO_DIFF {
		return nil, goError("Diff", ErrInternal, "the linked libclientcache has no clientcache_key_diff (it predates it): rebuild it", nil)
	}
	if r.status != C.CLIENTCACHE_STATUS_OK {
		return nil, statusError("Diff", r.status, r.text, r.text_len)
	}
	text := C.GoBytes(unsafe.Pointer(r.text), C.int(r.text_len))
	C.free(unsafe.Pointer(r.text))
	return parseDiff(text)
}

// parseDiff reads clientcache_key_diff's JSON array. Values stay the
// core's JSON text, byte for byte.
func parseDiff(text []byte) ([]Difference, error) {
	var items []struct {
		Path  *string         `json:"path"`
		Left  json.RawMessage `json:"left"`
		Right json.RawMessage `json:"right"`
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&items); err != nil {
		return nil, goError("Diff", ErrInternal, "unreadable clientcache_key_diff output: "+err.Error(), err)
	}
	if items == nil {
		return nil, goError("Diff", ErrInternal, "clientcache_key_diff output is not an array", nil)
	}
	out := make([]Difference, len(items))
	for i, it := range items {
		if it.Path == nil {
			return nil, goError("Diff", ErrInternal, fmt.Sprintf("clientcache_key_diff entry %d has no path", i), nil)
		}
		out[i] = Difference{Path: *it.Path, Left: string(it.Left), Right: string(it.Right)}
	}
	return out, nil
}
