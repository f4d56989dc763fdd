package clientcache

// LiveValues is the number of values of c's state handed to the core and
// not yet released (a test hook).
func LiveValues[V any](c *Cache[V]) int64 { return c.st.live.Load() }
