//! Cached clients never outlive their credentials: clients built from
//! expiring static credentials leave the cache a refresh margin before the
//! expiry (measured on the core's ManualClock here), clients from a
//! refreshing provider do not, and a session time-to-live bounds both.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{self, ProvideCredentials, SharedCredentialsProvider};
use clientcache_aws::{ClientParams, ManualClock, Policy, RemovalCause, Session};
use common::Evictions;

type S3 = aws_sdk_s3::Client;

const MINUTE: Duration = Duration::from_secs(60);

fn expiring_in(d: Duration) -> ClientParams {
    ClientParams::new()
        .region_name("us-west-2")
        .credentials_expiring(
            "ASIAEXPIRY",
            "expiry-secret",
            Some("expiry-token".into()),
            SystemTime::now() + d,
        )
}

fn same(a: &S3, b: &S3) -> bool {
    std::ptr::eq(a.config(), b.config())
}

#[tokio::test]
async fn a_client_with_expiring_credentials_is_rebuilt_a_margin_before_they_expire() {
    let clock = ManualClock::new();
    let evictions = Evictions::default();
    let session = Session::builder()
        .clock(clock.clone())
        .on_evict(evictions.listener())
        .build()
        .unwrap();
    // Default margin: 5 minutes, so the client may live about 5 minutes.
    let p = expiring_in(10 * MINUTE);
    let key = session.client_key("s3", &p).unwrap();

    let first: S3 = session.client(&p).await.unwrap();
    clock.advance(4 * MINUTE);
    let hit: S3 = session.client(&p).await.unwrap();
    assert!(same(&first, &hit), "still cached 4 minutes later");

    clock.advance(MINUTE + Duration::from_secs(1));
    let rebuilt: S3 = session.client(&p).await.unwrap();
    assert!(!same(&first, &rebuilt), "rebuilt once inside the margin");
    assert_eq!(session.builds(), 2);
    let stats = session.cache(Policy::Lru).stats();
    assert_eq!(stats.expirations, 1);
    assert_eq!(evictions.all(), vec![(key, RemovalCause::Expired)]);
}

#[tokio::test]
async fn the_margin_is_configurable() {
    let clock = ManualClock::new();
    let session = Session::builder()
        .clock(clock.clone())
        .refresh_margin(Duration::from_secs(30))
        .build()
        .unwrap();
    assert_eq!(session.refresh_margin(), Duration::from_secs(30));
    let p = expiring_in(10 * MINUTE);
    let first: S3 = session.client(&p).await.unwrap();
    clock.advance(9 * MINUTE);
    assert!(same(&first, &session.client(&p).await.unwrap()));
    clock.advance(MINUTE);
    assert!(!same(&first, &session.client(&p).await.unwrap()));
}

/// A provider that hands out new temporary credentials on every call, as
/// STS-backed providers do.
#[derive(Debug, Default)]
struct Refreshing(AtomicUsize);

impl ProvideCredentials for Refreshing {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        provider::future::ProvideCredentials::ready(Ok(Credentials::new(
            format!("ASIAREFRESH{n}"),
            "refreshed-secret",
            Some("refreshed-token".into()),
            Some(SystemTime::now() + 15 * MINUTE),
            "refreshing-test-provider",
        )))
    }
}

#[tokio::test]
async fn a_client_from_a_refreshing_provider_does_not_expire() {
    let clock = ManualClock::new();
    let session = Session::builder().clock(clock.clone()).build().unwrap();
    let provider = SharedCredentialsProvider::new(Refreshing::default());
    let p = ClientParams::new()
        .region_name("us-west-2")
        .credentials_provider(provider);

    let first: S3 = session.client(&p).await.unwrap();
    clock.advance(Duration::from_secs(24 * 3600));
    let later: S3 = session.client(&p).await.unwrap();
    assert!(same(&first, &later), "a day later, still the same client");
    assert_eq!(session.builds(), 1);
    assert_eq!(session.cache(Policy::Lru).stats().expirations, 0);
}

#[tokio::test]
async fn a_session_time_to_live_applies_to_every_client_and_bounds_credentials() {
    let clock = ManualClock::new();
    let session = Session::builder()
        .clock(clock.clone())
        .time_to_live(2 * MINUTE)
        .build()
        .unwrap();
    assert_eq!(session.time_to_live(), Some(2 * MINUTE));
    assert_eq!(session.cache(Policy::Lru).time_to_live(), Some(2 * MINUTE));
    let provider = SharedCredentialsProvider::new(Refreshing::default());
    let from_provider = ClientParams::new()
        .region_name("us-west-2")
        .credentials_provider(provider);
    // Expires in an hour: the session's two minutes come first.
    let from_static = expiring_in(60 * MINUTE);

    let a: S3 = session.client(&from_provider).await.unwrap();
    let b: S3 = session.client(&from_static).await.unwrap();
    clock.advance(MINUTE);
    assert!(same(&a, &session.client(&from_provider).await.unwrap()));
    assert!(same(&b, &session.client(&from_static).await.unwrap()));
    clock.advance(MINUTE);
    assert_eq!(session.purge_expired(), 2);
    assert!(!same(&a, &session.client(&from_provider).await.unwrap()));
    assert!(!same(&b, &session.client(&from_static).await.unwrap()));
    assert_eq!(session.builds(), 4);
}

#[tokio::test]
async fn the_expiry_is_not_part_of_the_key() {
    let session = Session::new();
    let soon = expiring_in(60 * MINUTE);
    let later = expiring_in(600 * MINUTE);
    let plain = ClientParams::new().region_name("us-west-2").credentials(
        "ASIAEXPIRY",
        "expiry-secret",
        Some("expiry-token".into()),
    );
    let key = soon.client_key("s3").unwrap();
    assert_eq!(key, later.client_key("s3").unwrap());
    assert_eq!(key, plain.client_key("s3").unwrap());
    let a: S3 = session.client(&soon).await.unwrap();
    let b: S3 = session.client(&later).await.unwrap();
    assert!(same(&a, &b), "one client for the same credentials");
}

#[tokio::test]
async fn credentials_inside_the_margin_give_a_client_that_is_not_kept() {
    let session = Session::new();
    let p = expiring_in(MINUTE); // less than the 5-minute margin
    let a: S3 = session.client(&p).await.unwrap();
    let b: S3 = session.client(&p).await.unwrap();
    assert!(!same(&a, &b));
    assert_eq!(session.builds(), 2);
    assert!(session.cache(Policy::Lru).is_empty());
}

#[tokio::test]
async fn sdk_credentials_values_and_session_defaults_carry_their_expiry() {
    let clock = ManualClock::new();
    let expires = SystemTime::now() + 10 * MINUTE;
    let creds = Credentials::new(
        "ASIAVALUE",
        "value-secret",
        Some("value-token".into()),
        Some(expires),
        "test",
    );
    let from_value = ClientParams::new()
        .region_name("us-west-2")
        .static_credentials(&creds);
    assert_eq!(from_value.credentials_expiry(), Some(expires));
    assert_eq!(
        from_value.client_key("s3").unwrap(),
        ClientParams::new()
            .region_name("us-west-2")
            .credentials("ASIAVALUE", "value-secret", Some("value-token".into()))
            .client_key("s3")
            .unwrap()
    );

    // The same credentials as session defaults: a call without credentials
    // of its own uses them, expiry included.
    let session = Session::builder()
        .clock(clock.clone())
        .defaults(from_value.clone())
        .build()
        .unwrap();
    let call = ClientParams::new().max_attempts(2);
    let first: S3 = session.client(&call).await.unwrap();
    clock.advance(6 * MINUTE);
    let second: S3 = session.client(&call).await.unwrap();
    assert!(!same(&first, &second));

    // Plain credentials from the call replace the defaults' expiry.
    let own = call.credentials("AKIDOWN", "own-secret", None);
    assert_eq!(
        own.with_defaults(session.defaults()).credentials_expiry(),
        None
    );
    let mine: S3 = session.client(&own).await.unwrap();
    clock.advance(600 * MINUTE);
    assert!(same(&mine, &session.client(&own).await.unwrap()));
}

#[tokio::test]
async fn session_credentials_with_an_expiry() {
    let clock = ManualClock::new();
    let session = Session::builder()
        .clock(clock.clone())
        .region("us-west-2")
        .credentials_expiring(
            "ASIASESSION",
            "session-secret",
            None,
            SystemTime::now() + 10 * MINUTE,
        )
        .build()
        .unwrap();
    let p = ClientParams::new();
    let first: S3 = session.client(&p).await.unwrap();
    clock.advance(6 * MINUTE);
    let second: S3 = session.client(&p).await.unwrap();
    assert!(!same(&first, &second));
}

#[tokio::test]
async fn clear_and_capacity_are_reported_to_on_evict() {
    let evictions = Evictions::default();
    let session = Session::builder()
        .max_size(1)
        .on_evict(evictions.listener())
        .build()
        .unwrap();
    let a = ClientParams::new().region_name("us-east-1");
    let b = ClientParams::new().region_name("us-east-2");
    let _: S3 = session.client(&a).await.unwrap();
    let _: S3 = session.client(&b).await.unwrap();
    session.clear();
    let causes: Vec<_> = evictions.all().into_iter().map(|(_, c)| c).collect();
    assert_eq!(causes, [RemovalCause::Evicted, RemovalCause::Cleared]);
}
