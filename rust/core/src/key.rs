//! Deterministic identity (docs/identity.md): parameter validation and
//! normalization, the canonical form, the fingerprint and the label.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::Error;
use crate::jcs;
use crate::json::{MAX_DEPTH, MAX_SAFE_INTEGER, Tok};
use crate::node::Node;
use crate::value::{Params, Value, parse_object};

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

/// Everything else a key shows (kind, service name, fingerprint, label) is
/// derived from these two fields on request: a cache holds many keys and
/// asks them little but their hash and equality. The fingerprint's SHA-256
/// in particular is computed when asked for, not when the key is built: it
/// is a third of the cost of building a key, and hits never need it.
struct KeyInner {
    /// A fast hash of the canonical form, for hash tables in this process
    /// only (see [`text_hash`]).
    hash: u64,
    canonical: Box<str>,
}

impl Key {
    /// Builds a key from parameters given as values.
    pub fn new(kind: Kind, service_name: &str, params: &Params) -> Result<Key, Error> {
        validate_service_name(service_name)?;
        let built = with_scratch(|scratch| {
            fast_from_params(kind, service_name, params, &mut scratch.text)?;
            Ok(Self::from_canonical(&scratch.text))
        });
        built.or_else(|()| {
            let members = params
                .members
                .iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), Node::borrow(v)))
                .collect();
            Self::build_reference(kind, service_name, members)
        })
    }

    /// Builds a key from a JSON object text (empty text = no parameters).
    pub fn from_json(kind: Kind, service_name: &str, params_json: &[u8]) -> Result<Key, Error> {
        validate_service_name(service_name)?;
        let built = with_scratch(|scratch| {
            fast_from_json(kind, service_name, params_json, scratch)?;
            Ok(Self::from_canonical(&scratch.text))
        });
        built.or_else(|()| Self::build_reference(kind, service_name, parse_object(params_json)?))
    }

    /// Shorthand for `Key::new(Kind::Client, ..)`.
    pub fn client(service_name: &str, params: &Params) -> Result<Key, Error> {
        Self::new(Kind::Client, service_name, params)
    }

    /// Shorthand for `Key::new(Kind::Resource, ..)`.
    pub fn resource(service_name: &str, params: &Params) -> Result<Key, Error> {
        Self::new(Kind::Resource, service_name, params)
    }

    fn from_canonical(canonical: &str) -> Key {
        Key(Arc::new(KeyInner {
            hash: text_hash(canonical.as_bytes()),
            canonical: canonical.into(),
        }))
    }

    /// The identity rules on a tree, one rule at a time: the reference the
    /// fast paths are tested against, and what names the problem when they
    /// reject a key (they only say that they do).
    fn build_reference(
        kind: Kind,
        service_name: &str,
        members: Vec<(Cow<'_, str>, Node<'_>)>,
    ) -> Result<Key, Error> {
        let canonical = reference_canonical(kind, service_name, members)?;
        debug_assert!(false, "a fast path rejected a valid key: {canonical}");
        Ok(Self::from_canonical(&canonical))
    }

    /// Client or resource.
    pub fn kind(&self) -> Kind {
        // The canonical form starts `{"kind":"client"` or `{"kind":"resource"`.
        if self.0.canonical.as_bytes().get(9) == Some(&b'r') {
            Kind::Resource
        } else {
            Kind::Client
        }
    }

    /// The service name, e.g. `s3`.
    pub fn service_name(&self) -> &str {
        // The last member's value; service names hold no quote.
        let end = self.0.canonical.len() - CANONICAL_SUFFIX.len();
        let start = self.0.canonical[..end].rfind('"').map_or(end, |i| i + 1);
        &self.0.canonical[start..end]
    }

    /// The RFC 8785 canonical form (secrets appear only as SHA-256 digests).
    pub fn canonical(&self) -> &str {
        &self.0.canonical
    }

    /// First 16 bytes of SHA-256(canonical form), 32 lowercase hex digits.
    /// Computed on each call (about 0.1 µs for a typical key): keep it if
    /// you need it often.
    pub fn fingerprint(&self) -> Fingerprint {
        let digest = Sha256::digest(self.0.canonical.as_bytes());
        let mut hex = [0u8; 32];
        hex_into(&digest[..16], &mut hex);
        Fingerprint(hex)
    }

    /// Human-readable form, e.g. `s3(aws_secret_access_key=***, region_name="us-west-2")`.
    /// Rendered from the canonical form on each call (as `Display` does).
    pub fn label(&self) -> String {
        let mut label = String::with_capacity(self.0.canonical.len());
        let _ = write_label(&mut label, self);
        label
    }

    /// True when both handles refer to the same allocation (a fast path for
    /// equality; equal keys need not be the same allocation).
    pub fn ptr_eq(a: &Key, b: &Key) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

/// A key's fingerprint: 32 lowercase hex digits, written out on request
/// from the digest the key keeps. It dereferences to `str`; `to_owned()` and
/// `to_string()` give a `String`.
///
/// ```
/// # use clientcache::{Key, Params};
/// let key = Key::client("s3", &Params::new())?;
/// let hex: String = key.fingerprint().to_owned();
/// assert_eq!(key.fingerprint(), hex.as_str());
/// assert!(key.fingerprint().bytes().all(|b| b.is_ascii_hexdigit()));
/// # Ok::<(), clientcache::Error>(())
/// ```
// Not `Clone`, so that `to_owned()` reaches `str::to_owned` and gives a
// `String`, as it did when `fingerprint()` returned `&str`.
pub struct Fingerprint([u8; 32]);

impl std::ops::Deref for Fingerprint {
    type Target = str;

    fn deref(&self) -> &str {
        // Always ASCII hex digits.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl AsRef<str> for Fingerprint {
    fn as_ref(&self) -> &str {
        self
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq for Fingerprint {
    fn eq(&self, other: &Fingerprint) -> bool {
        self.0 == other.0
    }
}

impl Eq for Fingerprint {}

impl PartialEq<str> for Fingerprint {
    fn eq(&self, other: &str) -> bool {
        **self == *other
    }
}

impl PartialEq<&str> for Fingerprint {
    fn eq(&self, other: &&str) -> bool {
        **self == **other
    }
}

impl PartialEq<String> for Fingerprint {
    fn eq(&self, other: &String) -> bool {
        **self == **other
    }
}

impl PartialEq<Fingerprint> for &str {
    fn eq(&self, other: &Fingerprint) -> bool {
        **self == **other
    }
}

impl PartialEq<Fingerprint> for String {
    fn eq(&self, other: &Fingerprint) -> bool {
        **self == **other
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
        f.write_str("Key(")?;
        write_label(f, self)?;
        f.write_str(")")
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_label(f, self)
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

/// The in-memory hash of a canonical text: 16 bytes at a time folded
/// through a 64×64→128-bit multiply, then mixed once more. It only has to
/// spread keys over hash tables in this process (equal keys are compared by
/// their text), so it is neither stable across versions nor a digest; the
/// identity that leaves the process is the fingerprint. Keys come from the
/// application's own configuration, not from untrusted input, so the seed is
/// fixed. About 20 ns for a typical key, against about 110 ns for SHA-256.
fn text_hash(text: &[u8]) -> u64 {
    const P0: u64 = 0xa076_1d64_78bd_642f;
    const P1: u64 = 0xe703_7ed1_a0b4_28db;
    const P2: u64 = 0x8ebc_6af0_9c88_c6e3;
    fn fold(a: u64, b: u64) -> u64 {
        let product = u128::from(a) * u128::from(b);
        (product as u64) ^ ((product >> 64) as u64)
    }
    fn word(bytes: &[u8]) -> u64 {
        let mut w = [0u8; 8];
        w[..bytes.len()].copy_from_slice(bytes);
        u64::from_le_bytes(w)
    }
    let mut h = P2 ^ (text.len() as u64);
    let mut chunks = text.chunks_exact(16);
    for chunk in &mut chunks {
        h = fold(word(&chunk[..8]) ^ P0 ^ h, word(&chunk[8..]) ^ P1);
    }
    let rest = chunks.remainder();
    let (a, b) = rest.split_at(rest.len().min(8));
    h = fold(word(a) ^ P0 ^ h, word(b) ^ P1 ^ (rest.len() as u64));
    fold(h ^ P2, P0)
}

fn hex_into(bytes: &[u8], out: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(b >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(b & 0xf)];
    }
}

/// The canonical form by the identity rules applied one at a time to a
/// tree (the reference implementation; see [`Key::build_reference`]).
fn reference_canonical(
    kind: Kind,
    service_name: &str,
    members: Vec<(Cow<'_, str>, Node<'_>)>,
) -> Result<String, Error> {
    let params = normalize_params(members)?;
    let mut canonical = String::new();
    canonical.push_str("{\"kind\":\"");
    canonical.push_str(kind.as_str());
    canonical.push_str("\",\"params\":");
    write_params(&mut canonical, &params);
    canonical.push_str(",\"service_name\":\"");
    canonical.push_str(service_name);
    canonical.push_str(CANONICAL_SUFFIX);
    Ok(canonical)
}

/// Buffers a thread reuses from key to key: the fast paths' tokens (byte
/// offsets) and canonical text. Neither ever holds a secret's clear text.
#[derive(Default)]
struct Scratch {
    toks: Vec<Tok>,
    text: String,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = const {
        RefCell::new(Scratch { toks: Vec::new(), text: String::new() })
    };
}

/// Runs `f` with this thread's scratch buffers (fresh ones while the
/// thread's are unavailable: during thread exit), then drops buffers that
/// grew unusually large.
fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    let mut f = Some(f);
    let reused = SCRATCH.try_with(|cell| {
        let mut scratch = cell.try_borrow_mut().ok()?;
        let f = f.take()?;
        let result = f(&mut scratch);
        if scratch.toks.capacity() > 1024 {
            scratch.toks = Vec::new();
        }
        if scratch.text.capacity() > 16 * 1024 {
            scratch.text = String::new();
        }
        Some(result)
    });
    match (reused, f) {
        (Ok(Some(result)), _) => result,
        (_, Some(f)) => f(&mut Scratch::default()),
        (_, None) => unreachable!("the scratch closure ran and returned"),
    }
}

// The fast paths: each reads its input once and writes the canonical form
// straight into one buffer, sorting members by index instead of building a
// normalized tree. They apply every identity rule but report no reason: on
// `Err(())` the caller runs the reference, which names the problem. The
// tests below check that both agree (accept the same inputs, with the same
// canonical form) on chosen, generated and damaged texts and values.

/// The vocabulary index of a top-level parameter name (the position in
/// [`VOCABULARY`]).
fn vocabulary_index(name: &str) -> Option<usize> {
    Some(match name {
        "api_version" => 0,
        "aws_access_key_id" => 1,
        "aws_secret_access_key" => 2,
        "aws_session_token" => 3,
        "config" => 4,
        "endpoint_url" => 5,
        "profile_name" => 6,
        "region_name" => 7,
        "use_ssl" => 8,
        "verify" => 9,
        _ => return None,
    })
}

/// The JSON type of a top-level value, for rule 3 (parameter types).
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Null,
    Bool,
    String,
    Object,
    Other,
}

/// Top-level parameters by vocabulary index, as the fast paths collect
/// them; vocabulary order is canonical order, so they need no sort.
struct Slots<T> {
    seen: u16,
    values: [Option<T>; VOCABULARY.len()],
}

impl<T: Copy> Slots<T> {
    fn new() -> Self {
        Slots {
            seen: 0,
            values: [None; VOCABULARY.len()],
        }
    }

    /// Rules 1-3 for one member: known name, given once, null dropped,
    /// the right type.
    fn admit(&mut self, name: &str, shape: Shape, value: T) -> Result<(), ()> {
        let index = vocabulary_index(name).ok_or(())?;
        if self.seen & (1 << index) != 0 {
            return Err(());
        }
        self.seen |= 1 << index;
        let typed = match (VOCABULARY[index].ty, shape) {
            (_, Shape::Null) => return Ok(()),
            (ParamType::String, Shape::String)
            | (ParamType::Bool, Shape::Bool)
            | (ParamType::BoolOrString, Shape::Bool | Shape::String)
            | (ParamType::Object, Shape::Object) => true,
            _ => false,
        };
        if !typed {
            return Err(());
        }
        self.values[index] = Some(value);
        Ok(())
    }

    /// Writes the canonical form; `write` writes one parameter's value
    /// (given its vocabulary index).
    fn write(
        &self,
        out: &mut String,
        kind: Kind,
        service_name: &str,
        mut write: impl FnMut(&mut String, usize, T) -> Result<(), ()>,
    ) -> Result<(), ()> {
        out.clear();
        out.push_str("{\"kind\":\"");
        out.push_str(kind.as_str());
        out.push_str("\",\"params\":{");
        let mut first = true;
        for (index, value) in self.values.iter().enumerate() {
            let Some(value) = *value else { continue };
            if !first {
                out.push(',');
            }
            first = false;
            out.push('"');
            out.push_str(VOCABULARY[index].name);
            out.push_str("\":");
            write(out, index, value)?;
        }
        out.push_str("},\"service_name\":\"");
        out.push_str(service_name);
        out.push_str(CANONICAL_SUFFIX);
        Ok(())
    }
}

/// Rule 5: a secret is replaced by `"sha256:<hex>"` of its UTF-8 text.
fn write_secret(out: &mut String, secret: &[u8]) {
    let mut hex = [0u8; 64];
    hex_into(&Sha256::digest(secret), &mut hex);
    out.push_str("\"sha256:");
    out.push_str(std::str::from_utf8(&hex).unwrap_or_default());
    out.push('"');
}

/// Writes the canonical form of a key from params text into `scratch.text`.
fn fast_from_json(
    kind: Kind,
    service_name: &str,
    params_json: &[u8],
    scratch: &mut Scratch,
) -> Result<(), ()> {
    let mut slots = Slots::<usize>::new();
    if params_json.is_empty() {
        return slots.write(&mut scratch.text, kind, service_name, |_, _, _| Ok(()));
    }
    let toks = &mut scratch.toks;
    let text = crate::json::tokenize(params_json, toks)?;
    let Tok::Object { end } = toks[0] else {
        return Err(());
    };
    let mut i = 1;
    while i < end as usize {
        let Tok::String {
            start,
            end,
            escaped,
        } = toks[i]
        else {
            return Err(());
        };
        let raw = &text[start as usize..end as usize];
        let decoded;
        let name = if escaped {
            decoded = crate::json::decode_escaped(raw);
            decoded.as_str()
        } else {
            raw
        };
        let shape = match toks[i + 1] {
            Tok::Null => Shape::Null,
            Tok::Bool(_) => Shape::Bool,
            Tok::String { .. } => Shape::String,
            Tok::Object { .. } => Shape::Object,
            _ => Shape::Other,
        };
        slots.admit(name, shape, i + 1)?;
        i = Tok::next(toks, i + 1);
    }
    slots.write(
        &mut scratch.text,
        kind,
        service_name,
        |out, index, at| match toks[at] {
            Tok::String {
                start,
                end,
                escaped,
            } if VOCABULARY[index].secret => {
                let raw = &text[start as usize..end as usize];
                if escaped {
                    write_secret(out, crate::json::decode_escaped(raw).as_bytes());
                } else {
                    write_secret(out, raw.as_bytes());
                }
                Ok(())
            }
            _ => jcs::write_tokens(out, text, toks, at),
        },
    )
}

/// Writes the canonical form of a key from `params` into `out`.
fn fast_from_params(
    kind: Kind,
    service_name: &str,
    params: &Params,
    out: &mut String,
) -> Result<(), ()> {
    let mut slots = Slots::<&Value>::new();
    for (name, value) in &params.members {
        let shape = match value {
            Value::Null => Shape::Null,
            Value::Bool(_) => Shape::Bool,
            Value::String(_) => Shape::String,
            Value::Object(_) => Shape::Object,
            _ => Shape::Other,
        };
        slots.admit(name, shape, value)?;
    }
    slots.write(out, kind, service_name, |out, index, value| {
        match value {
            Value::String(secret) if VOCABULARY[index].secret => {
                write_secret(out, secret.as_bytes());
                Ok(())
            }
            // A parameter's value is at depth 1 (docs/identity.md).
            _ => jcs::write_tree(out, value, 1),
        }
    })
}

/// Writes the label from the canonical form, which already holds every
/// normalized value in canonical text (secrets only as digests, which the
/// label hides too): each parameter's text is copied as it stands.
fn write_label(out: &mut impl fmt::Write, key: &Key) -> fmt::Result {
    let service = key.service_name();
    out.write_str(service)?;
    out.write_char('(')?;
    let canonical = key.canonical();
    // `{"kind":"<kind>","params":{…},"service_name":"<service>"` + suffix.
    let start = "{\"kind\":\"\",\"params\":".len() + key.kind().as_str().len();
    let end =
        canonical.len() - CANONICAL_SUFFIX.len() - service.len() - ",\"service_name\":\"".len();
    let params = canonical.get(start..end).unwrap_or("{}").as_bytes();
    // Members are `"name":value`; names are vocabulary names (no escapes).
    let mut i = 1;
    while i + 1 < params.len() {
        if i > 1 {
            out.write_str(", ")?;
        }
        let name_end = i + 1 + params[i + 1..].iter().position(|&b| b == b'"').unwrap_or(0);
        let name = std::str::from_utf8(&params[i + 1..name_end]).unwrap_or_default();
        let value_start = name_end + 2;
        let value_end = jcs::value_end(params, value_start);
        out.write_str(name)?;
        out.write_char('=')?;
        if SECRET_PARAMS.contains(&name) {
            out.write_str("***")?;
        } else {
            out.write_str(
                std::str::from_utf8(&params[value_start..value_end]).unwrap_or_default(),
            )?;
        }
        i = value_end + 1;
    }
    out.write_char(')')
}

/// Renders the label from a parse of the canonical form (the reference
/// [`write_label`] is tested against).
#[cfg(test)]
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

    #[test]
    fn text_hash_spreads_similar_keys_and_follows_the_text() {
        let keys: Vec<Key> = (0..100_000)
            .map(|i| {
                Key::client("s3", &Params::new().with("profile_name", format!("p{i}"))).unwrap()
            })
            .collect();
        let mut hashes: Vec<u64> = keys.iter().map(|k| k.0.hash).collect();
        // Equal texts, equal hashes, whichever way the key was built.
        let again = Key::from_json(Kind::Client, "s3", br#"{"profile_name":"p7"}"#).unwrap();
        assert_eq!(again.0.hash, keys[7].0.hash);
        assert_eq!(again, keys[7]);
        // Keys that differ in one character spread over the low bits (a
        // table's buckets) and the high bits (the store's tags) alike.
        for shift in [0, 16, 32, 48] {
            let mut counts = vec![0u32; 1 << 10];
            for h in &hashes {
                counts[((h >> shift) & 1023) as usize] += 1;
            }
            let max = *counts.iter().max().unwrap();
            assert!(
                max < 2 * 100_000 / 1024,
                "bits {shift}..: a bucket of {max}"
            );
        }
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(
            hashes.len(),
            keys.len(),
            "no two of 100 000 keys share a hash"
        );
    }
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
    fn label_is_the_reference_rendering() {
        let cases: [&[u8]; 6] = [
            b"",
            br#"{"region_name":"eu-west-1","use_ssl":false,"verify":"/etc/ca.pem"}"#,
            br#"{"aws_secret_access_key":"hunter2","aws_session_token":"t","profile_name":"p"}"#,
            br#"{"config":{"s":"a\"},b]\\","n":[1.5,-2,1E-7,{"":null}],"e":{}}}"#,
            br#"{"config":{"\u00e9t\u00e9":"\ud83d\ude00","\n":"\u001f"}}"#,
            br#"{"api_version":"2006-03-01","config":{"x":[[],[[]],{}]}}"#,
        ];
        for json in cases {
            for kind in [Kind::Client, Kind::Resource] {
                let key = Key::from_json(kind, "s3-control", json).unwrap();
                assert_eq!(key.label(), render_label(&key));
                assert_eq!(key.to_string(), key.label());
                assert_eq!(format!("{key:?}"), format!("Key({})", key.label()));
                assert_eq!(key.kind(), kind);
                assert_eq!(key.service_name(), "s3-control");
            }
        }
    }

    /// The fast path's verdict on params text: its canonical form, or `None`
    /// where it defers to the reference.
    fn fast_json(kind: Kind, json: &[u8]) -> Option<String> {
        let mut scratch = Scratch::default();
        fast_from_json(kind, "s3", json, &mut scratch).ok()?;
        Some(scratch.text)
    }

    fn reference_json(kind: Kind, json: &[u8]) -> Result<String, Error> {
        reference_canonical(kind, "s3", parse_object(json)?)
    }

    fn fast_params(params: &Params) -> Option<String> {
        let mut out = String::new();
        fast_from_params(Kind::Client, "s3", params, &mut out).ok()?;
        Some(out)
    }

    fn reference_params(params: &Params) -> Result<String, Error> {
        let members = params
            .members
            .iter()
            .map(|(k, v)| (Cow::Borrowed(k.as_str()), Node::borrow(v)))
            .collect();
        reference_canonical(Kind::Client, "s3", members)
    }

    /// Asserts that the fast path accepts exactly what the reference
    /// accepts, with the same canonical form.
    fn assert_agree(json: &[u8]) {
        for kind in [Kind::Client, Kind::Resource] {
            let fast = fast_json(kind, json);
            let reference = reference_json(kind, json);
            match (&fast, &reference) {
                (Some(f), Ok(r)) => {
                    assert_eq!(f, r, "{:?}", String::from_utf8_lossy(json));
                    let key = Key::from_canonical(f);
                    assert_eq!(key.label(), render_label(&key), "{f}");
                }
                (None, Err(_)) => {}
                _ => panic!(
                    "fast {fast:?} but reference {reference:?} for {:?}",
                    String::from_utf8_lossy(json)
                ),
            }
        }
    }

    #[test]
    fn fast_path_agrees_on_chosen_texts() {
        let cases: &[&[u8]] = &[
            b"",
            b" ",
            b"{}",
            b" { } ",
            b"null",
            b"[]",
            br#"{"region_name":"us-west-2"}"#,
            br#"{"region_name":"us-west-2",}"#,
            br#"{"region_name":"us-west-2"} x"#,
            br#"{"region_name" "x"}"#,
            br#"{"region_name":"a","region_name":"b"}"#,
            br#"{"region_name":null,"region_name":"b"}"#,
            br#"{"region\u005fname":"escaped name"}"#,
            br#"{"region":"x"}"#,
            br#"{"use_ssl":true,"verify":false,"api_version":"1"}"#,
            br#"{"use_ssl":"true"}"#,
            br#"{"verify":"path","endpoint_url":null}"#,
            br#"{"verify":1}"#,
            br#"{"config":[]}"#,
            br#"{"config":"x"}"#,
            br#"{"aws_access_key_id":"AKIA","aws_session_token":"a\"b\u00e9\ud83d\ude00"}"#,
            br#"{"aws_access_key_id":5}"#,
            br#"{"aws_secret_access_key":null}"#,
            // Strings: escapes, non-ASCII, controls, surrogates.
            br#"{"region_name":"\/\b\f\n\r\t\"\\\u0000\u001f\u007f\u2028"}"#,
            "{\"region_name\":\"é😀\u{2028}\u{7f}\"}".as_bytes(),
            b"{\"region_name\":\"a\x01b\"}",
            b"{\"region_name\":\"\xc3\"}",
            br#"{"region_name":"\ud83d"}"#,
            br#"{"region_name":"\ud83dx"}"#,
            br#"{"region_name":"\ud83d\u0041"}"#,
            br#"{"region_name":"\udc00"}"#,
            br#"{"region_name":"\x"}"#,
            br#"{"region_name":"\u12"}"#,
            br#"{"region_name":"\u12g4"}"#,
            br#"{"region_name":"\U0041"}"#,
            // Long strings: the scan reads eight bytes at a time, so put
            // each special byte at several offsets of a word.
            b"{\"region_name\":\"abcdefghijklmnop\x01qrstuvwxyz\"}",
            b"{\"region_name\":\"abcdefghijklmno\x1fpqrstuvwxyz\"}",
            b"{\"region_name\":\"abcdefghijklmnopq\x00rstuvwxyz\"}",
            b"{\"region_name\":\"abcdefghijklmnopqr\x7fstuvwxyz\"}",
            br#"{"region_name":"abcdefghijklmnopqrs\tuvwxyz"}"#,
            br#"{"region_name":"abcdefghijklmnopqrst\"uvwxyz"}"#,
            br#"{"region_name":"abcdefghijklmnopqrstu\u00e9vwxyz"}"#,
            "{\"region_name\":\"abcdefghijklmnopqrstuvé😀wxyz\u{2028}abcdefgh\"}".as_bytes(),
            b"{\"region_name\":\"abcdefghijklmnopqrstuvw\xff\"}",
            br#"{"region_name":"abcdefghijklmnopqrstuvwx"}"#,
            br#"{"region_name":"abcdefghijklmnopqrstuvwxyz"#,
            br#"{"region_name":"abc"#,
            br#"{"region_name":"abc\"#,
            // Nested names: order by UTF-16 units, escaped duplicates.
            "{\"config\":{\"\u{1F600}\":1,\"\u{FB33}\":2,\"b\":3,\"B\":4,\"\":5,\"é\":6}}".as_bytes(),
            br#"{"config":{"a":1,"\u0061":2}}"#,
            br#"{"config":{"a":{"x":1,"x":2}}}"#,
            br#"{"config":{"a":[{"x":1},{"x":2,"y":{"x":3}}]}}"#,
            br#"{"config":{"\ud83d\ude00":1,"\ufb33":2}}"#,
            // Numbers.
            br#"{"config":{"n":[0,-0,1,-1,0.0,-0.0,1.0,1e0,1E+2,2e-2,0.1,1.5,-2.25,4.35]}}"#,
            br#"{"config":{"n":[123456789012345,1234567890123456,9007199254740991,-9007199254740991]}}"#,
            br#"{"config":{"n":9007199254740992}}"#,
            br#"{"config":{"n":-9007199254740992}}"#,
            br#"{"config":{"n":90071992547409910000}}"#,
            br#"{"config":{"n":1e21}}"#,
            br#"{"config":{"n":1e400}}"#,
            br#"{"config":{"n":-1e400}}"#,
            br#"{"config":{"n":[5e-324,1e-7,1e-6,0.000001234,123.456e5,1.7976931348623157e-308]}}"#,
            br#"{"config":{"n":[1.7976931348623157e308]}}"#,
            br#"{"config":{"n":01}}"#,
            br#"{"config":{"n":1.}}"#,
            br#"{"config":{"n":.5}}"#,
            br#"{"config":{"n":-}}"#,
            br#"{"config":{"n":1e}}"#,
            br#"{"config":{"n":1e+}}"#,
            br#"{"config":{"n":+1}}"#,
            br#"{"config":{"n":0x10}}"#,
            br#"{"config":{"n":NaN}}"#,
            br#"{"config":{"t":[true,false,null],"u":tru}}"#,
            br#"{"config":{"t":nul}}"#,
            // Whitespace.
            b" \t\r\n{ \"config\" :\n{ \"a\" : [ 1 , 2 ] } } \n",
            b"\x0c{}",
        ];
        for json in cases {
            assert_agree(json);
        }
    }

    #[test]
    fn fast_path_agrees_at_the_depth_limit() {
        for depth in [MAX_DEPTH - 3, MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH] {
            for (open, close, inner) in [("[", "]", "1"), ("[", "]", ""), ("{\"a\":", "}", "1")] {
                let nest = format!("{}{inner}{}", open.repeat(depth), close.repeat(depth));
                assert_agree(format!(r#"{{"config":{{"x":{nest}}}}}"#).as_bytes());
            }
        }
        for depth in [MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1] {
            for inner in [Value::Null, Value::Array(Vec::new())] {
                let mut v = inner;
                for _ in 0..depth {
                    v = Value::Array(vec![v]);
                }
                let params = Params::new().with("config", Value::object([("x", v)]));
                assert_eq!(fast_params(&params), reference_params(&params).ok());
            }
        }
    }

    #[test]
    fn fast_params_agree_on_chosen_values() {
        let cases = [
            Params::new(),
            Params::new()
                .with("region_name", "r")
                .with("region_name", "s"),
            Params::new()
                .with("region_name", Value::Null)
                .with("region_name", "s"),
            Params::new().with("regin_name", "r"),
            Params::new().with("use_ssl", "yes"),
            Params::new()
                .with("verify", Value::Null)
                .with("use_ssl", false),
            Params::new().with("aws_session_token", "tok\u{0}\"é"),
            Params::new().with("aws_session_token", 5),
            Params::new().with(
                "config",
                Value::object([
                    ("\u{FB33}", Value::from(1)),
                    ("\u{1F600}", Value::from(-0.0)),
                    ("a\n\"", Value::from(vec![1.5, 1e21, 1e-7])),
                ]),
            ),
            Params::new().with("config", Value::object([("n", f64::NAN)])),
            Params::new().with("config", Value::object([("n", f64::INFINITY)])),
            Params::new().with("config", Value::object([("n", 9_007_199_254_740_992.0)])),
            Params::new().with("config", Value::object([("n", 1e300)])),
            Params::new().with("config", Value::object([("a", 1), ("a", 1)])),
            Params::new().with(
                "config",
                Value::object([("o", Value::object([("b", 1), ("b", 2)]))]),
            ),
        ];
        for params in &cases {
            assert_eq!(
                fast_params(params),
                reference_params(params).ok(),
                "{params:?}"
            );
        }
    }

    mod generated {
        use super::*;
        use proptest::prelude::*;

        fn number_text() -> impl Strategy<Value = String> {
            prop_oneof![
                prop::sample::select(vec![
                    "0",
                    "-0",
                    "1",
                    "-1",
                    "0.0",
                    "-0.0",
                    "1.0",
                    "1e0",
                    "1E+2",
                    "2e-2",
                    "0.1",
                    "1.5",
                    "4.35",
                    "123456789012345",
                    "1234567890123456",
                    "9007199254740991",
                    "9007199254740992",
                    "-9007199254740993",
                    "1e21",
                    "1e400",
                    "5e-324",
                    "1.7976931348623157e308",
                    "01",
                    "1.",
                    ".5",
                    "-",
                    "1e",
                    "+1",
                    "00",
                ])
                .prop_map(str::to_owned),
                any::<i64>().prop_map(|n| n.to_string()),
                any::<f64>()
                    .prop_filter("finite", |n| n.is_finite())
                    .prop_map(|n| format!("{n:e}")),
                any::<f64>()
                    .prop_filter("finite", |n| n.is_finite())
                    .prop_map(|n| format!("{n:?}")),
            ]
        }

        /// String text between quotes: plain, escaped, non-ASCII, invalid.
        fn string_body() -> impl Strategy<Value = String> {
            prop::collection::vec(
                prop_oneof![
                    4 => "[a-z_]{1,6}",
                    1 => "[a-z_./:-]{7,20}",
                    1 => prop::sample::select(vec![
                        "\\n", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\r", "\\t", "\\u0000",
                        "\\u001f", "\\u00e9", "\\u005f", "\\u0061", "\\ud83d\\ude00", "\\uFB33",
                        "\\ud83d", "\\udc00", "\\x", "\\u12", "é", "😀", "\u{2028}", "\u{7f}",
                        "\u{1}", "\t",
                    ])
                    .prop_map(str::to_owned),
                ],
                0..4,
            )
            .prop_map(|parts| parts.concat())
        }

        fn name() -> impl Strategy<Value = String> {
            prop_oneof![
                3 => prop::sample::select(VOCABULARY.map(|s| s.name).to_vec()).prop_map(str::to_owned),
                1 => prop::sample::select(vec!["a", "b", "B", "", "é", "😀", "\\u0061", "region", "region\\u005fname", "\\ufb33"]).prop_map(str::to_owned),
                1 => string_body(),
            ]
        }

        fn value() -> impl Strategy<Value = String> {
            let leaf = prop_oneof![
                Just("null".to_owned()),
                Just("true".to_owned()),
                Just("false".to_owned()),
                number_text(),
                string_body().prop_map(|s| format!("\"{s}\"")),
            ];
            leaf.prop_recursive(4, 24, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4)
                        .prop_map(|items| format!("[{}]", items.join(","))),
                    prop::collection::vec((name(), inner), 0..4).prop_map(|members| {
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
            prop::collection::vec((name(), value(), " ?", " ?"), 0..5).prop_map(|members| {
                let members: Vec<String> = members
                    .iter()
                    .map(|(k, v, a, b)| format!("{a}\"{k}\"{b}:{a}{v}{b}"))
                    .collect();
                format!("{{{}}}", members.join(","))
            })
        }

        /// Params shaped as real ones (each parameter with a value of its
        /// type, in any order), so that most are valid keys.
        fn shaped_params_text() -> impl Strategy<Value = String> {
            let config = prop::collection::vec((name(), value()), 0..5).prop_map(|members| {
                let members: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect();
                format!("{{{}}}", members.join(","))
            });
            let members = (
                config,
                string_body(),
                string_body(),
                any::<bool>(),
                prop::sample::subsequence(vec![0usize, 1, 2, 3], 0..=4),
            )
                .prop_map(|(config, region, secret, ssl, chosen)| {
                    let all = [
                        format!("\"config\":{config}"),
                        format!("\"region_name\":\"{region}\""),
                        format!("\"aws_secret_access_key\":\"{secret}\""),
                        format!("\"use_ssl\":{ssl}"),
                    ];
                    chosen.iter().map(|&i| all[i].clone()).collect::<Vec<_>>()
                });
            (members, any::<bool>()).prop_map(|(mut members, reverse)| {
                if reverse {
                    members.reverse();
                }
                format!("{{{}}}", members.join(","))
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

            #[test]
            fn fast_path_agrees_on_shaped_params(text in shaped_params_text()) {
                assert_agree(text.as_bytes());
            }

            #[test]
            fn fast_path_agrees_with_the_reference(text in params_text()) {
                assert_agree(text.as_bytes());
            }

            #[test]
            fn fast_path_agrees_on_damaged_text(
                text in params_text(),
                at in any::<prop::sample::Index>(),
                byte in prop::sample::select(b"{}[]\",:\\ 0-e.nu\x01\xc3".to_vec()),
                how in 0..3u8,
            ) {
                let mut bytes = text.into_bytes();
                let at = at.index(bytes.len() + 1);
                match how {
                    0 => bytes.insert(at, byte),
                    1 if at < bytes.len() => { bytes.remove(at); }
                    _ if at < bytes.len() => bytes[at] = byte,
                    _ => bytes.push(byte),
                }
                assert_agree(&bytes);
            }
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
