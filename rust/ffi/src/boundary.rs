//! The FFI plumbing every export goes through: the panic boundary, the
//! thread-local last error, and the only places where C pointers become Rust
//! references.

use std::any::Any;
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::status::*;

thread_local! {
    /// Message of the last failing call on this thread.
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

pub(crate) fn set_last_error(message: String) {
    LAST_ERROR.with(|slot| *slot.borrow_mut() = message);
}

pub(crate) fn with_last_error<R>(f: impl FnOnce(&str) -> R) -> R {
    LAST_ERROR.with(|slot| f(&slot.borrow()))
}

/// Why an export failed: a status and the message for `clientcache_last_error`.
pub(crate) struct Failure {
    pub(crate) status: clientcache_status,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(status: clientcache_status, message: impl Into<String>) -> Self {
        Failure {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn null(argument: &str) -> Self {
        Failure::new(
            CLIENTCACHE_STATUS_NULL_POINTER,
            format!("argument `{argument}` is NULL"),
        )
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Failure::new(CLIENTCACHE_STATUS_INVALID_ARGUMENT, message)
    }
}

impl From<clientcache_core::Error> for Failure {
    fn from(error: clientcache_core::Error) -> Self {
        use clientcache_core::Error;
        let status = match &error {
            Error::NotFound { .. } => CLIENTCACHE_STATUS_NOT_FOUND,
            Error::Exists { .. } => CLIENTCACHE_STATUS_EXISTS,
            Error::KindMismatch { .. } => CLIENTCACHE_STATUS_KIND_MISMATCH,
            Error::FactoryFailed { .. } => CLIENTCACHE_STATUS_FACTORY_FAILED,
            _ => CLIENTCACHE_STATUS_INVALID_ARGUMENT,
        };
        Failure::new(status, error.to_string())
    }
}

pub(crate) type FfiResult<T> = Result<T, Failure>;

fn panic_message(function: &str, payload: &(dyn Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown cause");
    format!("internal error (panic) in {function}: {detail}")
}

/// The panic boundary for exports that return a status: failures set the
/// last error, panics become `CLIENTCACHE_STATUS_PANIC`.
pub(crate) fn status_call(
    function: &str,
    body: impl FnOnce() -> FfiResult<()>,
) -> clientcache_status {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => CLIENTCACHE_STATUS_OK,
        Ok(Err(failure)) => {
            set_last_error(failure.message);
            failure.status
        }
        Err(payload) => {
            set_last_error(panic_message(function, payload.as_ref()));
            CLIENTCACHE_STATUS_PANIC
        }
    }
}

/// The panic boundary for exports that return a plain value: failures and
/// panics set the last error and return `fallback`.
pub(crate) fn value_call<T>(function: &str, fallback: T, body: impl FnOnce() -> FfiResult<T>) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => value,
        Ok(Err(failure)) => {
            set_last_error(failure.message);
            fallback
        }
        Err(payload) => {
            set_last_error(panic_message(function, payload.as_ref()));
            fallback
        }
    }
}

/// An opaque C handle type and the Rust value behind it. C always holds a
/// pointer to a boxed `Rust` value.
pub(crate) trait Castable {
    type Rust;
}

/// Borrows the Rust value behind a handle.
///
/// # Safety
/// `ptr` is NULL or was produced by [`into_handle`] for the same type and not
/// yet freed, and stays valid for `'a`.
pub(crate) unsafe fn try_ref<'a, C: Castable>(
    ptr: *const C,
    argument: &str,
) -> FfiResult<&'a C::Rust> {
    // SAFETY: per the function contract.
    unsafe { ptr.cast::<C::Rust>().as_ref() }.ok_or_else(|| Failure::null(argument))
}

/// An opaque C handle type whose pointer is an `Arc` (from `Arc::into_raw`):
/// handing one out costs a reference count, not an allocation.
pub(crate) trait ArcCastable {
    type Rust;
}

/// Borrows the value behind an `Arc` handle.
///
/// # Safety
/// `ptr` is NULL or was produced by [`into_arc_handle`] for the same type
/// and not yet freed, and stays valid for `'a`.
pub(crate) unsafe fn try_arc_ref<'a, C: ArcCastable>(
    ptr: *const C,
    argument: &str,
) -> FfiResult<&'a C::Rust> {
    // SAFETY: per the function contract (`Arc::into_raw` points at the value).
    unsafe { ptr.cast::<C::Rust>().as_ref() }.ok_or_else(|| Failure::null(argument))
}

/// Moves one `Arc` reference into a handle owned by C.
pub(crate) fn into_arc_handle<C: ArcCastable>(value: std::sync::Arc<C::Rust>) -> *mut C {
    std::sync::Arc::into_raw(value).cast_mut().cast::<C>()
}

/// Drops the `Arc` reference a handle holds; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or an unfreed handle made by [`into_arc_handle`].
pub(crate) unsafe fn free_arc_handle<C: ArcCastable>(ptr: *mut C) {
    if !ptr.is_null() {
        // SAFETY: per the function contract, this reference is ours to drop.
        drop(unsafe { std::sync::Arc::from_raw(ptr.cast_const().cast::<C::Rust>()) });
    }
}

/// Moves a Rust value into a new handle owned by C.
pub(crate) fn into_handle<C: Castable>(value: C::Rust) -> *mut C {
    Box::into_raw(Box::new(value)).cast::<C>()
}

/// Frees a handle made by [`into_handle`]; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or an unfreed handle of this type that no other thread uses.
pub(crate) unsafe fn free_handle<C: Castable>(ptr: *mut C) {
    if !ptr.is_null() {
        // SAFETY: per the function contract, the box is ours to drop.
        drop(unsafe { Box::from_raw(ptr.cast::<C::Rust>()) });
    }
}

/// A checked out-pointer: cleared to NULL on entry, written on success.
pub(crate) struct Out<C>(*mut *mut C);

impl<C> Out<C> {
    /// # Safety
    /// `out` is NULL or valid for writing one pointer.
    pub(crate) unsafe fn new(out: *mut *mut C, argument: &str) -> FfiResult<Self> {
        if out.is_null() {
            return Err(Failure::null(argument));
        }
        // SAFETY: non-NULL and writable per the contract.
        unsafe { out.write(std::ptr::null_mut()) };
        Ok(Out(out))
    }

    /// Like [`Out::new`] but NULL means "caller does not want it".
    ///
    /// # Safety
    /// As for [`Out::new`].
    pub(crate) unsafe fn optional(out: *mut *mut C) -> Option<Self> {
        // SAFETY: forwarded contract.
        unsafe { Self::new(out, "") }.ok()
    }

    fn write(self, handle: *mut C) {
        // SAFETY: checked non-NULL and writable in `new`.
        unsafe { self.0.write(handle) };
    }
}

impl<C: Castable> Out<C> {
    pub(crate) fn set(self, value: C::Rust) {
        self.write(into_handle(value));
    }
}

impl<C: ArcCastable> Out<C> {
    pub(crate) fn set_arc(self, value: std::sync::Arc<C::Rust>) {
        self.write(into_arc_handle(value));
    }
}

/// Reads a `(ptr, len)` UTF-8 string argument.
///
/// # Safety
/// `ptr` is NULL or valid for reading `len` bytes for `'a`.
pub(crate) unsafe fn bytes_arg<'a>(
    ptr: *const libc::c_char,
    len: usize,
    argument: &str,
) -> FfiResult<&'a [u8]> {
    if ptr.is_null() {
        return Err(Failure::null(argument));
    }
    // SAFETY: per the function contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// Copies `text` plus a NUL into a caller buffer when it fits; always reports
/// the length without the NUL.
///
/// # Safety
/// `buf` is NULL or valid for writing `cap` bytes; `out_len` is NULL or valid
/// for writing one `size_t`.
pub(crate) unsafe fn write_text(
    text: &str,
    buf: *mut libc::c_char,
    cap: usize,
    out_len: *mut usize,
) -> FfiResult<()> {
    if out_len.is_null() {
        return Err(Failure::null("out_len"));
    }
    if buf.is_null() && cap > 0 {
        return Err(Failure::null("buf"));
    }
    // SAFETY: checked non-NULL; writable per contract.
    unsafe { out_len.write(text.len()) };
    if text.len() >= cap {
        return Err(Failure::new(
            CLIENTCACHE_STATUS_BUFFER_TOO_SMALL,
            format!(
                "buffer too small: need {} bytes plus the NUL, got {cap}",
                text.len()
            ),
        ));
    }
    // SAFETY: `buf` holds `cap > text.len()` writable bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), text.len());
        buf.add(text.len()).write(0);
    }
    Ok(())
}
