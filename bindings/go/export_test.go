package clientcache

// LiveValues is the number of values of c's state handed to the core and
// not yet released (a test hook).
func LiveValues[V any](c *Cache[V]) int64 { return c.st.live.Load() }

// PendingHandles is the number of released handles of c's values waiting
// for their grace period (a test hook).
func PendingHandles[V any](c *Cache[V]) int {
	d := &c.st.dom
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.limbo[0]) + len(d.limbo[1])
}
