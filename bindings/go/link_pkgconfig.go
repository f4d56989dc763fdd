//go:build clientcache_pkgconfig

package clientcache

// With `-tags clientcache_pkgconfig` the binding compiles and links against
// an installed libclientcache found through pkg-config (`make install
// PREFIX=/dir` writes lib/pkgconfig/clientcache.pc), e.g.
//
//	PKG_CONFIG_PATH=/dir/lib/pkgconfig go build -tags clientcache_pkgconfig ./...
//
// The library must then also be on the loader's path at run time
// (LD_LIBRARY_PATH, an rpath, or a system folder).

/*
#cgo pkg-config: clientcache
*/
import "C"
