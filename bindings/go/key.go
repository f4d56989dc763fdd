package clientcache

// #include "shims.h"
// #include <stdlib.h>
import "C"

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Kind is the kind of a key or cache: Client or Resource.
type Kind uint32

const (
	Client   Kind = C.CLIENTCACHE_KIND_CLIENT
	Resource Kind = C.CLIENTCACHE_KIND_RESOURCE
)

func (k Kind) String() string {
	switch k {
	case Client:
		return "client"
	case Resource:
		return "resource"
	}
	return "invalid"
}

// Params are a key's parameters in the vocabulary of docs/identity.md:
// region_name, api_version, use_ssl, verify, endpoint_url,
// aws_access_key_id, aws_secret_access_key, aws_session_token, profile_name
// and config (a free-form nested object).
//
// NewClientKey encodes them with its own strict encoder, which carries every
// value exactly or refuses it; it never substitutes. Accepted, at any depth:
//
//   - nil, bool, every int and uint kind, float32 and float64 (finite; a
//     float32 is carried as its exact value, float64(f), so float32(0.1) is
//     0.10000000149011612: use float64 for decimal constants);
//   - strings (and string kinds) that are valid UTF-8;
//   - maps with string keys (map[string]any, Params, ...), keys valid UTF-8;
//     slices and arrays of accepted values; a nil map or slice is null;
//   - json.Number (a JSON number literal, spelled as given);
//   - a value whose type implements json.Marshaler (json.RawMessage among
//     them), carried as the text it returns once checked to be one valid
//     JSON value in valid UTF-8, or encoding.TextMarshaler, as a string;
//   - structs, by their json tags (name, "-", omitempty, omitzero, string);
//     an embedded struct without a json name is refused, not flattened.
//
// Refused with an error matching ErrInvalidArgument that names the value's
// path in the core's format ("config.retries.mode", "config.order[2]"):
// invalid UTF-8 in a string or member name, []byte (encoding/json would
// write base64), NaN and ±Inf, pointers (pass the value), channels,
// functions, complex numbers, maps with non-string keys. Identity rules —
// the vocabulary, each parameter's type, the integer range ±(2^53−1),
// nesting depth, duplicate member names — are the core's, for every
// language alike, and its errors match ErrInvalidArgument too.
//
// Printing Params with fmt (any verb) shows the three secret parameters as
// ***.
type Params map[string]any

// Key identifies a cached value: (kind, service name, parameters). Keys are
// immutable and safe for concurrent use. Secrets are hashed by the core when
// the key is built; no method of Key ever returns their clear text.
//
// A Key holds native memory. It is freed when the Key becomes unreachable;
// Close frees it at once.
type Key struct {
	ptr     *C.clientcache_key
	closed  atomic.Bool
	canon   atomic.Pointer[string] // the canonical form, once asked for
	cleanup runtime.Cleanup
}

// NewClientKey builds the key of a client, e.g.
// NewClientKey("s3", Params{"region_name": "us-west-2"}). nil or empty
// params are the same key as no params.
func NewClientKey(service string, params Params) (*Key, error) {
	return newKeyFromParams("NewClientKey", Client, service, params)
}

// NewResourceKey builds the key of a resource (boto3's session.resource).
func NewResourceKey(service string, params Params) (*Key, error) {
	return newKeyFromParams("NewResourceKey", Resource, service, params)
}

// NewClientKeyJSON builds a client key from the raw JSON text of the
// parameters, handed to the core byte for byte (nil or empty = no params):
// the core checks that it is valid UTF-8 and valid JSON.
func NewClientKeyJSON(service string, paramsJSON []byte) (*Key, error) {
	return newKey("NewClientKeyJSON", Client, service, paramsJSON)
}

// NewResourceKeyJSON is NewClientKeyJSON for a resource key.
func NewResourceKeyJSON(service string, paramsJSON []byte) (*Key, error) {
	return newKey("NewResourceKeyJSON", Resource, service, paramsJSON)
}

func newKeyFromParams(op string, kind Kind, service string, params Params) (*Key, error) {
	text, err := encodeParams(params)
	if err != nil {
		return nil, goError(op, ErrInvalidArgument, err.Error(), nil)
	}
	return newKey(op, kind, service, text)
}

func newKey(op string, kind Kind, service string, paramsJSON []byte) (*Key, error) {
	var js *C.char
	if len(paramsJSON) > 0 {
		js = (*C.char)(unsafe.Pointer(&paramsJSON[0]))
	}
	r := C.cc_key_new(C.uint32_t(kind),
		(*C.char)(unsafe.Pointer(unsafe.StringData(service))), C.size_t(len(service)),
		js, C.size_t(len(paramsJSON)))
	runtime.KeepAlive(service)
	runtime.KeepAlive(paramsJSON)
	if r.status != C.CLIENTCACHE_STATUS_OK {
		return nil, statusError(op, r.status, r.text, r.text_len)
	}
	return wrapKey((*C.clientcache_key)(r.ptr)), nil
}

// wrapKey takes ownership of an owned key handle.
func wrapKey(p *C.clientcache_key) *Key {
	k := &Key{ptr: p}
	k.cleanup = runtime.AddCleanup(k, func(p *C.clientcache_key) { C.clientcache_key_free(p) }, p)
	return k
}

// raw returns the handle or nil when k is nil or closed.
func (k *Key) raw() *C.clientcache_key {
	if k == nil || k.closed.Load() {
		return nil
	}
	return k.ptr
}

// Close frees the key's native memory now. It is idempotent. A closed key
// fails every use with ErrClosed (or returns the zero value where a method
// has no error result). Caches keep their own reference: closing a key does
// not remove its entry.
//
// Close must not race with other uses of the same Key.
func (k *Key) Close() error {
	if k == nil || k.closed.Swap(true) {
		return nil
	}
	k.cleanup.Stop()
	C.clientcache_key_free(k.ptr)
	k.ptr = nil
	return nil
}

// Kind is Client or Resource.
func (k *Key) Kind() Kind {
	p := k.raw()
	if p == nil {
		return Kind(^uint32(0))
	}
	kind := Kind(C.clientcache_key_kind(p))
	runtime.KeepAlive(k)
	return kind
}

// Fingerprint is the first 16 bytes of SHA-256 of the canonical form, as 32
// lowercase hex characters: stable across processes, machines and languages.
// It is "" for a closed key.
func (k *Key) Fingerprint() string {
	p := k.raw()
	if p == nil {
		return ""
	}
	r := C.cc_key_fingerprint(p)
	runtime.KeepAlive(k)
	if r.status != C.CLIENTCACHE_STATUS_OK {
		return ""
	}
	return C.GoStringN(&r.hex[0], 32)
}

// Label is the key for humans and logs, e.g.
// `s3(aws_secret_access_key=***, region_name="us-west-2")`; secrets are ***.
// It is "" for a closed key.
func (k *Key) Label() string {
	s, _ := k.text(C.CC_TEXT_LABEL)
	return s
}

// Canonical is the canonical form (RFC 8785 JSON) that defines equality.
// Secrets appear only as "sha256:<hex>". It is "" for a closed key.
func (k *Key) Canonical() string {
	s, _ := k.text(C.CC_TEXT_CANONICAL)
	return s
}

// identity is the canonical form, read from the core once per Key: what
// GetOrCreate's table of builds in progress is keyed by (flight.go).
func (k *Key) identity() (string, bool) {
	if p := k.canon.Load(); p != nil {
		return *p, true
	}
	s, ok := k.text(C.CC_TEXT_CANONICAL)
	if !ok {
		return "", false
	}
	k.canon.Store(&s)
	return s, true
}

func (k *Key) text(which C.int) (string, bool) {
	p := k.raw()
	if p == nil {
		return "", false
	}
	r := C.cc_key_text(p, which)
	runtime.KeepAlive(k)
	if r.status != C.CLIENTCACHE_STATUS_OK {
		freeText(r.text)
		return "", false
	}
	s := C.GoStringN(r.text, C.int(r.text_len))
	C.free(unsafe.Pointer(r.text))
	return s, true
}

// Equal reports whether both keys have the same canonical form. A nil or
// closed key equals nothing.
func (k *Key) Equal(other *Key) bool {
	a, b := k.raw(), other.raw()
	if a == nil || b == nil {
		return false
	}
	eq := C.clientcache_key_equal(a, b)
	runtime.KeepAlive(k)
	runtime.KeepAlive(other)
	return bool(eq)
}

// String is the label (never a secret), or "<closed key>".
func (k *Key) String() string {
	if k.raw() == nil {
		return "<closed key>"
	}
	return k.Label()
}
