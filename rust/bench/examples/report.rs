//! The benchmark report: times every workload of the criterion benches
//! itself (std::time::Instant, contenders interleaved round by round, median
//! of the rounds), adds the memory census (the `memory` example, run as a
//! child process) and prints the medians, the ratios against peers measured
//! in this same run, and PASS / MISS per target (README, "Performance").
//!
//! Options: `--rounds R` (default 11), `--round-ms MS` (default 25),
//! `--criterion-since UNIX_SECS`: also tabulate the medians of the criterion
//! run that started at that time (estimates older than that are ignored).

use std::fmt::Write as _;
use std::future::Future;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use clientcache::{Cache, Key, Kind, Policy};
use clientcache_bench::{
    CHURN_CAPACITY, CONTENDED_SIZE, Churn, Contender, GET_SIZES, GetHit, JSON_3, JSON_3_SECRETS,
    Keys, SEQ_LEN, Val, Which, contended_get_hit, ffi::FfiCache, lookup_sequence, params_3,
};

/// The targets (README, "Performance").
const LRU_VS_LRU_MUTEX: f64 = 1.2;
const LFU_VS_LRU: f64 = 1.5;
const KEY_JSON_NS: f64 = 1_000.0;
const ABI_EXTRA_NS: f64 = 15.0;
const MEMORY_BEYOND_TEXT: f64 = 200.0;
/// A cached hit through the async single-flight path, against the blocking one.
const ASYNC_VS_SYNC: f64 = 1.2;
/// A get hit on a cache with a time-to-live, against one without.
const TTL_VS_PLAIN: f64 = 1.15;

struct Options {
    rounds: usize,
    round: Duration,
    criterion_since: Option<u64>,
}

fn options() -> Options {
    let mut o = Options {
        rounds: 11,
        round: Duration::from_millis(25),
        criterion_since: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().and_then(|v| v.parse::<u64>().ok());
        match arg.as_str() {
            "--rounds" => o.rounds = value().expect("--rounds R") as usize,
            "--round-ms" => o.round = Duration::from_millis(value().expect("--round-ms MS")),
            "--criterion-since" => o.criterion_since = Some(value().expect("--criterion-since S")),
            other => panic!("unknown argument {other}"),
        }
    }
    o.rounds = o.rounds.max(1);
    o
}

/// A timed workload: runs `n` operations, returns the time they took.
type Job<'a> = Box<dyn FnMut(u64) -> Duration + 'a>;

/// Times each job `rounds` times, interleaving the jobs within each round so
/// that load from other processes hits every contender alike. Returns the
/// median nanoseconds per operation of each job.
fn interleaved(jobs: &mut [Job<'_>], ops_per_call: f64, o: &Options) -> Vec<f64> {
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
    for _ in 0..o.rounds {
        for (j, job) in jobs.iter_mut().enumerate() {
            let t = job(sizes[j]);
            samples[j].push(t.as_secs_f64() * 1e9 / (sizes[j] as f64 * ops_per_call));
        }
    }
    samples.into_iter().map(median).collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

fn timed(n: u64, mut op: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        op();
    }
    start.elapsed()
}

fn verdict(ok: bool) -> &'static str {
    if ok { "PASS" } else { "MISS" }
}

/// Results that the targets are checked against (report or criterion).
#[derive(Default)]
struct Medians {
    /// get-hit ns per size index, per contender (Which::ALL order).
    get_hit: Vec<Vec<f64>>,
    churn: Vec<f64>,
    contended: Vec<f64>,
    key_json: f64,
    key_json_secrets: f64,
    key_params: f64,
    key_params_prebuilt: f64,
    rust_get: f64,
    abi_get: f64,
    /// get_or_insert_with hit: blocking form, async form (report only).
    goiw_sync: f64,
    goiw_async: f64,
    /// get hit without / with a time-to-live: Rust, then the C ABI (report only).
    ttl_rust: [f64; 2],
    ttl_abi: [f64; 2],
}

fn measure(o: &Options) -> Medians {
    let mut m = Medians::default();

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

    eprintln!("  timing insert-with-eviction...");
    {
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

    eprintln!("  timing 2-thread contended get-hit...");
    {
        let keys = Keys::new(CONTENDED_SIZE);
        let seqs = [
            lookup_sequence(CONTENDED_SIZE, 0x1234_5678_9abc_def1),
            lookup_sequence(CONTENDED_SIZE, 0x0fed_cba9_8765_4321),
        ];
        let caches: Vec<Contender> = Which::ALL
            .iter()
            .map(|&w| Contender::filled(w, &keys))
            .collect();
        let mut jobs: Vec<Job<'_>> = caches
            .iter()
            .map(|cache| {
                let (keys, seqs) = (&keys, &seqs);
                Box::new(move |n: u64| contended_get_hit(cache, keys, seqs, n.max(1_000)))
                    as Job<'_>
            })
            .collect();
        // One call runs n gets on each of 2 threads: 2n operations.
        m.contended = interleaved(&mut jobs, 2.0, o);
    }

    eprintln!("  timing key construction...");
    {
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
        let r = interleaved(&mut jobs, 1.0, o);
        (
            m.key_json,
            m.key_json_secrets,
            m.key_params,
            m.key_params_prebuilt,
        ) = (r[0], r[1], r[2], r[3]);
    }

    eprintln!("  timing the C ABI...");
    {
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
        let r = interleaved(&mut jobs, 1.0, o);
        (m.rust_get, m.abi_get) = (r[0], r[1]);
    }

    eprintln!("  timing get_or_insert_with hits, blocking and async...");
    {
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
        let r = interleaved(&mut jobs, 1.0, o);
        (m.goiw_sync, m.goiw_async) = (r[0], r[1]);
    }

    eprintln!("  timing get-hit with and without a time-to-live...");
    {
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
        let r = interleaved(&mut jobs, 1.0, o);
        m.ttl_rust = [r[0], r[1]];
        let mut jobs: Vec<Job<'_>> = Vec::new();
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
        let r = interleaved(&mut jobs, 1.0, o);
        m.ttl_abi = [r[0], r[1]];
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

/// The criterion medians, when every benchmark has a fresh estimate.
fn from_criterion(since: u64) -> Result<Medians, String> {
    let root = criterion_root();
    let get = |group: &str, id: &str| {
        criterion_median(&root, group, id, since).ok_or_else(|| {
            format!(
                "no fresh estimate for {group}/{id} under {}",
                root.display()
            )
        })
    };
    let mut m = Medians::default();
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
        .map(|w| get("get_hit_2threads", w.name()).map(|t| t / 2.0))
        .collect::<Result<_, _>>()?;
    m.key_json = get("key_new", "from_json_3")?;
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

/// Prints the tables and returns the target verdict lines.
fn tables(out: &mut String, m: &Medians, memory: &Result<Memory, String>) -> Vec<(String, bool)> {
    let mut targets = Vec::new();
    let lru = at(Which::ClientcacheLru);
    let lfu = at(Which::ClientcacheLfu);
    let peer = at(Which::LruMutex);

    let header = |out: &mut String, first: &str| {
        let _ = write!(out, "  {first:<22}");
        for w in Which::ALL {
            let _ = write!(out, " {:>16}", w.name());
        }
        let _ = writeln!(out);
    };
    let row = |out: &mut String, label: &str, values: &[f64]| {
        let _ = write!(out, "  {label:<22}");
        for v in values {
            let _ = write!(out, " {:>16}", format!("{v:.1}"));
        }
        let _ = writeln!(out);
    };

    let _ = writeln!(
        out,
        "get-hit, prebuilt key, random order (ns per get, median)"
    );
    header(out, "entries");
    for (i, n) in GET_SIZES.iter().enumerate() {
        row(out, &n.to_string(), &m.get_hit[i]);
    }
    let _ = writeln!(out, "  ratio vs lru_mutex:");
    for (i, n) in GET_SIZES.iter().enumerate() {
        let ratios: Vec<f64> = m.get_hit[i]
            .iter()
            .map(|v| v / m.get_hit[i][peer])
            .collect();
        let _ = write!(out, "  {:<22}", n.to_string());
        for r in ratios {
            let _ = write!(out, " {:>16}", format!("{r:.2}x"));
        }
        let _ = writeln!(out);
    }
    for (i, n) in GET_SIZES.iter().enumerate() {
        let r = m.get_hit[i][lru] / m.get_hit[i][peer];
        targets.push((
            format!("LRU get-hit @ {n:>6} ≤ {LRU_VS_LRU_MUTEX}x Mutex<LruCache>: {r:.2}x ({:.1} vs {:.1} ns)",
                m.get_hit[i][lru], m.get_hit[i][peer]),
            r <= LRU_VS_LRU_MUTEX,
        ));
    }
    for (i, n) in GET_SIZES.iter().enumerate() {
        let r = m.get_hit[i][lfu] / m.get_hit[i][lru];
        targets.push((
            format!("LFU get-hit @ {n:>6} ≤ {LFU_VS_LRU}x LRU get-hit:      {r:.2}x ({:.1} vs {:.1} ns)",
                m.get_hit[i][lfu], m.get_hit[i][lru]),
            r <= LFU_VS_LRU,
        ));
    }

    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "insert with eviction, capacity {CHURN_CAPACITY}, pool {} keys (ns per insert)",
        2 * CHURN_CAPACITY
    );
    header(out, "");
    row(out, "ns", &m.churn);
    row(
        out,
        "ratio vs lru_mutex",
        &m.churn
            .iter()
            .map(|v| v / m.churn[peer])
            .collect::<Vec<_>>(),
    );

    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "get-hit, 2 threads, {CONTENDED_SIZE} entries (wall ns per get, both threads)"
    );
    header(out, "");
    row(out, "ns", &m.contended);
    row(
        out,
        "ratio vs lru_mutex",
        &m.contended
            .iter()
            .map(|v| v / m.contended[peer])
            .collect::<Vec<_>>(),
    );

    let _ = writeln!(out);
    let _ = writeln!(out, "key construction (ns per key)");
    let _ = writeln!(
        out,
        "  {:<44} {:>10.1}",
        "Key::from_json, 3 params", m.key_json
    );
    let _ = writeln!(
        out,
        "  {:<44} {:>10.1}",
        "Key::from_json, 3 params incl. 2 secrets", m.key_json_secrets
    );
    let _ = writeln!(
        out,
        "  {:<44} {:>10.1}",
        "Params builder + Key::new, 3 params", m.key_params
    );
    let _ = writeln!(
        out,
        "  {:<44} {:>10.1}",
        "Key::new from prebuilt Params, 3 params", m.key_params_prebuilt
    );
    targets.push((
        format!(
            "key from 3-param JSON ≤ {KEY_JSON_NS} ns:              {:.0} ns",
            m.key_json
        ),
        m.key_json <= KEY_JSON_NS,
    ));

    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "C ABI overhead, LRU, {CONTENDED_SIZE} entries (ns per get-hit)"
    );
    let _ = writeln!(
        out,
        "  {:<44} {:>10.1}",
        "Rust Cache::get (Arc value)", m.rust_get
    );
    let _ = writeln!(
        out,
        "  {:<44} {:>10.1}",
        "clientcache_cache_get + clientcache_lease_free", m.abi_get
    );
    let extra = m.abi_get - m.rust_get;
    let _ = writeln!(out, "  {:<44} {:>10.1}", "difference", extra);
    targets.push((
        format!("C ABI get + lease free ≤ Rust get + {ABI_EXTRA_NS} ns:   +{extra:.1} ns"),
        extra <= ABI_EXTRA_NS,
    ));
    if m.ttl_rust[0] > 0.0 {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "get-hit with a time-to-live, LRU, {CONTENDED_SIZE} entries (ns per get)"
        );
        let _ = writeln!(out, "  {:<44} {:>10} {:>10}", "", "no TTL", "TTL 1 h");
        let _ = writeln!(
            out,
            "  {:<44} {:>10.1} {:>10.1}",
            "Rust Cache::get", m.ttl_rust[0], m.ttl_rust[1]
        );
        let _ = writeln!(
            out,
            "  {:<44} {:>10.1} {:>10.1}",
            "C ABI get + lease free", m.ttl_abi[0], m.ttl_abi[1]
        );
        for (what, pair) in [("Rust", m.ttl_rust), ("C ABI", m.ttl_abi)] {
            let r = pair[1] / pair[0];
            targets.push((
                format!("{what} get-hit with a TTL ≤ {TTL_VS_PLAIN}x without:      {r:.2}x"),
                r <= TTL_VS_PLAIN,
            ));
        }
    }
    if m.goiw_sync > 0.0 {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "get_or_insert_with hit, LRU, {CONTENDED_SIZE} entries (ns)"
        );
        let _ = writeln!(out, "  {:<44} {:>10.1}", "blocking form", m.goiw_sync);
        let _ = writeln!(
            out,
            "  {:<44} {:>10.1}",
            "async form (first poll)", m.goiw_async
        );
        let r = m.goiw_async / m.goiw_sync;
        targets.push((
            format!("async get_or_insert_with hit ≤ {ASYNC_VS_SYNC}x blocking hit:  {r:.2}x"),
            r <= ASYNC_VS_SYNC,
        ));
    }

    let _ = writeln!(out);
    match memory {
        Ok(Memory { rows, notes }) => {
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
                if name.starts_with("clientcache") {
                    targets.push((
                        format!("memory {name} ≤ {MEMORY_BEYOND_TEXT} B/entry beyond text: {beyond:.1} B"),
                        *beyond <= MEMORY_BEYOND_TEXT,
                    ));
                }
            }
        }
        Err(e) => {
            let _ = writeln!(out, "memory: not measured ({e})");
        }
    }
    targets
}

fn print_targets(out: &mut String, targets: &[(String, bool)]) {
    let _ = writeln!(out);
    let _ = writeln!(out, "targets");
    for (line, ok) in targets {
        let _ = writeln!(out, "  {}  {line}", verdict(*ok));
    }
    let missed = targets.iter().filter(|(_, ok)| !ok).count();
    let _ = writeln!(
        out,
        "  {} of {} targets met{}",
        targets.len() - missed,
        targets.len(),
        if missed == 0 {
            ""
        } else {
            " (MISS = not yet met; see above)"
        }
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
    let memory = memory();
    let m = measure(&o);

    let mut out = String::new();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "==== clientcache benchmark report ({cores} CPUs visible; medians of {} interleaved rounds, Instant-timed) ====",
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
                    "==== the same tables from this run's criterion medians ===="
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
