//! The exported functions called directly from Rust: ownership and release
//! rules, out-pointer clearing, and error reporting. The C suite in
//! tests/c covers the same ABI from C, under valgrind.

use std::ffi::{CStr, c_void};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};

use clientcache::*;

static RELEASED: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn count_release(value: *mut c_void, ctx: *mut c_void) {
    assert_eq!(ctx as usize, 0xC0FFEE);
    // SAFETY: every value in these tests is a leaked Box<u32>.
    drop(unsafe { Box::from_raw(value.cast::<u32>()) });
    RELEASED.fetch_add(1, Ordering::SeqCst);
}

fn boxed(v: u32) -> *mut c_void {
    Box::into_raw(Box::new(v)).cast()
}

fn last_error() -> String {
    let mut buf = [0 as libc::c_char; 512];
    let mut len = 0usize;
    // SAFETY: buffer and length are valid.
    let status = unsafe { clientcache_last_error(buf.as_mut_ptr(), buf.len(), &mut len) };
    assert_eq!(status, CLIENTCACHE_STATUS_OK);
    // SAFETY: NUL-terminated by the call.
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

fn key(params: &str) -> *mut clientcache_key {
    let mut out = null_mut();
    // SAFETY: valid strings and out-pointer.
    let status = unsafe {
        clientcache_key_new(
            CLIENTCACHE_KIND_CLIENT,
            c"s3".as_ptr(),
            2,
            params.as_ptr().cast(),
            params.len(),
            &mut out,
        )
    };
    assert_eq!(status, CLIENTCACHE_STATUS_OK, "{}", last_error());
    out
}

#[test]
fn release_runs_once_after_the_last_lease() {
    RELEASED.store(0, Ordering::SeqCst);
    let ctx = 0xC0FFEE as *mut c_void;
    // SAFETY: every handle below is used per the header's rules.
    unsafe {
        let mut cache = null_mut();
        assert_eq!(
            clientcache_cache_new(
                CLIENTCACHE_KIND_CLIENT,
                CLIENTCACHE_POLICY_LRU,
                1,
                Some(count_release),
                ctx,
                &mut cache
            ),
            CLIENTCACHE_STATUS_OK
        );
        let (a, b) = (key(r#"{"region_name":"a"}"#), key(r#"{"region_name":"b"}"#));
        assert_eq!(
            clientcache_cache_insert(cache, a, boxed(1)),
            CLIENTCACHE_STATUS_OK
        );

        // A refused insert leaves the value with the caller.
        let refused = boxed(2);
        assert_eq!(
            clientcache_cache_insert(cache, a, refused),
            CLIENTCACHE_STATUS_EXISTS
        );
        assert!(last_error().contains("already in cache"));
        assert_eq!(RELEASED.load(Ordering::SeqCst), 0);
        drop(Box::from_raw(refused.cast::<u32>()));

        let mut lease = null_mut();
        assert_eq!(
            clientcache_cache_get(cache, a, &mut lease),
            CLIENTCACHE_STATUS_OK
        );
        assert_eq!(*clientcache_lease_value(lease).cast::<u32>(), 1);
        // Evict `a` while the lease holds it: not released yet.
        assert_eq!(
            clientcache_cache_insert(cache, b, boxed(3)),
            CLIENTCACHE_STATUS_OK
        );
        assert_eq!(RELEASED.load(Ordering::SeqCst), 0);
        assert_eq!(*clientcache_lease_value(lease).cast::<u32>(), 1);
        clientcache_lease_free(lease);
        assert_eq!(RELEASED.load(Ordering::SeqCst), 1);

        // A copy shares values: released after both caches let go.
        let mut copy = null_mut();
        assert_eq!(
            clientcache_cache_copy(cache, &mut copy),
            CLIENTCACHE_STATUS_OK
        );
        assert_eq!(clientcache_cache_clear(cache), CLIENTCACHE_STATUS_OK);
        assert_eq!(RELEASED.load(Ordering::SeqCst), 1);
        clientcache_cache_free(copy);
        assert_eq!(RELEASED.load(Ordering::SeqCst), 2);

        clientcache_cache_free(cache);
        clientcache_key_free(a);
        clientcache_key_free(b);
    }
}

#[test]
fn failures_clear_out_pointers_and_report_why() {
    // SAFETY: deliberate bad arguments; every pointer passed is valid or NULL.
    unsafe {
        let mut out = std::ptr::dangling_mut::<clientcache_key>(); // garbage must be overwritten
        let bad = r#"{"region_name":"x","regin":1}"#;
        let status = clientcache_key_new(
            CLIENTCACHE_KIND_CLIENT,
            c"s3".as_ptr(),
            2,
            bad.as_ptr().cast(),
            bad.len(),
            &mut out,
        );
        assert_eq!(status, CLIENTCACHE_STATUS_INVALID_ARGUMENT);
        assert!(out.is_null());
        assert!(last_error().contains("\"regin\""));

        assert_eq!(
            clientcache_key_new(CLIENTCACHE_KIND_CLIENT, null(), 0, null(), 0, &mut out),
            CLIENTCACHE_STATUS_NULL_POINTER
        );
        assert!(last_error().contains("service_name"));

        let mut cache = null_mut();
        assert_eq!(
            clientcache_cache_new(CLIENTCACHE_KIND_CLIENT, 9, 1, None, null_mut(), &mut cache),
            CLIENTCACHE_STATUS_INVALID_ARGUMENT
        );
        assert!(last_error().contains("policy 9"));
        assert_eq!(clientcache_cache_len(null_mut()), 0);
        assert_eq!(clientcache_key_kind(null()), u32::MAX);
    }
}

#[test]
fn text_getters_report_the_needed_length() {
    let k = key(r#"{"aws_secret_access_key":"hunter22","region_name":"us-west-2"}"#);
    // SAFETY: valid handle and buffers.
    unsafe {
        let mut len = 0usize;
        assert_eq!(
            clientcache_key_label(k, null_mut(), 0, &mut len),
            CLIENTCACHE_STATUS_BUFFER_TOO_SMALL
        );
        let mut buf = vec![0 as libc::c_char; len + 1];
        assert_eq!(
            clientcache_key_label(k, buf.as_mut_ptr(), len, &mut len),
            CLIENTCACHE_STATUS_BUFFER_TOO_SMALL
        );
        assert_eq!(
            clientcache_key_label(k, buf.as_mut_ptr(), buf.len(), &mut len),
            CLIENTCACHE_STATUS_OK
        );
        let label = CStr::from_ptr(buf.as_ptr()).to_str().unwrap();
        assert_eq!(
            label,
            r#"s3(aws_secret_access_key=***, region_name="us-west-2")"#
        );
        assert_eq!(label.len(), len);
        let mut fp = [0 as libc::c_char; 33];
        assert_eq!(
            clientcache_key_fingerprint(k, fp.as_mut_ptr()),
            CLIENTCACHE_STATUS_OK
        );
        assert_eq!(CStr::from_ptr(fp.as_ptr()).to_bytes().len(), 32);
        assert_eq!(
            CStr::from_ptr(clientcache_status_name(CLIENTCACHE_STATUS_KIND_MISMATCH)).to_str(),
            Ok("KIND_MISMATCH")
        );
        assert_eq!(
            CStr::from_ptr(clientcache_status_name(77)).to_str(),
            Ok("UNKNOWN")
        );
        assert_eq!(
            CStr::from_ptr(clientcache_version()).to_str(),
            Ok(env!("CARGO_PKG_VERSION"))
        );
        clientcache_key_free(k);
    }
}
