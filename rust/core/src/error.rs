//! The one error type of the core. Every message names what went wrong using
//! key labels (never a secret's clear text).

use std::fmt;
use std::sync::Arc;

use crate::key::Kind;

/// What a failed cache or key operation reports.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Error {
    /// The key is not in the cache (or the cache is empty, for `pop_victim`).
    NotFound {
        /// Label of the missing key, or `None` for an empty cache.
        key: Option<String>,
    },
    /// `insert` found the key already present; the cache is unchanged.
    Exists {
        /// Label of the key.
        key: String,
    },
    /// A malformed key or a bad argument; the message says which.
    InvalidArgument(String),
    /// A client key used with a resource cache, or the reverse.
    KindMismatch {
        /// The cache's kind.
        expected: Kind,
        /// The key's kind.
        found: Kind,
    },
    /// The factory of `get_or_insert_with` failed (or panicked); every
    /// caller waiting for the same key receives this same error.
    FactoryFailed {
        /// Label of the key being built.
        key: String,
        /// What the factory reported.
        source: Arc<dyn std::error::Error + Send + Sync>,
    },
    /// A factory called `get_or_insert_with` for the key it is building.
    Reentrant {
        /// Label of the key.
        key: String,
    },
}

impl Error {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidArgument(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotFound { key: Some(key) } => write!(f, "key not found in cache: {key}"),
            Error::NotFound { key: None } => f.write_str("cache is empty"),
            Error::Exists { key } => write!(f, "key already in cache: {key}"),
            Error::InvalidArgument(message) => write!(f, "invalid argument: {message}"),
            Error::KindMismatch { expected, found } => write!(
                f,
                "kind mismatch: a {expected} cache cannot hold a {found} key"
            ),
            Error::FactoryFailed { key, source } => {
                write!(f, "factory failed for {key}: {source}")
            }
            Error::Reentrant { key } => write!(
                f,
                "invalid argument: re-entrant get_or_insert_with for {key} from inside its own factory"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::FactoryFailed { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// `insert` failed: the error, and the value handed back to the caller.
#[derive(Debug)]
pub struct InsertError<V> {
    /// Why the insert was refused (`Exists` or `KindMismatch`).
    pub error: Error,
    /// The value, still the caller's.
    pub value: V,
}

impl<V> fmt::Display for InsertError<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl<V: fmt::Debug> std::error::Error for InsertError<V> {}
