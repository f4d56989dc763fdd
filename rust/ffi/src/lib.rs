//! The C ABI of clientcache (`libclientcache`, header `clientcache.h`).
//!
//! Conventions: every fallible function returns a `clientcache_status`;
//! outputs go through out-pointers, which are set to NULL on failure; input
//! strings are `(pointer, length)` UTF-8 and need no NUL; a NULL where a
//! handle is required is `CLIENTCACHE_STATUS_NULL_POINTER`; no panic crosses
//! the boundary (it becomes `CLIENTCACHE_STATUS_PANIC`); the message of the
//! last failure on a thread is available from `clientcache_last_error`. All
//! functions are thread-safe except a `_free` racing with other use of the
//! same handle.

#![allow(non_camel_case_types)]
#![deny(unsafe_op_in_unsafe_fn)]

mod boundary;
mod cache;
mod expiry;
mod key;
mod slot;
mod status;

pub use cache::*;
pub use expiry::*;
pub use key::*;
pub use slot::*;
pub use status::*;

use boundary::*;

/// Major version of the library this header belongs to (an incompatible
/// change of the C ABI increments it).
pub const CLIENTCACHE_VERSION_MAJOR: u32 = 0;
/// Minor version: additions to the C ABI.
pub const CLIENTCACHE_VERSION_MINOR: u32 = 3;
/// Patch version: fixes only.
pub const CLIENTCACHE_VERSION_PATCH: u32 = 0;
/// `MAJOR * 10000 + MINOR * 100 + PATCH`, for `#if` comparisons; equals what
/// `clientcache_version()` reports for the library the header came with.
pub const CLIENTCACHE_VERSION_NUMBER: u32 =
    CLIENTCACHE_VERSION_MAJOR * 10000 + CLIENTCACHE_VERSION_MINOR * 100 + CLIENTCACHE_VERSION_PATCH;

const VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
) {
    Ok(version) => version,
    Err(_) => panic!("version contains a NUL"),
};

/// The library version, e.g. `"0.3.0"` (a static string).
#[unsafe(no_mangle)]
pub extern "C" fn clientcache_version() -> *const libc::c_char {
    VERSION.as_ptr()
}

/// The name of a status without its prefix, e.g. `"NOT_FOUND"` (a static
/// string); `"UNKNOWN"` for a value that is not a status.
#[unsafe(no_mangle)]
pub extern "C" fn clientcache_status_name(status: clientcache_status) -> *const libc::c_char {
    status::status_name(status).as_ptr()
}

/// Copies the message of the last failing call on this thread (empty if
/// none) as a NUL-terminated string when it fits in `cap` bytes, else
/// returns `BUFFER_TOO_SMALL`; `*out_len` always receives the length
/// without the NUL. Calling it does not change the stored message.
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes; `out_len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_last_error(
    buf: *mut libc::c_char,
    cap: usize,
    out_len: *mut usize,
) -> clientcache_status {
    let result = std::panic::catch_unwind(|| {
        // SAFETY: forwarded from the caller's contract.
        with_last_error(|message| unsafe { write_text(message, buf, cap, out_len) })
    });
    match result {
        Ok(Ok(())) => CLIENTCACHE_STATUS_OK,
        Ok(Err(failure)) => failure.status,
        Err(_) => CLIENTCACHE_STATUS_PANIC,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_version_macros_match_the_crate_version() {
        let parts: Vec<u32> = env!("CARGO_PKG_VERSION")
            .split('.')
            .map(|p| p.parse().unwrap())
            .collect();
        assert_eq!(
            parts,
            [
                CLIENTCACHE_VERSION_MAJOR,
                CLIENTCACHE_VERSION_MINOR,
                CLIENTCACHE_VERSION_PATCH
            ]
        );
    }
}
