//! `ClientParams`: the parameter vocabulary of docs/identity.md with the
//! clear values the SDK builder needs, and the cache key derived from it.

use std::borrow::Cow;
use std::fmt;
use std::hash::Hasher;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use clientcache::{Key, Kind, Params, Value};

use crate::Error;
use crate::instance::Provider;
use crate::text::Text;

/// TLS certificate verification, boto3's `verify` parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verify {
    /// `verify=true` (the default) or `verify=false`. The Rust SDK's HTTPS
    /// client cannot turn verification off: `Enabled(false)` is rejected with
    /// [`Error::Unsupported`] when a client is built.
    Enabled(bool),
    /// `verify="path/to/ca-bundle.pem"`: trust exactly the PEM certificates
    /// in that file instead of the system roots.
    CaBundle(PathBuf),
}

/// The parameters a client is built from, and the identity of that client.
///
/// The names and meanings are those of boto3's `Session.client`
/// (docs/identity.md, "The parameter vocabulary"): `region_name`,
/// `api_version`, `use_ssl`, `verify`, `endpoint_url`, `aws_access_key_id`,
/// `aws_secret_access_key`, `aws_session_token`, `profile_name` and a
/// free-form `config` object (botocore `Config` names: `retries`,
/// `connect_timeout`, `read_timeout`, `s3`, …; see the crate documentation
/// for the supported entries). The typed builder methods follow the table
/// "SDK options: one mapping for every language" of docs/identity.md, so
/// that the same client configuration gives the same key in Go, Node and
/// Rust.
///
/// `ClientParams` keeps the credentials in clear text because the SDK needs
/// them; the cache [`Key`] built from it only holds their SHA-256 digests.
/// `Debug` prints secrets as `***` and a credentials provider as its
/// instance number.
///
/// The key is computed once per `ClientParams` value and memoized (clones
/// share it). Params built afresh on every call are cheap too: a session
/// finds their key in a memo of the params it has seen, as long as the
/// client built from them is cached (see the crate documentation, "Cost").
///
/// ```
/// use std::time::Duration;
/// use clientcache_aws::ClientParams;
///
/// let params = ClientParams::new()
///     .region_name("us-west-2")
///     .max_attempts(3) // total attempts, the first one included
///     .retry_mode("standard")
///     .connect_timeout(Duration::from_millis(1500))
///     .credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None);
/// let key = params.client_key("s3")?;
/// assert_eq!(
///     key.label(),
///     r#"s3(aws_access_key_id=***, aws_secret_access_key=***, config={"connect_timeout":1.5,"retries":{"mode":"standard","total_max_attempts":3}}, region_name="us-west-2")"#
/// );
/// assert!(!format!("{params:?}").contains("EXAMPLEKEY"));
/// assert!(!format!("{params:?}").contains("AKIAIOSFODNN7EXAMPLE"));
/// # Ok::<(), clientcache_aws::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct ClientParams {
    // Compact (about 100 bytes): the common `region_name` and `config`
    // inline, the rest boxed and allocated only when set, so that building,
    // moving, hashing and dropping the params of a call cost little
    // (a call site builds them on every call).
    pub(crate) region_name: Option<Text>,
    pub(crate) config: Option<Value>,
    more: Option<Box<More>>,
    memo: OnceLock<Key>,
    /// The key of these params merged over a session's defaults:
    /// `(session id, key)`.
    merged_memo: OnceLock<(u64, Key)>,
}

/// The less common parameters of [`ClientParams`].
#[derive(Clone, Default)]
pub(crate) struct More {
    pub(crate) api_version: Option<String>,
    pub(crate) use_ssl: Option<bool>,
    pub(crate) verify: Option<Verify>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) aws_access_key_id: Option<String>,
    pub(crate) aws_secret_access_key: Option<String>,
    pub(crate) aws_session_token: Option<String>,
    /// When the static credentials expire: not part of the key
    /// (docs/identity.md, "Credential metadata is not identity"), but a
    /// session drops the client a refresh margin before that.
    pub(crate) credentials_expiry: Option<SystemTime>,
    pub(crate) profile_name: Option<String>,
    /// `credentials_provider(…)`: recorded in the key as
    /// `config.credential_provider = "instance:<n>"`.
    pub(crate) credentials_provider: Option<Arc<Provider>>,
    /// `force_path_style(false)` was called: it adds nothing to the key,
    /// but it still overrides a session's `force_path_style(true)`.
    pub(crate) no_path_style: bool,
    /// Common `config` entries, kept typed while `config` has no tree.
    pub(crate) typed: Typed,
}

/// The most common `config` entries, set by their builder methods on
/// params that have no `config` tree yet: kept as plain values (no tree of
/// strings to allocate, hash and compare on every call) and written into
/// the tree whenever it is read ([`ClientParams::config_tree`]) or changed
/// otherwise. Invariant: `typed` is empty whenever `config` is `Some`.
#[derive(Clone, Default, PartialEq)]
pub(crate) struct Typed {
    total_max_attempts: Option<u32>,
    retry_mode: Option<Text>,
    connect_timeout: Option<f64>,
    read_timeout: Option<f64>,
}

impl Typed {
    const NONE: Typed = Typed {
        total_max_attempts: None,
        retry_mode: None,
        connect_timeout: None,
        read_timeout: None,
    };

    fn is_empty(&self) -> bool {
        *self == Typed::NONE
    }

    /// Writes the entries into `root`, as their builder methods would
    /// have on a tree.
    fn write_into(&self, root: &mut Value) {
        let Typed {
            total_max_attempts,
            retry_mode,
            connect_timeout,
            read_timeout,
        } = self;
        if let Some(n) = total_max_attempts {
            set_path(root, &["retries", "total_max_attempts"], (*n).into());
        }
        if let Some(mode) = retry_mode {
            set_path(root, &["retries", "mode"], mode.as_str().into());
        }
        if let Some(s) = connect_timeout {
            set_path(root, &["connect_timeout"], (*s).into());
        }
        if let Some(s) = read_timeout {
            set_path(root, &["read_timeout"], (*s).into());
        }
    }

    fn hash<H: Hasher>(&self, state: &mut H) {
        let Typed {
            total_max_attempts,
            retry_mode,
            connect_timeout,
            read_timeout,
        } = self;
        state.write_u64(total_max_attempts.map_or(u64::MAX, u64::from));
        if let Some(mode) = retry_mode {
            state.write(mode.as_bytes());
        }
        for s in [connect_timeout, read_timeout] {
            // 0.0 and -0.0 are equal and serialize alike: one hash.
            state.write_u64(s.map_or(u64::MAX, |s| if s == 0.0 { 0 } else { s.to_bits() }));
        }
    }
}

impl More {
    const NONE: More = More {
        api_version: None,
        use_ssl: None,
        verify: None,
        endpoint_url: None,
        aws_access_key_id: None,
        aws_secret_access_key: None,
        aws_session_token: None,
        credentials_expiry: None,
        profile_name: None,
        credentials_provider: None,
        no_path_style: false,
        typed: Typed::NONE,
    };
}

static NO_MORE: More = More::NONE;

impl More {
    /// See [`ClientParams::same_identity`].
    fn same_identity(&self, other: &More) -> bool {
        // Destructured so that a new field cannot be forgotten here.
        let More {
            api_version,
            use_ssl,
            verify,
            endpoint_url,
            aws_access_key_id,
            aws_secret_access_key,
            aws_session_token,
            credentials_expiry: _, // not identity: not in the key
            profile_name,
            credentials_provider,
            no_path_style,
            typed,
        } = self;
        let same_verify = match (verify, &other.verify) {
            (None, None) => true,
            (Some(Verify::Enabled(a)), Some(Verify::Enabled(b))) => a == b,
            // Byte for byte: `Path`'s own equality compares components, so
            // `a/b` equals `a//b`, whose keys differ.
            (Some(Verify::CaBundle(a)), Some(Verify::CaBundle(b))) => {
                a.as_os_str() == b.as_os_str()
            }
            _ => false,
        };
        let same_provider = match (credentials_provider, &other.credentials_provider) {
            (None, None) => true,
            // One entry per provider object, which numbers it for the key.
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        *api_version == other.api_version
            && *use_ssl == other.use_ssl
            && same_verify
            && *endpoint_url == other.endpoint_url
            && *aws_access_key_id == other.aws_access_key_id
            && *aws_secret_access_key == other.aws_secret_access_key
            && *aws_session_token == other.aws_session_token
            && *profile_name == other.profile_name
            && same_provider
            && *no_path_style == other.no_path_style
            && *typed == other.typed
    }
}

/// The name under which a credentials provider is recorded in `config`.
pub(crate) const CREDENTIAL_PROVIDER: &str = "credential_provider";

/// A [`Duration`] as the JSON number of seconds of the key: the double
/// nearest to the exact number of seconds, from one correctly rounded
/// division (docs/identity.md, "Durations are seconds"); 1234 ms is `1.234`.
fn seconds(d: Duration) -> f64 {
    // u128 → f64 rounds to nearest, and is exact below 2^53 ns (104 days).
    d.as_nanos() as f64 / 1e9
}

impl ClientParams {
    /// The less common parameters (all unset when none was given).
    #[inline]
    pub(crate) fn more(&self) -> &More {
        self.more.as_deref().unwrap_or(&NO_MORE)
    }

    #[inline]
    fn more_mut(&mut self) -> &mut More {
        self.more.get_or_insert_with(Box::default)
    }

    /// The `config` object of the key: the tree, or the typed entries
    /// written into a new one.
    pub(crate) fn config_tree(&self) -> Option<Cow<'_, Value>> {
        let typed = &self.more().typed;
        if typed.is_empty() {
            return self.config.as_ref().map(Cow::Borrowed);
        }
        let mut root = self
            .config
            .clone()
            .unwrap_or_else(|| Value::Object(Vec::new()));
        typed.write_into(&mut root);
        Some(Cow::Owned(root))
    }

    /// Moves the typed entries into the tree, before the tree is changed
    /// otherwise.
    fn move_typed_into_tree(&mut self) {
        if let Some(more) = self.more.as_mut() {
            if !more.typed.is_empty() {
                let typed = std::mem::take(&mut more.typed);
                let root = self.config.get_or_insert_with(|| Value::Object(Vec::new()));
                typed.write_into(root);
            }
        }
    }

    /// The typed entries, if these params keep them typed (no tree yet).
    fn typed_mut(&mut self) -> Option<&mut Typed> {
        if self.config.is_some() {
            None
        } else {
            Some(&mut self.more_mut().typed)
        }
    }

    /// No parameters: region, credentials and profile come from the session
    /// and the environment, as with `boto3.client("s3")`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets the memoized keys after a change. Inlined, like the
    /// setters, so that a builder chain does not move the whole value
    /// through every call.
    #[inline]
    fn changed(mut self) -> Self {
        self.memo.take();
        self.merged_memo.take();
        self
    }

    /// `region_name`.
    #[inline]
    pub fn region_name(mut self, region: impl AsRef<str>) -> Self {
        self.region_name = Some(Text::new(region.as_ref()));
        self.changed()
    }

    /// `api_version`: accepted only when it names the API version the client
    /// type implements (`SdkClient::API_VERSION`, `2006-03-01` for S3).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.more_mut().api_version = Some(version.into());
        self.changed()
    }

    /// `use_ssl`: `false` makes the client talk plain HTTP to the endpoints
    /// it resolves (S3 supports it; see [`crate::SdkClient`]).
    pub fn use_ssl(mut self, use_ssl: bool) -> Self {
        self.more_mut().use_ssl = Some(use_ssl);
        self.changed()
    }

    /// `verify` as a boolean (`false` is rejected when building: the SDK
    /// cannot disable certificate verification).
    pub fn verify(mut self, verify: bool) -> Self {
        self.more_mut().verify = Some(Verify::Enabled(verify));
        self.changed()
    }

    /// `verify` as a CA bundle path: trust the PEM certificates in that file.
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.more_mut().verify = Some(Verify::CaBundle(path.into()));
        self.changed()
    }

    /// `endpoint_url`, e.g. `http://127.0.0.1:5000` for a local test server.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.more_mut().endpoint_url = Some(url.into());
        self.changed()
    }

    /// Static credentials: `aws_access_key_id`, `aws_secret_access_key` and
    /// the optional `aws_session_token`. Replaces a credentials provider set
    /// before.
    pub fn credentials(
        mut self,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        self.more_mut().aws_access_key_id = Some(access_key_id.into());
        self.more_mut().aws_secret_access_key = Some(secret_access_key.into());
        self.more_mut().aws_session_token = session_token;
        self.more_mut().credentials_expiry = None;
        self.more_mut().credentials_provider = None;
        self.changed()
    }

    /// Temporary static credentials that stop working at `expires_at` (from
    /// STS, an SSO role, a broker of your own). The key is the same as with
    /// [`credentials`](Self::credentials): the expiry is metadata, not
    /// identity (docs/identity.md, "Credential metadata is not identity").
    /// A [`Session`](crate::Session) caches the client built from them only
    /// until a refresh margin (5 minutes by default, see
    /// [`SessionBuilder::refresh_margin`](crate::SessionBuilder::refresh_margin))
    /// before `expires_at`; the next call after that builds a new client,
    /// from whatever credentials that call passes.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use clientcache_aws::ClientParams;
    ///
    /// let expires = SystemTime::now() + Duration::from_secs(3600);
    /// let temporary = ClientParams::new().credentials_expiring("ASIAEXAMPLE", "secret", Some("token".into()), expires);
    /// let plain = ClientParams::new().credentials("ASIAEXAMPLE", "secret", Some("token".into()));
    /// assert_eq!(temporary.client_key("s3")?, plain.client_key("s3")?);
    /// assert_eq!(temporary.credentials_expiry(), Some(expires));
    /// # Ok::<(), clientcache_aws::Error>(())
    /// ```
    pub fn credentials_expiring(
        self,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expires_at: SystemTime,
    ) -> Self {
        let mut params = self.credentials(access_key_id, secret_access_key, session_token);
        params.more_mut().credentials_expiry = Some(expires_at);
        params
    }

    /// Static credentials from an SDK [`Credentials`] value: its access key
    /// id, secret, session token and expiry, as
    /// [`credentials_expiring`](Self::credentials_expiring) (or
    /// [`credentials`](Self::credentials) when it has no expiry). Its
    /// provider name and account id are metadata and change nothing.
    pub fn static_credentials(self, credentials: &Credentials) -> Self {
        let params = self.credentials(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            credentials.session_token().map(str::to_owned),
        );
        match credentials.expiry() {
            Some(at) => {
                let mut params = params;
                params.more_mut().credentials_expiry = Some(at);
                params
            }
            None => params,
        }
    }

    /// When the static credentials of these params expire, if they were
    /// given with an expiry.
    pub fn credentials_expiry(&self) -> Option<SystemTime> {
        self.more().credentials_expiry
    }

    /// `aws_access_key_id` alone (building fails unless the secret is set too).
    pub fn aws_access_key_id(mut self, value: impl Into<String>) -> Self {
        self.more_mut().aws_access_key_id = Some(value.into());
        self.changed()
    }

    /// `aws_secret_access_key` alone (building fails unless the key id is set too).
    pub fn aws_secret_access_key(mut self, value: impl Into<String>) -> Self {
        self.more_mut().aws_secret_access_key = Some(value.into());
        self.changed()
    }

    /// `aws_session_token` (needs the key id and the secret too).
    pub fn aws_session_token(mut self, value: impl Into<String>) -> Self {
        self.more_mut().aws_session_token = Some(value.into());
        self.changed()
    }

    /// A credentials provider object (the SDK's `credentials_provider`),
    /// replacing static credentials set before.
    ///
    /// An object is identified by instance (docs/identity.md, "Objects are
    /// identified by instance"): the key records
    /// `config.credential_provider = "instance:<n>"`, where `n` is a number
    /// this process gives the provider object the first time it sees it and
    /// never gives another object. The same object (clones of one
    /// `SharedCredentialsProvider` share it) gives the same key while some
    /// params, a session's defaults or a cached client built with it hold
    /// it; two objects never do, even if they would return the same
    /// credentials. Create the provider once and pass
    /// clones of it: a fresh provider per call means a fresh client per call.
    ///
    /// ```
    /// use aws_credential_types::{Credentials, provider::SharedCredentialsProvider};
    /// use clientcache_aws::ClientParams;
    ///
    /// let provider = SharedCredentialsProvider::new(Credentials::new("AKID", "secret", None, None, "example"));
    /// let a = ClientParams::new().credentials_provider(provider.clone());
    /// let b = ClientParams::new().credentials_provider(provider);
    /// assert_eq!(a.client_key("s3")?, b.client_key("s3")?);
    /// assert!(a.client_key("s3")?.label().contains(r#""credential_provider":"instance:"#));
    /// # Ok::<(), clientcache_aws::Error>(())
    /// ```
    pub fn credentials_provider(mut self, provider: SharedCredentialsProvider) -> Self {
        self.more_mut().aws_access_key_id = None;
        self.more_mut().aws_secret_access_key = None;
        self.more_mut().aws_session_token = None;
        self.more_mut().credentials_expiry = None;
        self.more_mut().credentials_provider = Some(Provider::of(provider));
        self.changed()
    }

    /// `profile_name`: a profile of the shared config/credentials files.
    pub fn profile_name(mut self, profile: impl Into<String>) -> Self {
        self.more_mut().profile_name = Some(profile.into());
        self.changed()
    }

    /// Reads profiles from these files instead of `~/.aws/config` and
    /// `~/.aws/credentials` (or `AWS_CONFIG_FILE` /
    /// `AWS_SHARED_CREDENTIALS_FILE`); a file left out is not read. A Rust
    /// SDK option with no boto3 name: recorded as
    /// `config.profile_files = {"config": path, "credentials": path}`.
    pub fn profile_files(mut self, config: Option<PathBuf>, credentials: Option<PathBuf>) -> Self {
        let mut files = Vec::new();
        if let Some(path) = config {
            files.push(("config".to_owned(), path_value(&path)));
        }
        if let Some(path) = credentials {
            files.push(("credentials".to_owned(), path_value(&path)));
        }
        self.move_typed_into_tree();
        let root = self.config.get_or_insert_with(|| Value::Object(Vec::new()));
        set_path(root, &["profile_files"], Value::Object(files));
        self.changed()
    }

    /// The whole `config` object (botocore `Config` names), replacing any
    /// entries set before. It must be a [`Value::Object`].
    pub fn config(mut self, config: Value) -> Self {
        self.config = Some(config);
        if let Some(more) = self.more.as_mut() {
            more.typed = Typed::NONE;
        }
        self.changed()
    }

    /// Sets `config.<path…>` (creating intermediate objects), e.g.
    /// `config_entry(&["retries", "max_attempts"], 2)` for botocore's
    /// legacy retry count.
    pub fn config_entry(mut self, path: &[&str], value: impl Into<Value>) -> Self {
        self.move_typed_into_tree();
        let root = self.config.get_or_insert_with(|| Value::Object(Vec::new()));
        set_path(root, path, value.into());
        self.changed()
    }

    /// Total attempts, the first one included (the SDK's `max_attempts`):
    /// `config.retries.total_max_attempts = n`, and the client makes at most
    /// `n` attempts. botocore's legacy `config.retries.max_attempts` counts
    /// retries only; it is still accepted through [`config_entry`](Self::config_entry).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        if let Some(typed) = self.typed_mut() {
            typed.total_max_attempts = Some(attempts);
            return self.changed();
        }
        if let Some(retries) = self.config.as_mut().and_then(|c| member_mut(c, "retries")) {
            remove_member(retries, "max_attempts"); // the same option, legacy spelling
        }
        self.config_entry(&["retries", "total_max_attempts"], attempts)
    }

    /// `config.retries.mode`: `standard` or `adaptive`.
    pub fn retry_mode(mut self, mode: impl AsRef<str>) -> Self {
        if let Some(typed) = self.typed_mut() {
            typed.retry_mode = Some(Text::new(mode.as_ref()));
            return self.changed();
        }
        self.config_entry(&["retries", "mode"], mode.as_ref())
    }

    /// `config.connect_timeout`: the time allowed to open a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        if let Some(typed) = self.typed_mut() {
            typed.connect_timeout = Some(seconds(timeout));
            return self.changed();
        }
        self.config_entry(&["connect_timeout"], seconds(timeout))
    }

    /// `config.read_timeout`: the time allowed for the first byte of a
    /// response to arrive.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        if let Some(typed) = self.typed_mut() {
            typed.read_timeout = Some(seconds(timeout));
            return self.changed();
        }
        self.config_entry(&["read_timeout"], seconds(timeout))
    }

    /// `config.operation_timeout`: the whole operation, all attempts
    /// included (a Rust SDK option).
    pub fn operation_timeout(self, timeout: Duration) -> Self {
        self.config_entry(&["operation_timeout"], seconds(timeout))
    }

    /// `config.s3.addressing_style`: `path`, `virtual` or `auto`.
    pub fn addressing_style(mut self, style: &str) -> Self {
        if let Some(more) = self.more.as_mut() {
            more.no_path_style = false;
        }
        self.config_entry(&["s3", "addressing_style"], style)
    }

    /// `true`: path-style S3 URLs (`config.s3.addressing_style = "path"`),
    /// needed by most S3-compatible test servers. `false` is every SDK's
    /// default and adds nothing to the key; it removes a `path` style set
    /// before and overrides a session's `force_path_style(true)`.
    pub fn force_path_style(mut self, force: bool) -> Self {
        if force {
            return self.addressing_style("path");
        }
        self.move_typed_into_tree();
        if self.config.as_mut().is_some_and(remove_path_style) && is_empty_object(&self.config) {
            // Only the path style was set: back to no config at all.
            self.config = None;
        }
        self.more_mut().no_path_style = true;
        self.changed()
    }

    /// `config.use_fips_endpoint`: FIPS endpoints on (`true`) or off
    /// (`false`, kept in the key: unset means "ask the environment").
    pub fn use_fips(self, use_fips: bool) -> Self {
        self.config_entry(&["use_fips_endpoint"], use_fips)
    }

    /// `config.use_dualstack_endpoint`: dual-stack (IPv4 and IPv6)
    /// endpoints on or off (`false` is kept in the key).
    pub fn use_dual_stack(self, use_dual_stack: bool) -> Self {
        self.config_entry(&["use_dualstack_endpoint"], use_dual_stack)
    }

    /// `config.user_agent_appid`: the application id the SDK adds to its
    /// User-Agent (`app/<id>`).
    pub fn app_id(self, app_id: impl Into<String>) -> Self {
        self.config_entry(&["user_agent_appid"], app_id.into())
    }

    /// These params merged over `defaults`, option by option, these params
    /// winning: what a [`Session`](crate::Session) does with its defaults
    /// before it builds a key (docs/identity.md, "Session defaults are part
    /// of the key").
    ///
    /// An option is one top-level parameter, except that:
    ///
    /// - the credentials (`aws_access_key_id`, `aws_secret_access_key`,
    ///   `aws_session_token`, a credentials provider) are one option: any of
    ///   them here replaces all of them in `defaults`;
    /// - `region_name` and `config.region_name` are one option;
    /// - `config` is merged entry by entry, recursively (`config.retries.mode`
    ///   from `defaults` and `config.retries.total_max_attempts` from here
    ///   give both), and `retries.max_attempts` / `retries.total_max_attempts`
    ///   are one option;
    /// - `force_path_style(false)` here removes a `path` addressing style of
    ///   `defaults`.
    ///
    /// ```
    /// use clientcache_aws::ClientParams;
    ///
    /// let session = ClientParams::new().region_name("us-east-1").max_attempts(5);
    /// let call = ClientParams::new().region_name("eu-west-1").retry_mode("adaptive");
    /// let merged = call.with_defaults(&session);
    /// assert_eq!(
    ///     merged.client_key("s3")?.label(),
    ///     r#"s3(config={"retries":{"mode":"adaptive","total_max_attempts":5}}, region_name="eu-west-1")"#
    /// );
    /// # Ok::<(), clientcache_aws::Error>(())
    /// ```
    pub fn with_defaults(&self, defaults: &ClientParams) -> ClientParams {
        let call_tree = self.config_tree();
        let call_region = self.region_name.is_some()
            || call_tree
                .as_deref()
                .and_then(|c| c.get("region_name"))
                .is_some();
        let call_credentials = self.more().aws_access_key_id.is_some()
            || self.more().aws_secret_access_key.is_some()
            || self.more().aws_session_token.is_some()
            || self.more().credentials_provider.is_some();
        let pick = |a: &Option<String>, b: &Option<String>| a.clone().or_else(|| b.clone());
        let (credentials_from, credentials_expiry) = if call_credentials {
            (self, self.more().credentials_expiry)
        } else {
            (defaults, defaults.more().credentials_expiry)
        };
        let (aws_access_key_id, aws_secret_access_key, aws_session_token, credentials_provider) =
            credentials_from.credential_parts();

        let mut base = defaults.config_tree().map(Cow::into_owned);
        let mut removed = false;
        if let Some(base) = base.as_mut() {
            if call_region {
                removed |= remove_member(base, "region_name");
            }
            let call_attempts = call_tree
                .as_deref()
                .and_then(|c| c.get("retries"))
                .is_some_and(|r| {
                    r.get("max_attempts").is_some() || r.get("total_max_attempts").is_some()
                });
            if call_attempts {
                if let Some(retries) = member_mut(base, "retries") {
                    removed |= remove_member(retries, "max_attempts");
                    removed |= remove_member(retries, "total_max_attempts");
                    if retries.as_object().is_some_and(<[_]>::is_empty) {
                        remove_member(base, "retries");
                    }
                }
            }
            let call_style = call_tree
                .as_deref()
                .and_then(|c| c.get("s3"))
                .and_then(|s3| s3.get("addressing_style"))
                .is_some();
            if self.more().no_path_style && !call_style {
                removed |= remove_path_style(base);
            }
        }
        if removed && is_empty_object(&base) {
            // What the defaults had in config was all overridden.
            base = None;
        }
        // A null config is no config (null means absent at the top level).
        let call_config = call_tree.as_deref().filter(|c| !matches!(c, Value::Null));
        let config = match (base, call_config) {
            (None, None) => None,
            (Some(base), None) => Some(base),
            (None, Some(call)) => Some(call.clone()),
            (Some(base), Some(call)) => Some(merge(base, call)),
        };

        let (mine, theirs) = (self.more(), defaults.more());
        let more = More {
            api_version: pick(&mine.api_version, &theirs.api_version),
            use_ssl: mine.use_ssl.or(theirs.use_ssl),
            verify: mine.verify.clone().or_else(|| theirs.verify.clone()),
            endpoint_url: pick(&mine.endpoint_url, &theirs.endpoint_url),
            aws_access_key_id,
            aws_secret_access_key,
            aws_session_token,
            credentials_expiry,
            profile_name: pick(&mine.profile_name, &theirs.profile_name),
            credentials_provider,
            no_path_style: mine.no_path_style || theirs.no_path_style,
            // Written into `config` above.
            typed: Typed::NONE,
        };
        ClientParams {
            region_name: if call_region {
                self.region_name.clone()
            } else {
                defaults.region_name.clone()
            },
            config,
            more: Some(Box::new(more)),
            memo: OnceLock::new(),
            merged_memo: OnceLock::new(),
        }
    }

    #[allow(clippy::type_complexity)]
    fn credential_parts(
        &self,
    ) -> (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<Arc<Provider>>,
    ) {
        (
            self.more().aws_access_key_id.clone(),
            self.more().aws_secret_access_key.clone(),
            self.more().aws_session_token.clone(),
            self.more().credentials_provider.clone(),
        )
    }

    /// True when no parameter is set (merging over these params is a no-op).
    pub fn is_empty(&self) -> bool {
        self.region_name.is_none()
            && self.more().api_version.is_none()
            && self.more().use_ssl.is_none()
            && self.more().verify.is_none()
            && self.more().endpoint_url.is_none()
            && self.more().aws_access_key_id.is_none()
            && self.more().aws_secret_access_key.is_none()
            && self.more().aws_session_token.is_none()
            && self.more().credentials_expiry.is_none()
            && self.more().profile_name.is_none()
            && self.config.is_none()
            && self.more().credentials_provider.is_none()
            && !self.more().no_path_style
            && self.more().typed.is_empty()
    }

    /// The core parameter list (clear secrets; the key digests them).
    pub fn to_params(&self) -> Params {
        let mut p = Params::new();
        let s = |v: &Option<String>| v.clone().map(Value::String);
        let mut config = self.config_tree().map(Cow::into_owned);
        if let Some(provider) = &self.more().credentials_provider {
            let root = config.get_or_insert_with(|| Value::Object(Vec::new()));
            // A config that is not an object is left as it is: the key
            // refuses it, instead of it being rewritten here.
            if matches!(root, Value::Object(_)) {
                set_path(root, &[CREDENTIAL_PROVIDER], provider.key_value().into());
            }
        }
        let entries = [
            (
                "region_name",
                self.region_name
                    .as_ref()
                    .map(|r| Value::String(r.as_str().to_owned())),
            ),
            ("api_version", s(&self.more().api_version)),
            ("use_ssl", self.more().use_ssl.map(Value::Bool)),
            (
                "verify",
                self.more().verify.as_ref().map(|v| match v {
                    Verify::Enabled(b) => Value::Bool(*b),
                    Verify::CaBundle(path) => path_value(path),
                }),
            ),
            ("endpoint_url", s(&self.more().endpoint_url)),
            ("aws_access_key_id", s(&self.more().aws_access_key_id)),
            (
                "aws_secret_access_key",
                s(&self.more().aws_secret_access_key),
            ),
            ("aws_session_token", s(&self.more().aws_session_token)),
            ("profile_name", s(&self.more().profile_name)),
            ("config", config),
        ];
        for (name, value) in entries {
            if let Some(value) = value {
                p.insert(name, value);
            }
        }
        p
    }

    /// The cache key of a client of `service_name` built from these params
    /// alone (no session defaults; see
    /// [`Session::client_key`](crate::Session::client_key) for the key a
    /// session uses).
    pub fn client_key(&self, service_name: &str) -> Result<Key, Error> {
        self.key(Kind::Client, service_name)
    }

    /// The cache key of `kind` for `service_name`, memoized: the second call
    /// with the same kind and service returns the same `Key` allocation.
    pub fn key(&self, kind: Kind, service_name: &str) -> Result<Key, Error> {
        if let Some(key) = self.memo.get() {
            if key.kind() == kind && key.service_name() == service_name {
                return Ok(key.clone());
            }
        }
        let key = Key::new(kind, service_name, &self.to_params())?;
        // Only the first (kind, service) pair is memoized; others recompute.
        let _ = self.memo.set(key.clone());
        Ok(key)
    }

    /// The key memoized in these params for `kind` and `service_name`:
    /// their own key (`session` `None`, a session without defaults) or
    /// their key over the defaults of the session numbered `session`.
    pub(crate) fn memoized_key(
        &self,
        session: Option<u64>,
        kind: Kind,
        service_name: &str,
    ) -> Option<&Key> {
        let key = match session {
            None => self.memo.get()?,
            Some(session) => match self.merged_memo.get()? {
                (id, key) if *id == session => key,
                _ => return None,
            },
        };
        (key.kind() == kind && key.service_name() == service_name).then_some(key)
    }

    /// The key of these params merged over the defaults of the session
    /// numbered `session`, memoized like [`key`](Self::key).
    pub(crate) fn key_over(
        &self,
        session: u64,
        defaults: &ClientParams,
        kind: Kind,
        service_name: &str,
    ) -> Result<Key, Error> {
        if let Some((id, key)) = self.merged_memo.get() {
            if *id == session && key.kind() == kind && key.service_name() == service_name {
                return Ok(key.clone());
            }
        }
        let key = self.with_defaults(defaults).key(kind, service_name)?;
        let _ = self.merged_memo.set((session, key.clone()));
        Ok(key)
    }
}

impl ClientParams {
    /// Feeds every field the key depends on into `state`, for the session
    /// memo (src/memo.rs). Must agree with [`same_identity`](Self::same_identity):
    /// params it calls equal hash equally. One word says which options are
    /// set, then only those are hashed.
    pub(crate) fn hash_identity<H: Hasher>(&self, state: &mut H) {
        // Destructured so that a new field cannot be forgotten here.
        let ClientParams {
            region_name,
            config,
            more: _,
            memo: _,
            merged_memo: _,
        } = self;
        let More {
            api_version,
            use_ssl,
            verify,
            endpoint_url,
            aws_access_key_id,
            aws_secret_access_key,
            aws_session_token,
            credentials_expiry: _, // not identity: not in the key
            profile_name,
            credentials_provider,
            no_path_style,
            typed,
        } = self.more();
        fn string(s: &Option<String>) -> Option<&[u8]> {
            s.as_deref().map(str::as_bytes)
        }
        let strings = [
            region_name.as_ref().map(Text::as_bytes),
            string(api_version),
            string(endpoint_url),
            string(aws_access_key_id),
            string(aws_secret_access_key),
            string(aws_session_token),
            string(profile_name),
        ];
        let mut shape = 0u64;
        for (i, s) in strings.iter().enumerate() {
            shape |= u64::from(s.is_some()) << i;
        }
        shape |= (match use_ssl {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        }) << 8;
        shape |= (match verify {
            None => 0,
            Some(Verify::Enabled(false)) => 1,
            Some(Verify::Enabled(true)) => 2,
            Some(Verify::CaBundle(_)) => 3,
        }) << 10;
        shape |= u64::from(config.is_some()) << 12;
        shape |= u64::from(credentials_provider.is_some()) << 13;
        shape |= u64::from(*no_path_style) << 14;
        state.write_u64(shape);
        for s in strings.into_iter().flatten() {
            state.write(s);
        }
        if let Some(Verify::CaBundle(path)) = verify {
            state.write(path.as_os_str().as_encoded_bytes());
        }
        if let Some(config) = config {
            hash_value(config, state);
        }
        if let Some(provider) = credentials_provider {
            state.write_usize(Arc::as_ptr(provider) as usize);
        }
        if !typed.is_empty() {
            typed.hash(state);
        }
    }

    /// True when `self` and `other` give the same key over any session
    /// defaults: equal in every field the key depends on (the credentials'
    /// expiry is not one). Conservative: params that differ only in how
    /// they are written (member order in `config`, say) are unequal here
    /// although their keys are equal; that costs a memo miss, never a
    /// wrong key.
    pub(crate) fn same_identity(&self, other: &ClientParams) -> bool {
        let ClientParams {
            region_name,
            config,
            more: _,
            memo: _,
            merged_memo: _,
        } = self;
        let (mine, theirs) = (self.more(), other.more());
        *region_name == other.region_name
            && same_config(config.as_ref(), other.config.as_ref())
            && (std::ptr::eq(mine, theirs) || mine.same_identity(theirs))
    }

    /// A copy without the memoized keys, for the session memo.
    pub(crate) fn snapshot(&self) -> ClientParams {
        ClientParams {
            memo: OnceLock::new(),
            merged_memo: OnceLock::new(),
            ..self.clone()
        }
    }
}

/// Feeds a config value into `state`, consistently with [`same_value`].
fn hash_value<H: Hasher>(value: &Value, state: &mut H) {
    match value {
        Value::Null => state.write_u8(0),
        Value::Bool(b) => state.write_u8(1 + u8::from(*b)),
        Value::Number(n) => {
            state.write_u8(3);
            // 0.0 and -0.0 are equal and serialize alike: one hash.
            state.write_u64(if *n == 0.0 { 0 } else { n.to_bits() });
        }
        Value::String(s) => {
            state.write_u8(4);
            state.write(s.as_bytes());
        }
        Value::Array(items) => {
            state.write_u8(5);
            state.write_usize(items.len());
            for item in items {
                hash_value(item, state);
            }
        }
        Value::Object(members) => {
            state.write_u8(6);
            state.write_usize(members.len());
            for (name, item) in members {
                state.write(name.as_bytes());
                hash_value(item, state);
            }
        }
    }
}

fn same_config(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => same_value(a, b),
        _ => false,
    }
}

/// Equality that implies equal canonical forms: numbers by value (NaN is
/// never equal, and never makes a key), objects member by member in
/// order, duplicates included.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Number(a), Value::Number(b)) => a == b,
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_value(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| ka == kb && same_value(va, vb))
        }
        _ => false,
    }
}

/// A path as a JSON string. Paths that are not valid UTF-8 are shown with
/// replacement characters, as `Path::display` does.
fn path_value(path: &std::path::Path) -> Value {
    Value::String(path.to_string_lossy().into_owned())
}

/// The member `name` of an object, if `node` is one and has it.
fn member_mut<'a>(node: &'a mut Value, name: &str) -> Option<&'a mut Value> {
    match node {
        Value::Object(members) => members.iter_mut().find(|(k, _)| k == name).map(|(_, v)| v),
        _ => None,
    }
}

/// Removes every member `name` of an object; true if there was one.
fn remove_member(node: &mut Value, name: &str) -> bool {
    let Value::Object(members) = node else {
        return false;
    };
    let before = members.len();
    members.retain(|(k, _)| k != name);
    members.len() != before
}

fn is_empty_object(value: &Option<Value>) -> bool {
    matches!(value, Some(Value::Object(members)) if members.is_empty())
}

/// Removes `s3.addressing_style` when it is `path`, and `s3` if that
/// leaves it empty; true if it did.
fn remove_path_style(config: &mut Value) -> bool {
    let Some(s3) = member_mut(config, "s3") else {
        return false;
    };
    if s3.get("addressing_style").and_then(Value::as_str) != Some("path") {
        return false;
    }
    remove_member(s3, "addressing_style");
    if s3.as_object().is_some_and(<[_]>::is_empty) {
        remove_member(config, "s3");
    }
    true
}

/// `call` over `base`: objects are merged member by member, recursively;
/// anything else in `call` replaces what `base` has. Duplicate member names
/// are kept as they are, so that the key still refuses them.
fn merge(base: Value, call: &Value) -> Value {
    let (Value::Object(base), Value::Object(call)) = (base, call) else {
        return call.clone();
    };
    let mut base: Vec<(String, Option<Value>)> =
        base.into_iter().map(|(k, v)| (k, Some(v))).collect();
    let mut out = Vec::with_capacity(base.len() + call.len());
    for (name, value) in call {
        let under = base
            .iter_mut()
            .find(|(k, v)| k == name && v.is_some())
            .and_then(|(_, v)| v.take());
        let merged = match under {
            Some(under) => merge(under, value),
            None => value.clone(),
        };
        out.push((name.clone(), merged));
    }
    for (name, value) in base {
        if let Some(value) = value {
            if !call.iter().any(|(k, _)| *k == name) {
                out.push((name, value));
            }
        }
    }
    Value::Object(out)
}

fn set_path(node: &mut Value, path: &[&str], value: Value) {
    let Some((first, rest)) = path.split_first() else {
        *node = value;
        return;
    };
    if !matches!(node, Value::Object(_)) {
        *node = Value::Object(Vec::new());
    }
    let Value::Object(members) = node else {
        unreachable!("just made an object")
    };
    let index = match members.iter().position(|(k, _)| k == first) {
        Some(i) => i,
        None => {
            members.push(((*first).to_owned(), Value::Object(Vec::new())));
            members.len() - 1
        }
    };
    set_path(&mut members[index].1, rest, value);
}

impl fmt::Debug for ClientParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |v: &Option<String>| v.as_ref().map(|_| "***");
        f.debug_struct("ClientParams")
            .field("region_name", &self.region_name)
            .field("api_version", &self.more().api_version)
            .field("use_ssl", &self.more().use_ssl)
            .field("verify", &self.more().verify)
            .field("endpoint_url", &self.more().endpoint_url)
            .field("aws_access_key_id", &secret(&self.more().aws_access_key_id))
            .field(
                "aws_secret_access_key",
                &secret(&self.more().aws_secret_access_key),
            )
            .field("aws_session_token", &secret(&self.more().aws_session_token))
            .field("credentials_expiry", &self.more().credentials_expiry)
            .field("profile_name", &self.more().profile_name)
            .field("config", &self.config_tree())
            .field("credentials_provider", &self.more().credentials_provider)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_members_survive_a_merge_so_the_key_refuses_them() {
        let dup = Value::Object(vec![
            ("read_timeout".into(), 1.into()),
            ("read_timeout".into(), 2.into()),
        ]);
        let defaults = ClientParams::new().read_timeout(Duration::from_secs(3));
        let merged = ClientParams::new().config(dup).with_defaults(&defaults);
        assert!(merged.client_key("s3").is_err());
    }

    #[test]
    fn a_null_config_keeps_the_defaults_config() {
        let defaults = ClientParams::new().max_attempts(4);
        let merged = ClientParams::new()
            .config(Value::Null)
            .with_defaults(&defaults);
        assert_eq!(
            merged.client_key("s3").unwrap(),
            defaults.client_key("s3").unwrap()
        );
    }

    #[test]
    fn nested_objects_merge_and_scalars_replace() {
        let defaults = ClientParams::new()
            .retry_mode("standard")
            .config_entry(&["s3", "use_accelerate_endpoint"], true);
        let call = ClientParams::new()
            .max_attempts(2)
            .config_entry(&["s3", "use_accelerate_endpoint"], false);
        assert_eq!(
            call.with_defaults(&defaults)
                .client_key("s3")
                .unwrap()
                .label(),
            r#"s3(config={"retries":{"mode":"standard","total_max_attempts":2},"s3":{"use_accelerate_endpoint":false}})"#
        );
    }

    /// Hashes with one memo's seed (each memo draws its own).
    fn memo_hash(p: &ClientParams) -> u64 {
        static MEMO: std::sync::LazyLock<crate::memo::Memo> =
            std::sync::LazyLock::new(crate::memo::Memo::new);
        MEMO.hash(Kind::Client, "s3", p)
    }

    /// Pairs of params whose keys differ: the memo's equality must tell
    /// them apart too.
    fn different_pairs() -> Vec<(ClientParams, ClientParams)> {
        let base = || ClientParams::new().region_name("us-west-2");
        vec![
            (base(), ClientParams::new().region_name("us-west-1")),
            (base(), base().endpoint_url("http://127.0.0.1:1")),
            (
                base().credentials("A", "s1", None),
                base().credentials("A", "s2", None),
            ),
            (
                base().credentials("A", "s", None),
                base().credentials("B", "s", None),
            ),
            (
                base().credentials("A", "s", Some("t1".into())),
                base().credentials("A", "s", Some("t2".into())),
            ),
            (
                base().credentials("A", "s", None),
                base().credentials("A", "s", Some(String::new())),
            ),
            (base().max_attempts(3), base().max_attempts(4)),
            (base().retry_mode("standard"), base().retry_mode("adaptive")),
            (
                base().config_entry(&["retries", "max_attempts"], 3),
                base().max_attempts(3),
            ),
            (base().use_fips(false), base()),
            (base().use_ssl(true), base().use_ssl(false)),
            (base().verify(true), base()),
            (base().ca_bundle("a/b.pem"), base().ca_bundle("a//b.pem")),
            (base().ca_bundle("a/b.pem"), base().ca_bundle("a/./b.pem")),
            (base().profile_name("x"), base().profile_name("y")),
            (base().api_version("2006-03-01"), base()),
            (
                base().config(Value::object([("connect_timeout", Value::Number(1.0))])),
                base().config(Value::object([(
                    "connect_timeout",
                    Value::String("1".into()),
                )])),
            ),
        ]
    }

    #[test]
    fn the_memo_equality_tells_apart_every_pair_of_different_keys() {
        for (a, b) in different_pairs() {
            assert_ne!(
                a.client_key("s3").unwrap(),
                b.client_key("s3").unwrap(),
                "{a:?} / {b:?}"
            );
            assert!(!a.same_identity(&b), "{a:?} / {b:?}");
            assert!(!b.same_identity(&a), "{a:?} / {b:?}");
        }
    }

    #[test]
    fn equal_params_have_equal_memo_hashes_and_keys() {
        let make = || {
            ClientParams::new()
                .region_name("us-west-2")
                .max_attempts(3)
                .credentials("AKID", "secret", Some("token".into()))
                .ca_bundle("/etc/ca.pem")
                .config_entry(&["s3", "addressing_style"], "path")
        };
        let (a, b) = (make(), make());
        assert!(a.same_identity(&b));
        let memo = crate::memo::Memo::new();
        assert_eq!(
            memo.hash(Kind::Client, "s3", &a),
            memo.hash(Kind::Client, "s3", &b)
        );
        assert_ne!(
            memo.hash(Kind::Client, "s3", &a),
            memo.hash(Kind::Resource, "s3", &a)
        );
        assert_ne!(
            memo.hash(Kind::Client, "s3", &a),
            memo.hash(Kind::Client, "s3x", &a)
        );
        assert_eq!(a.client_key("s3").unwrap(), b.client_key("s3").unwrap());
        // The expiry is not identity, for the memo as for the key.
        let at = SystemTime::now();
        let c = ClientParams::new().credentials_expiring("A", "s", None, at);
        let d = ClientParams::new().credentials("A", "s", None);
        assert!(c.same_identity(&d));
        assert_eq!(memo_hash(&c), memo_hash(&d));
        // 0.0 and -0.0 serialize alike: equal, and hashed alike.
        let z = ClientParams::new().config_entry(&["read_timeout"], 0.0);
        let nz = ClientParams::new().config_entry(&["read_timeout"], -0.0);
        assert!(z.same_identity(&nz));
        assert_eq!(memo_hash(&z), memo_hash(&nz));
        assert_eq!(z.client_key("s3").unwrap(), nz.client_key("s3").unwrap());
    }

    #[test]
    fn force_path_style_false_is_told_apart_for_the_session_defaults() {
        // It adds nothing to the params' own key, but over defaults with a
        // path style it does: the memo must not confuse the two.
        let plain = ClientParams::new().region_name("us-west-2");
        let unforced = ClientParams::new()
            .region_name("us-west-2")
            .force_path_style(false);
        assert!(!plain.same_identity(&unforced));
        let defaults = ClientParams::new().force_path_style(true);
        assert_ne!(
            plain.with_defaults(&defaults).client_key("s3").unwrap(),
            unforced.with_defaults(&defaults).client_key("s3").unwrap()
        );
    }

    #[test]
    fn provider_instances_are_compared_by_instance() {
        let make =
            || SharedCredentialsProvider::new(Credentials::new("A", "s", None, None, "test"));
        let (p, q) = (make(), make());
        let a = ClientParams::new().credentials_provider(p.clone());
        let b = ClientParams::new().credentials_provider(p);
        let c = ClientParams::new().credentials_provider(q);
        assert!(a.same_identity(&b));
        assert_eq!(memo_hash(&a), memo_hash(&b));
        assert!(!a.same_identity(&c));
        assert_ne!(a.client_key("s3").unwrap(), c.client_key("s3").unwrap());
    }

    fn config_label(p: &ClientParams) -> String {
        p.client_key("s3").unwrap().label().to_owned()
    }

    #[test]
    fn typed_entries_give_the_keys_the_tree_gives() {
        let legacy = |p: ClientParams| p.config_entry(&["retries", "max_attempts"], 2);
        let cases: Vec<(ClientParams, &str)> = vec![
            (
                legacy(ClientParams::new().max_attempts(3)),
                r#"s3(config={"retries":{"max_attempts":2,"total_max_attempts":3}})"#,
            ),
            (
                legacy(ClientParams::new()).max_attempts(3),
                r#"s3(config={"retries":{"total_max_attempts":3}})"#,
            ),
            (
                ClientParams::new()
                    .max_attempts(3)
                    .config(Value::object([("read_timeout", 1.0)])),
                r#"s3(config={"read_timeout":1})"#,
            ),
            (
                ClientParams::new()
                    .retry_mode("standard")
                    .force_path_style(true),
                r#"s3(config={"retries":{"mode":"standard"},"s3":{"addressing_style":"path"}})"#,
            ),
            (
                ClientParams::new()
                    .retry_mode("standard")
                    .force_path_style(false),
                r#"s3(config={"retries":{"mode":"standard"}})"#,
            ),
            (
                ClientParams::new().max_attempts(3).max_attempts(4),
                r#"s3(config={"retries":{"total_max_attempts":4}})"#,
            ),
            (
                ClientParams::new()
                    .read_timeout(Duration::from_millis(2500))
                    .connect_timeout(Duration::from_millis(1500))
                    .app_id("app"),
                r#"s3(config={"connect_timeout":1.5,"read_timeout":2.5,"user_agent_appid":"app"})"#,
            ),
            (
                ClientParams::new()
                    .max_attempts(2)
                    .profile_files(Some("/c".into()), None),
                r#"s3(config={"profile_files":{"config":"/c"},"retries":{"total_max_attempts":2}})"#,
            ),
        ];
        for (params, label) in cases {
            assert_eq!(config_label(&params), label);
            // The same through the public parameter list.
            let again = Key::new(Kind::Client, "s3", &params.to_params()).unwrap();
            assert_eq!(again.label(), label);
        }
    }

    #[test]
    fn typed_entries_merge_with_session_defaults_option_by_option() {
        let defaults = ClientParams::new()
            .region_name("us-east-1")
            .max_attempts(5)
            .retry_mode("standard")
            .read_timeout(Duration::from_secs(9));
        let call = ClientParams::new().max_attempts(4).retry_mode("adaptive");
        assert_eq!(
            config_label(&call.with_defaults(&defaults)),
            r#"s3(config={"read_timeout":9,"retries":{"mode":"adaptive","total_max_attempts":4}}, region_name="us-east-1")"#
        );
        // The legacy count in the call replaces the defaults' total.
        let legacy = ClientParams::new().config_entry(&["retries", "max_attempts"], 1);
        assert_eq!(
            config_label(&legacy.with_defaults(&defaults)),
            r#"s3(config={"read_timeout":9,"retries":{"max_attempts":1,"mode":"standard"}}, region_name="us-east-1")"#
        );
        // Typed defaults under a call without config.
        assert_eq!(
            config_label(&ClientParams::new().with_defaults(&defaults)),
            config_label(&defaults)
        );
        assert!(!format!("{defaults:?}").contains("config: None"));
    }

    #[test]
    fn durations_are_one_correctly_rounded_division() {
        assert_eq!(seconds(Duration::from_millis(1234)), 1.234);
        assert_eq!(seconds(Duration::from_millis(250)), 0.25);
        assert_eq!(seconds(Duration::new(30, 0)), 30.0);
        // 0.1 s + 1 ns: the nearest double to 0.100000001, not 0.1 + 1e-9.
        assert_eq!(seconds(Duration::new(0, 100_000_001)), 0.100000001);
    }
}
