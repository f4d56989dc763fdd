//go:build !clientcache_pkgconfig

package clientcache

// By default the binding links the library built in this repository by
// `make lib` (rust/target/release/libclientcache.so), and records that folder
// as the run-time search path, so tests and programs run without
// LD_LIBRARY_PATH. Build with `-tags clientcache_pkgconfig` to use an
// installed library instead (see link_pkgconfig.go).

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -L${SRCDIR}/../../rust/target/release -lclientcache -Wl,-rpath,${SRCDIR}/../../rust/target/release
*/
import "C"
