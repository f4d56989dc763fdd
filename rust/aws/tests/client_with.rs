//! `Session::client_with`: any aws-sdk client from its `&SdkConfig`
//! constructor (here STS, already a dependency of aws-config), with the
//! identity, single-flight, expiry and errors of the typed path.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use clientcache_aws::{ClientParams, Error, ManualClock, Policy, Session};

type Sts = aws_sdk_sts::Client;

fn params() -> ClientParams {
    ClientParams::new()
        .region_name("eu-central-1")
        .credentials("AKIDWITH", "with-secret", None)
        .max_attempts(3)
}

#[tokio::test]
async fn a_second_service_is_cached_under_its_own_key() {
    let session = Session::new();
    let p = params();
    let a = session.client_with("sts", &p, Sts::new).await.unwrap();
    let b = session
        .client_with("sts", &p, |conf: &aws_config::SdkConfig| Sts::new(conf))
        .await
        .unwrap();
    assert!(std::ptr::eq(a.config(), b.config()));
    assert_eq!(session.builds(), 1);
    assert_eq!(a.config().region().unwrap().as_ref(), "eu-central-1");
    assert_eq!(
        a.config().retry_config().unwrap().max_attempts(),
        3,
        "the common options reach the client"
    );
    let keys = session.cache(Policy::Lru).keys();
    assert_eq!(keys, vec![p.client_key("sts").unwrap()]);
    assert_eq!(
        keys[0].label(),
        r#"sts(aws_access_key_id=***, aws_secret_access_key=***, config={"retries":{"total_max_attempts":3}}, region_name="eu-central-1")"#
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_build() {
    let session = Session::new();
    let p = Arc::new(params().region_name("ap-south-1"));
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let (s, p) = (session.clone(), Arc::clone(&p));
            tokio::spawn(async move { s.client_with("sts", &p, Sts::new).await.unwrap() })
        })
        .collect();
    let mut clients = Vec::new();
    for t in tasks {
        clients.push(t.await.unwrap());
    }
    assert_eq!(session.builds(), 1);
    assert!(
        clients
            .iter()
            .all(|c| std::ptr::eq(c.config(), clients[0].config()))
    );
}

#[tokio::test]
async fn expiring_credentials_expire_here_too() {
    let clock = ManualClock::new();
    let session = Session::builder().clock(clock.clone()).build().unwrap();
    let p = ClientParams::new()
        .region_name("us-east-1")
        .credentials_expiring(
            "ASIAWITH",
            "with-secret",
            Some("with-token".into()),
            SystemTime::now() + Duration::from_secs(900),
        );
    let a = session.client_with("sts", &p, Sts::new).await.unwrap();
    clock.advance(Duration::from_secs(601)); // past expiry minus 5 minutes
    let b = session.client_with("sts", &p, Sts::new).await.unwrap();
    assert!(!std::ptr::eq(a.config(), b.config()));
    assert_eq!(session.cache(Policy::Lru).stats().expirations, 1);
}

#[tokio::test]
async fn options_a_constructor_cannot_honour_are_refused() {
    let session = Session::new();
    let err = session
        .client_with("sts", &params().api_version("2011-06-15"), Sts::new)
        .await
        .unwrap_err();
    assert_eq!(err.param(), Some("api_version"), "{err}");
    let err = session
        .client_with("sts", &params().force_path_style(true), Sts::new)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err}");
    assert_eq!(err.param(), Some("config.s3"));
    assert!(
        session.cache(Policy::Lru).is_empty(),
        "failures are not cached"
    );
}

#[tokio::test]
async fn another_type_under_the_same_key_is_a_type_mismatch() {
    #[derive(Clone)]
    struct NotSts;
    let session = Session::new();
    let p = params();
    session.client_with("sts", &p, Sts::new).await.unwrap();
    let err = session
        .client_with("sts", &p, |_: &aws_config::SdkConfig| NotSts)
        .await
        .err()
        .unwrap();
    assert!(matches!(err, Error::TypeMismatch { .. }), "{err}");
}

#[tokio::test]
async fn the_typed_path_and_client_with_share_a_client() {
    let session = Session::new();
    let p = params();
    let typed: aws_sdk_s3::Client = session.client(&p).await.unwrap();
    let same = session
        .client_with("s3", &p, aws_sdk_s3::Client::new)
        .await
        .unwrap();
    assert!(std::ptr::eq(typed.config(), same.config()));
    assert_eq!(session.builds(), 1);
}
