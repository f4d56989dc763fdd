//go:build clientcache_inrepo && !clientcache_static

package clientcache

// With `-tags clientcache_inrepo` (what `make test-go`, `make bench-go`
// and `make demo-go` use) the binding links the library built in this
// repository by `make lib` (rust/target/release/libclientcache.so) and
// records that folder as the run-time search path, so tests and programs
// run without LD_LIBRARY_PATH. Such a binary depends on the checkout: do
// not ship it. The default (link_pkgconfig.go) leaves no path into the
// source tree.

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -L${SRCDIR}/../../rust/target/release -lclientcache -Wl,-rpath,${SRCDIR}/../../rust/target/release
*/
import "C"
