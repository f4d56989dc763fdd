//! The trait a client type implements to be cached, and the service-specific
//! options handed to it.

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use clientcache::Value;

use crate::Error;

/// An `aws-sdk-*` client type that a [`Session`](crate::Session) can build
/// and cache.
///
/// Everything common to all services (region, credentials, profile,
/// endpoint URL, retries, timeouts, FIPS/dual-stack, TLS trust, app id) is
/// already applied to the [`SdkConfig`] handed to [`build`](Self::build).
/// What is left are the service-specific options: `use_ssl = false` when no
/// `endpoint_url` is given, and `config` entries that the common layer does
/// not know (for S3: `config.s3`). `build` takes the ones it honours from
/// [`ServiceOptions`]; whatever it leaves behind makes the call fail with
/// [`Error::Unsupported`], so no option is ever silently ignored.
///
/// Implementing it for another service takes a few lines:
///
/// ```
/// use clientcache_aws::{Error, SdkClient, ServiceOptions};
///
/// /// A stand-in for e.g. `aws_sdk_dynamodb::Client`.
/// #[derive(Clone)]
/// struct DynamoDb(aws_config::SdkConfig);
///
/// impl SdkClient for DynamoDb {
///     const SERVICE_NAME: &'static str = "dynamodb";
///     const API_VERSION: &'static str = "2012-08-10";
///     fn build(sdk_config: &aws_config::SdkConfig, _options: &mut ServiceOptions) -> Result<Self, Error> {
///         // with the real crate: Ok(aws_sdk_dynamodb::Client::new(sdk_config))
///         Ok(DynamoDb(sdk_config.clone()))
///     }
/// }
/// ```
pub trait SdkClient: Clone + Send + Sync + 'static {
    /// The service name used in the cache key, e.g. `s3`.
    const SERVICE_NAME: &'static str;
    /// The service API version the crate implements; an `api_version`
    /// param naming any other version is rejected.
    const API_VERSION: &'static str;

    /// Builds a client from the fully configured `sdk_config`, taking the
    /// service-specific options it honours out of `options`.
    fn build(sdk_config: &SdkConfig, options: &mut ServiceOptions) -> Result<Self, Error>;
}

/// Service-specific build options left after the common configuration.
#[derive(Debug, Default)]
pub struct ServiceOptions {
    service: &'static str,
    plain_http: bool,
    entries: BTreeMap<String, Value>,
}

impl ServiceOptions {
    pub(crate) fn new(service: &'static str) -> Self {
        ServiceOptions {
            service,
            ..Self::default()
        }
    }

    pub(crate) fn set_plain_http(&mut self) {
        self.plain_http = true;
    }

    pub(crate) fn insert(&mut self, name: String, value: Value) {
        self.entries.insert(name, value);
    }

    /// True when `use_ssl = false` was given without an `endpoint_url`: the
    /// client must send its requests over plain HTTP. Calling this marks the
    /// option as honoured.
    pub fn take_plain_http(&mut self) -> bool {
        std::mem::take(&mut self.plain_http)
    }

    /// Takes the `config` entry `name` (e.g. `s3`), marking it as honoured.
    pub fn take(&mut self, name: &str) -> Option<Value> {
        self.entries.remove(name)
    }

    /// Names of the `config` entries not taken yet.
    pub fn remaining(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Fails on the first option nobody honoured.
    pub(crate) fn finish(self) -> Result<(), Error> {
        if self.plain_http {
            return Err(Error::unsupported(
                "use_ssl",
                format!(
                    "the {} client type cannot switch to plain HTTP; give an http:// endpoint_url instead",
                    self.service
                ),
            ));
        }
        if let Some(name) = self.entries.keys().next() {
            return Err(Error::unsupported(
                format!("config.{name}"),
                format!(
                    "not a config entry the {} client builder knows",
                    self.service
                ),
            ));
        }
        Ok(())
    }
}
