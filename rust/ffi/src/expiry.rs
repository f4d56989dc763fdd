//! Expiry, removal causes and eviction listeners (docs/design.md, "Expiry"):
//! `clientcache_cache_new_with_options` and the functions that give entries
//! a lifetime, purge them, count them and say why each value left.

use std::sync::Arc;
use std::time::Duration;

use clientcache_core::{Cache, Clock, Key, RemovalCause};
use libc::c_void;

use crate::boundary::*;
use crate::cache::{
    CacheHandle, ForeignValue, Releaser, SharedValue, clientcache_cache, clientcache_lease,
    clientcache_release_fn, insert_value,
};
use crate::key::clientcache_key;
use crate::status::*;

/// Why a value left a cache, as the eviction listener is told (an integer;
/// see the `CLIENTCACHE_CAUSE_*` constants).
pub type clientcache_cause = u32;
/// Capacity: an insert or a shrink needed room.
pub const CLIENTCACHE_CAUSE_EVICTED: clientcache_cause = 0;
/// Its lifetime ended (the cache's TTL or the entry's own).
pub const CLIENTCACHE_CAUSE_EXPIRED: clientcache_cause = 1;
/// `clientcache_cache_remove` or `clientcache_cache_pop_victim`.
pub const CLIENTCACHE_CAUSE_REMOVED: clientcache_cause = 2;
/// A factory's value that lost to a plain insert of the same key made while
/// the factory ran (it never became resident).
pub const CLIENTCACHE_CAUSE_REPLACED: clientcache_cause = 3;
/// `clientcache_cache_clear`, or the cache being freed.
pub const CLIENTCACHE_CAUSE_CLEARED: clientcache_cause = 4;

/// An entry lifetime meaning "the cache's own time-to-live" (none if the
/// cache has none).
pub const CLIENTCACHE_TTL_DEFAULT: u64 = 0;
/// An entry lifetime meaning "never expires", even in a cache with a TTL.
pub const CLIENTCACHE_TTL_NEVER: u64 = u64::MAX;

/// Told once about every value that leaves the cache, with the cause, before
/// the value is released (`value` is valid for the call; do not release it).
/// Runs on the thread that made the value leave, never while a cache lock is
/// held, so it may call back into the cache. `key` is borrowed for the call.
pub type clientcache_listener_fn = Option<
    unsafe extern "C" fn(
        key: *const clientcache_key,
        value: *mut c_void,
        cause: clientcache_cause,
        ctx: *mut c_void,
    ),
>;

/// A monotonic clock: nanoseconds since any fixed origin, never decreasing.
pub type clientcache_clock_fn = Option<unsafe extern "C" fn(ctx: *mut c_void) -> u64>;

/// Like `clientcache_factory_fn`, and may also set `*out_ttl_ns`, the new
/// entry's lifetime in nanoseconds from now (it starts as
/// `CLIENTCACHE_TTL_DEFAULT`; `CLIENTCACHE_TTL_NEVER` for no expiry).
pub type clientcache_factory_ttl_fn = Option<
    unsafe extern "C" fn(
        key: *const clientcache_key,
        ctx: *mut c_void,
        out_value: *mut *mut c_void,
        out_ttl_ns: *mut u64,
    ) -> i32,
>;

/// Everything a cache can be created with. Set `size` to
/// `sizeof(clientcache_cache_options)`: later versions may add fields at the
/// end and will read only as many as `size` covers. Zero-initialize, then
/// set what you need.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct clientcache_cache_options {
    /// `sizeof(clientcache_cache_options)` as compiled by the caller.
    pub size: usize,
    /// `CLIENTCACHE_KIND_CLIENT` or `CLIENTCACHE_KIND_RESOURCE`.
    pub kind: clientcache_kind,
    /// `CLIENTCACHE_POLICY_LRU` or `CLIENTCACHE_POLICY_LFU`.
    pub policy: clientcache_policy,
    /// Capacity, at least 1.
    pub max_size: usize,
    /// Default lifetime of an entry from its insertion, in nanoseconds; 0
    /// for none.
    pub ttl_ns: u64,
    /// As for `clientcache_cache_new` (may be NULL).
    pub release: clientcache_release_fn,
    /// Passed to `release`.
    pub release_ctx: *mut c_void,
    /// Told why each value left (may be NULL).
    pub listener: clientcache_listener_fn,
    /// Passed to `listener`.
    pub listener_ctx: *mut c_void,
    /// The clock lifetimes are measured on (NULL: the system's coarse
    /// monotonic clock, which ticks every few milliseconds).
    pub clock: clientcache_clock_fn,
    /// Passed to `clock`.
    pub clock_ctx: *mut c_void,
}

/// Counters and sizes of a cache, including expirations (see
/// `clientcache_cache_stats_ex`). Set `size` to
/// `sizeof(clientcache_stats_ex)` before the call.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct clientcache_stats_ex {
    /// `sizeof(clientcache_stats_ex)` as compiled by the caller.
    pub size: usize,
    /// Lookups (`get`, `get_or_insert_with`) that found a live entry.
    pub hits: u64,
    /// Lookups that did not (an expired entry is not found).
    pub misses: u64,
    /// Successful inserts, including values built by a factory.
    pub insertions: u64,
    /// Entries evicted for capacity (on insert or shrink).
    pub evictions: u64,
    /// Entries taken out by `remove` or `pop_victim`.
    pub removals: u64,
    /// Entries whose lifetime ended.
    pub expirations: u64,
    /// Current number of live entries.
    pub len: u64,
    /// Current capacity.
    pub max_size: u64,
}

/// A caller-supplied callback and its context, callable from any thread.
#[derive(Clone, Copy)]
struct Callback<F> {
    f: F,
    ctx: *mut c_void,
}

// SAFETY: the C contract requires callbacks and their contexts to be usable
// from any thread for the cache's lifetime.
unsafe impl<F> Send for Callback<F> {}
// SAFETY: as above; never mutated.
unsafe impl<F> Sync for Callback<F> {}

type ClockFn = unsafe extern "C" fn(*mut c_void) -> u64;

impl Clock for Callback<ClockFn> {
    fn now_nanos(&self) -> u64 {
        // SAFETY: the caller's clock, callable from any thread.
        unsafe { (self.f)(self.ctx) }
    }
}

type ListenerFn =
    unsafe extern "C" fn(*const clientcache_key, *mut c_void, clientcache_cause, *mut c_void);

impl Callback<ListenerFn> {
    fn tell(&self, key: &Key, value: &SharedValue, cause: RemovalCause) {
        let key: *const Key = key;
        // SAFETY: the caller's listener; the key and value outlive the call.
        unsafe { (self.f)(key.cast(), value.ptr, cause_to_c(cause), self.ctx) };
    }
}

fn cause_to_c(cause: RemovalCause) -> clientcache_cause {
    match cause {
        RemovalCause::Evicted => CLIENTCACHE_CAUSE_EVICTED,
        RemovalCause::Expired => CLIENTCACHE_CAUSE_EXPIRED,
        RemovalCause::Removed => CLIENTCACHE_CAUSE_REMOVED,
        RemovalCause::Replaced => CLIENTCACHE_CAUSE_REPLACED,
        _ => CLIENTCACHE_CAUSE_CLEARED,
    }
}

/// A per-entry lifetime from C: `None` for the cache's own.
fn entry_ttl(ttl_ns: u64) -> Option<Duration> {
    match ttl_ns {
        CLIENTCACHE_TTL_DEFAULT => None,
        CLIENTCACHE_TTL_NEVER => Some(Duration::MAX),
        ns => Some(Duration::from_nanos(ns)),
    }
}

/// The name of a cause, e.g. `"EXPIRED"` (a static string); `"UNKNOWN"` for
/// a value that is not a cause.
#[unsafe(no_mangle)]
pub extern "C" fn clientcache_cause_name(cause: clientcache_cause) -> *const libc::c_char {
    let name: &'static std::ffi::CStr = match cause {
        CLIENTCACHE_CAUSE_EVICTED => c"EVICTED",
        CLIENTCACHE_CAUSE_EXPIRED => c"EXPIRED",
        CLIENTCACHE_CAUSE_REMOVED => c"REMOVED",
        CLIENTCACHE_CAUSE_REPLACED => c"REPLACED",
        CLIENTCACHE_CAUSE_CLEARED => c"CLEARED",
        _ => c"UNKNOWN",
    };
    name.as_ptr()
}

/// Creates a cache from `*options`: kind, policy, capacity, a default entry
/// lifetime, the release callback, an eviction listener and a clock. An
/// expired entry is never returned: a lookup of it is a miss (counted in
/// `expirations` as well), and it is released. Expired entries are the
/// first to go when room is needed, before any live entry. `INVALID_ARGUMENT`
/// for a `size` smaller than this version's struct, a bad kind or policy, or
/// `max_size` 0. On failure `*out` is NULL.
///
/// # Safety
/// `options` is NULL or readable for `options->size` bytes; `out` is NULL or
/// writable; the callbacks and contexts must be usable from any thread for
/// the cache's lifetime and beyond (leases and copies).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_new_with_options(
    options: *const clientcache_cache_options,
    out: *mut *mut clientcache_cache,
) -> clientcache_status {
    status_call("clientcache_cache_new_with_options", || {
        // SAFETY: forwarded from the caller's contract.
        let out = unsafe { Out::new(out, "out") }?;
        if options.is_null() {
            return Err(Failure::null("options"));
        }
        // SAFETY: non-NULL; the size field comes first in every version.
        let size = unsafe { options.cast::<usize>().read_unaligned() };
        if size < std::mem::size_of::<clientcache_cache_options>() {
            return Err(Failure::invalid(format!(
                "options->size is {size}; this library needs at least {} (set it to sizeof(clientcache_cache_options))",
                std::mem::size_of::<clientcache_cache_options>()
            )));
        }
        // SAFETY: readable for at least this version's size, checked above.
        let o = unsafe { options.read_unaligned() };
        let mut builder = Cache::<SharedValue>::builder(kind_from_c(o.kind)?)
            .policy(policy_from_c(o.policy)?)
            .max_size(o.max_size);
        if o.ttl_ns != 0 {
            builder = builder.time_to_live(Duration::from_nanos(o.ttl_ns));
        }
        if let Some(f) = o.clock {
            builder = builder.clock(Arc::new(Callback {
                f,
                ctx: o.clock_ctx,
            }));
        }
        if let Some(f) = o.listener {
            let callback = Callback {
                f,
                ctx: o.listener_ctx,
            };
            builder = builder.eviction_listener(move |key: &Key, value: &SharedValue, cause| {
                callback.tell(key, value, cause);
            });
        }
        out.set(CacheHandle {
            cache: builder.build()?,
            releaser: Releaser {
                release: o.release,
                ctx: o.release_ctx,
            },
        });
        Ok(())
    })
}

/// `clientcache_cache_insert` with the entry's own lifetime: `ttl_ns`
/// nanoseconds from now, `CLIENTCACHE_TTL_DEFAULT` for the cache's own, or
/// `CLIENTCACHE_TTL_NEVER`.
///
/// # Safety
/// As for `clientcache_cache_insert`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_insert_with_ttl(
    c: *mut clientcache_cache,
    k: *const clientcache_key,
    value: *mut c_void,
    ttl_ns: u64,
) -> clientcache_status {
    status_call("clientcache_cache_insert_with_ttl", || {
        // SAFETY: forwarded from the caller's contract.
        let (handle, key) = unsafe { (try_ref(c, "c")?, try_ref(k, "k")?) };
        insert_value(handle, key, value, entry_ttl(ttl_ns))
    })
}

/// `clientcache_cache_get_or_insert_with` whose factory may also set the new
/// entry's lifetime (`*out_ttl_ns`), e.g. until the credentials the value
/// was built from expire.
///
/// # Safety
/// As for `clientcache_cache_get_or_insert_with`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_get_or_insert_with_ttl(
    c: *mut clientcache_cache,
    k: *const clientcache_key,
    factory: clientcache_factory_ttl_fn,
    ctx: *mut c_void,
    out: *mut *mut clientcache_lease,
) -> clientcache_status {
    status_call("clientcache_cache_get_or_insert_with_ttl", || {
        // SAFETY: forwarded from the caller's contract.
        // Out-pointers first: they are NULL on every failure that follows.
        let (out, handle, key) =
            unsafe { (Out::new(out, "out")?, try_ref(c, "c")?, try_ref(k, "k")?) };
        let factory = factory.ok_or_else(|| Failure::null("factory"))?;
        let releaser = handle.releaser;
        let value = handle.cache.get_or_insert_with_ttl(key, || {
            let mut built: *mut c_void = std::ptr::null_mut();
            let mut ttl_ns = CLIENTCACHE_TTL_DEFAULT;
            // SAFETY: the caller's factory, called with the borrowed key.
            let code = unsafe { factory(k, ctx, &mut built, &mut ttl_ns) };
            match (code, built.is_null()) {
                (0, false) => Ok((
                    Arc::new(ForeignValue {
                        ptr: built,
                        releaser,
                    }),
                    entry_ttl(ttl_ns),
                )),
                (0, true) => Err("factory returned 0 but no value".to_owned()),
                (code, _) => Err(format!("factory returned {code}")),
            }
        })?;
        out.set_arc(value);
        Ok(())
    })
}

/// Drops every expired entry now (each is released, counted in
/// `expirations` and told to the listener); `*out_count` (may be NULL)
/// receives how many. Expired entries also leave whenever an operation meets
/// them; this is for doing it at a time of your choosing.
///
/// # Safety
/// `c` is NULL or a live cache; `out_count` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_purge_expired(
    c: *mut clientcache_cache,
    out_count: *mut usize,
) -> clientcache_status {
    status_call("clientcache_cache_purge_expired", || {
        if !out_count.is_null() {
            // SAFETY: non-NULL and writable per the contract.
            unsafe { out_count.write(0) };
        }
        // SAFETY: forwarded from the caller's contract.
        let handle = unsafe { try_ref(c, "c") }?;
        let count = handle.cache.purge_expired();
        if !out_count.is_null() {
            // SAFETY: as above.
            unsafe { out_count.write(count) };
        }
        Ok(())
    })
}

/// The counters, including `expirations`, into `*out`, whose `size` the
/// caller sets to `sizeof(clientcache_stats_ex)` (`INVALID_ARGUMENT` if it
/// is smaller than this version's struct).
///
/// # Safety
/// `c` is NULL or a live cache; `out` is NULL or writable for `out->size`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_cache_stats_ex(
    c: *mut clientcache_cache,
    out: *mut clientcache_stats_ex,
) -> clientcache_status {
    status_call("clientcache_cache_stats_ex", || {
        if out.is_null() {
            return Err(Failure::null("out"));
        }
        // SAFETY: non-NULL; the size field comes first.
        let size = unsafe { out.cast::<usize>().read_unaligned() };
        if size < std::mem::size_of::<clientcache_stats_ex>() {
            return Err(Failure::invalid(format!(
                "out->size is {size}; this library needs at least {} (set it to sizeof(clientcache_stats_ex))",
                std::mem::size_of::<clientcache_stats_ex>()
            )));
        }
        // SAFETY: forwarded from the caller's contract.
        let handle = unsafe { try_ref(c, "c") }?;
        let s = handle.cache.stats();
        let stats = clientcache_stats_ex {
            size: std::mem::size_of::<clientcache_stats_ex>(),
            hits: s.hits,
            misses: s.misses,
            insertions: s.insertions,
            evictions: s.evictions,
            removals: s.removals,
            expirations: s.expirations,
            len: s.len,
            max_size: s.max_size,
        };
        // SAFETY: writable for at least this version's size, checked above.
        unsafe { out.write_unaligned(stats) };
        Ok(())
    })
}
