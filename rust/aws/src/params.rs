//! `ClientParams`: the §2 parameter vocabulary with the clear values the SDK
//! builder needs, and the cache key derived from it.

use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;

use clientcache::{Key, Kind, Params, Value};

use crate::Error;

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
/// The names and meanings are those of boto3's `Session.client` (DESIGN §2):
/// `region_name`, `api_version`, `use_ssl`, `verify`, `endpoint_url`,
/// `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`,
/// `profile_name` and a free-form `config` object (botocore `Config`
/// names: `retries`, `connect_timeout`, `read_timeout`, `s3`, …; see the
/// crate documentation for the supported entries).
///
/// `ClientParams` keeps the credentials in clear text because the SDK needs
/// them; the cache [`Key`] built from it only holds their SHA-256 digests.
/// `Debug` prints secrets as `***`.
///
/// The key is computed once per `ClientParams` value and memoized, so keep
/// the value around (or clone it: clones share the memoized key) to make
/// cached look-ups as cheap as possible.
///
/// ```
/// use clientcache_aws::ClientParams;
///
/// let params = ClientParams::new()
///     .region_name("us-west-2")
///     .max_attempts(3)
///     .retry_mode("standard")
///     .credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None);
/// let key = params.client_key("s3")?;
/// assert_eq!(
///     key.label(),
///     r#"s3(aws_access_key_id=***, aws_secret_access_key=***, config={"retries":{"max_attempts":3,"mode":"standard"}}, region_name="us-west-2")"#
/// );
/// assert!(!format!("{params:?}").contains("EXAMPLEKEY"));
/// # Ok::<(), clientcache_aws::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct ClientParams {
    pub(crate) region_name: Option<String>,
    pub(crate) api_version: Option<String>,
    pub(crate) use_ssl: Option<bool>,
    pub(crate) verify: Option<Verify>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) aws_access_key_id: Option<String>,
    pub(crate) aws_secret_access_key: Option<String>,
    pub(crate) aws_session_token: Option<String>,
    pub(crate) profile_name: Option<String>,
    pub(crate) config: Option<Value>,
    memo: OnceLock<Key>,
}

impl ClientParams {
    /// No parameters: region, credentials and profile come from the session
    /// and the environment, as with `boto3.client("s3")`.
    pub fn new() -> Self {
        Self::default()
    }

    fn changed(mut self) -> Self {
        self.memo = OnceLock::new();
        self
    }

    /// `region_name`.
    pub fn region_name(mut self, region: impl Into<String>) -> Self {
        self.region_name = Some(region.into());
        self.changed()
    }

    /// `api_version`: accepted only when it names the API version the client
    /// type implements (`SdkClient::API_VERSION`, `2006-03-01` for S3).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self.changed()
    }

    /// `use_ssl`: `false` makes the client talk plain HTTP to the endpoints
    /// it resolves (S3 supports it; see [`crate::SdkClient`]).
    pub fn use_ssl(mut self, use_ssl: bool) -> Self {
        self.use_ssl = Some(use_ssl);
        self.changed()
    }

    /// `verify` as a boolean (`false` is rejected when building: the SDK
    /// cannot disable certificate verification).
    pub fn verify(mut self, verify: bool) -> Self {
        self.verify = Some(Verify::Enabled(verify));
        self.changed()
    }

    /// `verify` as a CA bundle path: trust the PEM certificates in that file.
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.verify = Some(Verify::CaBundle(path.into()));
        self.changed()
    }

    /// `endpoint_url`, e.g. `http://127.0.0.1:5000` for a local test server.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self.changed()
    }

    /// Static credentials: `aws_access_key_id`, `aws_secret_access_key` and
    /// the optional `aws_session_token`.
    pub fn credentials(
        mut self,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        self.aws_access_key_id = Some(access_key_id.into());
        self.aws_secret_access_key = Some(secret_access_key.into());
        self.aws_session_token = session_token;
        self.changed()
    }

    /// `aws_access_key_id` alone (building fails unless the secret is set too).
    pub fn aws_access_key_id(mut self, value: impl Into<String>) -> Self {
        self.aws_access_key_id = Some(value.into());
        self.changed()
    }

    /// `aws_secret_access_key` alone (building fails unless the key id is set too).
    pub fn aws_secret_access_key(mut self, value: impl Into<String>) -> Self {
        self.aws_secret_access_key = Some(value.into());
        self.changed()
    }

    /// `aws_session_token` (needs the key id and the secret too).
    pub fn aws_session_token(mut self, value: impl Into<String>) -> Self {
        self.aws_session_token = Some(value.into());
        self.changed()
    }

    /// `profile_name`: a profile of the shared config/credentials files.
    pub fn profile_name(mut self, profile: impl Into<String>) -> Self {
        self.profile_name = Some(profile.into());
        self.changed()
    }

    /// The whole `config` object (botocore `Config` names), replacing any
    /// entries set before. It must be a [`Value::Object`].
    pub fn config(mut self, config: Value) -> Self {
        self.config = Some(config);
        self.changed()
    }

    /// Sets `config.<path…>` (creating intermediate objects), e.g.
    /// `config_entry(&["s3", "addressing_style"], "path")`.
    pub fn config_entry(mut self, path: &[&str], value: impl Into<Value>) -> Self {
        let root = self.config.get_or_insert_with(|| Value::Object(Vec::new()));
        set_path(root, path, value.into());
        self.changed()
    }

    /// `config.retries.max_attempts`: retries after the first attempt
    /// (botocore meaning; the SDK is configured with `max_attempts + 1`
    /// total attempts).
    pub fn max_attempts(self, retries: u32) -> Self {
        self.config_entry(&["retries", "max_attempts"], retries)
    }

    /// `config.retries.mode`: `standard` or `adaptive`.
    pub fn retry_mode(self, mode: &str) -> Self {
        self.config_entry(&["retries", "mode"], mode)
    }

    /// `config.connect_timeout` in seconds.
    pub fn connect_timeout(self, seconds: f64) -> Self {
        self.config_entry(&["connect_timeout"], seconds)
    }

    /// `config.read_timeout` in seconds.
    pub fn read_timeout(self, seconds: f64) -> Self {
        self.config_entry(&["read_timeout"], seconds)
    }

    /// `config.operation_timeout` in seconds (whole operation, all retries).
    pub fn operation_timeout(self, seconds: f64) -> Self {
        self.config_entry(&["operation_timeout"], seconds)
    }

    /// `config.s3.addressing_style`: `path`, `virtual` or `auto`.
    pub fn addressing_style(self, style: &str) -> Self {
        self.config_entry(&["s3", "addressing_style"], style)
    }

    /// The core parameter list (clear secrets; the key digests them).
    pub fn to_params(&self) -> Params {
        let mut p = Params::new();
        let s = |v: &Option<String>| v.clone().map(Value::String);
        let entries = [
            ("region_name", s(&self.region_name)),
            ("api_version", s(&self.api_version)),
            ("use_ssl", self.use_ssl.map(Value::Bool)),
            (
                "verify",
                self.verify.as_ref().map(|v| match v {
                    Verify::Enabled(b) => Value::Bool(*b),
                    Verify::CaBundle(path) => Value::String(path.to_string_lossy().into_owned()),
                }),
            ),
            ("endpoint_url", s(&self.endpoint_url)),
            ("aws_access_key_id", s(&self.aws_access_key_id)),
            ("aws_secret_access_key", s(&self.aws_secret_access_key)),
            ("aws_session_token", s(&self.aws_session_token)),
            ("profile_name", s(&self.profile_name)),
            ("config", self.config.clone()),
        ];
        for (name, value) in entries {
            if let Some(value) = value {
                p.insert(name, value);
            }
        }
        p
    }

    /// The cache key of a client of `service_name` built from these params.
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
            .field("api_version", &self.api_version)
            .field("use_ssl", &self.use_ssl)
            .field("verify", &self.verify)
            .field("endpoint_url", &self.endpoint_url)
            .field("aws_access_key_id", &secret(&self.aws_access_key_id))
            .field(
                "aws_secret_access_key",
                &secret(&self.aws_secret_access_key),
            )
            .field("aws_session_token", &secret(&self.aws_session_token))
            .field("profile_name", &self.profile_name)
            .field("config", &self.config)
            .finish()
    }
}
