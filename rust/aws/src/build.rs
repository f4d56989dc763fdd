//! Turns `ClientParams` (already merged over the session's defaults) into
//! an `SdkConfig` and the service-specific leftovers. Every parameter and
//! every `config` entry is either applied, handed to the client type, or
//! rejected.

use std::borrow::Cow;
use std::path::PathBuf;
use std::time::Duration;

use aws_config::environment::EnvironmentVariableRegionProvider;
use aws_config::imds::region::ImdsRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::{ProfileFileCredentialsProvider, ProfileFileRegionProvider};
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::{RetryConfig, RetryMode};
use aws_config::timeout::TimeoutConfig;
use aws_config::{AppName, BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_runtime::env_config::file::{
    EnvConfigFileKind as ProfileFileKind, EnvConfigFiles as ProfileFiles,
};
use aws_smithy_types::checksum_config::{RequestChecksumCalculation, ResponseChecksumValidation};
use aws_types::os_shim_internal::{Env, Fs};
use clientcache::Value;

use crate::Error;
use crate::params::{CREDENTIAL_PROVIDER, ClientParams, Verify};
use crate::sdk::ServiceOptions;

/// botocore `Config` names that the Rust SDK builder cannot honour, with the reason.
const UNSUPPORTED_CONFIG: &[(&str, &str)] = &[
    (
        "signature_version",
        "the Rust SDK chooses the signing scheme per operation",
    ),
    (
        "user_agent",
        "the Rust SDK builds its own User-Agent; use user_agent_appid",
    ),
    (
        "user_agent_extra",
        "the Rust SDK builds its own User-Agent; use user_agent_appid",
    ),
    (
        "max_pool_connections",
        "the Rust SDK's HTTP client has no connection-count limit",
    ),
    (
        "proxies",
        "not supported by clientcache-aws; set HTTPS_PROXY in the environment",
    ),
    (
        "proxies_config",
        "not supported by clientcache-aws; set HTTPS_PROXY in the environment",
    ),
    (
        "parameter_validation",
        "the Rust SDK always validates parameters through its types",
    ),
    (
        "client_cert",
        "mutual TLS is not supported by the SDK's default HTTPS client",
    ),
    (
        "inject_host_prefix",
        "the Rust SDK always applies host prefixes",
    ),
    (
        "tcp_keepalive",
        "the SDK's default HTTPS client has no TCP keep-alive setting",
    ),
    (
        "sigv4a_signing_region_set",
        "not supported by clientcache-aws",
    ),
    (
        "account_id_endpoint_mode",
        "not supported by clientcache-aws",
    ),
];

/// The common part of the `config` object, validated.
#[derive(Debug, Default)]
struct CommonConfig {
    region_name: Option<String>,
    retry: Option<RetryConfig>,
    timeouts: Option<TimeoutConfig>,
    app_name: Option<AppName>,
    use_dual_stack: Option<bool>,
    use_fips: Option<bool>,
    request_checksum: Option<RequestChecksumCalculation>,
    response_checksum: Option<ResponseChecksumValidation>,
    disable_compression: Option<bool>,
    min_compression_size: Option<u32>,
    profile_files: Option<ProfileFiles>,
}

/// Builds the `SdkConfig` for a client of `service` from `params` (the
/// call's params merged over the session's defaults) and the options its
/// `SdkClient::build` must take.
pub(crate) async fn load(
    params: &ClientParams,
    service: &'static str,
    api_version: Option<&'static str>,
) -> Result<(SdkConfig, ServiceOptions), Error> {
    let mut options = ServiceOptions::new(service);

    if let Some(v) = &params.more().api_version {
        match api_version {
            Some(api_version) if v != api_version => {
                return Err(Error::unsupported(
                    "api_version",
                    format!("the {service} client type implements API version {api_version} only"),
                ));
            }
            Some(_) => {}
            None => {
                return Err(Error::unsupported(
                    "api_version",
                    format!(
                        "a {service} client built by a constructor (client_with) has no known API version to check it against"
                    ),
                ));
            }
        }
    }

    let common = parse_config(params, &mut options)?;

    // Every client, and every credentials or region provider that needs the
    // network (IMDS, ECS, STS web identity and assume-role, SSO), gets this
    // HTTP client explicitly: the SDK crates are built without a default one.
    let http_client = match &params.more().verify {
        None | Some(Verify::Enabled(true)) => crate::tls::default_client(),
        Some(Verify::Enabled(false)) => {
            return Err(Error::unsupported(
                "verify",
                "the SDK's HTTPS client cannot disable certificate verification; pass a CA bundle path instead",
            ));
        }
        Some(Verify::CaBundle(path)) => crate::tls::client_trusting(path)?,
    };
    let call_region = params.region_name.as_ref().map(|r| r.as_str().to_owned());
    let explicit_region = match (&call_region, &common.region_name) {
        (Some(a), Some(b)) if a != b => {
            return Err(Error::invalid(
                "config.region_name",
                format!("{b:?} contradicts region_name {a:?}"),
            ));
        }
        (Some(a), _) | (None, Some(a)) => Some(a.clone()),
        (None, None) => None,
    };
    // For the providers this function creates (the loader configures its
    // own the same way): the HTTP client, and the region when it is known
    // (STS assume-role needs one).
    let providers = ProviderConfig::default()
        .with_http_client(http_client.clone())
        .with_region(explicit_region.clone().map(Region::new));
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).http_client(http_client);

    // A profile named explicitly is honoured over the environment: what the
    // params do not say explicitly (region, credentials, …) comes from it
    // first, as with boto3's `Session(profile_name=…)`, and what it lacks
    // falls back to the usual chain.
    //
    // Region:      region_name (or config.region_name) > profile > environment
    // Credentials: static credentials or a credentials provider > profile
    //              (only: a profile without usable credentials is an error
    //              at the first request) > environment
    let files = common.profile_files.clone().unwrap_or_default();
    if common.profile_files.is_some() {
        loader = loader.profile_files(files.clone());
    }
    let profile = params.more().profile_name.as_ref();
    if let Some(name) = profile {
        check_profile(name, &files).await?;
        loader = loader.profile_name(name.clone());
    }

    match (explicit_region, profile) {
        (Some(r), _) if r.is_empty() => {
            return Err(Error::invalid("region_name", "must not be empty"));
        }
        (Some(r), _) => loader = loader.region(Region::new(r)),
        (None, Some(name)) => {
            let from_profile = ProfileFileRegionProvider::builder()
                .configure(&providers)
                .profile_name(name.clone())
                .profile_files(files.clone())
                .build();
            // Then the rest of the SDK's default chain, each link given the
            // explicit HTTP client (IMDS needs one).
            let imds = ImdsRegionProvider::builder().configure(&providers).build();
            let chain = RegionProviderChain::first_try(from_profile)
                .or_else(EnvironmentVariableRegionProvider::new())
                .or_else(imds);
            loader = loader.region(chain);
        }
        (None, None) => {}
    }

    let credentials = match (
        static_credentials(params)?,
        &params.more().credentials_provider,
    ) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                "credentials_provider",
                "static credentials and a credentials provider were both given",
            ));
        }
        (Some(c), None) => Some(SharedCredentialsProvider::new(c)),
        (None, Some(p)) => Some(p.provider().clone()),
        (None, None) => None,
    };
    match (credentials, profile) {
        (Some(c), _) => loader = loader.credentials_provider(c),
        (None, Some(name)) => {
            loader = loader.credentials_provider(
                ProfileFileCredentialsProvider::builder()
                    .configure(&providers)
                    .profile_name(name.clone())
                    .profile_files(files.clone())
                    .build(),
            );
        }
        (None, None) => {}
    }

    // Endpoint and scheme.
    if let Some(url) = &params.more().endpoint_url {
        let https = url.starts_with("https://");
        let plain = url.starts_with("http://");
        let host = url.split_once("://").map_or("", |(_, rest)| rest);
        if !(https || plain) || host.is_empty() {
            return Err(Error::invalid(
                "endpoint_url",
                format!("{url:?} is not an http:// or https:// URL"),
            ));
        }
        if let Some(ssl) = params.more().use_ssl {
            if ssl != https {
                return Err(Error::invalid(
                    "use_ssl",
                    format!("use_ssl={ssl} contradicts endpoint_url {url:?}"),
                ));
            }
        }
        loader = loader.endpoint_url(url.clone());
    } else if params.more().use_ssl == Some(false) {
        options.set_plain_http();
    }

    if let Some(retry) = common.retry {
        loader = loader.retry_config(retry);
    }
    if let Some(timeouts) = common.timeouts {
        loader = loader.timeout_config(timeouts);
    }
    if let Some(app) = common.app_name {
        loader = loader.app_name(app);
    }
    if let Some(v) = common.use_dual_stack {
        loader = loader.use_dual_stack(v);
    }
    if let Some(v) = common.use_fips {
        loader = loader.use_fips(v);
    }
    if let Some(v) = common.request_checksum {
        loader = loader.request_checksum_calculation(v);
    }
    if let Some(v) = common.response_checksum {
        loader = loader.response_checksum_validation(v);
    }
    if let Some(v) = common.disable_compression {
        loader = loader.disable_request_compression(v);
    }
    if let Some(v) = common.min_compression_size {
        loader = loader.request_min_compression_size_bytes(v);
    }

    Ok((loader.load().await, options))
}

fn static_credentials(params: &ClientParams) -> Result<Option<Credentials>, Error> {
    match (
        &params.more().aws_access_key_id,
        &params.more().aws_secret_access_key,
        &params.more().aws_session_token,
    ) {
        (None, None, None) => Ok(None),
        (Some(id), Some(secret), token) => {
            if id.is_empty() {
                return Err(Error::invalid("aws_access_key_id", "must not be empty"));
            }
            if secret.is_empty() {
                return Err(Error::invalid("aws_secret_access_key", "must not be empty"));
            }
            Ok(Some(Credentials::new(
                id.clone(),
                secret.clone(),
                token.clone(),
                params.more().credentials_expiry,
                "clientcache-params",
            )))
        }
        (None, _, _) => Err(Error::invalid(
            "aws_access_key_id",
            "missing: static credentials need aws_access_key_id and aws_secret_access_key",
        )),
        (Some(_), None, _) => Err(Error::invalid(
            "aws_secret_access_key",
            "missing: static credentials need aws_access_key_id and aws_secret_access_key",
        )),
    }
}

/// Fails unless the profile exists, as boto3 does (`ProfileNotFound`),
/// instead of letting the SDK fall back silently.
async fn check_profile(name: &str, files: &ProfileFiles) -> Result<(), Error> {
    let set = aws_config::profile::load(
        &Fs::real(),
        &Env::real(),
        files,
        Some(Cow::Owned(name.to_owned())),
    )
    .await
    .map_err(|e| Error::ProfileFiles {
        message: e.to_string(),
    })?;
    if set.get_profile(name).is_none() {
        return Err(Error::ProfileNotFound {
            profile: name.to_owned(),
        });
    }
    Ok(())
}

fn parse_config(
    params: &ClientParams,
    options: &mut ServiceOptions,
) -> Result<CommonConfig, Error> {
    let mut common = CommonConfig::default();
    let tree = params.config_tree();
    let members = match tree.as_deref() {
        None | Some(Value::Null) => return Ok(common),
        Some(Value::Object(members)) => members,
        Some(_) => return Err(Error::invalid("config", "must be an object")),
    };
    let mut timeouts = TimeoutConfig::builder();
    let mut any_timeout = false;
    for (name, value) in members {
        let path = format!("config.{name}");
        if matches!(value, Value::Null) {
            continue; // botocore: an option set to None means "the default"
        }
        match name.as_str() {
            "region_name" => common.region_name = Some(string(&path, value)?.to_owned()),
            "profile_files" => common.profile_files = Some(parse_profile_files(value)?),
            CREDENTIAL_PROVIDER => {
                // Set by `ClientParams::credentials_provider`, which holds the
                // object; a bare "instance:<n>" names no object to use.
                let held = params
                    .more()
                    .credentials_provider
                    .as_ref()
                    .map(|p| p.key_value());
                if held.as_deref() != Some(string(&path, value)?) {
                    return Err(Error::invalid(
                        &path,
                        "a credentials provider is an object: pass it with ClientParams::credentials_provider",
                    ));
                }
            }
            "retries" => common.retry = Some(parse_retries(value)?),
            "connect_timeout" => {
                timeouts = timeouts.connect_timeout(seconds(&path, value)?);
                any_timeout = true;
            }
            "read_timeout" => {
                timeouts = timeouts.read_timeout(seconds(&path, value)?);
                any_timeout = true;
            }
            "operation_timeout" => {
                timeouts = timeouts.operation_timeout(seconds(&path, value)?);
                any_timeout = true;
            }
            "operation_attempt_timeout" => {
                timeouts = timeouts.operation_attempt_timeout(seconds(&path, value)?);
                any_timeout = true;
            }
            "user_agent_appid" => common.app_name = Some(app_name(&path, value)?),
            "use_dualstack_endpoint" => common.use_dual_stack = Some(boolean(&path, value)?),
            "use_fips_endpoint" => common.use_fips = Some(boolean(&path, value)?),
            "request_checksum_calculation" => {
                common.request_checksum = Some(match string(&path, value)? {
                    "when_supported" => RequestChecksumCalculation::WhenSupported,
                    "when_required" => RequestChecksumCalculation::WhenRequired,
                    _ => {
                        return Err(Error::invalid(
                            &path,
                            "must be when_supported or when_required",
                        ));
                    }
                });
            }
            "response_checksum_validation" => {
                common.response_checksum = Some(match string(&path, value)? {
                    "when_supported" => ResponseChecksumValidation::WhenSupported,
                    "when_required" => ResponseChecksumValidation::WhenRequired,
                    _ => {
                        return Err(Error::invalid(
                            &path,
                            "must be when_supported or when_required",
                        ));
                    }
                });
            }
            "disable_request_compression" => {
                common.disable_compression = Some(boolean(&path, value)?)
            }
            "request_min_compression_size_bytes" => {
                common.min_compression_size = Some(integer(&path, value, 0, 10_485_760)?);
            }
            other => {
                if let Some((_, reason)) = UNSUPPORTED_CONFIG.iter().find(|(n, _)| *n == other) {
                    return Err(Error::unsupported(path, *reason));
                }
                options.insert(other.to_owned(), value.clone());
            }
        }
    }
    if any_timeout {
        common.timeouts = Some(timeouts.build());
    }
    Ok(common)
}

/// The SDK's app name for `config.user_agent_appid`. The Rust SDK accepts
/// only the characters of an HTTP token in it; any other character (such as
/// the `/` of `billing-svc/2.1`) is sent as `-` in the User-Agent, the key
/// keeping the id exactly as given.
fn app_name(path: &str, value: &Value) -> Result<AppName, Error> {
    let id = string(path, value)?;
    if id.is_empty() {
        return Err(Error::invalid(path, "must not be empty"));
    }
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    let sent: String = id.chars().map(|c| if token(c) { c } else { '-' }).collect();
    AppName::new(sent).map_err(|e| Error::invalid(path, e.to_string()))
}

fn parse_profile_files(value: &Value) -> Result<ProfileFiles, Error> {
    let Value::Object(members) = value else {
        return Err(Error::invalid("config.profile_files", "must be an object"));
    };
    let mut files = ProfileFiles::builder();
    for (name, value) in members {
        let path = format!("config.profile_files.{name}");
        let kind = match name.as_str() {
            "config" => ProfileFileKind::Config,
            "credentials" => ProfileFileKind::Credentials,
            _ => {
                return Err(Error::unsupported(
                    path,
                    "profile_files takes config and credentials",
                ));
            }
        };
        files = files.with_file(kind, PathBuf::from(string(&path, value)?));
    }
    Ok(files.build())
}

fn parse_retries(value: &Value) -> Result<RetryConfig, Error> {
    let Value::Object(members) = value else {
        return Err(Error::invalid("config.retries", "must be an object"));
    };
    let mut retries = None; // botocore max_attempts: retries after the first attempt
    let mut total = None; // botocore total_max_attempts: all attempts
    let mut mode = RetryMode::Standard;
    for (name, value) in members {
        let path = format!("config.retries.{name}");
        if matches!(value, Value::Null) {
            continue;
        }
        match name.as_str() {
            "max_attempts" => retries = Some(integer(&path, value, 0, 1000)?),
            "total_max_attempts" => total = Some(integer(&path, value, 1, 1001)?),
            "mode" => {
                mode = match string(&path, value)? {
                    "standard" => RetryMode::Standard,
                    "adaptive" => RetryMode::Adaptive,
                    "legacy" => {
                        return Err(Error::unsupported(
                            path,
                            "the Rust SDK implements the standard and adaptive modes only",
                        ));
                    }
                    _ => return Err(Error::invalid(path, "must be standard or adaptive")),
                }
            }
            _ => {
                return Err(Error::unsupported(
                    path,
                    "retries takes max_attempts, total_max_attempts and mode",
                ));
            }
        }
    }
    let attempts = match (retries, total) {
        (Some(r), Some(t)) if r + 1 != t => {
            return Err(Error::invalid(
                "config.retries.total_max_attempts",
                format!(
                    "{t} contradicts max_attempts {r} (which means {} attempts)",
                    r + 1
                ),
            ));
        }
        (Some(r), _) => Some(r + 1),
        (None, t) => t,
    };
    let config = match mode {
        RetryMode::Adaptive => RetryConfig::adaptive(),
        _ => RetryConfig::standard(),
    };
    Ok(match attempts {
        Some(n) => config.with_max_attempts(n),
        None => config,
    })
}

fn string<'a>(path: &str, value: &'a Value) -> Result<&'a str, Error> {
    value
        .as_str()
        .ok_or_else(|| Error::invalid(path, "must be a string"))
}

fn boolean(path: &str, value: &Value) -> Result<bool, Error> {
    value
        .as_bool()
        .ok_or_else(|| Error::invalid(path, "must be a boolean"))
}

fn integer(path: &str, value: &Value, min: u32, max: u32) -> Result<u32, Error> {
    let n = value
        .as_f64()
        .ok_or_else(|| Error::invalid(path, "must be an integer"))?;
    if n.fract() != 0.0 || n < f64::from(min) || n > f64::from(max) {
        return Err(Error::invalid(
            path,
            format!("must be an integer from {min} to {max}"),
        ));
    }
    // In range and integral: the conversion is exact.
    Ok(n as u32)
}

fn seconds(path: &str, value: &Value) -> Result<Duration, Error> {
    let n = value
        .as_f64()
        .ok_or_else(|| Error::invalid(path, "must be a number of seconds"))?;
    if n.is_nan() || n <= 0.0 {
        return Err(Error::invalid(path, "must be a positive number of seconds"));
    }
    Duration::try_from_secs_f64(n).map_err(|_| Error::invalid(path, "is too large"))
}
