//! The session's memo from params built per call to keys: it must never
//! hand out a client for params that differ from the ones it was built from
//! in anything the key distinguishes, and its records (which hold the
//! params, secrets included) must leave with the cached client they
//! belong to.
//!
//! Every call here builds its params afresh, as a natural call site does,
//! so that the params' own memo (reused params) is never what finds the
//! key; each test then checks the client it got against its params.

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_s3::error::ProvideErrorMetadata;
use clientcache_aws::{ClientParams, ManualClock, Policy, RemovalCause, Session, Value};
use common::{Evictions, Stub};

type S3 = aws_sdk_s3::Client;

fn same(a: &S3, b: &S3) -> bool {
    std::ptr::eq(a.config(), b.config())
}

fn creds(id: &str, secret: &str, token: Option<&str>) -> ClientParams {
    ClientParams::new()
        .region_name("us-west-2")
        .credentials(id, secret, token.map(str::to_owned))
}

/// The access key id and session token the client signs a request with.
async fn signing(s3: &S3) -> (String, Option<String>) {
    let req = common::head_bucket_request(s3, "bucket").await;
    let auth = req.header("authorization").expect("a signed request");
    let id = auth
        .split("Credential=")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("a credential scope");
    (
        id.to_owned(),
        req.header("x-amz-security-token").map(str::to_owned),
    )
}

fn region(s3: &S3) -> String {
    s3.config().region().expect("a region").to_string()
}

fn attempts(s3: &S3) -> u32 {
    s3.config()
        .retry_config()
        .expect("retry config")
        .max_attempts()
}

#[tokio::test]
async fn params_that_differ_only_in_a_secret_get_their_own_clients() {
    let session = Session::new();
    let cases = [
        ("AKIDMEMO", "secret-one", None),
        ("AKIDMEMO", "secret-two", None),
        ("AKIDMEMO", "secret-one", Some("token-a")),
        ("AKIDMEMO", "secret-one", Some("token-b")),
        ("AKIDOTHER", "secret-one", None),
    ];
    let mut first: Vec<S3> = Vec::new();
    for &(id, secret, token) in &cases {
        let s3 = session
            .client::<S3>(&creds(id, secret, token))
            .await
            .unwrap();
        assert!(first.iter().all(|other| !same(other, &s3)));
        first.push(s3);
    }
    assert_eq!(session.builds(), cases.len() as u64);
    // Again, several times each, interleaved: every call gets the client of
    // its own credentials, now found through the memo.
    for _ in 0..3 {
        for (i, &(id, secret, token)) in cases.iter().enumerate() {
            let s3: S3 = session.client(&creds(id, secret, token)).await.unwrap();
            // The very client built (through the computed key) for these
            // credentials: the five are all different clients.
            assert!(same(&s3, &first[i]), "case {i}");
            let (signed_id, signed_token) = signing(&s3).await;
            assert_eq!(signed_id, id);
            assert_eq!(signed_token.as_deref(), token);
        }
    }
    assert_eq!(session.builds(), cases.len() as u64);
    assert_eq!(session.memo_records(), cases.len());
}

#[tokio::test]
async fn nested_config_values_are_compared_in_full() {
    let session = Session::new();
    let three = || ClientParams::new().region_name("us-west-2").max_attempts(3);
    let four = || ClientParams::new().region_name("us-west-2").max_attempts(4);
    let a: S3 = session.client(&three()).await.unwrap();
    let b: S3 = session.client(&four()).await.unwrap();
    assert!(!same(&a, &b));
    for _ in 0..3 {
        let a2: S3 = session.client(&three()).await.unwrap();
        let b2: S3 = session.client(&four()).await.unwrap();
        assert!(same(&a, &a2) && attempts(&a2) == 3);
        assert!(same(&b, &b2) && attempts(&b2) == 4);
    }

    // Deeper: config.s3.use_accelerate_endpoint true / false.
    let accelerate = |on: bool| {
        creds("AKIDACCEL", "accel-secret", None)
            .config_entry(&["s3", "use_accelerate_endpoint"], on)
    };
    let on: S3 = session.client(&accelerate(true)).await.unwrap();
    let off: S3 = session.client(&accelerate(false)).await.unwrap();
    assert!(!same(&on, &off));
    let on2: S3 = session.client(&accelerate(true)).await.unwrap();
    let off2: S3 = session.client(&accelerate(false)).await.unwrap();
    assert!(same(&on, &on2) && same(&off, &off2));
    let on_uri = common::head_bucket_request(&on2, "bucket").await.uri;
    let off_uri = common::head_bucket_request(&off2, "bucket").await.uri;
    assert!(on_uri.contains("s3-accelerate"), "{on_uri}");
    assert!(!off_uri.contains("s3-accelerate"), "{off_uri}");

    // A number and a string of the same digits are different values.
    let number = || {
        ClientParams::new()
            .region_name("us-west-2")
            .config(Value::object([("connect_timeout", Value::Number(2.0))]))
    };
    let n1: S3 = session.client(&number()).await.unwrap();
    let n2: S3 = session.client(&number()).await.unwrap();
    assert!(same(&n1, &n2));
    assert_ne!(
        session.client_key("s3", &number()).unwrap(),
        session.client_key("s3", &three()).unwrap()
    );
    assert_eq!(session.builds(), 5);
}

#[tokio::test]
async fn params_written_differently_with_one_key_share_one_client() {
    // Written differently, one key: one client, and both shapes are
    // memoized for it.
    let session = Session::new();
    let typed = || {
        ClientParams::new()
            .region_name("eu-west-1")
            .max_attempts(2)
            .retry_mode("standard")
    };
    let tree = || {
        ClientParams::new()
            .config_entry(&["retries", "mode"], "standard")
            .config_entry(&["retries", "total_max_attempts"], 2)
            .region_name("eu-west-1")
    };
    // The typed entries do not depend on the order they were set in.
    let reordered = || {
        ClientParams::new()
            .retry_mode("standard")
            .max_attempts(2)
            .region_name("eu-west-1")
    };
    assert_eq!(
        session.client_key("s3", &typed()).unwrap(),
        session.client_key("s3", &tree()).unwrap()
    );
    let x: S3 = session.client(&typed()).await.unwrap();
    let y: S3 = session.client(&tree()).await.unwrap();
    let z: S3 = session.client(&reordered()).await.unwrap();
    assert!(same(&x, &y) && same(&x, &z));
    assert_eq!(attempts(&y), 2);
    assert_eq!(session.builds(), 1);
    assert_eq!(session.memo_records(), 2);
}

#[tokio::test]
async fn provider_instances_are_told_apart() {
    let session = Session::new();
    let make = || {
        SharedCredentialsProvider::new(Credentials::new(
            "AKIDPROVIDER",
            "provider-secret",
            None,
            None,
            "test",
        ))
    };
    // Two objects with the same credentials: two clients.
    let (p1, p2) = (make(), make());
    let with = |p: &SharedCredentialsProvider| {
        ClientParams::new()
            .region_name("us-west-2")
            .credentials_provider(p.clone())
    };
    let a: S3 = session.client(&with(&p1)).await.unwrap();
    let b: S3 = session.client(&with(&p2)).await.unwrap();
    assert!(!same(&a, &b));
    for _ in 0..3 {
        assert!(same(&a, &session.client::<S3>(&with(&p1)).await.unwrap()));
        assert!(same(&b, &session.client::<S3>(&with(&p2)).await.unwrap()));
    }
    assert_eq!(session.builds(), 2);
}

#[tokio::test]
async fn a_provider_seen_again_after_its_client_left_gets_a_new_client() {
    let session = Session::builder().max_size(1).build().unwrap();
    let provider = SharedCredentialsProvider::new(Credentials::new(
        "AKIDAGAIN",
        "again-secret",
        None,
        None,
        "test",
    ));
    let with = || {
        ClientParams::new()
            .region_name("us-west-2")
            .credentials_provider(provider.clone())
    };
    let key1 = session.client_key("s3", &with()).unwrap();
    let first: S3 = session.client(&with()).await.unwrap();
    // Another client takes the only slot; nothing holds the provider's
    // instance number any more.
    let _other: S3 = session
        .client(&ClientParams::new().region_name("eu-west-1"))
        .await
        .unwrap();
    let again: S3 = session.client(&with()).await.unwrap();
    assert!(!same(&first, &again));
    assert_ne!(session.client_key("s3", &with()).unwrap(), key1);
    assert_eq!(session.builds(), 3);
}

#[tokio::test]
async fn an_evicted_client_takes_its_memo_records_with_it() {
    let evictions = Evictions::default();
    let session = Session::builder()
        .max_size(1)
        .on_evict(evictions.listener())
        .build()
        .unwrap();
    let a = || creds("AKIDA", "secret-a", None);
    let b = || creds("AKIDB", "secret-b", None);
    let first_a: S3 = session.client(&a()).await.unwrap();
    let _ = session.client::<S3>(&a()).await.unwrap();
    assert_eq!(session.memo_records(), 1);
    let first_b: S3 = session.client(&b()).await.unwrap();
    assert_eq!(evictions.all().len(), 1);
    assert_eq!(evictions.all()[0].1, RemovalCause::Evicted);
    // A's record (and the secret it held) left with A's client.
    assert_eq!(session.memo_records(), 1);
    let second_a: S3 = session.client(&a()).await.unwrap();
    assert!(!same(&first_a, &second_a), "a new client, not a stale one");
    assert!(!same(&first_b, &second_a));
    assert_eq!(signing(&second_a).await.0, "AKIDA");
    assert_eq!(session.builds(), 3);
    // B was evicted in turn: its next call builds too.
    let second_b: S3 = session.client(&b()).await.unwrap();
    assert!(!same(&first_b, &second_b));
    assert_eq!(session.builds(), 4);
    assert_eq!(session.memo_records(), 1);
}

#[tokio::test]
async fn an_expired_client_takes_its_memo_records_with_it() {
    let clock = ManualClock::new();
    let session = Session::builder()
        .clock(clock.clone())
        .refresh_margin(Duration::from_secs(60))
        .build()
        .unwrap();
    let expires = SystemTime::now() + Duration::from_secs(600);
    let p = || {
        ClientParams::new()
            .region_name("us-west-2")
            .credentials_expiring("ASIAEXP", "exp-secret", Some("exp-token".into()), expires)
    };
    let first: S3 = session.client(&p()).await.unwrap();
    let hit: S3 = session.client(&p()).await.unwrap();
    assert!(same(&first, &hit));
    clock.advance(Duration::from_secs(541));
    let fresh: S3 = session.client(&p()).await.unwrap();
    assert!(!same(&first, &fresh), "expired: rebuilt, memo or not");
    assert_eq!(session.builds(), 2);
    assert_eq!(session.cache(Policy::Lru).stats().expirations, 1);
    // The expired entry's record is gone; the new one's is there.
    assert_eq!(session.memo_records(), 1);
    assert_eq!(session.purge_expired(), 0);

    // Time-to-live: the same for clients without expiring credentials.
    let session = Session::builder()
        .clock(clock.clone())
        .time_to_live(Duration::from_secs(30))
        .build()
        .unwrap();
    let q = || ClientParams::new().region_name("ap-south-1");
    let first: S3 = session.client(&q()).await.unwrap();
    assert!(same(&first, &session.client::<S3>(&q()).await.unwrap()));
    clock.advance(Duration::from_secs(31));
    assert_eq!(session.purge_expired(), 1);
    assert_eq!(session.memo_records(), 0);
    let fresh: S3 = session.client(&q()).await.unwrap();
    assert!(!same(&first, &fresh));
}

#[tokio::test]
async fn a_removed_or_cleared_client_takes_its_memo_records_with_it() {
    let session = Session::new();
    let p = || creds("AKIDREMOVE", "remove-secret", None);
    let first: S3 = session.client(&p()).await.unwrap();
    let key = session.client_key("s3", &p()).unwrap();
    assert_eq!(session.memo_records(), 1);
    session.cache(Policy::Lru).remove(&key).unwrap();
    assert_eq!(session.memo_records(), 0);
    let second: S3 = session.client(&p()).await.unwrap();
    assert!(!same(&first, &second));
    assert_eq!(session.memo_records(), 1);
    session.clear();
    assert_eq!(session.memo_records(), 0);
    let third: S3 = session.client(&p()).await.unwrap();
    assert!(!same(&second, &third));
    assert_eq!(session.builds(), 3);
}

#[tokio::test]
async fn an_auth_failure_takes_the_memo_records_with_the_client() {
    const EXPIRED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>ExpiredToken</Code><Message>expired</Message></Error>"#;
    let stub = Stub::start("403 Forbidden", "application/xml", EXPIRED);
    let session = Session::new();
    let p = || {
        ClientParams::new()
            .endpoint_url(&stub.url)
            .region_name("us-east-1")
            .credentials("ASIASTUB", "stub-secret", Some("stub-token".into()))
            .force_path_style(true)
            .max_attempts(1)
    };
    let first: S3 = session.client(&p()).await.unwrap();
    assert!(same(&first, &session.client::<S3>(&p()).await.unwrap()));
    assert_eq!(session.memo_records(), 1);
    let err = first
        .list_objects_v2()
        .bucket("bucket")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.code(), Some("ExpiredToken"));
    assert_eq!(session.memo_records(), 0);
    let fresh: S3 = session.client(&p()).await.unwrap();
    assert!(!same(&first, &fresh));
    assert_eq!(session.builds(), 2);
}

#[tokio::test]
async fn session_defaults_are_part_of_what_the_memo_maps_to() {
    let east = Session::builder().region("us-east-1").build().unwrap();
    let west = Session::builder()
        .region("us-west-2")
        .defaults(ClientParams::new().max_attempts(5))
        .build()
        .unwrap();
    let empty = ClientParams::new;
    for _ in 0..3 {
        let e: S3 = east.client(&empty()).await.unwrap();
        let w: S3 = west.client(&empty()).await.unwrap();
        assert_eq!(region(&e), "us-east-1");
        assert_eq!(region(&w), "us-west-2");
        assert_eq!(attempts(&w), 5);
    }
    assert_eq!((east.builds(), west.builds()), (1, 1));

    // The call overriding a default, and the call naming the default
    // itself: the first a client of its own, the second the same client.
    let eu: S3 = east
        .client(&ClientParams::new().region_name("eu-west-1"))
        .await
        .unwrap();
    assert_eq!(region(&eu), "eu-west-1");
    let named: S3 = east
        .client(&ClientParams::new().region_name("us-east-1"))
        .await
        .unwrap();
    assert!(same(&named, &east.client::<S3>(&empty()).await.unwrap()));
    assert_eq!(east.builds(), 2);
    // Two shapes for the us-east-1 client, one for eu-west-1.
    assert_eq!(east.memo_records(), 3);

    // Defaults with credentials: a call with its own secret is another
    // client; a call without one uses the defaults'.
    let creds_session = Session::builder()
        .region("us-west-2")
        .credentials("AKIDDEFAULT", "default-secret", None)
        .build()
        .unwrap();
    let own = || ClientParams::new().credentials("AKIDDEFAULT", "own-secret", None);
    let d: S3 = creds_session.client(&empty()).await.unwrap();
    let o: S3 = creds_session.client(&own()).await.unwrap();
    assert!(!same(&d, &o));
    for _ in 0..2 {
        assert!(same(
            &d,
            &creds_session.client::<S3>(&empty()).await.unwrap()
        ));
        assert!(same(&o, &creds_session.client::<S3>(&own()).await.unwrap()));
    }
    assert_eq!(creds_session.builds(), 2);
}

#[tokio::test]
async fn lru_and_lfu_caches_keep_memos_of_their_own() {
    let session = Session::new();
    let p = || ClientParams::new().region_name("ca-central-1");
    let lru: S3 = session.client(&p()).await.unwrap();
    let lfu: S3 = session.client_with_policy(&p(), Policy::Lfu).await.unwrap();
    assert!(!same(&lru, &lfu), "one client per cache");
    for _ in 0..3 {
        assert!(same(&lru, &session.client::<S3>(&p()).await.unwrap()));
        let again: S3 = session.client_with_policy(&p(), Policy::Lfu).await.unwrap();
        assert!(same(&lfu, &again));
    }
    assert_eq!(session.builds(), 2);
    assert_eq!(session.memo_records(), 2);
}

#[tokio::test]
async fn one_params_value_for_two_services_gives_each_its_own_client() {
    let session = Session::new();
    let p = || creds("AKIDSERVICES", "services-secret", None);
    let s3: S3 = session.client(&p()).await.unwrap();
    let sts = session
        .client_with("sts", &p(), aws_sdk_sts::Client::new)
        .await
        .unwrap();
    for _ in 0..3 {
        assert!(same(&s3, &session.client::<S3>(&p()).await.unwrap()));
        let again = session
            .client_with("sts", &p(), aws_sdk_sts::Client::new)
            .await
            .unwrap();
        assert!(std::ptr::eq(sts.config(), again.config()));
    }
    assert_eq!(session.builds(), 2);
    assert_eq!(session.memo_records(), 2);
}

#[tokio::test]
async fn params_that_differ_only_in_the_credentials_expiry_share_the_client() {
    // The expiry is not identity (docs/identity.md): the key, and so the
    // memo, ignore it; the client keeps the lifetime of its first build.
    let clock = ManualClock::new();
    let session = Session::builder()
        .clock(clock.clone())
        .refresh_margin(Duration::ZERO)
        .build()
        .unwrap();
    let now = SystemTime::now();
    let expiring = |secs: u64| {
        ClientParams::new()
            .region_name("us-west-2")
            .credentials_expiring(
                "ASIAEXP",
                "exp-secret",
                None,
                now + Duration::from_secs(secs),
            )
    };
    let first: S3 = session.client(&expiring(600)).await.unwrap();
    let later: S3 = session.client(&expiring(3600)).await.unwrap();
    assert!(same(&first, &later));
    assert_eq!(session.builds(), 1);
    clock.advance(Duration::from_secs(601));
    let fresh: S3 = session.client(&expiring(3600)).await.unwrap();
    assert!(!same(&first, &fresh), "the first build's lifetime ended");
    assert_eq!(session.builds(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_with_per_call_params_get_their_own_clients() {
    let session = Session::new();
    let cases: Vec<(String, String)> = (0..4)
        .map(|i| (format!("region-{i}"), format!("secret-{i}")))
        .collect();
    let params = |(region_name, secret): &(String, String)| {
        ClientParams::new()
            .region_name(region_name)
            .credentials("AKIDCONCURRENT", secret, None)
    };
    // One client per case, built first (a computed key each).
    let mut built = Vec::new();
    for case in &cases {
        built.push(session.client::<S3>(&params(case)).await.unwrap());
    }
    let expected = Arc::new(cases.into_iter().zip(built).collect::<Vec<_>>());
    let mut tasks = Vec::new();
    for t in 0..8 {
        let session = session.clone();
        let expected = Arc::clone(&expected);
        tasks.push(tokio::spawn(async move {
            for n in 0..2_000 {
                let (case, client) = &expected[(t + n) % expected.len()];
                let s3: S3 = session.client(&params(case)).await.unwrap();
                assert!(same(&s3, client), "task {t} call {n}");
                assert_eq!(region(&s3), case.0);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(session.builds(), 4);
    assert_eq!(session.memo_records(), 4);
}
