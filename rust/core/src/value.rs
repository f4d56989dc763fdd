//! Parameter values: a JSON-shaped tree whose objects keep member order and
//! duplicates as written, so that identity rules (§2) can reject duplicates
//! instead of silently keeping one of them.

/// A parameter value. Objects are ordered `(name, value)` lists; the
/// canonical form sorts them, so the order you build them in never matters.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// JSON `null`.
    Null,
    /// JSON `true` / `false`.
    Bool(bool),
    /// A JSON number. Integral values must lie within ±(2^53−1); NaN and
    /// infinities are rejected when a key is built.
    Number(f64),
    /// A JSON string.
    String(String),
    /// A JSON array; order matters.
    Array(Vec<Value>),
    /// A JSON object; member order does not matter, duplicate names are
    /// rejected when a key is built.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// An object from `(name, value)` pairs.
    pub fn object<K: Into<String>, V: Into<Value>>(
        members: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Value::Object(
            members
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The member called `name`, if this is an object that has one.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.as_object()?
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

macro_rules! from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            // Out-of-range magnitudes (beyond 2^53−1) are rejected at key
            // construction, so the lossy conversion here is never observed.
            #[allow(clippy::cast_precision_loss)]
            fn from(n: $t) -> Self {
                Value::Number(n as f64)
            }
        }
    )*};
}
from_integer!(i8, i16, i32, i64, u8, u16, u32, u64, isize, usize);

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Self {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// The top-level parameters of a key, in the order given. Build with
/// [`Params::new`] and [`Params::with`], or parse with [`Params::from_json`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    pub(crate) members: Vec<(String, Value)>,
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one parameter (builder style). Setting the same name twice is
    /// rejected when the key is built.
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.members.push((name.into(), value.into()));
        self
    }

    /// Adds one parameter in place.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        self.members.push((name.into(), value.into()));
    }

    /// Parses a JSON object text. Empty input means no parameters.
    pub fn from_json(text: &[u8]) -> Result<Self, crate::Error> {
        let members = parse_object(text)?;
        Ok(Params {
            members: members
                .into_iter()
                .map(|(k, v)| (k.into_owned(), v.into_value()))
                .collect(),
        })
    }

    /// The parameters as given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.members.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of parameters as given (nulls included).
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True when no parameter was given.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Params {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Params {
            members: iter
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }
}

/// Parses params text into borrowed members; empty text means none.
pub(crate) fn parse_object(
    text: &[u8],
) -> Result<Vec<(std::borrow::Cow<'_, str>, crate::node::Node<'_>)>, crate::Error> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    match crate::json::parse(text)? {
        crate::node::Node::Object(members) => Ok(members),
        other => Err(crate::Error::invalid(format!(
            "params must be a JSON object, got {}",
            other.type_name()
        ))),
    }
}
