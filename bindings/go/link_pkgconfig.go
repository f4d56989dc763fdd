//go:build !clientcache_inrepo && !clientcache_static

package clientcache

// By default the binding compiles and links against an installed
// libclientcache found through pkg-config (`make install PREFIX=/dir`
// writes /dir/lib/pkgconfig/clientcache.pc), e.g.
//
//	PKG_CONFIG_PATH=/dir/lib/pkgconfig go build ./...
//
// The library must then also be on the loader's path at run time: a
// system folder (ldconfig), LD_LIBRARY_PATH, or an rpath the program's
// build adds (CGO_LDFLAGS=-Wl,-rpath,/dir/lib). Nothing here records a
// path into the source tree. The tag clientcache_pkgconfig, which selected
// this before it became the default, is still accepted and changes nothing.
// Other tags: clientcache_static (link_static.go), clientcache_inrepo
// (link_inrepo.go).

/*
#cgo pkg-config: clientcache
*/
import "C"
