//! Reading a value into a slot of the caller's instead of a lease, for
//! bindings that keep released values readable by their own means: the Go
//! binding publishes each value it reads in a per-thread hazard slot and
//! forgets a released value only once no slot holds it
//! (bindings/go/reclaim.go). One call instead of three (get, lease value,
//! lease free) on the path of every hit.

use std::sync::atomic::{AtomicPtr, Ordering};

use libc::c_void;

use crate::boundary::*;
use crate::cache::{SharedValue, clientcache_cache};
use crate::key::clientcache_key;
use crate::status::*;

/// Like `clientcache_cache_get` (`promote` true: promotes and counts a hit
/// or a miss) or `clientcache_cache_peek` (`promote` false), but instead of
/// handing out a lease it stores the value pointer into `*slot`, an atomic
/// pointer written with release ordering under the cache's lock, while the
/// cache's reference to the value still holds it (no reference is taken for
/// the caller). The value's release (its release callback)
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
        // SAFETY: non-NULL, aligned and only accessed atomically, per the
        // contract.
        let slot = unsafe { AtomicPtr::from_ptr(slot) };
        // The store happens under the cache's lock, while the entry holds the
        // value: a release of the value can only come after it.
        let store = |value: &SharedValue| slot.store(value.ptr, Ordering::Release);
        let found = if promote {
            handle.cache.lookup_with(key, store)?
        } else {
            handle.cache.peek_with(key, store)?
        };
        if found.is_none() {
            return Err(clientcache_core::Error::NotFound {
                key: Some(key.label()),
            }
            .into());
        }
        Ok(())
    })
}
