//! Property tests of the parser and canonicalizer (identity rules in
//! docs/identity.md): arbitrary bytes never panic, any accepted params text
//! and its canonical re-reading give the same key, neither member order,
//! whitespace nor number spelling changes a key, and the two ways of
//! building a key (from text, from `Params`) agree on every input, errors
//! included. The fast paths of both are also checked against the
//! rule-by-rule reference inside the crate (`key::tests`).

use clientcache::{Key, Kind, Params};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// A JSON value as a tree we can print in several spellings.
#[derive(Clone, Debug)]
enum J {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

fn finite_double() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>().prop_map(f64::from_bits),
        (-1e6f64..1e6),
        (-(2i64.pow(53) - 1)..(2i64.pow(53))).prop_map(|i| i as f64),
        (0u64..(1 << 40), 1u32..20).prop_map(|(i, k)| i as f64 + 1.0 / f64::from(1u32 << k)),
    ]
    .prop_filter("valid identity number", |x| {
        x.is_finite() && (x.fract() != 0.0 || x.abs() <= 9_007_199_254_740_991.0)
    })
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            any::<char>(),
            prop::char::range('\u{0}', '\u{1f}'),
            prop::char::range('\u{e000}', '\u{ffff}'),
            Just('"'),
            Just('\\'),
            Just('\u{2028}'),
        ],
        0..6,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn value() -> impl Strategy<Value = J> {
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        finite_double().prop_map(J::Num),
        text().prop_map(J::Str),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(J::Arr),
            prop::collection::btree_map(text(), inner, 0..5)
                .prop_map(|m| J::Obj(m.into_iter().collect())),
        ]
    })
}

fn escape(s: &str, ascii: bool) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if ascii && !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Prints `v` with members in reverse order, optional spaces, ASCII-only
/// escapes and exponent-form numbers when `alt` is set.
fn print(v: &J, alt: bool) -> String {
    match v {
        J::Null => "null".into(),
        J::Bool(b) => b.to_string(),
        J::Num(n) if alt => format!("{n:e}"),
        J::Num(n) => format!("{n:?}"),
        J::Str(s) => escape(s, alt),
        J::Arr(items) => {
            let parts: Vec<String> = items.iter().map(|x| print(x, alt)).collect();
            format!("[{}]", parts.join(if alt { " , " } else { "," }))
        }
        J::Obj(members) => {
            let mut parts: Vec<String> = members
                .iter()
                .map(|(k, x)| format!("{}:{}", escape(k, alt), print(x, alt)))
                .collect();
            if alt {
                parts.reverse();
            }
            format!("{{{}}}", parts.join(if alt { ",\n\t" } else { "," }))
        }
    }
}

/// The params part of a canonical form: `{"kind":…,"params":{…},"service_name":…}`.
fn params_of(canonical: &str) -> &str {
    let start = canonical.find("\"params\":").unwrap() + "\"params\":".len();
    let end = canonical.rfind(",\"service_name\":").unwrap();
    &canonical[start..end]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = Key::from_json(Kind::Client, "s3", &bytes);
        let mut framed = br#"{"config":"#.to_vec();
        framed.extend_from_slice(&bytes);
        framed.push(b'}');
        let _ = Key::from_json(Kind::Client, "s3", &framed);
    }

    #[test]
    fn spelling_never_changes_the_key(
        config in prop::collection::btree_map(text(), value(), 0..5)
            .prop_map(|m| J::Obj(m.into_iter().collect())),
        region in text(),
    ) {
        let region_json = escape(&region, false);
        let plain = format!(r#"{{"config":{},"region_name":{region_json}}}"#, print(&config, false));
        let alt = format!(r#"{{ "region_name" : {} , "config" : {} }}"#, escape(&region, true), print(&config, true));
        let a = Key::from_json(Kind::Client, "s3", plain.as_bytes());
        let b = Key::from_json(Kind::Client, "s3", alt.as_bytes());
        // Every generated tree is valid (finite numbers in range, unique
        // names, shallow), so both spellings must be accepted.
        let (a, b) = (a.unwrap(), b.unwrap());
        prop_assert_eq!(a.canonical(), b.canonical());
        // The canonical params read back as the same key.
        let again = Key::from_json(Kind::Client, "s3", params_of(a.canonical()).as_bytes()).unwrap();
        prop_assert_eq!(&again, &a);
        prop_assert_eq!(again.canonical(), a.canonical());
        prop_assert!(a.label().starts_with("s3(config="));
        prop_assert!(a.diff(&b).is_empty());
    }
}

/// Text pieces that exercise every branch of the fast parser: escapes,
/// non-ASCII, controls, surrogates, numbers at the edges of the rules,
/// malformed tokens.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "\"us-west-2\"", "\"\"", "\"a\\\"b\"", "\"\\u00e9\\ud83d\\ude00\"", "\"é😀\u{2028}\"",
            "\"\\ud83d\"", "\"\\udc00\"", "\"\\x\"", "\"a\u{1}\"", "\"\\/\\b\\f\\n\\r\\t\"",
            "\"http://127.0.0.1:9000/some/long/path?with=query\"",
            "\"a long string, long enough for the word-at-a-time scan\\n\"",
            "0", "-0", "-0.0", "1.0", "1e2", "1E-7", "0.1", "4.35", "123456789012345",
            "1234567890123456", "9007199254740991", "9007199254740992", "-9007199254740993",
            "1e21", "1e400", "5e-324", "01", "1.", ".5", "-", "+1",
            "true", "false", "null", "tru", "[]", "{}", "[1,2]", "[1,]", "{\"a\":1,\"a\":2}",
            "{\"a\":1,\"\\u0061\":2}", "{\"\\ud83d\\ude00\":1,\"\\ufb33\":2,\"b\":3}",
        ])
        .prop_map(str::to_owned),
        1 => finite_double().prop_map(|n| format!("{n:e}")),
    ]
}

fn nested() -> impl Strategy<Value = String> {
    piece().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(
                (
                    prop::sample::select(vec!["a", "b", "B", "é", "😀", "\\u0062", "x y"]),
                    inner
                ),
                0..4
            )
            .prop_map(|members| {
                let members: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

fn params_text() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec![
        "config",
        "config",
        "config",
        "region_name",
        "endpoint_url",
        "aws_session_token",
        "aws_secret_access_key",
        "use_ssl",
        "verify",
        "profile_name",
        "region",
        "region\\u005fname",
    ]);
    prop::collection::vec((name, nested()), 0..4).prop_map(|members| {
        let members: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("\"{k}\":{v}"))
            .collect();
        format!("{{{}}}", members.join(", "))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// `Key::from_json` (the token path) and `Key::new` on the same params
    /// read into values (the value path) give the same key or the same
    /// error message.
    #[test]
    fn text_and_values_build_the_same_key(text in params_text()) {
        let from_text = Key::from_json(Kind::Client, "s3", text.as_bytes());
        let from_values = Params::from_json(text.as_bytes())
            .and_then(|params| Key::new(Kind::Client, "s3", &params));
        match (from_text, from_values) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(a.canonical(), b.canonical());
                prop_assert_eq!(a.fingerprint(), b.fingerprint());
                prop_assert_eq!(&a, &b);
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => prop_assert!(false, "{text}: from text {a:?}, from values {b:?}"),
        }
    }

    /// What a key shows is derived from its canonical form alone.
    #[test]
    fn a_key_shows_its_canonical_form(text in params_text(), resource in any::<bool>()) {
        let kind = if resource { Kind::Resource } else { Kind::Client };
        if let Ok(key) = Key::from_json(kind, "s3-control", text.as_bytes()) {
            let digest = Sha256::digest(key.canonical().as_bytes());
            let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
            prop_assert_eq!(key.fingerprint(), hex.as_str());
            prop_assert_eq!(key.kind(), kind);
            prop_assert_eq!(key.service_name(), "s3-control");
            prop_assert!(key.label().starts_with("s3-control("));
            prop_assert_eq!(key.to_string(), key.label());
            // Re-reading gives the same key, but for secrets (digested again).
            if !key.label().contains("***") {
                let params = params_of(key.canonical());
                let again = Key::from_json(kind, "s3-control", params.as_bytes());
                prop_assert_eq!(again.unwrap(), key);
            }
        }
    }
}

#[test]
fn fingerprint_reads_as_a_string() {
    let key = Key::from_json(Kind::Client, "s3", br#"{"region_name":"us-west-2"}"#).unwrap();
    let fingerprint = key.fingerprint();
    let owned: String = fingerprint.to_owned();
    assert_eq!(owned.len(), 32);
    assert_eq!(fingerprint, owned);
    assert_eq!(owned, fingerprint);
    assert_eq!(fingerprint, owned.as_str());
    assert_eq!(format!("{fingerprint}"), owned);
    assert_eq!(format!("{fingerprint:?}"), format!("{owned:?}"));
    assert_eq!(fingerprint.to_string(), owned);
    let other = Key::from_json(Kind::Client, "s3", br#"{"region_name":"us-east-1"}"#).unwrap();
    assert_ne!(other.fingerprint(), key.fingerprint());
}
