//! Status codes and enum-valued parameters. They cross the boundary as plain
//! integers so that an out-of-range value from C is a clean
//! `INVALID_ARGUMENT`, never undefined behaviour. The numbers are a public
//! contract: never renumber them.

#![allow(non_camel_case_types)]

/// Result of every fallible function. `CLIENTCACHE_STATUS_OK` (0) is success;
/// the message of any other result is available from `clientcache_last_error`.
pub type clientcache_status = u32;
/// Success.
pub const CLIENTCACHE_STATUS_OK: clientcache_status = 0;
/// The key is not in the cache, or the cache is empty.
pub const CLIENTCACHE_STATUS_NOT_FOUND: clientcache_status = 1;
/// Insert of a key that is already present; the cache is unchanged.
pub const CLIENTCACHE_STATUS_EXISTS: clientcache_status = 2;
/// A malformed key, a bad argument value, or a re-entrant factory call.
pub const CLIENTCACHE_STATUS_INVALID_ARGUMENT: clientcache_status = 3;
/// A client key used with a resource cache, or the reverse.
pub const CLIENTCACHE_STATUS_KIND_MISMATCH: clientcache_status = 4;
/// A required pointer argument was NULL.
pub const CLIENTCACHE_STATUS_NULL_POINTER: clientcache_status = 5;
/// A text did not fit the caller's buffer; `*out_len` holds its length.
pub const CLIENTCACHE_STATUS_BUFFER_TOO_SMALL: clientcache_status = 6;
/// A factory failed (returned non-zero or no value); shared by all waiters.
pub const CLIENTCACHE_STATUS_FACTORY_FAILED: clientcache_status = 7;
/// An internal error was caught at the boundary; the library stays usable.
pub const CLIENTCACHE_STATUS_PANIC: clientcache_status = 8;

/// Eviction policy of a cache.
pub type clientcache_policy = u32;
/// Least recently used first (the default).
pub const CLIENTCACHE_POLICY_LRU: clientcache_policy = 0;
/// Least frequently used first; ties go to the least recently used.
pub const CLIENTCACHE_POLICY_LFU: clientcache_policy = 1;

/// What a key or cache is for.
pub type clientcache_kind = u32;
/// SDK clients.
pub const CLIENTCACHE_KIND_CLIENT: clientcache_kind = 0;
/// SDK resources.
pub const CLIENTCACHE_KIND_RESOURCE: clientcache_kind = 1;

pub(crate) fn status_name(status: clientcache_status) -> &'static std::ffi::CStr {
    match status {
        CLIENTCACHE_STATUS_OK => c"OK",
        CLIENTCACHE_STATUS_NOT_FOUND => c"NOT_FOUND",
        CLIENTCACHE_STATUS_EXISTS => c"EXISTS",
        CLIENTCACHE_STATUS_INVALID_ARGUMENT => c"INVALID_ARGUMENT",
        CLIENTCACHE_STATUS_KIND_MISMATCH => c"KIND_MISMATCH",
        CLIENTCACHE_STATUS_NULL_POINTER => c"NULL_POINTER",
        CLIENTCACHE_STATUS_BUFFER_TOO_SMALL => c"BUFFER_TOO_SMALL",
        CLIENTCACHE_STATUS_FACTORY_FAILED => c"FACTORY_FAILED",
        CLIENTCACHE_STATUS_PANIC => c"PANIC",
        _ => c"UNKNOWN",
    }
}

pub(crate) fn kind_from_c(
    kind: clientcache_kind,
) -> Result<clientcache_core::Kind, crate::boundary::Failure> {
    match kind {
        CLIENTCACHE_KIND_CLIENT => Ok(clientcache_core::Kind::Client),
        CLIENTCACHE_KIND_RESOURCE => Ok(clientcache_core::Kind::Resource),
        other => Err(crate::boundary::Failure::invalid(format!(
            "kind {other} is not a clientcache_kind (0 = CLIENT, 1 = RESOURCE)"
        ))),
    }
}

pub(crate) fn kind_to_c(kind: clientcache_core::Kind) -> clientcache_kind {
    match kind {
        clientcache_core::Kind::Client => CLIENTCACHE_KIND_CLIENT,
        clientcache_core::Kind::Resource => CLIENTCACHE_KIND_RESOURCE,
    }
}

pub(crate) fn policy_from_c(
    policy: clientcache_policy,
) -> Result<clientcache_core::Policy, crate::boundary::Failure> {
    match policy {
        CLIENTCACHE_POLICY_LRU => Ok(clientcache_core::Policy::Lru),
        CLIENTCACHE_POLICY_LFU => Ok(clientcache_core::Policy::Lfu),
        other => Err(crate::boundary::Failure::invalid(format!(
            "policy {other} is not a clientcache_policy (0 = LRU, 1 = LFU)"
        ))),
    }
}
