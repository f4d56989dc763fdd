//go:build clientcache_static

package clientcache

// With `-tags clientcache_static` the binding links the installed static
// library, libclientcache.a, into the program, with the system libraries
// it needs (the Libs.private of clientcache.pc): the program then needs no
// libclientcache.so at run time.
//
//	PKG_CONFIG_PATH=/dir/lib/pkgconfig go build -tags clientcache_static ./...
//
// -Bstatic makes the linker take libclientcache.a for the first
// -lclientcache; --as-needed keeps the shared library that pkg-config's
// own -lclientcache would name out of the program's dependencies (every
// symbol is resolved by then).

/*
#cgo pkg-config: --static clientcache
#cgo LDFLAGS: -Wl,-Bstatic -lclientcache -Wl,-Bdynamic -Wl,--as-needed
*/
import "C"
