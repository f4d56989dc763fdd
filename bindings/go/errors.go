package clientcache

// #include "shims.h"
// #include <stdlib.h>
import "C"

import (
	"errors"
	"unsafe"
)

// Sentinel errors. Every error returned by this package matches exactly one
// of them with errors.Is; its text is the core's message (see *Error).
var (
	// ErrNotFound: the key is not in the cache (Get, Peek, Remove), or the
	// cache is empty (PopVictim).
	ErrNotFound = errors.New("clientcache: not found")
	// ErrExists: Set on a key already present; the cache is unchanged.
	ErrExists = errors.New("clientcache: key exists")
	// ErrInvalidArgument: a bad service name, a parameter outside the
	// vocabulary, a value that cannot be canonicalized (NaN, an integer
	// beyond ±(2^53−1), an unsupported Go type), max size 0, a factory that
	// re-enters the cache for its own key, ...
	ErrInvalidArgument = errors.New("clientcache: invalid argument")
	// ErrKindMismatch: a client key used with a resource cache or the reverse.
	ErrKindMismatch = errors.New("clientcache: kind mismatch")
	// ErrFactoryFailed: the GetOrCreate factory returned an error or
	// panicked, for this caller or for the caller whose factory this one
	// waited for. The caller that ran the factory also gets the factory's
	// own error through errors.Is / errors.As.
	ErrFactoryFailed = errors.New("clientcache: factory failed")
	// ErrClosed: the cache or key was used after Close.
	ErrClosed = errors.New("clientcache: use after Close")
	// ErrInternal: a status the binding does not expect (a NULL pointer or
	// a panic inside the core). It indicates a bug in clientcache.
	ErrInternal = errors.New("clientcache: internal error")
)

// Status is a clientcache_status code of the C ABI.
type Status uint32

// The clientcache_status codes of include/clientcache.h.
const (
	StatusOK              Status = C.CLIENTCACHE_STATUS_OK
	StatusNotFound        Status = C.CLIENTCACHE_STATUS_NOT_FOUND
	StatusExists          Status = C.CLIENTCACHE_STATUS_EXISTS
	StatusInvalidArgument Status = C.CLIENTCACHE_STATUS_INVALID_ARGUMENT
	StatusKindMismatch    Status = C.CLIENTCACHE_STATUS_KIND_MISMATCH
	StatusNullPointer     Status = C.CLIENTCACHE_STATUS_NULL_POINTER
	StatusBufferTooSmall  Status = C.CLIENTCACHE_STATUS_BUFFER_TOO_SMALL
	StatusFactoryFailed   Status = C.CLIENTCACHE_STATUS_FACTORY_FAILED
	StatusPanic           Status = C.CLIENTCACHE_STATUS_PANIC
)

// String is the core's name for the status, e.g. "NOT_FOUND".
func (s Status) String() string {
	return C.GoString(C.clientcache_status_name(C.clientcache_status(s)))
}

func (s Status) sentinel() error {
	switch s {
	case StatusNotFound:
		return ErrNotFound
	case StatusExists:
		return ErrExists
	case StatusInvalidArgument:
		return ErrInvalidArgument
	case StatusKindMismatch:
		return ErrKindMismatch
	case StatusFactoryFailed:
		return ErrFactoryFailed
	default:
		return ErrInternal
	}
}

// Error is the error type of this package. Match it with errors.Is against
// the sentinels; use errors.As to read the operation and the status.
type Error struct {
	Op      string // the method that failed, e.g. "Get"
	Status  Status // the core's status (StatusOK for errors raised in Go)
	Message string // the core's message, or the binding's own

	sentinel error
	cause    error // the factory's error for GetOrCreate, a json error, ...
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.sentinel.Error()
	}
	return "clientcache: " + e.Op + ": " + msg
}

// Unwrap gives the sentinel and, when there is one, the underlying cause.
func (e *Error) Unwrap() []error {
	if e.cause != nil {
		return []error{e.sentinel, e.cause}
	}
	return []error{e.sentinel}
}

// statusError builds the error for a failing core call; it takes ownership
// of text (malloc'd by a shim) and frees it.
func statusError(op string, st C.uint32_t, text *C.char, textLen C.size_t) error {
	s := Status(st)
	e := &Error{Op: op, Status: s, sentinel: s.sentinel()}
	if text != nil {
		e.Message = C.GoStringN(text, C.int(textLen))
		C.free(unsafe.Pointer(text))
	} else {
		e.Message = s.String()
	}
	return e
}

func goError(op string, sentinel error, msg string, cause error) error {
	return &Error{Op: op, Message: msg, sentinel: sentinel, cause: cause}
}

func closedError(op string) error {
	return goError(op, ErrClosed, "use after Close", nil)
}

func freeText(text *C.char) {
	if text != nil {
		C.free(unsafe.Pointer(text))
	}
}

// uint32ToC converts a Status for statusError (a test hook: test files
// cannot use cgo).
func uint32ToC(s Status) C.uint32_t { return C.uint32_t(s) }
