module github.com/clientcache/clientcache/bindings/go

go 1.24
