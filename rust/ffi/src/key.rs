//! `clientcache_key`: immutable, reference-counted identity keys.

use clientcache_core::Key;

use crate::boundary::*;
use crate::status::*;

/// An immutable cache key. Create with `clientcache_key_new`, duplicate with
/// `clientcache_key_clone`, release with `clientcache_key_free`. Safe to
/// share between threads.
pub struct clientcache_key {
    _private: [u8; 0],
}

impl Castable for clientcache_key {
    type Rust = Key;
}

/// Builds a key from a kind, a service name and parameters given as a JSON
/// object text, following the identity rules (canonical version 1).
///
/// `service_name` (1-64 of `[a-z0-9-]`, starting with a letter) is required;
/// `params_json` may be NULL with length 0 for no parameters. Neither needs
/// a NUL terminator. On success `*out` receives a new key to free with
/// `clientcache_key_free`; on failure `*out` is set to NULL and the status is
/// `INVALID_ARGUMENT` (bad service name, malformed JSON, invalid UTF-8,
/// unknown or ill-typed parameter, out-of-range number, duplicate member)
/// or `NULL_POINTER`.
///
/// # Safety
/// Each pointer is NULL or valid for its length; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_key_new(
    kind: clientcache_kind,
    service_name: *const libc::c_char,
    service_name_len: usize,
    params_json: *const libc::c_char,
    params_json_len: usize,
    out: *mut *mut clientcache_key,
) -> clientcache_status {
    status_call("clientcache_key_new", || {
        // SAFETY: forwarded from the caller's contract.
        let out = unsafe { Out::new(out, "out") }?;
        let kind = kind_from_c(kind)?;
        // SAFETY: forwarded from the caller's contract.
        let service = unsafe { bytes_arg(service_name, service_name_len, "service_name") }?;
        let params: &[u8] = if params_json.is_null() && params_json_len == 0 {
            &[]
        } else {
            // SAFETY: forwarded from the caller's contract.
            unsafe { bytes_arg(params_json, params_json_len, "params_json") }?
        };
        let service = std::str::from_utf8(service).map_err(|_| {
            Failure::invalid("service_name must be 1-64 characters of [a-z0-9-] starting with a letter, got invalid UTF-8")
        })?;
        out.set(Key::from_json(kind, service, params)?);
        Ok(())
    })
}

/// Returns a new reference to the same key (free it with
/// `clientcache_key_free`), or NULL when `key` is NULL.
///
/// # Safety
/// `key` is NULL or a live key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_key_clone(
    key: *const clientcache_key,
) -> *mut clientcache_key {
    value_call("clientcache_key_clone", std::ptr::null_mut(), || {
        // SAFETY: forwarded from the caller's contract.
        let key = unsafe { try_ref(key, "key") }?;
        Ok(into_handle::<clientcache_key>(key.clone()))
    })
}

/// Releases one reference to a key. NULL is a no-op.
///
/// # Safety
/// `key` is NULL or a live key not used afterwards through this pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_key_free(key: *mut clientcache_key) {
    value_call("clientcache_key_free", (), || {
        // SAFETY: forwarded from the caller's contract.
        unsafe { free_handle(key) };
        Ok(())
    })
}

/// True when both keys have the same canonical form. False when either is
/// NULL.
///
/// # Safety
/// Each argument is NULL or a live key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_key_equal(
    a: *const clientcache_key,
    b: *const clientcache_key,
) -> bool {
    value_call("clientcache_key_equal", false, || {
        // SAFETY: forwarded from the caller's contract.
        let (a, b) = unsafe { (try_ref(a, "a")?, try_ref(b, "b")?) };
        Ok(a == b)
    })
}

/// The key's kind; `UINT32_MAX` (not a valid kind) when `key` is NULL.
///
/// # Safety
/// `key` is NULL or a live key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_key_kind(key: *const clientcache_key) -> clientcache_kind {
    value_call("clientcache_key_kind", u32::MAX, || {
        // SAFETY: forwarded from the caller's contract.
        let key = unsafe { try_ref(key, "key") }?;
        Ok(kind_to_c(key.kind()))
    })
}

/// Writes the fingerprint (32 lowercase hex digits and a NUL) into `out`,
/// which must hold 33 bytes.
///
/// # Safety
/// `key` is NULL or a live key; `out` is NULL or writable for 33 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_key_fingerprint(
    key: *const clientcache_key,
    out: *mut libc::c_char,
) -> clientcache_status {
    status_call("clientcache_key_fingerprint", || {
        // SAFETY: forwarded from the caller's contract.
        let key = unsafe { try_ref(key, "key") }?;
        let mut len = 0usize;
        if out.is_null() {
            return Err(Failure::null("out"));
        }
        // SAFETY: `out` holds 33 writable bytes per the contract.
        unsafe { write_text(&key.fingerprint(), out, 33, &mut len) }
    })
}

/// Writes the label (for humans and logs; secrets shown as `***`) as a
/// NUL-terminated string when it fits in `cap` bytes; otherwise returns
/// `BUFFER_TOO_SMALL`. `*out_len` always receives the length without the
/// NUL, so a call with `cap` 0 and `buf` NULL asks for the size.
///
/// # Safety
/// `key` is NULL or a live key; `buf` is NULL or writable for `cap` bytes;
/// `out_len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_key_label(
    key: *const clientcache_key,
    buf: *mut libc::c_char,
    cap: usize,
    out_len: *mut usize,
) -> clientcache_status {
    status_call("clientcache_key_label", || {
        // SAFETY: forwarded from the caller's contract.
        let key = unsafe { try_ref(key, "key") }?;
        // SAFETY: forwarded from the caller's contract.
        unsafe { write_text(&key.label(), buf, cap, out_len) }
    })
}

/// Writes the canonical form (RFC 8785 JSON; secrets only as SHA-256
/// digests), with the same buffer rules as `clientcache_key_label`.
///
/// # Safety
/// As for `clientcache_key_label`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_key_canonical(
    key: *const clientcache_key,
    buf: *mut libc::c_char,
    cap: usize,
    out_len: *mut usize,
) -> clientcache_status {
    status_call("clientcache_key_canonical", || {
        // SAFETY: forwarded from the caller's contract.
        let key = unsafe { try_ref(key, "key") }?;
        // SAFETY: forwarded from the caller's contract.
        unsafe { write_text(key.canonical(), buf, cap, out_len) }
    })
}

/// Lists where two keys differ, as a JSON array text with the same buffer
/// rules as `clientcache_key_label`: one object per differing path,
/// `{"path": "config.retries.mode", "left": "standard", "right": "adaptive"}`,
/// without `left` (or `right`) where the path is absent on that side. Paths
/// are `kind`, `service_name`, a parameter name, then `.member` and `[index]`
/// steps into nested values; secrets are shown as `"***"`. Equal keys give
/// `[]`. This is what to log when two services did not share a client.
///
/// # Safety
/// `a` and `b` are NULL or live keys; `buf` is NULL or writable for `cap`
/// bytes; `out_len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clientcache_key_diff(
    a: *const clientcache_key,
    b: *const clientcache_key,
    buf: *mut libc::c_char,
    cap: usize,
    out_len: *mut usize,
) -> clientcache_status {
    status_call("clientcache_key_diff", || {
        // SAFETY: forwarded from the caller's contract.
        let (a, b) = unsafe { (try_ref(a, "a")?, try_ref(b, "b")?) };
        // SAFETY: forwarded from the caller's contract.
        unsafe { write_text(&a.diff_json(b), buf, cap, out_len) }
    })
}
