//! Single-flight in async code: one build per key however many tasks ask,
//! waiters yield instead of blocking worker threads, other keys proceed,
//! and failures are shared then retried.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use aws_config::SdkConfig;
use clientcache_aws::{ClientParams, Error, Policy, SdkClient, ServiceOptions, Session};

type S3 = aws_sdk_s3::Client;

fn params() -> ClientParams {
    ClientParams::new().region_name("us-west-2").credentials(
        "AKIDCONCURRENCY",
        "concurrency-secret",
        None,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_tasks_same_key_build_one_s3_client() {
    let session = Session::new();
    let p = Arc::new(params());
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let (s, p) = (session.clone(), Arc::clone(&p));
            tokio::spawn(async move { s.client::<S3>(&p).await.unwrap() })
        })
        .collect();
    let mut clients = Vec::new();
    for t in tasks {
        clients.push(t.await.unwrap());
    }
    assert_eq!(
        session.builds(),
        1,
        "exactly one build for 64 concurrent callers"
    );
    for c in &clients {
        assert!(
            std::ptr::eq(c.config(), clients[0].config()),
            "all share one client"
        );
    }
    let stats = session.cache(Policy::Lru).stats();
    assert_eq!(stats.insertions, 1);
    assert_eq!(stats.hits + stats.misses, 64);
}

/// A gate that a test opens once it has seen what it wants while a build is
/// held inside `SdkClient::build`.
struct Gate {
    open: Mutex<bool>,
    cv: Condvar,
    entered: AtomicUsize,
}

impl Gate {
    const fn new() -> Self {
        Gate {
            open: Mutex::new(false),
            cv: Condvar::new(),
            entered: AtomicUsize::new(0),
        }
    }
    fn pass(&self) {
        self.entered.fetch_add(1, Ordering::SeqCst);
        let mut open = self.open.lock().unwrap();
        while !*open {
            open = self.cv.wait(open).unwrap();
        }
    }
    fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.cv.notify_all();
    }
    async fn wait_entered(&self, n: usize) {
        for _ in 0..500 {
            if self.entered.load(Ordering::SeqCst) >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("build never started");
    }
}

static SLOW_GATE: Gate = Gate::new();
static SLOW_BUILDS: AtomicUsize = AtomicUsize::new(0);

/// A client type whose build blocks its (one) worker thread until the test
/// opens the gate: the worst case for the other tasks.
#[derive(Clone)]
struct Slow;

impl SdkClient for Slow {
    const SERVICE_NAME: &'static str = "slow";
    const API_VERSION: &'static str = "1";
    fn build(_: &SdkConfig, _: &mut ServiceOptions) -> Result<Self, Error> {
        SLOW_BUILDS.fetch_add(1, Ordering::SeqCst);
        SLOW_GATE.pass();
        Ok(Slow)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiters_do_not_block_workers_and_other_keys_proceed() {
    let session = Session::new();
    let p = Arc::new(params());

    let builder = {
        let (s, p) = (session.clone(), Arc::clone(&p));
        tokio::spawn(async move { s.client::<Slow>(&p).await.map(|_| ()) })
    };
    SLOW_GATE.wait_entered(1).await;

    // 32 more tasks for the same key: they must await, not block.
    let waiters: Vec<_> = (0..32)
        .map(|_| {
            let (s, p) = (session.clone(), Arc::clone(&p));
            tokio::spawn(async move { s.client::<Slow>(&p).await.map(|_| ()) })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await;

    // One worker is stuck in the gated build; the other must still run a
    // different key to completion even with 32 waiters queued.
    let other = {
        let s = session.clone();
        tokio::spawn(async move {
            s.client::<S3>(&params().region_name("eu-west-1"))
                .await
                .map(|_| ())
        })
    };
    tokio::time::timeout(Duration::from_secs(20), other)
        .await
        .expect("another key must not wait for the slow build")
        .unwrap()
        .unwrap();
    assert!(!builder.is_finished(), "the slow build is still held");

    SLOW_GATE.open();
    builder.await.unwrap().unwrap();
    for w in waiters {
        w.await.unwrap().unwrap();
    }
    assert_eq!(
        SLOW_BUILDS.load(Ordering::SeqCst),
        1,
        "one build for 33 callers"
    );
}

static FAIL_GATE: Gate = Gate::new();
static FAIL_BUILDS: AtomicUsize = AtomicUsize::new(0);

/// Fails its first build (after the gate), succeeds afterwards.
#[derive(Clone)]
struct FailsOnce;

impl SdkClient for FailsOnce {
    const SERVICE_NAME: &'static str = "fails-once";
    const API_VERSION: &'static str = "1";
    fn build(_: &SdkConfig, _: &mut ServiceOptions) -> Result<Self, Error> {
        if FAIL_BUILDS.fetch_add(1, Ordering::SeqCst) == 0 {
            FAIL_GATE.pass();
            return Err(Error::Build {
                service: "fails-once",
                source: Arc::from(Box::from("boom")),
            });
        }
        Ok(FailsOnce)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_build_is_shared_by_its_waiters_then_retried() {
    let session = Session::new();
    let p = Arc::new(params());
    let spawn = || {
        let (s, p) = (session.clone(), Arc::clone(&p));
        tokio::spawn(async move { s.client::<FailsOnce>(&p).await.map(|_| ()) })
    };
    let first = spawn();
    FAIL_GATE.wait_entered(1).await;
    let waiters: Vec<_> = (0..8).map(|_| spawn()).collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    FAIL_GATE.open();

    let err = first.await.unwrap().unwrap_err();
    assert!(err.to_string().contains("boom"), "{err}");
    for w in waiters {
        let e = w.await.unwrap().unwrap_err();
        assert!(
            e.to_string().contains("boom"),
            "waiters share the error: {e}"
        );
    }
    assert_eq!(
        FAIL_BUILDS.load(Ordering::SeqCst),
        1,
        "waiters did not rebuild"
    );
    assert_eq!(
        session.cache(Policy::Lru).len(),
        0,
        "the failed entry was removed"
    );

    session.client::<FailsOnce>(&p).await.unwrap();
    assert_eq!(
        FAIL_BUILDS.load(Ordering::SeqCst),
        2,
        "a later call retried"
    );
    assert_eq!(session.cache(Policy::Lru).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lru_and_lfu_caches_evict_by_their_policy_and_resize() {
    let lru = Session::builder().max_size(2).build().unwrap();
    let region = |r: &str| params().region_name(r);
    let (a, b, c) = (
        region("us-east-1"),
        region("us-east-2"),
        region("us-west-1"),
    );
    let key = |p: &ClientParams| p.client_key("s3").unwrap();

    lru.client::<S3>(&a).await.unwrap();
    lru.client::<S3>(&b).await.unwrap();
    lru.client::<S3>(&a).await.unwrap(); // a is now most recent
    lru.client::<S3>(&c).await.unwrap(); // evicts b
    let cache = lru.cache(Policy::Lru);
    assert_eq!(cache.keys(), vec![key(&a), key(&c)]);
    assert_eq!(cache.stats().evictions, 1);

    let lfu = Session::builder()
        .max_size(2)
        .default_policy(Policy::Lfu)
        .build()
        .unwrap();
    lfu.client::<S3>(&a).await.unwrap();
    lfu.client::<S3>(&a).await.unwrap();
    lfu.client::<S3>(&b).await.unwrap(); // freq(a)=2, freq(b)=1
    lfu.client::<S3>(&b).await.unwrap();
    lfu.client::<S3>(&b).await.unwrap(); // freq(b)=3
    lfu.client::<S3>(&c).await.unwrap(); // evicts a (lowest frequency)
    let cache = lfu.cache(Policy::Lfu);
    assert!(!cache.contains(&key(&a)));
    assert!(cache.contains(&key(&b)) && cache.contains(&key(&c)));
    assert!(
        lfu.cache(Policy::Lru).is_empty(),
        "the LRU cache was not used"
    );

    cache.set_max_size(1).unwrap();
    assert_eq!(
        cache.keys(),
        vec![key(&b)],
        "shrinking evicts the LFU victim (c, freq 1)"
    );
    assert!(cache.set_max_size(0).is_err());
}

#[tokio::test]
async fn module_level_client_uses_the_default_session() {
    let p = params().region_name("ca-central-1");
    let before = clientcache_aws::default_session().builds();
    let a = clientcache_aws::client::<S3>(&p).await.unwrap();
    let b = clientcache_aws::client::<S3>(&p).await.unwrap();
    assert!(std::ptr::eq(a.config(), b.config()));
    assert_eq!(clientcache_aws::default_session().builds(), before + 1);
}
