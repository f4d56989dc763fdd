//! Reading a value into a slot of the caller's instead of a lease, for
//! bindings that keep released values readable by their own means: the Go
//! binding publishes each value it reads in a per-thread hazard slot and
//! forgets a released value only once no slot holds it
//! (bindings/go/reclaim.go). One call instead of three (get, lease value,
//! lease free) on the path of every hit.

use std::sync::atomic::{AtomicPtr, Ordering};

use libc::c_void;

use crate::boundary::*;
use crate::cache::clientcache_cache;
use crate::key::clientcache_key;
use crate::status::*;

/// Like `clientcache_cache_get` (`promote` true: promotes and counts a hit
/// or a miss) or `clientcache_cache_peek` (`promote` false), but instead of
/// handing out a lease it stores the value pointer into `*slot`, an atomic
/// pointer written with release ordering, while the cache's reference to
/// the value still holds it. The value's release (its release callback)
/// therefore comes after the store, on whichever thread: a binding whose
/// release callback looks at such slots before forgetting a value may read
/// the value from the slot afterwards. Nothing else keeps the value alive
/// for the caller. On failure `*slot` is left as it was (`NOT_FOUND` on a
/// miss, `KIND_MISMATCH` for a key of the other kind).
///
/// # Safety
/// `c` and `k` are NULL or live handles; `slot` is NULL or a pointer-sized,
/// pointer-aligned word that is only accessed atomically while in use.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_get_into(
    c: *mut clientcache_cache,
    k: *const clientcache_key,
    promote: bool,
    slot: *mut *mut c_void,
) -> clientcache_status {
    status_call("clientcache_cache_get_into", || {
        if slot.is_null() {
            return Err(Failure::null("slot"));
        }
        // SAFETY: forwarded from the caller's contract.
        let (handle, key) = unsafe { (try_ref(c, "c")?, try_ref(k, "k")?) };
        let value = if promote {
            handle.cache.get(key)?
        } else {
            handle.cache.peek(key)?
        };
        // SAFETY: non-NULL, aligned and only accessed atomically, per the
        // contract.
        unsafe { AtomicPtr::from_ptr(slot) }.store(value.ptr, Ordering::Release);
        // The reference that `get` took ends here: if the value left the
        // cache meanwhile, it is released now, after the store.
        drop(value);
        Ok(())
    })
}
