//! The error type of `clientcache-aws`.

use std::fmt;
use std::sync::Arc;

/// Why a client could not be returned.
///
/// The error is cheap to clone: when several tasks wait for the same client
/// and its construction fails, every one of them receives the same error.
/// No message ever contains the clear text of a credential.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Error {
    /// The core cache or key layer refused the call (bad service name,
    /// invalid parameter value, …).
    Cache(clientcache::Error),
    /// A parameter (or a `config` entry, named by its path such as
    /// `config.retries.mode`) has a value of the wrong type or out of range.
    InvalidParam {
        /// The parameter, e.g. `endpoint_url` or `config.connect_timeout`.
        param: String,
        /// What is wrong with it (never the value of a secret).
        reason: String,
    },
    /// A parameter that is valid in the parameter vocabulary (docs/identity.md) but that the Rust SDK
    /// builder cannot honour. It is reported instead of being ignored.
    Unsupported {
        /// The parameter, e.g. `verify` or `config.max_pool_connections`.
        param: String,
        /// Why it cannot be honoured, and what to use instead when possible.
        reason: String,
    },
    /// `profile_name` (from the params or the session) names a profile that
    /// is in neither the shared config file nor the credentials file.
    ProfileNotFound {
        /// The profile name.
        profile: String,
    },
    /// The shared config/credentials files could not be read or parsed.
    ProfileFiles {
        /// What the loader reported.
        message: String,
    },
    /// The key is cached with a value of another Rust type (two client types
    /// that declare the same `SERVICE_NAME`, used with equal params).
    TypeMismatch {
        /// Label of the key.
        key: String,
        /// The Rust type that was asked for.
        expected: &'static str,
    },
    /// A client type's own `build` failed.
    Build {
        /// The service being built.
        service: &'static str,
        /// What went wrong.
        source: Arc<dyn std::error::Error + Send + Sync>,
    },
}

impl Error {
    pub(crate) fn invalid(param: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidParam {
            param: param.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn unsupported(param: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Unsupported {
            param: param.into(),
            reason: reason.into(),
        }
    }

    /// The parameter this error is about, if it is about one.
    pub fn param(&self) -> Option<&str> {
        match self {
            Error::InvalidParam { param, .. } | Error::Unsupported { param, .. } => Some(param),
            Error::ProfileNotFound { .. } => Some("profile_name"),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Cache(e) => e.fmt(f),
            Error::InvalidParam { param, reason } => {
                write!(f, "invalid parameter {param}: {reason}")
            }
            Error::Unsupported { param, reason } => {
                write!(f, "unsupported parameter {param}: {reason}")
            }
            Error::ProfileNotFound { profile } => {
                write!(
                    f,
                    "profile {profile:?} not found in the shared config or credentials file"
                )
            }
            Error::ProfileFiles { message } => {
                write!(f, "cannot load the shared config files: {message}")
            }
            Error::TypeMismatch { key, expected } => write!(
                f,
                "{key} is cached with a value of another type than {expected}"
            ),
            Error::Build { service, source } => {
                write!(f, "building the {service} client failed: {source}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Cache(e) => Some(e),
            Error::Build { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

impl From<clientcache::Error> for Error {
    fn from(e: clientcache::Error) -> Self {
        Error::Cache(e)
    }
}
