//! Measurement helpers shared by the demo and the benchmark: a counting
//! global allocator (live heap bytes) and the process RSS.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

/// Wraps the system allocator and keeps the number of live heap bytes.
pub struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
        }
        p
    }
}

/// Live heap bytes right now.
pub fn live_heap() -> isize {
    LIVE.load(Ordering::Relaxed)
}

/// Resident set size in bytes (Linux `/proc/self/statm`), 0 elsewhere.
pub fn rss() -> isize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: isize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// One measured run: `calls` calls whose results are all kept alive until
/// the end, so that memory growth counts what the caller holds.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    pub calls: usize,
    pub elapsed: Duration,
    pub heap_growth: isize,
    pub rss_growth: isize,
}

impl Run {
    pub fn per_call(&self) -> Duration {
        self.elapsed / self.calls as u32
    }
    pub fn ns_per_call(&self) -> f64 {
        self.elapsed.as_nanos() as f64 / self.calls as f64
    }
    pub fn heap_per_call(&self) -> f64 {
        self.heap_growth as f64 / self.calls as f64
    }
}

/// Runs `call` `calls` times (awaiting each), keeping every result.
pub async fn run<T, F, Fut>(calls: usize, mut call: F) -> Run
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    // The slots are allocated and touched before measuring, so that only
    // what the calls themselves allocate counts.
    let mut kept: Vec<Option<T>> = Vec::new();
    kept.resize_with(calls, || None);
    let (heap0, rss0) = (live_heap(), rss());
    let start = Instant::now();
    for slot in kept.iter_mut() {
        *slot = Some(std::hint::black_box(call().await));
    }
    let elapsed = start.elapsed();
    let (heap1, rss1) = (live_heap(), rss());
    drop(kept);
    Run {
        calls,
        elapsed,
        heap_growth: heap1 - heap0,
        rss_growth: rss1 - rss0,
    }
}

/// `1.23 µs`, `456 ns`, `2.1 ms`.
pub fn fmt_duration(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.1} µs", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

/// `1.2 MB`, `91.3 KB`, `40 B`.
pub fn fmt_bytes(bytes: f64) -> String {
    let abs = bytes.abs();
    if abs >= 1_000_000.0 {
        format!("{:.1} MB", bytes / 1_000_000.0)
    } else if abs >= 1_000.0 {
        format!("{:.1} KB", bytes / 1_000.0)
    } else {
        format!("{bytes:.0} B")
    }
}
