//! `clientcache_cache`, `clientcache_lease` and `clientcache_snapshot`.

use std::sync::Arc;

use clientcache_core::{Cache, Key};
use libc::c_void;

use crate::boundary::*;
use crate::key::clientcache_key;
use crate::status::*;

/// Called exactly once per cached value, when it is in no cache and held by
/// no lease: `release(value, release_ctx)`. Runs on the thread that dropped
/// the last reference, never while a cache lock is held.
pub type clientcache_release_fn =
    Option<unsafe extern "C" fn(value: *mut c_void, ctx: *mut c_void)>;

/// Builds the value for a key on a miss of
/// `clientcache_cache_get_or_insert_with`. Return 0 and set `*out_value`
/// (non-NULL) on success; any other return is `FACTORY_FAILED` for the
/// caller and every waiter of that key. `key` is borrowed for the call.
pub type clientcache_factory_fn = Option<
    unsafe extern "C" fn(
        key: *const clientcache_key,
        ctx: *mut c_void,
        out_value: *mut *mut c_void,
    ) -> i32,
>;

/// Counters and sizes of a cache (see `clientcache_cache_stats`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct clientcache_stats {
    /// Lookups (`get`, `get_or_insert_with`) that found the key.
    pub hits: u64,
    /// Lookups that did not.
    pub misses: u64,
    /// Successful inserts, including values built by a factory.
    pub insertions: u64,
    /// Entries evicted for capacity (on insert or shrink).
    pub evictions: u64,
    /// Entries taken out by `remove` or `pop_victim`.
    pub removals: u64,
    /// Current number of entries.
    pub len: u64,
    /// Current capacity.
    pub max_size: u64,
}

/// How a value is released: the cache's callback and context.
#[derive(Clone, Copy)]
pub(crate) struct Releaser {
    pub(crate) release: clientcache_release_fn,
    pub(crate) ctx: *mut c_void,
}

// SAFETY: the C contract requires `release` and `release_ctx` to be usable
// from any thread (values are released on whichever thread drops the last
// reference).
unsafe impl Send for Releaser {}
// SAFETY: as above; the pair is never mutated.
unsafe impl Sync for Releaser {}

/// A value owned by C, released exactly once when the last `Arc` drops.
pub(crate) struct ForeignValue {
    pub(crate) ptr: *mut c_void,
    pub(crate) releaser: Releaser,
}

// SAFETY: the cache never dereferences `ptr`; it only hands it back to C and
// to `release`, which the contract allows on any thread.
unsafe impl Send for ForeignValue {}
// SAFETY: as above.
unsafe impl Sync for ForeignValue {}

impl Drop for ForeignValue {
    fn drop(&mut self) {
        if let Some(release) = self.releaser.release {
            // SAFETY: the caller-supplied callback, called once per value.
            unsafe { release(self.ptr, self.releaser.ctx) };
        }
    }
}

pub(crate) type SharedValue = Arc<ForeignValue>;

pub(crate) struct CacheHandle {
    pub(crate) cache: Cache<SharedValue>,
    pub(crate) releaser: Releaser,
}

/// A bounded, thread-safe cache of `void *` values by key. Create with
/// `clientcache_cache_new`, free with `clientcache_cache_free`.
pub struct clientcache_cache {
    _private: [u8; 0],
}

impl Castable for clientcache_cache {
    type Rust = CacheHandle;
}

/// Keeps one cached value alive while C reads it, even if another thread
/// evicts it meanwhile. Read with `clientcache_lease_value`, free with
/// `clientcache_lease_free`.
pub struct clientcache_lease {
    _private: [u8; 0],
}

impl ArcCastable for clientcache_lease {
    type Rust = ForeignValue;
}

/// The keys of a cache at one moment, in victim order (the next victim
/// first). Free with `clientcache_snapshot_free`.
pub struct clientcache_snapshot {
    _private: [u8; 0],
}

impl Castable for clientcache_snapshot {
    type Rust = Vec<Key>;
}

/// Creates a cache for keys of `kind`, with eviction `policy` and capacity
/// `max_size` (at least 1). `release` (may be NULL: the cache then owns
/// nothing) is called as `release(value, release_ctx)` exactly once per
/// inserted value. On failure `*out` is set to NULL (`INVALID_ARGUMENT` for
/// a bad kind, policy or `max_size` 0).
///
/// # Safety
/// `out` is NULL or writable; `release` and `release_ctx` must be usable
/// from any thread for the cache's lifetime and beyond (leases and copies).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_new(
    kind: clientcache_kind,
    policy: clientcache_policy,
    max_size: usize,
    release: clientcache_release_fn,
    release_ctx: *mut c_void,
    out: *mut *mut clientcache_cache,
) -> clientcache_status {
    status_call("clientcache_cache_new", || {
        // SAFETY: forwarded from the caller's contract.
        let out = unsafe { Out::new(out, "out") }?;
        let cache = Cache::new(kind_from_c(kind)?, policy_from_c(policy)?, max_size)?;
        out.set(CacheHandle {
            cache,
            releaser: Releaser {
                release,
                ctx: release_ctx,
            },
        });
        Ok(())
    })
}

/// Frees a cache; values not held by a lease or another cache (a copy) are
/// released now. NULL is a no-op. Must not race with other use of `cache`.
///
/// # Safety
/// `cache` is NULL or a live cache not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_free(cache: *mut clientcache_cache) {
    value_call("clientcache_cache_free", (), || {
        // SAFETY: forwarded from the caller's contract.
        unsafe { free_handle(cache) };
        Ok(())
    })
}

/// Inserts `value` under `key` as the most recent entry, evicting victims to
/// stay within `max_size`. On success the cache owns one reference to
/// `value`. `EXISTS` when the key is present, `KIND_MISMATCH` when the key's
/// kind differs from the cache's; on any failure the value stays the
/// caller's (never released by the cache). `value` must not be NULL.
///
/// # Safety
/// `c` and `k` are NULL or live handles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_insert(
    c: *mut clientcache_cache,
    k: *const clientcache_key,
    value: *mut c_void,
) -> clientcache_status {
    status_call("clientcache_cache_insert", || {
        // SAFETY: forwarded from the caller's contract.
        let (handle, key) = unsafe { (try_ref(c, "c")?, try_ref(k, "k")?) };
        insert_value(handle, key, value, None)
    })
}

/// Inserts a C value (with its own lifetime, or the cache's when `ttl` is
/// `None`); on failure the value stays the caller's, never released here.
pub(crate) fn insert_value(
    handle: &CacheHandle,
    key: &Key,
    value: *mut c_void,
    ttl: Option<std::time::Duration>,
) -> FfiResult<()> {
    if value.is_null() {
        return Err(Failure::null("value"));
    }
    let value = Arc::new(ForeignValue {
        ptr: value,
        releaser: handle.releaser,
    });
    let inserted = match ttl {
        Some(ttl) => handle.cache.insert_with_ttl(key.clone(), value, ttl),
        None => handle.cache.insert(key.clone(), value),
    };
    inserted.map_err(|rejected| {
        // The value goes back to the caller: disarm its release.
        let mut value = rejected.value;
        if let Some(foreign) = Arc::get_mut(&mut value) {
            foreign.releaser.release = None;
        }
        Failure::from(rejected.error)
    })
}

/// Looks `key` up and promotes it (LRU: most recent; LFU: one more use).
/// On a hit `*out` receives a lease on the value; on a miss `NOT_FOUND` and
/// `*out` is NULL.
///
/// # Safety
/// `c` and `k` are NULL or live handles; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_get(
    c: *mut clientcache_cache,
    k: *const clientcache_key,
    out: *mut *mut clientcache_lease,
) -> clientcache_status {
    status_call("clientcache_cache_get", || {
        // SAFETY: forwarded from the caller's contract.
        // Out-pointers first: they are NULL on every failure that follows.
        let (out, handle, key) =
            unsafe { (Out::new(out, "out")?, try_ref(c, "c")?, try_ref(k, "k")?) };
        out.set_arc(handle.cache.get(key)?);
        Ok(())
    })
}

/// Like `clientcache_cache_get` without promotion or counting a lookup.
///
/// # Safety
/// As for `clientcache_cache_get`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_peek(
    c: *mut clientcache_cache,
    k: *const clientcache_key,
    out: *mut *mut clientcache_lease,
) -> clientcache_status {
    status_call("clientcache_cache_peek", || {
        // SAFETY: forwarded from the caller's contract.
        // Out-pointers first: they are NULL on every failure that follows.
        let (out, handle, key) =
            unsafe { (Out::new(out, "out")?, try_ref(c, "c")?, try_ref(k, "k")?) };
        let value = handle.cache.peek(key)?;
        out.set_arc(value);
        Ok(())
    })
}

/// True when `key` is present (no promotion). False when either handle is
/// NULL.
///
/// # Safety
/// `c` and `k` are NULL or live handles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_contains(
    c: *mut clientcache_cache,
    k: *const clientcache_key,
) -> bool {
    value_call("clientcache_cache_contains", false, || {
        // SAFETY: forwarded from the caller's contract.
        let (handle, key) = unsafe { (try_ref(c, "c")?, try_ref(k, "k")?) };
        Ok(handle.cache.contains(key))
    })
}

/// Takes `key` out of the cache. With `out` non-NULL, `*out` receives a
/// lease on the removed value; with `out` NULL the value is released (once
/// no other lease or copy holds it). `NOT_FOUND` on a miss.
///
/// # Safety
/// `c` and `k` are NULL or live handles; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_remove(
    c: *mut clientcache_cache,
    k: *const clientcache_key,
    out: *mut *mut clientcache_lease,
) -> clientcache_status {
    status_call("clientcache_cache_remove", || {
        // SAFETY: forwarded from the caller's contract.
        // Out-pointers first: they are NULL on every failure that follows.
        let (out, handle, key) =
            unsafe { (Out::optional(out), try_ref(c, "c")?, try_ref(k, "k")?) };
        let value = handle.cache.remove(key)?;
        if let Some(out) = out {
            out.set_arc(value);
        }
        Ok(())
    })
}

/// Removes `key`'s entry only if its value is still `expected` (the pointer
/// a `get`/`peek` lease returned): a compare-and-remove, atomic under the
/// cache's lock, e.g. to drop a client only if the cache holds that very
/// client and not a newer one built meanwhile. `*out_removed` (may be NULL)
/// says whether it removed it; the removed value is released once no lease
/// holds it. `NOT_FOUND` when the key is absent (or expired),
/// `KIND_MISMATCH` for a key of the other kind.
///
/// # Safety
/// `c` and `k` are NULL or live handles; `out_removed` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_remove_if(
    c: *mut clientcache_cache,
    k: *const clientcache_key,
    expected: *mut c_void,
    out_removed: *mut bool,
) -> clientcache_status {
    status_call("clientcache_cache_remove_if", || {
        if !out_removed.is_null() {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { out_removed.write(false) };
        }
        // SAFETY: forwarded from the caller's contract.
        let (handle, key) = unsafe { (try_ref(c, "c")?, try_ref(k, "k")?) };
        let mut present = false;
        let removed = handle.cache.remove_if(key, |value| {
            present = true;
            value.ptr == expected
        })?;
        if !present {
            return Err(Failure::from(clientcache_core::Error::NotFound {
                key: Some(key.label().to_owned()),
            }));
        }
        if !out_removed.is_null() {
            // SAFETY: as above.
            unsafe { out_removed.write(removed.is_some()) };
        }
        Ok(())
    })
}

/// Takes out the next victim. `*out_key` receives its key and `*out_value` a
/// lease on its value; either out-pointer may be NULL (that part is then
/// released). `NOT_FOUND` when the cache is empty.
///
/// # Safety
/// `c` is NULL or a live cache; each out-pointer is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_pop_victim(
    c: *mut clientcache_cache,
    out_key: *mut *mut clientcache_key,
    out_value: *mut *mut clientcache_lease,
) -> clientcache_status {
    status_call("clientcache_cache_pop_victim", || {
        // SAFETY: forwarded from the caller's contract.
        // Out-pointers first: they are NULL on every failure that follows.
        let (out_key, out_value, handle) = unsafe {
            (
                Out::optional(out_key),
                Out::optional(out_value),
                try_ref(c, "c")?,
            )
        };
        let (key, value) = handle.cache.pop_victim()?;
        if let Some(out) = out_key {
            out.set(key);
        }
        if let Some(out) = out_value {
            out.set_arc(value);
        }
        Ok(())
    })
}

/// Returns the value for `key` in `*out` (a lease), building it on a miss
/// with `factory(key, ctx, &value)` — single-flight: exactly one caller
/// runs the factory, without the cache lock held; concurrent callers for
/// the same key wait and share its outcome (a value, or `FACTORY_FAILED`);
/// callers for other keys are not blocked. A factory that calls this
/// function on the same cache for the same key gets `INVALID_ARGUMENT`
/// rather than a deadlock. The built value is inserted (evicting as needed)
/// and later released with the cache's release callback.
///
/// # Safety
/// `c` and `k` are NULL or live handles; `out` is NULL or writable;
/// `factory` is NULL or safe to call with `ctx` on this thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_get_or_insert_with(
    c: *mut clientcache_cache,
    k: *const clientcache_key,
    factory: clientcache_factory_fn,
    ctx: *mut c_void,
    out: *mut *mut clientcache_lease,
) -> clientcache_status {
    status_call("clientcache_cache_get_or_insert_with", || {
        // SAFETY: forwarded from the caller's contract.
        // Out-pointers first: they are NULL on every failure that follows.
        let (out, handle, key) =
            unsafe { (Out::new(out, "out")?, try_ref(c, "c")?, try_ref(k, "k")?) };
        let factory = factory.ok_or_else(|| Failure::null("factory"))?;
        let releaser = handle.releaser;
        let value = handle.cache.get_or_insert_with(key, || {
            let mut built: *mut c_void = std::ptr::null_mut();
            // SAFETY: the caller's factory, called with the borrowed key.
            let code = unsafe { factory(k, ctx, &mut built) };
            match (code, built.is_null()) {
                (0, false) => Ok(Arc::new(ForeignValue {
                    ptr: built,
                    releaser,
                })),
                (0, true) => Err("factory returned 0 but no value".to_owned()),
                (code, _) => Err(format!("factory returned {code}")),
            }
        })?;
        out.set_arc(value);
        Ok(())
    })
}

/// Number of entries; 0 when `c` is NULL.
///
/// # Safety
/// `c` is NULL or a live cache.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_len(c: *mut clientcache_cache) -> usize {
    value_call("clientcache_cache_len", 0, || {
        // SAFETY: forwarded from the caller's contract.
        Ok(unsafe { try_ref(c, "c") }?.cache.len())
    })
}

/// Capacity; 0 when `c` is NULL.
///
/// # Safety
/// `c` is NULL or a live cache.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_max_size(c: *mut clientcache_cache) -> usize {
    value_call("clientcache_cache_max_size", 0, || {
        // SAFETY: forwarded from the caller's contract.
        Ok(unsafe { try_ref(c, "c") }?.cache.max_size())
    })
}

/// Changes the capacity (at least 1, else `INVALID_ARGUMENT`); shrinking
/// evicts victims until the entries fit.
///
/// # Safety
/// `c` is NULL or a live cache.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_set_max_size(
    c: *mut clientcache_cache,
    max_size: usize,
) -> clientcache_status {
    status_call("clientcache_cache_set_max_size", || {
        // SAFETY: forwarded from the caller's contract.
        let handle = unsafe { try_ref(c, "c") }?;
        Ok(handle.cache.set_max_size(max_size)?)
    })
}

/// Removes every entry, releasing values no lease or copy holds.
///
/// # Safety
/// `c` is NULL or a live cache.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_clear(c: *mut clientcache_cache) -> clientcache_status {
    status_call("clientcache_cache_clear", || {
        // SAFETY: forwarded from the caller's contract.
        unsafe { try_ref(c, "c") }?.cache.clear();
        Ok(())
    })
}

/// A shallow copy: a new cache (same kind, policy, capacity, release
/// callback and victim order) sharing the values; each value is released
/// once, after it has left every cache and lease. Counters start at zero.
///
/// # Safety
/// `c` is NULL or a live cache; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_copy(
    c: *mut clientcache_cache,
    out: *mut *mut clientcache_cache,
) -> clientcache_status {
    status_call("clientcache_cache_copy", || {
        // SAFETY: forwarded from the caller's contract.
        // Out-pointer first: it is NULL on every failure that follows.
        let (out, handle) = unsafe { (Out::new(out, "out")?, try_ref(c, "c")?) };
        out.set(CacheHandle {
            cache: handle.cache.copy(),
            releaser: handle.releaser,
        });
        Ok(())
    })
}

/// Writes the counters (hits and misses count `get` and
/// `get_or_insert_with` only) and current sizes into `*out`.
///
/// # Safety
/// `c` is NULL or a live cache; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_stats(
    c: *mut clientcache_cache,
    out: *mut clientcache_stats,
) -> clientcache_status {
    status_call("clientcache_cache_stats", || {
        // SAFETY: forwarded from the caller's contract.
        let handle = unsafe { try_ref(c, "c") }?;
        if out.is_null() {
            return Err(Failure::null("out"));
        }
        let s = handle.cache.stats();
        let stats = clientcache_stats {
            hits: s.hits,
            misses: s.misses,
            insertions: s.insertions,
            evictions: s.evictions,
            removals: s.removals,
            len: s.len,
            max_size: s.max_size,
        };
        // SAFETY: checked non-NULL; writable per the contract.
        unsafe { out.write(stats) };
        Ok(())
    })
}

/// Captures the keys in victim order (the next victim first) into a new
/// snapshot in `*out`.
///
/// # Safety
/// `c` is NULL or a live cache; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_snapshot(
    c: *mut clientcache_cache,
    out: *mut *mut clientcache_snapshot,
) -> clientcache_status {
    status_call("clientcache_cache_snapshot", || {
        // SAFETY: forwarded from the caller's contract.
        // Out-pointer first: it is NULL on every failure that follows.
        let (out, handle) = unsafe { (Out::new(out, "out")?, try_ref(c, "c")?) };
        out.set(handle.cache.keys());
        Ok(())
    })
}

/// Number of keys in a snapshot; 0 when `s` is NULL.
///
/// # Safety
/// `s` is NULL or a live snapshot.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_snapshot_len(s: *const clientcache_snapshot) -> usize {
    value_call("clientcache_snapshot_len", 0, || {
        // SAFETY: forwarded from the caller's contract.
        Ok(unsafe { try_ref(s, "s") }?.len())
    })
}

/// The `i`-th key (0 = next victim), borrowed from the snapshot: valid until
/// `clientcache_snapshot_free`; clone it to keep it. NULL when out of range
/// or `s` is NULL.
///
/// # Safety
/// `s` is NULL or a live snapshot.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_snapshot_key(
    s: *const clientcache_snapshot,
    i: usize,
) -> *const clientcache_key {
    value_call("clientcache_snapshot_key", std::ptr::null(), || {
        // SAFETY: forwarded from the caller's contract.
        let keys = unsafe { try_ref(s, "s") }?;
        let key = keys.get(i).ok_or_else(|| {
            Failure::invalid(format!(
                "snapshot index {i} out of range (len {})",
                keys.len()
            ))
        })?;
        Ok(std::ptr::from_ref(key).cast::<clientcache_key>())
    })
}

/// Frees a snapshot and the keys it borrowed out. NULL is a no-op.
///
/// # Safety
/// `s` is NULL or a live snapshot not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_snapshot_free(s: *mut clientcache_snapshot) {
    value_call("clientcache_snapshot_free", (), || {
        // SAFETY: forwarded from the caller's contract.
        unsafe { free_handle(s) };
        Ok(())
    })
}

/// The value a lease holds (valid while the lease lives); NULL when `lease`
/// is NULL.
///
/// # Safety
/// `lease` is NULL or a live lease.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_lease_value(lease: *const clientcache_lease) -> *mut c_void {
    value_call("clientcache_lease_value", std::ptr::null_mut(), || {
        // SAFETY: forwarded from the caller's contract.
        Ok(unsafe { try_arc_ref(lease, "lease") }?.ptr)
    })
}

/// Frees a lease; if it held the last reference to a value that is in no
/// cache, the value is released now, on this thread. NULL is a no-op.
///
/// # Safety
/// `lease` is NULL or a live lease not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_lease_free(lease: *mut clientcache_lease) {
    value_call("clientcache_lease_free", (), || {
        // SAFETY: forwarded from the caller's contract.
        unsafe { free_arc_handle(lease) };
        Ok(())
    })
}
