//! The shared identity vectors (tests/vectors/keys.json), also read by the
//! C, Go and Node suites.

use clientcache::{Key, Kind};
use serde_json::Value as Json;

fn load() -> Json {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/keys.json");
    let text = std::fs::read_to_string(path).expect("read tests/vectors/keys.json");
    serde_json::from_str(&text).expect("parse keys.json")
}

fn kind(v: &Json) -> Kind {
    match v["kind"].as_str() {
        Some("client") => Kind::Client,
        Some("resource") => Kind::Resource,
        other => panic!("bad kind {other:?}"),
    }
}

fn params(v: &Json) -> &[u8] {
    v["params_json"].as_str().map_or(&[], str::as_bytes)
}

#[test]
fn every_vector_matches() {
    let doc = load();
    let vectors = doc["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 40, "at least 40 vectors");
    for v in vectors {
        let name = v["name"].as_str().unwrap();
        let key = Key::from_json(kind(v), v["service_name"].as_str().unwrap(), params(v))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            key.canonical(),
            v["canonical"].as_str().unwrap(),
            "{name}: canonical"
        );
        assert_eq!(
            key.fingerprint(),
            v["fingerprint"].as_str().unwrap(),
            "{name}: fingerprint"
        );
        assert_eq!(key.label(), v["label"].as_str().unwrap(), "{name}: label");
        assert_eq!(key.kind(), kind(v), "{name}: kind");
        assert_eq!(
            key.service_name(),
            v["service_name"].as_str().unwrap(),
            "{name}: service"
        );
    }
}

#[test]
fn every_error_case_is_rejected() {
    let doc = load();
    let errors = doc["errors"].as_array().unwrap();
    assert!(errors.len() >= 15, "at least 15 error cases");
    for v in errors {
        let name = v["name"].as_str().unwrap();
        assert_eq!(
            v["status"], "INVALID_ARGUMENT",
            "{name}: the core only raises invalid arguments for keys"
        );
        let err = Key::from_json(kind(v), v["service_name"].as_str().unwrap(), params(v))
            .expect_err(name)
            .to_string();
        let fragment = v["message_contains"].as_str().unwrap();
        assert!(err.contains(fragment), "{name}: {err:?} lacks {fragment:?}");
    }
}

#[test]
fn secrets_never_appear_in_any_output() {
    let doc = load();
    for v in doc["vectors"].as_array().unwrap() {
        let text = v["params_json"].as_str().unwrap_or("{}");
        let parsed: Json = serde_json::from_str(text).unwrap();
        let key = Key::from_json(kind(v), v["service_name"].as_str().unwrap(), params(v)).unwrap();
        for secret in clientcache::SECRET_PARAMS {
            if let Some(clear) = parsed
                .get(secret)
                .and_then(Json::as_str)
                .filter(|s| s.len() >= 8)
            {
                for shown in [
                    key.canonical(),
                    &key.label(),
                    &format!("{key:?}"),
                    &key.to_string(),
                ] {
                    assert!(!shown.contains(clear), "{secret} leaked in {shown}");
                }
            }
        }
    }
}

#[test]
fn reordered_members_give_the_same_key() {
    let doc = load();
    let by_name = |n: &str| {
        doc["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == n)
            .unwrap()["fingerprint"]
            .clone()
    };
    assert_eq!(by_name("demo key"), by_name("demo key, other member order"));
    assert_eq!(by_name("integer 5"), by_name("float 5.0 is integer 5"));
    assert_eq!(by_name("no params (NULL)"), by_name("all top-level nulls"));
    assert_ne!(
        by_name("array order matters A"),
        by_name("array order matters B")
    );
}

/// Converts parsed JSON into core values, keeping member order.
fn to_value(v: &Json) -> clientcache::Value {
    use clientcache::Value;
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Number(n.as_f64().unwrap()),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::Array(items.iter().map(to_value).collect()),
        Json::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), to_value(v)))
                .collect(),
        ),
    }
}

#[test]
fn values_and_json_text_give_the_same_keys() {
    let doc = load();
    for v in doc["vectors"].as_array().unwrap() {
        let name = v["name"].as_str().unwrap();
        let parsed: Json = serde_json::from_str(v["params_json"].as_str().unwrap_or("{}")).unwrap();
        let params: clientcache::Params = parsed
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), to_value(v)))
            .collect();
        let key = Key::new(kind(v), v["service_name"].as_str().unwrap(), &params).unwrap();
        assert_eq!(
            key.fingerprint(),
            v["fingerprint"].as_str().unwrap(),
            "{name}"
        );
    }
}
