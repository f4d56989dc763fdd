//! Memory per entry: a counting global allocator measures the heap each
//! cache retains for N = 100 000 entries (keys included, values are plain
//! `u64`), minus the keys' canonical text, divided by N.
//!
//! clientcache stores the `Key` itself (its canonical text, digest and hash
//! behind one `Arc`); the peers store the canonical text as a `String`. So
//! "beyond the canonical text" compares like with like: everything a cache
//! needs besides the bytes that name the entry.
//!
//! The census also splits clientcache's bytes into the key (measured alone)
//! and the store (entry nodes, key index: the rest), measures an LRU cache
//! whose entries all have a time-to-live (`clientcache_ttl`), and the C ABI
//! cache the bindings use, whose values are shared handles to foreign
//! pointers (`clientcache_c_abi`, keys built with `clientcache_key_new` and
//! their caller handles freed, so only the cache's references remain).
//!
//! Prints a table, then one machine-readable line per contender:
//! `MEM <name> <overhead bytes per entry> <resident entries>`
//! (read by `examples/report.rs`). `--n N` changes the entry count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

use clientcache::{Cache, Key, Kind, Policy};
use clientcache_bench::{JSON_3, Which, ffi::FfiCache, key_json, params_3};

/// Net bytes currently allocated through the global allocator.
static LIVE: AtomicIsize = AtomicIsize::new(0);
/// Number of allocation calls (alloc, alloc_zeroed, realloc).
static CALLS: AtomicUsize = AtomicUsize::new(0);

struct Counting;

// SAFETY: forwards every call to `System` unchanged; only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let ptr = unsafe { System.alloc(layout) };
        CALLS.fetch_add(1, Ordering::Relaxed);
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        CALLS.fetch_add(1, Ordering::Relaxed);
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        CALLS.fetch_add(1, Ordering::Relaxed);
        if !new.is_null() {
            LIVE.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

fn key(i: usize) -> Key {
    Key::from_json(Kind::Client, "s3", key_json(i).as_bytes()).expect("valid key")
}

/// Heap retained by one cache of `n` entries, and how many stayed resident.
struct Census {
    name: &'static str,
    retained: isize,
    resident: usize,
}

fn census(which: Which, n: usize) -> Census {
    let before = live();
    let (retained, resident) = match which {
        Which::ClientcacheLru | Which::ClientcacheLfu => {
            let policy = if which == Which::ClientcacheLru {
                Policy::Lru
            } else {
                Policy::Lfu
            };
            let cache: Cache<u64> = Cache::new(Kind::Client, policy, n).expect("cache");
            for i in 0..n {
                cache.insert(key(i), i as u64).expect("insert");
            }
            (live() - before, cache.len())
        }
        Which::LruMutex => {
            let cache = parking_lot::Mutex::new(lru::LruCache::<String, u64>::new(
                NonZeroUsize::new(n).expect("n ≥ 1"),
            ));
            for i in 0..n {
                let text = key(i).canonical().to_owned();
                cache.lock().put(text, i as u64);
            }
            let len = cache.lock().len();
            (live() - before, len)
        }
        Which::Moka => {
            let cache = moka::sync::Cache::<String, u64>::new(n as u64);
            for i in 0..n {
                cache.insert(key(i).canonical().to_owned(), i as u64);
            }
            cache.run_pending_tasks();
            (live() - before, cache.entry_count() as usize)
        }
        Which::QuickCache => {
            let cache = quick_cache::sync::Cache::<String, u64>::new(n);
            for i in 0..n {
                cache.insert(key(i).canonical().to_owned(), i as u64);
            }
            (live() - before, cache.len())
        }
    };
    Census {
        name: which.name(),
        retained,
        resident,
    }
}

/// An LRU cache whose entries all have a deadline (a time-to-live of one
/// hour): the deadlines and the expiry index on top of the plain rows.
fn ttl_census(n: usize) -> Census {
    let before = live();
    let cache: Cache<u64> = Cache::builder(Kind::Client)
        .max_size(n)
        .time_to_live(std::time::Duration::from_secs(3600))
        .build()
        .expect("cache");
    for i in 0..n {
        cache.insert(key(i), i as u64).expect("insert");
    }
    let retained = live() - before;
    Census {
        name: "clientcache_ttl",
        retained,
        resident: cache.len(),
    }
}

/// The C ABI cache: keys built with `clientcache_key_new`, values inserted
/// with `clientcache_cache_insert`, then the caller's key handles freed.
fn c_abi_census(n: usize) -> Census {
    let before = live();
    let mut cache = FfiCache::new(n);
    cache.release_keys();
    let retained = live() - before;
    drop(cache);
    Census {
        name: "clientcache_c_abi",
        retained,
        resident: n,
    }
}

fn main() {
    let mut n = 100_000usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--n" => n = args.next().and_then(|v| v.parse().ok()).expect("--n N"),
            other => panic!("unknown argument {other}"),
        }
    }

    // The keys alone (what a clientcache entry's key costs by itself).
    let before = live();
    let keys: Vec<Key> = (0..n).map(key).collect();
    let key_bytes = live() - before - (keys.capacity() * size_of::<Key>()) as isize;
    let canonical_total: usize = keys.iter().map(|k| k.canonical().len()).sum();
    let canonical_avg = canonical_total as f64 / n as f64;
    drop(keys);

    println!("Memory per entry, N = {n} entries, u64 values (counting global allocator)");
    println!(
        "  canonical text: {canonical_avg:.1} B/entry on average; a clientcache Key alone: {:.1} B/entry ({:.1} B beyond the text)",
        key_bytes as f64 / n as f64,
        key_bytes as f64 / n as f64 - canonical_avg
    );
    // Allocation calls of one key construction (a cost driver of Key::new).
    let calls = |f: &dyn Fn()| {
        let before = CALLS.load(Ordering::Relaxed);
        f();
        CALLS.load(Ordering::Relaxed) - before
    };
    let from_json = calls(&|| {
        std::hint::black_box(Key::from_json(Kind::Client, "s3", JSON_3.as_bytes())).ok();
    });
    let from_params = calls(&|| {
        std::hint::black_box(Key::new(Kind::Client, "s3", &params_3())).ok();
    });
    println!(
        "  allocation calls per key (3 params): Key::from_json {from_json}, Params builder + Key::new {from_params}"
    );
    println!();
    println!(
        "  {:<16} {:>10} {:>14} {:>16} {:>8}",
        "cache", "resident", "retained B", "B/entry", "beyond"
    );
    let mut lines = Vec::new();
    let mut store_beyond = Vec::new();
    let key_beyond = key_bytes as f64 / n as f64 - canonical_avg;
    let mut censuses: Vec<Census> = Which::ALL.iter().map(|&w| census(w, n)).collect();
    censuses.push(ttl_census(n));
    censuses.push(c_abi_census(n));
    for c in censuses {
        let per_entry = c.retained as f64 / c.resident.max(1) as f64;
        let beyond = per_entry - canonical_avg;
        println!(
            "  {:<16} {:>10} {:>14} {:>16.1} {:>8.1}",
            c.name, c.resident, c.retained, per_entry, beyond
        );
        lines.push(format!("MEM {} {beyond:.1} {}", c.name, c.resident));
        if c.name.starts_with("clientcache") {
            store_beyond.push((c.name, beyond - key_beyond));
        }
    }
    println!();
    for (name, store) in store_beyond {
        println!(
            "  {name} breakdown: key {key_beyond:.1} B + cache {store:.1} B per entry beyond the text"
        );
    }
    println!(
        "  (cache: entry node and key index, with their vectors' spare capacity; the TTL row adds deadlines and the expiry index, the C ABI row each value's shared handle)"
    );
    println!();
    for line in lines {
        println!("{line}");
    }
}
