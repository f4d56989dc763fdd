//! Property tests of the parser and canonicalizer (identity rules in
//! docs/identity.md): arbitrary bytes never panic, any accepted params text
//! and its canonical re-reading give the same key, and neither member order,
//! whitespace nor number spelling changes a key.

use clientcache::{Key, Kind};
use proptest::prelude::*;

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
