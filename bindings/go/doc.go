// Package clientcache is the Go binding of clientcache: a bounded,
// concurrency-safe cache for AWS SDK clients with deterministic identity and
// LRU / LFU eviction. Identity (canonical key, fingerprint, label),
// eviction, the stored values and statistics live in the Rust core
// (libclientcache, C ABI in include/clientcache.h); this package is a thin
// cgo layer that translates types and errors, holds Go values, and lets
// GetOrCreate's callers wait for a build as parked goroutines.
//
// # Keys
//
// NewClientKey / NewResourceKey take a service name and Params in the
// vocabulary of boto3's Session.client (region_name, endpoint_url,
// aws_access_key_id, ..., config); NewClientKeyJSON / NewResourceKeyJSON
// take the parameters as raw JSON. The same parameters give the same
// Fingerprint in Go, Rust, C, Node and Python (the rules are in
// docs/identity.md). Params are encoded exactly or refused: invalid UTF-8,
// []byte, NaN, pointers and other values without an exact JSON form are
// ErrInvalidArgument errors naming the parameter's path (see Params).
// Secrets are hashed when the key is built; Label, String, Diff and Params
// printed with any fmt verb show them as ***. Key.Diff lists the paths at
// which two keys differ.
//
// # Caches
//
// Cache[V] holds any Go value: NewClientCache[V](WithPolicy(LFU),
// WithMaxSize(n)). Errors match errors.Is against ErrNotFound, ErrExists,
// ErrInvalidArgument, ErrKindMismatch, ErrFactoryFailed and ErrClosed, and
// carry the core's message (*Error).
//
// # Waiting for a build
//
// GetOrCreate and GetOrCreateContext are single-flight: on a miss one
// factory runs, on a goroutine of its own, and the other callers of the key
// wait for it. They wait in Go, parked on a channel, so waiting holds no OS
// thread, and each caller of GetOrCreateContext stops waiting when its own
// context ends, without affecting the build or the other callers. The
// build's context keeps the values of the first caller's context and is
// cancelled only when every caller has left (or the cache is closed); the
// outcome lands through the core's insert, and errors are shared by every
// caller of the build. GetOrCreateContext has the details.
//
// # Values and lifetimes
//
// Go pointers never enter C. A value given to the core is held in a table
// of the binding's and crosses as its index; the core's release callback
// runs exactly once per value, when it is in no cache (copies share values)
// and no call is reading it, and then calls the WithOnRelease function. The
// index itself is freed only once no call can still be reading it
// (reclaim.go), so a Get is one cgo call and allocates nothing. Caches and
// keys own native memory: a cache's Close releases every value at once (the
// empty native cache goes with the Cache object, since hits read it without
// waiting for Close), a key's Close frees it at once; both are idempotent, a
// finalizer is only a safety net, and any use after Close fails with
// ErrClosed.
// Every method is safe for concurrent use, except Close racing with other
// uses of the same Key.
//
// # Expiry and eviction causes
//
// WithTTL gives every entry a lifetime from its insertion; SetWithTTL and
// GetOrCreateWithTTL give one entry its own (DefaultTTL, NoExpiry). An
// expired entry is never returned, expired entries are the first victims,
// PurgeExpired drops them on request and Stats.Expirations counts them.
// WithOnEvict is told once about every value that leaves, with its Cause
// (Evicted, Expired, Removed, Replaced, Cleared), on the goroutine that made
// it leave and never under the cache's lock. RemoveIf removes an entry only
// if it still holds a given value. See docs/design.md, "Expiry".
//
// # Using it from another module
//
// The module github.com/clientcache/clientcache/bindings/go needs only the
// standard library; awscache is a module of its own
// (github.com/clientcache/clientcache/bindings/go/awscache). From a
// checkout or a vendored copy, require both at
// v0.0.0-00010101000000-000000000000 and add replace directives to their
// folders (relative or absolute paths); once published, require tagged
// versions (bindings/go/vX.Y.Z, bindings/go/awscache/vX.Y.Z). README.md
// ("Using the binding from another module") has the go.mod text.
//
// # Linking
//
// By default cgo finds an installed libclientcache through pkg-config
// (`#cgo pkg-config: clientcache`; `make install PREFIX=/dir` writes the
// .pc file), and the program records no path into the source tree:
//
//	PKG_CONFIG_PATH=/dir/lib/pkgconfig go build ./...
//
// With -tags clientcache_static it links libclientcache.a with its
// Libs.private instead. Inside the repository, -tags clientcache_inrepo
// links rust/target/release/libclientcache.so of the checkout (`make lib`)
// with an rpath to it, and reads the header from include/ (mk/go.mk uses
// it for the tests, the benchmark and the demo).
//
// The package awscache builds on this one to return cached aws-sdk-go-v2
// clients in one call.
package clientcache
