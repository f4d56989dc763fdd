//! Concurrency: single-flight, re-entry, independence of keys, and exact
//! value release under contention.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, mpsc};
use std::thread;
use std::time::Duration;

use clientcache::{Cache, Error, Key, Kind, Params, Policy};

fn key(i: usize) -> Key {
    Key::client(
        "s3",
        &Params::new().with("region_name", format!("region-{i}")),
    )
    .unwrap()
}

/// Counts how many values were dropped, to prove each is dropped once.
struct Tracked(Arc<AtomicUsize>);
impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn one_factory_run_for_many_callers() {
    let cache: Arc<Cache<Arc<usize>>> = Arc::new(Cache::new(Kind::Client, Policy::Lru, 4).unwrap());
    let runs = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(Barrier::new(16));
    let handles: Vec<_> = (0..16)
        .map(|_| {
            let (cache, runs, barrier) = (cache.clone(), runs.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                cache
                    .get_or_insert_with(&key(1), || {
                        runs.fetch_add(1, Ordering::SeqCst);
                        thread::sleep(Duration::from_millis(100));
                        Ok::<_, Error>(Arc::new(42))
                    })
                    .unwrap()
            })
        })
        .collect();
    let values: Vec<Arc<usize>> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert!(
        values.iter().all(|v| Arc::ptr_eq(v, &values[0])),
        "every caller shares one value"
    );
    let stats = cache.stats();
    assert_eq!(stats.insertions, 1);
    assert_eq!(stats.hits + stats.misses, 16);
}

#[test]
fn a_failure_is_shared_by_every_waiter_and_not_cached() {
    let cache: Arc<Cache<u32>> = Arc::new(Cache::new(Kind::Client, Policy::Lfu, 4).unwrap());
    let runs = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (cache, runs, barrier) = (cache.clone(), runs.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                cache.get_or_insert_with(&key(2), || {
                    runs.fetch_add(1, Ordering::SeqCst);
                    thread::sleep(Duration::from_millis(100));
                    Err::<u32, _>("credentials expired")
                })
            })
        })
        .collect();
    for h in handles {
        match h.join().unwrap() {
            Err(Error::FactoryFailed { source, .. }) => {
                assert_eq!(source.to_string(), "credentials expired")
            }
            other => panic!("expected FactoryFailed, got {other:?}"),
        }
    }
    // Waiters that arrived after the failure landed run their own factory,
    // so one run is the minimum, not the exact count.
    assert!(runs.load(Ordering::SeqCst) >= 1);
    assert!(!cache.contains(&key(2)));
    assert_eq!(
        cache
            .get_or_insert_with(&key(2), || Ok::<_, Error>(7))
            .unwrap(),
        7
    );
}

#[test]
fn reentry_is_an_error_not_a_deadlock() {
    let cache: Cache<u32> = Cache::new(Kind::Client, Policy::Lru, 4).unwrap();
    let inner = cache.get_or_insert_with(&key(3), || {
        let again = cache.get_or_insert_with(&key(3), || Ok::<_, Error>(1));
        assert!(matches!(again, Err(Error::Reentrant { .. })), "{again:?}");
        // Another key from inside the factory works.
        assert_eq!(
            cache
                .get_or_insert_with(&key(4), || Ok::<_, Error>(4))
                .unwrap(),
            4
        );
        Ok::<_, Error>(3)
    });
    assert_eq!(inner.unwrap(), 3);
    assert_eq!(cache.len(), 2);
}

#[test]
fn other_keys_are_not_blocked_by_a_running_factory() {
    let cache: Arc<Cache<u32>> = Arc::new(Cache::new(Kind::Client, Policy::Lru, 4).unwrap());
    let (started_tx, started_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let slow = {
        let cache = cache.clone();
        thread::spawn(move || {
            cache.get_or_insert_with(&key(5), || {
                started_tx.send(()).unwrap();
                release_rx.recv().unwrap(); // holds until the main thread is done
                Ok::<_, Error>(5)
            })
        })
    };
    started_rx.recv().unwrap();
    // While key 5 is being built, key 6 and every other operation proceed.
    assert_eq!(
        cache
            .get_or_insert_with(&key(6), || Ok::<_, Error>(6))
            .unwrap(),
        6
    );
    cache.insert(key(7), 7).unwrap();
    assert_eq!(cache.get(&key(7)).unwrap(), 7);
    assert!(!cache.contains(&key(5)));
    release_tx.send(()).unwrap();
    assert_eq!(slow.join().unwrap().unwrap(), 5);
    assert_eq!(cache.get(&key(5)).unwrap(), 5);
}

#[test]
fn a_panicking_factory_fails_its_waiters_and_leaves_the_cache_usable() {
    let cache: Arc<Cache<u32>> = Arc::new(Cache::new(Kind::Client, Policy::Lru, 4).unwrap());
    let (started_tx, started_rx) = mpsc::channel();
    let panicker = {
        let cache = cache.clone();
        thread::spawn(move || {
            cache.get_or_insert_with(&key(8), || -> Result<u32, Error> {
                started_tx.send(()).unwrap();
                thread::sleep(Duration::from_millis(150));
                panic!("factory blew up");
            })
        })
    };
    started_rx.recv().unwrap();
    let waiter = {
        let cache = cache.clone();
        thread::spawn(move || cache.get_or_insert_with(&key(8), || Ok::<_, Error>(99)))
    };
    assert!(
        panicker.join().is_err(),
        "the panic continues in the factory's thread"
    );
    match waiter.join().unwrap() {
        // Either it waited on the panicking flight, or it came after and built.
        Err(Error::FactoryFailed { source, .. }) => {
            assert_eq!(source.to_string(), "factory panicked")
        }
        Ok(v) => assert_eq!(v, 99),
        other => panic!("{other:?}"),
    }
    assert!(
        cache
            .get_or_insert_with(&key(8), || Ok::<_, Error>(1))
            .is_ok()
    );
}

#[test]
fn stress_keeps_bounds_and_drops_every_value_once() {
    const THREADS: usize = 6;
    const OPS: usize = 5_000;
    let dropped = Arc::new(AtomicUsize::new(0));
    let created = Arc::new(AtomicUsize::new(0));
    for policy in [Policy::Lru, Policy::Lfu] {
        dropped.store(0, Ordering::SeqCst);
        created.store(0, Ordering::SeqCst);
        let cache: Arc<Cache<Arc<Tracked>>> =
            Arc::new(Cache::new(Kind::Client, policy, 3).unwrap());
        let keys: Arc<Vec<Key>> = Arc::new((0..10).map(key).collect());
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (cache, keys, dropped, created) = (
                    cache.clone(),
                    keys.clone(),
                    dropped.clone(),
                    created.clone(),
                );
                thread::spawn(move || {
                    let mut state = 0x9e37_79b9_7f4a_7c15_u64 ^ (t as u64 + 1);
                    for _ in 0..OPS {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        let k = &keys[(state % 10) as usize];
                        match (state >> 16) % 6 {
                            0 => {
                                created.fetch_add(1, Ordering::SeqCst);
                                let _ = cache.insert(k.clone(), Arc::new(Tracked(dropped.clone())));
                            }
                            1 => {
                                let _ = cache.get_or_insert_with(k, || {
                                    created.fetch_add(1, Ordering::SeqCst);
                                    Ok::<_, Error>(Arc::new(Tracked(dropped.clone())))
                                });
                            }
                            2 => drop(cache.remove(k)),
                            3 => drop(cache.pop_victim()),
                            4 => cache.set_max_size(1 + (state >> 32) as usize % 4).unwrap(),
                            _ => drop(cache.get(k)),
                        }
                        let s = cache.stats();
                        assert!(
                            s.len <= s.max_size,
                            "len {} > max_size {}",
                            s.len,
                            s.max_size
                        );
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let stats = cache.stats();
        assert!(stats.len <= stats.max_size);
        drop(cache);
        assert_eq!(
            dropped.load(Ordering::SeqCst),
            created.load(Ordering::SeqCst),
            "{policy:?}: every value created is dropped exactly once"
        );
    }
}
