//! Cached `aws-sdk-*` clients, built from `aws-config` on a miss.
//!
//! The Rust counterpart of boto3-client-cache's `client("s3", region_name=…)`,
//! over the [`clientcache`] core: a client is identified by its service and
//! its constructor parameters ([`ClientParams`], the DESIGN §2 vocabulary),
//! cached in a bounded LRU or LFU cache, and built at most once per key even
//! when many tasks ask for it at the same time.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use clientcache_aws::ClientParams;
//!
//! let params = ClientParams::new()
//!     .region_name("us-west-2")
//!     .max_attempts(3)
//!     .retry_mode("standard");
//! // Built on the first call (no network needed), a cached clone afterwards.
//! let s3 = clientcache_aws::client::<aws_sdk_s3::Client>(&params).await?;
//! let again = clientcache_aws::client::<aws_sdk_s3::Client>(&params).await?;
//! assert_eq!(again.config().region(), s3.config().region());
//! assert_eq!(clientcache_aws::default_session().builds(), 1);
//! # Ok(()) }
//! ```
//!
//! # Parameters
//!
//! Each parameter really configures the built client, or the call fails with
//! [`Error::InvalidParam`] / [`Error::Unsupported`]; nothing is ignored.
//!
//! | param | effect |
//! |---|---|
//! | `region_name` | the client's region |
//! | `endpoint_url` | every request goes to this URL (`http://` or `https://`) |
//! | `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token` | static credentials (id and secret together) |
//! | `profile_name` | region, credentials and settings of that profile; an unknown profile is [`Error::ProfileNotFound`] |
//! | `use_ssl` | `false` without `endpoint_url`: plain HTTP to the resolved endpoint (S3); with `endpoint_url` it must agree with its scheme |
//! | `verify` | `true`: default; a path: trust exactly that PEM CA bundle; `false`: unsupported |
//! | `api_version` | must equal the client type's [`SdkClient::API_VERSION`] |
//! | `config` | the entries below |
//!
//! | `config` entry | effect |
//! |---|---|
//! | `retries.max_attempts` | retries after the first attempt (botocore meaning): SDK `max_attempts = n + 1` |
//! | `retries.total_max_attempts` | all attempts |
//! | `retries.mode` | `standard` or `adaptive` (`legacy` is unsupported) |
//! | `connect_timeout`, `read_timeout` | seconds |
//! | `operation_timeout`, `operation_attempt_timeout` | seconds (Rust SDK extensions) |
//! | `region_name` | as the param (they must agree when both are given) |
//! | `user_agent_appid` | the SDK app name in the User-Agent |
//! | `use_fips_endpoint`, `use_dualstack_endpoint` | booleans |
//! | `request_checksum_calculation`, `response_checksum_validation` | `when_supported` / `when_required` |
//! | `disable_request_compression`, `request_min_compression_size_bytes` | request compression |
//! | `s3.addressing_style` | `path`, `virtual` or `auto` (S3 only) |
//! | `s3.use_accelerate_endpoint`, `s3.use_dualstack_endpoint` | booleans (S3 only) |
//!
//! Other botocore names (`max_pool_connections`, `proxies`, `signature_version`,
//! …) are reported as unsupported, and unknown names as well.
//!
//! # Cost
//!
//! A hit costs a key look-up in the core cache plus a clone of the client
//! (an `Arc`); the key itself is computed once per [`ClientParams`] value.
//! `make bench-aws` measures it against `aws_config` load + `Client::new`.

#![warn(missing_docs)]

mod build;
mod error;
mod params;
#[cfg(feature = "s3")]
mod s3;
mod sdk;
mod session;
mod tls;

use std::sync::OnceLock;

pub use clientcache::{Key, Kind, Policy, Stats, Value};
pub use error::Error;
pub use params::{ClientParams, Verify};
pub use sdk::{SdkClient, ServiceOptions};
pub use session::{DEFAULT_MAX_SIZE, Session, SessionBuilder, SessionCache};

static DEFAULT_SESSION: OnceLock<Session> = OnceLock::new();

/// The process-wide default session, created on first use with no defaults
/// of its own (region, credentials and profile come from the environment).
pub fn default_session() -> &'static Session {
    DEFAULT_SESSION.get_or_init(Session::new)
}

/// The cached client of type `C` for `params` from the [default
/// session](default_session), built on a miss.
///
/// ```no_run
/// # async fn demo() -> Result<(), clientcache_aws::Error> {
/// use clientcache_aws::ClientParams;
/// let params = ClientParams::new().region_name("eu-west-1");
/// let a = clientcache_aws::client::<aws_sdk_s3::Client>(&params).await?;
/// let b = clientcache_aws::client::<aws_sdk_s3::Client>(&params).await?;
/// assert!(std::ptr::eq(a.config(), b.config())); // one client, shared
/// # Ok(()) }
/// ```
pub async fn client<C: SdkClient>(params: &ClientParams) -> Result<C, Error> {
    default_session().client::<C>(params).await
}
