//! Turns `ClientParams` (plus the session's defaults) into an `SdkConfig`
//! and the service-specific leftovers. Every parameter and every `config`
//! entry is either applied, handed to the client type, or rejected.

use std::borrow::Cow;
use std::time::Duration;

use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::{ProfileFileCredentialsProvider, ProfileFileRegionProvider};
use aws_config::retry::{RetryConfig, RetryMode};
use aws_config::timeout::TimeoutConfig;
use aws_config::{AppName, BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_runtime::env_config::file::EnvConfigFiles as ProfileFiles;
use aws_smithy_types::checksum_config::{RequestChecksumCalculation, ResponseChecksumValidation};
use aws_types::os_shim_internal::{Env, Fs};
use clientcache::Value;

use crate::Error;
use crate::params::{ClientParams, Verify};
use crate::sdk::ServiceOptions;

/// What a session contributes when the params leave something out.
#[derive(Clone, Debug, Default)]
pub(crate) struct Defaults {
    pub(crate) profile_name: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) profile_files: Option<ProfileFiles>,
}

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
}

/// Builds the `SdkConfig` for a client of `service` and the options its
/// `SdkClient::build` must take.
pub(crate) async fn load(
    defaults: &Defaults,
    params: &ClientParams,
    service: &'static str,
    api_version: &'static str,
) -> Result<(SdkConfig, ServiceOptions), Error> {
    let mut options = ServiceOptions::new(service);

    if let Some(v) = &params.api_version {
        if v != api_version {
            return Err(Error::unsupported(
                "api_version",
                format!("the {service} client type implements API version {api_version} only"),
            ));
        }
    }

    let common = parse_config(params.config.as_ref(), &mut options)?;

    let mut loader = aws_config::defaults(BehaviorVersion::latest());

    // A profile named explicitly (params, else session) is honoured over the
    // environment: its region and credentials come first, as with boto3's
    // `Session(profile_name=…)`; what it lacks falls back to the usual chain.
    //
    // Region:      params > config.region_name > params' profile > session
    //              region > session profile > environment (the SDK chain).
    // Credentials: params > params' profile > session credentials > session
    //              profile > environment (the SDK chain).
    let files = defaults.profile_files.clone().unwrap_or_default();
    let profile = params
        .profile_name
        .clone()
        .or_else(|| defaults.profile_name.clone());
    if defaults.profile_files.is_some() {
        loader = loader.profile_files(files.clone());
    }
    if let Some(name) = &profile {
        check_profile(name, &files).await?;
        loader = loader.profile_name(name.clone());
    }
    let from_params_profile = params.profile_name.is_some();

    let explicit_region = match (&params.region_name, &common.region_name) {
        (Some(a), Some(b)) if a != b => {
            return Err(Error::invalid(
                "config.region_name",
                format!("{b:?} contradicts region_name {a:?}"),
            ));
        }
        (Some(a), _) | (None, Some(a)) => Some(a.clone()),
        (None, None) => None,
    };
    if let Some(r) = &explicit_region {
        if r.is_empty() {
            return Err(Error::invalid("region_name", "must not be empty"));
        }
    }
    let profile_region = |name: &String| {
        ProfileFileRegionProvider::builder()
            .profile_name(name.clone())
            .profile_files(files.clone())
            .build()
    };
    match (
        explicit_region,
        &profile,
        from_params_profile,
        &defaults.region,
    ) {
        (Some(r), ..) => loader = loader.region(Region::new(r)),
        (None, Some(name), true, session_region) => {
            let mut chain = RegionProviderChain::first_try(profile_region(name));
            if let Some(r) = session_region {
                chain = chain.or_else(Region::new(r.clone()));
            }
            loader = loader.region(chain.or_default_provider());
        }
        (None, _, _, Some(r)) => loader = loader.region(Region::new(r.clone())),
        (None, Some(name), _, None) => {
            let chain = RegionProviderChain::first_try(profile_region(name));
            loader = loader.region(chain.or_default_provider());
        }
        (None, None, _, None) => {}
    }

    // Only the profile: a profile without usable credentials is an error at
    // the first request, not a silent fall-back to other credentials.
    let profile_credentials = |name: &String| {
        ProfileFileCredentialsProvider::builder()
            .profile_name(name.clone())
            .profile_files(files.clone())
            .build()
    };
    match (static_credentials(params)?, &profile, &defaults.credentials) {
        (Some(c), ..) => loader = loader.credentials_provider(c),
        (None, Some(name), _) if from_params_profile => {
            loader = loader.credentials_provider(profile_credentials(name));
        }
        (None, _, Some(c)) => loader = loader.credentials_provider(c.clone()),
        (None, Some(name), None) => {
            loader = loader.credentials_provider(profile_credentials(name));
        }
        (None, None, None) => {}
    }

    // Endpoint and scheme.
    if let Some(url) = &params.endpoint_url {
        let https = url.starts_with("https://");
        let plain = url.starts_with("http://");
        let host = url.split_once("://").map_or("", |(_, rest)| rest);
        if !(https || plain) || host.is_empty() {
            return Err(Error::invalid(
                "endpoint_url",
                format!("{url:?} is not an http:// or https:// URL"),
            ));
        }
        if let Some(ssl) = params.use_ssl {
            if ssl != https {
                return Err(Error::invalid(
                    "use_ssl",
                    format!("use_ssl={ssl} contradicts endpoint_url {url:?}"),
                ));
            }
        }
        loader = loader.endpoint_url(url.clone());
    } else if params.use_ssl == Some(false) {
        options.set_plain_http();
    }

    match &params.verify {
        None | Some(Verify::Enabled(true)) => {}
        Some(Verify::Enabled(false)) => {
            return Err(Error::unsupported(
                "verify",
                "the SDK's HTTPS client cannot disable certificate verification; pass a CA bundle path instead",
            ));
        }
        Some(Verify::CaBundle(path)) => {
            loader = loader.http_client(crate::tls::client_trusting(path)?);
        }
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
        &params.aws_access_key_id,
        &params.aws_secret_access_key,
        &params.aws_session_token,
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
                None,
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
    config: Option<&Value>,
    options: &mut ServiceOptions,
) -> Result<CommonConfig, Error> {
    let mut common = CommonConfig::default();
    let members = match config {
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
            "user_agent_appid" => {
                let app = AppName::new(string(&path, value)?.to_owned())
                    .map_err(|e| Error::invalid(&path, e.to_string()))?;
                common.app_name = Some(app);
            }
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
