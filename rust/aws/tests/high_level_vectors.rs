//! tests/vectors/high-level.json: every case with a Rust spelling, written
//! with `SessionBuilder` and `ClientParams`, gives exactly the key (canonical
//! form, fingerprint, label) that the Go and Node high-level layers give.
//! No client is built: `Session::client_key` is the key `Session::client`
//! would cache under.

use std::path::PathBuf;
use std::time::Duration;

use clientcache_aws::{ClientParams, Session, SessionBuilder};
use serde_json::Value as Json;

fn vectors() -> Json {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/high-level.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("high-level.json is JSON")
}

fn text(case: &str, op: &[Json], i: usize) -> String {
    op.get(i)
        .and_then(Json::as_str)
        .unwrap_or_else(|| panic!("{case}: {op:?}: argument {i} must be a string"))
        .to_owned()
}

fn millis(case: &str, op: &[Json]) -> Duration {
    let ms = op
        .get(1)
        .and_then(Json::as_u64)
        .unwrap_or_else(|| panic!("{case}: {op:?}: milliseconds expected"));
    Duration::from_millis(ms)
}

fn flag(case: &str, op: &[Json]) -> bool {
    op.get(1)
        .and_then(Json::as_bool)
        .unwrap_or_else(|| panic!("{case}: {op:?}: boolean expected"))
}

/// Applies one `ClientParams` builder op, `[method name, args…]`.
fn param_op(case: &str, p: ClientParams, op: &[Json]) -> ClientParams {
    let name = op[0].as_str().expect("op name");
    match name {
        "region_name" => p.region_name(text(case, op, 1)),
        "endpoint_url" => p.endpoint_url(text(case, op, 1)),
        "profile_name" => p.profile_name(text(case, op, 1)),
        "credentials" => p.credentials(
            text(case, op, 1),
            text(case, op, 2),
            op.get(3).and_then(Json::as_str).map(str::to_owned),
        ),
        "max_attempts" => {
            let n = op[1].as_u64().expect("max_attempts takes a count");
            p.max_attempts(u32::try_from(n).unwrap())
        }
        "retry_mode" => p.retry_mode(text(case, op, 1)),
        "connect_timeout_ms" => p.connect_timeout(millis(case, op)),
        "read_timeout_ms" => p.read_timeout(millis(case, op)),
        "operation_timeout_ms" => p.operation_timeout(millis(case, op)),
        "force_path_style" => p.force_path_style(flag(case, op)),
        "use_fips" => p.use_fips(flag(case, op)),
        "use_dual_stack" => p.use_dual_stack(flag(case, op)),
        "app_id" => p.app_id(text(case, op, 1)),
        "use_ssl" => p.use_ssl(flag(case, op)),
        other => panic!("{case}: unknown ClientParams op {other:?}"),
    }
}

/// Applies one `SessionBuilder` op. `region`, `profile_name` and
/// `credentials` are builder methods; any other op is a `ClientParams`
/// method given through `SessionBuilder::defaults`.
fn session_op(case: &str, b: SessionBuilder, op: &[Json]) -> SessionBuilder {
    match op[0].as_str().expect("op name") {
        "region" => b.region(text(case, op, 1)),
        "profile_name" => b.profile_name(text(case, op, 1)),
        "credentials" => b.credentials(
            text(case, op, 1),
            text(case, op, 2),
            op.get(3).and_then(Json::as_str).map(str::to_owned),
        ),
        _ => b.defaults(param_op(case, ClientParams::new(), op)),
    }
}

fn ops<'a>(case: &str, rust: &'a Json, name: &str) -> &'a [Json] {
    rust[name]
        .as_array()
        .unwrap_or_else(|| panic!("{case}: rust.{name} must be a list"))
}

struct Checked {
    name: String,
    fingerprint: String,
}

#[test]
fn every_rust_case_gives_the_expected_key() {
    let doc = vectors();
    assert_eq!(doc["canonical_version"], 1);
    let cases = doc["cases"].as_array().expect("cases");
    let mut checked = Vec::new();
    for case in cases {
        let name = case["name"].as_str().expect("case name");
        let rust = &case["rust"];
        if rust.is_null() {
            continue;
        }
        let mut builder = Session::builder();
        for op in ops(name, rust, "session") {
            builder = session_op(name, builder, op.as_array().expect("op list"));
        }
        let session = builder.build().unwrap();
        let mut params = ClientParams::new();
        for op in ops(name, rust, "params") {
            params = param_op(name, params, op.as_array().expect("op list"));
        }
        let service = case["service_name"].as_str().expect("service_name");
        let key = session
            .client_key(service, &params)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            key.canonical(),
            case["canonical"].as_str().unwrap(),
            "{name}: canonical"
        );
        assert_eq!(
            key.label(),
            case["label"].as_str().unwrap(),
            "{name}: label"
        );
        assert_eq!(
            key.fingerprint(),
            case["fingerprint"].as_str().unwrap(),
            "{name}: fingerprint"
        );
        // Asking twice gives the same key (the memoized one).
        assert_eq!(session.client_key(service, &params).unwrap(), key, "{name}");
        checked.push(Checked {
            name: name.to_owned(),
            fingerprint: key.fingerprint().to_owned(),
        });
    }
    assert!(
        checked.len() >= 25,
        "only {} Rust cases found",
        checked.len()
    );

    let pairs = doc["must_differ"].as_array().expect("must_differ");
    assert!(!pairs.is_empty());
    for pair in pairs {
        let fp = |i: usize| {
            let name = pair[i].as_str().expect("case name");
            checked
                .iter()
                .find(|c| c.name == name)
                .unwrap_or_else(|| panic!("must_differ names {name:?}, which has no Rust case"))
                .fingerprint
                .clone()
        };
        assert_ne!(fp(0), fp(1), "{pair} must differ");
    }
}
