//! Deterministic identity (docs/identity.md): parameter validation and
//! normalization, the canonical form, the fingerprint and the label.

use std::borrow::Cow;
use std::fmt;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use sha2::{Digest, Sha256};

use crate::Error;
use crate::jcs;
use crate::json::MAX_DEPTH;
use crate::node::Node;
use crate::value::{Params, parse_object};

/// Whether a key (and a cache) is for SDK clients or resources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An SDK client (`boto3.client`, `aws_sdk_s3::Client`, `S3Client`).
    Client,
    /// An SDK resource (`boto3.resource`).
    Resource,
}

impl Kind {
    /// `"client"` or `"resource"`, as in the canonical form.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Client => "client",
            Kind::Resource => "resource",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The canonical-form version this library produces.
pub const CANONICAL_VERSION: u32 = 1;

#[derive(Clone, Copy)]
enum ParamType {
    String,
    Bool,
    BoolOrString,
    Object,
}

struct ParamSpec {
    name: &'static str,
    ty: ParamType,
    secret: bool,
}

/// The top-level parameter vocabulary (boto3's `Session.client` plus the
/// profile), in ascending name order.
const VOCABULARY: [ParamSpec; 10] = [
    ParamSpec {
        name: "api_version",
        ty: ParamType::String,
        secret: false,
    },
    ParamSpec {
        name: "aws_access_key_id",
        ty: ParamType::String,
        secret: true,
    },
    ParamSpec {
        name: "aws_secret_access_key",
        ty: ParamType::String,
        secret: true,
    },
    ParamSpec {
        name: "aws_session_token",
        ty: ParamType::String,
        secret: true,
    },
    ParamSpec {
        name: "config",
        ty: ParamType::Object,
        secret: false,
    },
    ParamSpec {
        name: "endpoint_url",
        ty: ParamType::String,
        secret: false,
    },
    ParamSpec {
        name: "profile_name",
        ty: ParamType::String,
        secret: false,
    },
    ParamSpec {
        name: "region_name",
        ty: ParamType::String,
        secret: false,
    },
    ParamSpec {
        name: "use_ssl",
        ty: ParamType::Bool,
        secret: false,
    },
    ParamSpec {
        name: "verify",
        ty: ParamType::BoolOrString,
        secret: false,
    },
];

/// Names of the parameters whose values are secrets (digested in the key,
/// rendered `***` in labels).
pub const SECRET_PARAMS: [&str; 3] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
];

/// Largest integer magnitude every language's JSON numbers hold exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Suffix of every canonical form after the service name.
const CANONICAL_SUFFIX: &str = "\",\"version\":1}";

/// An immutable cache key: `(kind, service_name, params)` in canonical form.
///
/// Cloning is cheap (one reference count). Two keys are equal exactly when
/// their canonical forms are equal. `Debug` and `Display` show the label,
/// which never contains a secret's clear text.
///
/// ```
/// use clientcache::{Key, Kind, Params};
/// let a = Key::new(Kind::Client, "s3", &Params::new().with("region_name", "us-west-2"))?;
/// let b = Key::from_json(Kind::Client, "s3", br#"{"region_name": "us-west-2", "verify": null}"#)?;
/// assert_eq!(a, b);
/// assert_eq!(a.label(), r#"s3(region_name="us-west-2")"#);
/// assert_eq!(a.fingerprint().len(), 32);
/// # Ok::<(), clientcache::Error>(())
/// ```
#[derive(Clone)]
pub struct Key(Arc<KeyInner>);

struct KeyInner {
    canonical: Box<str>,
    hash: u64,
    fingerprint: [u8; 32],
    kind: Kind,
    service_len: u8,
    label: OnceLock<Box<str>>,
}

impl Key {
    /// Builds a key from parameters given as values.
    pub fn new(kind: Kind, service_name: &str, params: &Params) -> Result<Key, Error> {
        let members = params
            .members
            .iter()
            .map(|(k, v)| (Cow::Borrowed(k.as_str()), Node::borrow(v)))
            .collect();
        Self::build(kind, service_name, members, 64 + 48 * params.len())
    }

    /// Builds a key from a JSON object text (empty text = no parameters).
    pub fn from_json(kind: Kind, service_name: &str, params_json: &[u8]) -> Result<Key, Error> {
        // Canonical text is about the input's size, plus digests for secrets.
        let capacity = 64 + params_json.len() + 64 * 3;
        Self::build(kind, service_name, parse_object(params_json)?, capacity)
    }

    /// Shorthand for `Key::new(Kind::Client, ..)`.
    pub fn client(service_name: &str, params: &Params) -> Result<Key, Error> {
        Self::new(Kind::Client, service_name, params)
    }

    /// Shorthand for `Key::new(Kind::Resource, ..)`.
    pub fn resource(service_name: &str, params: &Params) -> Result<Key, Error> {
        Self::new(Kind::Resource, service_name, params)
    }

    fn build(
        kind: Kind,
        service_name: &str,
        members: Vec<(Cow<'_, str>, Node<'_>)>,
        capacity: usize,
    ) -> Result<Key, Error> {
        validate_service_name(service_name)?;
        let params = normalize_params(members)?;

        let mut canonical = String::with_capacity(capacity + service_name.len());
        canonical.push_str("{\"kind\":\"");
        canonical.push_str(kind.as_str());
        canonical.push_str("\",\"params\":");
        write_params(&mut canonical, &params);
        canonical.push_str(",\"service_name\":\"");
        canonical.push_str(service_name);
        canonical.push_str(CANONICAL_SUFFIX);

        let digest = Sha256::digest(canonical.as_bytes());
        let mut fingerprint = [0u8; 32];
        hex_into(&digest[..16], &mut fingerprint);
        let mut hash_bytes = [0u8; 8];
        hash_bytes.copy_from_slice(&digest[..8]);

        Ok(Key(Arc::new(KeyInner {
            canonical: canonical.into_boxed_str(),
            hash: u64::from_le_bytes(hash_bytes),
            fingerprint,
            kind,
            service_len: u8::try_from(service_name.len()).unwrap_or(u8::MAX),
            label: OnceLock::new(),
        })))
    }

    /// Client or resource.
    pub fn kind(&self) -> Kind {
        self.0.kind
    }

    /// The service name, e.g. `s3`.
    pub fn service_name(&self) -> &str {
        let end = self.0.canonical.len() - CANONICAL_SUFFIX.len();
        &self.0.canonical[end - usize::from(self.0.service_len)..end]
    }

    /// The RFC 8785 canonical form (secrets appear only as SHA-256 digests).
    pub fn canonical(&self) -> &str {
        &self.0.canonical
    }

    /// First 16 bytes of SHA-256(canonical form), 32 lowercase hex digits.
    pub fn fingerprint(&self) -> &str {
        std::str::from_utf8(&self.0.fingerprint).unwrap_or_default()
    }

    /// Human-readable form, e.g. `s3(aws_secret_access_key=***, region_name="us-west-2")`.
    /// Computed on first use.
    pub fn label(&self) -> &str {
        self.0
            .label
            .get_or_init(|| render_label(self).into_boxed_str())
    }

    /// True when both handles refer to the same allocation (a fast path for
    /// equality; equal keys need not be the same allocation).
    pub fn ptr_eq(a: &Key, b: &Key) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

/// One place where two keys differ, as listed by [`Key::diff`].
///
/// `left` and `right` are the values at `path` as canonical JSON text
/// (`None` where the path is absent on that side); a secret's value is
/// always shown as the JSON string `"***"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// `kind`, `service_name`, a parameter name, then `.member` and `[index]`
    /// steps into nested values, e.g. `config.retries.mode`.
    pub path: String,
    /// The value on the left (`self`) side.
    pub left: Option<String>,
    /// The value on the right (`other`) side.
    pub right: Option<String>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".to_owned());
        write!(
            f,
            "{}: {} -> {}",
            self.path,
            side(&self.left),
            side(&self.right)
        )
    }
}

impl Key {
    /// Lists where `self` and `other` differ — what an operator needs when
    /// two services did not share a client. Empty exactly when the keys are
    /// equal. Nested objects are compared member by member and arrays of
    /// equal length item by item; any other difference is reported at the
    /// deepest common path. Secrets are compared by digest and shown as
    /// `"***"`.
    ///
    /// ```
    /// use clientcache::{Key, Params, Value};
    /// let a = Key::client("s3", &Params::new().with("region_name", "us-west-2"))?;
    /// let b = Key::client("s3", &Params::new()
    ///     .with("region_name", "eu-west-1")
    ///     .with("config", Value::object([("retries", Value::object([("mode", "standard")]))])))?;
    /// let diff: Vec<String> = a.diff(&b).iter().map(ToString::to_string).collect();
    /// assert_eq!(diff, [
    ///     r#"config: (absent) -> {"retries":{"mode":"standard"}}"#,
    ///     r#"region_name: "us-west-2" -> "eu-west-1""#,
    /// ]);
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn diff(&self, other: &Key) -> Vec<Difference> {
        let mut out = Vec::new();
        if self == other {
            return out;
        }
        let text = |s: &str| {
            let mut quoted = String::new();
            jcs::write_string(&mut quoted, s);
            Some(quoted)
        };
        if self.kind() != other.kind() {
            out.push(Difference {
                path: "kind".to_owned(),
                left: text(self.kind().as_str()),
                right: text(other.kind().as_str()),
            });
        }
        if self.service_name() != other.service_name() {
            out.push(Difference {
                path: "service_name".to_owned(),
                left: text(self.service_name()),
                right: text(other.service_name()),
            });
        }
        let left = crate::json::parse_canonical(self.canonical().as_bytes());
        let right = crate::json::parse_canonical(other.canonical().as_bytes());
        let (Ok(left), Ok(right)) = (left, right) else {
            debug_assert!(false, "canonical forms always parse");
            return out;
        };
        let mut path = String::new();
        diff_nodes(
            &mut path,
            left.get("params"),
            right.get("params"),
            false,
            &mut out,
        );
        out
    }
}

impl Key {
    /// [`Key::diff`] as JSON text, the form the C ABI and the command-line
    /// tool give: `[{"path":"region_name","left":"us-west-2","right":"eu-west-1"}]`,
    /// with `left` or `right` left out where the path is absent on that side.
    pub fn diff_json(&self, other: &Key) -> String {
        let mut out = String::from("[");
        for (i, d) in self.diff(other).iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"path\":");
            jcs::write_string(&mut out, &d.path);
            for (name, value) in [("left", &d.left), ("right", &d.right)] {
                if let Some(value) = value {
                    let _ = write!(out, ",\"{name}\":{value}");
                }
            }
            out.push('}');
        }
        out.push(']');
        out
    }
}

fn render_value(node: &Node<'_>, secret: bool) -> String {
    let mut text = String::new();
    if secret {
        text.push_str("\"***\"");
    } else {
        jcs::write_value(&mut text, node);
    }
    text
}

/// Appends the differences between `a` and `b` at `path` (the params object
/// itself when `path` is empty).
fn diff_nodes(
    path: &mut String,
    a: Option<&Node<'_>>,
    b: Option<&Node<'_>>,
    secret: bool,
    out: &mut Vec<Difference>,
) {
    match (a, b) {
        (Some(x), Some(y)) if x == y => {}
        (Some(Node::Object(xs)), Some(Node::Object(ys))) => {
            // Both member lists are in canonical (UTF-16) order: merge them.
            let (mut i, mut j) = (0, 0);
            while i < xs.len() || j < ys.len() {
                let order = match (xs.get(i), ys.get(j)) {
                    (Some(x), Some(y)) => jcs::utf16_cmp(&x.0, &y.0),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    _ => std::cmp::Ordering::Greater,
                };
                let (name, left, right) = match order {
                    std::cmp::Ordering::Less => (&xs[i].0, Some(&xs[i].1), None),
                    std::cmp::Ordering::Greater => (&ys[j].0, None, Some(&ys[j].1)),
                    std::cmp::Ordering::Equal => (&xs[i].0, Some(&xs[i].1), Some(&ys[j].1)),
                };
                if order.is_le() {
                    i += 1;
                }
                if order.is_ge() {
                    j += 1;
                }
                let len = path.len();
                let top_level = path.is_empty();
                if !top_level {
                    path.push('.');
                }
                path.push_str(name);
                let secret = secret || (top_level && SECRET_PARAMS.contains(&name.as_ref()));
                diff_nodes(path, left, right, secret, out);
                path.truncate(len);
            }
        }
        (Some(Node::Array(xs)), Some(Node::Array(ys))) if xs.len() == ys.len() => {
            for (i, (x, y)) in xs.iter().zip(ys).enumerate() {
                let len = path.len();
                let _ = write!(path, "[{i}]");
                diff_nodes(path, Some(x), Some(y), secret, out);
                path.truncate(len);
            }
        }
        (None, None) => {}
        (left, right) => out.push(Difference {
            path: path.clone(),
            left: left.map(|n| render_value(n, secret)),
            right: right.map(|n| render_value(n, secret)),
        }),
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
            || (self.0.hash == other.0.hash && self.0.canonical == other.0.canonical)
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0.hash);
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({})", self.label())
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

fn validate_service_name(name: &str) -> Result<(), Error> {
    let bytes = name.as_bytes();
    let ok = (1..=64).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "service_name must be 1-64 characters of [a-z0-9-] starting with a letter, got {}",
            describe_service_name(name)
        )))
    }
}

/// Service names are not secret, but may be huge or unprintable: quote a
/// bounded, escaped prefix.
fn describe_service_name(name: &str) -> String {
    if name.is_empty() {
        return "an empty string".to_owned();
    }
    let shown: String = name.chars().take(64).collect();
    let mut quoted = String::new();
    jcs::write_string(&mut quoted, &shown);
    if shown.len() < name.len() {
        quoted.push_str("...");
    }
    quoted
}

/// A normalized top-level parameter value.
enum Param<'a> {
    /// A secret: only the SHA-256 digest of its UTF-8 text is kept.
    Secret([u8; 32]),
    Plain(Node<'a>),
}

/// Applies rules 1, 2, 3 and 5 of §2 and sorts by name.
fn normalize_params<'a>(
    members: Vec<(Cow<'_, str>, Node<'a>)>,
) -> Result<Vec<(&'static str, Param<'a>)>, Error> {
    let mut out: Vec<(&'static str, Param<'a>)> = Vec::with_capacity(members.len());
    let mut seen = [false; VOCABULARY.len()];
    for (name, value) in members {
        let Some(index) = VOCABULARY.iter().position(|spec| spec.name == name) else {
            let mut quoted = String::new();
            jcs::write_string(&mut quoted, &name.chars().take(64).collect::<String>());
            return Err(Error::invalid(format!(
                "unknown parameter {quoted}; expected one of: {}",
                VOCABULARY.map(|s| s.name).join(", ")
            )));
        };
        let spec = &VOCABULARY[index];
        if std::mem::replace(&mut seen[index], true) {
            return Err(Error::invalid(format!(
                "duplicate parameter \"{}\"",
                spec.name
            )));
        }
        if value == Node::Null {
            continue;
        }
        let type_ok = matches!(
            (spec.ty, &value),
            (ParamType::String, Node::String(_))
                | (ParamType::Bool, Node::Bool(_))
                | (ParamType::BoolOrString, Node::Bool(_) | Node::String(_))
                | (ParamType::Object, Node::Object(_))
        );
        if !type_ok {
            let expected = match spec.ty {
                ParamType::String => "a string",
                ParamType::Bool => "a bool",
                ParamType::BoolOrString => "a bool or a string",
                ParamType::Object => "an object",
            };
            return Err(Error::invalid(format!(
                "parameter \"{}\" must be {expected} (or null), got {}",
                spec.name,
                value.type_name()
            )));
        }
        let value = match value {
            Node::String(secret) if spec.secret => {
                Param::Secret(Sha256::digest(secret.as_bytes()).into())
            }
            other => Param::Plain(normalize_value(other, spec.name, 1)?),
        };
        out.push((spec.name, value));
    }
    // Vocabulary names are ASCII: byte order is JCS order.
    out.sort_unstable_by(|a, b| a.0.cmp(b.0));
    Ok(out)
}

/// Writes the normalized params object; secrets as `"sha256:<hex>"`.
fn write_params(out: &mut String, params: &[(&'static str, Param<'_>)]) {
    out.push('{');
    for (i, (name, value)) in params.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        jcs::write_string(out, name);
        out.push(':');
        match value {
            Param::Secret(digest) => {
                let mut hex = [0u8; 64];
                hex_into(digest, &mut hex);
                out.push_str("\"sha256:");
                out.push_str(std::str::from_utf8(&hex).unwrap_or_default());
                out.push('"');
            }
            Param::Plain(node) => jcs::write_value(out, node),
        }
    }
    out.push('}');
}

/// Validates numbers and nested duplicates, normalizes `-0` to `0`, and
/// sorts object members into canonical order.
fn normalize_value<'a>(value: Node<'a>, name: &str, depth: usize) -> Result<Node<'a>, Error> {
    normalize_nested(value, depth).map_err(|failure| {
        let path = failure.path.iter().rev().fold(name.to_owned(), |mut path, segment| {
            path.push_str(segment);
            path
        });
        Error::invalid(match failure.problem {
            Problem::TooDeep => format!("parameter \"{path}\" nests deeper than {MAX_DEPTH} levels"),
            Problem::NonFinite => format!(
                "parameter \"{path}\" holds a non-finite number (NaN and infinities are not allowed)"
            ),
            Problem::OutOfRange => format!("parameter \"{path}\" holds an integer outside ±(2^53−1)"),
            Problem::Duplicate(member) => {
                let mut quoted = String::new();
                jcs::write_string(&mut quoted, &member);
                format!("duplicate member name {quoted} in parameter \"{path}\"")
            }
        })
    })
}

enum Problem {
    TooDeep,
    NonFinite,
    OutOfRange,
    Duplicate(String),
}

/// Where a nested value failed; the path is collected innermost first, only
/// on failure, so valid input costs no path formatting.
struct NestedFailure {
    problem: Problem,
    path: Vec<String>,
}

impl NestedFailure {
    fn at(problem: Problem) -> Self {
        NestedFailure {
            problem,
            path: Vec::new(),
        }
    }

    fn within(mut self, segment: String) -> Self {
        self.path.push(segment);
        self
    }
}

fn normalize_nested(value: Node<'_>, depth: usize) -> Result<Node<'_>, NestedFailure> {
    if depth > MAX_DEPTH {
        return Err(NestedFailure::at(Problem::TooDeep));
    }
    Ok(match value {
        Node::Number(n) => {
            if !n.is_finite() {
                return Err(NestedFailure::at(Problem::NonFinite));
            }
            if n.fract() == 0.0 && n.abs() > MAX_SAFE_INTEGER {
                return Err(NestedFailure::at(Problem::OutOfRange));
            }
            Node::Number(if n == 0.0 { 0.0 } else { n })
        }
        Node::Array(items) => Node::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    normalize_nested(item, depth + 1).map_err(|f| f.within(format!("[{i}]")))
                })
                .collect::<Result<_, _>>()?,
        ),
        Node::Object(members) => {
            let mut members = members
                .into_iter()
                .map(|(k, v)| match normalize_nested(v, depth + 1) {
                    Ok(v) => Ok((k, v)),
                    Err(f) => Err(f.within(format!(".{k}"))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            members.sort_unstable_by(|a, b| jcs::utf16_cmp(&a.0, &b.0));
            if let Some(pair) = members.windows(2).find(|w| w[0].0 == w[1].0) {
                return Err(NestedFailure::at(Problem::Duplicate(pair[0].0.to_string())));
            }
            Node::Object(members)
        }
        other => other,
    })
}

fn hex_into(bytes: &[u8], out: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(b >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(b & 0xf)];
    }
}

/// Renders the label from the canonical form, which already holds every
/// normalized value (secrets only as digests, which the label hides too).
fn render_label(key: &Key) -> String {
    let mut label = String::from(key.service_name());
    label.push('(');
    // The canonical form was produced by this crate, so it always parses.
    let parsed = crate::json::parse_canonical(key.canonical().as_bytes());
    debug_assert!(parsed.is_ok(), "canonical form must parse");
    let parsed = parsed.ok();
    if let Some(Node::Object(members)) = parsed.as_ref().and_then(|v| v.get("params")) {
        for (i, (name, value)) in members.iter().enumerate() {
            if i > 0 {
                label.push_str(", ");
            }
            label.push_str(name);
            label.push('=');
            if SECRET_PARAMS.contains(&name.as_ref()) {
                label.push_str("***");
            } else {
                jcs::write_value(&mut label, value);
            }
        }
    }
    label.push(')');
    label
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Value;

    #[test]
    fn empty_params_forms_are_one_key() {
        let a = Key::from_json(Kind::Client, "s3", b"").unwrap();
        let b = Key::from_json(Kind::Client, "s3", b"{}").unwrap();
        let c =
            Key::from_json(Kind::Client, "s3", br#"{"region_name":null,"config":null}"#).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(
            a.canonical(),
            r#"{"kind":"client","params":{},"service_name":"s3","version":1}"#
        );
        assert_eq!(a.label(), "s3()");
        assert_eq!(a.service_name(), "s3");
    }

    #[test]
    fn secrets_are_digested_and_hidden() {
        let key = Key::from_json(
            Kind::Client,
            "s3",
            br#"{"aws_secret_access_key":"hunter2","region_name":"eu-west-1"}"#,
        )
        .unwrap();
        assert!(!key.canonical().contains("hunter2"));
        // sha256("hunter2")
        assert!(
            key.canonical().contains(
                "sha256:f52fbd32b2b3b86ff88ef6c490628285f482af15ddcb29541f94bcf526a3f6c7"
            )
        );
        assert_eq!(
            key.label(),
            r#"s3(aws_secret_access_key=***, region_name="eu-west-1")"#
        );
        assert!(!format!("{key:?}").contains("hunter2"));
    }

    #[test]
    fn numbers_compare_by_value() {
        let a = Key::from_json(Kind::Client, "s3", br#"{"config":{"n":5.0}}"#).unwrap();
        let b = Key::from_json(Kind::Client, "s3", br#"{"config":{"n":5}}"#).unwrap();
        let c = Key::new(
            Kind::Client,
            "s3",
            &Params::new().with("config", Value::object([("n", 5)])),
        )
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
    }

    #[test]
    fn bad_input_is_rejected_with_a_named_reason() {
        let cases: [(&str, &[u8], &str); 8] = [
            ("S3", b"", "service_name"),
            (
                "s3",
                br#"{"regin_name":"x"}"#,
                "unknown parameter \"regin_name\"",
            ),
            ("s3", br#"{"use_ssl":"yes"}"#, "\"use_ssl\" must be a bool"),
            (
                "s3",
                br#"{"config":{"a":1,"a":2}}"#,
                "duplicate member name \"a\"",
            ),
            ("s3", br#"{"config":{"a":9007199254740992}}"#, "outside"),
            ("s3", br#"{"config":{"a":1e400}}"#, "non-finite"),
            ("s3", b"[1]", "must be a JSON object"),
            ("s3", b"{\"region_name\":\"\xff\"}", "UTF-8"),
        ];
        for (service, json, expected) in cases {
            let err = Key::from_json(Kind::Client, service, json)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(expected),
                "{err:?} should contain {expected:?}"
            );
        }
    }

    #[test]
    fn secret_never_in_type_error() {
        let err = Key::from_json(Kind::Client, "s3", br#"{"region_name":["hunter2"]}"#)
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"));
    }

    #[test]
    fn label_keeps_values_nested_to_the_maximum_depth() {
        // The params object, `config` and 62 arrays: the deepest text accepted.
        let nest = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        let params = |inner: &str| format!(r#"{{"config":{{"x":{inner}}},"region_name":"r"}}"#);
        let too_deep = params(&nest(MAX_DEPTH - 1));
        assert!(Key::from_json(Kind::Client, "s3", too_deep.as_bytes()).is_err());
        let inner = nest(MAX_DEPTH - 2);
        let key = Key::from_json(Kind::Client, "s3", params(&inner).as_bytes()).unwrap();
        assert_eq!(
            key.label(),
            format!(r#"s3(config={{"x":{inner}}}, region_name="r")"#)
        );
    }

    #[test]
    fn diff_names_every_differing_path_and_hides_secrets() {
        let a = Key::from_json(
            Kind::Client,
            "s3",
            br#"{"aws_secret_access_key":"hunter2","region_name":"us-west-2",
                "config":{"retries":{"mode":"standard","total_max_attempts":3},"order":[1,2],"x":[1]}}"#,
        )
        .unwrap();
        let b = Key::from_json(
            Kind::Resource,
            "sqs",
            br#"{"aws_secret_access_key":"hunter3","profile_name":"dev",
                "config":{"retries":{"mode":"adaptive"},"order":[1,3],"x":[1,2]}}"#,
        )
        .unwrap();
        let diff: Vec<String> = a.diff(&b).iter().map(ToString::to_string).collect();
        assert_eq!(
            diff,
            [
                r#"kind: "client" -> "resource""#,
                r#"service_name: "s3" -> "sqs""#,
                r#"aws_secret_access_key: "***" -> "***""#,
                r#"config.order[1]: 2 -> 3"#,
                r#"config.retries.mode: "standard" -> "adaptive""#,
                r#"config.retries.total_max_attempts: 3 -> (absent)"#,
                r#"config.x: [1] -> [1,2]"#,
                r#"profile_name: (absent) -> "dev""#,
                r#"region_name: "us-west-2" -> (absent)"#,
            ]
        );
        assert!(!format!("{:?}", a.diff(&b)).contains("hunter"));
        assert!(a.diff(&a.clone()).is_empty());
        assert_eq!(a.diff_json(&a), "[]");
        let json = a.diff_json(&b);
        assert!(json.starts_with(r#"[{"path":"kind","left":"client","right":"resource"},"#));
        assert!(json.contains(r#"{"path":"profile_name","right":"dev"}"#));
        assert!(json.contains(r#"{"path":"aws_secret_access_key","left":"***","right":"***"}"#));
        let same = Key::from_json(Kind::Client, "s3", a.canonical().as_bytes());
        assert!(same.is_err(), "a canonical form is not params text");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!(
            "{{\"config\":{}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(Key::from_json(Kind::Client, "s3", deep.as_bytes()).is_err());
        let mut v = Value::Null;
        for _ in 0..1_000 {
            v = Value::Array(vec![v]);
        }
        let params = Params::new().with("config", Value::object([("x", v)]));
        assert!(Key::new(Kind::Client, "s3", &params).is_err());
    }
}
