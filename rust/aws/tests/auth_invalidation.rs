//! Invalidation on authentication errors, with real SDK traffic to a stub
//! HTTP server on 127.0.0.1 that answers every request with an expired or
//! invalid credentials error.

mod common;

use aws_sdk_s3::error::ProvideErrorMetadata;
use clientcache_aws::{ClientParams, Policy, RemovalCause, Session};
use common::{Evictions, Stub};

type S3 = aws_sdk_s3::Client;

const EXPIRED_TOKEN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message><RequestId>stub</RequestId></Error>"#;

fn params(endpoint: &str) -> ClientParams {
    ClientParams::new()
        .endpoint_url(endpoint)
        .region_name("us-east-1")
        .credentials("ASIASTUB", "stub-secret", Some("stub-token".into()))
        .force_path_style(true)
        .max_attempts(1)
}

/// Lists a bucket through `s3`; the stub makes it fail. Checks that the
/// caller gets the SDK's own error for the stub's answer.
async fn failing_call(s3: &S3) {
    let err = s3
        .list_objects_v2()
        .bucket("bucket")
        .send()
        .await
        .expect_err("the stub answers 403");
    let raw = err.raw_response().expect("a response was received");
    assert_eq!(raw.status().as_u16(), 403);
    let service = err.into_service_error();
    assert_eq!(service.code(), Some("ExpiredToken"), "{service:?}");
    assert_eq!(service.message(), Some("The provided token has expired."));
}

#[tokio::test]
async fn an_expired_token_error_evicts_the_client_and_the_next_call_builds_a_new_one() {
    let stub = Stub::start("403 Forbidden", "application/xml", EXPIRED_TOKEN);
    let evictions = Evictions::default();
    let session = Session::builder()
        .on_evict(evictions.listener())
        .build()
        .unwrap();
    let p = params(&stub.url);
    let key = session.client_key("s3", &p).unwrap();

    let s3: S3 = session.client(&p).await.unwrap();
    let cache = session.cache(Policy::Lru);
    assert!(cache.contains(&key));

    failing_call(&s3).await;
    assert_eq!(stub.requests(), 1);
    assert!(!cache.contains(&key), "the client was removed");
    assert_eq!(evictions.all(), vec![(key.clone(), RemovalCause::Removed)]);
    assert_eq!(cache.stats().removals, 1);

    let fresh: S3 = session.client(&p).await.unwrap();
    assert!(
        !std::ptr::eq(s3.config(), fresh.config()),
        "a new client was built"
    );
    assert_eq!(session.builds(), 2);
    assert!(cache.contains(&key));

    // The new client is watched too.
    failing_call(&fresh).await;
    assert!(!cache.contains(&key));
    assert_eq!(evictions.all().len(), 2);
}

#[tokio::test]
async fn with_the_opt_out_nothing_is_evicted() {
    let stub = Stub::start("403 Forbidden", "application/xml", EXPIRED_TOKEN);
    let evictions = Evictions::default();
    let session = Session::builder()
        .invalidate_on_auth_error(false)
        .on_evict(evictions.listener())
        .build()
        .unwrap();
    let p = params(&stub.url);
    let key = session.client_key("s3", &p).unwrap();

    let s3: S3 = session.client(&p).await.unwrap();
    failing_call(&s3).await;
    failing_call(&s3).await;
    assert_eq!(stub.requests(), 2);
    assert!(session.cache(Policy::Lru).contains(&key));
    assert!(evictions.all().is_empty());
    let again: S3 = session.client(&p).await.unwrap();
    assert!(std::ptr::eq(s3.config(), again.config()));
    assert_eq!(session.builds(), 1);
}

#[tokio::test]
async fn an_old_client_failing_does_not_remove_the_newer_one() {
    let stub = Stub::start("403 Forbidden", "application/xml", EXPIRED_TOKEN);
    let session = Session::new();
    let p = params(&stub.url);
    let key = session.client_key("s3", &p).unwrap();

    let old: S3 = session.client(&p).await.unwrap();
    session.cache(Policy::Lru).remove(&key).unwrap();
    let newer: S3 = session.client(&p).await.unwrap();
    assert!(!std::ptr::eq(old.config(), newer.config()));

    failing_call(&old).await;
    assert!(
        session.cache(Policy::Lru).contains(&key),
        "the newer client stays"
    );
    let again: S3 = session.client(&p).await.unwrap();
    assert!(std::ptr::eq(newer.config(), again.config()));
}

#[tokio::test]
async fn other_errors_evict_nothing() {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"#;
    let stub = Stub::start("403 Forbidden", "application/xml", body);
    let session = Session::new();
    let p = params(&stub.url);
    let s3: S3 = session.client(&p).await.unwrap();
    let err = s3
        .list_objects_v2()
        .bucket("bucket")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.code(), Some("AccessDenied"));
    assert!(
        session
            .cache(Policy::Lru)
            .contains(&session.client_key("s3", &p).unwrap())
    );
}

#[tokio::test]
async fn a_client_from_client_with_is_evicted_too() {
    // STS speaks the query protocol: the code is in <ErrorResponse><Error>.
    let body = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error>
  <RequestId>stub</RequestId>
</ErrorResponse>"#;
    let stub = Stub::start("403 Forbidden", "text/xml", body);
    let evictions = Evictions::default();
    let session = Session::builder()
        .on_evict(evictions.listener())
        .build()
        .unwrap();
    let p = ClientParams::new()
        .endpoint_url(&stub.url)
        .region_name("us-east-1")
        .credentials("AKIDSTUB", "stub-secret", None)
        .max_attempts(1);
    let key = session.client_key("sts", &p).unwrap();

    let sts = session
        .client_with("sts", &p, aws_sdk_sts::Client::new)
        .await
        .unwrap();
    let err = sts
        .get_caller_identity()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.code(), Some("InvalidClientTokenId"));
    assert_eq!(evictions.all(), vec![(key, RemovalCause::Removed)]);

    let fresh = session
        .client_with("sts", &p, aws_sdk_sts::Client::new)
        .await
        .unwrap();
    assert!(!std::ptr::eq(sts.config(), fresh.config()));
    assert_eq!(session.builds(), 2);
}

#[tokio::test]
async fn a_client_that_outlives_its_session_fails_normally() {
    let stub = Stub::start("403 Forbidden", "application/xml", EXPIRED_TOKEN);
    let s3: S3 = {
        let session = Session::new();
        session.client(&params(&stub.url)).await.unwrap()
    };
    failing_call(&s3).await;
}

#[tokio::test]
async fn a_json_protocol_error_body_is_recognised_too() {
    // The shape of an error from a JSON service (DynamoDB, Kinesis, …); the
    // watcher does not depend on the client's protocol.
    let body = r#"{"__type":"com.amazon.coral.service#ExpiredTokenException","message":"The security token included in the request is expired"}"#;
    let stub = Stub::start("400 Bad Request", "application/x-amz-json-1.0", body);
    let session = Session::new();
    let p = params(&stub.url);
    let key = session.client_key("s3", &p).unwrap();
    let s3: S3 = session.client(&p).await.unwrap();
    let err = s3
        .list_objects_v2()
        .bucket("bucket")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 400);
    assert!(!session.cache(Policy::Lru).contains(&key));
}
