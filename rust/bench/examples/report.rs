//! The benchmark report: times every workload of the criterion benches
//! itself (std::time::Instant, contenders interleaved round by round), adds
//! the memory census (the `memory` example, run as a child process) and
//! prints, for each measurement, the median of the rounds with its spread
//! (the interquartile range of the per-round values), the ratios against
//! peers measured in the same rounds (the median of the per-round ratios,
//! which load from other processes affects least), and each target with its
//! value and whether it is met (README, "Performance").
//!
//! Options: `--rounds R` (default 25), `--round-ms MS` (default 20),
//! `--only SECTIONS` (comma-separated: get, churn, contended, key, abi,
//! goiw, ttl, memory; default all), `--criterion-since UNIX_SECS`: also
//! tabulate the medians of the criterion run that started at that time
//! (estimates older than that are ignored).

use std::fmt::Write as _;
use std::future::Future;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use clientcache::{Cache, Key, Kind, Policy};
use clientcache_bench::{
    CHURN_CAPACITY, CONTENDED_SIZE, Churn, Contender, GET_SIZES, GetHit, JSON_3, JSON_3_SECRETS,
    Keys, SEQ_LEN, Val, Which, contended_get_hit,
    ffi::{FfiCache, key_new_free},
    lookup_sequence, params_3,
};

/// The targets (README, "Performance").
const LRU_VS_LRU_MUTEX: f64 = 1.2;
const LFU_VS_LRU: f64 = 1.2;
/// A key from the 3-parameter JSON, in Rust and through the C ABI.
const KEY_JSON_NS: f64 = 400.0;
const ABI_EXTRA_NS: f64 = 15.0;
const MEMORY_BEYOND_TEXT: f64 = 120.0;
/// A cached hit through the async single-flight path, against the blocking one.
const ASYNC_VS_SYNC: f64 = 1.2;
/// A get hit on a cache with a time-to-live, against one without.
const TTL_VS_PLAIN: f64 = 1.15;

struct Options {
    rounds: usize,
    round: Duration,
    only: Option<Vec<String>>,
    criterion_since: Option<u64>,
}

impl Options {
    fn wants(&self, section: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|s| s == section))
    }
}

fn options() -> Options {
    let mut o = Options {
        rounds: 25,
        round: Duration::from_millis(20),
        only: None,
        criterion_since: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().and_then(|v| v.parse::<u64>().ok());
        match arg.as_str() {
            "--rounds" => o.rounds = value().expect("--rounds R") as usize,
            "--round-ms" => o.round = Duration::from_millis(value().expect("--round-ms MS")),
            "--criterion-since" => o.criterion_since = Some(value().expect("--criterion-since S")),
            "--only" => {
                let list = args.next().expect("--only SECTIONS");
                o.only = Some(list.split(',').map(str::to_owned).collect());
            }
            other => panic!("unknown argument {other}"),
        }
    }
    o.rounds = o.rounds.max(1);
    o
}

/// A timed workload: runs `n` operations, returns the time they took.
type Job<'a> = Box<dyn FnMut(u64) -> Duration + 'a>;

/// Per-round nanoseconds per operation of one workload (one value when it
/// comes from criterion).
type Rounds = Vec<f64>;

/// Times each job `rounds` times, interleaving the jobs within each round so
/// that load from other processes hits every contender alike. Returns the
/// per-round nanoseconds per operation of each job.
fn interleaved(jobs: &mut [Job<'_>], ops_per_call: f64, o: &Options) -> Vec<Rounds> {
    // Calibrate: operations per round for each job.
    let sizes: Vec<u64> = jobs
        .iter_mut()
        .map(|job| {
            let mut n = 64u64;
            loop {
                let t = job(n);
                if t >= Duration::from_millis(2) || n >= 1 << 30 {
                    let per = t.as_secs_f64() / n as f64;
                    break ((o.round.as_secs_f64() / per) as u64).max(16);
                }
                n *= 4;
            }
        })
        .collect();
    let mut samples = vec![Vec::with_capacity(o.rounds); jobs.len()];
    for round in 0..o.rounds {
        // Rotate the order, so that no job always runs first (or right
        // after the same job, whose data it may find in the caches).
        for k in 0..jobs.len() {
            let j = (k + round) % jobs.len();
            let t = jobs[j](sizes[j]);
            samples[j].push(t.as_secs_f64() * 1e9 / (sizes[j] as f64 * ops_per_call));
        }
    }
    samples
}

/// Median and interquartile range of some rounds.
#[derive(Clone, Copy, Default)]
struct Stat {
    med: f64,
    q1: f64,
    q3: f64,
    rounds: usize,
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

fn stat(v: &[f64]) -> Stat {
    if v.is_empty() {
        return Stat::default();
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    Stat {
        med: quantile(&s, 0.5),
        q1: quantile(&s, 0.25),
        q3: quantile(&s, 0.75),
        rounds: s.len(),
    }
}

/// Per-round `a / b` (rounds are paired: both ran in the same round).
fn ratios(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(a, b)| a / b).collect()
}

impl Stat {
    /// `12.3 [11.9–12.8]`: the median and, over several rounds, the
    /// interquartile range.
    fn show(&self, decimals: usize) -> String {
        if self.rounds > 1 {
            format!(
                "{:.d$} [{:.d$}–{:.d$}]",
                self.med,
                self.q1,
                self.q3,
                d = decimals
            )
        } else {
            format!("{:.d$}", self.med, d = decimals)
        }
    }
}

fn timed(n: u64, mut op: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        op();
    }
    start.elapsed()
}

/// Results that the targets are checked against (report or criterion).
#[derive(Default)]
struct Results {
    /// get-hit rounds per size index, per contender (Which::ALL order).
    get_hit: Vec<Vec<Rounds>>,
    churn: Vec<Rounds>,
    /// Wall ns per get, all threads together: 2 threads, and 1 thread on the
    /// same cache (report only), per contender.
    contended: Vec<Rounds>,
    single: Vec<Rounds>,
    key_json: Rounds,
    key_json_abi: Rounds,
    key_json_secrets: Rounds,
    key_params: Rounds,
    key_params_prebuilt: Rounds,
    rust_get: Rounds,
    abi_get: Rounds,
    /// get_or_insert_with hit: blocking form, async form (report only).
    goiw_sync: Rounds,
    goiw_async: Rounds,
    /// get hit without / with a time-to-live: Rust, then the C ABI (report only).
    ttl_rust: [Rounds; 2],
    ttl_abi: [Rounds; 2],
}

fn measure(o: &Options) -> Results {
    let mut m = Results::default();

    if o.wants("get") {
        for n in GET_SIZES {
            eprintln!("  timing get-hit at {n} entries...");
            let keys = Keys::new(n);
            let seq = lookup_sequence(n, 0x9e37_79b9_7f4a_7c15);
            let caches: Vec<Contender> = Which::ALL
                .iter()
                .map(|&w| Contender::filled(w, &keys))
                .collect();
            let mut jobs: Vec<Job<'_>> = caches
                .iter()
                .map(|cache| {
                    let mut walk = GetHit {
                        cache,
                        keys: &keys,
                        seq: &seq,
                        pos: 0,
                    };
                    Box::new(move |n| {
                        timed(n, || {
                            black_box(walk.step());
                        })
                    }) as Job<'_>
                })
                .collect();
            m.get_hit.push(interleaved(&mut jobs, 1.0, o));
        }
    }

    if o.wants("churn") {
        eprintln!("  timing insert-with-eviction...");
        let keys = Keys::new(2 * CHURN_CAPACITY);
        let caches: Vec<Contender> = Which::ALL
            .iter()
            .map(|&w| Contender::new(w, CHURN_CAPACITY))
            .collect();
        let mut jobs: Vec<Job<'_>> = caches
            .iter()
            .map(|cache| {
                let mut churn = Churn::new(cache, &keys);
                Box::new(move |n| timed(n, || churn.step())) as Job<'_>
            })
            .collect();
        m.churn = interleaved(&mut jobs, 1.0, o);
    }

    if o.wants("contended") {
        eprintln!("  timing get-hit on 1 and 2 threads...");
        let keys = Keys::new(CONTENDED_SIZE);
        let seqs = [
            lookup_sequence(CONTENDED_SIZE, 0x1234_5678_9abc_def1),
            lookup_sequence(CONTENDED_SIZE, 0x0fed_cba9_8765_4321),
        ];
        let caches: Vec<Contender> = Which::ALL
            .iter()
            .map(|&w| Contender::filled(w, &keys))
            .collect();
        // Per contender: 2 threads, then 1 thread on the same cache. One
        // call runs n gets on each thread; the job reports wall time per
        // get of all threads together.
        let mut jobs: Vec<Job<'_>> = Vec::new();
        for cache in &caches {
            for threads in [2usize, 1] {
                let (keys, seqs) = (&keys, &seqs);
                jobs.push(Box::new(move |n: u64| {
                    let per_thread = n.max(1_000);
                    let wall = contended_get_hit(cache, keys, &seqs[..threads], per_thread);
                    // Scale back to n calls of `threads` gets each.
                    wall.mul_f64(n as f64 / per_thread as f64)
                }));
            }
        }
        let mut r = interleaved(&mut jobs, 1.0, o).into_iter();
        for _ in &caches {
            let (two, one) = (r.next().expect("2 threads"), r.next().expect("1 thread"));
            m.contended.push(two.iter().map(|t| t / 2.0).collect());
            m.single.push(one);
        }
    }

    if o.wants("key") {
        eprintln!("  timing key construction...");
        let params = params_3();
        let mut jobs: Vec<Job<'_>> = vec![
            Box::new(|n| {
                timed(n, || {
                    black_box(Key::from_json(
                        Kind::Client,
                        "s3",
                        black_box(JSON_3.as_bytes()),
                    ))
                    .ok();
                })
            }),
            Box::new(|n| {
                timed(n, || {
                    black_box(key_new_free(black_box(JSON_3)));
                })
            }),
            Box::new(|n| {
                timed(n, || {
                    black_box(Key::from_json(
                        Kind::Client,
                        "s3",
                        black_box(JSON_3_SECRETS.as_bytes()),
                    ))
                    .ok();
                })
            }),
            Box::new(|n| {
                timed(n, || {
                    black_box(Key::new(Kind::Client, "s3", &black_box(params_3()))).ok();
                })
            }),
            Box::new(|n| {
                timed(n, || {
                    black_box(Key::new(Kind::Client, "s3", black_box(&params))).ok();
                })
            }),
        ];
        let mut r = interleaved(&mut jobs, 1.0, o).into_iter();
        m.key_json = r.next().expect("job");
        m.key_json_abi = r.next().expect("job");
        m.key_json_secrets = r.next().expect("job");
        m.key_params = r.next().expect("job");
        m.key_params_prebuilt = r.next().expect("job");
    }

    if o.wants("abi") {
        eprintln!("  timing the C ABI...");
        let n = CONTENDED_SIZE;
        let keys = Keys::new(n);
        let seq = lookup_sequence(n, 0x9e37_79b9_7f4a_7c15);
        let rust: Cache<Val> = Cache::new(Kind::Client, Policy::Lru, n).expect("cache");
        for (i, key) in keys.keys.iter().enumerate() {
            rust.insert(key.clone(), Arc::new(i as u64))
                .expect("insert");
        }
        let ffi = FfiCache::new(n);
        let (mut p1, mut p2) = (0usize, 0usize);
        let mut jobs: Vec<Job<'_>> = vec![
            Box::new(|n| {
                timed(n, || {
                    let i = seq[p1 & (SEQ_LEN - 1)] as usize;
                    p1 = p1.wrapping_add(1);
                    black_box(rust.get(&keys.keys[i])).ok();
                })
            }),
            Box::new(|n| {
                timed(n, || {
                    let i = seq[p2 & (SEQ_LEN - 1)] as usize;
                    p2 = p2.wrapping_add(1);
                    black_box(ffi.get_and_free(i));
                })
            }),
        ];
        let mut r = interleaved(&mut jobs, 1.0, o).into_iter();
        m.rust_get = r.next().expect("job");
        m.abi_get = r.next().expect("job");
    }

    if o.wants("goiw") {
        eprintln!("  timing get_or_insert_with hits, blocking and async...");
        let n = CONTENDED_SIZE;
        let keys = Keys::new(n);
        let seq = lookup_sequence(n, 0x9e37_79b9_7f4a_7c15);
        let cache: Cache<Val> = Cache::new(Kind::Client, Policy::Lru, n).expect("cache");
        for (i, key) in keys.keys.iter().enumerate() {
            cache
                .insert(key.clone(), Arc::new(i as u64))
                .expect("insert");
        }
        let (mut p1, mut p2) = (0usize, 0usize);
        let build = || Ok::<_, clientcache::Error>(Arc::new(0u64));
        let mut jobs: Vec<Job<'_>> = vec![
            Box::new(|n| {
                timed(n, || {
                    let i = seq[p1 & (SEQ_LEN - 1)] as usize;
                    p1 = p1.wrapping_add(1);
                    black_box(cache.get_or_insert_with(&keys.keys[i], build)).ok();
                })
            }),
            Box::new(|n| {
                // A hit completes on the first poll; no runtime is involved.
                let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
                timed(n, || {
                    let i = seq[p2 & (SEQ_LEN - 1)] as usize;
                    p2 = p2.wrapping_add(1);
                    let fut = cache.get_or_insert_with_async(&keys.keys[i], || async { build() });
                    let fut = std::pin::pin!(fut);
                    let _ = black_box(fut.poll(&mut cx));
                })
            }),
        ];
        let mut r = interleaved(&mut jobs, 1.0, o).into_iter();
        m.goiw_sync = r.next().expect("job");
        m.goiw_async = r.next().expect("job");
    }

    if o.wants("ttl") {
        eprintln!("  timing get-hit with and without a time-to-live...");
        let n = CONTENDED_SIZE;
        let keys = Keys::new(n);
        let seq = lookup_sequence(n, 0x9e37_79b9_7f4a_7c15);
        let hour = Duration::from_secs(3600);
        let plain: Cache<Val> = Cache::new(Kind::Client, Policy::Lru, n).expect("cache");
        let with_ttl: Cache<Val> = Cache::builder(Kind::Client)
            .max_size(n)
            .time_to_live(hour)
            .build()
            .expect("cache");
        for (i, key) in keys.keys.iter().enumerate() {
            plain
                .insert(key.clone(), Arc::new(i as u64))
                .expect("insert");
            with_ttl
                .insert(key.clone(), Arc::new(i as u64))
                .expect("insert");
        }
        let ffi_plain = FfiCache::new(n);
        let ffi_timed = FfiCache::with_ttl(n, 3_600_000_000_000);
        let mut pos = [0usize; 4];
        let caches = [&plain, &with_ttl];
        let ffis = [&ffi_plain, &ffi_timed];
        let mut jobs: Vec<Job<'_>> = Vec::new();
        let (rust_pos, abi_pos) = pos.split_at_mut(2);
        for (cache, p) in caches.iter().zip(rust_pos.iter_mut()) {
            let seq = &seq;
            let keys = &keys;
            jobs.push(Box::new(move |n| {
                timed(n, || {
                    let i = seq[*p & (SEQ_LEN - 1)] as usize;
                    *p = p.wrapping_add(1);
                    black_box(cache.get(&keys.keys[i])).ok();
                })
            }));
        }
        for (ffi, p) in ffis.iter().zip(abi_pos.iter_mut()) {
            let seq = &seq;
            jobs.push(Box::new(move |n| {
                timed(n, || {
                    let i = seq[*p & (SEQ_LEN - 1)] as usize;
                    *p = p.wrapping_add(1);
                    black_box(ffi.get_and_free(i));
                })
            }));
        }
        let mut r = interleaved(&mut jobs, 1.0, o).into_iter();
        let mut next = || r.next().expect("job");
        m.ttl_rust = [next(), next()];
        m.ttl_abi = [next(), next()];
    }
    m
}

/// Memory overhead per entry from the `memory` example next to this binary.
fn memory() -> Result<Memory, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let memory = exe.with_file_name(format!("memory{}", std::env::consts::EXE_SUFFIX));
    let output = std::process::Command::new(&memory)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", memory.display()))?;
    if !output.status.success() {
        return Err(format!("{} failed: {}", memory.display(), output.status));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let rows: Vec<_> = text
        .lines()
        .filter_map(|line| {
            let mut f = line.strip_prefix("MEM ")?.split_whitespace();
            Some((
                f.next()?.to_owned(),
                f.next()?.parse().ok()?,
                f.next()?.parse().ok()?,
            ))
        })
        .collect();
    if rows.is_empty() {
        return Err(format!("{} printed no MEM lines", memory.display()));
    }
    let notes = text
        .lines()
        .filter(|line| line.starts_with("  ") && line.contains(':'))
        .map(str::to_owned)
        .collect();
    Ok(Memory { rows, notes })
}

/// The memory census: (contender, bytes per entry beyond the canonical
/// text, resident entries), plus the census's explanatory lines.
struct Memory {
    rows: Vec<(String, f64, usize)>,
    notes: Vec<String>,
}

/// Criterion's median for one benchmark, if it was written at or after
/// `since` (seconds since the epoch).
fn criterion_median(root: &Path, group: &str, id: &str, since: u64) -> Option<f64> {
    let path = root.join(group).join(id).join("new").join("estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    let age = modified
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()?
        .as_secs();
    if age < since {
        return None;
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn criterion_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir).join("criterion");
    }
    // target/release/examples/report -> target/criterion
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.join("criterion")))
        .unwrap_or_else(|| PathBuf::from("target/criterion"))
}

/// The criterion medians (one "round" each), when every benchmark has a
/// fresh estimate.
fn from_criterion(since: u64) -> Result<Results, String> {
    let root = criterion_root();
    let get = |group: &str, id: &str| {
        criterion_median(&root, group, id, since)
            .map(|v| vec![v])
            .ok_or_else(|| {
                format!(
                    "no fresh estimate for {group}/{id} under {}",
                    root.display()
                )
            })
    };
    let mut m = Results::default();
    for n in GET_SIZES {
        // Criterion stores group "get_hit/10" in directory "get_hit_10".
        let group = format!("get_hit_{n}");
        m.get_hit.push(
            Which::ALL
                .iter()
                .map(|w| get(&group, w.name()))
                .collect::<Result<_, _>>()?,
        );
    }
    m.churn = Which::ALL
        .iter()
        .map(|w| get("insert_evict", w.name()))
        .collect::<Result<_, _>>()?;
    m.contended = Which::ALL
        .iter()
        .map(|w| get("get_hit_2threads", w.name()).map(|t| vec![t[0] / 2.0]))
        .collect::<Result<_, _>>()?;
    m.key_json = get("key_new", "from_json_3")?;
    m.key_json_abi = get("abi_key", "key_new_free_json_3")?;
    m.key_json_secrets = get("key_new", "from_json_3_secrets")?;
    m.key_params = get("key_new", "params_3")?;
    m.key_params_prebuilt = get("key_new", "params_3_prebuilt")?;
    m.rust_get = get("abi_get_hit", "rust_get")?;
    m.abi_get = get("abi_get_hit", "c_get_lease_free")?;
    Ok(m)
}

/// Index of a contender in `Which::ALL`.
fn at(w: Which) -> usize {
    Which::ALL.iter().position(|&x| x == w).expect("listed")
}

/// One target: what, the measured value (with its spread), the bound, and
/// whether the value is within it.
struct Target {
    what: String,
    value: String,
    bound: String,
    met: bool,
}

fn target(what: impl Into<String>, value: String, bound: String, met: bool) -> Target {
    Target {
        what: what.into(),
        value,
        bound,
        met,
    }
}

/// Prints the tables and returns the targets.
fn tables(out: &mut String, m: &Results, memory: &Option<Result<Memory, String>>) -> Vec<Target> {
    let mut targets = Vec::new();
    let lru = at(Which::ClientcacheLru);
    let lfu = at(Which::ClientcacheLfu);
    let peer = at(Which::LruMutex);
    const W: usize = 21;

    let header = |out: &mut String, first: &str| {
        let _ = write!(out, "  {first:<20}");
        for w in Which::ALL {
            let _ = write!(out, " {:>W$}", w.name());
        }
        let _ = writeln!(out);
    };
    let row = |out: &mut String, label: &str, cells: &[String]| {
        let _ = write!(out, "  {label:<20}");
        for c in cells {
            let _ = write!(out, " {c:>W$}");
        }
        let _ = writeln!(out);
    };

    if !m.get_hit.is_empty() {
        let _ = writeln!(
            out,
            "get-hit, prebuilt key, random order (ns per get: median [interquartile range])"
        );
        header(out, "entries");
        for (i, n) in GET_SIZES.iter().enumerate() {
            let cells: Vec<String> = m.get_hit[i].iter().map(|r| stat(r).show(1)).collect();
            row(out, &n.to_string(), &cells);
        }
        let _ = writeln!(out, "  ratio vs lru_mutex (median of per-round ratios):");
        for (i, n) in GET_SIZES.iter().enumerate() {
            let cells: Vec<String> = m.get_hit[i]
                .iter()
                .map(|r| stat(&ratios(r, &m.get_hit[i][peer])).show(2))
                .collect();
            row(out, &n.to_string(), &cells);
        }
        for (i, n) in GET_SIZES.iter().enumerate() {
            let r = stat(&ratios(&m.get_hit[i][lru], &m.get_hit[i][peer]));
            targets.push(target(
                format!("LRU get-hit @ {n:>6} / Mutex<LruCache>"),
                format!(
                    "{}x ({:.1} vs {:.1} ns)",
                    r.show(2),
                    stat(&m.get_hit[i][lru]).med,
                    stat(&m.get_hit[i][peer]).med
                ),
                format!("≤ {LRU_VS_LRU_MUTEX}x"),
                r.med <= LRU_VS_LRU_MUTEX,
            ));
        }
        for (i, n) in GET_SIZES.iter().enumerate() {
            let r = stat(&ratios(&m.get_hit[i][lfu], &m.get_hit[i][lru]));
            targets.push(target(
                format!("LFU get-hit @ {n:>6} / LRU get-hit"),
                format!(
                    "{}x ({:.1} vs {:.1} ns)",
                    r.show(2),
                    stat(&m.get_hit[i][lfu]).med,
                    stat(&m.get_hit[i][lru]).med
                ),
                format!("≤ {LFU_VS_LRU}x"),
                r.med <= LFU_VS_LRU,
            ));
        }
        let _ = writeln!(out);
    }

    if !m.churn.is_empty() {
        let _ = writeln!(
            out,
            "insert with eviction, capacity {CHURN_CAPACITY}, pool {} keys (ns per insert)",
            2 * CHURN_CAPACITY
        );
        header(out, "");
        let cells: Vec<String> = m.churn.iter().map(|r| stat(r).show(1)).collect();
        row(out, "ns", &cells);
        let cells: Vec<String> = m
            .churn
            .iter()
            .map(|r| stat(&ratios(r, &m.churn[peer])).show(2))
            .collect();
        row(out, "ratio vs lru_mutex", &cells);
        let _ = writeln!(out);
    }

    if !m.contended.is_empty() {
        let _ = writeln!(
            out,
            "get-hit throughput, {CONTENDED_SIZE} entries, one shared cache (million gets/s, all threads)"
        );
        header(out, "");
        let mops = |r: &Rounds| r.iter().map(|ns| 1e3 / ns).collect::<Vec<_>>();
        let two: Vec<Rounds> = m.contended.iter().map(mops).collect();
        let cells: Vec<String> = two.iter().map(|r| stat(r).show(1)).collect();
        row(out, "2 threads", &cells);
        if !m.single.is_empty() {
            let one: Vec<Rounds> = m.single.iter().map(mops).collect();
            let cells: Vec<String> = one.iter().map(|r| stat(r).show(1)).collect();
            row(out, "1 thread", &cells);
            let cells: Vec<String> = two
                .iter()
                .zip(&one)
                .map(|(t, o)| stat(&ratios(t, o)).show(2))
                .collect();
            row(out, "2 threads / 1", &cells);
        }
        let _ = writeln!(
            out,
            "  clientcache 2-thread throughput relative to (median of per-round ratios):"
        );
        for (name, who) in [("LRU", lru), ("LFU", lfu)] {
            for peer in [Which::QuickCache, Which::Moka, Which::LruMutex] {
                let r = stat(&ratios(&two[who], &two[at(peer)]));
                let _ = writeln!(
                    out,
                    "    clientcache {name} / {:<12} {}x",
                    peer.name(),
                    r.show(2)
                );
            }
        }
        let _ = writeln!(out);
    }

    if !m.key_json.is_empty() {
        let _ = writeln!(out, "key construction (ns per key)");
        let line = |out: &mut String, what: &str, r: &Rounds| {
            let _ = writeln!(out, "  {what:<52} {:>22}", stat(r).show(1));
        };
        line(out, "Key::from_json, 3 params", &m.key_json);
        line(
            out,
            "C ABI clientcache_key_new + key_free, same JSON",
            &m.key_json_abi,
        );
        line(
            out,
            "Key::from_json, 3 params incl. 2 secrets",
            &m.key_json_secrets,
        );
        line(out, "Params builder + Key::new, 3 params", &m.key_params);
        line(
            out,
            "Key::new from prebuilt Params, 3 params",
            &m.key_params_prebuilt,
        );
        for (what, r) in [
            ("key from 3-param JSON, Rust Key::from_json", &m.key_json),
            (
                "key from 3-param JSON, C ABI key_new + key_free",
                &m.key_json_abi,
            ),
        ] {
            let s = stat(r);
            targets.push(target(
                what,
                format!("{} ns", s.show(0)),
                format!("≤ {KEY_JSON_NS} ns"),
                s.med <= KEY_JSON_NS,
            ));
        }
        let _ = writeln!(out);
    }

    if !m.rust_get.is_empty() {
        let _ = writeln!(
            out,
            "C ABI overhead, LRU, {CONTENDED_SIZE} entries (ns per get-hit)"
        );
        let rust = stat(&m.rust_get);
        let abi = stat(&m.abi_get);
        let diff: Vec<f64> = m
            .abi_get
            .iter()
            .zip(&m.rust_get)
            .map(|(a, r)| a - r)
            .collect();
        let extra = stat(&diff);
        let _ = writeln!(
            out,
            "  {:<52} {:>22}",
            "Rust Cache::get (Arc value)",
            rust.show(1)
        );
        let _ = writeln!(
            out,
            "  {:<52} {:>22}",
            "clientcache_cache_get + clientcache_lease_free",
            abi.show(1)
        );
        let _ = writeln!(
            out,
            "  {:<52} {:>22}",
            "difference (per round)",
            extra.show(1)
        );
        targets.push(target(
            "C ABI get + lease free - Rust get",
            format!("+{} ns", extra.show(1)),
            format!("≤ +{ABI_EXTRA_NS} ns"),
            extra.med <= ABI_EXTRA_NS,
        ));
        let _ = writeln!(out);
    }

    if !m.ttl_rust[0].is_empty() {
        let _ = writeln!(
            out,
            "get-hit with a time-to-live, LRU, {CONTENDED_SIZE} entries (ns per get)"
        );
        let _ = writeln!(out, "  {:<30} {:>22} {:>22}", "", "no TTL", "TTL 1 h");
        for (what, pair) in [
            ("Rust Cache::get", &m.ttl_rust),
            ("C ABI get + lease free", &m.ttl_abi),
        ] {
            let _ = writeln!(
                out,
                "  {what:<30} {:>22} {:>22}",
                stat(&pair[0]).show(1),
                stat(&pair[1]).show(1)
            );
        }
        for (what, pair) in [("Rust", &m.ttl_rust), ("C ABI", &m.ttl_abi)] {
            let r = stat(&ratios(&pair[1], &pair[0]));
            targets.push(target(
                format!("{what} get-hit with a TTL / without"),
                format!("{}x", r.show(2)),
                format!("≤ {TTL_VS_PLAIN}x"),
                r.med <= TTL_VS_PLAIN,
            ));
        }
        let _ = writeln!(out);
    }

    if !m.goiw_sync.is_empty() {
        let _ = writeln!(
            out,
            "get_or_insert_with hit, LRU, {CONTENDED_SIZE} entries (ns)"
        );
        let _ = writeln!(
            out,
            "  {:<52} {:>22}",
            "blocking form",
            stat(&m.goiw_sync).show(1)
        );
        let _ = writeln!(
            out,
            "  {:<52} {:>22}",
            "async form (first poll)",
            stat(&m.goiw_async).show(1)
        );
        let r = stat(&ratios(&m.goiw_async, &m.goiw_sync));
        targets.push(target(
            "async get_or_insert_with hit / blocking hit",
            format!("{}x", r.show(2)),
            format!("≤ {ASYNC_VS_SYNC}x"),
            r.med <= ASYNC_VS_SYNC,
        ));
        let _ = writeln!(out);
    }

    match memory {
        Some(Ok(Memory { rows, notes })) => {
            let _ = writeln!(
                out,
                "memory per entry beyond the canonical text, N = 100 000 (bytes)"
            );
            for note in notes {
                let _ = writeln!(out, "{note}");
            }
            for (name, beyond, resident) in rows {
                let _ = writeln!(out, "  {name:<22} {beyond:>10.1}   ({resident} resident)");
            }
            for (name, beyond, _) in rows {
                if name == "clientcache_lru" || name == "clientcache_lfu" {
                    targets.push(target(
                        format!("memory {name}, beyond the canonical text"),
                        format!("{beyond:.1} B/entry"),
                        format!("≤ {MEMORY_BEYOND_TEXT} B"),
                        *beyond <= MEMORY_BEYOND_TEXT,
                    ));
                }
            }
            let _ = writeln!(out);
        }
        Some(Err(e)) => {
            let _ = writeln!(out, "memory: not measured ({e})");
            let _ = writeln!(out);
        }
        None => {}
    }
    targets
}

fn print_targets(out: &mut String, targets: &[Target]) {
    let _ = writeln!(
        out,
        "targets (value: median [interquartile range of the rounds]; ratios are medians of per-round ratios)"
    );
    for t in targets {
        let _ = writeln!(
            out,
            "  {:<7}  {:<48} {:>36}   target {}",
            if t.met { "met" } else { "NOT MET" },
            t.what,
            t.value,
            t.bound
        );
    }
    let missed = targets.iter().filter(|t| !t.met).count();
    let _ = writeln!(
        out,
        "  {} of {} targets met{}",
        targets.len() - missed,
        targets.len(),
        if missed == 0 { "" } else { " (see above)" }
    );
}

fn main() {
    let o = options();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    eprintln!(
        "clientcache benchmark report: {} rounds of ~{} ms per contender, interleaved",
        o.rounds,
        o.round.as_millis()
    );
    let memory = o.wants("memory").then(memory);
    let m = measure(&o);

    let mut out = String::new();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "==== clientcache benchmark report ({cores} CPUs visible; {} interleaved rounds, Instant-timed) ====",
        o.rounds
    );
    let _ = writeln!(out);
    let targets = tables(&mut out, &m, &memory);
    print_targets(&mut out, &targets);

    if let Some(since) = o.criterion_since {
        let _ = writeln!(out);
        match from_criterion(since) {
            Ok(c) => {
                let _ = writeln!(
                    out,
                    "==== the same tables from this run's criterion medians (no spread: one estimate each) ===="
                );
                let _ = writeln!(out);
                let targets = tables(&mut out, &c, &memory);
                print_targets(&mut out, &targets);
            }
            Err(e) => {
                let _ = writeln!(out, "criterion medians: not tabulated ({e})");
            }
        }
    }
    print!("{out}");
}
