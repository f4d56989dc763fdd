//! Every supported parameter changes the built client; every unsupported
//! one is an error. Nothing here touches the network: requests are captured
//! before transmission (see `common`).

mod common;

use std::path::PathBuf;
use std::time::Duration;

use clientcache_aws::{ClientParams, Error, Policy, Session, Value};
use common::head_bucket_request;

type S3 = aws_sdk_s3::Client;

const AKID: &str = "AKIDCLIENTCACHETEST";
const SECRET: &str = "not-a-real-secret-0123456789";

fn creds() -> ClientParams {
    ClientParams::new().credentials(AKID, SECRET, None)
}

/// Every test client gets a region (here or in its params), so that no
/// test ever lets the SDK look for one on the EC2 metadata service.
fn session() -> Session {
    Session::builder().region("us-east-1").build().unwrap()
}

async fn build(params: &ClientParams) -> Result<S3, Error> {
    session().client::<S3>(params).await
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[tokio::test]
async fn region_name_sets_region_and_endpoint() {
    let c = build(&creds().region_name("us-west-2")).await.unwrap();
    assert_eq!(c.config().region().unwrap().as_ref(), "us-west-2");
    let req = head_bucket_request(&c, "bucket-a").await;
    assert_eq!(req.uri, "https://bucket-a.s3.us-west-2.amazonaws.com/");
    assert!(
        req.header("authorization")
            .unwrap()
            .contains("/us-west-2/s3/aws4_request")
    );

    let c = build(&creds().region_name("eu-central-1")).await.unwrap();
    let req = head_bucket_request(&c, "bucket-a").await;
    assert_eq!(req.uri, "https://bucket-a.s3.eu-central-1.amazonaws.com/");
}

#[tokio::test]
async fn session_region_applies_when_params_have_none() {
    let s = Session::builder().region("ap-southeast-2").build().unwrap();
    let c: S3 = s.client(&creds()).await.unwrap();
    assert_eq!(c.config().region().unwrap().as_ref(), "ap-southeast-2");
    let c: S3 = s.client(&creds().region_name("us-east-2")).await.unwrap();
    assert_eq!(c.config().region().unwrap().as_ref(), "us-east-2");
}

#[tokio::test]
async fn config_region_name_is_honoured_and_must_agree() {
    let p = creds().config_entry(&["region_name"], "sa-east-1");
    let c = build(&p).await.unwrap();
    assert_eq!(c.config().region().unwrap().as_ref(), "sa-east-1");
    let err = build(&p.region_name("us-east-1")).await.unwrap_err();
    assert_eq!(err.param(), Some("config.region_name"), "{err}");
}

#[tokio::test]
async fn endpoint_url_and_addressing_style() {
    let base = creds()
        .region_name("us-east-1")
        .endpoint_url("http://s3.example.test:9000");
    let virtual_host = build(&base.clone().addressing_style("virtual"))
        .await
        .unwrap();
    let req = head_bucket_request(&virtual_host, "bucket-b").await;
    assert_eq!(req.uri, "http://bucket-b.s3.example.test:9000/");

    let path = build(&base.clone().addressing_style("path")).await.unwrap();
    let req = head_bucket_request(&path, "bucket-b").await;
    assert_eq!(req.uri, "http://s3.example.test:9000/bucket-b/");

    let auto = build(&base.clone().addressing_style("auto")).await.unwrap();
    let req = head_bucket_request(&auto, "bucket-b").await;
    assert_eq!(req.uri, "http://bucket-b.s3.example.test:9000/");

    let err = build(&base.addressing_style("sideways")).await.unwrap_err();
    assert_eq!(err.param(), Some("config.s3.addressing_style"), "{err}");

    let err = build(&creds().endpoint_url("ftp://x")).await.unwrap_err();
    assert_eq!(err.param(), Some("endpoint_url"), "{err}");
}

#[tokio::test]
async fn static_credentials_sign_requests() {
    let c = build(&creds().region_name("us-east-1")).await.unwrap();
    let req = head_bucket_request(&c, "bucket-c").await;
    assert!(
        req.header("authorization")
            .unwrap()
            .contains(&format!("Credential={AKID}/"))
    );
    assert_eq!(req.header("x-amz-security-token"), None);

    let with_token = ClientParams::new().region_name("us-east-1").credentials(
        AKID,
        SECRET,
        Some("session-token-xyz".into()),
    );
    let c = build(&with_token).await.unwrap();
    let req = head_bucket_request(&c, "bucket-c").await;
    assert_eq!(
        req.header("x-amz-security-token"),
        Some("session-token-xyz")
    );
}

#[tokio::test]
async fn session_credentials_apply_when_params_have_none() {
    let s = Session::builder()
        .region("us-east-1")
        .credentials("AKIDSESSIONLEVEL", "session-secret", None)
        .build()
        .unwrap();
    let c: S3 = s.client(&ClientParams::new()).await.unwrap();
    let req = head_bucket_request(&c, "b").await;
    assert!(
        req.header("authorization")
            .unwrap()
            .contains("Credential=AKIDSESSIONLEVEL/")
    );
    let c: S3 = s.client(&creds()).await.unwrap();
    let req = head_bucket_request(&c, "b").await;
    assert!(
        req.header("authorization")
            .unwrap()
            .contains(&format!("Credential={AKID}/"))
    );
}

#[tokio::test]
async fn partial_credentials_are_errors_without_leaking_the_secret() {
    let err = build(&ClientParams::new().aws_secret_access_key(SECRET))
        .await
        .unwrap_err();
    assert_eq!(err.param(), Some("aws_access_key_id"));
    assert!(!err.to_string().contains(SECRET));
    let err = build(&ClientParams::new().aws_access_key_id(AKID))
        .await
        .unwrap_err();
    assert_eq!(err.param(), Some("aws_secret_access_key"));
    let err = build(&ClientParams::new().aws_session_token("tok"))
        .await
        .unwrap_err();
    assert_eq!(err.param(), Some("aws_access_key_id"));
}

fn profile_session(dir: &std::path::Path) -> Session {
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(
        &config,
        "[default]\nregion = us-east-1\n\n[profile cc-test]\nregion = eu-north-1\n",
    )
    .unwrap();
    std::fs::write(
        &credentials,
        "[cc-test]\naws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = profile-secret\n",
    )
    .unwrap();
    Session::builder()
        .profile_files(Some(config), Some(credentials))
        .build()
        .unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clientcache-aws-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn profile_name_selects_region_and_credentials() {
    let dir = temp_dir("profile");
    let s = profile_session(&dir);
    let c: S3 = s
        .client(&ClientParams::new().profile_name("cc-test"))
        .await
        .unwrap();
    assert_eq!(c.config().region().unwrap().as_ref(), "eu-north-1");
    let req = head_bucket_request(&c, "bucket-p").await;
    assert!(
        req.header("authorization")
            .unwrap()
            .contains("Credential=AKIDFROMPROFILE/")
    );

    let err = s
        .client::<S3>(&ClientParams::new().profile_name("no-such-profile"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ProfileNotFound { ref profile } if profile == "no-such-profile"),
        "{err}"
    );

    // A session-level profile applies when the params name none.
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    let s = Session::builder()
        .profile_files(Some(config), Some(credentials))
        .profile_name("cc-test")
        .build()
        .unwrap();
    let c: S3 = s.client(&ClientParams::new()).await.unwrap();
    assert_eq!(c.config().region().unwrap().as_ref(), "eu-north-1");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn use_ssl_false_switches_to_plain_http() {
    let c = build(&creds().region_name("us-west-2").use_ssl(false))
        .await
        .unwrap();
    let req = head_bucket_request(&c, "bucket-d").await;
    assert_eq!(req.uri, "http://bucket-d.s3.us-west-2.amazonaws.com/");

    let c = build(&creds().region_name("us-west-2").use_ssl(true))
        .await
        .unwrap();
    let req = head_bucket_request(&c, "bucket-d").await;
    assert_eq!(req.uri, "https://bucket-d.s3.us-west-2.amazonaws.com/");

    let err = build(
        &creds()
            .endpoint_url("https://s3.example.test")
            .use_ssl(false),
    )
    .await
    .unwrap_err();
    assert_eq!(err.param(), Some("use_ssl"), "{err}");
}

#[tokio::test]
async fn verify_ca_bundle_or_error() {
    let base = creds().region_name("us-east-1");
    let default_client = build(&base).await.unwrap();
    let pinned = build(&base.clone().ca_bundle(fixture("test-ca.pem")))
        .await
        .unwrap();
    // A dedicated HTTPS client trusting only that bundle replaces the SDK's
    // default one (which is chosen at request time, so absent from the config).
    assert!(default_client.config().http_client().is_none());
    let pinned_client = format!("{:?}", pinned.config().http_client());
    assert!(
        pinned_client.starts_with("Some(SharedHttpClient"),
        "{pinned_client}"
    );

    let err = build(&base.clone().verify(false)).await.unwrap_err();
    assert!(
        matches!(err, Error::Unsupported { ref param, .. } if param == "verify"),
        "{err}"
    );
    assert!(build(&base.clone().verify(true)).await.is_ok());

    let err = build(&base.clone().ca_bundle(fixture("missing.pem")))
        .await
        .unwrap_err();
    assert_eq!(err.param(), Some("verify"));
    let err = build(&base.clone().ca_bundle(fixture("../params.rs")))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no PEM certificate"), "{err}");
    let dir = temp_dir("bad-pem");
    let bad = dir.join("bad.pem");
    std::fs::write(
        &bad,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let err = build(&base.ca_bundle(&bad)).await.unwrap_err();
    assert_eq!(err.param(), Some("verify"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn retries_configure_the_retry_policy() {
    use aws_sdk_s3::config::retry::RetryMode;
    let c = build(&creds().max_attempts(3).retry_mode("standard"))
        .await
        .unwrap();
    let retry = c.config().retry_config().unwrap();
    assert_eq!(
        retry.max_attempts(),
        4,
        "botocore max_attempts counts retries"
    );
    assert_eq!(retry.mode(), RetryMode::Standard);

    let c = build(&creds().max_attempts(0).retry_mode("adaptive"))
        .await
        .unwrap();
    let retry = c.config().retry_config().unwrap();
    assert_eq!(
        (retry.max_attempts(), retry.mode()),
        (1, RetryMode::Adaptive)
    );

    let c = build(&creds().config_entry(&["retries", "total_max_attempts"], 7))
        .await
        .unwrap();
    assert_eq!(c.config().retry_config().unwrap().max_attempts(), 7);

    let err = build(&creds().retry_mode("legacy")).await.unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err}");
    let err = build(&creds().retry_mode("eager")).await.unwrap_err();
    assert_eq!(err.param(), Some("config.retries.mode"));
    let err = build(&creds().config_entry(&["retries", "max_attempts"], 1.5))
        .await
        .unwrap_err();
    assert_eq!(err.param(), Some("config.retries.max_attempts"));
    let err = build(&creds().config_entry(&["retries", "backoff"], 2))
        .await
        .unwrap_err();
    assert_eq!(err.param(), Some("config.retries.backoff"));
    let both = creds()
        .max_attempts(2)
        .config_entry(&["retries", "total_max_attempts"], 5);
    let err = build(&both).await.unwrap_err();
    assert_eq!(err.param(), Some("config.retries.total_max_attempts"));
}

#[tokio::test]
async fn timeouts_configure_the_timeout_config() {
    let p = creds()
        .connect_timeout(1.5)
        .read_timeout(20.0)
        .operation_timeout(30.0)
        .config_entry(&["operation_attempt_timeout"], 10);
    let c = build(&p).await.unwrap();
    let t = c.config().timeout_config().unwrap();
    assert_eq!(t.connect_timeout(), Some(Duration::from_millis(1500)));
    assert_eq!(t.read_timeout(), Some(Duration::from_secs(20)));
    assert_eq!(t.operation_timeout(), Some(Duration::from_secs(30)));
    assert_eq!(t.operation_attempt_timeout(), Some(Duration::from_secs(10)));

    let err = build(&creds().connect_timeout(-1.0)).await.unwrap_err();
    assert_eq!(err.param(), Some("config.connect_timeout"));
    let err = build(&creds().config_entry(&["read_timeout"], "soon"))
        .await
        .unwrap_err();
    assert_eq!(err.param(), Some("config.read_timeout"));
}

#[tokio::test]
async fn endpoint_variants_fips_dualstack_accelerate() {
    let base = creds().region_name("us-west-2");
    let c = build(&base.clone().config_entry(&["use_fips_endpoint"], true))
        .await
        .unwrap();
    assert_eq!(
        head_bucket_request(&c, "bkt").await.uri,
        "https://bkt.s3-fips.us-west-2.amazonaws.com/"
    );

    let c = build(&base.clone().config_entry(&["use_dualstack_endpoint"], true))
        .await
        .unwrap();
    assert_eq!(
        head_bucket_request(&c, "bkt").await.uri,
        "https://bkt.s3.dualstack.us-west-2.amazonaws.com/"
    );

    let c = build(
        &base
            .clone()
            .config_entry(&["s3", "use_dualstack_endpoint"], true),
    )
    .await
    .unwrap();
    assert_eq!(
        head_bucket_request(&c, "bkt").await.uri,
        "https://bkt.s3.dualstack.us-west-2.amazonaws.com/"
    );

    let c = build(
        &base
            .clone()
            .config_entry(&["s3", "use_accelerate_endpoint"], true),
    )
    .await
    .unwrap();
    assert_eq!(
        head_bucket_request(&c, "bkt").await.uri,
        "https://bkt.s3-accelerate.amazonaws.com/"
    );

    let err = build(&base.config_entry(&["s3", "use_accelerate_endpoint"], "yes"))
        .await
        .unwrap_err();
    assert_eq!(err.param(), Some("config.s3.use_accelerate_endpoint"));
}

#[tokio::test]
async fn user_agent_appid_and_checksums() {
    let p = creds()
        .region_name("us-east-1")
        .config_entry(&["user_agent_appid"], "cc-test-app")
        .config_entry(&["request_checksum_calculation"], "when_required")
        .config_entry(&["response_checksum_validation"], "when_required");
    let c = build(&p).await.unwrap();
    assert_eq!(c.config().app_name().unwrap().to_string(), "cc-test-app");
    assert_eq!(
        c.config().request_checksum_calculation(),
        Some(&aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired)
    );
    assert_eq!(
        c.config().response_checksum_validation(),
        Some(&aws_sdk_s3::config::ResponseChecksumValidation::WhenRequired)
    );
    let req = head_bucket_request(&c, "bkt").await;
    let ua = req.header("user-agent").unwrap_or_default().to_owned()
        + " "
        + req.header("x-amz-user-agent").unwrap_or_default();
    assert!(ua.contains("app/cc-test-app"), "{ua}");

    let err = build(&creds().config_entry(&["request_checksum_calculation"], "always"))
        .await
        .unwrap_err();
    assert_eq!(err.param(), Some("config.request_checksum_calculation"));
}

#[tokio::test]
async fn api_version_must_match_the_client_type() {
    assert!(build(&creds().api_version("2006-03-01")).await.is_ok());
    let err = build(&creds().api_version("2001-01-01")).await.unwrap_err();
    assert!(
        matches!(err, Error::Unsupported { ref param, .. } if param == "api_version"),
        "{err}"
    );
}

#[tokio::test]
async fn unsupported_and_unknown_config_entries_are_errors() {
    for (entry, value) in [
        ("max_pool_connections", Value::from(20)),
        ("signature_version", Value::from("s3v4")),
        ("proxies", Value::object([("https", "http://proxy:3128")])),
        ("tcp_keepalive", Value::from(true)),
        ("no_such_option", Value::from(1)),
    ] {
        let err = build(&creds().config_entry(&[entry], value))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Unsupported { .. }), "{entry}: {err}");
        assert_eq!(err.param(), Some(format!("config.{entry}").as_str()));
    }
    let err = build(&creds().config_entry(&["s3", "payload_signing_enabled"], true))
        .await
        .unwrap_err();
    assert_eq!(err.param(), Some("config.s3.payload_signing_enabled"));
    let err = build(&creds().config(Value::from("fast")))
        .await
        .unwrap_err();
    assert!(
        err.param().is_some_and(|p| p.starts_with("config")) || matches!(err, Error::Cache(_)),
        "{err}"
    );
    // Null entries mean "the default" (botocore `None`).
    assert!(
        build(&creds().config_entry(&["connect_timeout"], Value::Null))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn failed_builds_are_not_cached_and_are_retried() {
    let s = session();
    let bad = ClientParams::new().profile_name("clientcache-no-such-profile");
    assert!(s.client::<S3>(&bad).await.is_err());
    assert_eq!(
        s.cache(Policy::Lru).len(),
        0,
        "a failed build leaves no entry"
    );
    assert!(s.client::<S3>(&bad).await.is_err());
    assert_eq!(s.builds(), 2, "the second call tried again");
}

#[tokio::test]
async fn equal_params_share_one_client_different_params_do_not() {
    let s = session();
    let p = creds().region_name("us-west-2").max_attempts(3);
    let a: S3 = s.client(&p).await.unwrap();
    // Built separately but equal: same key, same client.
    let same = creds().max_attempts(3).region_name("us-west-2");
    let b: S3 = s.client(&same).await.unwrap();
    assert!(std::ptr::eq(a.config(), b.config()));
    let c: S3 = s.client(&p.clone().max_attempts(4)).await.unwrap();
    assert!(!std::ptr::eq(a.config(), c.config()));
    assert_eq!(s.builds(), 2);
    let stats = s.cache(Policy::Lru).stats();
    assert_eq!((stats.hits, stats.misses, stats.len), (1, 2, 2));
}
