//! Async single-flight (`get_or_insert_with_async`) on current-thread and
//! multi-thread runtimes, and `Cache` as a shared handle.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clientcache::{Cache, Error, Key, Kind, Params, Policy};

fn key(region: &str) -> Key {
    Key::client("s3", &Params::new().with("region_name", region)).unwrap()
}

type Value = Arc<String>;

async fn slow_build(builds: &AtomicUsize, millis: u64) -> Result<Value, Error> {
    builds.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(millis)).await;
    Ok(Arc::new("client".to_owned()))
}

/// Many tasks, one key, one build — on a runtime with a single thread, which
/// a blocking wait would deadlock.
#[tokio::test(flavor = "current_thread")]
async fn one_build_for_many_waiters_on_a_current_thread_runtime() {
    let cache: Cache<Value> = Cache::new(Kind::Client, Policy::Lru, 4).unwrap();
    let builds = Arc::new(AtomicUsize::new(0));
    let k = key("us-west-2");
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let (cache, builds, k) = (cache.clone(), builds.clone(), k.clone());
            tokio::spawn(async move {
                cache
                    .get_or_insert_with_async(&k, || slow_build(&builds, 30))
                    .await
            })
        })
        .collect();
    let mut values = Vec::new();
    for t in tasks {
        values.push(t.await.unwrap().unwrap());
    }
    assert_eq!(builds.load(Ordering::SeqCst), 1);
    assert!(values.iter().all(|v| Arc::ptr_eq(v, &values[0])));
    let stats = cache.stats();
    assert_eq!((stats.misses, stats.insertions, stats.len), (200, 1, 1));
    // A hit afterwards is a hit, and builds nothing.
    let hit = cache
        .get_or_insert_with_async(&k, || slow_build(&builds, 0))
        .await
        .unwrap();
    assert!(Arc::ptr_eq(&hit, &values[0]));
    assert_eq!(cache.stats().hits, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_waiters_on_a_multi_thread_runtime_share_one_build() {
    let cache: Cache<Value> = Cache::new(Kind::Client, Policy::Lfu, 4).unwrap();
    let builds = Arc::new(AtomicUsize::new(0));
    let k = key("eu-west-1");
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let (cache, builds, k) = (cache.clone(), builds.clone(), k.clone());
            tokio::spawn(async move {
                cache
                    .get_or_insert_with_async(&k, || slow_build(&builds, 50))
                    .await
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(builds.load(Ordering::SeqCst), 1);
}

/// Builds of different keys run at the same time: every factory waits at a
/// barrier that only opens when all of them have started.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distinct_keys_build_concurrently() {
    const N: usize = 50;
    let cache: Cache<Value> = Cache::new(Kind::Client, Policy::Lru, N).unwrap();
    let barrier = Arc::new(tokio::sync::Barrier::new(N));
    let tasks: Vec<_> = (0..N)
        .map(|i| {
            let (cache, barrier) = (cache.clone(), barrier.clone());
            tokio::spawn(async move {
                let k = key(&format!("region-{i}"));
                cache
                    .get_or_insert_with_async(&k, || async move {
                        barrier.wait().await;
                        Ok::<_, Error>(Arc::new(format!("client {i}")))
                    })
                    .await
            })
        })
        .collect();
    let all = tokio::time::timeout(Duration::from_secs(20), async {
        for t in tasks {
            t.await.unwrap().unwrap();
        }
    });
    all.await.expect("builds of distinct keys were serialized");
    assert_eq!(cache.len(), N);
}

/// The caller running the factory goes away (a timeout): nothing is cached,
/// the waiter is not failed, and it builds the value itself.
#[tokio::test(flavor = "current_thread")]
async fn a_cancelled_builder_hands_over_to_a_waiter() {
    let cache: Cache<Value> = Cache::new(Kind::Client, Policy::Lru, 4).unwrap();
    let builds = Arc::new(AtomicUsize::new(0));
    let k = key("ap-south-1");
    let first = {
        let (cache, builds, k) = (cache.clone(), builds.clone(), k.clone());
        tokio::spawn(async move {
            tokio::time::timeout(
                Duration::from_millis(20),
                cache.get_or_insert_with_async(&k, || slow_build(&builds, 10_000)),
            )
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(5)).await; // the first one builds
    let waiter = {
        let (cache, builds, k) = (cache.clone(), builds.clone(), k.clone());
        tokio::spawn(async move {
            cache
                .get_or_insert_with_async(&k, || slow_build(&builds, 10))
                .await
        })
    };
    assert!(first.await.unwrap().is_err(), "the first caller timed out");
    let value = waiter.await.unwrap().expect("the waiter built the value");
    assert_eq!(*value, "client");
    assert_eq!(builds.load(Ordering::SeqCst), 2);
    assert_eq!(cache.len(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn errors_reach_every_waiter_and_are_not_cached() {
    let cache: Cache<Value> = Cache::new(Kind::Client, Policy::Lru, 4).unwrap();
    let k = key("sa-east-1");
    let attempts = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (cache, k, attempts) = (cache.clone(), k.clone(), attempts.clone());
            tokio::spawn(async move {
                cache
                    .get_or_insert_with_async(&k, || async move {
                        attempts.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        Err::<Value, _>("no credentials")
                    })
                    .await
            })
        })
        .collect();
    for t in tasks {
        let err = t.await.unwrap().unwrap_err();
        assert!(matches!(err, Error::FactoryFailed { .. }));
        assert!(err.to_string().contains("no credentials"));
    }
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    assert!(cache.is_empty());
    let built = cache
        .get_or_insert_with_async(&k, || async {
            Ok::<_, Error>(Arc::new("later".to_owned()))
        })
        .await
        .unwrap();
    assert_eq!(*built, "later");
}

#[tokio::test(flavor = "current_thread")]
async fn a_factory_awaiting_its_own_key_is_refused_not_deadlocked() {
    let cache: Cache<Value> = Cache::new(Kind::Client, Policy::Lru, 4).unwrap();
    let k = key("us-east-2");
    let inner_cache = cache.clone();
    let inner_key = k.clone();
    let result = cache
        .get_or_insert_with_async(&k, || async move {
            let nested = inner_cache
                .get_or_insert_with_async(&inner_key, || async {
                    Ok::<_, Error>(Arc::new("never".to_owned()))
                })
                .await;
            assert!(matches!(nested, Err(Error::Reentrant { .. })));
            // The blocking form sees it too.
            let blocking =
                inner_cache.get_or_insert_with(&inner_key, || Ok::<_, Error>(Arc::new("x".into())));
            assert!(matches!(blocking, Err(Error::Reentrant { .. })));
            Ok::<_, Error>(Arc::new("outer".to_owned()))
        })
        .await
        .unwrap();
    assert_eq!(*result, "outer");
}

/// A thread using the blocking form waits for an async build, and the other
/// way round.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_and_async_callers_share_one_build() {
    let cache: Cache<Value> = Cache::new(Kind::Client, Policy::Lru, 4).unwrap();
    let builds = Arc::new(AtomicUsize::new(0));
    let k = key("ca-central-1");
    let builder = {
        let (cache, builds, k) = (cache.clone(), builds.clone(), k.clone());
        tokio::spawn(async move {
            cache
                .get_or_insert_with_async(&k, || slow_build(&builds, 100))
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    let blocking = {
        let (cache, builds, k) = (cache.clone(), builds.clone(), k.clone());
        std::thread::spawn(move || {
            cache.get_or_insert_with(&k, || {
                builds.fetch_add(1, Ordering::SeqCst);
                Ok::<_, Error>(Arc::new("other".to_owned()))
            })
        })
    };
    let a = builder.await.unwrap().unwrap();
    let b = blocking.join().unwrap().unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    assert_eq!(builds.load(Ordering::SeqCst), 1);
}

#[test]
fn clones_share_one_cache_and_copy_does_not() {
    let cache: Cache<&str> = Cache::new(Kind::Client, Policy::Lru, 4).unwrap();
    cache.insert(key("a"), "a").unwrap();
    let handle = cache.clone();
    let copy = cache.copy();
    handle.insert(key("b"), "b").unwrap();
    assert_eq!(cache.len(), 2, "a clone is the same cache");
    assert_eq!(copy.len(), 1, "a copy is independent");
    handle.clear();
    assert!(cache.is_empty());
    assert_eq!(copy.get(&key("a")).unwrap(), "a");
}
