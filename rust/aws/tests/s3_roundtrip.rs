//! A cached client against a real S3-compatible server on 127.0.0.1
//! (moto, started by `scripts/with-s3-server.sh`, which sets
//! CLIENTCACHE_TEST_S3_ENDPOINT). Skipped with a message when the variable
//! is unset, unless CLIENTCACHE_REQUIRE_S3=1 (as `make test` sets it).

use std::time::{Duration, SystemTime};

use aws_sdk_s3::primitives::ByteStream;
use clientcache_aws::{ClientParams, ManualClock, Policy, Session};

fn endpoint() -> Option<String> {
    match std::env::var("CLIENTCACHE_TEST_S3_ENDPOINT") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CLIENTCACHE_REQUIRE_S3").as_deref() == Ok("1") {
                panic!("CLIENTCACHE_REQUIRE_S3=1 but CLIENTCACHE_TEST_S3_ENDPOINT is not set");
            }
            eprintln!(
                "SKIPPED: CLIENTCACHE_TEST_S3_ENDPOINT is not set; run under scripts/with-s3-server.sh (make test-aws)"
            );
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_client_round_trips_an_object() {
    let Some(endpoint) = endpoint() else { return };
    let session = Session::new();
    let params = ClientParams::new()
        .endpoint_url(endpoint)
        .region_name("us-east-1")
        .credentials("testing", "testing", None)
        .addressing_style("path")
        .max_attempts(2);

    let s3: aws_sdk_s3::Client = session.client(&params).await.unwrap();
    let bucket = format!("clientcache-rust-{}", std::process::id());
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let body = b"hello from clientcache-aws".to_vec();
    s3.put_object()
        .bucket(&bucket)
        .key("greeting.txt")
        .body(ByteStream::from(body.clone()))
        .send()
        .await
        .unwrap();

    // The second call is a hit: the very same client, not a rebuilt one.
    let again: aws_sdk_s3::Client = session.client(&params).await.unwrap();
    assert!(
        std::ptr::eq(s3.config(), again.config()),
        "same underlying config"
    );
    assert_eq!(session.builds(), 1);
    let stats = session.cache(Policy::Lru).stats();
    assert_eq!((stats.hits, stats.misses), (1, 1));

    let got = again
        .get_object()
        .bucket(&bucket)
        .key("greeting.txt")
        .send()
        .await
        .unwrap();
    let bytes = got.body.collect().await.unwrap().into_bytes();
    assert_eq!(bytes.as_ref(), body.as_slice());

    let listed = again
        .list_objects_v2()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let keys: Vec<_> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["greeting.txt"]);

    again
        .delete_object()
        .bucket(&bucket)
        .key("greeting.txt")
        .send()
        .await
        .unwrap();
    again.delete_bucket().bucket(&bucket).send().await.unwrap();
}

/// Puts, reads back and deletes one object through `s3`.
async fn round_trip(s3: &aws_sdk_s3::Client, bucket: &str, body: &[u8]) {
    s3.put_object()
        .bucket(bucket)
        .key("temporary.txt")
        .body(ByteStream::from(body.to_vec()))
        .send()
        .await
        .unwrap();
    let got = s3
        .get_object()
        .bucket(bucket)
        .key("temporary.txt")
        .send()
        .await
        .unwrap();
    let bytes = got.body.collect().await.unwrap().into_bytes();
    assert_eq!(bytes.as_ref(), body);
    s3.delete_object()
        .bucket(bucket)
        .key("temporary.txt")
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_with_temporary_credentials_is_rebuilt_after_expiry_and_works() {
    let Some(endpoint) = endpoint() else { return };
    let clock = ManualClock::new();
    let session = Session::builder().clock(clock.clone()).build().unwrap();
    // Temporary credentials valid for 10 more minutes: cached for about 5.
    let params = ClientParams::new()
        .endpoint_url(endpoint)
        .region_name("us-east-1")
        .credentials_expiring(
            "testing",
            "testing",
            Some("temporary-session-token".into()),
            SystemTime::now() + Duration::from_secs(600),
        )
        .addressing_style("path")
        .max_attempts(2);

    let first: aws_sdk_s3::Client = session.client(&params).await.unwrap();
    let bucket = format!("clientcache-rust-expiry-{}", std::process::id());
    first.create_bucket().bucket(&bucket).send().await.unwrap();
    round_trip(&first, &bucket, b"before expiry").await;
    let hit: aws_sdk_s3::Client = session.client(&params).await.unwrap();
    assert!(std::ptr::eq(first.config(), hit.config()));

    clock.advance(Duration::from_secs(301));
    let second: aws_sdk_s3::Client = session.client(&params).await.unwrap();
    assert!(
        !std::ptr::eq(first.config(), second.config()),
        "a new client after expiry"
    );
    assert_eq!(session.builds(), 2);
    assert_eq!(session.cache(Policy::Lru).stats().expirations, 1);
    round_trip(&second, &bucket, b"after expiry").await;
    second.delete_bucket().bucket(&bucket).send().await.unwrap();
}
