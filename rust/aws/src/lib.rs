//! Cached `aws-sdk-*` clients, built from `aws-config` on a miss.
//!
//! The Rust counterpart of boto3-client-cache's `client("s3", region_name=…)`,
//! over the [`clientcache`] core: a client is identified by its service and
//! its constructor parameters ([`ClientParams`], the vocabulary of
//! docs/identity.md), cached in a bounded LRU or LFU cache, and built at
//! most once per key even when many tasks ask for it at the same time.
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
//! assert_eq!(s3.config().retry_config().unwrap().max_attempts(), 3);
//! assert_eq!(clientcache_aws::default_session().builds(), 1);
//! # Ok(()) }
//! ```
//!
//! # Any service
//!
//! [`client`] and [`Session::client`] take a client type that implements
//! [`SdkClient`] (this crate implements it for `aws_sdk_s3::Client`).
//! Any other `aws-sdk-*` client is cached through its own constructor
//! from `&SdkConfig`, as with Go's `NewFromConfig`, without a newtype:
//! [`Session::client_with`]`("dynamodb", &params, aws_sdk_dynamodb::Client::new)`.
//! It shares the key, single-flight, expiry and invalidation of the typed
//! path.
//!
//! # Cached clients never outlive their credentials
//!
//! - **Expiry.** A client built from static credentials that carry an
//!   expiry ([`ClientParams::credentials_expiring`],
//!   [`ClientParams::static_credentials`]) leaves the cache a refresh
//!   margin before they expire (5 minutes by default,
//!   [`SessionBuilder::refresh_margin`]). The expiry is not part of the key
//!   (docs/identity.md, "Credential metadata is not identity"). Clients
//!   whose credentials come from a provider, a profile or the environment
//!   do not expire, unless the session has a time-to-live
//!   ([`SessionBuilder::time_to_live`]). Both use the core's per-entry
//!   deadlines, so expirations show in [`Stats::expirations`].
//! - **Invalidation.** A client whose request fails with an expired or
//!   invalid credentials error (HTTP 400, 401 or 403 with a code of
//!   [`AUTH_ERROR_CODES`]) is removed from its cache, if the key still
//!   holds that client, and the next call builds a new one; the caller gets
//!   the SDK's error unchanged. [`SessionBuilder::invalidate_on_auth_error`]
//!   turns it off.
//! - **Causes.** [`SessionBuilder::on_evict`] hears of every client that
//!   leaves a cache, with its [`RemovalCause`].
//!
//! The [`Session`] documentation has the details and examples.
//!
//! # Identity
//!
//! The key of a client is built from the call's [`ClientParams`] merged over
//! its [`Session`]'s defaults (the call wins, option by option), so it
//! describes the client actually built. The typed builder methods follow the
//! table "SDK options: one mapping for every language" of docs/identity.md:
//! the same configuration written with Go's `awscache`, Node's `Session` or
//! this crate gives the same key, as `tests/vectors/high-level.json` checks.
//!
//! | builder method | key path | SDK setting |
//! |---|---|---|
//! | `.region_name(r)` | `region_name` | region |
//! | `.endpoint_url(url)` | `endpoint_url` | endpoint URL |
//! | `.credentials(id, secret, token)` | `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token` (digested) | static credentials |
//! | `.credentials_expiring(id, secret, token, at)`, `.static_credentials(&c)` | the same (the expiry is not in the key) | static credentials with an expiry |
//! | `.credentials_provider(p)` | `config.credential_provider = "instance:<n>"` | that provider |
//! | `.profile_name(p)` | `profile_name` | region, credentials and settings of the profile |
//! | `.profile_files(config, credentials)` | `config.profile_files` | where profiles are read |
//! | `.use_ssl(b)`, `.verify(b)`, `.ca_bundle(path)`, `.api_version(v)` | `use_ssl`, `verify`, `api_version` | see below |
//! | `.max_attempts(n)` | `config.retries.total_max_attempts = n` | `max_attempts(n)`: `n` attempts in all |
//! | `.retry_mode(m)` | `config.retries.mode` | standard or adaptive retries |
//! | `.connect_timeout(d)`, `.read_timeout(d)`, `.operation_timeout(d)` | `config.connect_timeout`, … in seconds | timeouts |
//! | `.force_path_style(true)` | `config.s3.addressing_style = "path"` | path-style S3 URLs (`false` adds nothing) |
//! | `.use_fips(b)` | `config.use_fips_endpoint` | FIPS endpoints |
//! | `.use_dual_stack(b)` | `config.use_dualstack_endpoint` | dual-stack endpoints |
//! | `.app_id(id)` | `config.user_agent_appid` | `app/<id>` in the User-Agent |
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
//! Explicit values win over a profile: `region_name` over the profile's
//! region, static credentials or a credentials provider over the profile's
//! credentials; a named profile's credentials are used alone (no silent
//! fall-back to the environment).
//!
//! | `config` entry | effect |
//! |---|---|
//! | `retries.total_max_attempts` | all attempts, the first one included |
//! | `retries.max_attempts` | retries after the first attempt (botocore's legacy meaning): `n + 1` attempts |
//! | `retries.mode` | `standard` or `adaptive` (`legacy` is unsupported) |
//! | `connect_timeout`, `read_timeout` | seconds |
//! | `operation_timeout`, `operation_attempt_timeout` | seconds (Rust SDK options) |
//! | `region_name` | as the param (they must agree when both are given) |
//! | `user_agent_appid` | the SDK app name in the User-Agent |
//! | `use_fips_endpoint`, `use_dualstack_endpoint` | booleans |
//! | `request_checksum_calculation`, `response_checksum_validation` | `when_supported` / `when_required` |
//! | `disable_request_compression`, `request_min_compression_size_bytes` | request compression |
//! | `credential_provider` | `"instance:<n>"` of the provider these params hold (set by `.credentials_provider`) |
//! | `profile_files` | `{"config": path, "credentials": path}` (set by `.profile_files`) |
//! | `s3.addressing_style` | `path`, `virtual` or `auto` (S3 only) |
//! | `s3.use_accelerate_endpoint`, `s3.use_dualstack_endpoint` | booleans (S3 only) |
//!
//! Other botocore names (`max_pool_connections`, `proxies`, `signature_version`,
//! …) are reported as unsupported, and unknown names as well.
//!
//! # TLS and HTTP
//!
//! Clients use one shared HTTPS client: hyper with rustls and the *ring*
//! crypto provider, trusting the system's root certificates (or only the
//! CA bundle given with `.ca_bundle(path)`). The same client is handed to
//! the credentials and region providers that need the network (instance
//! metadata, container credentials, STS web identity and assume-role, and
//! SSO with the `sso` feature). The SDK crates' own default HTTPS client
//! (rustls over aws-lc) is not compiled in, which keeps the C toolchain out
//! of a cold build.
//!
//! # Secrets
//!
//! Keys hold SHA-256 digests of the credentials, never their clear text, and
//! no `Debug` or `Display` output of this crate's types ([`ClientParams`],
//! [`Session`], [`SessionBuilder`], [`Error`], keys) shows an access key id,
//! a secret key or a session token.
//!
//! # Cost
//!
//! A hit costs a key look-up in the core cache plus a clone of the client
//! (an `Arc`). The key (canonical form + SHA-256) is not recomputed on
//! hits, whether the caller keeps its [`ClientParams`] or builds them on
//! every call, the natural call site:
//!
//! - params kept and reused: the key is memoized in the value itself (and
//!   in its clones);
//! - params built per call: each session cache keeps a memo from params to
//!   keys. A record is found only for params equal to those it was made
//!   from in everything the key depends on (secrets, every nested `config`
//!   value, the credentials provider instance; the session's defaults never
//!   change); anything else computes the key. A record holds a copy of the
//!   params, secrets included, and belongs to the cached client it led to:
//!   it leaves with that client (eviction, expiry, removal, invalidation,
//!   `clear`), so the memo never holds a secret longer than the cache holds
//!   the client built from it. Up to four differently written params are
//!   remembered per client.
//!
//! `make bench-aws` measures both against `aws_config` load + `Client::new`.

#![warn(missing_docs)]

// The README's examples are compiled and run with the doc-tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod auth;
mod build;
mod error;
mod instance;
mod memo;
mod params;
#[cfg(feature = "s3")]
mod s3;
mod sdk;
mod session;
mod text;
mod tls;

use std::sync::OnceLock;

pub use auth::AUTH_ERROR_CODES;
pub use clientcache::{Clock, Key, Kind, ManualClock, Policy, RemovalCause, Stats, Value};
pub use error::Error;
pub use params::{ClientParams, Verify};
pub use sdk::{SdkClient, ServiceOptions};
pub use session::{
    DEFAULT_MAX_SIZE, DEFAULT_REFRESH_MARGIN, Session, SessionBuilder, SessionCache,
};

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
