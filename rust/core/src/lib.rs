//! clientcache: a concurrency-safe, bounded cache for AWS SDK clients with
//! deterministic identity.
//!
//! - [`Key`]: `(kind, service_name, params)` in a canonical form (RFC 8785)
//!   that every language binding computes identically, with a SHA-256
//!   [fingerprint](Key::fingerprint) and a secret-free [label](Key::label).
//! - [`Cache`]: LRU or LFU eviction, explicit errors (`Exists` on overwrite,
//!   `NotFound` on miss), and single-flight
//!   [`get_or_insert_with`](Cache::get_or_insert_with).
//!
//! This crate has no `unsafe` code; the C ABI lives in `clientcache-ffi`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod cache;
mod clock;
mod error;
mod jcs;
mod json;
mod key;
mod node;
mod slab;
mod store;
mod value;

pub use cache::{Cache, CacheBuilder, EvictionListener, RemovalCause, Stats};
pub use clock::{Clock, CoarseClock, ManualClock};
pub use error::{Error, InsertError};
pub use key::{CANONICAL_VERSION, Difference, Fingerprint, Key, Kind, SECRET_PARAMS};
pub use store::Policy;
pub use value::{Params, Value};

/// The crate README's example is compiled and run as a doc-test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
