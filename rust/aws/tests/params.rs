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
    // Every client gets an explicit HTTPS client (the SDK crates are built
    // without a default one); the pinned one is a dedicated client.
    for c in [&default_client, &pinned] {
        let http = format!("{:?}", c.config().http_client());
        assert!(http.starts_with("Some(SharedHttpClient"), "{http}");
    }

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
    // max_attempts(n) is the SDK's meaning: n attempts in all.
    let c = build(&creds().max_attempts(3).retry_mode("standard"))
        .await
        .unwrap();
    let retry = c.config().retry_config().unwrap();
    assert_eq!(
        retry.max_attempts(),
        3,
        "total attempts, the first included"
    );
    assert_eq!(retry.mode(), RetryMode::Standard);
    let key = creds().max_attempts(3).client_key("s3").unwrap();
    assert!(
        key.label()
            .contains(r#"config={"retries":{"total_max_attempts":3}}"#),
        "{}",
        key.label()
    );

    // botocore's legacy retries.max_attempts counts retries only.
    let legacy = creds().config_entry(&["retries", "max_attempts"], 3);
    let c = build(&legacy).await.unwrap();
    assert_eq!(c.config().retry_config().unwrap().max_attempts(), 4);
    // The typed method replaces a legacy count set before (one option).
    let c = build(&legacy.max_attempts(2)).await.unwrap();
    assert_eq!(c.config().retry_config().unwrap().max_attempts(), 2);

    let c = build(&creds().max_attempts(1).retry_mode("adaptive"))
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
        .config_entry(&["retries", "max_attempts"], 2)
        .config_entry(&["retries", "total_max_attempts"], 5);
    let err = build(&both).await.unwrap_err();
    assert_eq!(err.param(), Some("config.retries.total_max_attempts"));
}

#[tokio::test]
async fn timeouts_configure_the_timeout_config() {
    let p = creds()
        .connect_timeout(Duration::from_millis(1500))
        .read_timeout(Duration::from_secs(20))
        .operation_timeout(Duration::from_secs(30))
        .config_entry(&["operation_attempt_timeout"], 10);
    let c = build(&p).await.unwrap();
    let t = c.config().timeout_config().unwrap();
    assert_eq!(t.connect_timeout(), Some(Duration::from_millis(1500)));
    assert_eq!(t.read_timeout(), Some(Duration::from_secs(20)));
    assert_eq!(t.operation_timeout(), Some(Duration::from_secs(30)));
    assert_eq!(t.operation_attempt_timeout(), Some(Duration::from_secs(10)));

    let c = build(&creds().read_timeout(Duration::from_millis(1234)))
        .await
        .unwrap();
    let t = c.config().timeout_config().unwrap();
    assert_eq!(t.read_timeout(), Some(Duration::from_millis(1234)));

    let err = build(&creds().connect_timeout(Duration::ZERO))
        .await
        .unwrap_err();
    assert_eq!(err.param(), Some("config.connect_timeout"));
    let err = build(&creds().config_entry(&["connect_timeout"], -1.0))
        .await
        .unwrap_err();
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

#[tokio::test]
async fn session_defaults_are_part_of_the_key() {
    // The session's region is in the key of a call that names none: the key
    // describes the client that is built.
    let s = session(); // region us-east-1
    let call = creds();
    let key = s.client_key("s3", &call).unwrap();
    let explicit = creds().region_name("us-east-1").client_key("s3").unwrap();
    assert_eq!(key, explicit);
    assert!(
        key.label().contains(r#"region_name="us-east-1""#),
        "{}",
        key.label()
    );
    let c: S3 = s.client(&call).await.unwrap();
    assert_eq!(c.config().region().unwrap().as_ref(), "us-east-1");
    assert_eq!(s.cache(Policy::Lru).keys(), vec![key.clone()]);
    // The same params in a session with another region: another key.
    let other = Session::builder().region("eu-west-1").build().unwrap();
    assert_ne!(other.client_key("s3", &call).unwrap(), key);
    // Memoized per session: the same Key allocation again.
    let again = s.client_key("s3", &call).unwrap();
    assert!(clientcache_aws::Key::ptr_eq(
        &again,
        &s.client_key("s3", &call).unwrap()
    ));

    // Option by option, the call winning; config merged entry by entry.
    let s = Session::builder()
        .region("us-west-1")
        .credentials("AKIDSESSIONLEVEL", "session-secret", None)
        .defaults(
            ClientParams::new()
                .max_attempts(5)
                .retry_mode("standard")
                .force_path_style(true)
                .endpoint_url("http://s3.example.test:9000"),
        )
        .build()
        .unwrap();
    let call = ClientParams::new()
        .read_timeout(Duration::from_secs(2))
        .retry_mode("adaptive");
    let key = s.client_key("s3", &call).unwrap();
    assert_eq!(
        key.label(),
        r#"s3(aws_access_key_id=***, aws_secret_access_key=***, config={"read_timeout":2,"retries":{"mode":"adaptive","total_max_attempts":5},"s3":{"addressing_style":"path"}}, endpoint_url="http://s3.example.test:9000", region_name="us-west-1")"#
    );
    let c: S3 = s.client(&call).await.unwrap();
    let retry = c.config().retry_config().unwrap();
    assert_eq!(retry.max_attempts(), 5);
    assert_eq!(retry.mode(), aws_sdk_s3::config::retry::RetryMode::Adaptive);
    assert_eq!(
        c.config().timeout_config().unwrap().read_timeout(),
        Some(Duration::from_secs(2))
    );
    let req = head_bucket_request(&c, "bkt").await;
    assert_eq!(req.uri, "http://s3.example.test:9000/bkt/");
    assert!(
        req.header("authorization")
            .unwrap()
            .contains("Credential=AKIDSESSIONLEVEL/")
    );

    // The call's credentials replace all of the session's (one option);
    // force_path_style(false) undoes the session's path style; a legacy
    // retry count replaces the session's total (one option).
    let call = creds()
        .force_path_style(false)
        .config_entry(&["retries", "max_attempts"], 1);
    let key = s.client_key("s3", &call).unwrap();
    assert_eq!(key, {
        creds()
            .region_name("us-west-1")
            .endpoint_url("http://s3.example.test:9000")
            .config_entry(&["retries", "max_attempts"], 1)
            .retry_mode("standard")
            .client_key("s3")
            .unwrap()
    });
    let c: S3 = s.client(&call).await.unwrap();
    assert_eq!(c.config().retry_config().unwrap().max_attempts(), 2);
    let req = head_bucket_request(&c, "bkt").await;
    assert_eq!(req.uri, "http://bkt.s3.example.test:9000/");
    assert!(
        req.header("authorization")
            .unwrap()
            .contains(&format!("Credential={AKID}/"))
    );

    // A call's config.region_name replaces the session's region_name.
    let c: S3 = s
        .client(&creds().config_entry(&["region_name"], "sa-east-1"))
        .await
        .unwrap();
    assert_eq!(c.config().region().unwrap().as_ref(), "sa-east-1");

    // Session profile files are part of the key too.
    let dir = temp_dir("profile-files-key");
    let a = profile_session(&dir);
    let key = a.client_key("s3", &ClientParams::new()).unwrap();
    assert!(
        key.label()
            .contains(r#"config={"profile_files":{"config":"#),
        "{}",
        key.label()
    );
    assert_ne!(key, ClientParams::new().client_key("s3").unwrap());
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn session_region_wins_over_the_calls_profile_region() {
    // Merged params hold an explicit region and a profile: the explicit
    // region wins, as the key (which names the region) says.
    let dir = temp_dir("profile-region");
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    let _ = profile_session(&dir);
    let s = Session::builder()
        .profile_files(Some(config), Some(credentials))
        .region("ap-northeast-1")
        .build()
        .unwrap();
    let call = ClientParams::new().profile_name("cc-test");
    let c: S3 = s.client(&call).await.unwrap();
    assert_eq!(c.config().region().unwrap().as_ref(), "ap-northeast-1");
    let label = s.client_key("s3", &call).unwrap().label().to_owned();
    assert!(label.contains(r#"region_name="ap-northeast-1""#), "{label}");
    // Credentials still come from the profile.
    let req = head_bucket_request(&c, "b").await;
    assert!(
        req.header("authorization")
            .unwrap()
            .contains("Credential=AKIDFROMPROFILE/")
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn typed_options_configure_the_client() {
    let base = creds().region_name("us-west-2");

    let c = build(&base.clone().use_fips(true)).await.unwrap();
    assert_eq!(
        head_bucket_request(&c, "bkt").await.uri,
        "https://bkt.s3-fips.us-west-2.amazonaws.com/"
    );
    let c = build(&base.clone().use_fips(false)).await.unwrap();
    assert_eq!(
        head_bucket_request(&c, "bkt").await.uri,
        "https://bkt.s3.us-west-2.amazonaws.com/"
    );

    let c = build(&base.clone().use_dual_stack(true)).await.unwrap();
    assert_eq!(
        head_bucket_request(&c, "bkt").await.uri,
        "https://bkt.s3.dualstack.us-west-2.amazonaws.com/"
    );
    let c = build(&base.clone().use_dual_stack(false)).await.unwrap();
    assert_eq!(
        head_bucket_request(&c, "bkt").await.uri,
        "https://bkt.s3.us-west-2.amazonaws.com/"
    );

    let c = build(&base.clone().force_path_style(true)).await.unwrap();
    assert_eq!(
        head_bucket_request(&c, "bkt").await.uri,
        "https://s3.us-west-2.amazonaws.com/bkt/"
    );
    // false adds nothing to the key and leaves the SDK default.
    let off = base.clone().force_path_style(false);
    assert_eq!(
        off.client_key("s3").unwrap(),
        base.client_key("s3").unwrap()
    );
    let c = build(&off).await.unwrap();
    assert_eq!(
        head_bucket_request(&c, "bkt").await.uri,
        "https://bkt.s3.us-west-2.amazonaws.com/"
    );
    // ... and it undoes a path style set before.
    let undone = base.clone().force_path_style(true).force_path_style(false);
    assert_eq!(
        undone.client_key("s3").unwrap(),
        base.client_key("s3").unwrap()
    );

    let c = build(&base.clone().app_id("billing-svc")).await.unwrap();
    assert_eq!(c.config().app_name().unwrap().to_string(), "billing-svc");
    let req = head_bucket_request(&c, "bkt").await;
    let ua = req.header("user-agent").unwrap_or_default().to_owned()
        + " "
        + req.header("x-amz-user-agent").unwrap_or_default();
    assert!(ua.contains("app/billing-svc"), "{ua}");
    // A character the SDK refuses in an app name is sent as '-'; the key
    // keeps the id as given.
    let slash = base.clone().app_id("billing-svc/2.1");
    assert!(
        slash
            .client_key("s3")
            .unwrap()
            .label()
            .contains(r#""user_agent_appid":"billing-svc/2.1""#)
    );
    let c = build(&slash).await.unwrap();
    assert_eq!(
        c.config().app_name().unwrap().to_string(),
        "billing-svc-2.1"
    );
    let err = build(&base.clone().app_id("")).await.unwrap_err();
    assert_eq!(err.param(), Some("config.user_agent_appid"), "{err}");

    let c = build(&base.clone().operation_timeout(Duration::from_millis(2500)))
        .await
        .unwrap();
    assert_eq!(
        c.config().timeout_config().unwrap().operation_timeout(),
        Some(Duration::from_millis(2500))
    );

    // Durations enter the key as seconds from one correctly rounded division.
    let key = ClientParams::new()
        .connect_timeout(Duration::from_millis(1234))
        .read_timeout(Duration::new(0, 100_000_001))
        .client_key("s3")
        .unwrap();
    assert_eq!(
        key.label(),
        r#"s3(config={"connect_timeout":1.234,"read_timeout":0.100000001})"#
    );
}

#[tokio::test]
async fn credentials_provider_signs_and_is_identified_by_instance() {
    use aws_credential_types::Credentials;
    use aws_credential_types::provider::SharedCredentialsProvider;

    let provider = SharedCredentialsProvider::new(Credentials::new(
        "AKIDFROMPROVIDER",
        "provider-secret",
        None,
        None,
        "test",
    ));
    let s = session();
    let p = ClientParams::new().credentials_provider(provider.clone());
    let c: S3 = s.client(&p).await.unwrap();
    let req = head_bucket_request(&c, "bkt").await;
    assert!(
        req.header("authorization")
            .unwrap()
            .contains("Credential=AKIDFROMPROVIDER/"),
        "{req:?}"
    );
    // The same object again (a clone, other params): the same key and client.
    let same = ClientParams::new().credentials_provider(provider.clone());
    let key = s.client_key("s3", &same).unwrap();
    assert_eq!(key, s.client_key("s3", &p).unwrap());
    assert!(
        key.label()
            .contains(r#"config={"credential_provider":"instance:"#),
        "{}",
        key.label()
    );
    let c2: S3 = s.client(&same).await.unwrap();
    assert!(std::ptr::eq(c.config(), c2.config()));
    // Another object with the same credentials: another key.
    let twin = SharedCredentialsProvider::new(Credentials::new(
        "AKIDFROMPROVIDER",
        "provider-secret",
        None,
        None,
        "test",
    ));
    let other = ClientParams::new().credentials_provider(twin);
    assert_ne!(s.client_key("s3", &other).unwrap(), key);
    // Static credentials replace a provider and the reverse (one option).
    let replaced = p.clone().credentials(AKID, SECRET, None);
    assert!(
        !replaced
            .client_key("s3")
            .unwrap()
            .label()
            .contains("instance:")
    );
    // A session's provider applies when the call has no credentials.
    let with_provider = Session::builder()
        .region("us-east-1")
        .defaults(ClientParams::new().credentials_provider(provider))
        .build()
        .unwrap();
    assert_eq!(
        with_provider
            .client_key("s3", &ClientParams::new())
            .unwrap(),
        key
    );
    // Both at once (separate setters) is an error naming the option.
    let err = build(
        &ClientParams::new()
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "A", "B", None, None, "test",
            )))
            .aws_access_key_id(AKID)
            .aws_secret_access_key(SECRET),
    )
    .await
    .unwrap_err();
    assert_eq!(err.param(), Some("credentials_provider"), "{err}");
    // A bare "instance:<n>" in a raw config names no object.
    let err = build(&creds().config_entry(&["credential_provider"], "instance:1"))
        .await
        .unwrap_err();
    assert_eq!(err.param(), Some("config.credential_provider"), "{err}");
}

#[tokio::test]
async fn a_provider_in_fresh_params_per_call_shares_one_client() {
    use aws_credential_types::Credentials;
    use aws_credential_types::provider::SharedCredentialsProvider;

    let provider = SharedCredentialsProvider::new(Credentials::new(
        "AKIDPERCALL",
        "per-call-secret",
        None,
        None,
        "test",
    ));
    let s = session();
    let mut keys = Vec::new();
    for _ in 0..3 {
        // Params built and dropped on every call: the cached entry keeps
        // the provider's instance number alive, so the key is the same.
        let params = ClientParams::new().credentials_provider(provider.clone());
        let _: S3 = s.client(&params).await.unwrap();
        keys.push(s.client_key("s3", &params).unwrap());
    }
    assert_eq!(s.builds(), 1);
    assert!(keys.windows(2).all(|w| w[0] == w[1]));
}

/// A TCP server on 127.0.0.1 that answers whatever it receives with bytes
/// that are not TLS, then closes: a client that gets a TLS error from it has
/// a working HTTPS stack (connector built, handshake started).
fn not_tls_server() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        // Bounded: at most a few connections (one attempt per client).
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut buf = [0u8; 512];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.1 400 Not TLS\r\ncontent-length: 0\r\n\r\n");
        }
    });
    format!("https://{addr}")
}

#[tokio::test]
async fn https_clients_send_requests() {
    use aws_sdk_s3::error::SdkError;
    let url = not_tls_server();
    for params in [
        creds().region_name("us-east-1").endpoint_url(url.clone()),
        creds()
            .region_name("us-east-1")
            .endpoint_url(url.clone())
            .ca_bundle(fixture("test-ca.pem")),
    ] {
        let c = build(&params.max_attempts(1).force_path_style(true))
            .await
            .unwrap();
        let err = c.head_bucket().bucket("bkt").send().await.unwrap_err();
        // Dispatched (a connector existed and tried TLS), not a missing
        // HTTP client (a construction failure).
        assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
        // ... and rustls read the server's reply as a TLS record.
        let shown = format!("{err:?}");
        assert!(shown.contains("InvalidContentType"), "{shown}");
    }
}
